"""The project's NLP settings and the measured precision of each rule: what every source reads
before it suggests, kept apart so that listing and status need not load the run."""

from __future__ import annotations

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
