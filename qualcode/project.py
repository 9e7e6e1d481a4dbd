"""``Project``: the library's front door, one object per project file.

The CLI is a thin layer over this class; scripts and notebooks use it directly::

    p = Project.init("study.db", codebook="codebooks/handlingsplan.yaml")
    p.import_notes("corpora/handlingsplan-2016-2018/notes")
    p.status()
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from qualcode.codebook import Codebook, diff_codebooks, load_codebook, parse_codebook
from qualcode.errors import QualcodeError
from qualcode.store.db import connect, now, transaction

DEFAULT_PROJECT = "qualcode.db"
DEFAULT_CODEBOOK = Path("codebooks") / "handlingsplan.yaml"


def default_project_path() -> str:
    return os.environ.get("QUALCODE_PROJECT") or DEFAULT_PROJECT


class Project:
    """An open project file. Cheap to create; holds one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._codebook: Codebook | None = None

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def init(cls, path: str | Path, codebook: str | Path | None = None) -> "Project":
        """Create a new project file with a codebook (default: codebooks/handlingsplan.yaml)."""
        cb_path = Path(codebook) if codebook else DEFAULT_CODEBOOK
        cb = load_codebook(cb_path)  # validate before creating anything
        conn = connect(path, create=True)
        project = cls(conn, str(path))
        try:
            with project.transaction():
                project._store_codebook(cb)
                project.set_meta("created_at", now())
        except BaseException:
            conn.close()
            Path(path).unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def open(cls, path: str | Path | None = None) -> "Project":
        path = str(path or default_project_path())
        return cls(connect(path), path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with transaction(self.conn) as c:
            yield c

    # ------------------------------------------------------------------ settings
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    # ------------------------------------------------------------------ codebook
    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            version = self.meta("codebook_version")
            row = self.conn.execute("SELECT path, content FROM codebook_versions WHERE version = ?",
                                    (version,)).fetchone()
            if row is None:
                raise QualcodeError("project has no codebook; run 'qualcode codebook load FILE'", where=self.path)
            self._codebook = parse_codebook(row["content"], row["path"] or "<stored codebook>")
        return self._codebook

    def load_codebook(self, path: str | Path) -> tuple[Codebook, list[str]]:
        """Make the file at ``path`` the project's codebook; return it and what changed."""
        return self._adopt(load_codebook(path))

    def edited_codebook(self) -> Codebook | None:
        """The codebook file as it is now, if it was edited since it was loaded (else None)."""
        path = self.codebook.path
        if not path or not Path(path).is_file():
            return None
        new = load_codebook(path)
        return new if new.version != self.codebook.version else None

    def refresh_codebook(self) -> tuple[Codebook, list[str]] | None:
        """Reload the codebook file if it was edited since it was loaded (None if unchanged)."""
        new = self.edited_codebook()
        return self._adopt(new) if new is not None else None

    def _adopt(self, new: Codebook) -> tuple[Codebook, list[str]]:
        old = self.codebook
        changes = diff_codebooks(old, new) if old.version != new.version else []
        with self.transaction():
            self._store_codebook(new)
        return new, changes

    def _store_codebook(self, cb: Codebook) -> None:
        c = self.conn
        # the same content loaded from another file: that file is the one to watch for edits now
        c.execute("INSERT INTO codebook_versions(version, path, content, loaded_at) VALUES (?,?,?,?) "
                  "ON CONFLICT(version) DO UPDATE SET path = excluded.path",
                  (cb.version, _absolute(cb.path), cb.content, now()))
        c.execute("DELETE FROM codes")
        c.executemany("INSERT INTO codes(id, label, short, grp, number, parent, position) VALUES (?,?,?,?,?,?,?)",
                      [(x.id, x.label, x.short, x.group, x.number, x.parent, i) for i, x in enumerate(cb.codes)])
        self.set_meta("codebook_version", cb.version)
        self._codebook = cb

    # ------------------------------------------------------------------ importing
    def import_notes(self, folder: str | Path, *, constants: dict[str, str] | None = None,
                     progress: Any = None) -> "ImportReport":
        from qualcode.ingest.notes import read_notes
        return self._import(read_notes(folder, constants=constants, progress=progress))

    def import_survey(self, file: str | Path, *, id_column: str, attributes: list[str] | None = None,
                      texts: list[str] | None = None, choices: list[str] | None = None,
                      sheet: str | None = None, missing_values: tuple[str, ...] = ("#NULL!",),
                      choice_group: str = "fokusomrade", field_groups: dict[str, str] | None = None,
                      constants: dict[str, str] | None = None, progress: Any = None) -> "ImportReport":
        """One document per row. ``field_groups`` binds an open-answer column to the code group
        of its question (``fraga_2a`` → ``fraga2a``), so suggestions there come from that group;
        ``constants`` gives every row the same attribute (``enkat=ht2018``), so that surveys
        imported into one project can be told apart in tallies."""
        from qualcode.ingest.survey import read_survey
        field_groups = field_groups or {}
        bindings = list(field_groups.items()) + ([("of the choice columns", choice_group)] if choices else [])
        for col, group in bindings:
            if group not in self.codebook.groups:
                raise QualcodeError(f"unknown code group {group!r} for column {col} "
                                    f"(known: {', '.join(self.codebook.groups)})")
        stray = [c for c in field_groups if c not in (texts or [])]
        if stray:
            raise QualcodeError(f"a code group is given for {', '.join(stray)}, which is not a --text column")
        batch = read_survey(file, id_column=id_column, attributes=attributes or [], texts=texts or [],
                            choices=choices or [], sheet=sheet, missing_values=missing_values,
                            choice_group=choice_group, field_groups=field_groups, constants=constants,
                            progress=progress)
        return self._import(batch)

    def _import(self, batch: "ImportBatch") -> "ImportReport":
        from qualcode.ingest.write import write_batch
        with self.transaction():
            return write_batch(self.conn, batch)

    # ------------------------------------------------------------------ reading
    def documents(self, kind: str | None = None, where: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Documents with their attributes, filtered by kind and attribute values."""
        sql = "SELECT id, kind, source, content_hash FROM documents"
        args: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            args.append(kind)
        docs = [dict(r) for r in self.conn.execute(sql + " ORDER BY id", args)]
        attrs: dict[str, dict[str, str]] = {}
        for r in self.conn.execute("SELECT doc, name, value FROM attributes"):
            attrs.setdefault(r[0], {})[r[1]] = r[2]
        out = []
        for d in docs:
            d["attributes"] = attrs.get(d["id"], {})
            if where and any(d["attributes"].get(k) != v for k, v in where.items()):
                continue
            out.append(d)
        return out

    def document(self, doc_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT id, kind, source, content_hash, text FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        if row is None:
            raise QualcodeError(f"unknown document {doc_id!r}")
        d = dict(row)
        d["attributes"] = {r[0]: r[1] for r in self.conn.execute(
            "SELECT name, value FROM attributes WHERE doc = ? ORDER BY name", (doc_id,))}
        d["segments"] = self.segments(doc=doc_id)
        return d

    def segments(self, doc: str | None = None, field: str | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT id AS segment, doc, field, position, paragraph, start, end, text FROM segments "
               "WHERE retired = 0")
        args: list[Any] = []
        if doc:
            sql += " AND doc = ?"
            args.append(doc)
        if field:
            sql += " AND field = ?"
            args.append(field)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY doc, field, position", args)]

    def iter_segments(self) -> Iterator[sqlite3.Row]:
        """All live segments in document order, streamed (for exports of large projects)."""
        return self.conn.execute(
            "SELECT id AS segment, doc, field, start, end, text FROM segments WHERE retired = 0 "
            "ORDER BY doc, field, position")

    def fields(self) -> dict[str, dict[str, Any]]:
        return {r["name"]: dict(r) for r in self.conn.execute("SELECT name, kind, code_group FROM fields")}

    def coders(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT coder FROM decisions ORDER BY coder")]

    def status(self) -> dict[str, Any]:
        """What is in the project: the numbers a user checks before and after each step."""
        c = self.conn
        docs = dict(c.execute("SELECT kind, COUNT(*) FROM documents GROUP BY kind").fetchall())
        by_attr: dict[str, dict[str, int]] = {}
        for name, value, n in c.execute(
                "SELECT name, COALESCE(value, ''), COUNT(*) FROM attributes GROUP BY name, value ORDER BY name, value"):
            by_attr.setdefault(name, {})[value] = n
        segs = dict(c.execute("SELECT field, COUNT(*) FROM segments WHERE retired = 0 GROUP BY field").fetchall())
        decisions = {r[0]: {"decisions": r[1], "coded": 0} for r in
                     c.execute("SELECT coder, COUNT(*) FROM decisions GROUP BY coder")}
        for coder, n in c.execute("SELECT coder, COUNT(*) FROM codings GROUP BY coder"):
            decisions[coder]["coded"] = n
        pending = c.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT s.segment, s.code FROM suggestions s "
            "JOIN segments g ON g.id = s.segment AND g.retired = 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM current_decisions d WHERE d.segment = s.segment "
            "AND d.code = s.code AND d.verdict != 'retract'))").fetchone()[0]
        cb = self.codebook
        from qualcode.suggest.listing import outdated
        return {
            "project": self.path,
            "suggest": outdated(self),
            "codebook": {"name": cb.name, "version": cb.version, "path": cb.path, "codes": len(cb.codes)},
            "documents": docs,
            "attributes": by_attr,
            "segments": segs,
            "suggestions": c.execute("SELECT COUNT(*) FROM suggestions").fetchone()[0],
            "pending": pending,
            "coders": decisions,
        }


def _absolute(path: str | None) -> str | None:
    """Remember where the codebook file is, so an edit is found from any working directory."""
    if path and Path(path).is_file():
        return str(Path(path).resolve())
    return path


from qualcode.ingest.write import ImportBatch, ImportReport  # noqa: E402  (types for annotations)

__all__ = ["Project", "ImportBatch", "ImportReport", "default_project_path"]
