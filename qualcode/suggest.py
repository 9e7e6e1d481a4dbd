"""Making suggestions: token streams (cached), codebook rules, and the choice normaliser.

``suggest`` is what ``qualcode suggest`` runs. Notes and open answers go through the rules;
choice cells through ``ChoiceNormaliser``. Work is done in batches, each batch one
transaction that stores the new token streams and replaces the batch's earlier
suggestions of the same kind, so an interrupted run leaves every segment either as it was
or fully re-suggested. Token streams are reused whenever the segment was tokenized by the
same pipeline, so after a codebook edit no spaCy runs at all.

Scores: a pattern's codebook weight until reviewers have judged MIN_JUDGED of its
suggestions, then its measured precision (accepted / judged), so that among suggestions
scored about s about a fraction s is accepted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

from .codebook import Codebook
from .errors import QualcodeError
from .nlp import DEFAULT_LEMMATIZER, LEMMATIZERS, Pipeline, PipelineChoice, TokenStream, choose_pipeline
from .rules import RuleSet
from .store import now

MIN_JUDGED = 10        # judged suggestions before a pattern's precision replaces its weight
CONFIDENT = 0.5        # below this a suggestion is a hint (DESIGN.md)
BATCH = 2000           # segments per transaction
RULE_KINDS = ("notes", "text")


@dataclass
class SuggestSummary:
    pipeline: str
    notice: str | None
    codebook_version: str
    codebook_changes: list[str] = field(default_factory=list)
    segments: int = 0
    tokenized: int = 0
    cached: int = 0
    rule_suggestions: int = 0
    choice_suggestions: int = 0
    confident: int = 0
    by_code: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------------------- settings

def model_setting(project: Any) -> str | None:
    return project.meta("nlp_model")


def lemmatizer_setting(project: Any) -> str:
    value = project.meta("nlp_lemmatizer") or DEFAULT_LEMMATIZER
    if value not in LEMMATIZERS:
        raise QualcodeError(f"project setting nlp_lemmatizer={value!r} is not one of {', '.join(LEMMATIZERS)}")
    return value


def pipeline_choice(project: Any, model: str | None = None) -> PipelineChoice:
    return choose_pipeline(model, model_setting(project), lemmatizer_setting(project))


# ----------------------------------------------------------------------------- scopes

def field_groups(codebook: Codebook, fields: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Which code groups the rules suggest in each notes/text field.

    A text field bound to a group at import (``--field-group fraga_2a=fraga2a``) or named in a
    group's ``fields:`` in the codebook gets that group's codes; notes and other open fields get
    the general groups, those that declare no fields and that no field is bound to.
    """
    declared = {f: g.id for g in codebook.groups.values() for f in g.fields}
    bound = {f["code_group"] for f in fields.values() if f["kind"] == "text" and f.get("code_group")}
    general = [g.id for g in codebook.groups.values() if not g.fields and g.id not in bound]
    out = {}
    for name, f in fields.items():
        if f["kind"] not in RULE_KINDS:
            continue
        own = (f.get("code_group") if f["kind"] == "text" else None) or declared.get(name)
        out[name] = [own] if own else general
    return out


def measured_precision(conn: Any, min_judged: int = MIN_JUDGED) -> dict[str, float]:
    """Pattern label -> accepted/judged over the current verdicts on its suggestions."""
    out = {}
    for source, accepted, judged in conn.execute(
            "SELECT suggestion_source, SUM(verdict = 'accept'), COUNT(*) FROM current_decisions "
            "WHERE suggestion_source LIKE 'rule:%' AND verdict IN ('accept', 'reject') "
            "GROUP BY suggestion_source"):
        if judged >= min_judged:
            out[source[len("rule:"):]] = accepted / judged
    return out


def _check_codes(codebook: Codebook, codes: Iterable[str] | None) -> set[str] | None:
    if codes is None:
        return None
    wanted = {c.strip() for c in codes if c.strip()}
    for c in wanted:
        codebook.get(c)
    return wanted


