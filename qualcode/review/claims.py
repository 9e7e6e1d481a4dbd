"""Claims: which session of a coder has a segment on screen, so that two never decide it both.

A coder may run two reviews of one project at once (two terminals, two laptops on a shared
drive). Before a session shows a segment it claims (segment, coder) in ``review_claims``
with its session id and a heartbeat time; another session of that coder passes over a
segment whose claim is fresh, and every write a session makes on a segment (a decision, an
undo) re-takes the claim in the same transaction, so a session that lost it writes nothing.
A session holds one claim at a time (the segment on screen) and drops its claims when it
ends. A claim is stale, and free for the taking, when its heartbeat is older than
``CLAIM_TTL`` or its session was a process of this machine that is gone (a killed reviewer
who starts again at once gets their segment back). Claims are per coder: two coders
reviewing the same segment is what agreement measures, not a conflict.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import Any, Callable

CLAIM_TTL = 600.0  # seconds without a key press after which a claim no longer holds


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or a platform without signals: assume it runs
    return True


class Claims:
    """One session's claims on the segments of one coder."""

    def __init__(self, project: Any, coder: str, *, ttl: float = CLAIM_TTL,
                 clock: Callable[[], float] = time.time) -> None:
        self.project = project
        self.coder = coder
        self.ttl = ttl
        self.clock = clock
        self.session = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.pid = os.getpid()

    def claim(self, segment: int) -> bool:
        """Take (or refresh) the claim on ``segment`` unless another live session holds it; this
        session's claim on any other segment is let go. Joins the caller's transaction, so a
        decision written with it is written only if the claim holds."""
        conn = self.project.conn
        with self.project.transaction():
            row = conn.execute("SELECT session, host, pid, heartbeat FROM review_claims WHERE segment = ? AND coder = ?",
                               (segment, self.coder)).fetchone()
            if row is not None and row["session"] != self.session and not self._stale(row):
                return False
            conn.execute("DELETE FROM review_claims WHERE session = ? AND segment != ?", (self.session, segment))
            conn.execute(
                "INSERT INTO review_claims(segment, coder, session, host, pid, heartbeat) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(segment, coder) DO UPDATE SET session = excluded.session, host = excluded.host, "
                "pid = excluded.pid, heartbeat = excluded.heartbeat",
                (segment, self.coder, self.session, self.host, self.pid, self.clock()))
        return True

    def free(self, segment: int) -> bool:
        """Whether this session could claim ``segment`` now (nothing is written)."""
        row = self.project.conn.execute(
            "SELECT session, host, pid, heartbeat FROM review_claims WHERE segment = ? AND coder = ?",
            (segment, self.coder)).fetchone()
        return row is None or row["session"] == self.session or self._stale(row)

    def release(self) -> None:
        """Let go of every claim of this session (when it ends)."""
        with self.project.transaction():
            self.project.conn.execute("DELETE FROM review_claims WHERE session = ?", (self.session,))

    def _stale(self, row: Any) -> bool:
        if self.clock() - row["heartbeat"] > self.ttl:
            return True
        return row["host"] == self.host and row["pid"] != self.pid and not _alive(row["pid"])


def run_durably(project: Any, loop: Callable[[], None], claims: "Claims") -> None:
    """Run a session's key loop with every commit fsynced (a decision must survive a power cut,
    not only a crash) and give its claims back however the loop ends."""
    project.conn.execute("PRAGMA synchronous=FULL")
    try:
        loop()
    except EOFError:  # the keys ran out (a script, a closed terminal): what was decided is kept
        pass
    finally:
        claims.release()
