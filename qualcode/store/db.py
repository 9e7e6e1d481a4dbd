"""The project store: one SQLite file holding everything a user did.

WAL mode and foreign keys on; the schema version lives in ``PRAGMA user_version`` and is
moved forward by the ordered MIGRATIONS below, so an old project file opens in a new
qualcode. Every write that belongs together runs inside ``transaction()``: a crash or
SIGKILL in the middle leaves the file exactly as before.

A project file is data, never instructions (DESIGN.md). Before anything is written, a
read-only look checks that the file is one: qualcode's ``application_id`` (or, for a file
from before it was stamped, exactly the tables an old qualcode made) and a known schema
version; a file that is not is refused and left byte for byte as it was. Every table, index,
trigger and view must be one the migrations create, with the same SQL, since SQLite runs a
trigger or view it finds in the file whenever qualcode writes or reads through it; and the
connection runs with ``trusted_schema=OFF``. The table derived from the decisions log is
compared with the log and rebuilt from it when they disagree.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Iterator

from qualcode.errors import QualcodeError

# PRAGMA application_id of a project file: 'QCOD'
APPLICATION_ID = 0x51434F44

# Each entry moves the schema from version i to i+1. Never edit a shipped entry: append.
MIGRATIONS: list[str] = [
    # 1: the core records of DESIGN.md
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE codebook_versions (
        version TEXT PRIMARY KEY, path TEXT, content TEXT NOT NULL, loaded_at TEXT NOT NULL);

    -- the current codebook's codes, for SQL joins; the YAML in codebook_versions is the truth
    CREATE TABLE codes (
        id TEXT PRIMARY KEY, label TEXT NOT NULL, short TEXT NOT NULL, grp TEXT NOT NULL,
        number INTEGER, parent TEXT, position INTEGER NOT NULL);

    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('interview', 'response')),
        source TEXT, content_hash TEXT NOT NULL, text TEXT, imported_at TEXT NOT NULL);

    CREATE TABLE attributes (
        doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name TEXT NOT NULL, value TEXT,
        PRIMARY KEY (doc, name));
    CREATE INDEX attributes_name ON attributes(name, value);

    -- notes: an interview's text; text: an open survey answer; choice: one of several areas
    CREATE TABLE fields (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('notes', 'text', 'choice')),
        code_group TEXT);

    -- a span of a document's field; retired = gone from the source but kept for its decisions
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        field TEXT NOT NULL REFERENCES fields(name),
        position INTEGER NOT NULL, paragraph INTEGER NOT NULL DEFAULT 0,
        start INTEGER NOT NULL, end INTEGER NOT NULL,
        text TEXT NOT NULL, text_hash TEXT NOT NULL,
        retired INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX segments_doc ON segments(doc, field, position);

    -- the NLP stream of a segment, so that re-suggesting never runs spaCy again
    CREATE TABLE segment_tokens (
        segment INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
        pipeline TEXT NOT NULL, data BLOB NOT NULL);

    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        segment INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        code TEXT NOT NULL, source TEXT NOT NULL, score REAL NOT NULL,
        start INTEGER, end INTEGER, negated INTEGER NOT NULL DEFAULT 0,
        reason TEXT, candidates TEXT, codebook_version TEXT, created_at TEXT NOT NULL,
        UNIQUE (segment, code, source));
    CREATE INDEX suggestions_code ON suggestions(code);

    -- append-only; the current coding is the latest row per (segment, code, coder)
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        segment INTEGER NOT NULL REFERENCES segments(id),
        code TEXT NOT NULL, coder TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject', 'add', 'retract')),
        made_at TEXT NOT NULL, note TEXT,
        origin TEXT NOT NULL DEFAULT 'review',
        suggestion_source TEXT, score REAL, codebook_version TEXT);
    CREATE INDEX decisions_key ON decisions(segment, code, coder, id);
    CREATE INDEX decisions_coder ON decisions(coder);

    CREATE VIEW current_decisions AS
        SELECT d.* FROM decisions d
        JOIN (SELECT MAX(id) AS id FROM decisions GROUP BY segment, code, coder) m ON d.id = m.id;

    -- what each coder currently holds as coded: accepted or added, not later rejected/retracted
    CREATE VIEW codings AS
        SELECT segment, code, coder FROM current_decisions WHERE verdict IN ('accept', 'add');
    """,
    # 2: learned models (qualcode.learn) and the fused view of all suggestion sources
    """
    CREATE TABLE models (
        id INTEGER PRIMARY KEY, grp TEXT NOT NULL, version TEXT NOT NULL UNIQUE, data_hash TEXT NOT NULL,
        trained_at TEXT NOT NULL, n_segments INTEGER NOT NULL, metrics TEXT NOT NULL, blob BLOB NOT NULL);
    CREATE INDEX models_grp ON models(grp, id);

    -- per (segment, code): the fused score (max over sources), rule/choice and model scores apart
    CREATE VIEW fused_suggestions AS
        SELECT segment, code, MAX(score) AS score,
               MAX(CASE WHEN source NOT LIKE 'model:%' THEN score END) AS rule_score,
               MAX(CASE WHEN source LIKE 'model:%' THEN score END) AS model_score,
               group_concat(source, '|') AS sources
        FROM suggestions GROUP BY segment, code;
    """,
    # 3: the latest decision per (coder, segment, code) kept as a table by a trigger, so that
    #    tallies over 100k responses read the current coding without grouping the whole log.
    #    A segment's doc and field never change, so they are copied in: a tally groups and
    #    filters this one table (through the partial indexes below) without joining segments.
    #    The key is ordered (coder, code, segment) so that "suggested but not decided" is a
    #    merge of two sorted streams (see qualcode.tally._unreviewed).
    """
    CREATE TABLE latest_decisions (
        coder TEXT NOT NULL, segment INTEGER NOT NULL, code TEXT NOT NULL,
        decision INTEGER NOT NULL, verdict TEXT NOT NULL,
        doc TEXT NOT NULL, field TEXT NOT NULL,
        PRIMARY KEY (coder, code, segment)) WITHOUT ROWID;
    CREATE INDEX latest_decisions_segment ON latest_decisions(segment, code);
    -- a coder's codings per field and code (choice counts, presence, mentions); verdict is
    -- repeated as a column because SQLite reads a partial index as covering only then
    CREATE INDEX latest_decisions_coded ON latest_decisions(coder, field, code, doc, verdict)
        WHERE verdict IN ('accept', 'add');
    -- the same in cell order, to count coded cells and find cells with several codes
    CREATE INDEX latest_decisions_cells ON latest_decisions(coder, field, segment, verdict)
        WHERE verdict IN ('accept', 'add');
    INSERT INTO latest_decisions (coder, segment, code, decision, verdict, doc, field)
        SELECT d.coder, d.segment, d.code, d.id, d.verdict, s.doc, s.field FROM decisions d
        JOIN (SELECT MAX(id) AS id FROM decisions GROUP BY segment, code, coder) m ON d.id = m.id
        JOIN segments s ON s.id = d.segment;
    CREATE TRIGGER decisions_latest AFTER INSERT ON decisions BEGIN
        INSERT INTO latest_decisions (coder, segment, code, decision, verdict, doc, field)
            VALUES (NEW.coder, NEW.segment, NEW.code, NEW.id, NEW.verdict,
                    (SELECT doc FROM segments WHERE id = NEW.segment),
                    (SELECT field FROM segments WHERE id = NEW.segment))
            ON CONFLICT (coder, code, segment) DO UPDATE
            SET decision = excluded.decision, verdict = excluded.verdict
            WHERE excluded.decision > latest_decisions.decision;
    END;
    DROP VIEW codings;
    DROP VIEW current_decisions;
    -- the key columns come from latest_decisions, so that a filter on segment, code or coder
    -- uses its indexes (taken from decisions, each row would scan latest_decisions for its id)
    CREATE VIEW current_decisions AS
        SELECT l.decision AS id, l.segment AS segment, l.code AS code, l.coder AS coder, l.verdict AS verdict,
               d.made_at, d.note, d.origin, d.suggestion_source, d.score, d.codebook_version
        FROM latest_decisions l JOIN decisions d ON d.id = l.decision;
    CREATE VIEW codings AS
        SELECT segment, code, coder FROM latest_decisions WHERE verdict IN ('accept', 'add');
    -- cells answered per field. Not a partial index on retired = 0: SQLite would then read
    -- every live segment through it, in place of a plain table scan.
    CREATE INDEX segments_field ON segments(field, retired, doc);
    -- retired segments are few and excluded by id
    CREATE INDEX segments_retired ON segments(id) WHERE retired = 1;
    CREATE INDEX documents_kind ON documents(kind);
    -- suggestions in (code, segment) order, to merge with latest_decisions' key
    DROP INDEX suggestions_code;
    CREATE INDEX suggestions_code ON suggestions(code, segment);
    """,
    # 4: the word types of the token cache's format qc4; and what the stored suggestions of a
    #    field were computed from, per code (a choice field: one row, code ''), so that a
    #    re-suggest after a codebook edit redoes only the codes whose rules changed. An import
    #    that adds or changes survey cells deletes its choice fields' rows
    #    (qualcode.importers.write).
    """
    CREATE TABLE suggest_state (
        field TEXT NOT NULL, code TEXT NOT NULL, fingerprint TEXT NOT NULL,
        PRIMARY KEY (field, code)) WITHOUT ROWID;
    -- the word types that cached token streams (format qc4) refer to by id (qualcode.tokens)
    CREATE TABLE token_types (
        id INTEGER PRIMARY KEY, form TEXT NOT NULL, lemma TEXT NOT NULL, parts TEXT NOT NULL);
    """,
    # 5: which review session of a coder has a segment on screen (qualcode.review.claims), so
    #    that two sessions of one coder never decide the same segment
    """
    CREATE TABLE review_claims (
        segment INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        coder TEXT NOT NULL, session TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
        heartbeat REAL NOT NULL,
        PRIMARY KEY (segment, coder)) WITHOUT ROWID;
    CREATE INDEX review_claims_session ON review_claims(session);
    """,
    # 6: the file says that it is a qualcode project (a file without this is never modified);
    #    and the documents taken out with ``docs remove``: which segments the removal retired,
    #    so that ``docs restore`` brings back those and not the ones a re-import retired
    f"""
    PRAGMA application_id = {APPLICATION_ID};
    CREATE TABLE removed_documents (
        doc TEXT PRIMARY KEY REFERENCES documents(id),
        removed_at TEXT NOT NULL, segments TEXT NOT NULL);
    """,
    # 7: models as plain data (qualcode.suggest.model.storage): ``spec`` holds a model's JSON, its
    #    arrays are .npy in ``blob``. A row without ``spec`` holds a pickle: refused, never loaded.
    """
    ALTER TABLE models ADD COLUMN spec TEXT;
    """,
    # 8: memos (qualcode.memos): analytic notes on the project, a document, a code or a coding
    #    (a segment and a code); ``kind`` says which, the other target columns are NULL
    """
    CREATE TABLE memos (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('project', 'document', 'code', 'coding')),
        doc TEXT, code TEXT, segment INTEGER,
        text TEXT NOT NULL, author TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX memos_target ON memos(kind, doc, code, segment);
    """,
    # 9: the study's words for its variables (qualcode.variables): a field's or attribute's short
    #    label and question text, and the labels of an attribute's values in their order (SPSS)
    """
    CREATE TABLE variable_labels (
        name TEXT PRIMARY KEY, label TEXT, question TEXT);
    CREATE TABLE value_labels (
        variable TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (variable, value)) WITHOUT ROWID;
    """,
    # codings of an exact character span of a document's field (hand coding of a selection,
    # REFI-QDA imports; qualcode.spans). Append-only like decisions: the current state of a
    # (doc, field, start, end, code, coder) is its latest row. Tallies never read this table:
    # a span also records 'add' decisions on the segments it overlaps.
    """
    CREATE TABLE span_codings (
        id INTEGER PRIMARY KEY,
        doc TEXT NOT NULL REFERENCES documents(id),
        field TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
        code TEXT NOT NULL, coder TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('add', 'retract')),
        made_at TEXT NOT NULL, memo TEXT, origin TEXT NOT NULL DEFAULT 'manual');
    CREATE INDEX span_codings_key ON span_codings(doc, field, code, coder, start, end, id);
    """,
    # the fused view's sources joined by the unit separator: a regex source holds '|' itself
    """
    DROP VIEW fused_suggestions;
    CREATE VIEW fused_suggestions AS
        SELECT segment, code, MAX(score) AS score,
               MAX(CASE WHEN source NOT LIKE 'model:%' THEN score END) AS rule_score,
               MAX(CASE WHEN source LIKE 'model:%' THEN score END) AS model_score,
               group_concat(source, char(31)) AS sources
        FROM suggestions GROUP BY segment, code;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
# the last schema version written without the application id: the stamping migration's index
LAST_UNSTAMPED_VERSION = next(i for i, m in enumerate(MIGRATIONS) if "PRAGMA application_id" in m)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: str | Path, *, create: bool = False, notices: list[str] | None = None) -> sqlite3.Connection:
    """Open (or with ``create`` make) a project file and bring its schema up to date.

    A file that is not a qualcode project, or that holds a table, index, trigger or view that
    qualcode did not create, is refused before anything is written to it. A repair made on the
    way (a derived table rebuilt from the log) is described in ``notices`` when given.
    """
    p = Path(path)
    if create:
        if p.exists():
            raise QualcodeError("a project file already exists here", where=str(p))
        conn = _open(p)
        migrate(conn, 0)
        return conn
    version = check_project_file(p)
    conn = _open(p)
    if version < SCHEMA_VERSION:
        migrate(conn, version)
    repairs = repair_derived(conn)
    if notices is not None:
        notices.extend(repairs)
    return conn


def _open(p: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(p), isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA trusted_schema=OFF")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def check_project_file(p: Path) -> int:
    """The schema version of the qualcode project at ``p``, or a QualcodeError naming why it is
    not one. Reads through a read-only connection, which cannot write to the file, not even
    the checkpoint a closing read-write connection makes."""
    if not p.exists():
        raise QualcodeError(f"no project here; run 'qualcode --project {p} init' first", where=str(p))
    if p.is_dir():
        raise QualcodeError("this is a folder, not a project file", where=str(p))
    with open(p, "rb") as f:
        header = f.read(16)
    if not header:
        raise QualcodeError("an empty file, not a qualcode project file; left as it is", where=str(p))
    if header != b"SQLite format 3\x00":
        raise QualcodeError("not a qualcode project file (not an SQLite database); left as it is", where=str(p))
    # a file nobody has open (no -wal beside it) is read as immutable, which creates no side
    # files either; else read-only, beside the -wal and -shm that are already there
    mode = "mode=ro" if Path(f"{p}-wal").exists() else "immutable=1"
    try:
        probe = sqlite3.connect(f"{p.resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.DatabaseError as e:
        raise QualcodeError(f"not a qualcode project file ({e}); left as it is", where=str(p)) from None
    try:
        probe.execute("PRAGMA trusted_schema=OFF")
        app_id = probe.execute("PRAGMA application_id").fetchone()[0]
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        objects = probe.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as e:
        raise QualcodeError(f"not a qualcode project file ({e}); left as it is", where=str(p)) from None
    finally:
        probe.close()
    _check_identity(app_id, version, objects, str(p))
    problems = schema_problems(objects, version)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise QualcodeError(f"{problems[0]}{more}; not opened, since SQLite would obey it (a project holds "
                            "only what qualcode creates; remove it with an SQLite tool if you trust it)", where=str(p))
    return version


def _check_identity(app_id: int, version: int, objects: list[tuple], where: str) -> None:
    """A stamped file must be at a known version; an unstamped one must hold every table an
    old qualcode made at its version (the stamping migration then marks it)."""
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise QualcodeError(f"project schema {version} is newer than this qualcode ({SCHEMA_VERSION}); "
                                "upgrade qualcode", where=where)
        if version <= LAST_UNSTAMPED_VERSION:
            raise QualcodeError(f"unknown project schema version {version}; left as it is", where=where)
        return
    if app_id != 0:
        raise QualcodeError(f"not a qualcode project file (SQLite application_id {app_id:#x}); left as it is",
                            where=where)
    if not objects:
        raise QualcodeError("an empty SQLite database, not a qualcode project file; left as it is", where=where)
    tables = {name: _normal(sql) for kind, name, _, sql in objects if kind == "table"}
    expected = expected_schema(version) if 1 <= version <= LAST_UNSTAMPED_VERSION else {}
    if not expected or any(tables.get(name) != sql for name, (kind, _, sql) in expected.items() if kind == "table"):
        raise QualcodeError("not a qualcode project file (an SQLite database with other tables); left as it is",
                            where=where)


# what SQLite itself may add to a file (ANALYZE's statistics, AUTOINCREMENT's counters)
_SQLITE_OWN = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}


def schema_problems(objects: list[tuple], version: int) -> list[str]:
    """What in the file's schema (sqlite_master rows: type, name, tbl_name, sql) the migrations
    up to ``version`` did not create, or created otherwise; compared by name and SQL text."""
    expected = expected_schema(version)
    found = {name: (kind, table, _normal(sql)) for kind, name, table, sql in objects if name not in _SQLITE_OWN}
    problems = []
    for name, (kind, table, sql) in sorted(found.items()):
        on = f" on {table}" if kind in ("trigger", "index") else ""
        if name not in expected:
            problems.append(f"the file holds a {kind} {name!r}{on} that qualcode did not create")
        elif expected[name] != (kind, table, sql):
            problems.append(f"the {kind} {name!r}{on} differs from the one qualcode created")
    problems += [f"the {kind} {name!r} that qualcode created is missing"
                 for name, (kind, _, _) in sorted(expected.items()) if name not in found]
    return problems


@cache
def expected_schema(version: int) -> dict[str, tuple[str, str, str]]:
    """name -> (type, table, SQL) of what the migrations up to ``version`` create, read from an
    in-memory database they are applied to (so SQLite's own rewriting of the text is the same)."""
    mem = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS[:version]:
            for statement in _statements(script):
                mem.execute(statement)
        return {name: (kind, table, _normal(sql))
                for kind, name, table, sql in mem.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")}
    finally:
        mem.close()


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").split())


# The current decision per (segment, code, coder) is the newest row of the log. Both sides give
# the count, the sum of decision ids and a checksum over the other columns, so a stale, planted
# or edited row in latest_decisions shows as a difference.
_LATEST_CHECK = """
    SELECT COUNT(*), TOTAL(l.decision_id), TOTAL(l.segment * 7 + length(l.code) * 131 + length(l.coder) * 257
           + unicode(l.code) + unicode(l.coder) * 3
           + CASE l.verdict WHEN 'accept' THEN 1 WHEN 'add' THEN 2 WHEN 'reject' THEN 4 ELSE 8 END * 1009),
           TOTAL(length(l.doc) * 5 + unicode(l.doc) + length(l.field) * 11 + unicode(l.field) * 13)
    FROM {source}
"""
_LATEST_FROM_TABLE = "(SELECT decision AS decision_id, segment, code, coder, verdict, doc, field FROM latest_decisions) l"
_LATEST_FROM_LOG = ("(SELECT d.id AS decision_id, d.segment, d.code, d.coder, d.verdict, s.doc, s.field "
                    "FROM (SELECT MAX(id) AS id FROM decisions GROUP BY segment, code, coder) m "
                    "JOIN decisions d ON d.id = m.id JOIN segments s ON s.id = d.segment) l")
_LATEST_REBUILD = [
    "DELETE FROM latest_decisions",
    ("INSERT INTO latest_decisions (coder, segment, code, decision, verdict, doc, field) "
     "SELECT d.coder, d.segment, d.code, d.id, d.verdict, s.doc, s.field FROM decisions d "
     "JOIN (SELECT MAX(id) AS id FROM decisions GROUP BY segment, code, coder) m ON d.id = m.id "
     "JOIN segments s ON s.id = d.segment"),
]


def repair_derived(conn: sqlite3.Connection) -> list[str]:
    """Compare ``latest_decisions`` with the decisions log and rebuild it from the log when they
    differ (the log is the truth); one line per repair made."""
    table = tuple(conn.execute(_LATEST_CHECK.format(source=_LATEST_FROM_TABLE)).fetchone())
    log = tuple(conn.execute(_LATEST_CHECK.format(source=_LATEST_FROM_LOG)).fetchone())
    if table == log:
        return []
    with transaction(conn):
        for statement in _LATEST_REBUILD:
            conn.execute(statement)
    return [f"repaired latest_decisions: it did not match the decisions log ({table[0]} rows for "
            f"{log[0]} current decisions); rebuilt it from the log"]


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Apply the missing migrations, each in its own transaction with its version bump."""
    for i in range(from_version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[i]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {i + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> Iterator[str]:
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip():
        yield buf


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All-or-nothing: commit on success, roll back on any exception (Ctrl-C included)."""
    if conn.in_transaction:  # nested use joins the outer transaction
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
