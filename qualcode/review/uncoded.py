"""The uncoded walk (``review --uncoded``): segments the machine found nothing in, to code what
it missed with ``a`` (s/n/Enter next, u undo, ? help, q quit).

Where a coder's walk stands is kept in ``meta`` under ``uncoded_cursor:<coder>`` as the
(doc, field, position) of the segment on screen; ``cursors`` reads them for other steps
(the learned model counts walked segments as reviewed negatives).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from qualcode.i18n import t
from qualcode.review.claims import Claims, run_durably
from qualcode.review.keys import ENTER
from qualcode.review.queue import (CURSOR_PREFIX, cursors,  # noqa: F401  (cursors: part of this module's face)
    
    Filter,
    attributes,
    load_cursor,
    rotate,
    save_cursor,
    segment_context,
    uncoded_segments,
)
from qualcode.review.screen import TAKEN, Message, Screen
from qualcode.review.undo import UndoHistory

KEYS_LINE = Message("uncoded.keyline")



class UncodedWalk:
    """Walk segments the machine found nothing in; code what it missed with ``a``."""

    def __init__(self, project: Any, coder: str, *, filt: Filter | None = None, keys: Any = None,
                 console: Console | None = None) -> None:
        self.screen = Screen(project, coder, keys, console)
        self.project = project
        self.coder = self.screen.coder
        self.filt = filt or Filter()
        self.cursor_name = CURSOR_PREFIX + self.coder
        self.added: list[tuple[int, str]] = []
        self.claims = Claims(project, self.coder)
        self.history = UndoHistory(project, self.coder, "uncoded_undo", origin="manual", claims=self.claims)
        self.queue: list[tuple[dict[str, Any], list[Any]]] = []

    def run(self) -> int:
        segs = uncoded_segments(self.project, self.coder, self.filt)
        keys = [[s["doc"], s["field"], s["position"]] for s in segs]
        self.queue = rotate(list(zip(segs, keys)), keys, load_cursor(self.project, self.cursor_name))
        run_durably(self.project, self._loop, self.claims)
        self.screen.console.print(t("uncoded.saved", added=len(self.added)))
        return len(self.added)

    def _loop(self) -> None:
        i, message = 0, ""
        while True:
            i = self._next_open(i)
            if i >= len(self.queue):
                return
            seg = self.queue[i][0]
            coded = self._draw(i, seg, message)
            k = self.screen.key()
            message = ""
            if k in ("a", "A"):
                message = self._add(i, seg, coded)
            elif k in ("s", "S", "n", "N", ENTER):
                self.history.mark("skip", i)
                i += 1
            elif k in ("u", "U"):
                i, message = self._undo(i)
            elif k == "?":
                self.screen.wait_help("uncoded.help")
            elif k in ("q", "Q"):
                return

    def _next_open(self, i: int) -> int:
        """The next segment no other session of the coder has on screen, claimed with the cursor."""
        while i < len(self.queue):
            seg, key = self.queue[i]
            with self.project.transaction():
                if self.claims.claim(seg["segment"]):
                    save_cursor(self.project, self.cursor_name, key)
                    return i
            i += 1
        return i

    def _draw(self, i: int, seg: dict[str, Any], message: str) -> list[str]:
        """Show the segment; returns the codes the coder holds on it."""
        c = self.screen.console
        before, after = segment_context(self.project.conn, seg["segment"])
        c.clear()
        c.print(Text.assemble((t("uncoded.title"), "bold"), t("uncoded.header", coder=self.coder, at=i + 1,
                                                             total=len(self.queue), added=len(self.added))))
        c.print(self.screen.segment_panel(seg["segment"], seg["doc"], seg["field"], seg["text"], None,
                                          before, after, attributes(self.project.conn, seg["doc"])))
        coded = [r[0] for r in self.project.conn.execute(
            "SELECT code FROM codings WHERE segment = ? AND coder = ?", (seg["segment"], self.coder))]
        if coded:
            c.print(t("uncoded.coded_here", codes=", ".join(coded)))
        if message:
            c.print(message)
        c.print(KEYS_LINE)
        return coded

    def _add(self, i: int, seg: dict[str, Any], coded: list[str]) -> str:
        new = self.screen.pick_code(self.screen.field_group(seg["field"]), t("review.add_code"))
        if new is None or new in coded:
            return ""
        if self.history.record("add", i, [(seg["segment"], new, "add")]) is None:
            return TAKEN
        self.added.append((seg["segment"], new))
        return t("review.added", code=new)

    def _undo(self, i: int) -> tuple[int, str]:
        step, message = self.history.take_back()
        if step is None:
            return i, message
        for segment, code, _ in step.before:
            if (segment, code) in self.added:
                self.added.remove((segment, code))
        return (i if step.index is None else step.index), t("review.undone")
