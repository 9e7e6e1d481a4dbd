"""Decisions: who coded what, when, under which codebook.

The ``decisions`` table is append-only: nothing is ever updated or deleted, so the log says
exactly who decided what and when, and an undo is just one more row (``retract``, or the
verdict that held before). The current state of (segment, code) for a coder is the latest row.
Every recording call here commits on its own (or joins the caller's transaction), so a
reviewer who quits, crashes or loses power loses nothing already decided.

What is still open lives in ``queue``; the spreadsheet round trip in ``sheets`` and
``sheet_import``; the interactive sessions in ``session``, ``uncoded`` and ``reconcile``.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterator, Sequence

from qualcode.errors import QualcodeError
from qualcode.store.db import now

VERDICTS = ("accept", "reject", "add", "retract")
SHEET_VERDICTS = ("accept", "reject", "add")
ORIGINS = ("review", "bulk", "import", "manual", "reconcile")
CODED = ("accept", "add")

# the latest verdict of one coder on one (segment, code); uses the decisions_key index
_CURRENT_SQL = ("SELECT verdict FROM decisions WHERE segment = ? AND code = ? AND coder = ? "
                "ORDER BY id DESC LIMIT 1")


def check_coder(coder: str | None) -> str:
    """Coder names appear in ``--coders A,B`` lists and sheet cells, so keep them plain."""
    name = (coder or "").strip()
    if not name:
        raise QualcodeError("a coder name is needed (--coder NAME or $QUALCODE_CODER)")
    if any(ch in name for ch in ",\n\t"):
        raise QualcodeError(f"coder name {name!r} must not contain commas, tabs or newlines")
    return name


def best_suggestion(conn: sqlite3.Connection, segment: int, code: str) -> sqlite3.Row | None:
    """The highest-scoring suggestion of ``code`` on ``segment`` (what a decision answers)."""
    return conn.execute("SELECT * FROM suggestions WHERE segment = ? AND code = ? ORDER BY score DESC, source LIMIT 1",
                        (segment, code)).fetchone()


def current_verdict(conn: sqlite3.Connection, segment: int, code: str, coder: str) -> str | None:
    """The coder's latest verdict on (segment, code), None when never decided."""
    row = conn.execute(_CURRENT_SQL, (segment, code, coder)).fetchone()
    return row[0] if row else None


def record(project: Any, segment: int, code: str, coder: str, verdict: str, *, origin: str = "review",
           note: str | None = None, suggestion_source: str | None = None, score: float | None = None) -> int:
    """Append one decision and commit it (or join the caller's transaction); return its id.

    The suggestion it answers (source, score) is looked up when not given, so the log can
    later say which rule produced what a reviewer rejected.
    """
    if verdict not in VERDICTS:
        raise QualcodeError(f"verdict {verdict!r} must be one of {', '.join(VERDICTS)}")
    if origin not in ORIGINS:
        raise QualcodeError(f"origin {origin!r} must be one of {', '.join(ORIGINS)}")
    coder = check_coder(coder)
    if verdict != "retract":
        project.codebook.get(code)
    conn = project.conn
    with project.transaction():
        seg = conn.execute("SELECT retired FROM segments WHERE id = ?", (segment,)).fetchone()
        if seg is None:
            raise QualcodeError(f"unknown segment {segment}")
        if suggestion_source is None and score is None:
            s = best_suggestion(conn, segment, code)
            if s is not None:
                suggestion_source, score = s["source"], s["score"]
        cur = conn.execute(
            "INSERT INTO decisions(segment, code, coder, verdict, made_at, note, origin, suggestion_source, score, "
            "codebook_version) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (segment, code, coder, verdict, now(), note, origin, suggestion_source, score, project.codebook.version))
        return int(cur.lastrowid)


def code_segment(project: Any, segment: int, code: str, coder: str, *, verdict: str = "add",
                 note: str | None = None) -> int:
    """Code one segment by hand (what the machine missed); refuses retired segments."""
    row = project.conn.execute("SELECT retired FROM segments WHERE id = ?", (segment,)).fetchone()
    if row is None:
        raise QualcodeError(f"unknown segment {segment}")
    if row[0]:
        raise QualcodeError(f"segment {segment} is retired (no longer in its source document)")
    return record(project, segment, code, coder, verdict, origin="manual", note=note)


def decision_log(project: Any, coder: str | None = None) -> Iterator[dict[str, Any]]:
    """The append-only log, oldest first (for audits: who decided what, when, under which codebook)."""
    sql = "SELECT * FROM decisions"
    args: Sequence[Any] = ()
    if coder:
        sql += " WHERE coder = ?"
        args = (coder,)
    for r in project.conn.execute(sql + " ORDER BY id", args):
        yield dict(r)
