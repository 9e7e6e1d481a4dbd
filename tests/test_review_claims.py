"""Two review sessions of one coder at once: claims keep them off each other's segments."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

from rich.console import Console

from qualcode import Project
from qualcode.review.claims import CLAIM_TTL, Claims
from qualcode.review.decisions import current_verdict
from qualcode.review.keys import ScriptedKeys
from qualcode.review.queue import pending
from qualcode.review.session import Review
from qualcode.review.undo import UndoHistory

from .test_decisions import standard


class Turns:
    """Key readers for several sessions that take turns, one key each, once all are waiting for
    their first key (so each has already drawn its first item when the first key is pressed)."""

    def __init__(self, scripts: dict[str, str]) -> None:
        self.keys = {name: list(keys) for name, keys in scripts.items()}
        self.names = list(scripts)
        self.turn = 0
        self.waiting: set[str] = set()
        self.done: set[str] = set()
        self.cv = threading.Condition()

    def reader(self, name: str) -> ScriptedKeys:
        turns = self

        class Reader(ScriptedKeys):
            def read_key(self) -> str:
                return turns.read(name)
        return Reader("")

    def read(self, name: str) -> str:
        with self.cv:
            self.waiting.add(name)
            self.cv.notify_all()
            if not self.cv.wait_for(lambda: self._mine(name), timeout=5):
                raise EOFError
            keys = self.keys[name]
            self._advance()
            if not keys:
                raise EOFError
            return keys.pop(0)

    def finish(self, name: str) -> None:
        with self.cv:
            self.done.add(name)
            if self.names[self.turn] == name:
                self._advance()
            self.cv.notify_all()

    def _mine(self, name: str) -> bool:
        started = self.waiting | self.done == set(self.names)
        return started and self.names[self.turn] == name

    def _advance(self) -> None:
        for _ in self.names:
            self.turn = (self.turn + 1) % len(self.names)
            if self.names[self.turn] not in self.done:
                break
        self.cv.notify_all()


def test_two_sessions_of_one_coder_never_decide_a_segment_twice(project: Project, project_path: Path,
                                                                 tmp_path: Path) -> None:
    standard(project, tmp_path)
    queue = {(it.segment, it.code) for it in pending(project, "anna")}
    turns = Turns({"a": "y" * 8, "b": "y" * 8})
    stats: dict[str, object] = {}
    errors: list[BaseException] = []

    def session(name: str) -> None:
        try:
            with Project.open(project_path) as p:
                stats[name] = Review(p, "anna", keys=turns.reader(name),
                                     console=Console(file=io.StringIO(), width=100)).run()
        except BaseException as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)
        finally:
            turns.finish(name)

    threads = [threading.Thread(target=session, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == [] and not any(t.is_alive() for t in threads)
    decided = [tuple(r) for r in project.conn.execute(
        "SELECT segment, code FROM decisions WHERE coder = 'anna' AND verdict != 'retract'")]
    assert sorted(decided) == sorted(set(decided))   # no (segment, code) decided twice
    assert set(decided) == queue                      # and together they covered the queue
    assert stats["a"].accepted > 0 and stats["b"].accepted > 0
    assert stats["a"].accepted + stats["b"].accepted == len(queue)
    assert project.conn.execute("SELECT COUNT(*) FROM review_claims").fetchone()[0] == 0  # released at the end


def test_a_fresh_claim_is_passed_over_a_stale_or_dead_one_is_taken(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    first, lon = segs["i01"][0], segs["i02"][1]
    other = Claims(project, "anna")
    assert other.claim(first)
    assert Claims(project, "bo").claim(first)  # claims are per coder

    def review(keys: str) -> None:
        Review(project, "anna", keys=ScriptedKeys(keys), console=Console(file=io.StringIO(), width=100)).run()

    review("yq")
    assert current_verdict(project.conn, first, "adm_stod_handlaggare", "anna") is None  # passed over
    assert current_verdict(project.conn, segs["i01"][2], "lokaler", "anna") == "accept"

    # a session killed a moment ago on this machine: its claim is free at once
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with project.transaction():
        project.conn.execute("UPDATE review_claims SET segment = ?, pid = ? WHERE session = ?",
                             (lon, gone.pid, other.session))
    review("yq")  # resumes at lon, where the last review stopped
    assert current_verdict(project.conn, lon, "lon", "anna") == "accept"

    # ten minutes without a key press: the claim no longer holds
    assert other.claim(first)
    with project.transaction():
        project.conn.execute("UPDATE review_claims SET heartbeat = heartbeat - ? WHERE session = ?",
                             (CLAIM_TTL + 1, other.session))
    review("yyyy")
    assert current_verdict(project.conn, first, "adm_stod_handlaggare", "anna") == "accept"
    assert pending(project, "anna") == []


def test_a_session_that_lost_its_claim_writes_nothing(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    seg = segs["i02"][1]
    mine = Claims(project, "anna")
    history = UndoHistory(project, "anna", "review_undo", origin="review", claims=mine)
    assert mine.claim(seg)
    with project.transaction():  # the claim went stale and another session took it
        project.conn.execute("UPDATE review_claims SET heartbeat = heartbeat - ?", (CLAIM_TTL + 1,))
    thief = Claims(project, "anna")
    assert thief.claim(seg) and not mine.free(seg)
    assert history.record("accept", 0, [(seg, "lon", "accept")]) is None
    assert project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    assert history.peek() is None  # nothing to undo either



def test_review_says_so_when_another_session_took_the_segment_on_screen(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    first = segs["i01"][0]
    thief = Claims(project, "anna")

    class StolenWhileThinking(ScriptedKeys):
        """The reviewer sits on the first item past the claim's lifetime; another session takes it."""

        def read_key(self) -> str:
            if not project.conn.execute("SELECT 1 FROM review_claims WHERE session = ?", (thief.session,)).fetchone():
                with project.transaction():
                    project.conn.execute("UPDATE review_claims SET heartbeat = heartbeat - ?", (CLAIM_TTL + 1,))
                assert thief.claim(first)
            return super().read_key()

    out = io.StringIO()
    stats = Review(project, "anna", keys=StolenWhileThinking("yq"), console=Console(file=out, width=200)).run()
    assert current_verdict(project.conn, first, "adm_stod_handlaggare", "anna") is None
    assert stats.accepted == 0
    assert "öppet i en annan granskning" in out.getvalue()
    assert [r[0] for r in project.conn.execute("SELECT session FROM review_claims")] == [thief.session]