def _check_docs(project: Any, docs: Iterable[str] | None) -> list[str] | None:
    if docs is None:
        return None
    wanted = sorted({d.strip() for d in docs if d.strip()})
    known = {r[0] for r in project.conn.execute(
        "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(wanted),))}
    missing = [d for d in wanted if d not in known]
    if missing:
        raise QualcodeError(f"unknown document{'s' if len(missing) > 1 else ''} {', '.join(missing[:5])}")
    return wanted


# ----------------------------------------------------------------------------- the run

class _LazyPipeline:
    def __init__(self, choice: PipelineChoice, lemmatizer: str) -> None:
        self.choice, self.lemmatizer, self._p = choice, lemmatizer, None

    def get(self) -> Pipeline:
        if self._p is None:
            self._p = Pipeline(self.choice, self.lemmatizer)
        return self._p


def suggest(project: Any, docs: Iterable[str] | None = None, codes: Iterable[str] | None = None,
            model: str | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None, batch_size: int = BATCH) -> SuggestSummary:
    """Re-suggest codes for the segments in scope (all by default) and store them."""
    refreshed = project.refresh_codebook()
    cb = project.codebook
    wanted_codes = _check_codes(cb, codes)
    wanted_docs = _check_docs(project, docs)
    lemmatizer = lemmatizer_setting(project)
    choice = choose_pipeline(model, model_setting(project), lemmatizer)
    summary = SuggestSummary(choice.identity, None, cb.version, refreshed[1] if refreshed else [])
    fields = project.fields()
    groups = field_groups(cb, fields)
    scores = measured_precision(project.conn)
    rulesets: dict[tuple[str, ...], RuleSet] = {}

    def ruleset_for(fld: str) -> RuleSet:
        key = tuple(groups.get(fld, ()))
        rs = rulesets.get(key)
        if rs is None:
            ids = [c.id for c in cb.codes if c.group in key and (wanted_codes is None or c.id in wanted_codes)]
            rs = rulesets[key] = RuleSet(cb, ids, scores)
        return rs

    sql = ("SELECT s.id, s.doc, s.field, s.start, s.text, f.kind, f.code_group, t.pipeline "
           "FROM segments s JOIN fields f ON f.name = s.field "
           "LEFT JOIN segment_tokens t ON t.segment = s.id WHERE s.retired = 0")
    args: list[Any] = []
    if wanted_docs is not None:
        sql += " AND s.doc IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(wanted_docs))
    rows = project.conn.execute(sql + " ORDER BY s.doc, s.field, s.position", args).fetchall()
    rule_rows = [r for r in rows if r["kind"] in RULE_KINDS]
    choice_rows = [r for r in rows if r["kind"] == "choice"]
    summary.segments = len(rows)
    if on_total:
        on_total(len(rows))
    lazy = _LazyPipeline(choice, lemmatizer)
    code_filter = json.dumps(sorted(wanted_codes)) if wanted_codes is not None else None
    for i in range(0, len(rule_rows), batch_size):
        _rule_batch(project, rule_rows[i:i + batch_size], lazy, ruleset_for, code_filter, summary)
        if progress:
            progress(len(rule_rows[i:i + batch_size]))
    by_field: dict[str, list[Any]] = {}
    for r in choice_rows:
        by_field.setdefault(r["field"], []).append(r)
    for fld, frows in by_field.items():
        for i in range(0, len(frows), batch_size):
            _choice_batch(project, cb, frows[i:i + batch_size], frows[0]["code_group"], wanted_codes,
                          code_filter, summary)
            if progress:
                progress(len(frows[i:i + batch_size]))
    if lazy._p is not None or summary.tokenized:
        summary.notice = choice.notice
    return summary


def _rule_batch(project: Any, rows: list[Any], lazy: _LazyPipeline, ruleset_for: Callable[[str], RuleSet],
                code_filter: str | None, summary: SuggestSummary) -> None:
    conn = project.conn
    identity = lazy.choice.identity
    ids = [r["id"] for r in rows]
    streams: dict[int, TokenStream] = {}
    fresh: list[tuple[int, str, bytes]] = []
    for seg, data in conn.execute("SELECT segment, data FROM segment_tokens WHERE pipeline = ? AND segment IN "
                                  "(SELECT value FROM json_each(?))", (identity, json.dumps(ids))):
        streams[seg] = TokenStream.decode(data)
    todo = [r for r in rows if r["id"] not in streams]
    if todo:
        pipe = lazy.get()
        for r, stream in zip(todo, pipe.process((r["text"] for r in todo))):
            streams[r["id"]] = stream
            fresh.append((r["id"], identity, stream.encode()))
    summary.tokenized += len(todo)
    summary.cached += len(rows) - len(todo)
    version = summary.codebook_version
    stamp = now()
    out = []
    for r in rows:
        for h in ruleset_for(r["field"]).apply(streams[r["id"]], r["text"]):
            out.append((r["id"], h.code, h.source, h.score, r["start"] + h.start, r["start"] + h.end,
                        int(h.negated), h.reason, None, version, stamp))
    with project.transaction():
        if fresh:
            conn.executemany("INSERT OR REPLACE INTO segment_tokens(segment, pipeline, data) VALUES (?,?,?)", fresh)
        delete = "DELETE FROM suggestions WHERE source LIKE 'rule:%' AND segment IN (SELECT value FROM json_each(?))"
        dargs: list[Any] = [json.dumps(ids)]
        if code_filter is not None:
            delete += " AND code IN (SELECT value FROM json_each(?))"
            dargs.append(code_filter)
        conn.execute(delete, dargs)
        conn.executemany("INSERT INTO suggestions(segment, code, source, score, start, end, negated, reason, "
                         "candidates, codebook_version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", out)
    summary.rule_suggestions += len(out)
    for row in out:
        summary.by_code[row[1]] = summary.by_code.get(row[1], 0) + 1
        summary.confident += row[3] >= CONFIDENT


def _choice_batch(project: Any, cb: Codebook, rows: list[Any], group: str | None, wanted_codes: set[str] | None,
                  code_filter: str | None, summary: SuggestSummary) -> None:
    from .choices import ChoiceNormaliser
    group = group or "fokusomrade"
    if group not in cb.groups:
        raise QualcodeError(f"choice field {rows[0]['field']!r} is bound to group {group!r}, "
                            f"which the codebook does not have")
    results = ChoiceNormaliser(cb, group).normalise_many([r["text"] for r in rows])
    stamp = now()
    out = []
    for r, res in zip(rows, results):
        if res.code is None or (wanted_codes is not None and res.code not in wanted_codes):
            continue
        out.append((r["id"], res.code, "choice", float(res.score), r["start"], r["start"] + len(r["text"]), 0,
                    res.reason, json.dumps(list(res.candidates), ensure_ascii=False),
                    summary.codebook_version, stamp))
    ids = json.dumps([r["id"] for r in rows])
    with project.transaction():
        delete = "DELETE FROM suggestions WHERE source = 'choice' AND segment IN (SELECT value FROM json_each(?))"
        dargs: list[Any] = [ids]
        if code_filter is not None:
            delete += " AND code IN (SELECT value FROM json_each(?))"
            dargs.append(code_filter)
        project.conn.execute(delete, dargs)
        project.conn.executemany(
            "INSERT INTO suggestions(segment, code, source, score, start, end, negated, reason, candidates, "
            "codebook_version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", out)
    summary.choice_suggestions += len(out)
    for row in out:
        summary.by_code[row[1]] = summary.by_code.get(row[1], 0) + 1
        summary.confident += row[3] >= CONFIDENT


# ----------------------------------------------------------------------------- reading

EXPORT_FIELDS = ("doc", "field", "segment", "start", "end", "text", "code", "number", "group", "score",
                 "source", "negated")


def list_suggestions(project: Any, doc: str | None = None, code: str | None = None, min_score: float = 0.0,
                     source: str | None = None, pending: bool = False) -> list[dict[str, Any]]:
    """Suggestions of live segments in document order, as the export's records."""
    if code is not None:
        project.codebook.get(code)
    sql = ("SELECT g.doc, g.field, s.segment, s.start, s.end, g.text, s.code, c.number, c.grp AS \"group\", "
           "s.score, s.source, s.negated, s.reason, s.candidates FROM suggestions s "
           "JOIN segments g ON g.id = s.segment AND g.retired = 0 LEFT JOIN codes c ON c.id = s.code "
           "WHERE s.score >= ?")
    args: list[Any] = [min_score]
    if doc is not None:
        sql += " AND g.doc = ?"
        args.append(doc)
    if code is not None:
        sql += " AND s.code = ?"
        args.append(code)
    if source is not None:
        sql += " AND (s.source = ? OR s.source LIKE ?)"
        args += [source, source.rstrip("%") + "%" if source.endswith("%") else source]
    if pending:
        sql += (" AND NOT EXISTS (SELECT 1 FROM current_decisions d WHERE d.segment = s.segment "
                "AND d.code = s.code AND d.verdict != 'retract')")
    sql += " ORDER BY g.doc, g.field, g.position, s.score DESC, s.code"
    out = []
    for r in project.conn.execute(sql, args):
        d = dict(r)
        d["negated"] = bool(d["negated"])
        out.append(d)
    return out


def export_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in EXPORT_FIELDS} for r in rows]


