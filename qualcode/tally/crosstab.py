"""Crosstab: codes × the values of one attribute, with row and column percent and chi-square.

Built on presence (cells count units: interviews or respondents) or mentions (cells count coded
segments), so a crosstab's cell is always the figure the plain tally prints for that group.

The unit follows the attribute: ``roll`` is a respondent's, so ``--by roll`` counts respondents
over the survey fields; ``round`` an interview's, so it counts interviews over their notes. A
table by an attribute its units do not have would be one "(saknas)" column, so that is refused.
Every column states its n (the units in it), a cell's ``unit_percent`` is of that n, and the
total row counts units with any of the codes, never a sum of code counts (a unit carries several).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.report.formats import Table
from qualcode.tally.codings import Counting, note_line
from qualcode.tally.labels import format_number, group_label, labels, percent
from qualcode.tally.mentions import mentions
from qualcode.tally.presence import presence


@dataclass
class Crosstab:
    by: str
    count: str
    rows: list[dict[str, Any]]     # code, number, label, group, count, row_percent, column_percent
    columns: list[dict[str, Any]]  # group, total, documents
    row_totals: list[dict[str, Any]]
    chi2: dict[str, Any] | None
    unreviewed: int
    counting: Counting
    unit: str = "interview"        # interview | response | mention
    n: int = 0                     # units in the table
    coded: int = 0                 # units with any of the codes

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "count": self.count, "unit": self.unit, "n": self.n, "coded": self.coded,
                "rows": self.rows, "columns": self.columns, "row_totals": self.row_totals, "chi2": self.chi2,
                "unreviewed": self.unreviewed}


UNITS = {"interview": "interview", "interviews": "interview", "respondent": "response",
         "respondents": "response", "response": "response", "mention": "mention", "mentions": "mention"}


@dataclass
class _Matrix:
    """The cells keyed by (code, column label), in first-seen order of codes and columns."""

    codes: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int]
    meta: dict[str, dict[str, Any]]      # code -> code, number, label
    groups: dict[str, dict[str, Any]]    # column label -> group

    def get(self, code: str, column: str) -> int:
        return self.cells.get((code, column), 0)


def crosstab(project: Project, *, by: str, groups: Sequence[str] | None = None, codes: Sequence[str] | None = None,
             fields: Sequence[str] | None = None, kind: str | None = None, where: dict[str, str] | None = None,
             count: str = "documents", chi2: bool = False, coder: str | None = None,
             include_suggestions: bool = False, unit: str | None = None) -> Crosstab:
    """``unit`` (interview, respondent or mention; default: the kind of document that has
    ``by``) decides what a cell counts. ``column_percent`` is of the column's cell total (a column
    sums to 100 %), ``unit_percent`` of the column's n."""
    if count not in ("documents", "mentions"):
        raise QualcodeError("--count must be documents or mentions")
    if unit is not None and unit not in UNITS:
        raise QualcodeError(f"unknown unit {unit!r} (units: interview, respondent, mention)")
    unit = UNITS.get(unit or "") or ("mention" if count == "mentions" else None)
    count = "mentions" if unit == "mention" else "documents"
    kind, fields = _unit_kind(project, by, fields, kind if unit in (None, "mention") else unit)
    if count == "documents":
        res = presence(project, by=[by], groups=groups, codes=codes, where=where, fields=fields, kind=kind,
                       coder=coder, include_suggestions=include_suggestions)
        cells = [(r, r["documents"]) for r in res.rows]
        colinfo = {group_label(g["group"]): g["of"] for g in res.groups}
        any_coded = _units_coded(project, res, by, where)
    else:
        res = mentions(project, by=[by], groups=groups, codes=codes, fields=fields, where=where, kind=kind,
                       coder=coder, include_suggestions=include_suggestions)
        cells = [(r, r["count"]) for r in res.rows]
        colinfo, any_coded = {}, {}
    m = _matrix(cells)
    row_tot = {c: sum(m.get(c, g) for g in m.columns) for c in m.codes}
    col_tot = {g: sum(m.get(c, g) for c in m.codes) for g in m.columns}
    rows = [{**m.meta[c], "group": m.groups[g], "count": m.get(c, g),
             "row_percent": percent(m.get(c, g), row_tot[c]), "column_percent": percent(m.get(c, g), col_tot[g]),
             "unit_percent": percent(m.get(c, g), colinfo[g]) if g in colinfo else None}
            for c in m.codes for g in m.columns]
    columns = [{"group": m.groups[g], "total": col_tot[g], "documents": colinfo.get(g), "n": colinfo.get(g),
                "coded": any_coded.get(g)} for g in m.columns]
    n_all = sum(colinfo.values())
    row_totals = [{**m.meta[c], "count": row_tot[c], "unit_percent": percent(row_tot[c], n_all) if colinfo else None}
                  for c in m.codes]
    stats = _chi2([[m.get(c, g) for g in m.columns] for c in m.codes]) if chi2 else None
    return Crosstab(by, count, rows, columns, row_totals, stats, res.unreviewed, res.counting,
                    unit=res.kind if count == "documents" else "mention", n=n_all, coded=sum(any_coded.values()))


