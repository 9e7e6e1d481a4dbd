"""Crosstab: codes × the values of one attribute, with row and column percent and chi-square.

Built on presence (cells count documents) or mentions (cells count coded segments), so a
crosstab's cell is always the figure the plain tally prints for that group.
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

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "count": self.count, "rows": self.rows, "columns": self.columns,
                "row_totals": self.row_totals, "chi2": self.chi2, "unreviewed": self.unreviewed}


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
             include_suggestions: bool = False) -> Crosstab:
    """Column percent is of the column's cell total, so a column sums to 100 % even when
    documents carry several codes."""
    if count not in ("documents", "mentions"):
        raise QualcodeError("--count must be documents or mentions")
    if count == "documents":
        res = presence(project, by=[by], groups=groups, codes=codes, where=where, fields=fields, kind=kind,
                       coder=coder, include_suggestions=include_suggestions)
        cells = [(r, r["documents"]) for r in res.rows]
        colinfo = {group_label(g["group"]): g["of"] for g in res.groups}
    else:
        res = mentions(project, by=[by], groups=groups, codes=codes, fields=fields, where=where, kind=kind,
                       coder=coder, include_suggestions=include_suggestions)
        cells = [(r, r["count"]) for r in res.rows]
        colinfo = {}
    m = _matrix(cells)
    row_tot = {c: sum(m.get(c, g) for g in m.columns) for c in m.codes}
    col_tot = {g: sum(m.get(c, g) for c in m.codes) for g in m.columns}
    rows = [{**m.meta[c], "group": m.groups[g], "count": m.get(c, g),
             "row_percent": percent(m.get(c, g), row_tot[c]), "column_percent": percent(m.get(c, g), col_tot[g])}
            for c in m.codes for g in m.columns]
    columns = [{"group": m.groups[g], "total": col_tot[g], "documents": colinfo.get(g)} for g in m.columns]
    row_totals = [{**m.meta[c], "count": row_tot[c]} for c in m.codes]
    stats = _chi2([[m.get(c, g) for g in m.columns] for c in m.codes]) if chi2 else None
    return Crosstab(by, count, rows, columns, row_totals, stats, res.unreviewed, res.counting)


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
    return {"chi2": round(float(stat), 3), "dof": int(dof), "p": float(p), "n": int(m.sum()), "warning": warning}


def crosstab_tables(result: Crosstab, lang: str = "sv") -> list[Table]:
    L = labels(lang)
    cols_g = [group_label(c["group"], lang) for c in result.columns]
    columns = [L["number"], L["code"]]
    for g in cols_g:
        columns += [f"{g} {L['count']}", f"{g} {L['row_pct']}", f"{g} {L['col_pct']}"]
    columns.append(f"{L['totals']} {L['count']}")
    by_key = {(r["code"], group_label(r["group"], lang)): r for r in result.rows}
    rows = []
    for t in result.row_totals:
        row: list[Any] = [t["number"], t["label"]]
        for g in cols_g:
            r = by_key[(t["code"], g)]
            row += [r["count"], r["row_percent"], r["column_percent"]]
        row.append(t["count"])
        rows.append(row)
    grand = sum(c["total"] for c in result.columns)
    total_row: list[Any] = ["", L["totals"]]
    for c in result.columns:
        total_row += [c["total"], percent(c["total"], grand), 100.0 if c["total"] else None]
    rows.append(total_row + [grand])
    note = note_line(result.unreviewed, result.counting, lang) + _chi2_note(result.chi2, lang)
    what = "dokument" if result.count == "documents" else L["mentions"].lower()
    title = f"{'Korstabell' if lang == 'sv' else 'Crosstab'}: {what} × {result.by}"
    return [Table(title, columns, rows, note=note, decimal_comma=lang == "sv")]


def _chi2_note(s: dict[str, Any] | None, lang: str) -> str:
    if s is None:
        return ""
    if s["chi2"] is None:
        return f"; χ²: {s['warning']}"
    return (f"; χ² = {format_number(s['chi2'], 2, lang)}, df = {s['dof']}, p = {format_number(s['p'], 3, lang)}"
            + (f" ({s['warning']})" if s["warning"] else ""))
