"""Rendering results in the formats a researcher pastes into a report or a script reads.

A command produces plain data: a JSON-able dict (the machine-readable contract) and a list
of ``Table`` objects (what a person reads). ``emit`` writes either, in any format, to
stdout or a file. Keeping both in one place means every command supports every format.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from qualcode.errors import QualcodeError

TEXT_FORMATS = ("table", "csv", "json", "jsonl", "md")
FILE_FORMATS = ("xlsx", "docx")


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



def emit(fmt: str, output: str | None, *, data: Any = None, tables: list[Table] | None = None,
         records: Iterable[dict[str, Any]] | None = None) -> None:
    """Write ``data`` (json), ``records`` (jsonl/csv of flat rows) or ``tables`` in ``fmt``."""
    if fmt in FILE_FORMATS:
        if not output:
            raise QualcodeError(f"--format {fmt} needs -o FILE")
        writer = write_xlsx if fmt == "xlsx" else write_docx
        writer(tables or _tables_from_records(records), output)
        return
    if fmt == "table" and output is None:
        print_tables(tables or _tables_from_records(records))
        return
    text = render_text(fmt, data=data, tables=tables, records=records)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def render_text(fmt: str, *, data: Any = None, tables: list[Table] | None = None,
                records: Iterable[dict[str, Any]] | None = None) -> str:
    if fmt == "json":
        return json.dumps(data if data is not None else list(records or []), ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        rows = records if records is not None else (data if isinstance(data, list) else [data])
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    tables = tables or _tables_from_records(records)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        for i, t in enumerate(tables):
            if len(tables) > 1:
                if i:
                    w.writerow([])
                w.writerow([t.title])
            w.writerow(t.columns)
            w.writerows([[_csv_cell(v) for v in row] for row in t.rows])
        return buf.getvalue()
    if fmt == "md":
        return "\n".join(markdown_table(t) for t in tables)
    if fmt == "table":
        from rich.console import Console
        console = Console(file=io.StringIO(), width=120, force_terminal=False)
        for t in tables:
            console.print(rich_table(t))
        return console.file.getvalue()
    raise QualcodeError(f"unknown format {fmt!r}")


def _csv_cell(v: Any) -> Any:
    return "" if v is None else v


def _tables_from_records(records: Iterable[dict[str, Any]] | None) -> list[Table]:
    rows = list(records or [])
    columns = list(rows[0].keys()) if rows else []
    return [Table("", columns, [[r.get(c) for c in columns] for r in rows])]


def markdown_table(t: Table) -> str:
    out = [f"### {t.title}\n"] if t.title else []
    out.append("| " + " | ".join(t.columns) + " |")
    numeric = [any(isinstance(r[i], (int, float)) and not isinstance(r[i], bool) for r in t.rows)
               for i in range(len(t.columns))]
    out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in t.text_rows():
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |")
    if t.note:
        out.append(f"\n{t.note}")
    return "\n".join(out) + "\n"


def rich_table(t: Table) -> Any:
    from rich.table import Table as RichTable
    rt = RichTable(title=t.title or None, caption=t.note or None, title_justify="left")
    text_rows = t.text_rows()
    for i, c in enumerate(t.columns):
        numeric = any(isinstance(r[i], (int, float)) and not isinstance(r[i], bool) for r in t.rows)
        # short cells ("22 av 30 (73 %)", "4,3") never wrap, so long labels take the wrapping
        longest = max([len(r[i]) for r in text_rows] or [0])
        short = longest <= 24
        rt.add_column(c, justify="right" if numeric else "left", overflow="fold", no_wrap=short)
    for row in text_rows:
        rt.add_row(*row)
    return rt


def print_tables(tables: list[Table]) -> None:
    from rich.console import Console
    console = Console()
    if not console.is_terminal:  # piped or redirected: no terminal to fit, so never squeeze labels
        console = Console(width=160)
    for t in tables:
        console.print(rich_table(t))


def write_xlsx(tables: list[Table], path: str) -> None:
    """One sheet per table, real number cells with a display format, printable on one A4 width.

    Numbers stay numbers (Excel shows its own locale's decimal mark); long label columns wrap at
    60 characters; the sheet prints fitted to one page wide, landscape when the table is wide.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for i, t in enumerate(tables, start=1):
        name = _sheet_name(t.title or f"Tabell {i}", used)
        ws = wb.create_sheet(name)
        row0 = 1
        if t.title:
            ws.cell(1, 1, t.title).font = Font(bold=True)
            row0 = 3
        text_rows = t.text_rows()
        numeric = [any(isinstance(r[j], (int, float)) and not isinstance(r[j], bool) for r in t.rows)
                   for j in range(len(t.columns))]
        for j, c in enumerate(t.columns, start=1):
            cell = ws.cell(row0, j, c)
            cell.font = Font(bold=True)
            if numeric[j - 1]:
                cell.alignment = Alignment(horizontal="right")
        widths = [min(max([len(str(c))] + [len(x[j]) for x in text_rows] + [6]) + 2, 72)
                  for j, c in enumerate(t.columns)]
        for r, row in enumerate(t.rows, start=row0 + 1):
            total_row = bool(row) and str(row[0]).strip() in ("Total", "Totalt")
            lines = max([1] + [-(-len(v) // (widths[j] - 2)) for j, v in enumerate(row) if isinstance(v, str)])
            if lines > 1:  # wrapped cells need the height set: spreadsheet apps do not grow rows on load
                ws.row_dimensions[r].height = 15 * lines
            for j, (c, v) in enumerate(zip(t.columns, row), start=1):
                cell = ws.cell(r, j, v)
                if isinstance(v, float):
                    cell.number_format = "0.0" if t.formats.get(c, "percent1") == "percent1" else "0.000"
                elif isinstance(v, int) and not isinstance(v, bool):
                    cell.number_format = "0"
                elif isinstance(v, str) and len(v) > widths[j - 1] - 2:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if total_row:
                    cell.font = Font(bold=True)
        if t.note:
            r = row0 + len(t.rows) + 2
            ws.cell(r, 1, t.note).alignment = Alignment(wrap_text=True, vertical="top")
            if len(t.columns) > 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(t.columns))
            ws.row_dimensions[r].height = 15 * (1 + len(t.note) // max(sum(widths), 1))
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if sum(widths) > 100 else "portrait"
        ws.print_title_rows = f"{row0}:{row0}"
    if not tables:
        wb.create_sheet("Tom")
    wb.save(path)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28].strip() or "Tabell"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def write_docx(tables: list[Table], path: str) -> None:
    """A Word document with one real table per result, ready to paste into a report."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    d = docx.Document()
    for t in tables:
        if t.title:
            d.add_paragraph(t.title, style="Heading 3")
        wt = d.add_table(rows=1, cols=len(t.columns))
        wt.style = "Table Grid"
        for j, c in enumerate(t.columns):
            wt.rows[0].cells[j].text = c
            for run in wt.rows[0].cells[j].paragraphs[0].runs:
                run.bold = True
        for raw, row in zip(t.rows, t.text_rows()):
            cells = wt.add_row().cells
            for j, v in enumerate(row):
                cells[j].text = v
                if isinstance(raw[j], (int, float)) and not isinstance(raw[j], bool):
                    cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if t.note:
            d.add_paragraph(t.note)
        d.add_paragraph("")
    d.save(path)
