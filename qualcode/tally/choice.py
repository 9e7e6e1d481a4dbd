"""Choice: SPSS-style frequency tables for alternative columns (langst_1, langst_2 …).

Per column: respondents per area in plan order, Ej svar (a blank cell, or a cell decided as
no area) and system-missing (no cell at all) kept apart, as the published report prints them;
percent of the valid total (respondents with a cell, Ej svar included), rounded half up as SPSS
does. A combined table says how often each area is named over all columns.

A cell that has an area suggestion nobody has decided on yet is neither: the respondent
answered, the answer is just not coded yet. It is counted apart ("Ej granskade", ``not_reviewed``)
so Ej svar never grows with the review backlog, and a table with such cells says it is not final.
"Decided as no area" has no record of its own: it is a cell whose area suggestions the coder all
rejected, with no area code accepted or added; a cell the normaliser read as no answer ("-",
"vet ej") has no suggestion at all. An undone decision (``retract``) leaves a suggestion undecided.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Sequence

from qualcode.codebook import AREA_GROUP, Code
from qualcode.errors import QualcodeError
from qualcode.fields import choice_group
from qualcode.project import Project
from qualcode.report.formats import Table
from qualcode.tally.codings import (
    Counting,
    Source,
    codes_given,
    count_unreviewed,
    counting,
    live_only,
    note_line,
    prepare,
)
from qualcode.tally.labels import LABELS, code_row, labels, percent, row_title
from qualcode.tally.scope import check_attributes, check_fields, docs_sql, placeholders, segment_filter


@dataclass
class Choice:
    # field, rows[code, number, label, count, percent], not_reviewed, not_reviewed_percent,
    # no_answer, no_answer_percent, missing, total
    tables: list[dict[str, Any]]
    combined: list[dict[str, Any]]   # code, number, label, count
    unreviewed: int
    counting: Counting
    double_coded: dict[str, int] = field(default_factory=dict)   # field -> cells with two or more area codes
    code_group: str = AREA_GROUP

    @property
    def not_reviewed(self) -> int:
        """Answers in all the tables that carry an undecided area suggestion and no area code."""
        return sum(t.get("not_reviewed", 0) for t in self.tables)

    def to_json(self) -> dict[str, Any]:
        out = {"tables": [dict(t) for t in self.tables], "combined": self.combined, "unreviewed": self.unreviewed}
        for t in out["tables"]:
            n = self.double_coded.get(t["field"])
            if n:
                t["double_coded"] = n
                t["note"] = f"{n} {LABELS['en']['double']}"
        return out


def choice(project: Project, fields: Sequence[str], *, where: dict[str, str] | None = None,
           code_group: str | None = None, coder: str | None = None, include_suggestions: bool = False) -> Choice:
    if not fields:
        raise QualcodeError("name at least one --field")
    known = check_fields(project, fields)
    check_attributes(project, list(where or {}))
    project.check_where(where)
    group = _code_group(project, fields, known, code_group)
    area_codes = project.codebook.in_group(group)
    area_ids = [c.id for c in area_codes]
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    answered = _answered(conn, fields, where)
    population = _population(conn, known, group, fields, where)
    scope, sargs = _coded_scope(conn, src, fields, area_ids, where)
    counts: dict[tuple[str, str], int] = {(r[0], r[1]): r[2] for r in conn.execute(
        f"SELECT t.field, t.code, COUNT(*) FROM {src.codings} t WHERE {scope} GROUP BY t.field, t.code", sargs)}
    cells = _coded_cells(conn, src, fields, area_ids, where)
    doubles = _double_coded(conn, src, fields, area_ids, where, counts, cells)
    pending = _not_reviewed(conn, src, fields, area_ids, where)
    tables = [_field_table(f, area_codes, counts, answered.get(f, 0), cells.get(f, 0), pending.get(f, 0), population)
              for f in fields]
    unrev = count_unreviewed(conn, src, fields, area_ids, where=where)
    return Choice(tables, _combined(area_codes, counts, fields), unrev, rule, doubles, group)


def _code_group(project: Project, fields: Sequence[str], known: dict[str, dict[str, Any]],
                code_group: str | None) -> str:
    """The one code group the columns are coded with: rows of two groups would not add up."""
    cb = project.codebook
    groups = {code_group or choice_group(known[f]) for f in fields}
    if len(groups) > 1:
        raise QualcodeError(f"fields {', '.join(fields)} are coded with different code groups ({', '.join(sorted(groups))})")
    group = groups.pop()
    if group not in cb.groups:
        raise QualcodeError(f"unknown code group {group!r} (known: {', '.join(cb.groups)})")
    return group


def _answered(conn: sqlite3.Connection, fields: Sequence[str], where: dict[str, str] | None) -> dict[str, int]:
    """Respondents with a cell per column (blank included): each table's valid total."""
    # --where narrows the respondents: conditions on each row's document (none in the usual case)
    _, conds, _, cargs = segment_filter((), where, "s")
    return dict(conn.execute(
        f"SELECT s.field, COUNT(*) FROM segments s WHERE s.retired = 0 AND s.field IN ({placeholders(fields)}){conds} "
        "GROUP BY s.field", [*fields, *cargs]).fetchall())


