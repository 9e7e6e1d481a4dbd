"""Survey exports: CSV as survey tools and Excel write it, or an XLSX sheet.

Every answer cell becomes one segment of its field. An empty cell is a blank answer (the
tallies count it as "Ej svar"); a cell holding one of ``missing_values`` (SPSS writes
``#NULL!`` for a question the respondent never saw) is system-missing and gets no segment,
so the two stay apart. All checks run before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, Iterable

from qualcode.errors import QualcodeError
from qualcode.ingest.text_files import read_text
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord


def read_survey(file: str | Path, *, id_column: str, attributes: list[str], texts: list[str],
                choices: list[str], sheet: str | None = None, missing_values: Iterable[str] = ("#NULL!",),
                choice_group: str = "fokusomrade", field_groups: dict[str, str] | None = None,
                constants: dict[str, str] | None = None, progress: Any = None) -> ImportBatch:
    path = Path(file)
    if not path.exists():
        raise QualcodeError("file not found", where=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _read_xlsx(path, sheet)
    elif path.suffix.lower() in (".csv", ".txt", ".tsv"):
        if sheet:
            raise QualcodeError("--sheet applies to .xlsx files only", where=str(path))
        header, rows = _read_csv(path)
    else:
        raise QualcodeError(f"unsupported survey format {path.suffix!r} (use .csv or .xlsx)", where=str(path))
    header = [h.strip() for h in header]
    wanted = [id_column, *attributes, *texts, *choices]
    missing_cols = [c for c in wanted if c not in header]
    if missing_cols:
        raise QualcodeError(f"no column {', '.join(map(repr, missing_cols))}; available columns: {', '.join(header)}",
                            where=str(path))
    dupes = {c for c in wanted if wanted.count(c) > 1}
    if dupes:
        raise QualcodeError(f"column {', '.join(sorted(dupes))} given twice", where=str(path))
    index = {name: header.index(name) for name in wanted}
    clash = [c for c in (constants or {}) if c in attributes]
    if clash:
        raise QualcodeError(f"attribute {', '.join(clash)} is both a column and a constant", where=str(path))
    missing_set = {m.strip() for m in missing_values}
    docs: list[DocumentRecord] = []
    seen: dict[str, int] = {}
    for rownum, row in rows:
        if len(row) != len(header):
            raise QualcodeError(f"row {rownum} has {len(row)} fields, the header has {len(header)}", where=str(path))
        doc_id = row[index[id_column]].strip()
        if not doc_id:
            raise QualcodeError(f"row {rownum}: empty id in column {id_column!r}", where=str(path))
        if doc_id in seen:
            raise QualcodeError(f"row {rownum}: duplicate id {doc_id!r} (first in row {seen[doc_id]})", where=str(path))
        seen[doc_id] = rownum
        attrs: dict[str, str | None] = dict(constants or {})
        for name in attributes:
            value = row[index[name]].strip()
            attrs[name] = None if (not value or value in missing_set) else value
        segs = []
        for name in [*texts, *choices]:
            cell = row[index[name]].strip()
            if cell in missing_set:
                continue  # system-missing: the respondent never had this question
            segs.append(SegmentRecord(name, 0, len(cell), cell))
        docs.append(DocumentRecord(doc_id, "response", f"{path}:{rownum}", attrs, segs))
        if progress is not None:
            progress(1)
    if not docs:
        raise QualcodeError("no data rows under the header", where=str(path))
    field_groups = field_groups or {}
    fields: dict[str, tuple[str, str | None]] = {n: ("text", field_groups.get(n)) for n in texts}
    fields.update({n: ("choice", choice_group) for n in choices})
    return ImportBatch(str(path), docs, fields)


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = read_text(path)
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise QualcodeError("cannot find the column separator (; , or tab) in the header line", where=f"{path}:1")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            rows.append((len(rows) + 2, row))
    except StopIteration:
        raise QualcodeError("the file is empty", where=str(path)) from None
    except csv.Error as e:
        raise QualcodeError(f"malformed CSV at line {reader.line_num}: {e}", where=str(path)) from None
    return header, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zipfile/openpyxl raise several types for a broken file
        raise QualcodeError(f"cannot read Excel file ({type(e).__name__}: {e})", where=str(path)) from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        elif sheet.isdigit() and 1 <= int(sheet) <= len(wb.worksheets):
            ws = wb.worksheets[int(sheet) - 1]
        else:
            raise QualcodeError(f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}", where=str(path))
        it = ws.iter_rows(values_only=True)
        try:
            header = [_cell(v) for v in next(it)]
        except StopIteration:
            raise QualcodeError("the sheet is empty", where=str(path)) from None
        while header and not header[-1]:
            header.pop()
        rows = []
        for n, values in enumerate(it, start=2):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            extra = cells[len(header):]
            if any(c.strip() for c in extra):
                raise QualcodeError(f"row {n} has values beyond the last headed column", where=str(path))
            cells = (cells + [""] * len(header))[:len(header)]
            rows.append((n, cells))
        return header, rows
    finally:
        wb.close()
