"""Span codings: a code on an exact character span of a document, not on a whole segment.

A researcher codes the phrase she reads ("the words"), a REFI-QDA import brings the spans another
tool coded; both may be shorter or longer than qualcode's segments. Segments stay the unit of
suggestion, review and counting, so a span is kept twice, on purpose:

- in ``span_codings`` (append-only like decisions: adding is a row with verdict ``add``,
  removing one more row with ``retract``), exactly as coded, for export and display;
- as an ``add`` decision on every segment the span overlaps, so that every tally (presence,
  mentions, crosstabs) counts it unchanged: a document counts once if any validated coding,
  segment or span, carries the code. Removing the span retracts those decisions again, except
  where the coder's coding of the segment does not come from a span, or another span still
  covers the segment.

Offsets are Python string indices (Unicode code points) into the text of one field of the
document: an interview's notes, or a survey cell, the coordinates its segments use.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.review.decisions import CODED, check_coder, current_verdict, record
from qualcode.store.db import now

SPAN_NOTE = "span "     # the note of a decision a span recorded: "span START:END"
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class SpanCoding:
    doc: str
    field: str
    start: int
    end: int
    code: str
    coder: str
    memo: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"doc": self.doc, "field": self.field, "start": self.start, "end": self.end,
                "code": self.code, "coder": self.coder, "memo": self.memo}


def field_texts(conn: sqlite3.Connection, doc: str) -> dict[str, str]:
    """field -> the text a span of this document is counted in: the note's text for the
    notes field, else each survey cell (one segment: its text is the cell)."""
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()
    if row is None:
        raise QualcodeError(f"unknown document {doc!r}")
    out: dict[str, str] = {}
    kinds = {r[0]: r[1] for r in conn.execute("SELECT name, kind FROM fields")}
    for r in conn.execute("SELECT field, text FROM segments WHERE doc = ? AND retired = 0 ORDER BY field, position",
                          (doc,)):
        if kinds.get(r[0]) == "notes" and row[0] is not None:
            out[r[0]] = row[0]
        else:
            out.setdefault(r[0], r[1])
    if row[0] is not None and not out and "notes" in kinds.values():
        out[next(n for n, k in kinds.items() if k == "notes")] = row[0]    # a note with no segment
    return out


def find_quote(conn: sqlite3.Connection, doc: str, quote: str, field: str | None = None) -> tuple[str, int, int]:
    """The one place ``quote`` occurs in the document: (field, start, end). Several places are
    refused with each candidate's offsets and context, so the user can pick one with --span."""
    if not quote.strip():
        raise QualcodeError("--quote needs the words to code")
    hits = []
    for name, text in field_texts(conn, doc).items():
        if field and name != field:
            continue
        i = text.find(quote)
        while i != -1:
            hits.append((name, i, i + len(quote), text))
            i = text.find(quote, i + 1)
    if len(hits) == 1:
        return hits[0][:3]
    if not hits:
        raise QualcodeError(f"the quote {quote!r} does not occur in document {doc!r}")
    shown = "; ".join(f"{f} {a}:{b} …{t[max(0, a - 20):a]}[{t[a:b]}]{t[b:b + 20]}…".replace("\n", " ")
                      for f, a, b, t in hits[:MAX_CANDIDATES])
    more = f" (and {len(hits) - MAX_CANDIDATES} more)" if len(hits) > MAX_CANDIDATES else ""
    raise QualcodeError(f"the quote occurs {len(hits)} times in {doc!r}; choose one with --span START:END: "
                        f"{shown}{more}")


def parse_span(value: str) -> tuple[int, int]:
    """``"12:40"`` -> (12, 40)."""
    try:
        a, b = (int(x) for x in value.split(":"))
    except ValueError:
        raise QualcodeError(f"--span needs START:END (character offsets), got {value!r}") from None
    return a, b


def resolve_field(conn: sqlite3.Connection, doc: str, start: int, end: int, field: str | None) -> str:
    """The field a span lies in: the one named, else the document's only field (or notes)."""
    texts = field_texts(conn, doc)
    if field is None:
        if len(texts) == 1:
            field = next(iter(texts))
        else:
            raise QualcodeError(f"document {doc!r} has several fields ({', '.join(texts)}); name one with --field")
    if field not in texts:
        raise QualcodeError(f"document {doc!r} has no text in field {field!r} (fields: {', '.join(texts) or 'none'})")
    n = len(texts[field])
    if not 0 <= start < end <= n:
        raise QualcodeError(f"span {start}:{end} is outside the text of {doc!r} {field} (0:{n})")
    return field


