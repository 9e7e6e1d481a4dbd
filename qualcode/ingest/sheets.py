"""A table from a file of any kind qualcode reads tables from, chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.ingest.csv_table import read_csv_table
from qualcode.ingest.table import Table
from qualcode.ingest.xlsx import read_xlsx_table

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: str | Path, sheet: str | None = None, *, prefer_sheet: str | None = None) -> Table:
    """Header and non-blank rows of a .csv/.txt/.tsv or .xlsx file. ``sheet`` names the sheet
    that must be there; ``prefer_sheet`` one to use when the workbook has it (else the first)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx_table(p, sheet, prefer_sheet=prefer_sheet)
    if suffix in CSV_SUFFIXES:
        if sheet:
            raise QualcodeError("--sheet applies to .xlsx files only", where=str(p))
        return read_csv_table(p)
    raise QualcodeError(f"unsupported table format {p.suffix!r} (use .csv or .xlsx)", where=str(p))
