"""Interview notes: a folder of .md/.txt with YAML front matter, or .docx, or a metadata CSV.

Metadata (id, round, group, sdf, verksamhet, date …) comes from the front matter, or from a
``metadata.csv`` beside the notes with a ``file`` column; the file name is the id when none
is given. The note's body is stored as the document text, and segment offsets point into it.
An attribute is one value, or a list of values stored joined with ", " (``verksamhet: [äldre,
barn och unga]``); a mapping, a list of lists or an overlong value is refused, since a tally
could not group documents by it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.ingest.office_zip import checked_office_file
from qualcode.ingest.segment import segment_notes
from qualcode.ingest.csv_table import read_csv_table
from qualcode.ingest.text_files import check_text, read_text
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord
from qualcode.safe_yaml import load_yaml

NOTE_SUFFIXES = (".md", ".txt", ".docx")
METADATA_FILE = "metadata.csv"
FIELD = "notes"
MAX_ATTRIBUTE = 10_000   # characters in one attribute value
MAX_ID = 200
_FENCE = re.compile(r"^---[ \t]*$", re.M)
_SCALARS = (str, int, float, bool, dt.date)


def read_notes(folder: str | Path, *, constants: dict[str, str] | None = None, progress: Any = None) -> ImportBatch:
    root = Path(folder)
    files = _note_files(root)
    meta_path = (root if root.is_dir() else root.parent) / METADATA_FILE
    metadata = _read_metadata(meta_path) if meta_path.exists() else {}
    docs: list[DocumentRecord] = []
    seen: dict[str, Path] = {}
    for path in files:
        body, attrs = _read_one(path)
        extra = metadata.get(path.name) or metadata.get(path.stem)
        attrs = {**(constants or {}), **attrs, **(extra or {})}
        doc_id = _note_id(attrs.pop("id", None), path)
        if doc_id in seen:
            raise QualcodeError(f"duplicate document id {doc_id!r} (also in {seen[doc_id]})", where=str(path))
        seen[doc_id] = path
        segs = [SegmentRecord(FIELD, s.start, s.end, body[s.start:s.end], s.paragraph) for s in segment_notes(body)]
        docs.append(DocumentRecord(doc_id, "interview", str(path),
                                   {k: attribute_value(v, k, str(path)) for k, v in attrs.items()}, segs, text=body))
        if progress is not None:
            progress(1)
    return ImportBatch(str(root), docs, {FIELD: ("notes", None)})


def _note_files(root: Path) -> list[Path]:
    """The notes under ``root`` (or ``root`` itself); a folder named x.md is walked, not read."""
    try:
        if not root.is_dir():
            if not root.exists() and not root.is_symlink():
                raise QualcodeError("folder not found", where=str(root))
            return [root]  # a file, or something that is not: reading it says which
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in NOTE_SUFFIXES
                       and not p.name.startswith((".", "~$")) and not p.is_dir())
    except OSError as e:
        raise QualcodeError(f"cannot list the folder ({e.strerror or e})", where=str(root)) from None
    if not files:
        raise QualcodeError("no notes (.md, .txt, .docx) found", where=str(root))
    return files


def _note_id(value: Any, path: Path) -> str:
    if isinstance(value, (list, dict)):
        raise QualcodeError(f"the note's id must be one value, not a {'list' if isinstance(value, list) else 'mapping'}",
                            where=str(path))
    doc_id = str(value if value is not None and value != "" else path.stem).strip()
    if not doc_id:
        raise QualcodeError("empty id in the note's metadata", where=str(path))
    if "\n" in doc_id or len(doc_id) > MAX_ID:
        raise QualcodeError(f"the note's id must be one line of at most {MAX_ID} characters", where=str(path))
    return doc_id


def attribute_value(value: Any, key: str, where: str) -> str | None:
    """One attribute as stored: text, a list joined with ", ", None for an empty value."""
    if value is None:
        return None
    if isinstance(value, dict):
        raise QualcodeError(f"attribute {key!r} is a mapping; give one value or a list of values", where=where)
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, _SCALARS) for v in value):
            raise QualcodeError(f"attribute {key!r} holds a list or mapping inside a list; give a list of values",
                                where=where)
        text = ", ".join(_scalar(v) for v in value)
    else:
        text = _scalar(value)
    if len(text) > MAX_ATTRIBUTE:
        raise QualcodeError(f"attribute {key!r} is longer than {MAX_ATTRIBUTE} characters", where=where)
    return text


def _scalar(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _read_one(path: Path) -> tuple[str, dict[str, Any]]:
    if path.suffix.lower() == ".docx":
        return _read_docx(path), {}
    return split_front_matter(read_text(path), str(path))


def split_front_matter(text: str, where: str) -> tuple[str, dict[str, Any]]:
    """Return (body, metadata) of a note that may start with a ``---`` YAML block."""
    first = _FENCE.match(text)
    if first is None:
        return text, {}
    close = _FENCE.search(text, first.end() + 1)
    if close is None:
        raise QualcodeError("front matter opened with '---' is never closed", where=f"{where}:1")
    block = text[first.end() + 1:close.start()]
    data = load_yaml(block, where, first_line=2, label="front matter")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise QualcodeError("front matter must be a mapping of key: value", where=f"{where}:2")
    body = text[close.end() + 1:]
    return body, dict(data)


def _read_docx(path: Path) -> str:
    data = checked_office_file(path, "Word")
    try:
        import docx
        document = docx.Document(data)
        text = "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
    except Exception as e:  # noqa: BLE001 - python-docx raises several types for a broken file
        lines = str(e).strip().splitlines()
        raise QualcodeError(f"cannot read Word file ({type(e).__name__}: {lines[0][:200] if lines else ''})",
                            where=str(path)) from None
    check_text(text, str(path))
    return text


def _read_metadata(path: Path) -> dict[str, dict[str, str | None]]:
    table = read_csv_table(path)
    if "file" not in table.header:
        raise QualcodeError("metadata CSV needs a 'file' column naming each note", where=str(path))
    col = table.header.index("file")
    out: dict[str, dict[str, str | None]] = {}
    first: dict[str, int] = {}
    for n, row in table.rows:
        if len(row) != len(table.header):
            raise QualcodeError(f"row {n} has {len(row)} fields, the header has {len(table.header)}", where=str(path))
        name = row[col].strip()
        if not name:
            raise QualcodeError(f"row {n}: empty 'file' cell", where=str(path))
        if name in first:
            raise QualcodeError(f"row {n}: file {name!r} is described twice (first in row {first[name]})",
                                where=str(path))
        first[name] = n
        out[name] = {k: v.strip() or None for k, v in zip(table.header, row) if k and k != "file"}
    return out
