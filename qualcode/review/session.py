"""The interactive review: one key per decision, each committed the moment it is pressed.

Nothing is held in memory that is not already in the store: a decision is one committed
transaction, and where the reviewer stands is written to the project's meta table, so
quitting, Ctrl-C, a crash or a dead laptop lose nothing, and the next run starts where the
last one stopped (items skipped earlier come again at the end). Undo (``undo.UndoHistory``)
appends a decision restoring the verdict that held before, and reaches back past a restart.
Before an item is shown its segment is claimed (``claims.Claims``): a second session of the
same coder passes over it, and comes back at the end of its queue to what was passed over
and is free by then.

Keys: y/Enter accept, n reject, c change to another code (= reject + add), a add a further
code, s skip, u undo, ? help, q quit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from qualcode.i18n import number, t
from qualcode.review.claims import Claims, run_durably
from qualcode.review.decisions import current_verdict
from qualcode.review.keys import ENTER
from qualcode.review.reasons import reason_text, source_text
from qualcode.review.queue import (
    Detail,
    Filter,
    Item,
    detail,
    is_pending,
    load_cursor,
    pending,
    rotate,
    save_cursor,
)
from qualcode.review.screen import KEYLINE, TAKEN, Screen
from qualcode.review.undo import UndoHistory


@dataclass
class Stats:
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    changed: int = 0
    added: int = 0
    skipped: int = 0
    undone: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected + self.changed

    def line(self) -> str:
        return t("review.stats", accepted=self.accepted, rejected=self.rejected, changed=self.changed,
                 added=self.added, skipped=self.skipped)


_STAT = {"accept": "accepted", "reject": "rejected", "change": "changed", "add": "added", "skip": "skipped"}


class Review:
    """Walk a coder's pending suggestions; ``run()`` returns what was done."""

    def __init__(self, project: Any, coder: str, *, filt: Filter | None = None, order: str = "document",
                 keys: Any = None, console: Console | None = None) -> None:
        self.screen = Screen(project, coder, keys, console)
        self.project = project
        self.coder = self.screen.coder
        self.filt = filt or Filter()
        self.order = order
        self.cursor_name = f"review_cursor:{self.coder}:{order}"
        self.stats = Stats()
        self.claims = Claims(project, self.coder)
        self.history = UndoHistory(project, self.coder, "review_undo", origin="review", claims=self.claims)
        self.queue: list[Item] = []
        self.passed: list[Item] = []  # passed over while another session had their segment

    def key(self) -> str:
        return self.screen.key()

    # ---- the loop
    def run(self) -> Stats:
        items = pending(self.project, self.coder, self.filt, self.order)
        self.queue = rotate(items, [it.key(self.order) for it in items], load_cursor(self.project, self.cursor_name))
        self.stats.total = len(self.queue)
        run_durably(self.project, self._loop, self.claims)
        self.screen.console.print(t("review.saved", stats=self.stats.line()))
        return self.stats

    def _loop(self) -> None:
        i, message = 0, ""
        while True:
            i = self._next_open(i)
            if i >= len(self.queue):
                back, message = self._at_end(i, message)
                if back is None:
                    return
                i = back
                continue
            item = self.queue[i]
            self.render(item, detail(self.project, item, self.coder), message)
            k = self.key()
            if k in ("q", "Q"):
                return
            i, message = self._press(k, item, i)

    def _next_open(self, i: int) -> int:
        """The index of the next item still pending whose segment this session could claim (the
        claim and the cursor saved in one transaction); len(queue) when none is left."""
        while True:
            while i < len(self.queue):
                it = self.queue[i]
                if is_pending(self.project, self.coder, it.segment, it.code):
                    with self.project.transaction():
                        if self.claims.claim(it.segment):
                            save_cursor(self.project, self.cursor_name, it.key(self.order))
                            return i
                    self.passed.append(it)
                i += 1
            again = [it for it in self.passed
                     if is_pending(self.project, self.coder, it.segment, it.code) and self.claims.free(it.segment)]
            self.passed = []
            if not again:
                return i
            self.queue.extend(again)

    def _at_end(self, i: int, message: str) -> tuple[int | None, str]:
        """Nothing left: offer one more undo; the index to go on from, or None to stop."""
        c = self.screen.console
        c.print(t("review.done", stats=self.stats.line()))
        if message:
            c.print(message)
        if self.history.peek() is None:
            return None, ""
        c.print(t("review.undo_or_quit"))
        if self.key() != "u":
            return None, ""
        back, message = self._undo(at=i)
        return (i if back is None else back), message

    def _press(self, k: str, item: Item, i: int) -> tuple[int, str]:
        """Act on one key; the index to show next and a message for the screen."""
        if k in ("y", "Y", ENTER):
            return self._decide("accept", i, [(item.segment, item.code, "accept")])
        if k in ("n", "N"):
            return self._decide("reject", i, [(item.segment, item.code, "reject")])
        if k in ("c", "C"):
            new = self.screen.pick_code(self._group(item), t("review.change_to", code=item.code))
            if new is None or new == item.code:
                return i, t("review.no_change")
            return self._decide("change", i, [(item.segment, item.code, "reject"), (item.segment, new, "add")])
        if k in ("a", "A"):
            return self._add(item, i)
        if k in ("s", "S"):
            self.history.mark("skip", i)
            self.stats.skipped += 1
            return i + 1, ""
        if k in ("u", "U"):
            back, message = self._undo(at=i)
            return (i if back is None else back), message
        if k == "?":
            self.screen.wait_help()
            return i, ""
        return i, t("review.unknown_key", pressed=k)

    def _add(self, item: Item, i: int) -> tuple[int, str]:
        new = self.screen.pick_code(self._group(item), t("review.add_code"))
        if new is None:
            return i, ""
        if new == item.code:  # adding the suggested code is accepting it
            return self._decide("accept", i, [(item.segment, item.code, "accept")])
        if current_verdict(self.project.conn, item.segment, new, self.coder) in ("accept", "add"):
            return i, t("review.already_coded", code=new)
        i, message = self._decide("add", i, [(item.segment, new, "add")])
        return i, message or t("review.added", code=new)

    def _group(self, item: Item) -> str | None:
        return self.screen.field_group(item.field) or self.project.codebook.get(item.code).group

    # ---- recording and undo
    def _decide(self, kind: str, i: int, changes: list[tuple[int, str, str]]) -> tuple[int, str]:
        """Record one key press; an add stays on the item, anything else moves on."""
        if self.history.record(kind, i, changes, pending_only=True) is None:
            return i + 1, TAKEN
        self._count(kind, +1)
        return (i if kind == "add" else i + 1), ""

    def _undo(self, at: int) -> tuple[int | None, str]:
        """Undo the last step: of this session, else the last decision of an earlier session
        (from the journal), whose item is then put back in the queue at ``at``. Returns the
        queue index to go back to (None: nothing undone) and a message."""
        step, why = self.history.take_back()
        if step is None:
            return None, why
        self.stats.undone += 1
        if step.index is not None:
            self._count(step.kind, -1)
            return step.index, t("review.undone")
        again = {(segment, code) for segment, code, _ in step.before}
        back = [it for it in pending(self.project, self.coder, self.filt, self.order) if (it.segment, it.code) in again]
        self.queue[at:at] = back[:1]
        return at, t("review.undone_earlier")

    def _count(self, kind: str, delta: int) -> None:
        if kind in _STAT:
            setattr(self.stats, _STAT[kind], getattr(self.stats, _STAT[kind]) + delta)

    # ---- drawing
    def render(self, item: Item, d: Detail, message: str = "") -> None:
        c = self.screen.console
        cb = self.project.codebook
        c.clear()
        done = self.stats.decided
        c.print(Text.assemble((t("review.title"), "bold"),
                              t("review.header", coder=self.coder, done=done, total=self.stats.total),
                              self.stats.line()))
        width = min(60, c.width)
        filled = round(width * done / self.stats.total) if self.stats.total else width
        c.print(Text.assemble(("━" * filled, "green"), ("━" * (width - filled), "grey37")))
        c.print(self.screen.segment_panel(item.segment, item.doc, item.field, item.text, d.span, d.before, d.after,
                                          d.attributes))
        code = cb.get(item.code)
        sources = ", ".join(source_text(x) for x in item.sources)
        c.print(Text.assemble(t("review.suggestion"), self.screen.code_line(code),  # plain text: no markup
                              "   " + t("review.score", score=number(item.score, 2), sources=sources)))
        if code.description:
            desc = code.description if len(code.description) <= 240 else code.description[:237] + "…"
            c.print(Text(desc, style="italic"))
        if d.negated:
            c.print(t("review.negated"))
        if d.reason:
            c.print(t("review.reason", reason=escape(reason_text(d.reason))))
        if d.candidates:
            titles = [cb.by_id[x].title if x in cb else x for x in d.candidates]
            c.print(t("review.candidates", candidates=escape(" | ".join(titles))))
        others = [x for x in d.coded if x != item.code]
        if others:
            codes = ", ".join(cb.by_id[x].title if x in cb else x for x in others)
            c.print(t("review.coded_here", codes=escape(codes)))
        if message:
            c.print(message)
        c.print(KEYLINE)
