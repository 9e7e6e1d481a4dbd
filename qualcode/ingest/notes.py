"""Interview notes: a folder of .md/.txt with YAML front matter, or .docx, or a metadata CSV.

Metadata (id, round, group, sdf, verksamhet, date …) comes from the front matter, or from a
``metadata.csv`` beside the notes with a ``file`` column; the file name is the id when none
is given. The note's body is stored as the document text, and segment offsets point into it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import yaml

from qualcode.errors import QualcodeError
from qualcode.ingest.segment import segment_notes
from qualcode.ingest.text_files import read_text
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord

NOTE_SUFFIXES = (".md", ".txt", ".docx")
METADATA_FILE = "metadata.csv"
FIELD = "notes"


def read_notes(folder: str | Path, *, constants: dict[str, str] | None = None, progress: Any = None) -> ImportBatch:
    root = Path(folder)
    if not root.exists():
        raise QualcodeError("folder not found", where=str(root))
    files = [root] if root.is_file() else sorted(
        p for p in root.rglob("*") if p.suffix.lower() in NOTE_SUFFIXES and not p.name.startswith((".", "~$")))
    if not files:
        raise QualcodeError("no notes (.md, .txt, .docx) found", where=str(root))
    meta_path = (root if root.is_dir() else root.parent) / METADATA_FILE
    metadata = _read_metadata(meta_path) if meta_path.is_file() else {}
    docs: list[DocumentRecord] = []
    seen: dict[str, Path] = {}
    for path in files:
        body, attrs = _read_one(path)
        extra = metadata.get(path.name) or metadata.get(path.stem)
        attrs = {**(constants or {}), **attrs, **(extra or {})}
        doc_id = str(attrs.pop("id", None) or path.stem).strip()
        if not doc_id:
            raise QualcodeError("empty id in the note's metadata", where=str(path))
        if doc_id in seen:
            raise QualcodeError(f"duplicate document id {doc_id!r} (also in {seen[doc_id]})", where=str(path))
        seen[doc_id] = path
        segs = [SegmentRecord(FIELD, s.start, s.end, body[s.start:s.end], s.paragraph) for s in segment_notes(body)]
        docs.append(DocumentRecord(doc_id, "interview", str(path), {k: _flat(v) for k, v in attrs.items()},
                                   segs, text=body))
        if progress is not None:
            progress(1)
    return ImportBatch(str(root), docs, {FIELD: ("notes", None)})


def _flat(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _read_one(path: Path) -> tuple[str, dict[str, Any]]:
    if path.suffix.lower() == ".docx":
        return _read_docx(path), {}
    text = read_text(path)
    return split_front_matter(text, str(path))


def split_front_matter(text: str, where: str) -> tuple[str, dict[str, Any]]:
    """Return (body, metadata) of a note that may start with a ``---`` YAML block."""
    if not text.startswith("---"):
        return text, {}
    end = text.find("\n---", 3)
    if end == -1:
        raise QualcodeError("front matter opened with '---' is never closed", where=f"{where}:1")
    block = text[3:end]
    try:
        data = yaml.safe_load(block) or {}
    except yaml.MarkedYAMLError as e:
        line = (e.problem_mark.line + 1) if e.problem_mark else 0
        raise QualcodeError(f"front matter: {e.problem}", where=f"{where}:{line + 1}") from None
    if not isinstance(data, dict):
        raise QualcodeError("front matter must be a mapping of key: value", where=f"{where}:2")
    body_start = text.find("\n", end + 4)
    body = "" if body_start == -1 else text[body_start + 1:]
    return body, {str(k): v for k, v in data.items()}


def _read_docx(path: Path) -> str:
    try:
        import docx
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises several types for a broken file
        raise QualcodeError(f"cannot read Word file ({type(e).__name__}: {e})", where=str(path)) from None
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def _read_metadata(path: Path) -> dict[str, dict[str, str]]:
    text = read_text(path)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    if not rows or "file" not in rows[0]:
        raise QualcodeError("metadata CSV needs a 'file' column naming each note", where=str(path))
    out: dict[str, dict[str, str]] = {}
    for i, row in enumerate(rows, start=2):
        name = (row.pop("file") or "").strip()
        if not name:
            raise QualcodeError("empty 'file' cell", where=f"{path}:row {i}")
        out[name] = {k: (v or "").strip() or None for k, v in row.items() if k}
    return out
