"""One sheet of an .xlsx workbook read into a header and rows, without trusting what it claims.

The archive and its XML are checked first (``office_zip``); openpyxl then streams the sheet in
read-only mode (it parses through defusedxml when that is installed, as it is here). A sheet's
``<dimension>`` tag may claim A1:XFD1048576 while holding three rows, and openpyxl would pad every
row to the claimed width, so the claim is dropped and only the rows and cells really there are
read, up to Excel's own limits and a budget of cells.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.ingest.office_zip import checked_office_file
from qualcode.ingest.table import Table, check_header

MAX_ROWS = 1_048_576      # Excel's own limits
MAX_COLUMNS = 16_384
MAX_CELLS = 50_000_000    # rows times width, as read


def read_xlsx_table(path: str | Path, sheet: str | None = None, *, prefer_sheet: str | None = None) -> Table:
    """Header and non-blank rows of one sheet: ``sheet`` (by name or 1-based number), else
    ``prefer_sheet`` when the workbook has it, else the first."""
    where = str(path)
    data = checked_office_file(path, "Excel")
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            wb = openpyxl.load_workbook(data, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - zipfile/openpyxl raise many types for a broken file
            raise QualcodeError(f"cannot read Excel file ({_describe(e)})", where=where) from None
        try:
            return _read_sheet(_choose(wb, sheet, prefer_sheet, where), where)
        except QualcodeError:
            raise
        except Exception as e:  # noqa: BLE001 - a sheet's XML is parsed lazily, while its rows are read
            raise QualcodeError(f"cannot read Excel file ({_describe(e)})", where=where) from None
        finally:
            wb.close()


def _describe(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return f"{type(e).__name__}: {lines[0][:200]}" if lines else type(e).__name__


def _choose(wb: Any, sheet: str | None, prefer: str | None, where: str) -> Any:
    if not wb.worksheets:
        raise QualcodeError("the workbook has no worksheet", where=where)
    if sheet is None:
        named = [ws for ws in wb.worksheets if ws.title == prefer]
        return named[0] if named else wb.worksheets[0]
    if sheet in wb.sheetnames and wb[sheet] in wb.worksheets:
        return wb[sheet]
    if sheet.isdigit() and 1 <= int(sheet) <= len(wb.worksheets):
        return wb.worksheets[int(sheet) - 1]
    raise QualcodeError(f"no sheet {sheet!r}; sheets: {', '.join(ws.title for ws in wb.worksheets)}", where=where)


def _read_sheet(ws: Any, where: str) -> Table:
    ws.reset_dimensions()  # ignore the <dimension> claim: read the rows that are there
    it = ws.iter_rows(values_only=True)
    header = [_cell(v).strip() for v in next(it, ())]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise QualcodeError("the first row (the header) is empty", where=where)
    check_header(header, where)
    width = len(header)
    rows: list[tuple[int, list[str]]] = []
    cells = width
    for n, values in enumerate(it, start=2):
        if n > MAX_ROWS:
            raise QualcodeError(f"the sheet has more than {MAX_ROWS} rows", where=where)
        cells += len(values)
        if len(values) > MAX_COLUMNS or cells > MAX_CELLS:
            raise QualcodeError(f"row {n}: the sheet is wider or larger than Excel allows "
                                f"({len(values)} columns, {cells} cells read)", where=where)
        if not values or values.count(None) == len(values):
            continue
        if len(values) > width and values[width:].count(None) + values[width:].count("") < len(values) - width:
            raise QualcodeError(f"row {n} has values beyond the last headed column", where=where)
        row = [_cell(v) for v in values[:width]]
        if any(c.strip() for c in row):
            rows.append((n, row + [""] * (width - len(row))))
    return Table(header, rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
