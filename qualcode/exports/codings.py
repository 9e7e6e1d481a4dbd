"""Every validated coding as one row: the document and its attributes, the code (id, label,
group), the span, its text, who coded it, where it came from, when, and its memo.

Hand-added codes are codings like any other (source ``hand``), so an export of the suggestions
alone (``suggestions export``, ``review export --all``) is not the coding. A span coded by hand
(``qualcode code DOC CODE --quote``) is one row with its exact span, not one per segment it
touches; every other coding spans its segment.
"""

from __future__ import annotations

from typing import Any, Iterator

from qualcode.memos import SPAN_NOTE, coding_memos
from qualcode.tally.codings import resolve_coder

# the fixed columns, in order; ``attr:NAME`` columns follow them
CODING_COLUMNS = ["doc", "kind", "field", "segment", "code", "number", "label", "group", "start", "end", "text",
                  "coder", "source", "origin", "time", "memo"]


def source_kind(suggestion_source: str | None, verdict: str) -> str:
    """rule, model, base, choice, or hand (a code nobody suggested: added by a person)."""
    src = suggestion_source or ""
    for prefix, name in (("rule:", "rule"), ("model:", "model"), ("base", "base"), ("choice", "choice")):
        if src.startswith(prefix):
            return name
    return "hand" if verdict == "add" or not src else src.split(":")[0]


def _spans(project: Any, coder: str) -> list[Any]:
    """The standing span codings of ``coder`` (none when spans are not part of this project)."""
    if not project.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'span_codings'").fetchone():
        return []
    from qualcode.spans import current_spans
    return current_spans(project.conn, coder=coder)


def coding_rows(project: Any, *, coder: str | None = None) -> Iterator[dict[str, Any]]:
    """The validated codings of ``coder`` (default: the consensus, or the only coder), in
    document order, with ``attr:NAME`` keys for the document's attributes."""
    who = resolve_coder(project, coder)
    if who is None:
        return
    conn = project.conn
    cb = project.codebook
    memos = coding_memos(project, who)
    attrs: dict[str, dict[str, Any]] = {}
    for doc, name, value in conn.execute("SELECT doc, name, value FROM attributes"):
        attrs.setdefault(doc, {})[f"attr:{name}"] = value
    kinds = dict(conn.execute("SELECT id, kind FROM documents"))
    spans = _spans(project, who)
    out: list[dict[str, Any]] = []
    for r in conn.execute(
            "SELECT l.segment, l.code, l.verdict, s.doc, s.field, s.start, s.end, s.text, d.made_at, d.note, "
            "d.origin, d.suggestion_source FROM latest_decisions l JOIN decisions d ON d.id = l.decision "
            "JOIN segments s ON s.id = l.segment AND s.retired = 0 "
            "WHERE l.coder = ? AND l.verdict IN ('accept', 'add') "
            "AND l.doc NOT IN (SELECT doc FROM removed_documents)", (who,)):
        if r["note"] and SPAN_NOTE.match(r["note"]) and spans:
            continue    # counted for its segment, exported once below with its exact span
        code = cb.by_id.get(r["code"])
        memo = memos.get((r["segment"], r["code"]), [])
        out.append({"doc": r["doc"], "kind": kinds.get(r["doc"]), "field": r["field"], "segment": r["segment"],
                    "code": r["code"], "number": code.number if code else None,
                    "label": code.label if code else None, "group": code.group if code else None,
                    "start": r["start"], "end": r["end"], "text": r["text"], "coder": who,
                    "source": source_kind(r["suggestion_source"], r["verdict"]), "origin": r["origin"],
                    "time": r["made_at"], "memo": " | ".join(memo) or None, **attrs.get(r["doc"], {})})
    out += [_span_row(project, s, kinds, attrs) for s in spans]
    out.sort(key=lambda x: (x["doc"], x["field"], x["start"], x["end"], x["code"]))
    yield from out


def _span_row(project: Any, s: Any, kinds: dict[str, str], attrs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    conn = project.conn
    code = project.codebook.by_id.get(s.code)
    row = conn.execute("SELECT made_at, origin FROM span_codings WHERE doc = ? AND field = ? AND start = ? AND end = ? "
                       "AND code = ? AND coder = ? ORDER BY id DESC LIMIT 1",
                       (s.doc, s.field, s.start, s.end, s.code, s.coder)).fetchone()
    from qualcode.spans import field_texts
    text = field_texts(conn, s.doc).get(s.field, "")
    seg = conn.execute("SELECT id FROM segments WHERE doc = ? AND field = ? AND retired = 0 AND start < ? AND end > ? "
                       "ORDER BY position LIMIT 1", (s.doc, s.field, s.end, s.start)).fetchone()
    return {"doc": s.doc, "kind": kinds.get(s.doc), "field": s.field, "segment": seg[0] if seg else None,
            "code": s.code, "number": code.number if code else None, "label": code.label if code else None,
            "group": code.group if code else None, "start": s.start, "end": s.end, "text": text[s.start:s.end],
            "coder": s.coder, "source": "hand", "origin": row["origin"] if row else "manual",
            "time": row["made_at"] if row else None, "memo": s.memo, **attrs.get(s.doc, {})}
