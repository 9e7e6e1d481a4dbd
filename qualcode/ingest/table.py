"""A table read from a file (a survey export, a notes metadata sheet, a review sheet): the
header and the rows, and the one rule every such header obeys: no column named twice, since a
row would otherwise silently lose one of the two values.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import QualcodeError


@dataclass
class Table:
    """``rows`` holds (row number as a spreadsheet shows it, cells); blank rows are left out."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def check_header(header: list[str], where: str) -> None:
    """Refuse a header that names a column twice, naming the columns by position."""
    first: dict[str, int] = {}
    dupes: list[str] = []
    for i, name in enumerate(header, start=1):
        if not name:
            continue
        if name in first:
            dupes.append(f"{name!r} (columns {first[name]} and {i})")
        else:
            first[name] = i
    if dupes:
        raise QualcodeError(f"duplicate column name {', '.join(dupes)}; rename one of them", where=where)
