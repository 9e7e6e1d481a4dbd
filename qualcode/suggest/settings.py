"""The project's NLP settings and the measured precision of each rule: what every source reads
before it suggests, kept apart so that listing and status need not load the run."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.nlp.pipeline import DEFAULT_LEMMATIZER, LEMMATIZERS, PipelineChoice, choose_pipeline

MIN_JUDGED = 10        # judged suggestions before a pattern's precision replaces its weight


def model_setting(project: Any) -> str | None:
    return project.nlp_model()  # refuses a name that is not an installed sv_core_news_* or a folder


def lemmatizer_setting(project: Any) -> str:
    value = project.meta("nlp_lemmatizer") or DEFAULT_LEMMATIZER
    if value not in LEMMATIZERS:
        raise QualcodeError(f"project setting nlp_lemmatizer={value!r} is not one of {', '.join(LEMMATIZERS)}")
    return value


def pipeline_choice(project: Any, model: str | None = None) -> PipelineChoice:
    return choose_pipeline(model, None if model else model_setting(project), lemmatizer_setting(project))


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


PRIORS_FILE = Path(__file__).resolve().parents[1] / "data" / "rule_priors.json"


def rule_scores(conn: Any, codebook: Any) -> dict[str, float]:
    """Every pattern's score: its precision measured on the project's own reviews once
    ``MIN_JUDGED`` of its suggestions are judged (key: pattern label); before that, its precision
    measured on the labelled training corpus (key: code id, label and weight, shipped with the codebook it
    was measured under, ``scripts/calibrate_rules.py``); else the codebook's weight."""
    scores = dict(shipped_priors(codebook))
    scores.update(measured_precision(conn))
    return scores


def shipped_priors(codebook: Any) -> dict[str, float]:
    from qualcode.suggest.base_model import codebook_fingerprint
    table = _priors_table()
    if not table or table.get("codebook") != codebook_fingerprint(codebook):
        return {}
    return {key: value[0] for key, value in table["priors"].items()}


@lru_cache(maxsize=1)
def _priors_table() -> dict[str, Any]:
    try:
        return json.loads(PRIORS_FILE.read_text(encoding="utf-8")) if PRIORS_FILE.exists() else {}
    except (OSError, ValueError):
        return {}


def prior_key(code_id: str, label: str, weight: float) -> str:
    """A shipped prior's key: a researcher who edits a pattern or its weight gets her own value."""
    return f"{code_id}\x1f{label}\x1f{weight:g}"


def pattern_score(scores: dict[str, float], code_id: str, pattern: Any) -> float:
    """The score a pattern's suggestions get (see ``rule_scores``)."""
    s = scores.get(pattern.label)
    if s is None:  # the corpus measure holds only for the pattern as measured, weight included
        s = scores.get(prior_key(code_id, pattern.label, pattern.weight))
    return pattern.weight if s is None else s
