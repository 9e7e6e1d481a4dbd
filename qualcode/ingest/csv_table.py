"""A delimited text file (CSV as survey tools and Excel write it) read into a Table.

The separator is read off the header line (``;`` as a Swedish Excel writes, ``,`` or tab), and
a cell may be of any length: a pasted interview in one answer is still an answer.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.ingest.table import Table, check_header
from qualcode.ingest.text_files import read_text

# the csv module refuses cells over 128 KiB unless told otherwise; a C long bounds the setting
csv.field_size_limit(2**31 - 1)
DELIMITERS = (";", ",", "\t")


def sniff_delimiter(header_line: str, where: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.__getitem__)
    if counts[delimiter] == 0:
        raise QualcodeError("cannot find the column separator (; , or tab) in the header line", where=f"{where}:1")
    return delimiter


def read_csv_table(path: str | Path) -> Table:
    """Header (cells stripped) and non-blank rows of a CSV file."""
    where = str(path)
    text = read_text(path)
    if not text.strip():
        raise QualcodeError("the file is empty", where=where)
    nl = text.find("\n")
    delimiter = sniff_delimiter(text if nl == -1 else text[:nl], where)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        header = [h.strip() for h in next(reader)]
        check_header(header, where)
        for n, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                rows.append((n, row))
    except csv.Error as e:
        raise QualcodeError(f"malformed CSV at line {reader.line_num}: {e}", where=where) from None
    return Table(header, rows)
