"""Presence: in how many of a group's documents each code occurs ("22 av 30").

A document counts once for a code if any of its segments carries it. The denominator is the
number of documents in the group of the kind that has the field: every interview for notes
(an interview that mentions nothing still was an interview), respondents with an answer cell
for a survey field (someone never asked the question is no "no").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Sequence

from qualcode.codebook import Code
from qualcode.project import Project
from qualcode.report.formats import Table
from qualcode.tally.codings import (
    Counting,
    count_codings,
    count_unreviewed,
    counting,
    note_line,
    prepare,
    table_codes,
)
from qualcode.tally.labels import code_row, group_label, group_order, labels, percent
from qualcode.tally.scope import check_attributes, docs_sql, document_scope


@dataclass
class Presence:
    kind: str
    by: list[str]
    rows: list[dict[str, Any]]           # code, number, label, group, documents, of
    totals: list[dict[str, Any]]         # the same over all groups (group {})
    groups: list[dict[str, Any]]         # group, of
    unreviewed: int
    counting: Counting
    fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "unreviewed": self.unreviewed}


def presence(project: Project, *, by: Sequence[str] = (), groups: Sequence[str] | None = None,
             codes: Sequence[str] | None = None, where: dict[str, str] | None = None,
             fields: Sequence[str] | None = None, kind: str | None = None, coder: str | None = None,
             include_suggestions: bool = False) -> Presence:
    by = list(by)
    check_attributes(project, [*by, *(where or {})])
    project.check_where(where)
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    kind, fields, needs_cell, with_answer = document_scope(project, fields, kind)
    code_list = table_codes(project, src, groups, codes, fields)
    docs_query, docs_args = docs_sql(kind, where, by, fields if needs_cell else None, with_answer=with_answer)
    sizes = _group_sizes(conn, kind, by, docs_query, docs_args, simple=not where and not needs_cell)
    group_keys = sorted((r[:-1] for r in sizes if r[-1] or not by), key=group_order)
    of = {r[:-1]: r[-1] for r in sizes}
    ids = [c.id for c in code_list]
    found = count_codings(conn, src, by, where, fields, ids, what="COUNT(DISTINCT t.doc)")
    rows, totals = _rows(code_list, by, group_keys, of, found)
    # a suggestion's segment is a live cell in one of the fields, so its document has the kind
    # and (if needed) the cell the denominator asks for: only ``where`` narrows further
    unrev = count_unreviewed(conn, src, fields, ids, where=where)
    return Presence(kind, by, rows, totals, [{"group": dict(zip(by, k)), "of": of[tuple(k)]} for k in group_keys],
                    unrev, rule, fields)


def _rows(code_list: list[Code], by: list[str], group_keys: list[tuple], of: dict[tuple, int],
          found: dict[tuple[tuple, str], int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows per (code, group) and the totals per code; groups partition the documents (one value
    per attribute), so a total is the sum over the groups."""
    total_found: dict[str, int] = {}
    for (g, c), n in found.items():
        if g in of:
            total_found[c] = total_found.get(c, 0) + n
    all_docs = sum(of.values())
    rows, totals = [], []
    for c in code_list:
        for key in group_keys:
            rows.append({**code_row(c), "group": dict(zip(by, key)),
                         "documents": found.get((tuple(key), c.id), 0), "of": of.get(tuple(key), 0)})
        totals.append({**code_row(c), "group": {}, "documents": total_found.get(c.id, 0), "of": all_docs})
    return rows, totals


def _group_sizes(conn: sqlite3.Connection, kind: str, by: Sequence[str], docs_query: str, docs_args: list[Any],
                 *, simple: bool) -> list[tuple]:
    """(b0, b1 …, documents) per group of the documents in scope.

    The common case (grouping by one attribute, every document of the kind, nothing else
    narrowing) is read off the attributes' (name, value) index; documents without the attribute
    join the blank group, as they would in the LEFT JOIN. Otherwise every document's attributes
    are looked up.
    """
    if simple and len(by) == 1 and not conn.execute(
            "SELECT 1 FROM documents WHERE kind != ? LIMIT 1", (kind,)).fetchone():
        total = conn.execute("SELECT COUNT(*) FROM documents WHERE kind = ?", (kind,)).fetchone()[0]
        sizes = dict(conn.execute("SELECT value, COUNT(*) FROM attributes WHERE name = ? GROUP BY value", (by[0],)))
        sizes.pop(None, None)
        blank = total - sum(sizes.values())   # a NULL value or no row at all
        if blank:
            sizes[None] = blank
        return [(v, n) for v, n in sizes.items()]
    bcols = [f"b{i}" for i in range(len(by))]
    gsel = ", ".join(bcols)
    return [tuple(r) for r in conn.execute(
        f"WITH docs AS ({docs_query}) SELECT {gsel + ', ' if gsel else ''}COUNT(*) FROM docs "
        f"{'GROUP BY ' + gsel if gsel else ''}", docs_args)]


def presence_cell(k: int, n: int, lang: str = "sv") -> str:
    """"22 av 30 (73 %)": the count with its denominator, since a percent alone hides how few 30 is."""
    p = percent(k, n, 0)
    pct = "–" if p is None else (f"{p:.0f} %" if lang == "sv" else f"{p:.0f}%")
    return f"{k} {labels(lang)['of']} {n} ({pct})"


def presence_sentence(row: dict[str, Any], kind: str, lang: str = "sv") -> str:
    """"Administrativt stöd … togs upp i 22 av de 30 intervjuerna (73 %)." as the report words it."""
    L = labels(lang)
    k, n = row["documents"], row["of"]
    p = percent(k, n, 0)
    pct = "" if p is None else (f" ({p:.0f} %)" if lang == "sv" else f" ({p:.0f}%)")
    noun = L[kind][1] if n != 1 else L[kind][0]
    the = L["the"] if n != 1 else ("den" if lang == "sv" else "the")
    prefix = "" if not row["group"] else f"{group_label(row['group'], lang)}: "
    return f"{prefix}{row['label']} {L['raised']} {k} {L['of']} {the} {n} {noun}{pct}."


def presence_tables(result: Presence, lang: str = "sv") -> list[Table]:
    """Codes × groups, each cell "k av n (p %)", with a total column when grouped."""
    L = labels(lang)
    n_all = result.totals[0]["of"] if result.totals else 0
    if result.by:
        cols = [L["number"], L["code"], *(f"{group_label(g['group'], lang)} (n={g['of']})" for g in result.groups),
                f"{L['totals']} (n={n_all})"]
    else:
        cols = [L["number"], L["code"], f"{L['documents']} (n={n_all})"]
    cells = {(r["code"], group_label(r["group"], lang)): r for r in result.rows}
    shown = [group_label(g["group"], lang) for g in result.groups] if result.by else []
    rows = []
    for t in result.totals:
        per_group = [cells[(t["code"], g)] for g in shown]
        rows.append([t["number"], t["label"], *(presence_cell(r["documents"], r["of"], lang) for r in per_group),
                     presence_cell(t["documents"], t["of"], lang)])
    title = f"{_kind_noun(result.kind, lang)}: {'förekomst per kod' if lang == 'sv' else 'presence by code'}"
    if result.by:
        title += f" ({', '.join(result.by)})"
    return [Table(title, cols, rows, note=note_line(result.unreviewed, result.counting, lang))]


def _kind_noun(kind: str, lang: str) -> str:
    return {"sv": {"interview": "Intervjuer", "response": "Enkätsvar"},
            "en": {"interview": "Interviews", "response": "Survey answers"}}[lang][kind]
