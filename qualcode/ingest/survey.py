"""Survey exports: CSV as survey tools and Excel write it, or an XLSX sheet.

Every answer cell becomes one segment of its field. An empty cell is a blank answer (the
tallies count it as "Ej svar"); a cell holding one of ``missing_values`` (SPSS writes
``#NULL!`` for a question the respondent never saw) is system-missing and gets no segment,
so the two stay apart. All checks run before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from qualcode.errors import QualcodeError
from qualcode.ingest.sheets import read_table
from qualcode.ingest.spss import SPSS_SUFFIXES, SYSTEM_MISSING, read_spss_table, spss_labels
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord

MAX_ATTRIBUTE = 10_000  # characters in an attribute cell (an answer may be longer)
MAX_ID = 200


def read_survey(file: str | Path, *, id_column: str, attributes: list[str], texts: list[str],
                choices: list[str], sheet: str | None = None, missing_values: Iterable[str] = ("#NULL!",),
                choice_group: str = "fokusomrade", field_groups: dict[str, str] | None = None,
                constants: dict[str, str] | None = None, progress: Callable[[int], None] | None = None,
                on_total: Callable[[int], None] | None = None) -> ImportBatch:
    """One document per row, checked before anything is written. ``on_total`` hears the number
    of rows once the file is read and ``progress`` one tick per row, so a caller can show a bar
    with time left; the library itself never prints."""
    path = Path(file)
    where = str(path)
    labelled = read_spss_table(path, choices) if path.suffix.lower() in SPSS_SUFFIXES else None
    table = labelled.table if labelled else read_table(path, sheet)
    header = table.header
    wanted = [id_column, *attributes, *texts, *choices]
    missing_cols = [c for c in wanted if c not in header]
    if missing_cols:
        shown = ", ".join(header[:60]) + (f" … ({len(header)} columns)" if len(header) > 60 else "")
        raise QualcodeError(f"no column {', '.join(map(repr, missing_cols))}; available columns: {shown}", where=where)
    dupes = {c for c in wanted if wanted.count(c) > 1}
    if dupes:
        raise QualcodeError(f"column {', '.join(sorted(dupes))} given twice", where=where)
    clash = [c for c in (constants or {}) if c in attributes]
    if clash:
        raise QualcodeError(f"attribute {', '.join(clash)} is both a column and a constant", where=where)
    index = {name: header.index(name) for name in wanted}
    missing_set = {m.strip() for m in missing_values} | {SYSTEM_MISSING}
    docs: list[DocumentRecord] = []
    seen: dict[str, int] = {}
    if on_total is not None:
        on_total(len(table.rows))
    for rownum, row in table.rows:
        if len(row) != len(header):
            raise QualcodeError(f"row {rownum} has {len(row)} fields, the header has {len(header)}", where=where)
        doc_id = _id_cell(row[index[id_column]], rownum, id_column, where)
        if doc_id in seen:
            raise QualcodeError(f"row {rownum}: duplicate id {doc_id!r} (first in row {seen[doc_id]})", where=where)
        seen[doc_id] = rownum
        attrs: dict[str, str | None] = dict(constants or {})
        for name in attributes:
            value = row[index[name]].strip()
            if len(value) > MAX_ATTRIBUTE:
                raise QualcodeError(f"row {rownum}: attribute {name!r} is longer than {MAX_ATTRIBUTE} characters",
                                    where=where)
            attrs[name] = None if (not value or value in missing_set) else value
        cells = [(name, row[index[name]].strip()) for name in [*texts, *choices]]
        # a missing-value marker is system-missing: the respondent never had this question
        segs = [SegmentRecord(name, 0, len(cell), cell) for name, cell in cells if cell not in missing_set]
        docs.append(DocumentRecord(doc_id, "response", f"{path}:{rownum}", attrs, segs))
        if progress is not None:
            progress(1)
    if not docs:
        raise QualcodeError("no data rows under the header", where=where)
    field_groups = field_groups or {}
    fields: dict[str, tuple[str, str | None]] = {n: ("text", field_groups.get(n)) for n in texts}
    fields.update({n: ("choice", choice_group) for n in choices})
    batch = ImportBatch(where, docs, fields)
    if labelled:  # stored in the import's own transaction (ingest.write runs ``after_write``)
        batch.after_write = [lambda conn: spss_labels(conn, labelled, attributes)]  # type: ignore[attr-defined]
    return batch


def _id_cell(value: str, rownum: int, column: str, where: str) -> str:
    doc_id = value.strip()
    if not doc_id:
        raise QualcodeError(f"row {rownum}: empty id in column {column!r}", where=where)
    if "\n" in doc_id or len(doc_id) > MAX_ID:
        raise QualcodeError(f"row {rownum}: the id in column {column!r} must be one line of at most {MAX_ID} "
                            "characters", where=where)
    return doc_id
