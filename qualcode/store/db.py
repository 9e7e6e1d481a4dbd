"""The project store: one SQLite file holding everything a user did.

WAL mode and foreign keys on; the schema version lives in ``PRAGMA user_version`` and is
moved forward by the ordered MIGRATIONS below, so an old project file opens in a new
qualcode. Every write that belongs together runs inside ``transaction()``: a crash or
SIGKILL in the middle leaves the file exactly as before.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from qualcode.errors import QualcodeError

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
]

SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """Open (or with ``create`` make) a project file and bring its schema up to date."""
    p = Path(path)
    if not create and not p.exists():
        raise QualcodeError(f"no project here; run 'qualcode --project {p} init' first", where=str(p))
    if create and p.exists():
        raise QualcodeError("a project file already exists here", where=str(p))
    try:
        conn = sqlite3.connect(str(p), isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise QualcodeError(f"not a qualcode project file ({e})", where=str(p)) from None
    if version > SCHEMA_VERSION:
        raise QualcodeError(f"project schema {version} is newer than this qualcode ({SCHEMA_VERSION}); upgrade qualcode",
                            where=str(p))
    if version < SCHEMA_VERSION:
        migrate(conn, version)
    return conn


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
