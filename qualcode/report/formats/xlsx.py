"""XLSX: one sheet per table, real number cells with a display format, printable on one A4 width.

Numbers stay numbers (Excel shows its own locale's decimal mark); long label columns wrap at 60
characters; the sheet prints fitted to one page wide, landscape when the table is wide. Text that
starts like a formula is written as a string cell with Excel's quote prefix, so it is never
evaluated, not on opening and not after someone edits the cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qualcode.report.formats.base import Content, FileFormat, Table, is_number, looks_like_formula
from qualcode.report.names import sheet_name

MAX_WIDTH = 72
LINE_HEIGHT = 15


def write_xlsx(tables: list[Table], path: str | Path, *, lang: str = "sv") -> None:
    """One sheet per table, and a contents sheet first when there are several."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = {"innehåll", "contents"}
    names = [sheet_name(t.title or f"Tabell {i}", used) for i, t in enumerate(tables, start=1)]
    if len(tables) > 1:
        _contents(wb.create_sheet("Innehåll" if lang == "sv" else "Contents"), tables, names, lang)
    for name, t in zip(names, tables):
        _write_sheet(wb.create_sheet(name), split_fractions(t, lang))
    if not tables:
        wb.create_sheet("Tom")
    wb.save(path)


def _contents(ws: Any, tables: list[Table], names: list[str], lang: str) -> None:
    """Sheet name and full title of every table, each a link to its sheet."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink
    head = ("Blad", "Tabell") if lang == "sv" else ("Sheet", "Table")
    for j, h in enumerate(head, start=1):
        put(ws, 1, j, h).font = Font(bold=True)
    for i, (name, t) in enumerate(zip(names, tables), start=2):
        cell = put(ws, i, 1, name)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location="'" + name + "'!A1")  # within the workbook
        cell.style = "Hyperlink"
        put(ws, i, 2, t.title)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = min(MAX_WIDTH * 2, max([len(t.title) for t in tables] + [10]) + 2)
    ws.freeze_panes = "A2"


FRACTION = re.compile(r"^(\d+) (?:av|of) (\d+) \((?:[\d,.]+ ?%|–)\)$")


def split_fractions(t: Table, lang: str = "sv") -> Table:
    """A column of "k av n (p %)" gets its numeric parts beside it: k, n and the share (k/n),
    so the sheet can be recalculated and charted; the formatted text stays for reading."""
    cols = [j for j in range(len(t.columns))
            if any(isinstance(r[j], str) and FRACTION.match(r[j]) for r in t.rows)
            and all(r[j] in (None, "") or (isinstance(r[j], str) and FRACTION.match(r[j])) for r in t.rows)]
    if not cols:
        return t
    words = ("antal", "av", "andel") if lang == "sv" else ("count", "of", "share")
    columns: list[str] = []
    formats = dict(t.formats)
    for j, c in enumerate(t.columns):
        columns.append(c)
        if j in cols:
            columns += [f"{c} {words[0]}", f"{c} {words[1]}", f"{c} {words[2]}"]
            formats[f"{c} {words[2]}"] = "share"
    rows = []
    for r in t.rows:
        out: list[Any] = []
        for j, v in enumerate(r):
            out.append(v)
            if j in cols:
                m = FRACTION.match(v) if isinstance(v, str) else None
                k, n = (int(m.group(1)), int(m.group(2))) if m else (None, None)
                out += [k, n, (k / n) if m and n else None]
        rows.append(out)
    return Table(t.title, columns, rows, t.note, formats, t.decimal_comma)


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Set a cell so that text stays text: a spreadsheet must never run an answer as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)   # control characters would make openpyxl refuse the file
    cell = ws.cell(row, column, value)
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _write_sheet(ws: Any, t: Table) -> None:
    from openpyxl.styles import Font
    row0 = 1
    if t.title:
        put(ws, 1, 1, t.title).font = Font(bold=True)
        row0 = 3
    widths = _column_widths(t)
    _write_header(ws, t, row0)
    for r, row in enumerate(t.rows, start=row0 + 1):
        _write_row(ws, t, r, row, widths)
    if t.note:
        _write_note(ws, t, row0 + len(t.rows) + 2, widths)
    _fit_page(ws, widths, row0)
    ws.freeze_panes = ws.cell(row0 + 1, 1).coordinate   # the header stays in view when scrolling


def _is_percent_column(column: str) -> bool:
    """Percent columns by their heading (Procent, Rad-%, Kolumn-%, Percent …)."""
    return "%" in column or "procent" in column.lower() or "percent" in column.lower()


def _column_widths(t: Table) -> list[int]:
    text_rows = t.text_rows()
    return [min(max([len(str(c))] + [len(x[j]) for x in text_rows] + [6]) + 2, MAX_WIDTH)
            for j, c in enumerate(t.columns)]


def _write_header(ws: Any, t: Table, row0: int) -> None:
    from openpyxl.styles import Alignment, Font
    for j, (c, numeric) in enumerate(zip(t.columns, t.numeric_columns()), start=1):
        cell = put(ws, row0, j, c)
        cell.font = Font(bold=True)
        if numeric:
            cell.alignment = Alignment(horizontal="right")


def _write_row(ws: Any, t: Table, r: int, row: list[Any], widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font
    total_row = bool(row) and str(row[0]).strip() in ("Total", "Totalt")
    lines = max([1] + [-(-len(v) // (widths[j] - 2)) for j, v in enumerate(row) if isinstance(v, str)])
    if lines > 1:  # wrapped cells need the height set: spreadsheet apps do not grow rows on load
        ws.row_dimensions[r].height = LINE_HEIGHT * lines
    for j, (c, v) in enumerate(zip(t.columns, row), start=1):
        cell = put(ws, r, j, v)
        kind = t.formats.get(c, "percent1")
        if kind == "share" and is_number(v):
            cell.number_format = "0%"
        elif isinstance(v, float) and kind == "percent1" and _is_percent_column(c):
            cell.value, cell.number_format = v / 100, "0.0%"   # a share Excel knows is a percentage
        elif isinstance(v, float):
            cell.number_format = "0.0" if kind == "percent1" else "0.000"
        elif is_number(v):
            cell.number_format = "0"
        elif isinstance(v, str) and len(v) > widths[j - 1] - 2:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if total_row:
            cell.font = Font(bold=True)


def _write_note(ws: Any, t: Table, r: int, widths: list[int]) -> None:
    from openpyxl.styles import Alignment
    put(ws, r, 1, t.note).alignment = Alignment(wrap_text=True, vertical="top")
    if len(t.columns) > 1:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(t.columns))
    ws.row_dimensions[r].height = LINE_HEIGHT * (1 + len(t.note) // max(sum(widths), 1))


def _fit_page(ws: Any, widths: list[int], row0: int) -> None:
    """One A4 page wide, the header row repeated on every printed page."""
    from openpyxl.utils import get_column_letter
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > 100 else "portrait"
    ws.print_title_rows = f"{row0}:{row0}"


class Xlsx(FileFormat):
    def write(self, content: Content, out: str | Path) -> None:
        tables = content.as_tables()
        write_xlsx(tables, out, lang="sv" if all(t.decimal_comma for t in tables) else "en")
