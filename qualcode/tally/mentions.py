"""Mentions: how many coded segments name each code ("nämns 22 gånger"), most named first.

Where presence asks how many documents raise a theme, mentions weighs how often it comes up:
the open answers' tables in the report rank categories by this count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

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
from qualcode.tally.labels import code_row, group_label, group_order, labels
from qualcode.tally.scope import check_attributes, check_fields, docs_sql


@dataclass
class Mentions:
    by: list[str]
    rows: list[dict[str, Any]]    # code, number, label, group, count
    unreviewed: int
    counting: Counting
    fields: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "unreviewed": self.unreviewed}


def mentions(project: Project, *, groups: Sequence[str] | None = None, codes: Sequence[str] | None = None,
             fields: Sequence[str] | None = None, by: Sequence[str] = (), where: dict[str, str] | None = None,
             kind: str | None = None, coder: str | None = None, include_suggestions: bool = False) -> Mentions:
    by = list(by)
    check_attributes(project, [*by, *(where or {})])
    project.check_where(where)
    known = check_fields(project, fields or [])
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    fields = list(fields) if fields else list(known)
    code_list = table_codes(project, src, groups, codes, fields)
    ids = [c.id for c in code_list]
    counts = count_codings(conn, src, by, where, fields, ids, kind=kind)
    order = {c.id: i for i, c in enumerate(code_list)}
    rows = []
    for key in _group_keys(project, by, kind, where, fields):
        block = [{**code_row(c), "group": dict(zip(by, key)), "count": counts.get((key, c.id), 0)} for c in code_list]
        block.sort(key=lambda r: (-r["count"], order[r["code"]]))
        rows += block
    unrev = count_unreviewed(conn, src, fields, ids, kind=kind, where=where)
    return Mentions(by, rows, unrev, rule, fields)


def _group_keys(project: Project, by: list[str], kind: str | None, where: dict[str, str] | None,
                fields: list[str]) -> list[tuple]:
    """The groups of the documents that have a cell in the fields, zero-count groups included so
    a table shows that a group never named a code."""
    if not by:
        return [()]
    docs_query, docs_args = docs_sql(kind, where, by, fields)
    bcols = ", ".join(f"docs.b{i}" for i in range(len(by)))
    return sorted({tuple(r) for r in project.conn.execute(
        f"WITH docs AS ({docs_query}) SELECT DISTINCT {bcols} FROM docs", docs_args)}, key=group_order)


def mentions_tables(result: Mentions, lang: str = "sv") -> list[Table]:
    """One table per group, since each group ranks the codes its own way."""
    L = labels(lang)
    tables = []
    groups: dict[str, list[dict]] = {}
    for r in result.rows:
        groups.setdefault(group_label(r["group"], lang) if result.by else "", []).append(r)
    for g, rows in groups.items():
        title = f"{L['mentions']}: {', '.join(result.fields)}" + (f" – {g}" if g else "")
        tables.append(Table(title, [L["number"], L["code"], L["mentions"]],
                            [[r["number"], r["label"], r["count"]] for r in rows],
                            note=note_line(result.unreviewed, result.counting, lang)))
    return tables
