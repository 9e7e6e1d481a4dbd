"""The store's schema moves forward without losing anything, and the current coding follows the log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.store import MIGRATIONS, SCHEMA_VERSION, _statements, connect

from .conftest import CODEBOOK


def test_an_old_project_file_is_migrated_with_its_decisions(tmp_path: Path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for i, script in enumerate(MIGRATIONS[:2]):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {i + 1}")
    conn.execute("INSERT INTO documents(id, kind, content_hash, imported_at) VALUES ('d', 'response', 'h', 't')")
    conn.execute("INSERT INTO fields(name, kind) VALUES ('q', 'text')")
    conn.execute("INSERT INTO segments(id, doc, field, position, start, end, text, text_hash) "
                 "VALUES (1, 'd', 'q', 0, 0, 3, 'hej', 'x')")
    for verdict in ("accept", "reject", "add"):
        conn.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (1, 'lon', 'a', ?, 't')",
                     (verdict,))
    conn.commit()
    conn.close()
    new = connect(db)
    assert new.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [tuple(r) for r in new.execute("SELECT segment, code, coder FROM codings")] == [(1, "lon", "a")]
    assert new.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 3  # the log is intact


def test_current_coding_follows_the_latest_decision(project: Project, tmp_path: Path):
    f = tmp_path / "s.csv"
    f.write_text("id,q\nR1,hej\n", encoding="utf-8")
    project.import_survey(f, id_column="id", texts=["q"])
    seg = project.segments()[0]["segment"]

    def decide(verdict: str, coder: str = "a") -> None:
        with project.transaction() as c:
            c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?, 'lon', ?, ?, 't')",
                      (seg, coder, verdict))

    def coded() -> list[tuple]:
        return [tuple(r) for r in project.conn.execute("SELECT coder FROM codings ORDER BY coder")]

    decide("accept")
    assert coded() == [("a",)]
    decide("reject")
    assert coded() == []
    decide("add", coder="b")
    decide("retract")
    assert coded() == [("b",)]
    assert [r["verdict"] for r in project.conn.execute("SELECT verdict FROM current_decisions ORDER BY coder")] == \
        ["retract", "add"]


def test_a_newer_project_file_is_refused(tmp_path: Path):
    db = tmp_path / "new.db"
    Project.init(db, CODEBOOK).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(QualcodeError, match="newer than this qualcode"):
        connect(db)


def test_a_file_that_is_not_a_project_is_one_clear_error(tmp_path: Path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(QualcodeError, match="not a qualcode project file"):
        connect(junk)
