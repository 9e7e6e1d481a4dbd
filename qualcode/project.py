"""``Project``: the library's front door, one object per project file.

The CLI is a thin layer over this class; scripts and notebooks use it directly::

    p = Project.init("study.db", codebook="codebooks/handlingsplan.yaml")
    p.import_notes("corpora/handlingsplan-2016-2018/notes")
    p.status()
"""

from __future__ import annotations

import difflib
import importlib.metadata
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from qualcode.codebook import Codebook, diff_codebooks, load_codebook, parse_codebook
from qualcode.errors import QualcodeError
from qualcode.store.db import connect, now, transaction

DEFAULT_PROJECT = "qualcode.db"
DEFAULT_CODEBOOK = Path("codebooks") / "handlingsplan.yaml"
# what the project setting nlp_model may name besides a folder: loading a package imports it
TRAINED_PIPELINE = re.compile(r"sv_core_news_[a-z]+")
SURVEY_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
NOTES_SUFFIXES = (".md", ".docx")


def default_project_path() -> str:
    return os.environ.get("QUALCODE_PROJECT") or DEFAULT_PROJECT


class Project:
    """An open project file. Cheap to create; holds one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection, path: str, notices: list[str] | None = None) -> None:
        self.conn = conn
        self.path = path
        self.notices = notices or []    # repairs made on opening, one line each
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
        """Open a project file; one that is not a qualcode project, or that holds a trigger,
        view or table qualcode did not create, is refused and left untouched."""
        path = str(path or default_project_path())
        notices: list[str] = []
        conn = connect(path, notices=notices)
        return cls(conn, path, notices)

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

    def nlp_model(self) -> str | None:
        """The spaCy pipeline the project names (setting ``nlp_model``), if any. Loading a package
        imports it, so a name read from the file is honoured only when it is an installed
        ``sv_core_news_*`` package or a folder holding a saved pipeline."""
        value = self.meta("nlp_model")
        if value:
            check_pipeline_setting(value)
        return value or None

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
    def import_notes(self, folder: str | Path, *, constants: dict[str, str] | None = None, progress: Any = None,
                     confirm: bool = False, dry_run: bool = False) -> "ImportReport":
        """Import notes; see ``write_import`` for ``confirm`` and ``dry_run``."""
        return self._import(self.read_notes(folder, constants=constants, progress=progress), confirm, dry_run)

    def import_survey(self, file: str | Path, *, id_column: str, confirm: bool = False, dry_run: bool = False,
                      **options: Any) -> "ImportReport":
        """Import a survey export (options: see ``read_survey``); see ``write_import`` for
        ``confirm`` and ``dry_run``."""
        return self._import(self.read_survey(file, id_column=id_column, **options), confirm, dry_run)

    def read_notes(self, folder: str | Path, *, constants: dict[str, str] | None = None,
                   progress: Any = None) -> "ImportBatch":
        from qualcode.ingest.notes import read_notes
        path = Path(folder)
        if path.is_file() and path.suffix.lower() in SURVEY_SUFFIXES:
            raise QualcodeError(f"{folder} looks like a survey export; use 'qualcode import survey'")
        return read_notes(folder, constants=constants, progress=progress)

    def read_survey(self, file: str | Path, *, id_column: str, attributes: list[str] | None = None,
                    texts: list[str] | None = None, choices: list[str] | None = None,
                    sheet: str | None = None, missing_values: tuple[str, ...] = ("#NULL!",),
                    choice_group: str = "fokusomrade", field_groups: dict[str, str] | None = None,
                    constants: dict[str, str] | None = None, progress: Any = None,
                    on_total: Any = None) -> "ImportBatch":
        """One document per row. ``field_groups`` binds an open-answer column to the code group
        of its question (``fraga_2a`` → ``fraga2a``), so suggestions there come from that group;
        ``constants`` gives every row the same attribute (``enkat=ht2018``), so that surveys
        imported into one project can be told apart in tallies."""
        from qualcode.ingest.survey import read_survey
        _refuse_notes_as_survey(Path(file))
        field_groups = field_groups or {}
        bindings = list(field_groups.items()) + ([("of the choice columns", choice_group)] if choices else [])
        for col, group in bindings:
            if group not in self.codebook.groups:
                raise QualcodeError(f"unknown code group {group!r} for column {col} "
                                    f"(known: {', '.join(self.codebook.groups)})")
        stray = [c for c in field_groups if c not in (texts or [])]
        if stray:
            raise QualcodeError(f"a code group is given for {', '.join(stray)}, which is not a --text column")
        return read_survey(file, id_column=id_column, attributes=attributes or [], texts=texts or [],
                           choices=choices or [], sheet=sheet, missing_values=missing_values,
                           choice_group=choice_group, field_groups=field_groups, constants=constants,
                           progress=progress, on_total=on_total)

    def plan_import(self, batch: "ImportBatch") -> "ImportReport":
        """What importing ``batch`` would change, without writing (``needs_confirmation``, ``warnings``)."""
        from qualcode.ingest.write import plan_batch
        return plan_batch(self.conn, batch)

    def write_import(self, batch: "ImportBatch", *, confirm: bool = False) -> "ImportReport":
        """Write a batch in one transaction. An import that would retire segments carrying
        decisions, replace documents imported from another file or change a document's kind
        raises ConfirmationNeeded (a QualcodeError holding the plan) and writes nothing unless
        ``confirm``."""
        from qualcode.ingest.write import write_batch
        with self.transaction():
            return write_batch(self.conn, batch, confirm=confirm)

    def _import(self, batch: "ImportBatch", confirm: bool = False, dry_run: bool = False) -> "ImportReport":
        return self.plan_import(batch) if dry_run else self.write_import(batch, confirm=confirm)

    def remove_documents(self, ids: list[str], *, dry_run: bool = False) -> "RemovalReport":
        """Take documents out: their segments are retired and leave tallies, review and
        suggest; their decisions stay in the audit trail; ``restore_documents`` undoes it."""
        from qualcode.ingest.write import remove_documents
        self.check_documents(ids)
        with self.transaction():
            return remove_documents(self.conn, list(dict.fromkeys(ids)), dry_run=dry_run)

    def restore_documents(self, ids: list[str]) -> "RemovalReport":
        from qualcode.ingest.write import restore_documents
        self.check_documents(ids)
        with self.transaction():
            return restore_documents(self.conn, list(dict.fromkeys(ids)))

    def removed_documents(self) -> list[dict[str, Any]]:
        """The documents taken out with ``remove_documents``, and when."""
        return [dict(r) for r in self.conn.execute("SELECT doc, removed_at FROM removed_documents ORDER BY doc")]

    # ------------------------------------------------------------------ filters
    def check_where(self, where: dict[str, str] | None) -> None:
        """Refuse an attribute or value no document has, naming those there are: a typo in a
        filter would otherwise give an empty table that reads like a finding. An empty value
        (blank or absent) and the key ``kind`` are allowed."""
        c = self.conn
        for name, value in (where or {}).items():
            if name == "kind":
                known = [r[0] for r in c.execute("SELECT DISTINCT kind FROM documents ORDER BY 1")]
            elif c.execute("SELECT 1 FROM attributes WHERE name = ? LIMIT 1", (name,)).fetchone() is None:
                names = [r[0] for r in c.execute("SELECT DISTINCT name FROM attributes ORDER BY 1")]
                raise QualcodeError(f"unknown attribute {name!r} (attributes: {_listing(names, name)})")
            elif value == "" or c.execute("SELECT 1 FROM attributes WHERE name = ? AND value = ? LIMIT 1",
                                          (name, value)).fetchone():
                continue    # an empty value means blank or absent
            else:
                known = [r[0] for r in c.execute("SELECT DISTINCT value FROM attributes WHERE name = ? "
                                                 "AND value IS NOT NULL ORDER BY 1", (name,))]
            if value not in known:
                raise QualcodeError(f"no document has {name}={value!r} (values of {name}: {_listing(known, value)})")

    def check_documents(self, ids: list[str] | None) -> None:
        """Refuse a document id the project does not have, naming some it has."""
        for doc in ids or []:
            if self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc,)).fetchone() is None:
                known = [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]
                raise QualcodeError(f"unknown document {doc!r} (documents: {_listing(known, doc)})")

    # ------------------------------------------------------------------ reading
    def documents(self, kind: str | None = None, where: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Documents with their attributes, filtered by kind and attribute values (removed ones left out)."""
        self.check_where(where)
        sql = "SELECT id, kind, source, content_hash FROM documents WHERE id NOT IN (SELECT doc FROM removed_documents)"
        args: list[Any] = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        docs = [dict(r) for r in self.conn.execute(sql + " ORDER BY id", args)]
        attrs: dict[str, dict[str, str]] = {}
        for r in self.conn.execute("SELECT doc, name, value FROM attributes"):
            attrs.setdefault(r[0], {})[r[1]] = r[2]
        out = []
        for d in docs:
            d["attributes"] = attrs.get(d["id"], {})
            if where and any((d["kind"] if k == "kind" else d["attributes"].get(k) or "") != v
                             for k, v in where.items()):
                continue
            out.append(d)
        return out

    def document(self, doc_id: str) -> dict[str, Any]:
        self.check_documents([doc_id])
        row = self.conn.execute("SELECT id, kind, source, content_hash, text FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        d = dict(row)
        d["removed"] = self.conn.execute("SELECT 1 FROM removed_documents WHERE doc = ?", (doc_id,)).fetchone() is not None
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
        docs = dict(c.execute("SELECT kind, COUNT(*) FROM documents WHERE id NOT IN "
                              "(SELECT doc FROM removed_documents) GROUP BY kind").fetchall())
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
            "removed_documents": c.execute("SELECT COUNT(*) FROM removed_documents").fetchone()[0],
            "attributes": by_attr,
            "segments": segs,
            # what a reviewer answers: one (segment, code), however many sources suggested it; the
            # same unit as "pending" and the review sheet's rows
            "suggestions": c.execute("SELECT COUNT(*) FROM (SELECT DISTINCT s.segment, s.code FROM suggestions s "
                                     "JOIN segments g ON g.id = s.segment AND g.retired = 0)").fetchone()[0],
            "suggestion_rows": c.execute("SELECT COUNT(*) FROM suggestions").fetchone()[0],
            "pending": pending,
            "coders": decisions,
        }