def _population(conn: sqlite3.Connection, known: dict[str, dict[str, Any]], group: str, fields: Sequence[str],
                where: dict[str, str] | None) -> int:
    """The questionnaire's respondents: those with a cell in any choice column of this code group,
    so answers from another survey (e.g. earlier comment rounds) are not system-missing here."""
    sibling = sorted({f for f, d in known.items() if d["kind"] == "choice" and choice_group(d) == group}
                     | set(fields))
    pop_sql, pop_args = docs_sql("response", where, (), sibling)
    return conn.execute(f"WITH docs AS ({pop_sql}) SELECT COUNT(*) FROM docs", pop_args).fetchone()[0]


def _coded_scope(conn: sqlite3.Connection, src: Source, fields: Sequence[str], codes: Sequence[str] | None,
                 where: dict[str, str] | None) -> tuple[str, list[Any]]:
    """The WHERE clause over the coder's own rows (field and doc are on them, so no join);
    ``codes`` None: any code."""
    _, tconds, _, targs = segment_filter((), where, "t")
    code_cond = f" AND t.code IN ({placeholders(codes)})" if codes is not None else ""
    sql = f"{src.coded} AND t.field IN ({placeholders(fields)}){code_cond}{live_only(conn, 't.segment')}{tconds}"
    return sql, [*fields, *(codes or []), *targs]


def _coded_cells(conn: sqlite3.Connection, src: Source, fields: Sequence[str], area_ids: list[str],
                 where: dict[str, str] | None) -> dict[str, int]:
    """Cells per column carrying at least one area code, read in cell order so DISTINCT needs no sort.

    Without the code filter when the coder put only this group's codes on these columns (the
    usual case, checked by hopping over the distinct codes in the index): the per-row IN test
    would be half the cost.
    """
    codes = None if codes_given(conn, src, fields) <= set(area_ids) else area_ids
    scope, args = _coded_scope(conn, src, fields, codes, where)
    return dict(conn.execute(
        f"SELECT t.field, COUNT(DISTINCT t.segment) FROM {src.codings} t {src.cells} WHERE {scope} "
        "GROUP BY t.field", args).fetchall())


def _not_reviewed(conn: sqlite3.Connection, src: Source, fields: Sequence[str], area_ids: list[str],
                  where: dict[str, str] | None) -> dict[str, int]:
    """Live cells per column with an area suggestion the counting coder has not decided on and
    no area code that counts: answered, but not coded yet (neither an area nor Ej svar)."""
    if not area_ids:
        return {}
    body, args = _pending(src, fields, area_ids, where)
    return dict(conn.execute(f"SELECT s.field, COUNT(*) {body} GROUP BY s.field", args).fetchall())


def not_reviewed_cells(conn: sqlite3.Connection, src: Source, fields: Sequence[str],
                       area_ids: list[str]) -> set[tuple[str, str]]:
    """(doc, field) of the cells ``_not_reviewed`` counts: for files that code each cell (SPSS)."""
    if not area_ids:
        return set()
    body, args = _pending(src, fields, area_ids, None)
    return {(r[0], r[1]) for r in conn.execute(f"SELECT s.doc, s.field {body}", args)}


def _pending(src: Source, fields: Sequence[str], area_ids: list[str],
             where: dict[str, str] | None) -> tuple[str, list[Any]]:
    """FROM … WHERE over segments ``s`` that are answered but not yet coded. Starts from the
    undecided (code, segment) pairs, an EXCEPT of two index-ordered streams as in
    ``count_unreviewed``, so a reviewed survey costs two index scans and no segment lookup."""
    marks = placeholders(area_ids)
    _, conds, _, cargs = segment_filter((), where, "s")
    sql = (f"FROM segments s WHERE s.id IN (SELECT segment FROM ("
           f"SELECT code, segment FROM suggestions WHERE code IN ({marks}) EXCEPT "
           f"SELECT d.code, d.segment FROM {src.verdicts} d WHERE {src.decided} AND d.verdict != 'retract' "
           f"AND d.code IN ({marks}) ORDER BY 1, 2)) "
           f"AND s.retired = 0 AND s.field IN ({placeholders(fields)}){conds} "
           f"AND NOT EXISTS (SELECT 1 FROM {src.codings} t WHERE {src.coded} AND t.segment = s.id "
           f"AND t.code IN ({marks}))")
    return sql, [*area_ids, *area_ids, *fields, *cargs, *area_ids]


