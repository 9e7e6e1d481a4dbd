"""CSV: the tables one after another, a blank line and the title between them.

Researchers open these files in Excel, which evaluates a cell that starts like a formula; such
text gets a leading apostrophe (OWASP's advice), which Excel shows as text and does not print.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from qualcode.report.formats.base import Content, TextFormat, looks_like_formula


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return "'" + value if looks_like_formula(value) else value


class _Rows:
    """Rows written with "\\n" endings. Python's writer (before 3.12) quotes a cell only for the
    characters of the line ending it uses, so a row with a CR in a cell is written fully quoted;
    unquoted, a reader would end the row there."""

    def __init__(self, buf: io.StringIO) -> None:
        self._plain = csv.writer(buf, lineterminator="\n")
        self._quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(self, row: list[Any]) -> None:
        cells = [csv_cell(v) for v in row]
        has_cr = any(isinstance(c, str) and "\r" in c for c in cells)
        (self._quoted if has_cr else self._plain).writerow(cells)


class Csv(TextFormat):
    def render(self, content: Content) -> str:
        tables = content.as_tables()
        buf = io.StringIO()
        rows = _Rows(buf)
        for i, t in enumerate(tables):
            if len(tables) > 1:
                if i:
                    rows.write([])
                rows.write([t.title])
            rows.write(t.columns)
            for row in t.rows:
                rows.write(row)
        return buf.getvalue()