def check_pipeline_setting(value: str) -> None:
    """Refuse a pipeline name that is neither an installed sv_core_news_* package nor a folder."""
    if TRAINED_PIPELINE.fullmatch(value):
        try:
            importlib.metadata.distribution(value)
            return
        except importlib.metadata.PackageNotFoundError:
            raise QualcodeError(f"project setting nlp_model={value!r}: that spaCy pipeline is not installed") from None
    if Path(value).is_dir():
        return
    raise QualcodeError(f"project setting nlp_model={value!r} is neither an installed sv_core_news_* package nor "
                        "a folder, so it is not loaded (choose one with 'qualcode suggest --model NAME|FOLDER --save-model')")


def _refuse_notes_as_survey(path: Path) -> None:
    if path.is_dir() or path.suffix.lower() in NOTES_SUFFIXES or (path.suffix.lower() == ".txt" and _front_matter(path)):
        raise QualcodeError(f"{path} looks like interview notes; use 'qualcode import notes'")


def _front_matter(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(3) == b"---"
    except OSError:
        return False


def _listing(values: list[str], wanted: str, limit: int = 12) -> str:
    """Some of the values there are, the closest to ``wanted`` first."""
    if not values:
        return "none"
    close = difflib.get_close_matches(wanted, values, n=3) if len(values) > limit else []
    shown = list(dict.fromkeys(close + values))[:limit]
    return ", ".join(shown) + (f" … ({len(values)} in all)" if len(values) > limit else "")


def _absolute(path: str | None) -> str | None:
    """Remember where the codebook file is, so an edit is found from any working directory."""
    if path and Path(path).is_file():
        return str(Path(path).resolve())
    return path


from qualcode.ingest.write import ConfirmationNeeded, ImportBatch, ImportReport, RemovalReport  # noqa: E402

__all__ = ["Project", "ConfirmationNeeded", "ImportBatch", "ImportReport", "RemovalReport", "check_pipeline_setting",
           "default_project_path"]
