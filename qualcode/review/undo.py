"""The one undo history of the interactive sessions (review, the uncoded walk, reconcile).

Every key press that decides something is a step: its decisions are recorded in one
transaction together with what each of them replaced, so undo can put back the verdict that
held before (or a retract) — appending, never deleting, so the log stays append-only. The
same transaction appends the step to the coder's journal in ``meta`` (``<journal>:<coder>``,
the last ``JOURNAL`` steps), so ``u`` in a new session undoes the last decision of the
previous one. Steps that decide nothing (a skip) are kept for this session only: undoing one
just goes back. With ``Claims``, each write first re-takes the segment's claim in the same
transaction, and writes nothing when another session of the coder holds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from qualcode.i18n import t
from qualcode.review.claims import Claims
from qualcode.review.decisions import current_verdict, record

JOURNAL = 200  # steps per coder and session kind that undo can reach back to across sessions

Change = tuple[int, str, str]  # (segment, code, verdict)


@dataclass
class Step:
    """One key press that undo can take back."""

    kind: str  # accept, reject, change, add, skip, settle, ...
    index: int | None  # where in the queue to stand after undoing it; None: from an earlier session
    before: list[tuple[int, str, str | None]] = field(default_factory=list)  # (segment, code, verdict it replaced)

    @property
    def segments(self) -> list[int]:
        return sorted({segment for segment, _, _ in self.before})


class UndoHistory:
    """A session's steps, newest last, backed by the coder's journal of decided steps."""

    def __init__(self, project: Any, coder: str, journal: str, *, origin: str, claims: Claims | None = None) -> None:
        self.project = project
        self.coder = coder
        self.name = f"{journal}:{coder}"
        self.origin = origin
        self.claims = claims
        self.steps: list[Step] = []

    def record(self, kind: str, index: int, changes: list[Change], pending_only: bool = False) -> Step | None:
        """Record the decisions of one key press in one transaction, remembering what they
        replace; None (and nothing written) when another session holds the segment or, with
        ``pending_only``, has already judged the suggestion since it was shown here (the check
        and the write are one transaction, so two sessions can never both judge it)."""
        conn = self.project.conn
        step = Step(kind, index)
        with self.project.transaction():
            if not self._claim(sorted({segment for segment, _, _ in changes})):
                return None
            if pending_only and any(verdict in ("accept", "reject")
                                    and current_verdict(conn, segment, code, self.coder) not in (None, "retract")
                                    for segment, code, verdict in changes):
                return None
            for segment, code, verdict in changes:
                step.before.append((segment, code, current_verdict(conn, segment, code, self.coder)))
                record(self.project, segment, code, self.coder, verdict, origin=self.origin)
            journal = self.journal()
            journal.append({"kind": kind, "before": step.before})
            self._save(journal[-JOURNAL:])
        self.steps.append(step)
        return step

    def mark(self, kind: str, index: int) -> None:
        """A step that decides nothing (a skip): undo goes back to ``index``."""
        self.steps.append(Step(kind, index))

    def peek(self) -> Step | None:
        """What undo would take back: this session's last step, else the journal's last."""
        if self.steps:
            return self.steps[-1]
        journal = self.journal()
        if not journal:
            return None
        last = journal[-1]
        return Step(str(last.get("kind", "")), None, [tuple(b) for b in last.get("before", [])])

    def undo(self) -> Step | None:
        """Take back the step ``peek`` shows; None when there is none, or when another session
        holds its segment (then nothing is written)."""
        step = self.peek()
        if step is None:
            return None
        if step.before:
            with self.project.transaction():
                if not self._claim(step.segments):
                    return None
                for segment, code, verdict in reversed(step.before):
                    restore = verdict if verdict not in (None, "retract") else "retract"
                    record(self.project, segment, code, self.coder, restore, origin=self.origin)
                self._drop(step.before)
        if step.index is not None:
            self.steps.pop()
        return step

    def take_back(self) -> tuple[Step | None, str]:
        """``undo`` as a session's ``u`` key needs it: the step taken back and no message, or None
        and the line that tells the person why not (nothing to undo; another session of the coder
        has the segment on screen). The sessions differ only in where they stand afterwards."""
        step = self.peek()
        if step is None:
            return None, t("review.nothing_to_undo")
        if self.undo() is None:
            return None, t("review.taken")
        return step, ""

    def journal(self) -> list[dict[str, Any]]:
        try:
            journal = json.loads(self.project.meta(self.name) or "[]")
        except ValueError:
            return []
        return journal if isinstance(journal, list) else []

    def _save(self, journal: list[dict[str, Any]]) -> None:
        self.project.set_meta(self.name, json.dumps(journal, ensure_ascii=False))

    def _drop(self, before: list[tuple[int, str, str | None]]) -> None:
        """Take the undone step out of the journal (the latest entry equal to it: a session of
        the same coder elsewhere may have added entries after it)."""
        journal = self.journal()
        want = [list(b) for b in before]
        for j in range(len(journal) - 1, -1, -1):
            if [list(b) for b in journal[j].get("before", [])] == want:
                del journal[j]
                self._save(journal)
                return

    def _claim(self, segments: list[int]) -> bool:
        return self.claims is None or all(self.claims.claim(s) for s in segments)
