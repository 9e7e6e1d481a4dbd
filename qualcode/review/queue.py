"""The queue of what is still open for a coder, and what a reviewer sees of each item.

A suggestion is *pending* for a coder while that coder has no current decision on it other
than a retract. The queue is recomputed from the store, never kept: a review resumes from a
cursor (the sort key of the item last on screen) saved in the project's ``meta`` table, so
a killed session costs nothing but the redraw.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping

from qualcode.errors import QualcodeError
from qualcode.review.decisions import (
    best_suggestion,
    check_coder,
    current_verdict,
    record,
)

ORDERS = ("document", "score", "uncertainty")


# ----------------------------------------------------------------------------- filters

@dataclass(frozen=True)
class Filter:
    """Which suggestions a review, a bulk accept or a sheet covers.

    ``where`` holds document attributes (``round=vt2017``); all parts must match.
    """

    codes: tuple[str, ...] = ()
    group: str | None = None
    doc: str | None = None
    field: str | None = None
    where: tuple[tuple[str, str], ...] = ()

    @classmethod
    def make(cls, *, codes: Iterable[str] = (), group: str | None = None, doc: str | None = None,
             field: str | None = None, where: Mapping[str, str] | None = None) -> "Filter":
        return cls(tuple(codes), group, doc, field, tuple(sorted((where or {}).items())))

    def check(self, project: Any) -> "Filter":
        """Refuse filters that can only be typos, rather than silently showing nothing; returns
        the filter with its codes as ids (a person may name a code by its label, "Lön")."""
        cb = project.codebook
        checked = replace(self, codes=tuple(cb.resolve(c).id for c in self.codes))
        if self.group and self.group not in cb.groups:
            raise QualcodeError(f"unknown code group {self.group!r} (known: {', '.join(cb.groups)})")
        if self.field and self.field not in project.fields():
            raise QualcodeError(f"unknown field {self.field!r} (known: {', '.join(sorted(project.fields()))})")
        if self.doc:
            project.check_documents([self.doc])
        project.check_where(dict(self.where))
        return checked

    def sql(self, seg: str = "g", code: str = "s.code") -> tuple[str, list[Any]]:
        """An SQL condition over a segments alias and a code column."""
        parts: list[str] = []
        args: list[Any] = []
        if self.codes:
            parts.append(f"{code} IN ({','.join('?' * len(self.codes))})")
            args.extend(self.codes)
        if self.group:
            parts.append(f"{code} IN (SELECT id FROM codes WHERE grp = ?)")
            args.append(self.group)
        if self.doc:
            parts.append(f"{seg}.doc = ?")
            args.append(self.doc)
        if self.field:
            parts.append(f"{seg}.field = ?")
            args.append(self.field)
        for k, v in self.where:
            parts.append(f"EXISTS (SELECT 1 FROM attributes a WHERE a.doc = {seg}.doc AND a.name = ? AND a.value = ?)")
            args.extend([k, v])
        return (" AND ".join(parts) or "1"), args


# ----------------------------------------------------------------------------- the pending queue

@dataclass
class Item:
    """One pending (segment, code): what a reviewer says yes or no to."""

    segment: int
    code: str
    score: float
    sources: list[str]
    doc: str
    field: str
    position: int
    code_position: int
    text: str

    def key(self, order: str) -> list[Any]:
        """Sort key for an order; JSON-able, so a review can resume after the last item seen."""
        base = [self.doc, self.field, self.position, self.code_position, self.code]
        if order == "score":
            return [round(self.score, 6)] + base
        if order == "uncertainty":
            return [round(abs(self.score - 0.5), 6)] + base
        return base


_ITEM_COLUMNS = """s.segment, s.code, MAX(s.score) AS score, group_concat(s.source, char(31)) AS sources,
                   g.doc, g.field, g.position, c.position AS code_position, g.text"""


def _items(rows: Iterable[sqlite3.Row]) -> list[Item]:
    return [Item(r["segment"], r["code"], r["score"], sorted(set(r["sources"].split("\x1f"))), r["doc"], r["field"],
                 r["position"], r["code_position"], r["text"]) for r in rows]


def suggested_items(project: Any, filt: Filter | None = None, *, pending_for: str | None = None) -> list[Item]:
    """One item per suggested (segment, code) on live segments, in document order; with
    ``pending_for``, only those still pending for that coder."""
    cond, args = (filt or Filter()).sql()
    pending_sql = ""
    if pending_for is not None:
        pending_sql = ("AND COALESCE((SELECT d.verdict FROM decisions d WHERE d.segment = s.segment "
                       "AND d.code = s.code AND d.coder = ? ORDER BY d.id DESC LIMIT 1), 'retract') = 'retract'")
        args = [pending_for] + args
    rows = project.conn.execute(f"""
        SELECT {_ITEM_COLUMNS}
        FROM suggestions s
        JOIN segments g ON g.id = s.segment AND g.retired = 0
        JOIN codes c ON c.id = s.code
        WHERE 1 {pending_sql} AND {cond}
        GROUP BY s.segment, s.code""", args)
    items = _items(rows)
    items.sort(key=lambda it: it.key("document"))
    return items


def pending(project: Any, coder: str, filt: Filter | None = None, order: str = "document") -> list[Item]:
    """Pending suggestions for ``coder`` in review order (document, lowest score, or uncertainty)."""
    if order not in ORDERS:
        raise QualcodeError(f"order {order!r} must be one of {', '.join(ORDERS)}")
    items = suggested_items(project, filt, pending_for=coder)
    items.sort(key=lambda it: it.key(order))
    return items


def is_pending(project: Any, coder: str, segment: int, code: str) -> bool:
    return current_verdict(project.conn, segment, code, coder) in (None, "retract")


def accept_above(project: Any, coder: str, min_score: float, filt: Filter | None = None) -> int:
    """Accept every pending suggestion scoring at least ``min_score``, in one transaction.

    Recorded with origin ``bulk`` so that agreement and audits can tell these apart from
    decisions a person looked at.
    """
    coder = check_coder(coder)
    if not 0.0 <= min_score <= 1.0:
        raise QualcodeError(f"--min-score {min_score} must be between 0 and 1")
    items = [it for it in pending(project, coder, filt) if it.score >= min_score]
    with project.transaction():
        for it in items:
            record(project, it.segment, it.code, coder, "accept", origin="bulk")
    return len(items)


def uncoded_segments(project: Any, coder: str, filt: Filter | None = None) -> list[dict[str, Any]]:
    """Segments with text but no suggestion at all and no decision by ``coder``: what the machine missed."""
    filt = filt or Filter()
    cond, args = Filter(doc=filt.doc, field=filt.field, where=filt.where).sql(seg="g")
    rows = project.conn.execute(f"""
        SELECT g.id AS segment, g.doc, g.field, g.position, g.text FROM segments g
        WHERE g.retired = 0 AND trim(g.text) != ''
          AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.segment = g.id)
          AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.segment = g.id AND d.coder = ?)
          AND {cond}
        ORDER BY g.doc, g.field, g.position""", [coder] + args)
    return [dict(r) for r in rows]


# ----------------------------------------------------------------------------- where a reviewer stands

def save_cursor(project: Any, name: str, key: list[Any]) -> None:
    """Remember the sort key of the item on screen (joins the caller's transaction)."""
    with project.transaction():
        project.set_meta(name, json.dumps(key, ensure_ascii=False))


def load_cursor(project: Any, name: str) -> list[Any] | None:
    raw = project.meta(name)
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def rotate(items: list[Any], keys: list[list[Any]], cursor: list[Any] | None) -> list[Any]:
    """Start at the first item at or after the cursor; earlier (skipped) ones come last."""
    if not cursor:
        return items
    try:
        start = next((i for i, k in enumerate(keys) if k >= cursor), len(items))
    except TypeError:  # a cursor from another kind of order
        return items
    return items[start:] + items[:start]


# ----------------------------------------------------------------------------- what a reviewer sees

def segment_context(conn: sqlite3.Connection, segment: int) -> tuple[str, str]:
    """The segment before and after in the same document field ('' at the edges)."""
    row = conn.execute("SELECT doc, field, position FROM segments WHERE id = ?", (segment,)).fetchone()
    if row is None:
        return "", ""
    before = conn.execute("SELECT text FROM segments WHERE doc = ? AND field = ? AND position < ? AND retired = 0 "
                          "ORDER BY position DESC LIMIT 1", (row[0], row[1], row[2])).fetchone()
    after = conn.execute("SELECT text FROM segments WHERE doc = ? AND field = ? AND position > ? AND retired = 0 "
                         "ORDER BY position LIMIT 1", (row[0], row[1], row[2])).fetchone()
    return (before[0] if before else ""), (after[0] if after else "")


def attributes(conn: sqlite3.Connection, doc: str) -> dict[str, str | None]:
    return {r[0]: r[1] for r in conn.execute("SELECT name, value FROM attributes WHERE doc = ? ORDER BY name", (doc,))}


def evidence_span(seg_start: int, seg_end: int, text: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """The evidence as offsets into the segment text, whether stored document- or segment-relative."""
    if start is None or end is None or end <= start:
        return None
    if seg_start <= start and end <= seg_end and seg_end - seg_start == len(text):
        return start - seg_start, end - seg_start
    if 0 <= start and end <= len(text):
        return start, end
    return None


@dataclass
class Detail:
    """Everything the review screen and the review sheet show about one pending item."""

    item: Item
    before: str
    after: str
    attributes: dict[str, str | None]
    span: tuple[int, int] | None
    negated: bool
    reason: str
    candidates: list[str]
    coded: list[str]  # codes the coder already holds on this segment


def detail(project: Any, item: Item, coder: str) -> Detail:
    conn = project.conn
    seg = conn.execute("SELECT start, end, text FROM segments WHERE id = ?", (item.segment,)).fetchone()
    best = best_suggestion(conn, item.segment, item.code)
    span = negated = None
    reason, candidates = "", []
    if best is not None:
        span = evidence_span(seg["start"], seg["end"], seg["text"], best["start"], best["end"])
        # flagged when any source's evidence is negated: the base model's row, often the best,
        # points at no words and is never flagged itself
        negated = bool(conn.execute("SELECT MAX(negated) FROM suggestions WHERE segment = ? AND code = ?",
                                    (item.segment, item.code)).fetchone()[0])
        reason = best["reason"] or ""
        candidates = _candidates(best["candidates"])
    before, after = segment_context(conn, item.segment)
    coded = [r[0] for r in conn.execute(
        "SELECT code FROM codings WHERE segment = ? AND coder = ? ORDER BY code", (item.segment, coder))]
    return Detail(item, before, after, attributes(conn, item.doc), span, bool(negated), reason, candidates, coded)


def _candidates(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


CURSOR_PREFIX = "uncoded_cursor:"  # meta key of a coder's place in the uncoded walk

def cursors(conn: sqlite3.Connection) -> dict[str, tuple[str, str, int]]:
    """Where each coder's uncoded walk stands: coder -> (doc, field, position) of the segment on
    screen when it last moved. Segments before it in (doc, field, position) order were walked
    past; unreadable entries are left out."""
    out: dict[str, tuple[str, str, int]] = {}
    for key, raw in conn.execute("SELECT key, value FROM meta WHERE key LIKE ?", (CURSOR_PREFIX + "%",)):
        try:
            doc, fld, pos = json.loads(raw)
        except (ValueError, TypeError):
            continue
        out[key[len(CURSOR_PREFIX):]] = (str(doc), str(fld), int(pos))
    return out
