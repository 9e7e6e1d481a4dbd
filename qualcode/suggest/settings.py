"""The project's NLP settings and the measured precision of each rule: what every source reads
before it suggests, kept apart so that listing and status need not load the run."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.nlp.pipeline import DEFAULT_LEMMATIZER, LEMMATIZERS, PipelineChoice, choose_pipeline

PRIOR_STRENGTH = 4.0   # pseudo-verdicts the shipped prior (or the weight) counts for against her own


def model_setting(project: Any) -> str | None:
    return project.nlp_model()  # refuses a name that is not an installed sv_core_news_* or a folder


def lemmatizer_setting(project: Any) -> str:
    value = project.meta("nlp_lemmatizer") or DEFAULT_LEMMATIZER
    if value not in LEMMATIZERS:
        raise QualcodeError(f"project setting nlp_lemmatizer={value!r} is not one of {', '.join(LEMMATIZERS)}")
    return value


def pipeline_choice(project: Any, model: str | None = None) -> PipelineChoice:
    return choose_pipeline(model, None if model else model_setting(project), lemmatizer_setting(project))


def judged_counts(conn: Any) -> dict[tuple[str, str], tuple[int, int]]:
    """(code, pattern label) -> (accepted, judged): the current verdicts on segments where the
    pattern suggests the code. Every pattern that found it gets the verdict, not only the source
    the decision answered (the best-scored row, often the base model's)."""
    return {(code, source[len("rule:"):]): (int(accepted), int(judged)) for code, source, accepted, judged in conn.execute(
        "SELECT s.code, s.source, SUM(d.verdict = 'accept'), COUNT(*) FROM current_decisions d "
        "JOIN suggestions s ON s.segment = d.segment AND s.code = d.code AND s.source LIKE 'rule:%' "
        "WHERE d.verdict IN ('accept', 'reject') GROUP BY s.code, s.source")}


def blended(accepted: int, judged: int, prior: float) -> float:
    """The pattern's precision on her reviews, shrunk toward its prior by ``PRIOR_STRENGTH``
    pseudo-verdicts. Every verdict counts from the first: two rejections of a pattern the training
    corpus put at 0.55 make it a hint (0.37), while a pattern at 0.95 stays confident after one
    (0.76); after a few dozen verdicts her own figure is what is left. A hard switch after N
    verdicts (as before) ignored her first verdicts, and a half-reviewed project kept suggesting
    what she had already rejected on every page."""
    return (accepted + PRIOR_STRENGTH * prior) / (judged + PRIOR_STRENGTH)


PRIORS_FILE = Path(__file__).resolve().parents[1] / "data" / "rule_priors.json"


def rule_scores(conn: Any, codebook: Any) -> dict[str, float]:
    """Every pattern's score: its prior (the precision measured on the labelled training corpus,
    key: code id, label and weight, shipped with the codebook it was measured under,
    ``scripts/calibrate_rules.py``; else the codebook's weight), blended with its precision on
    the project's own reviews as verdicts arrive (``blended``; key: code id and label)."""
    scores = dict(shipped_priors(codebook))
    judged = judged_counts(conn)
    if judged:
        for code in codebook.codes:
            for pattern in code.patterns:
                counts = judged.get((code.id, pattern.label))
                if counts is not None:
                    prior = scores.get(prior_key(code.id, pattern.label, pattern.weight), pattern.weight)
                    scores[judged_key(code.id, pattern.label)] = round(blended(*counts, prior), 4)
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


def judged_key(code_id: str, label: str) -> str:
    """A pattern's key once her reviews have judged it: the same pattern under another code is
    another rule with its own record."""
    return f"{code_id}\x1f{label}"


def pattern_score(scores: dict[str, float], code_id: str, pattern: Any) -> float:
    """The score a pattern's suggestions get (see ``rule_scores``); a bare label (a caller's own
    figure for the pattern) is read too."""
    s = scores.get(judged_key(code_id, pattern.label))
    if s is None:
        s = scores.get(pattern.label)
    if s is None:  # the corpus measure holds only for the pattern as measured, weight included
        s = scores.get(prior_key(code_id, pattern.label, pattern.weight))
    return pattern.weight if s is None else s