def _double_coded(conn: sqlite3.Connection, src: Source, fields: Sequence[str], area_ids: list[str],
                  where: dict[str, str] | None, counts: dict[tuple[str, str], int],
                  cells: dict[str, int]) -> dict[str, int]:
    """Cells per column carrying two or more area codes, which make the rows sum past Total.

    Rare, so only a column where codes outnumber cells is searched for them.
    """
    scope, args = _coded_scope(conn, src, fields, area_ids, where)
    doubles: dict[str, int] = {}
    for f in fields:
        if sum(n for (ff, _), n in counts.items() if ff == f) > cells.get(f, 0):
            n = conn.execute(
                f"SELECT COUNT(*) FROM (SELECT t.segment FROM {src.codings} t {src.cells} WHERE {scope} AND t.field = ? "
                "GROUP BY t.segment HAVING COUNT(*) > 1)", [*args, f]).fetchone()[0]
            if n:
                doubles[f] = n
    return doubles


def _field_table(f: str, area_codes: list[Code], counts: dict[tuple[str, str], int], total: int, coded: int,
                 pending: int, population: int) -> dict[str, Any]:
    """One column's frequencies; Ej svar is every respondent with a cell but no area code,
    except the ``pending`` ones whose answer is not reviewed yet."""
    no_answer = total - coded - pending
    rows = [{**code_row(c), "count": counts.get((f, c.id), 0), "percent": percent(counts.get((f, c.id), 0), total)}
            for c in area_codes]
    return {"field": f, "rows": rows, "not_reviewed": pending, "not_reviewed_percent": percent(pending, total),
            "no_answer": no_answer, "no_answer_percent": percent(no_answer, total),
            "missing": population - total, "total": total}


def _combined(area_codes: list[Code], counts: dict[tuple[str, str], int], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Times each area is named over all columns, most named first (plan order breaks ties)."""
    order = {c.id: i for i, c in enumerate(area_codes)}
    combined = [{**code_row(c), "count": sum(counts.get((f, c.id), 0) for f in fields)} for c in area_codes]
    combined.sort(key=lambda r: (-r["count"], order[r["code"]]))
    return combined


def choice_tables(result: Choice, lang: str = "sv", titles: dict[str, str] | None = None) -> list[Table]:
    """One table per field as the report prints it (area rows in plan order, Ej svar, Total), then the totals."""
    L = labels(lang)
    out = []
    for t in result.tables:
        rows: list[list[Any]] = [[row_title(r), r["count"], r["percent"]] for r in t["rows"]]
        if t.get("not_reviewed"):   # only while there are any: a final table looks as the report prints it
            rows.append([L["not_reviewed"], t["not_reviewed"], t["not_reviewed_percent"]])
        rows.append([L["no_answer"], t["no_answer"], t["no_answer_percent"]])
        rows.append([L["total"], t["total"], 100.0 if t["total"] else None])
        notes = [f"{L['missing']}: {t['missing']}"]
        if t.get("not_reviewed"):
            notes.append(f"{L['not_reviewed']}: {t['not_reviewed']} {L['not_reviewed_note']}")
        if result.double_coded.get(t["field"]):
            notes.append(f"{result.double_coded[t['field']]} {L['double']}")
        notes.append(note_line(result.unreviewed, result.counting, lang))
        title = (titles or {}).get(t["field"], t["field"])
        out.append(Table(title, ["", L["count"], L["percent"]], rows, note="; ".join(notes),
                         formats={L["percent"]: "percent1"}, decimal_comma=lang == "sv"))
    if len(result.tables) > 1:
        fields = ", ".join(t["field"] for t in result.tables)
        out.append(Table(f"{L['combined']}: {fields}", ["", L["count"]],
                         [[row_title(r), r["count"]] for r in result.combined],
                         note=note_line(result.unreviewed, result.counting, lang), decimal_comma=lang == "sv"))
    return out
