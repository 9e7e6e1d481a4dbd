"""Writing an ImportBatch into the store: idempotent, and kind to decisions already made.

Readers parse files into plain records first, so that every problem with the input is found
before the store is touched. Here, inside one transaction, each document is compared with
what the project holds: unchanged documents are skipped; in a changed one, segments whose
text is unchanged keep their id (and so their decisions); segments that disappeared are
retired if someone decided on them and deleted otherwise.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field

from qualcode.errors import QualcodeError
from qualcode.store.db import now


@dataclass
class SegmentRecord:
    field: str
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass
class DocumentRecord:
    id: str
    kind: str
    source: str
    attributes: dict[str, str | None]
    segments: list[SegmentRecord]
    text: str | None = None
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            h = hashlib.sha256()
            for k in sorted(self.attributes):
                h.update(f"{k}\x1f{self.attributes[k]}\x1e".encode())
            h.update(b"\x1d" + (self.text or "").encode())
            for s in self.segments:
                h.update(f"{s.field}\x1f{s.start}\x1f{s.text}\x1e".encode())
            self.content_hash = h.hexdigest()


@dataclass
class ImportBatch:
    source: str
    documents: list[DocumentRecord]
    fields: dict[str, tuple[str, str | None]]  # name -> (kind, code group)


@dataclass
class ImportReport:
    source: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    segments_added: int = 0
    segments_kept: int = 0
    segments_retired: int = 0
    segments_deleted: int = 0

    def summary(self) -> str:
        parts = [f"{len(self.added)} new", f"{len(self.changed)} changed", f"{len(self.unchanged)} unchanged"]
        line = f"{self.source}: {', '.join(parts)} documents; {self.segments_added} segments added"
        if self.changed:
            line += (f", {self.segments_kept} kept, {self.segments_retired} retired (decisions kept), "
                     f"{self.segments_deleted} removed")
        return line

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def write_batch(conn: sqlite3.Connection, batch: ImportBatch) -> ImportReport:
    """Store a batch; must run inside a transaction (Project._import provides it)."""
    report = ImportReport(batch.source)
    for name, (kind, group) in batch.fields.items():
        row = conn.execute("SELECT kind FROM fields WHERE name = ?", (name,)).fetchone()
        if row is None:
            conn.execute("INSERT INTO fields(name, kind, code_group) VALUES (?,?,?)", (name, kind, group))
        elif row[0] != kind:
            raise QualcodeError(f"field {name!r} was imported as {row[0]}, now as {kind}; use another column name",
                                where=batch.source)
        else:
            conn.execute("UPDATE fields SET code_group = ? WHERE name = ?", (group, name))
    existing = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, kind, content_hash FROM documents")}
    stamp = now()
    touched: set[str] = set()
    for doc in batch.documents:
        old = existing.get(doc.id)
        if old is not None and old[0] != doc.kind:
            raise QualcodeError(f"document id {doc.id!r} already belongs to an {old[0]}, not an {doc.kind}",
                                where=doc.source)
        if old is not None and old[1] == doc.content_hash:
            report.unchanged.append(doc.id)
            continue
        if old is None:
            conn.execute("INSERT INTO documents(id, kind, source, content_hash, text, imported_at) VALUES (?,?,?,?,?,?)",
                         (doc.id, doc.kind, doc.source, doc.content_hash, doc.text, stamp))
            report.added.append(doc.id)
        else:
            conn.execute("UPDATE documents SET source = ?, content_hash = ?, text = ?, imported_at = ? WHERE id = ?",
                         (doc.source, doc.content_hash, doc.text, stamp, doc.id))
            conn.execute("DELETE FROM attributes WHERE doc = ?", (doc.id,))
            report.changed.append(doc.id)
        conn.executemany("INSERT INTO attributes(doc, name, value) VALUES (?,?,?)",
                         [(doc.id, k, v) for k, v in doc.attributes.items()])
        _write_segments(conn, doc, fresh=old is None, report=report)
        touched.update(s.field for s in doc.segments)
    # a choice field's suggestions are redone whole once its cells changed (notes and open
    # answers need nothing here: new and moved segments have no cached tokens, see suggest)
    choice = sorted(f for f in touched if batch.fields.get(f, ("",))[0] == "choice")
    if choice:
        conn.executemany("DELETE FROM suggest_state WHERE field = ?", [(f,) for f in choice])
    return report


def _write_segments(conn: sqlite3.Connection, doc: DocumentRecord, *, fresh: bool, report: ImportReport) -> None:
    rows = [(doc.id, s.field, i, s.paragraph, s.start, s.end, s.text, _text_hash(s.text))
            for i, s in enumerate(doc.segments)]
    insert = ("INSERT INTO segments(doc, field, position, paragraph, start, end, text, text_hash) "
              "VALUES (?,?,?,?,?,?,?,?)")
    if fresh:
        conn.executemany(insert, rows)
        report.segments_added += len(rows)
        return
    # match old live segments to new ones by (field, text), in order
    pool: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for sid, fld, th, start in conn.execute(
            "SELECT id, field, text_hash, start FROM segments WHERE doc = ? AND retired = 0 ORDER BY position",
            (doc.id,)):
        pool.setdefault((fld, th), []).append((sid, start))
    for row in rows:
        ids = pool.get((row[1], row[7]))
        if ids:
            sid, start = ids.pop(0)
            conn.execute("UPDATE segments SET position = ?, paragraph = ?, start = ?, end = ? WHERE id = ?",
                         (row[2], row[3], row[4], row[5], sid))
            if start != row[4]:
                # its stored suggestions hold document offsets: without cached tokens the next
                # suggest treats it as new and redoes every code on it
                conn.execute("DELETE FROM segment_tokens WHERE segment = ?", (sid,))
            report.segments_kept += 1
        else:
            conn.execute(insert, row)
            report.segments_added += 1
    for ids in pool.values():
        for sid, _ in ids:
            decided = conn.execute("SELECT 1 FROM decisions WHERE segment = ? LIMIT 1", (sid,)).fetchone()
            if decided:
                conn.execute("UPDATE segments SET retired = 1 WHERE id = ?", (sid,))
                conn.execute("DELETE FROM suggestions WHERE segment = ?", (sid,))
                report.segments_retired += 1
            else:
                conn.execute("DELETE FROM segments WHERE id = ?", (sid,))
                report.segments_deleted += 1
