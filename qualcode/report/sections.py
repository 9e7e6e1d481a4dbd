"""The report's crosstabs and quotes: what the researcher pastes beside the frequency tables.

A crosstab counts documents (interviews) per code and value of each attribute that groups them;
its note states the unit and each column's n, so a percent is never read without its base.
The quotes section gives, per code with codings, the first sentences that carry it (a few per
code), with the document they come from, as she would cite them.
"""

from __future__ import annotations

from typing import Any

from qualcode import tally as T
from qualcode.project import Project
from qualcode.report.formats import Table
from qualcode.tally.quotes import memo_cell

QUOTES_PER_CODE = 3
MAX_CATEGORIES = 20


def categorical_attributes(project: Project, kind: str) -> list[str]:
    """Attributes that group documents: 2..MAX_CATEGORIES values, fewer values than documents."""
    rows = project.conn.execute(
        "SELECT a.name, COUNT(DISTINCT a.value), COUNT(DISTINCT a.doc) FROM attributes a "
        "JOIN documents d ON d.id = a.doc WHERE d.kind = ? GROUP BY a.name ORDER BY a.name", (kind,)).fetchall()
    n_docs = project.conn.execute("SELECT COUNT(*) FROM documents WHERE kind = ?", (kind,)).fetchone()[0]
    return [r[0] for r in rows if 2 <= r[1] <= MAX_CATEGORIES and r[1] < n_docs]


def crosstab_sections(job: Any) -> list[Any]:
    """One crosstab per attribute that groups the interviews (and the survey answers' codes)."""
    out = []
    sv = job.lang == "sv"
    for kind in ("interview", "response"):
        if not _has_codings(job, kind):
            continue
        for attr in categorical_attributes(job.project, kind):
            ct = T.crosstab(job.project, by=attr, kind=kind, **job.kw)
            if not ct.rows:
                continue
            tables = T.crosstab_tables(ct, job.lang)
            unit = ("intervjuer" if kind == "interview" else "enkätsvar") if sv else \
                   ("interviews" if kind == "interview" else "survey answers")
            ns = ", ".join(f"{T.group_label(c['group'], job.lang)}: n={c['documents']}" for c in ct.columns)
            label = job.title(attr)
            for t in tables:
                t.title = f"{'Korstabell' if sv else 'Crosstab'}, {unit} ({label})"
                t.note = (f"Enhet: {unit}; n per kolumn: {ns}. " if sv else f"Unit: {unit}; n per column: {ns}. ") + t.note
            out.append(job.section(f"korstabell_{kind}_{attr}", tables, ct.unreviewed, None))
    return out


def quote_sections(job: Any) -> list[Any]:
    """A few quotes per code that has codings, grouped under one section per code group."""
    sv = job.lang == "sv"
    by_group: dict[str, list[Table]] = {}
    # an answer to a choice question ("adm stöd") is a code, not a quote: only notes and open answers
    quotable = [f for f, d in job.project.fields().items() if d["kind"] != "choice"]
    for code in job.project.codebook.codes:
        found = T.quotes(job.project, code.id, fields=quotable, **job.kw) if quotable else []
        if not found:
            continue
        shown = found[:QUOTES_PER_CODE]
        rows = [[q["text"], _source(job, q)] for q in shown]
        head = ["Citat", "Källa"] if sv else ["Quote", "Source"]
        if any(q.get("memos") for q in shown):   # the researcher's memos beside the quote they explain
            head.append("Memo")
            for row, q in zip(rows, shown):
                row.append(memo_cell(q, job.lang))
        note = (f"{len(shown)} av {len(found)} kodade avsnitt." if sv else f"{len(shown)} of {len(found)} coded passages.")
        by_group.setdefault(code.group, []).append(Table(f"{'Citat' if sv else 'Quotes'}: {code.title}", head, rows,
                                                         note=note, decimal_comma=sv))
    out = []
    for grp, tables in by_group.items():
        group = job.project.codebook.groups.get(grp)
        name = getattr(group, "label", None) or grp
        out.append(job.section(f"citat_{grp}", tables, None, None, f"{'Citat' if sv else 'Quotes'}: {name}"))
    return out


def _source(job: Any, q: dict[str, Any]) -> str:
    return f"{q['doc']} ({job.title(q['field'])})"


def _has_codings(job: Any, kind: str) -> bool:
    return job.project.conn.execute(
        "SELECT 1 FROM documents WHERE kind = ? LIMIT 1", (kind,)).fetchone() is not None
