"""CSV: the tables one after another, a blank line and the title between them.

Researchers open these files in Excel, which evaluates a cell that starts like a formula; such
text gets a leading apostrophe (OWASP's advice), which Excel shows as text and does not print.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Callable, TextIO

from qualcode.errors import QualcodeError
from qualcode.report.formats.base import Content, Table, TextFormat, looks_like_formula


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return "'" + value if looks_like_formula(value) else value


class _Rows:
    """Rows written with "\\n" endings. Python's writer (before 3.12) quotes a cell only for the
    characters of the line ending it uses, so a row with a CR in a cell is written fully quoted;
    unquoted, a reader would end the row there."""

    def __init__(self, buf: io.StringIO, delimiter: str = ",") -> None:
        self._plain = csv.writer(buf, lineterminator="\n", delimiter=delimiter)
        self._quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL, delimiter=delimiter)

    def write(self, row: list[Any]) -> None:
        cells = [csv_cell(v) for v in row]
        has_cr = any(isinstance(c, str) and "\r" in c for c in cells)
        (self._quoted if has_cr else self._plain).writerow(cells)


# the CSV a spreadsheet of that language opens as columns: Swedish Excel splits on ";" and reads
# "28,6" as a number; English Excel wants "," and "28.6"
CSV_STYLES = {"sv": (";", True), "excel-sv": (";", True), "excel-en": (",", False), "en": (",", False)}
BOM = "\ufeff"   # Excel reads a file as UTF-8 only when it starts with this mark


def check_style(style: str) -> tuple[str, bool]:
    """``style``'s (delimiter, decimal comma); an unknown style is one clear error."""
    try:
        return CSV_STYLES[style]
    except KeyError:
        raise QualcodeError(f"unknown CSV style {style!r} (known: {', '.join(CSV_STYLES)})") from None


def render_csv(tables: list[Table], style: str = "sv") -> str:
    """The tables for a spreadsheet of ``style`` (see ``CSV_STYLES``), numbers written as that
    language writes them (shares with the table's decimals), without the BOM."""
    delimiter, comma = check_style(style)
    return _tables_text(tables, delimiter, lambda t, row: [_number(t, c, v, comma) for c, v in zip(t.columns, row)])


def _tables_text(tables: list[Table], delimiter: str, cells: Callable[[Table, list[Any]], list[Any]]) -> str:
    """The tables one after another (titled, a blank row between them when there are several)."""
    buf = io.StringIO()
    rows = _Rows(buf, delimiter)
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                rows.write([])
            rows.write([t.title])
        rows.write(t.columns)
        for row in t.rows:
            rows.write(cells(t, row))
    return buf.getvalue()


def _number(t: Table, column: str, value: Any, comma: bool) -> Any:
    if not isinstance(value, float):
        return value
    text = Table(t.title, t.columns, [], formats=t.formats, decimal_comma=False).text_cell(column, value)
    return text.replace(".", ",") if comma else text


class Csv(TextFormat):
    """The CSV format of every command. With a ``csv_style`` (the tallies pass their ``--lang``)
    it is the report's own writer, ``render_csv``, and a file starts with the BOM Excel needs to
    read UTF-8; without one, plain "," and numbers as stored (exports read by programs)."""

    def render(self, content: Content) -> str:
        if content.csv_style is not None:
            return render_csv(content.as_tables(), content.csv_style)
        return _tables_text(content.as_tables(), ",", lambda t, row: row)

    def write(self, content: Content, out: TextIO | str | Path) -> None:
        text = self.render(content)
        if isinstance(out, (str, Path)):
            Path(out).write_text((BOM if content.csv_style is not None else "") + text, encoding="utf-8")
        else:
            out.write(text)   # a terminal or a pipe: no BOM in the first column's name
