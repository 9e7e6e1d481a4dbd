"""Documents (or respondents) × codes as 0/1: the table R, Excel and SPSS analyses start from.

A cell is 1 when the counting coder's validated codings of the document, in the fields the
tally counts, carry the code: the same rule and the same documents as ``tally presence``, so a
column's sum is exactly presence's count for that code (a test holds them equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from qualcode.codebook import Code
from qualcode.project import Project
from qualcode.tally.codings import counting, live_only, prepare, table_codes
from qualcode.tally.scope import check_attributes, docs_sql, document_scope, placeholders


@dataclass
class Matrix:
    kind: str
    fields: list[str]
    codes: list[Code]
    docs: list[str]
    attributes: dict[str, dict[str, Any]]   # doc -> attribute -> value
    cells: set[tuple[str, str]]             # (doc, code) coded

    def records(self) -> list[dict[str, Any]]:
        """One dict per document: doc, its attributes, then one 0/1 column per code id."""
        names = sorted({k for a in self.attributes.values() for k in a})
        return [{"doc": d, **{n: self.attributes.get(d, {}).get(n) for n in names},
                 **{c.id: int((d, c.id) in self.cells) for c in self.codes}} for d in self.docs]

    def column_sums(self) -> dict[str, int]:
        return {c.id: sum((d, c.id) in self.cells for d in self.docs) for c in self.codes}


def code_matrix(project: Project, *, groups: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                fields: Sequence[str] | None = None, kind: str | None = None,
                where: dict[str, str] | None = None, coder: str | None = None,
                include_suggestions: bool = False) -> Matrix:
    """The 0/1 matrix over the documents ``tally presence`` counts with these options."""
    check_attributes(project, list(where or {}))
    project.check_where(where)
    conn = project.conn
    src = prepare(conn, counting(project, coder, include_suggestions))
    kind, fields, needs_cell, with_answer = document_scope(project, fields, kind)
    code_list = table_codes(project, src, groups, codes, fields)
    docs_query, args = docs_sql(kind, where, [], fields if needs_cell else None, with_answer=with_answer)
    docs = sorted(r[0] for r in conn.execute(docs_query, args))
    in_scope = set(docs)
    ids = [c.id for c in code_list]
    cells = {(r[0], r[1]) for r in conn.execute(
        f"SELECT DISTINCT t.doc, t.code FROM {src.codings} t WHERE {src.coded} "
        f"AND t.field IN ({placeholders(fields) or 'NULL'}) AND t.code IN ({placeholders(ids) or 'NULL'})"
        f"{live_only(conn, 't.segment')}", [*fields, *ids]) if r[0] in in_scope}
    attrs: dict[str, dict[str, Any]] = {}
    for doc, name, value in conn.execute("SELECT doc, name, value FROM attributes"):
        if doc in in_scope:
            attrs.setdefault(doc, {})[name] = value
    return Matrix(kind, list(fields), code_list, docs, attrs, cells)