def explain(project: Any, segment: int, model: str | None = None) -> dict[str, Any]:
    """Everything about one segment's rule suggestions: tokens, lemmas, parts, what fired."""
    row = project.conn.execute(
        "SELECT s.id, s.doc, s.field, s.start, s.end, s.text, f.kind, t.pipeline, t.data FROM segments s "
        "JOIN fields f ON f.name = s.field LEFT JOIN segment_tokens t ON t.segment = s.id WHERE s.id = ?",
        (segment,)).fetchone()
    if row is None:
        raise QualcodeError(f"unknown segment {segment}")
    cb = project.codebook
    choice = pipeline_choice(project, model)
    if row["data"] is not None and row["pipeline"] == choice.identity:
        stream, used = TokenStream.decode(row["data"]), "cache"
    else:
        stream, used = next(iter(Pipeline(choice, lemmatizer_setting(project)).process([row["text"]]))), "pipeline"
    groups = field_groups(cb, project.fields()).get(row["field"], list(cb.groups))
    rs = RuleSet(cb, [c.id for c in cb.codes if c.group in groups], measured_precision(project.conn))
    ex = rs.explain(stream, row["text"])
    text = row["text"]
    return {
        "segment": row["id"], "doc": row["doc"], "field": row["field"], "text": text,
        "pipeline": choice.identity, "tokens_from": used, "groups": groups,
        "tokens": ex.tokens,
        "matches": [{"code": m.rule.code, "pattern": m.rule.label, "kind": m.rule.pattern.kind,
                     "line": m.rule.pattern.line, "weight": m.rule.pattern.weight, "score": m.rule.score,
                     "start": row["start"] + m.start, "end": row["start"] + m.end, "evidence": text[m.start:m.end],
                     "negated": m.negated, "vetoed_by": m.vetoed_by or None, "blocked": m.blocked or None}
                    for m in ex.matches],
        "suggestions": [{"code": h.code, "source": h.source, "score": h.score, "start": row["start"] + h.start,
                         "end": row["start"] + h.end, "negated": h.negated, "reason": h.reason} for h in ex.hits],
    }
