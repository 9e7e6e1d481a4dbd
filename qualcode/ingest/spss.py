"""SPSS ``.sav`` (and Stata ``.dta``) survey files, read with pyreadstat into the table every
survey import reads, so a ``.sav`` is imported exactly as the CSV of the same data would be.

What SPSS knows that a CSV does not is kept: a variable's label becomes its question text, the
value labels of an attribute become its values (in their order, which tables and DataFrames
follow), and a choice variable's numeric codes become the labels of their values, which the
choice normaliser reads as areas. A user-missing value ("Ej svar", e.g. 99) is a blank answer;
a system-missing value (no value at all) means the respondent never had the question, as
``#NULL!`` does in a CSV export.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.ingest.table import Table

SPSS_SUFFIXES = (".sav", ".zsav", ".dta")
SYSTEM_MISSING = "\x00system-missing"   # a marker no cell of a real file holds


@dataclass
class LabelledTable:
    """The table, plus the labels the file carried for its variables and values."""

    table: Table
    questions: dict[str, str] = field(default_factory=dict)          # variable -> variable label
    value_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def read_spss_table(path: str | Path, choices: list[str]) -> LabelledTable:
    """Read the file; ``choices`` name the variables whose numeric codes must carry value labels."""
    p = Path(path)
    df, meta = _read(p)
    header = [str(c) for c in df.columns]
    labels = {str(k): dict(v) for k, v in (meta.variable_value_labels or {}).items()}
    missing = {str(k): v for k, v in (meta.missing_ranges or {}).items()}
    types = meta.readstat_variable_types or {}
    for name in choices:
        if name in header and types.get(name) != "string" and not labels.get(name):
            raise QualcodeError(f"choice variable {name!r} has numeric codes but no value labels, so its "
                                "areas are unknown; add value labels in SPSS or export the labels as text",
                                where=str(p))
    columns = [[_cell(v, labels.get(name), missing.get(name), name, name in choices, p)
                for v in df[name].tolist()] for name in header]
    rows = [(i + 1, [col[i] for col in columns]) for i in range(len(df))]
    questions = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    kept = {name: [(_text(code), lab) for code, lab in pairs.items() if not _is_missing(code, missing.get(name))]
            for name, pairs in labels.items()}
    return LabelledTable(Table(header, rows), questions, kept)


def _read(p: Path) -> Any:
    import pyreadstat
    if not p.is_file():
        raise QualcodeError("no such file", where=str(p))
    reader = pyreadstat.read_dta if p.suffix.lower() == ".dta" else pyreadstat.read_sav
    try:
        return reader(str(p), user_missing=True)
    except Exception as e:  # pyreadstat's errors (truncated, not an SPSS file) have no common base
        raise QualcodeError(f"cannot read this {p.suffix} file ({e}); is it complete?", where=str(p)) from None


def _cell(value: Any, labels: dict[Any, str] | None, missing: list[dict[str, Any]] | None, name: str,
          is_choice: bool, p: Path) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SYSTEM_MISSING
    if _is_missing(value, missing):
        return ""            # user-missing: the respondent had the question and gave no answer
    if isinstance(value, str):
        return value
    if labels and value in labels:
        return labels[value]
    if is_choice:
        raise QualcodeError(f"choice variable {name!r}: the code {_text(value)} has no value label", where=str(p))
    return _text(value)


def _is_missing(value: Any, ranges: list[dict[str, Any]] | None) -> bool:
    if not ranges or isinstance(value, str) and not all(isinstance(r["lo"], str) for r in ranges):
        return False
    try:
        return any(r["lo"] <= value <= r["hi"] for r in ranges)
    except TypeError:
        return False


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def spss_labels(conn: Any, labelled: LabelledTable, attributes: list[str]) -> None:
    """Store the file's variable labels as question texts and its attributes' value labels."""
    from qualcode.variables import store_labels, store_value_labels
    store_labels(conn, {name: {"question": q} for name, q in labelled.questions.items()
                        if name in known_names(conn)})
    for name in attributes:
        if labelled.value_labels.get(name):
            store_value_labels(conn, name, labelled.value_labels[name])


def known_names(conn: Any) -> set[str]:
    from qualcode.variables import known_variables
    return known_variables(conn)
