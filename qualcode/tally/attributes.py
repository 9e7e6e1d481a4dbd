"""How documents spread over an attribute's values: the report's "Tabell 1", which tells the
reader who answered before any code is counted."""

from __future__ import annotations

from typing import Any

from qualcode.project import Project
from qualcode.report.formats import Table
from qualcode.tally.labels import labels, percent
from qualcode.tally.scope import check_attributes, docs_sql


def attribute_counts(project: Project, attribute: str, *, kind: str | None = None,
                     where: dict[str, str] | None = None) -> dict[str, Any]:
    """Blank and absent values are one row (value None), listed first, as the report's "Okänt"."""
    check_attributes(project, [attribute, *(where or {})])
    project.check_where(where)
    docs_query, args = docs_sql(kind, where, [attribute])
    rows = [(r[0], r[1]) for r in project.conn.execute(
        f"WITH docs AS ({docs_query}) SELECT CASE WHEN b0 = '' THEN NULL ELSE b0 END AS v, COUNT(*) FROM docs "
        f"GROUP BY v", args)]
    rows.sort(key=lambda r: (r[0] is not None, r[0] or ""))
    total = sum(n for _, n in rows)
    return {"attribute": attribute, "rows": [{"value": v, "count": n, "percent": percent(n, total)} for v, n in rows],
            "total": total}


def attribute_table(result: dict[str, Any], lang: str = "sv", unknown: str | None = None) -> Table:
    L = labels(lang)
    unknown = unknown or ("Okänt" if lang == "sv" else "Unknown")
    rows = [[unknown if r["value"] is None else r["value"], r["count"], r["percent"]] for r in result["rows"]]
    rows.append([L["totals"], result["total"], 100.0 if result["total"] else None])
    return Table(result["attribute"], ["", L["count"], L["percent"]], rows, decimal_comma=lang == "sv")
