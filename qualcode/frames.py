"""pandas DataFrames of a project, for a colleague who analyses in Python.

    from qualcode import Project, frames, tally
    p = Project.open("studie.db")
    docs = frames.documents(p)                      # one row per document, attributes as columns
    coded = frames.codings(p)                       # validated codings, one row per (segment, code)
    frames.tally(tally.choice(p, ["langst_1"]))     # any tally result as a DataFrame

Attribute columns are ordered categoricals in the study's order (an SPSS file's value labels,
else natural order: "2" before "10"), so ``groupby`` and plots list them as the report does.
pandas is imported on first use, so ``import qualcode`` stays light.
"""

from __future__ import annotations

from typing import Any

from qualcode.project import Project
from qualcode.tally.codings import counting, prepare
from qualcode.variables import value_order


def documents(project: Project, kind: str | None = None) -> Any:
    """doc, kind, source and one ordered categorical column per attribute."""
    import pandas as pd
    docs = project.documents(kind=kind)
    names = sorted({k for d in docs for k in d["attributes"]})
    df = pd.DataFrame([{"doc": d["id"], "kind": d["kind"], "source": d["source"],
                        **{n: d["attributes"].get(n) for n in names}} for d in docs],
                      columns=["doc", "kind", "source", *names])
    return _categorical(project, df, names)


def segments(project: Project) -> Any:
    """segment, doc, field, start, end, text of every live segment."""
    import pandas as pd
    return pd.DataFrame([dict(r) for r in project.iter_segments()],
                        columns=["segment", "doc", "field", "start", "end", "text"])


def codings(project: Project, *, coder: str | None = None, include_suggestions: bool = False,
            attributes: bool = True) -> Any:
    """The codings that count in a tally (validated, or previewed), with the code's label,
    group (``code_group``) and number, and the document's attributes."""
    import pandas as pd
    src = prepare(project.conn, counting(project, coder, include_suggestions))
    rows = project.conn.execute(
        f"SELECT t.segment, s.doc, s.field, t.code, c.label, c.grp, c.number, s.text FROM {src.codings} t "
        f"JOIN segments s ON s.id = t.segment AND s.retired = 0 JOIN codes c ON c.id = t.code "
        f"WHERE {src.coded} ORDER BY s.doc, s.field, s.position, c.position").fetchall()
    df = pd.DataFrame([tuple(r) for r in rows],
                      columns=["segment", "doc", "field", "code", "label", "code_group", "number", "text"])
    df["number"] = df["number"].astype("Int64")
    if attributes:
        docs = documents(project).drop(columns=["kind", "source"])
        df = df.merge(docs, on="doc", how="left")
    return df


def suggestions(project: Project) -> Any:
    """Every stored suggestion with its score, source and evidence."""
    import pandas as pd
    cur = project.conn.execute(
        "SELECT g.*, s.doc, s.field, s.text AS segment_text FROM suggestions g JOIN segments s ON s.id = g.segment "
        "WHERE s.retired = 0 ORDER BY g.segment, g.code")
    cols = [c[0] for c in cur.description]
    return pd.DataFrame([tuple(r) for r in cur.fetchall()], columns=cols)


def tally(result: Any) -> Any:
    """Any tally result (presence, mentions, choice, crosstab, attribute counts) as one long
    DataFrame: its rows, with a grouped result's groups as columns and a choice result's
    fields stacked (a ``field`` column; Ej svar and Total rows included)."""
    import pandas as pd
    data = result.to_json() if hasattr(result, "to_json") else result
    if "tables" in data:   # choice
        rows = []
        for t in data["tables"]:
            rows += [{"field": t["field"], **r} for r in t["rows"]]
            if t.get("not_reviewed"):   # answered, not yet coded: as the table prints it
                rows.append({"field": t["field"], "code": None, "label": "Ej granskade", "count": t["not_reviewed"],
                             "percent": t.get("not_reviewed_percent")})
            rows.append({"field": t["field"], "code": None, "label": "Ej svar", "count": t["no_answer"],
                         "percent": t.get("no_answer_percent")})
            rows.append({"field": t["field"], "code": None, "label": "Total", "count": t["total"], "percent": 100.0})
        return pd.DataFrame(rows)
    rows = [_flat(r) for r in data.get("rows", [])]
    return pd.DataFrame(rows)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "group"}
    if isinstance(row.get("group"), dict):
        out.update(row["group"])
    elif "group" in row:
        out["group"] = row["group"]
    return out


def _categorical(project: Project, df: Any, names: list[str]) -> Any:
    import pandas as pd
    for n in names:
        order = value_order(project.conn, n, df[n].unique())
        df[n] = pd.Categorical(df[n], categories=order, ordered=True)
    return df
