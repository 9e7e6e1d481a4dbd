"""The store's schema moves forward without losing anything, and the current coding follows the log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.store.db import MIGRATIONS, SCHEMA_VERSION, _statements, connect

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
    # the current row carries its segment's document and field, and the view still reads like the log
    assert [tuple(r) for r in new.execute("SELECT coder, segment, code, verdict, doc, field FROM latest_decisions")] \
        == [("a", 1, "lon", "add", "d", "q")]
    current = new.execute("SELECT * FROM current_decisions").fetchall()
    assert [tuple(r)[:5] for r in current] == [(3, 1, "lon", "a", "add")]
    assert [c[0] for c in new.execute("SELECT * FROM current_decisions").description] == \
        [c[0] for c in new.execute("SELECT * FROM decisions").description]


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


def test_latest_decisions_know_doc_and_field_through_a_reimport_that_retires_a_segment(
        project: Project, tmp_path: Path):
    f = tmp_path / "s.csv"
    f.write_text("id,q,r\nR1,hej,ja\nR2,lön,nej\n", encoding="utf-8")
    project.import_survey(f, id_column="id", texts=["q", "r"])
    ids = {(s["doc"], s["field"]): s["segment"] for s in project.segments()}

    def decide(segment: int, code: str = "adm_stod_handlaggare", verdict: str = "accept") -> None:
        with project.transaction() as c:
            c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?, ?, 'a', ?, 't')",
                      (segment, code, verdict))

    for seg in ids.values():
        decide(seg)
    decide(ids[("R2", "r")], verdict="reject")  # a later verdict updates the row, doc and field stay
    f.write_text("id,q,r\nR1,hej igen,ja\nR2,lön,nej\n", encoding="utf-8")  # R1's q changes: old cell retired
    report = project.import_survey(f, id_column="id", texts=["q", "r"], confirm=True)
    assert report.segments_retired == 1
    new_q = next(s["segment"] for s in project.segments() if s["doc"] == "R1" and s["field"] == "q")
    decide(new_q, "introduktion")
    rows = project.conn.execute(
        "SELECT l.segment, l.doc, l.field, l.verdict, s.doc, s.field, s.retired FROM latest_decisions l "
        "JOIN segments s ON s.id = l.segment ORDER BY l.segment, l.code").fetchall()
    assert len(rows) == 5
    assert all((r[1], r[2]) == (r[4], r[5]) for r in rows)
    assert [(r[0], r[6]) for r in rows if r[6]] == [(ids[("R1", "q")], 1)]   # the retired cell keeps its row
    assert {r[0]: r[3] for r in rows}[ids[("R2", "r")]] == "reject"
    # and tallies leave the retired cell out: R1's q now only carries the new cell's code
    from qualcode import tally
    adm = tally.mentions(project, codes=["adm_stod_handlaggare"], fields=["q"]).rows
    assert [(r["code"], r["count"]) for r in adm] == [("adm_stod_handlaggare", 1)]          # R2 only
    assert tally.presence(project, codes=["adm_stod_handlaggare", "introduktion"], fields=["q"]).totals[0]["documents"] == 1


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
