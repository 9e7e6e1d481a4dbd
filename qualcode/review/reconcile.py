"""Reconcile: settle each disagreement between two coders into a consensus coder, one key each.

y: the code applies · n: it does not · 1/2: take the first/second coder's view · s skip ·
u undo · q quit. Settled units are not asked again, so a rerun resumes; the units the coders
agree on are copied beforehand (``agreement.adopt_agreements``).
"""

from __future__ import annotations

from typing import Any, Callable

from rich.console import Console
from rich.text import Text

from qualcode.i18n import t
from qualcode.review.claims import Claims, run_durably
from qualcode.review.decisions import current_verdict
from qualcode.review.keys import ENTER
from qualcode.review.queue import attributes, segment_context
from qualcode.review.screen import TAKEN, Message, Screen
from qualcode.review.undo import UndoHistory

KEYS_LINE = Message("reconcile.keyline")


class ReconcileSession:
    """Settle each disagreement between two coders into a consensus coder, one key each."""

    def __init__(self, project: Any, coders: list[str], as_coder: str, *, group: str | None = None,
                 keys: Any = None, console: Console | None = None,
                 units: Callable[[], list[dict[str, Any]]] | None = None) -> None:
        self.screen = Screen(project, as_coder, keys, console)
        self.project = project
        self.coders = coders
        self.as_coder = self.screen.coder
        self.group = group
        self._units = units
        self.units: list[dict[str, Any]] = []
        self.settled = 0
        self.claims = Claims(project, self.as_coder)
        self.history = UndoHistory(project, self.as_coder, "reconcile_undo", origin="reconcile", claims=self.claims)

    def run(self) -> int:
        from qualcode.review.agreement import disagreements_for_reconcile
        self.units = self._units() if self._units else disagreements_for_reconcile(
            self.project, self.coders, self.as_coder, group=self.group)
        run_durably(self.project, self._loop, self.claims)
        self.screen.console.print(t("reconcile.saved", settled=self.settled))
        return self.settled

    def _loop(self) -> None:
        i, message = 0, ""
        while True:
            i = self._next_open(i)
            if i >= len(self.units):
                self.screen.console.print(t("reconcile.all_settled"))
                return
            u = self.units[i]
            self._draw(i, u, message)
            k = self.screen.key()
            message = ""
            applies = self._applies(k, u)
            if applies is not None:
                message = self._settle(i, u, applies)
                i += 1
            elif k in ("s", "S"):
                i += 1
            elif k in ("u", "U"):
                i, message = self._undo(i)
            elif k in ("q", "Q"):
                return
            else:
                message = t("reconcile.unknown_key", pressed=k)

    def _next_open(self, i: int) -> int:
        """The next unit the consensus coder has not settled and no other session of it has on screen."""
        while i < len(self.units):
            u = self.units[i]
            if current_verdict(self.project.conn, u["segment"], u["code"], self.as_coder) in (None, "retract") \
                    and self.claims.claim(u["segment"]):
                return i
            i += 1
        return i

    def _applies(self, k: str, u: dict[str, Any]) -> bool | None:
        if k in ("y", "Y", ENTER):
            return True
        if k in ("n", "N"):
            return False
        if k.isdigit() and 1 <= int(k) <= len(self.coders):
            return u["values"].get(self.coders[int(k) - 1]) == 1
        return None

    def _settle(self, i: int, u: dict[str, Any], applies: bool) -> str:
        verdict = ("accept" if u["suggested"] else "add") if applies else "reject"
        if self.history.record("settle", i, [(u["segment"], u["code"], verdict)]) is None:
            return TAKEN
        self.settled += 1
        return ""

    def _undo(self, i: int) -> tuple[int, str]:
        step, message = self.history.take_back()
        if step is None:
            return i, message
        if step.index is not None:
            self.settled -= 1
            return step.index, t("review.undone")
        again = {(segment, code) for segment, code, _ in step.before}
        back = [j for j, u in enumerate(self.units) if (u["segment"], u["code"]) in again]
        return (back[0] if back else i), t("review.undone_earlier")

    def _draw(self, i: int, u: dict[str, Any], message: str) -> None:
        c = self.screen.console
        before, after = segment_context(self.project.conn, u["segment"])
        c.clear()
        c.print(Text.assemble((t("reconcile.title"), "bold"), t("reconcile.header", coder=self.as_coder, at=i + 1,
                                                                total=len(self.units), settled=self.settled)))
        c.print(self.screen.segment_panel(u["segment"], u["doc"], u["field"], u["text"], None, before, after,
                                          attributes(self.project.conn, u["doc"])))
        c.print(Text.assemble(t("reconcile.code"), self.screen.code_line(self.project.codebook.get(u["code"]))))
        for n, coder in enumerate(self.coders, start=1):
            v = u["values"].get(coder)
            shown = t("reconcile.coded") if v == 1 else t("reconcile.not_coded") if v == 0 else "–"
            c.print(f"  [b]{n}[/b] {coder}: {shown}")
        if message:
            c.print(message)
        c.print(KEYS_LINE)
