"""Quotes: the segments coded with a code, with their documents' attributes, for citing.

A report backs a figure with a few quotes per group ("chefer said …"), so quotes come grouped
in the same order as the tables' columns, and ``limit`` caps each group, not the whole list.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Sequence

from qualcode.codebook import Code
from qualcode.project import Project
from qualcode.report.formats import Table
from qualcode.tally.codings import counting, prepare
from qualcode.tally.labels import group_order, labels
from qualcode.tally.scope import check_attributes, check_fields, docs_sql, placeholders

CHUNK = 500   # documents per attribute lookup, under SQLite's bound-variable limit


def quotes(project: Project, code: str, *, by: Sequence[str] = (), limit: int | None = None,
           fields: Sequence[str] | None = None, where: dict[str, str] | None = None, coder: str | None = None,
           include_suggestions: bool = False) -> list[dict[str, Any]]:
    code = project.codebook.resolve(code).id  # id or label, as a person types it
    by = list(by)
    check_attributes(project, [*by, *(where or {})])
    project.check_where(where)
    check_fields(project, fields or [])
    src = prepare(project.conn, counting(project, coder, include_suggestions))
    docs_query, args = docs_sql(None, where, by)
    sql = (f"WITH docs AS ({docs_query}) SELECT DISTINCT s.id, s.doc, s.field, s.position, s.text "
           f"{''.join(f', docs.b{i}' for i in range(len(by)))} FROM {src.codings} t "
           f"JOIN segments s ON s.id = t.segment AND s.retired = 0 JOIN docs ON docs.doc = s.doc "
           f"WHERE {src.coded} AND t.code = ?")
    args = [*args, code]
    if fields:
        sql += f" AND s.field IN ({placeholders(fields)})"
        args += list(fields)
    found = list(project.conn.execute(sql, args))
    attrs = _attributes(project.conn, sorted({r[1] for r in found}))
    out = [{"segment": r[0], "doc": r[1], "field": r[2], "text": r[4], "group": dict(zip(by, tuple(r)[5:])),
            "attributes": attrs.get(r[1], {}), "_pos": r[3]} for r in found]
    out.sort(key=lambda q: (group_order(tuple(q["group"].values())), q["doc"], q["field"], q["_pos"]))
    if limit is not None:
        out = _first_per_group(out, limit)
    for q in out:
        del q["_pos"]
    _attach_memos(project, out, code, coder)
    return out


def _attach_memos(project: Project, found: list[dict[str, Any]], code: str, coder: str | None) -> None:
    """Each quote's ``memos``: what was written about this coding (memos on it, the reviewer's
    note), then memos on its document, so the context travels with the quote into the report."""
    from qualcode.memos import coding_memos
    on_coding = coding_memos(project, coder)
    docs = sorted({q["doc"] for q in found})
    on_doc: dict[str, list[str]] = {}
    for i in range(0, len(docs), CHUNK):
        chunk = docs[i:i + CHUNK]
        for d, text in project.conn.execute(
                f"SELECT doc, text FROM memos WHERE kind = 'document' AND doc IN ({placeholders(chunk)}) ORDER BY id",
                chunk):
            on_doc.setdefault(d, []).append(text)
    for q in found:
        q["memos"] = ([{"on": "coding", "text": t} for t in on_coding.get((q["segment"], code), [])]
                      + [{"on": "document", "text": t} for t in on_doc.get(q["doc"], [])])


def memo_cell(q: dict[str, Any], lang: str = "sv") -> str:
    """A quote's memos in one cell; a document's memo is marked as such."""
    doc = "dokument" if lang == "sv" else "document"
    return " | ".join(m["text"] if m["on"] == "coding" else f"({doc}) {m['text']}" for m in q.get("memos", []))


def _attributes(conn: sqlite3.Connection, docs: list[str]) -> dict[str, dict[str, str]]:
    attrs: dict[str, dict[str, str]] = {}
    for i in range(0, len(docs), CHUNK):
        chunk = docs[i:i + CHUNK]
        for d, n, v in conn.execute(f"SELECT doc, name, value FROM attributes WHERE doc IN ({placeholders(chunk)})",
                                    chunk):
            attrs.setdefault(d, {})[n] = v
    return attrs


def _first_per_group(found: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    kept, seen = [], {}
    for q in found:
        key = tuple(q["group"].values())
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            kept.append(q)
    return kept


def quotes_table(code: Code, found: list[dict[str, Any]], lang: str = "sv") -> Table:
    L = labels(lang)
    names = sorted({k for q in found for k in q["attributes"]})
    rows = [[q["doc"], q["field"], q["segment"]] + [q["attributes"].get(n) for n in names] + [q["text"]] for q in found]
    columns = [L["doc"], L["field"], L["segment"], *names, L["text"]]
    if any(q.get("memos") for q in found):   # the column only when someone wrote a memo
        columns.append("Memo")
        for row, q in zip(rows, found):
            row.append(memo_cell(q, lang))
    return Table(f"{code.title} ({len(found)})", columns, rows)
