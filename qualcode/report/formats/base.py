"""What every export format shares: the ``Table`` a person reads, the ``Content`` a command
hands over, and the two kinds of writer.

A command produces plain data once (a JSON-able dict, flat records, tables) and any format can
write it, so every command supports every format without knowing them; a format takes the shape
it needs from ``Content`` (JSON the data, CSV or XLSX the tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

# A spreadsheet evaluates a text cell that starts with one of these (OWASP "CSV injection"), so a
# survey answer like "=HYPERLINK(…)" would run when the researcher opens the export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """True for text a spreadsheet would evaluate; numbers (a negative count too) are never text."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class Table:
    """A titled table. ``rows`` hold numbers as numbers; ``formats`` maps a column to how
    it is printed (e.g. percent with one decimal), so XLSX keeps real number cells."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    formats: dict[str, str] = field(default_factory=dict)  # column -> "percent1" | "int"
    decimal_comma: bool = True
    # How a table too wide for a terminal is split into parts (formats.table): the leading
    # ``key_columns`` (0: the first) are repeated in every part, ``blocks`` are the sizes of the
    # column groups after them that stay together (default: one column each), ``short_columns``
    # replace the headers there and ``legend`` says what the short ones mean. Files ignore them.
    key_columns: int = 0
    blocks: list[int] = field(default_factory=list)
    short_columns: list[str] | None = None
    legend: str = ""

    def text_cell(self, column: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            kind = self.formats.get(column, "percent1")
            s = f"{value:.1f}" if kind == "percent1" else f"{value:.3f}" if kind == "float3" else f"{value:g}"
            return s.replace(".", ",") if self.decimal_comma else s
        return str(value)

    def text_rows(self) -> list[list[str]]:
        return [[self.text_cell(c, v) for c, v in zip(self.columns, row)] for row in self.rows]

    def numeric_columns(self) -> list[bool]:
        """Columns holding a number in some row: every layout right-aligns them."""
        return [any(is_number(r[i]) for r in self.rows) for i in range(len(self.columns))]


@dataclass
class Content:
    """What a command gives ``emit``: any of ``data`` (the JSON contract), ``records`` (flat rows)
    and ``tables``; a format that needs a shape the command did not give derives it."""

    data: Any = None
    tables: list[Table] | None = None
    records: Iterable[dict[str, Any]] | None = None
    csv_style: str | None = None   # a spreadsheet's language (sv: ";" and 28,6); None: plain "," and raw numbers

    def as_tables(self) -> list[Table]:
        """The tables, or one untitled table of the records (their first row's keys as columns)."""
        if self.tables:
            return self.tables
        rows = list(self.records or [])
        columns = list(rows[0].keys()) if rows else []
        return [Table("", columns, [[r.get(c) for c in columns] for r in rows])]


class TextFormat:
    """A format that is text: printed to a stream (the terminal) or saved to a file as UTF-8.

    A new one only says how content becomes text (``render``)."""

    needs_path = False

    def render(self, content: Content) -> str:
        raise NotImplementedError

    def write(self, content: Content, out: TextIO | str | Path) -> None:
        text = self.render(content)
        if isinstance(out, (str, Path)):
            Path(out).write_text(text, encoding="utf-8")
        else:
            out.write(text)


class FileFormat:
    """A binary document (a workbook, a Word file): it cannot go to the terminal, only to a path."""

    needs_path = True

    def write(self, content: Content, out: str | Path) -> None:
        raise NotImplementedError
