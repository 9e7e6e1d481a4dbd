"""The study's own words for its variables: a field's or attribute's short label and question
text, and the labels of an attribute's values in their order.

Tables, charts and file names are titled from these, not from column names ("behov_1"), because
the researcher pastes them into her report. They come from an SPSS file's variable and value
labels, or from ``qualcode fields label FIELD TEXT``. A name without a label is shown as itself.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, Iterable

from qualcode.errors import QualcodeError


def variable_labels(conn: sqlite3.Connection) -> dict[str, dict[str, str | None]]:
    """name -> {"label", "question"} for every variable that has one."""
    return {r[0]: {"label": r[1], "question": r[2]}
            for r in conn.execute("SELECT name, label, question FROM variable_labels")}


def title(conn: sqlite3.Connection, name: str) -> str:
    """The short label, else the question text, else the name itself."""
    row = conn.execute("SELECT label, question FROM variable_labels WHERE name = ?", (name,)).fetchone()
    if row is None:
        return name
    return row[0] or row[1] or name


def titles(conn: sqlite3.Connection, names: Iterable[str]) -> dict[str, str]:
    return {n: title(conn, n) for n in names}


def known_variables(conn: sqlite3.Connection) -> set[str]:
    """Fields and attribute names: what a label can be given to."""
    names = {r[0] for r in conn.execute("SELECT name FROM fields")}
    return names | {r[0] for r in conn.execute("SELECT DISTINCT name FROM attributes")}


def set_label(conn: sqlite3.Connection, name: str, label: str | None = None, question: str | None = None) -> None:
    """Give a field or attribute its short label and/or question text (None keeps what is there)."""
    known = known_variables(conn)
    if name not in known:
        raise QualcodeError(f"no field or attribute {name!r} (known: {', '.join(sorted(known)[:30])})")
    for what, value in (("label", label), ("question", question)):
        if value is not None and (not value.strip() or "\n" in value or len(value) > 500):
            raise QualcodeError(f"the {what} of {name} must be one line of 1-500 characters")
    store_labels(conn, {name: {"label": label, "question": question}})


def store_labels(conn: sqlite3.Connection, labels: dict[str, dict[str, str | None]]) -> None:
    """Upsert labels without checking names (an import stores them beside its own fields)."""
    for name, lab in labels.items():
        conn.execute(
            "INSERT INTO variable_labels(name, label, question) VALUES (?,?,?) ON CONFLICT(name) DO UPDATE SET "
            "label = COALESCE(excluded.label, label), question = COALESCE(excluded.question, question)",
            (name, _clean(lab.get("label")), _clean(lab.get("question"))))


def _clean(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def value_labels(conn: sqlite3.Connection, variable: str) -> list[tuple[str, str]]:
    """(value, label) in the order the source gave them."""
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT value, label FROM value_labels WHERE variable = ? ORDER BY position", (variable,))]


def store_value_labels(conn: sqlite3.Connection, variable: str, pairs: list[tuple[str, str]]) -> None:
    conn.execute("DELETE FROM value_labels WHERE variable = ?", (variable,))
    conn.executemany("INSERT INTO value_labels(variable, value, label, position) VALUES (?,?,?,?)",
                     [(variable, str(v), str(lab), i) for i, (v, lab) in enumerate(pairs)])


def value_order(conn: sqlite3.Connection, variable: str, values: Iterable[Any]) -> list[str]:
    """An attribute's values in codebook order: the value labels' order first, then the rest
    in natural order (``2`` before ``10``)."""
    present = {str(v) for v in values if v is not None and v == v}
    labelled = [lab for _, lab in value_labels(conn, variable)]
    first = [v for v in labelled if v in present]
    rest = sorted(present - set(first), key=natural_key)
    return first + rest


def natural_key(text: str) -> list[Any]:
    return [(0, int(p)) if p.isdigit() else (1, p.lower()) for p in re.split(r"(\d+)", str(text)) if p]
