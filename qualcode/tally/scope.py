"""Which documents and fields a tally covers, as SQL pieces and checked names.

A typo in ``--by``, ``--where`` or ``--field`` would silently give an empty table, so every name
is checked first and refused with the names the project has. The scope is spelled as SQL
conditions on the codings' own doc column where possible, so the big counting queries never join
a documents CTE.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from qualcode.errors import QualcodeError
from qualcode.project import Project


def placeholders(values: Sequence[Any]) -> str:
    """``?,?,?`` for an IN list of these values."""
    return ",".join("?" * len(values))


# a cell that holds an answer: more than blanks, dashes and punctuation ("", "-", "–", "..."):
# the respondents who left an open question empty are not in its denominator
NO_ANSWER_CHARS = " \t\r\n-–—.,;:!?/*_()[]\"'"


def answered(alias: str) -> str:
    """SQL: the segment ``alias`` holds an answer (see NO_ANSWER_CHARS)."""
    return f"trim({alias}.text, '{NO_ANSWER_CHARS.replace(chr(39), chr(39) * 2)}') != ''"


def docs_sql(kind: str | None, where: dict[str, str] | None, by: Sequence[str],
             require_fields: Sequence[str] | None = None, *, with_answer: bool = False) -> tuple[str, list[Any]]:
    """SELECT doc, b0, b1 … for the documents in scope, with their grouping attribute values.

    ``where`` values match exactly; an empty value matches a blank or absent attribute (a
    respondent who left it out belongs to the blank group, as in the report), and the key
    ``kind`` filters on the document kind. ``require_fields`` keeps only documents with a live
    segment in one of those fields: the respondents who were asked the question; ``with_answer``
    only those whose cell holds an answer (an open question's respondents; a blank choice cell
    is Ej svar and stays in that table's total).
    """
    cols = ["d.id AS doc"] + [f"a{i}.value AS b{i}" for i in range(len(by))]
    joins: list[str] = []
    conds = ["d.id NOT IN (SELECT doc FROM removed_documents)"]  # `docs remove` takes them out of every count
    args: list[Any] = []
    for i, attr in enumerate(by):
        joins.append(f"LEFT JOIN attributes a{i} ON a{i}.doc = d.id AND a{i}.name = ?")
        args.append(attr)
    where = dict(where or {})
    if "kind" in where:
        wkind = where.pop("kind")
        if kind and wkind != kind:
            conds.append("0")
        kind = wkind
    if kind:
        conds.append("d.kind = ?")
        args.append(kind)
    for attr, value in where.items():
        if value == "":
            conds.append("NOT EXISTS (SELECT 1 FROM attributes w WHERE w.doc = d.id AND w.name = ? "
                         "AND w.value IS NOT NULL AND w.value != '')")
            args.append(attr)
        else:
            conds.append("EXISTS (SELECT 1 FROM attributes w WHERE w.doc = d.id AND w.name = ? AND w.value = ?)")
            args += [attr, value]
    if require_fields:
        conds.append(f"EXISTS (SELECT 1 FROM segments r WHERE r.doc = d.id AND r.retired = 0 "
                     f"AND r.field IN ({placeholders(require_fields)}){' AND ' + answered('r') if with_answer else ''})")
        args += list(require_fields)
    sql = f"SELECT {', '.join(cols)} FROM documents d {' '.join(joins)}"
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    return sql, args


def segment_filter(by: Sequence[str], where: dict[str, str] | None,
                   alias: str = "s") -> tuple[str, str, list[Any], list[Any]]:
    """Joins (grouping attributes a0, a1 …) and conditions on ``{alias}.doc`` for a query over
    segments or codings: (joins, conditions, join args, condition args).

    Counting straight from the codings avoids a documents CTE in the big join; the field already
    fixes the document kind.
    """
    joins = " ".join(f"LEFT JOIN attributes a{i} ON a{i}.doc = {alias}.doc AND a{i}.name = ?" for i in range(len(by)))
    conds, cargs = "", []
    for attr, value in (where or {}).items():
        if attr == "kind":
            conds += f" AND EXISTS (SELECT 1 FROM documents wd WHERE wd.id = {alias}.doc AND wd.kind = ?)"
            cargs.append(value)
        elif value == "":
            conds += (f" AND NOT EXISTS (SELECT 1 FROM attributes w WHERE w.doc = {alias}.doc AND w.name = ? "
                      "AND w.value IS NOT NULL AND w.value != '')")
            cargs.append(attr)
        else:
            conds += f" AND EXISTS (SELECT 1 FROM attributes w WHERE w.doc = {alias}.doc AND w.name = ? AND w.value = ?)"
            cargs += [attr, value]
    return joins, conds, list(by), cargs


def check_attributes(project: Project, names: Iterable[str]) -> None:
    """Refuse an attribute name the project has no value of, naming those it has (one line)."""
    # hop along the (name, value) index instead of reading all 100k × names rows
    known = {r[0] for r in project.conn.execute(
        "WITH RECURSIVE n(name) AS (SELECT MIN(name) FROM attributes UNION ALL "
        "SELECT (SELECT MIN(name) FROM attributes WHERE name > n.name) FROM n WHERE n.name IS NOT NULL) "
        "SELECT name FROM n WHERE name IS NOT NULL")}
    for n in names:
        if n != "kind" and n not in known:
            raise QualcodeError(f"unknown attribute {n!r} (known: {', '.join(sorted(known)) or 'none'})")


def check_fields(project: Project, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Refuse an unknown field; return the project's fields, which the caller needs next anyway."""
    known = project.fields()
    for f in fields:
        if f not in known:
            raise QualcodeError(f"unknown field {f!r} (known: {', '.join(sorted(known)) or 'none imported'})")
    return known


def _field_kind(project: Project, fields: Sequence[str]) -> str:
    """Notes belong to interviews, survey columns (text, choice) to responses; one table never
    mixes the two, since their denominators differ."""
    known = project.fields()
    kinds = {"interview" if known[f]["kind"] == "notes" else "response" for f in fields}
    if len(kinds) > 1:
        raise QualcodeError(f"fields {', '.join(fields)} belong to both interviews and survey responses; "
                            "tally them separately")
    return kinds.pop() if kinds else "response"


def document_scope(project: Project, fields: Sequence[str] | None,
                   kind: str | None) -> tuple[str, list[str], bool, bool]:
    """(document kind, fields, whether the denominator needs a cell in the field, whether that
    cell must hold an answer).

    Default: the interviews' notes if the project has interviews, else every survey field. A
    survey field's denominator is its respondents (those with a cell); an open question's, those
    who wrote something in it (a blank choice cell is Ej svar, in its table's total); an
    interview counts whether or not its notes mention anything.
    """
    known = check_fields(project, fields or [])
    if fields:
        fkind = _field_kind(project, fields)
        if kind and kind != fkind:
            raise QualcodeError(f"field {fields[0]!r} belongs to {fkind} documents, not {kind}")
        needs_cell = any(known[f]["kind"] != "notes" for f in fields)
        return fkind, list(fields), needs_cell, all(known[f]["kind"] == "text" for f in fields)
    if kind is None:
        has_interviews = project.conn.execute("SELECT 1 FROM documents WHERE kind = 'interview' LIMIT 1").fetchone()
        kind = "interview" if has_interviews else "response"
    names = [f for f, d in project.fields().items() if (d["kind"] == "notes") == (kind == "interview")]
    return kind, names, False, False