def _unit_kind(project: Project, by: str, fields: Sequence[str] | None, kind: str | None
               ) -> tuple[str | None, Sequence[str] | None]:
    """(kind, fields) a crosstab by ``by`` counts: the fields' kind, the one asked for, else the kind
    of document that has the attribute (interviews when both have it); for respondents, the
    fields of those who have it. Refused when the chosen
    units do not have the attribute at all: every unit would fall in one "(saknas)" column."""
    if fields:
        return kind, fields
    have = {r[0] for r in project.conn.execute(
        "SELECT DISTINCT d.kind FROM attributes a JOIN documents d ON d.id = a.doc "
        "WHERE a.name = ? AND a.value IS NOT NULL AND a.value != ''", (by,))}
    if not have:
        return kind, fields    # an unknown attribute: presence names the ones there are
    if kind is None:
        kind = "interview" if "interview" in have else "response"
    if kind not in have:
        other = "respondent" if "response" in have else "interview"
        raise QualcodeError(f"no {'interview' if kind == 'interview' else 'respondent'} has {by!r} "
                            f"(it is an attribute of {other}s): use --unit {other}")
    if kind == "interview":
        return kind, fields
    # the survey fields of the respondents who have the attribute: another survey in the project
    # (without the question) would otherwise fill a "(saknas)" column with its respondents
    return kind, [r[0] for r in project.conn.execute(
        "SELECT DISTINCT s.field FROM segments s JOIN attributes a ON a.doc = s.doc AND a.name = ? "
        "JOIN documents d ON d.id = s.doc AND d.kind = 'response' WHERE s.retired = 0 "
        "AND a.value IS NOT NULL AND a.value != '' ORDER BY s.field", (by,))] or None


def _units_coded(project: Project, res: Any, by: str, where: dict[str, str] | None) -> dict[str, int]:
    """Column label -> units in it with at least one of the table's codes (the total row)."""
    from qualcode.tally.codings import live_only, prepare
    from qualcode.tally.scope import placeholders, segment_filter
    conn = project.conn
    src = prepare(conn, res.counting)
    ids = sorted({r["code"] for r in res.rows})
    if not ids or not res.fields:
        return {}
    joins, conds, jargs, cargs = segment_filter([by], where, "t")
    kind_cond = " AND EXISTS (SELECT 1 FROM documents kd WHERE kd.id = t.doc AND kd.kind = ?)"
    out: dict[str, int] = {}
    for value, n in conn.execute(
            f"SELECT a0.value, COUNT(DISTINCT t.doc) FROM {src.codings} t {joins} WHERE {src.coded} "
            f"AND t.field IN ({placeholders(res.fields)}) AND t.code IN ({placeholders(ids)})"
            f"{live_only(conn, 't.segment')}{conds}{kind_cond} "
            f"AND t.doc NOT IN (SELECT doc FROM removed_documents) GROUP BY a0.value",
            [*jargs, *res.fields, *ids, *cargs, res.kind]):
        label = group_label({by: value})
        out[label] = out.get(label, 0) + n
    return out


def _matrix(cells: list[tuple[dict[str, Any], int]]) -> _Matrix:
    m = _Matrix([], [], {}, {}, {})
    for r, n in cells:
        g = group_label(r["group"])
        if g not in m.groups:
            m.columns.append(g)
            m.groups[g] = r["group"]
        if r["code"] not in m.meta:
            m.codes.append(r["code"])
            m.meta[r["code"]] = {"code": r["code"], "number": r["number"], "label": r["label"]}
        m.cells[(r["code"], g)] = n
    return m


def _chi2(matrix: list[list[int]]) -> dict[str, Any]:
    """Pearson's chi-square on the non-empty rows and columns (an empty one has no expected
    count), with the usual warning when expected counts are small."""
    import numpy as np
    from scipy.stats import chi2_contingency
    m = np.array(matrix, dtype=float) if matrix else np.zeros((0, 0))
    if m.size:
        m = m[m.sum(axis=1) > 0][:, m.sum(axis=0) > 0] if m.any() else np.zeros((0, 0))
    if m.ndim != 2 or m.shape[0] < 2 or m.shape[1] < 2:
        return {"chi2": None, "dof": 0, "p": None, "warning": "too few non-empty rows or columns for a chi-square test"}
    stat, p, dof, expected = chi2_contingency(m, correction=False)
    small = float((expected < 5).mean())
    warning = (f"{small:.0%} of expected counts are below 5; the test is unreliable" if small > 0.2 else "")
    return {"chi2": round(float(stat), 3), "dof": int(dof), "p": float(p), "n": int(m.sum()), "warning": warning,
            "small_share": round(small, 3)}


