"""The export formats, by name: ``FORMATS`` is the one list the CLI's ``--format`` and ``emit`` read.

A format is an object with ``write(content, out)``: a ``TextFormat`` renders text (``render``)
for a stream or a file, a ``FileFormat`` (``needs_path``) writes a binary document to a path.
Adding a format is one module here and one line in ``FORMATS``: the CLI's ``--format`` choices
(``TEXT_FORMATS``, ``FILE_FORMATS``) are read from it.
The library never imports click: ``emit`` raises ``QualcodeError``, the CLI prints it.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable

from qualcode.errors import QualcodeError
from qualcode.report.formats import csv, docx, json, jsonl, md, table, xlsx
from qualcode.report.formats.base import Content, FileFormat, Table, TextFormat, looks_like_formula
from qualcode.report.formats.docx import write_docx
from qualcode.report.formats.md import markdown_table, markdown_text
from qualcode.report.formats.xlsx import write_xlsx

FORMATS: dict[str, TextFormat | FileFormat] = {
    "table": table.RichText(),
    "csv": csv.Csv(),
    "json": json.Json(),
    "jsonl": jsonl.JsonLines(),
    "md": md.Markdown(),
    "xlsx": xlsx.Xlsx(),
    "docx": docx.Docx(),
}

TEXT_FORMATS = tuple(name for name, f in FORMATS.items() if not f.needs_path)
FILE_FORMATS = tuple(name for name, f in FORMATS.items() if f.needs_path)

__all__ = ["FORMATS", "TEXT_FORMATS", "FILE_FORMATS", "Content", "FileFormat", "Table", "TextFormat", "emit",
           "render_text", "markdown_table", "markdown_text", "looks_like_formula", "write_docx", "write_xlsx"]


def emit(fmt: str, output: str | None, *, data: Any = None, tables: list[Table] | None = None,
         records: Iterable[dict[str, Any]] | None = None, csv_style: str | None = None) -> None:
    """Write the content in ``fmt`` to ``output``, or to stdout when None (a text format only).

    ``csv_style`` (``sv``, ``excel-sv``, ``en``, ``excel-en``) writes CSV as that language's
    spreadsheet opens it, with a BOM in a file; other formats ignore it."""
    writer = _format(fmt)
    if writer.needs_path and not output:
        raise QualcodeError(f"--format {fmt} needs -o FILE")
    if csv_style is not None:
        csv.check_style(csv_style)   # refused before anything is written
    writer.write(Content(data, tables, records, csv_style), output or sys.stdout)


def render_text(fmt: str, *, data: Any = None, tables: list[Table] | None = None,
                records: Iterable[dict[str, Any]] | None = None) -> str:
    """The content as text in ``fmt``, for a caller that places it itself (the report folder)."""
    writer = _format(fmt)
    if not isinstance(writer, TextFormat):
        raise QualcodeError(f"format {fmt!r} writes a file, not text")
    return writer.render(Content(data, tables, records))


def _format(fmt: str) -> TextFormat | FileFormat:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise QualcodeError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})") from None
