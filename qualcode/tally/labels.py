"""The words and numbers a tally prints, in Swedish (the report's language) or English.

One place for them so that a table, a chart and a sentence of the report spell a code, a group
and a percent the same way, and round as the published report did.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qualcode.codebook import Code
from qualcode.errors import QualcodeError

LABELS = {
    "sv": {"count": "Antal", "percent": "Procent", "no_answer": "Ej svar", "total": "Total",
           "missing": "Systembortfall", "code": "Kod", "number": "Nr", "documents": "Dokument",
           "of": "av", "mentions": "Nämns", "row_pct": "Rad-%", "col_pct": "Kol-%", "totals": "Totalt",
           "unknown": "(saknas)", "unreviewed": "ogranskade förslag", "all": "Alla",
           "value": "Värde", "doc": "Dokument", "field": "Fält", "text": "Text", "segment": "Segment",
           "combined": "Antal gånger nämnt (alla alternativ)", "preview": "FÖRHANDSVISNING: förslag med poäng ≥ 0,5 räknade som godkända",
           "double": "svar bär två eller fler validerade områdeskoder; varje kod räknas, så summan av raderna överstiger Total",
           "interview": ("intervjun", "intervjuerna"), "response": ("svaret", "svaren"),
           "raised": "togs upp i", "the": "de",
           "not_reviewed": "Ej granskade",
           "not_reviewed_note": "(svar med förslag men inget beslut ännu; tabellen är inte slutgiltig)"},
    "en": {"count": "Count", "percent": "Percent", "no_answer": "No answer", "total": "Total",
           "missing": "Missing", "code": "Code", "number": "No", "documents": "Documents",
           "of": "of", "mentions": "Mentions", "row_pct": "Row %", "col_pct": "Col %", "totals": "Total",
           "unknown": "(missing)", "unreviewed": "unreviewed suggestions", "all": "All",
           "value": "Value", "doc": "Document", "field": "Field", "text": "Text", "segment": "Segment",
           "combined": "Times named (all alternatives)", "preview": "PREVIEW: suggestions scoring ≥ 0.5 counted as accepted",
           "double": "answers carry two or more validated area codes; each is counted, so the rows sum to more than Total",
           "interview": ("interview", "interviews"), "response": ("answer", "answers"),
           "raised": "was raised in", "the": "the",
           "not_reviewed": "Not reviewed",
           "not_reviewed_note": "(answers with suggestions but no decision yet; the table is not final)"},
}


def labels(lang: str) -> dict[str, Any]:
    if lang not in LABELS:
        raise QualcodeError(f"unknown language {lang!r} (use sv or en)")
    return LABELS[lang]


def percent(count: int, total: int, decimals: int = 1) -> float | None:
    """count/total × 100 rounded half up, as SPSS and a person round (4.2735 → 4.3, 0.85 → 0.9);
    Python's round() would give 0.8, and a checked figure would differ from the printed one."""
    if not total:
        return None
    q = Decimal(count * 100) / Decimal(total)
    return float(q.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def format_number(value: float | None, decimals: int = 1, lang: str = "sv") -> str:
    if value is None:
        return ""
    s = f"{value:.{decimals}f}"
    return s.replace(".", ",") if lang == "sv" else s


_TERM_RE = re.compile(r"^(vt|ht)\s*(\d{4})$", re.IGNORECASE)
_NUM_RE = re.compile(r"(\d+)")


def value_order(v: str | None) -> tuple:
    """Attribute values in the order a reader expects: terms chronologically (vt2017 after
    ht2016), numbers numerically (2 before 10), blanks last."""
    if v is None:
        return (2,)
    term = _TERM_RE.match(v)
    if term:
        return (0, int(term.group(2)), term.group(1).lower() == "ht")
    return (1, tuple(int(p) if p.isdigit() else p.lower() for p in _NUM_RE.split(v)))


def group_order(key: tuple) -> tuple:
    """Sort key of a group (one value per grouping attribute); see ``value_order``."""
    return tuple(value_order(v) for v in key)


def group_label(group: dict[str, Any], lang: str = "sv") -> str:
    if not group:
        return labels(lang)["all"]
    return " / ".join(labels(lang)["unknown"] if v is None else str(v) for v in group.values())


def code_row(c: Code) -> dict[str, Any]:
    """The part of a result row that names its code, the same in every tally's JSON."""
    return {"code": c.id, "number": c.number, "label": c.label}


def row_title(r: dict[str, Any]) -> str:
    return f"{r['number']}. {r['label']}" if r.get("number") is not None else r["label"]
