"""One undo history for the review, the uncoded walk and reconcile: each reaches back past a
restart; and where the uncoded walk stands, as other steps read it."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from qualcode import Project
from qualcode.review.agreement import adopt_agreements
from qualcode.review.decisions import current_verdict
from qualcode.review.keys import ENTER, ScriptedKeys
from qualcode.review.reconcile import ReconcileSession
from qualcode.review.uncoded import UncodedWalk, cursors

from .test_agreement import two_coders
from .test_decisions import standard


def walk(project: Project, keys: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    added = UncodedWalk(project, "anna", keys=ScriptedKeys(keys), console=Console(file=out, width=110)).run()
    return added, out.getvalue()


def test_uncoded_walk_undo_reaches_past_a_restart_and_cursors_say_where_it_stands(project: Project,
                                                                                  tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    assert cursors(project.conn) == {}
    added, _ = walk(project, ["a", "arbetsbel", ENTER, "y", "q"])  # first uncoded segment: i01's second
    assert added == 1
    seg = segs["i01"][1]
    assert current_verdict(project.conn, seg, "arbetsbelastning", "anna") == "add"
    doc, field, position = project.conn.execute("SELECT doc, field, position FROM segments WHERE id = ?",
                                                (seg,)).fetchone()
    assert cursors(project.conn) == {"anna": (doc, field, position)}

    added, screen = walk(project, ["u", "u", "q"])  # a new session: undo the add, then nothing is left
    assert current_verdict(project.conn, seg, "arbetsbelastning", "anna") == "retract"
    assert "ångrat" in screen and "inget att ångra" in screen
    assert [r[0] for r in project.conn.execute("SELECT verdict FROM decisions ORDER BY id")] == ["add", "retract"]

    # skipping and undoing within a session goes back to the segment skipped
    _, screen = walk(project, ["s", "u", "q"])
    shown = [s.split("segment ")[1].split()[0] for s in screen.split("Okodade segment")[1:]]
    assert len(shown) == 3 and shown[0] != shown[1] and shown[2] == shown[0]


def test_reconcile_undo_reaches_past_a_restart(project: Project, tmp_path: Path) -> None:
    segs = two_coders(project, tmp_path)
    adopt_agreements(project, ["anna", "bo"], "konsensus")

    def reconcile(keys: str) -> tuple[int, str]:
        out = io.StringIO()
        n = ReconcileSession(project, ["anna", "bo"], "konsensus", keys=ScriptedKeys(keys),
                             console=Console(file=out, width=100)).run()
        return n, out.getvalue()

    n, _ = reconcile("yq")
    assert n == 1 and current_verdict(project.conn, segs["i01"][2], "lokaler", "konsensus") == "accept"
    n, screen = reconcile("uq")
    assert current_verdict(project.conn, segs["i01"][2], "lokaler", "konsensus") == "retract"
    assert "tidigare omgång" in screen
    n, screen = reconcile("nuq")  # within a session: undo goes back to the unit just settled
    assert n == 0 and screen.count("Lokalerna är trånga") >= 2
    assert current_verdict(project.conn, segs["i01"][2], "lokaler", "konsensus") == "retract"
