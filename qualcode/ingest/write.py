"""Writing an ImportBatch into the store: planned first, idempotent, and kind to decisions.

Readers parse files into plain records first, so that every problem with the input is found
before the store is touched. ``plan_batch`` then compares each document with what the project
holds, reading only: unchanged documents are skipped; in a changed one, segments are matched to
the document's old ones by (field, text) in order, live ones first and then retired ones, so a
text that comes back gets its old segment back (same id, its decisions intact); segments that
disappeared are retired if someone decided on them and deleted otherwise. An import that would
retire decided segments, replace documents imported from another file or change a document's
kind is written only when confirmed (the CLI asks): work is never lost behind the user's back.
``write_batch`` applies the plan inside the caller's transaction.

Documents taken out with ``docs remove`` keep their row and their retired segments, listed in
``removed_documents`` so that ``docs restore`` brings back exactly those; imports leave them out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

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
    """What an import changes: the plan before it is written (``dry_run``), the record after."""
    source: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    left_removed: list[str] = field(default_factory=list)   # taken out with 'docs remove'
    segments_added: int = 0
    segments_kept: int = 0
    segments_restored: int = 0      # retired segments whose text came back
    segments_retired: int = 0       # gone from the source, kept for their decisions
    segments_deleted: int = 0
    retired_fields: dict[str, int] = field(default_factory=dict)
    retired_documents: list[str] = field(default_factory=list)
    other_source: dict[str, list[str]] = field(default_factory=dict)   # "old file -> new file": docs
    kind_changed: dict[str, list[str]] = field(default_factory=dict)   # "interview to response": docs
    dry_run: bool = False

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.segments_retired or self.other_source or self.kind_changed)

    def summary(self) -> str:
        parts = [f"{len(self.added)} new", f"{len(self.changed)} changed", f"{len(self.unchanged)} unchanged"]
        line = f"{self.source}: {', '.join(parts)} documents; {self.segments_added} segments added"
        if self.changed:
            line += (f", {self.segments_kept} kept, {self.segments_restored} restored, "
                     f"{self.segments_retired} retired (decisions kept), {self.segments_deleted} removed")
        if self.left_removed:
            line += f"; {len(self.left_removed)} removed documents left out ('qualcode docs restore' brings them back)"
        return f"dry run, nothing written: {line}" if self.dry_run else line

    def headline(self) -> str:
        """What needs the user's consent, in one line."""
        parts = []
        if self.segments_retired:
            parts.append(f"retire {self.segments_retired} segments that carry decisions "
                         f"(in {len(self.retired_documents)} documents)")
        for pair, docs in self.other_source.items():
            parts.append(f"replace {len(docs)} documents imported from another file ({pair})")
        for pair, docs in self.kind_changed.items():
            parts.append(f"change {len(docs)} documents from {pair}")
        return "this import would " + "; ".join(parts)

    def warnings(self) -> list[str]:
        """The plan's changes that need consent, one line each with examples."""
        lines = []
        if self.segments_retired:
            fields = ", ".join(f"{f} {n}" for f, n in sorted(self.retired_fields.items()))
            lines.append(f"{self.segments_retired} segments that carry decisions would be retired, in "
                         f"{len(self.retired_documents)} documents ({_examples(self.retired_documents)}; "
                         f"fields: {fields}); their decisions stay in the audit trail and come back when an "
                         "import brings the same text back")
        for pair, docs in self.other_source.items():
            lines.append(f"{len(docs)} documents would be replaced by documents of another file with the same id "
                         f"({pair}; {_examples(docs)})")
        for pair, docs in self.kind_changed.items():
            lines.append(f"{len(docs)} documents would change from {pair} ({_examples(docs)})")
        return lines

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class ConfirmationNeeded(QualcodeError):
    """An import that needs the user's consent was not confirmed; ``report`` is its plan."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.headline()}; nothing imported (confirm to go ahead: --yes in the CLI; "
                         "--dry-run shows the plan)", where=report.source)
        self.report = report


def _examples(ids: list[str], n: int = 3) -> str:
    return ", ".join(ids[:n]) + (f" … ({len(ids)} in all)" if len(ids) > n else "")


@dataclass
class _DocPlan:
    """How a changed document is written: which old segment each new one becomes."""
    doc: DocumentRecord
    hashes: list[str]
    kept: list[tuple[int, int, bool]] = field(default_factory=list)   # (index, segment id, moved)
    restored: list[tuple[int, int]] = field(default_factory=list)     # (index, retired segment id)
    new: list[int] = field(default_factory=list)
    retire: list[int] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


_ROW = re.compile(r"^(.+):(\d+)$")


def source_file(source: str | None) -> str:
    """The absolute path of the file a document came from (a survey row's source is ``file:row``)."""
    if not source:
        return ""
    m = _ROW.match(source)
    return _absolute(m.group(1) if m else source)


def _stored_source(source: str) -> str:
    """The source as stored: absolute, so that another working directory names the same file."""
    m = _ROW.match(source)
    return f"{_absolute(m.group(1))}:{m.group(2)}" if m else _absolute(source)


@lru_cache(maxsize=1024)
def _absolute(path: str) -> str:
    return os.path.abspath(path)


def plan_batch(conn: sqlite3.Connection, batch: ImportBatch) -> ImportReport:
    """What ``write_batch`` would do, computed without writing (``dry_run`` is set)."""
    report, _, _ = _plan(conn, batch)
    report.dry_run = True
    return report


def write_batch(conn: sqlite3.Connection, batch: ImportBatch, *, confirm: bool = False) -> ImportReport:
    """Store a batch; must run inside a transaction (Project provides it). Without ``confirm``
    an import that needs consent (``ImportReport.needs_confirmation``) writes nothing and
    raises ConfirmationNeeded."""
    report, fresh, plans = _plan(conn, batch)
    if report.needs_confirmation and not confirm:
        report.dry_run = True
        raise ConfirmationNeeded(report)
    for name, (kind, group) in batch.fields.items():
        conn.execute("INSERT INTO fields(name, kind, code_group) VALUES (?,?,?) "
                     "ON CONFLICT(name) DO UPDATE SET code_group = excluded.code_group", (name, kind, group))
    stamp = now()
    _insert_documents(conn, fresh, stamp)
    touched = {s.field for doc, _ in fresh for s in doc.segments}
    for plan in plans:
        _update_document(conn, plan, stamp)
        touched.update(s.field for s in plan.doc.segments)
    # a choice field's suggestions are redone whole once its cells changed (notes and open
    # answers need nothing here: new, moved and restored segments have no cached tokens)
    choice = sorted(f for f in touched if batch.fields.get(f, ("",))[0] == "choice")
    if choice:
        conn.executemany("DELETE FROM suggest_state WHERE field = ?", [(f,) for f in choice])
    for hook in getattr(batch, "after_write", ()):  # e.g. an SPSS file's labels (ingest.spss)
        hook(conn)
    return report


def _plan(conn: sqlite3.Connection, batch: ImportBatch
          ) -> tuple[ImportReport, list[tuple[DocumentRecord, list[str]]], list[_DocPlan]]:
    """The report, the new documents with their segments' text hashes, the changed documents' plans."""
    report = ImportReport(batch.source)
    for name, (kind, _) in batch.fields.items():
        row = conn.execute("SELECT kind FROM fields WHERE name = ?", (name,)).fetchone()
        if row is not None and row[0] != kind:
            raise QualcodeError(f"field {name!r} was imported as {row[0]}, now as {kind}; use another column name",
                                where=batch.source)
    existing = {r[0]: (r[1], r[2], r[3]) for r in conn.execute("SELECT id, kind, content_hash, source FROM documents")}
    removed = {r[0] for r in conn.execute("SELECT doc FROM removed_documents")}
    fresh: list[tuple[DocumentRecord, list[str]]] = []
    plans: list[_DocPlan] = []
    for doc in batch.documents:
        old = existing.get(doc.id)
        if doc.id in removed:
            report.left_removed.append(doc.id)
            continue
        if old is not None and old[1] == doc.content_hash and old[0] == doc.kind:
            report.unchanged.append(doc.id)
            continue
        hashes = [_text_hash(s.text) for s in doc.segments]
        if old is None:
            fresh.append((doc, hashes))
            report.added.append(doc.id)
            report.segments_added += len(hashes)
            continue
        report.changed.append(doc.id)
        if old[0] != doc.kind:
            report.kind_changed.setdefault(f"{old[0]} to {doc.kind}", []).append(doc.id)
        if source_file(old[2]) != source_file(doc.source):
            pair = f"{source_file(old[2]) or 'unknown'} -> {source_file(doc.source)}"
            report.other_source.setdefault(pair, []).append(doc.id)
        plans.append(_match(conn, doc, hashes, report))
    return report, fresh, plans


def _match(conn: sqlite3.Connection, doc: DocumentRecord, hashes: list[str], report: ImportReport) -> _DocPlan:
    """Match a changed document's segments to its old ones by (field, text), in order."""
    live: dict[tuple[str, str], list[tuple[int, int]]] = {}
    retired: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for sid, fld, th, start, gone in conn.execute(
            "SELECT id, field, text_hash, start, retired FROM segments WHERE doc = ? ORDER BY position, id", (doc.id,)):
        (retired if gone else live).setdefault((fld, th), []).append((sid, start))
    plan = _DocPlan(doc, hashes)
    for i, (s, h) in enumerate(zip(doc.segments, hashes)):
        if live.get((s.field, h)):
            sid, start = live[(s.field, h)].pop(0)
            plan.kept.append((i, sid, start != s.start))
        elif retired.get((s.field, h)):
            plan.restored.append((i, retired[(s.field, h)].pop(0)[0]))
        else:
            plan.new.append(i)
    retired_here = Counter()
    for (fld, _), ids in live.items():
        for sid, _ in ids:
            if conn.execute("SELECT 1 FROM decisions WHERE segment = ? LIMIT 1", (sid,)).fetchone():
                plan.retire.append(sid)
                retired_here[fld] += 1
            else:
                plan.delete.append(sid)
    report.segments_kept += len(plan.kept)
    report.segments_restored += len(plan.restored)
    report.segments_added += len(plan.new)
    report.segments_retired += len(plan.retire)
    report.segments_deleted += len(plan.delete)
    if plan.retire:
        report.retired_documents.append(doc.id)
        for fld, n in retired_here.items():
            report.retired_fields[fld] = report.retired_fields.get(fld, 0) + n
    return plan


_INSERT_SEGMENT = ("INSERT INTO segments(doc, field, position, paragraph, start, end, text, text_hash) "
                   "VALUES (?,?,?,?,?,?,?,?)")


def _insert_documents(conn: sqlite3.Connection, fresh: list[tuple[DocumentRecord, list[str]]], stamp: str) -> None:
    conn.executemany("INSERT INTO documents(id, kind, source, content_hash, text, imported_at) VALUES (?,?,?,?,?,?)",
                     ((d.id, d.kind, _stored_source(d.source), d.content_hash, d.text, stamp) for d, _ in fresh))
    conn.executemany("INSERT INTO attributes(doc, name, value) VALUES (?,?,?)",
                     ((d.id, k, v) for d, _ in fresh for k, v in d.attributes.items()))
    conn.executemany(_INSERT_SEGMENT, ((d.id, s.field, i, s.paragraph, s.start, s.end, s.text, h)
                                       for d, hashes in fresh for i, (s, h) in enumerate(zip(d.segments, hashes))))


def _update_document(conn: sqlite3.Connection, plan: _DocPlan, stamp: str) -> None:
    doc = plan.doc
    conn.execute("UPDATE documents SET kind = ?, source = ?, content_hash = ?, text = ?, imported_at = ? "
                 "WHERE id = ?", (doc.kind, _stored_source(doc.source), doc.content_hash, doc.text, stamp, doc.id))
    conn.execute("DELETE FROM attributes WHERE doc = ?", (doc.id,))
    conn.executemany("INSERT INTO attributes(doc, name, value) VALUES (?,?,?)",
                     [(doc.id, k, v) for k, v in doc.attributes.items()])

    def place(i: int) -> tuple[int, int, int, int]:
        s = doc.segments[i]
        return i, s.paragraph, s.start, s.end

    conn.executemany(_INSERT_SEGMENT, [(doc.id, doc.segments[i].field, *place(i), doc.segments[i].text, plan.hashes[i])
                                       for i in plan.new])
    for i, sid, moved in plan.kept:
        conn.execute("UPDATE segments SET position = ?, paragraph = ?, start = ?, end = ? WHERE id = ?", (*place(i), sid))
        if moved:
            # its stored suggestions hold document offsets: without cached tokens the next
            # suggest treats it as new and redoes every code on it
            conn.execute("DELETE FROM segment_tokens WHERE segment = ?", (sid,))
    for i, sid in plan.restored:
        # back from retirement: its suggestions were dropped then, so the next suggest redoes it
        conn.execute("UPDATE segments SET retired = 0, position = ?, paragraph = ?, start = ?, end = ? WHERE id = ?",
                     (*place(i), sid))
        conn.execute("DELETE FROM segment_tokens WHERE segment = ?", (sid,))
    for sid in plan.retire:
        conn.execute("UPDATE segments SET retired = 1 WHERE id = ?", (sid,))
        conn.execute("DELETE FROM suggestions WHERE segment = ?", (sid,))
    conn.executemany("DELETE FROM segments WHERE id = ?", [(sid,) for sid in plan.delete])


# ----------------------------------------------------------------------------- removing documents

@dataclass
class RemovalReport:
    documents: list[str]
    segments: int
    decided: int
    restored: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        verb = "restored" if self.restored else ("would remove" if self.dry_run else "removed")
        line = (f"{verb} {len(self.documents)} documents ({_examples(self.documents)}): {self.segments} segments, "
                f"{self.decided} of them with decisions")
        if not self.restored:
            line += " (kept in the audit trail; 'qualcode docs restore' brings them back)"
        return line

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def remove_documents(conn: sqlite3.Connection, ids: list[str], *, dry_run: bool = False) -> RemovalReport:
    """Take documents out of the project: their segments are retired (tallies, review and
    suggest skip them), their decisions stay. Must run inside a transaction."""
    already = [d for d in ids if conn.execute("SELECT 1 FROM removed_documents WHERE doc = ?", (d,)).fetchone()]
    if already:
        raise QualcodeError(f"document {already[0]!r} is already removed")
    report = RemovalReport(list(ids), 0, 0, dry_run=dry_run)
    for doc in ids:
        segs = [r[0] for r in conn.execute("SELECT id FROM segments WHERE doc = ? AND retired = 0", (doc,))]
        report.segments += len(segs)
        report.decided += conn.execute("SELECT COUNT(DISTINCT segment) FROM decisions WHERE segment IN "
                                       "(SELECT value FROM json_each(?))", (json.dumps(segs),)).fetchone()[0]
        if dry_run:
            continue
        conn.executemany("UPDATE segments SET retired = 1 WHERE id = ?", [(s,) for s in segs])
        conn.executemany("DELETE FROM suggestions WHERE segment = ?", [(s,) for s in segs])
        conn.executemany("DELETE FROM segment_tokens WHERE segment = ?", [(s,) for s in segs])
        conn.execute("INSERT INTO removed_documents(doc, removed_at, segments) VALUES (?,?,?)",
                     (doc, now(), json.dumps(segs)))
    return report


def restore_documents(conn: sqlite3.Connection, ids: list[str]) -> RemovalReport:
    """Undo ``remove_documents``: the segments the removal retired are live again (the next
    suggest redoes them). Must run inside a transaction."""
    report = RemovalReport(list(ids), 0, 0, restored=True)
    for doc in ids:
        row = conn.execute("SELECT segments FROM removed_documents WHERE doc = ?", (doc,)).fetchone()
        if row is None:
            raise QualcodeError(f"document {doc!r} is not removed")
        segs = json.loads(row[0])
        conn.executemany("UPDATE segments SET retired = 0 WHERE id = ?", [(s,) for s in segs])
        conn.execute("DELETE FROM suggest_state WHERE field IN (SELECT DISTINCT s.field FROM segments s "
                     "JOIN fields f ON f.name = s.field AND f.kind = 'choice' WHERE s.doc = ?)", (doc,))
        conn.execute("DELETE FROM removed_documents WHERE doc = ?", (doc,))
        report.segments += len(segs)
        report.decided += conn.execute("SELECT COUNT(DISTINCT segment) FROM decisions WHERE segment IN "
                                       "(SELECT value FROM json_each(?))", (json.dumps(segs),)).fetchone()[0]
    return report