def overlapping_segments(conn: sqlite3.Connection, doc: str, field: str, start: int, end: int) -> list[int]:
    """Live segments of (doc, field) sharing at least one character with [start, end)."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM segments WHERE doc = ? AND field = ? AND retired = 0 AND start < ? AND end > ? "
        "ORDER BY position", (doc, field, end, start))]


def current_spans(conn: sqlite3.Connection, doc: str | None = None, coder: str | None = None,
                  code: str | None = None) -> list[SpanCoding]:
    """The spans that stand: the latest row per (doc, field, start, end, code, coder) is an add."""
    sql = ("SELECT s.* FROM span_codings s JOIN (SELECT MAX(id) AS id FROM span_codings "
           "GROUP BY doc, field, start, end, code, coder) m ON m.id = s.id WHERE s.verdict = 'add'")
    args: list[Any] = []
    for col, value in (("doc", doc), ("coder", coder), ("code", code)):
        if value is not None:
            sql += f" AND s.{col} = ?"
            args.append(value)
    return [SpanCoding(r["doc"], r["field"], r["start"], r["end"], r["code"], r["coder"], r["memo"])
            for r in conn.execute(sql + " ORDER BY s.doc, s.field, s.start, s.end, s.code", args)]


def add_span(project: Any, doc: str, start: int, end: int, code: str, coder: str, *, field: str | None = None,
             memo: str | None = None, origin: str = "manual") -> SpanCoding:
    """Code [start, end) of a document's field; returns the span. The segments it overlaps get an
    ``add`` decision (unless the coder already has the code on them), so tallies count it."""
    coder = check_coder(coder)
    code = project.codebook.resolve(code).id
    conn = project.conn
    project.check_documents([doc])
    field = resolve_field(conn, doc, start, end, field)
    with project.transaction():
        conn.execute("INSERT INTO span_codings(doc, field, start, end, code, coder, verdict, made_at, memo, origin) "
                     "VALUES (?,?,?,?,?,?,'add',?,?,?)", (doc, field, start, end, code, coder, now(), memo, origin))
        for seg in overlapping_segments(conn, doc, field, start, end):
            if current_verdict(conn, seg, code, coder) not in CODED:
                record(project, seg, code, coder, "add", origin="import" if origin == "import" else "manual",
                       note=f"{SPAN_NOTE}{start}:{end}" + (f" — {memo}" if memo else ""))
    return SpanCoding(doc, field, start, end, code, coder, memo)


def remove_span(project: Any, doc: str, start: int, end: int, code: str, coder: str, *,
                field: str | None = None) -> SpanCoding:
    """Take a span coding off again (a ``retract`` row), and retract the segment decisions it made
    where no other span of the code by this coder still covers the segment."""
    coder = check_coder(coder)
    code = project.codebook.resolve(code).id
    conn = project.conn
    project.check_documents([doc])
    field = resolve_field(conn, doc, start, end, field)
    standing = [s for s in current_spans(conn, doc, coder, code) if s.field == field]
    if not any(s.start == start and s.end == end for s in standing):
        have = ", ".join(f"{s.start}:{s.end}" for s in standing) or "none"
        raise QualcodeError(f"{coder} has no span {start}:{end} coded {code} in {doc!r} (spans of {code}: {have})")
    others = [s for s in standing if (s.start, s.end) != (start, end)]
    with project.transaction():
        conn.execute("INSERT INTO span_codings(doc, field, start, end, code, coder, verdict, made_at, origin) "
                     "VALUES (?,?,?,?,?,?,'retract',?,'manual')", (doc, field, start, end, code, coder, now()))
        for seg in overlapping_segments(conn, doc, field, start, end):
            if _made_by_span(conn, seg, code, coder) and not _covered(conn, seg, others):
                record(project, seg, code, coder, "retract", origin="manual", note=f"{SPAN_NOTE}{start}:{end} removed")
    return SpanCoding(doc, field, start, end, code, coder)


def _made_by_span(conn: sqlite3.Connection, segment: int, code: str, coder: str) -> bool:
    row = conn.execute("SELECT verdict, note FROM decisions WHERE segment = ? AND code = ? AND coder = ? "
                       "ORDER BY id DESC LIMIT 1", (segment, code, coder)).fetchone()
    return row is not None and row[0] in CODED and (row[1] or "").startswith(SPAN_NOTE)


def _covered(conn: sqlite3.Connection, segment: int, spans: list[SpanCoding]) -> bool:
    row = conn.execute("SELECT start, end FROM segments WHERE id = ?", (segment,)).fetchone()
    return any(s.start < row[1] and s.end > row[0] for s in spans)
