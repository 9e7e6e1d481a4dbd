"""The interactive review: scripted keys through the injectable reader, and the real thing in a
pseudo-terminal — undo, change code, quit and resume, and a SIGKILL between two decisions."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from rich.console import Console

from qualcode import Project
from qualcode.review.decisions import current_verdict
from qualcode.review.keys import ENTER, ScriptedKeys
from qualcode.review.queue import Filter, pending
from qualcode.review.session import Review
from qualcode.review.uncoded import UncodedWalk

from .test_decisions import standard

# the six pending items of ``standard`` in document order:
# 1 i01 adm_stod_handlaggare 0.90 · 2 i01 lokaler 0.80 · 3 i02 lon 0.95 · 4 i02 omorganisation 0.60 (negated)
# 5 i03 adm_stod_handlaggare 0.30 · 6 i03 adm_stod_chefer 0.30


def run(project: Project, keys, coder: str = "anna", **kw) -> tuple[object, str]:
    out = io.StringIO()
    stats = Review(project, coder, keys=ScriptedKeys(keys), console=Console(file=out, width=110), **kw).run()
    return stats, out.getvalue()


def state(project: Project, coder: str = "anna") -> dict[tuple[int, str], str]:
    return {(s, c): v for s, c, v in project.conn.execute(
        "SELECT segment, code, verdict FROM current_decisions WHERE coder = ?", (coder,))}


# ----------------------------------------------------------------------------- injectable reader

def test_keys_accept_reject_change_add_skip(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    keys = ["y",                      # 1 accept
            "c", "adm chef", ENTER, "y",  # 2 lokaler -> change to adm_stod_chefer (fuzzy, confirmed)
            "a", "7", ENTER,          # 3 lon: add trivsel (number 7 in the tema list) and stay
            ENTER,                    # 3 accept lon
            "n",                      # 4 reject omorganisation
            "s",                      # 5 skip
            "c", "2", ENTER,          # 6 adm_stod_chefer -> 2nd of the area list: introduktion
            ]
    stats, screen = run(project, keys)
    assert (stats.accepted, stats.rejected, stats.changed, stats.added, stats.skipped) == (2, 1, 2, 1, 1)
    assert state(project) == {
        (segs["i01"][0], "adm_stod_handlaggare"): "accept",
        (segs["i01"][2], "lokaler"): "reject", (segs["i01"][2], "adm_stod_chefer"): "add",
        (segs["i02"][1], "trivsel"): "add", (segs["i02"][1], "lon"): "accept",
        (segs["i02"][2], "omorganisation"): "reject",
        (segs["i03"][0], "adm_stod_chefer"): "reject", (segs["i03"][0], "introduktion"): "add",
    }
    assert [it.code for it in pending(project, "anna")] == ["adm_stod_handlaggare"]  # only the skipped one
    # what the screen showed: evidence, context, attributes, the negation flag, help line
    assert "Vi har fått en administratör." in screen and "round=vt2017" in screen
    assert "… Det har gjort stor skillnad för oss." in screen  # context before the lokaler sentence
    assert "NEGERAT" in screen
    assert "6. Administrativt stöd till socialsekreterare" in screen
    assert "y/Enter acceptera" in screen
    rows = project.conn.execute("SELECT DISTINCT origin, codebook_version FROM decisions").fetchall()
    assert [tuple(r) for r in rows] == [("review", project.codebook.version)]


def test_undo_restores_what_was_there(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    # accept 1; change 2 to trivsel; undo (back on 2); undo (back on 1); reject 1; quit
    stats, screen = run(project, ["y", "c", "7", ENTER, "u", "u", "n", "q"])
    assert state(project) == {(segs["i01"][0], "adm_stod_handlaggare"): "reject",
                              (segs["i01"][2], "lokaler"): "retract", (segs["i01"][2], "trivsel"): "retract"}
    assert stats.undone == 2 and stats.rejected == 1 and stats.accepted == 0 and stats.changed == 0
    assert "ångrat" in screen
    # undo never deletes: the log keeps every step
    verdicts = [r[0] for r in project.conn.execute("SELECT verdict FROM decisions ORDER BY id")]
    assert verdicts == ["accept", "reject", "add", "retract", "retract", "retract", "reject"]
    # undo restores the verdict that held before, not always "pending": on lokaler (where the
    # last run stopped) add trivsel, then change lokaler to trivsel, then undo the change
    run(project, ["a", "7", ENTER, "c", "7", ENTER, "u", "q"])
    now = state(project)
    assert now[(segs["i01"][2], "lokaler")] == "retract"
    assert now[(segs["i01"][2], "trivsel")] == "add"  # the earlier add survives the undo


def test_undo_reaches_back_past_a_restart(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    run(project, "ynq")      # accept 1, reject 2, quit while looking at 3
    stats, screen = run(project, "uuyq")  # a new session: undo the reject, then the accept; accept 1 again
    assert stats.undone == 2 and "tidigare omgång" in screen
    assert state(project)[(segs["i01"][0], "adm_stod_handlaggare")] == "accept"
    assert state(project)[(segs["i01"][2], "lokaler")] == "retract"   # pending again, nothing deleted
    verdicts = [r[0] for r in project.conn.execute("SELECT verdict FROM decisions ORDER BY id")]
    assert verdicts == ["accept", "reject", "retract", "retract", "accept"]
    # the journal holds what is left to undo: the new accept only
    _, screen = run(project, "uuq")
    assert state(project)[(segs["i01"][0], "adm_stod_handlaggare")] == "retract"
    assert "inget att ångra" in screen


def test_quit_and_resume_where_it_stopped(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    run(project, "ysq")  # accept 1, skip 2, quit while looking at 3
    _, screen = run(project, "q")
    first = screen.split("Förslag:")[1]
    assert "[lon, tema]" in first  # resumes at the item on screen when quitting
    run(project, "nnnnnq")  # 3 4 5 6, then the skipped 2 comes round again
    assert state(project)[(segs["i01"][2], "lokaler")] == "reject"
    assert pending(project, "anna") == []
    _, screen = run(project, "q")
    assert "Inga fler förslag" in screen


def test_filters_order_and_uncoded_walk(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    stats, _ = run(project, "yyyyyy", filt=Filter.make(where={"round": "ht2018"}))
    assert stats.accepted == 2 and set(state(project)) == {(segs["i03"][0], "adm_stod_handlaggare"),
                                                           (segs["i03"][0], "adm_stod_chefer")}
    _, screen = run(project, "q", coder="bo", order="score")
    assert "poäng 0,30" in screen.split("Förslag:")[1]
    out = io.StringIO()
    added = UncodedWalk(project, "anna", keys=ScriptedKeys(["s", "a", "arbetsbel", ENTER, "y", "q"]),
                        console=Console(file=out, width=110)).run()
    assert added == 1
    coded = [(s, c) for s, c, v in project.conn.execute(
        "SELECT segment, code, origin FROM decisions WHERE code = 'arbetsbelastning'")]
    seg = coded[0][0]
    assert project.conn.execute("SELECT text FROM segments WHERE id = ?", (seg,)).fetchone()[0] != ""
    assert seg not in {segs["i01"][0], segs["i01"][2], segs["i02"][1], segs["i02"][2], segs["i03"][0]}


def test_cli_review_reads_piped_keys(project: Project, tmp_path: Path, cli) -> None:
    standard(project, tmp_path)
    r = cli("review", "--coder", "anna", "--code", "lon", input="y")
    assert r.exit_code == 0, r.output
    assert "accepterade 1" in r.output
    r = cli("review", "--uncoded", "--coder", "anna", input="sq")
    assert r.exit_code == 0 and "Okodade segment" in r.output and "Introduktionen för nya fungerar bra." in r.output
    r = cli("review", input="y")
    assert r.exit_code == 1 and "a coder name is needed" in r.output
    r = cli("review", "--coder", "anna", "--code", "lonn", input="y")
    assert r.exit_code == 1 and "unknown code 'lonn'" in r.output


# ----------------------------------------------------------------------------- a real pseudo-terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


class Terminal:
    """``qualcode`` in a pseudo-terminal: send keys, wait for text on the screen (pexpect-style)."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
        env.pop("QUALCODE_CODER", None)
        self.proc = subprocess.Popen([sys.executable, "-c", "from qualcode.cli import main; main()", *args],
                                     stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.buffer = ""
        self.seen = 0

    def expect(self, pattern: str, timeout: float = 20.0) -> str:
        """Wait until ``pattern`` appears in output not yet consumed; consume up to it."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buffer, self.seen)
            if m:
                self.seen = m.end()
                return self.buffer
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {pattern!r}; screen ends with:\n{self.buffer[-2000:]}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the child closed the terminal
                    data = b""
                if not data and self.proc.poll() is not None:
                    raise AssertionError(f"exited ({self.proc.returncode}) before {pattern!r}:\n{self.buffer[-2000:]}")
                self.buffer += ANSI.sub("", data.decode("utf-8", "replace"))

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode("utf-8"))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        os.close(self.fd)


@pytest.fixture
def reviewer(project_path: Path, tmp_path: Path):
    terminals: list[Terminal] = []

    def start(*args: str) -> Terminal:
        t = Terminal(["--project", str(project_path), *args], tmp_path)
        terminals.append(t)
        return t
    yield start
    for t in terminals:
        t.close()


def decisions_on_disk(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as c:
        return [tuple(r) for r in c.execute("SELECT segment, code, coder, verdict FROM decisions ORDER BY id")]


def test_pty_undo_change_quit_resume(project: Project, project_path: Path, tmp_path: Path, reviewer) -> None:
    segs = standard(project, tmp_path)
    t = reviewer("review", "--coder", "anna")
    t.expect(r"poäng 0,90")
    t.send("y")
    t.expect(r"1/6")
    t.expect(r"poäng 0,80")           # lokaler
    t.send("c")
    t.expect(r"Byt lokaler mot")
    t.expect(r"Esc avbryter\): ")
    t.send("7\r")                     # Trivsel och kollegor
    t.expect(r"poäng 0,95")           # lon
    assert (segs["i01"][2], "trivsel", "anna", "add") in decisions_on_disk(project_path)  # already on disk
    t.send("u")
    t.expect(r"poäng 0,80")           # back on lokaler
    t.expect(r"ångrat")
    t.send("n")
    t.expect(r"poäng 0,95")
    t.send("q")
    t.expect(r"Sparat\.")
    assert t.proc.wait(10) == 0

    t2 = reviewer("review", "--coder", "anna")
    screen = t2.expect(r"poäng 0,\d\d")
    assert "poäng 0,95" in screen and "0/4" in screen  # resumes at lon; four left
    t2.send("q")
    assert t2.proc.wait(10) == 0
    assert state(project) == {(segs["i01"][0], "adm_stod_handlaggare"): "accept",
                              (segs["i01"][2], "lokaler"): "reject", (segs["i01"][2], "trivsel"): "retract"}


def test_pty_sigkill_between_decisions_loses_nothing(project: Project, project_path: Path, tmp_path: Path,
                                                     reviewer) -> None:
    segs = standard(project, tmp_path)
    t = reviewer("review", "--coder", "anna")
    t.expect(r"poäng 0,90")
    t.send("y")
    t.expect(r"poäng 0,80")
    t.send("n")
    t.expect(r"poäng 0,95")  # the third item is on screen: between two decisions
    os.kill(t.proc.pid, signal.SIGKILL)
    assert t.proc.wait(10) == -signal.SIGKILL
    assert decisions_on_disk(project_path) == [(segs["i01"][0], "adm_stod_handlaggare", "anna", "accept"),
                                               (segs["i01"][2], "lokaler", "anna", "reject")]
    with sqlite3.connect(project_path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    t2 = reviewer("review", "--coder", "anna")
    screen = t2.expect(r"poäng 0,\d\d")
    assert "poäng 0,95" in screen and "0/4" in screen
    t2.send("y")
    t2.expect(r"poäng 0,60")
    t2.send("q")
    assert t2.proc.wait(10) == 0
    assert current_verdict(project.conn, segs["i02"][1], "lon", "anna") == "accept"
