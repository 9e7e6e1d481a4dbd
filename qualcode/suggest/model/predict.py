"""The learned models' suggestions, and their fusion with the other sources.

``model_suggestions`` writes each group's predictions into ``suggestions`` as source
``model:<version>`` beside the rule and choice rows, so review, tallies and the evaluation see
every source; ``fused_scores`` (and the ``fused_suggestions`` view) combine them per (segment, code).

Fusion. The fused score is the maximum over sources, not a noisy-OR: the model is trained on
what the rules found, so the two are strongly dependent, and a noisy-OR (which assumes
independence) would push every agreeing pair towards 1 beyond the precision either has shown.
The maximum keeps each source's calibrated meaning and is what ``review`` (``MAX(score)``) and
``evaluate.compare`` (any row >= 0.5) already use.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

import numpy as np

from qualcode.errors import QualcodeError
from qualcode.fields import CONFIDENT, check_codes, check_docs
from qualcode.store.db import now
from qualcode.suggest.model.features import FEATURE_VERSION, feature_texts
from qualcode.suggest.model.linear import GroupModel
from qualcode.suggest.base_model_source import deferring_codes
from qualcode.suggest.model.storage import check_models, latest_precision, latest_versions, load_models
from qualcode.suggest.model.training import groups_by_field

MIN_SCORE = 0.3        # model rows below this are not stored (below 0.5 they are hints)
HINT = 0.45            # the highest score of a code on which the model still defers to the base model
MODEL_STATE = ("*", "model")  # the suggest_state row: what the stored model rows were made from


@dataclass
class ModelSummary:
    models: dict[str, str] = field(default_factory=dict)   # group -> version
    segments: int = 0
    suggestions: int = 0
    confident: int = 0
    removed: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def models_fingerprint(project: Any, by_field: dict[str, list[str]] | None = None) -> str | None:
    """What the model suggestions of a segment depend on besides its words: the latest model
    of each group, the groups each field gets (``by_field``, when the caller has them), the
    codebook's codes and the storing threshold. None when there is no model.

    Refuses (QualcodeError) a project whose models this qualcode cannot load, so that ``status``
    and ``suggest`` say so before doing anything."""
    versions = latest_versions(project)
    if not versions:
        return None
    check_models(project)
    by_field = groups_by_field(project) if by_field is None else by_field
    data = [[list(v) for v in versions], sorted(by_field.items()), sorted(project.codebook.by_id), MIN_SCORE,
            FEATURE_VERSION]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def model_suggestions(project: Any, docs: Iterable[str] | None = None, codes: Iterable[str] | None = None,
                      min_score: float = MIN_SCORE, *, explain: bool = True,
                      segments: Iterable[int] | None = None) -> ModelSummary:
    """Predict with each group's latest model and store rows ``model:<version>`` (one transaction).

    Earlier model rows for the segments and codes in scope are replaced. Segments that
    ``suggest`` has not tokenized yet use their lower-cased words as features. A run over
    everything with the default threshold records ``models_fingerprint`` in ``suggest_state``,
    so that ``suggest`` predicts again only where something changed.
    """
    if not 0.0 <= min_score <= 1.0:
        raise QualcodeError(f"--min-score {min_score} must be between 0 and 1")
    t0 = time.perf_counter()
    wanted_codes = check_codes(project.codebook, codes)
    wanted_docs = check_docs(project.conn, docs)
    models = load_models(project)
    if not models:
        raise QualcodeError("no model yet; train one with 'qualcode learn'")
    summary = ModelSummary({g: m.meta["version"] for g, m in models.items()})
    by_field = groups_by_field(project)
    rows = _segments_in_scope(project, by_field, wanted_docs, segments)
    summary.segments = len(rows)
    out = []
    texts = feature_texts(project, rows)
    precision = latest_precision(project)
    deferring = deferring_codes(project)
    for grp, model in models.items():
        mine = [i for i, r in enumerate(rows) if grp in by_field.get(r["field"], ())]
        if mine:
            caps = {code: v for (g, code), v in precision.items() if g == grp}
            caps.update({code: min(caps.get(code, 1.0), HINT) for code in deferring})
            out += _predicted_rows(project, model, [rows[i] for i in mine], [texts[i] for i in mine],
                                   wanted_codes, min_score, explain, caps)
    with project.transaction():
        summary.removed = _replace_rows(project, [r["id"] for r in rows], wanted_codes, out)
        if docs is None and codes is None and segments is None:
            _record_state(project, by_field, min_score == MIN_SCORE and explain)
    summary.suggestions = len(out)
    for row in out:
        summary.by_code[row[1]] = summary.by_code.get(row[1], 0) + 1
        summary.confident += row[3] >= CONFIDENT
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _segments_in_scope(project: Any, by_field: dict[str, list[str]], wanted_docs: list[str] | None,
                       segments: Iterable[int] | None) -> list[Any]:
    sql = ("SELECT id, doc, field, position, text, text_hash FROM segments WHERE retired = 0 AND trim(text) != ''"
           " AND field IN (SELECT value FROM json_each(?))")
    args: list[Any] = [json.dumps(sorted(by_field))]
    if wanted_docs is not None:
        sql += " AND doc IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(wanted_docs))
    if segments is not None:
        sql += " AND id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(set(segments))))
    return project.conn.execute(sql + " ORDER BY doc, field, position", args).fetchall()


def _predicted_rows(project: Any, model: GroupModel, rows: list[Any], texts: list[tuple[str, str]],
                    wanted_codes: set[str] | None, min_score: float, explain: bool,
                    caps: dict[str, float]) -> list[tuple[Any, ...]]:
    """One group's suggestion rows; a reason is read from the matrix already featurized.

    A code's score is at most the precision ``learn`` measured for its confident rows by
    cross-validation: a model trained on a few documents can be sure of itself and wrong,
    and a score must mean what it says. A code it learned well keeps its probabilities; one
    it learned badly gives hints (below 0.5) until more decisions teach it, and so does a code
    on which it still defers to the base model (``base_model_source.deferring_codes``)."""
    version = model.meta["version"]
    source, stamp, version_cb = f"model:{version}", now(), project.codebook.version
    X = model.featurizer.transform(texts)
    out = []
    for code, p in model.predict_matrix(X).items():
        if code not in project.codebook or (wanted_codes is not None and code not in wanted_codes):
            continue
        if code in caps:
            p = np.minimum(p, caps[code])
        for j in np.nonzero(p >= min_score)[0]:
            why = model.evidence_row(code, X, j) if explain else []
            reason = f"modell {version}, p={p[j]:.2f}" + (f"; ord: {', '.join(why)}" if why else "")
            out.append((rows[j]["id"], code, source, round(float(p[j]), 4), None, None, 0, reason, None,
                        version_cb, stamp))
    return out


def _replace_rows(project: Any, segment_ids: list[int], wanted_codes: set[str] | None,
                  rows: list[tuple[Any, ...]]) -> int:
    """Delete the model rows in scope, insert the new ones; how many were deleted."""
    delete = "DELETE FROM suggestions WHERE source LIKE 'model:%' AND segment IN (SELECT value FROM json_each(?))"
    args: list[Any] = [json.dumps(sorted(segment_ids))]
    if wanted_codes is not None:
        delete += " AND code IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(wanted_codes)))
    removed = project.conn.execute(delete, args).rowcount
    project.conn.executemany(
        "INSERT INTO suggestions(segment, code, source, score, start, end, negated, reason, candidates, "
        "codebook_version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    return removed


def _record_state(project: Any, by_field: dict[str, list[str]], as_suggest_would: bool) -> None:
    """After a run over everything: the fingerprint, or none when the rows were made otherwise
    than ``suggest`` would make them (another threshold, no reasons)."""
    if as_suggest_would:
        project.conn.execute("INSERT OR REPLACE INTO suggest_state(field, code, fingerprint) VALUES (?,?,?)",
                             (*MODEL_STATE, models_fingerprint(project, by_field)))
    else:
        project.conn.execute("DELETE FROM suggest_state WHERE field = ? AND code = ?", MODEL_STATE)


@dataclass
class Fused:
    segment: int
    code: str
    score: float
    rule_score: float | None
    model_score: float | None
    sources: list[str]

    @property
    def origin(self) -> str:
        """'rule', 'model' or 'both' (rule here means any non-model source: rules and choices)."""
        if self.rule_score is not None and self.model_score is not None:
            return "both"
        return "model" if self.model_score is not None else "rule"


def fused_scores(project: Any, min_score: float = 0.0, doc: str | None = None) -> list[Fused]:
    """Per (segment, code): the fused (max) score, each kind's own score, and every source."""
    sql = ("SELECT f.segment, f.code, f.score, f.rule_score, f.model_score, f.sources FROM fused_suggestions f "
           "JOIN segments g ON g.id = f.segment AND g.retired = 0 WHERE f.score >= ?")
    args: list[Any] = [min_score]
    if doc is not None:
        sql += " AND g.doc = ?"
        args.append(doc)
    return [Fused(r[0], r[1], r[2], r[3], r[4], sorted(r[5].split("\x1f")))
            for r in project.conn.execute(sql + " ORDER BY g.doc, g.field, g.position, f.code", args)]
