"""Review sheets (XLSX/CSV): the spreadsheet way into the decision log, written and read.

``export_sheet`` writes one row per pending (segment, code) with a verdict column to fill in
(in XLSX with drop-downs for the verdict and the corrected code); ``read_sheet`` reads a
filled-in sheet back as plain rows for ``sheet_import``. Segment texts are survey answers and
interview sentences, so a text that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``,
tab, CR at the start) is written as an explicit string cell in XLSX and behind an apostrophe
in CSV, which ``read_sheet`` takes off again: the sheet never runs what a respondent wrote.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.ingest.sheets import read_table
from qualcode.memos import coding_memos
from qualcode.report.formats import looks_like_formula
from qualcode.report.formats.xlsx import put
from qualcode.review.decisions import SHEET_VERDICTS, check_coder, current_verdict
from qualcode.review.queue import Filter, detail, pending, suggested_items

SHEET_NAME = "Granskning"
CODES_SHEET = "Koder"
SHEET_COLUMNS = ["segment", "doc", "field", "code", "number", "label", "verdict", "corrected_code", "note", "memo", "coder",
                 "score", "source", "negated", "reason", "candidates", "context_before", "text", "context_after"]
FILL_IN = ("verdict", "corrected_code", "note")
WRAPPED = ("text", "context_before", "context_after", "reason")
WIDTHS = {"text": 70, "context_before": 40, "context_after": 40, "reason": 40, "label": 40, "source": 24,
          "verdict": 10, "corrected_code": 22, "note": 24}


# ----------------------------------------------------------------------------- export

def sheet_rows(project: Any, coder: str, filt: Filter | None = None, *, include_decided: bool = False
               ) -> list[dict[str, Any]]:
    """One row per (segment, code) suggestion; pending ones, or all with their current verdict."""
    coder = check_coder(coder)
    items = suggested_items(project, filt) if include_decided else pending(project, coder, filt)
    cb = project.codebook
    memos = coding_memos(project)
    out = []
    for it in items:
        d = detail(project, it, coder)
        code = cb.get(it.code)
        verdict = current_verdict(project.conn, it.segment, it.code, coder) if include_decided else None
        row: dict[str, Any] = {
            "segment": it.segment, "doc": it.doc, "field": it.field, "code": it.code, "number": code.number,
            "label": code.label, "verdict": verdict if verdict in SHEET_VERDICTS else None, "corrected_code": None,
            "note": None, "memo": " | ".join(memos.get((it.segment, it.code), [])) or None, "coder": coder, "score": round(it.score, 4), "source": ", ".join(it.sources),
            "negated": "ja" if d.negated else "", "reason": d.reason,
            "candidates": ", ".join(d.candidates), "context_before": d.before, "text": it.text,
            "context_after": d.after,
        }
        for k, v in d.attributes.items():
            row[f"attr:{k}"] = v
        out.append(row)
    return out


def export_sheet(project: Any, coder: str, path: str | Path, filt: Filter | None = None, *,
                 include_decided: bool = False) -> int:
    """Write a review sheet (.xlsx with drop-downs, or .csv); return the number of rows."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".xlsx"):
        raise QualcodeError("a review sheet is written as .xlsx or .csv", where=str(p))
    rows = sheet_rows(project, coder, filt, include_decided=include_decided)
    columns = SHEET_COLUMNS + sorted({k for r in rows for k in r if k.startswith("attr:")})
    if p.suffix.lower() == ".csv":
        with open(p, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns)
            for r in rows:
                w.writerow([_csv_cell(r.get(c)) for c in columns])
    else:
        _write_xlsx(project, p, columns, rows)
    return len(rows)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return "'" + value if looks_like_formula(value) else value




def _write_xlsx(project: Any, path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    for j, c in enumerate(columns, start=1):
        put(ws, 1, j, c).font = Font(bold=True)
    for i, r in enumerate(rows, start=2):
        for j, c in enumerate(columns, start=1):
            cell = put(ws, i, j, r.get(c))
            if c in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _write_codes(wb, project.codebook)
    col = {c: ws.cell(1, j).column_letter for j, c in enumerate(columns, start=1)}
    _add_drop_downs(ws, col, last=max(len(rows) + 1, 2), n_codes=len(project.codebook.codes))
    for c, letter in col.items():
        ws.column_dimensions[letter].width = WIDTHS.get(c, 12)
    ws.freeze_panes = "H2"
    wb.save(path)


def _write_codes(wb: Any, codebook: Any) -> None:
    """The codes sheet feeds the corrected-code drop-down (inline lists are capped at 255 chars)."""
    from openpyxl.styles import Font
    codes = wb.create_sheet(CODES_SHEET)
    for j, h in enumerate(["id", "number", "label", "group"], start=1):
        codes.cell(1, j, h).font = Font(bold=True)
    for i, c in enumerate(codebook.codes, start=2):
        for j, v in enumerate([c.id, c.number, c.label, c.group], start=1):
            put(codes, i, j, v)


def _add_drop_downs(ws: Any, col: dict[str, str], *, last: int, n_codes: int) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    dv = DataValidation(type="list", formula1='"' + ",".join(SHEET_VERDICTS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="verdict", error="accept, reject or add")
    dv.add(f"{col['verdict']}2:{col['verdict']}{last}")
    ws.add_data_validation(dv)
    dv2 = DataValidation(type="list", formula1=f"{CODES_SHEET}!$A$2:$A${n_codes + 1}", allow_blank=True,
                         showErrorMessage=True, errorTitle="corrected_code", error="a code id from the Koder sheet")
    dv2.add(f"{col['corrected_code']}2:{col['corrected_code']}{last}")
    ws.add_data_validation(dv2)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for c in FILL_IN:
        for i in range(2, last + 1):
            ws[f"{col[c]}{i}"].fill = fill


# ----------------------------------------------------------------------------- reading back

Rows = list[tuple[int, dict[str, Any]]]


def read_sheet(path: str | Path) -> tuple[Rows, list[str], str]:
    """A review sheet's rows as (line number, {column: value}), its lower-cased column names,
    and where it came from (for messages). Blank rows are left out. The file is read by the
    importers' hardened table reader (encodings, NUL bytes, cells of any length, XML bombs)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt"):
        raise QualcodeError("a review sheet must be .xlsx or .csv", where=str(p))
    table = read_table(p, prefer_sheet=SHEET_NAME)
    names = [h.lower() for h in table.header]
    unquote = _uncsv if suffix != ".xlsx" else str
    rows = []
    for i, values in table.rows:
        if len(values) > len(names):
            raise QualcodeError(f"row {i} has {len(values)} cells but the header has {len(names)}", where=str(p))
        rows.append((i, {n: unquote(v) for n, v in zip(names, values) if n}))
    return rows, [n for n in names if n], str(p)


def _uncsv(value: str) -> str:
    """Take off the apostrophe ``export_sheet`` put before a formula-like text."""
    return value[1:] if value.startswith("'") and looks_like_formula(value[1:]) else value