def crosstab_tables(result: Crosstab, lang: str = "sv") -> list[Table]:
    """Codes × columns. Counting units: per column its n in the header, the count, the percent of
    n and the row percent, and a total row of units with any code; counting mentions: count,
    row and column percent of the column's mentions."""
    from qualcode.i18n import t
    L = labels(lang)
    units = result.count == "documents"
    cols_g = [group_label(c["group"], lang) for c in result.columns]
    pct = "%" if units else L["col_pct"]
    columns = [L["number"], L["code"]]
    for g, c in zip(cols_g, result.columns):
        columns += [f"{g} (n={c['n']})" if units else f"{g} {L['count']}", f"{g} {pct}", f"{g} {L['row_pct']}"]
    columns.append(f"{L['totals']} (n={result.n})" if units else f"{L['totals']} {L['count']}")
    if units:
        columns.append(f"{L['totals']} %")
    by_key = {(r["code"], group_label(r["group"], lang)): r for r in result.rows}
    rows = []
    for tot in result.row_totals:
        row: list[Any] = [tot["number"], tot["label"]]
        for g in cols_g:
            r = by_key[(tot["code"], g)]
            row += [r["count"], r["unit_percent"] if units else r["column_percent"], r["row_percent"]]
        row.append(tot["count"])
        if units:
            row.append(tot["unit_percent"])
        rows.append(row)
    unit_name = t(f"crosstab.unit_{'segment' if not units else result.unit}", lang)
    if units:
        total_row: list[Any] = ["", t("crosstab.units_total", lang, unit=unit_name)]
        for c in result.columns:
            total_row += [c["coded"] or 0, percent(c["coded"] or 0, c["n"] or 0), percent(c["coded"] or 0, result.coded)]
        rows.append(total_row + [result.coded, percent(result.coded, result.n)])
    else:
        grand = sum(c["total"] for c in result.columns)
        total_row = ["", L["totals"]]
        for c in result.columns:
            total_row += [c["total"], 100.0 if c["total"] else None, percent(c["total"], grand)]
        rows.append(total_row + [grand])
    note = note_line(result.unreviewed, result.counting, lang) + _chi2_note(result.chi2, lang)
    title = t("crosstab.title", lang, unit=unit_name, by=result.by)
    table = Table(title, columns, rows, note=note, decimal_comma=lang == "sv")
    _terminal_layout(table, result, cols_g, lang)
    return [table]


def _terminal_layout(table: Table, result: Crosstab, cols_g: list[str], lang: str) -> None:
    """How a terminal prints the table when it is too wide (formats.table): the code columns in
    every part, each value's three columns together under short headers ("vt2017 (n=5)", "%",
    "Rad-%") that a legend explains."""
    L = labels(lang)
    units = result.count == "documents"
    short = [L["number"], L["code"]]
    for g, c in zip(cols_g, result.columns):
        short += [f"{g} (n={c['n']})" if units else g, "%" if units else L["col_pct"], L["row_pct"]]
    short += [f"{L['totals']} (n={result.n})", "%"] if units else [L["totals"]]
    table.key_columns, table.short_columns = 2, short
    table.blocks = [3] * len(cols_g) + [2 if units else 1]
    if lang == "sv":
        table.legend = ("Per värde: antal, " + ("% av kolumnens n" if units else "Kol-% av kolumnens nämnanden")
                        + ", Rad-% av radens summa.")
    else:
        table.legend = ("Per value: count, " + ("% of the column's n" if units else "Col % of the column's mentions")
                        + ", Row % of the row's total.")


def _chi2_note(s: dict[str, Any] | None, lang: str) -> str:
    """The test under the table in the table's language (the JSON keeps its English warning)."""
    from qualcode.i18n import t
    if s is None:
        return ""
    if s["chi2"] is None:
        return f"; χ²: {t('crosstab.chi2_too_few', lang)}"
    share = f"{round(100 * s.get('small_share', 0.0))}{' %' if lang == 'sv' else '%'}"
    return (f"; χ² = {format_number(s['chi2'], 2, lang)}, df = {s['dof']}, p = {format_number(s['p'], 3, lang)}"
            + (f" ({t('crosstab.chi2_small', lang, share=share)})" if s["warning"] else ""))
