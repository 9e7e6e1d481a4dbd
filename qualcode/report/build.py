"""``qualcode report``: every standard table and chart of a project in one folder.

The researcher gets what she pastes into her report without assembling commands: presence of
codes in the interviews overall and by each categorical attribute, mentions per open-answer
field, the choice tables of every set of alternative columns (langst_1, langst_2, langst_3 and
their combined totals, each a section with its own files), the distribution of respondents over
their attributes, and a chart for each.
A table never pools two surveys: when the respondents with a cell in a set of choice columns
carry more than one value of the survey attribute (``enkat``, given at import with
``--set enkat=ht2018``), the set gets one table per survey, each over its own respondents; so
do the tables of respondents by attribute (a survey that lacks the attribute gets none).
All tables go into one XLSX and one DOCX, each also as CSV and Markdown; index.md and
index.html list everything with the unreviewed-suggestion count, so she sees whether the
folder is final.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from qualcode import tally as T
from qualcode.project import Project
from qualcode.report import charts
from qualcode.report import sections as extra
from qualcode.report.sections import categorical_attributes
from qualcode.report.formats import Table, markdown_table, markdown_text, render_text, write_xlsx
from qualcode.report.formats.csv import BOM, render_csv
from qualcode.report.formats.docx import DocSection, write_report_docx
from qualcode.report.names import ascii_slug, unique_stem
from qualcode.variables import title as variable_title

SURVEY_ATTRIBUTE = "enkat"   # the attribute that tells surveys apart (README: import survey --set enkat=…)
Tick = Callable[[int], None]                 # a progress callback: steps done, or the total
Step = Callable[[], "list[Section]"]         # one planned step of a report: writes and returns its sections


@dataclass
class Section:
    title: str
    tables: list[Table]
    charts: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unreviewed: int | None = None

    @property
    def chart(self) -> str | None:
        return self.charts[0] if self.charts else None


@dataclass
class Report:
    folder: Path
    sections: list[Section] = field(default_factory=list)
    index_md: str = ""
    index_html: str = ""

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def charts(self) -> list[str]:
        return [c for s in self.sections for c in s.charts]


def choice_sets(project: Project) -> list[list[str]]:
    """Choice fields grouped as alternatives of one question: langst_1, langst_2, langst_3 → one set."""
    names = sorted((f for f, d in project.fields().items() if d["kind"] == "choice"), key=_natural)
    sets: dict[str, list[str]] = {}
    for n in names:
        sets.setdefault(re.sub(r"[_\-\s]*\d+$", "", n) or n, []).append(n)
    return list(sets.values())


def survey_values(project: Project, fields: list[str] | None, attribute: str = SURVEY_ATTRIBUTE) -> list[str]:
    """The values of ``attribute`` among respondents with a live cell in ``fields`` (None: all
    respondents); '' = blank or absent.

    More than one value means the fields hold answers from several surveys, which a table must
    not pool."""
    sql = ("SELECT DISTINCT COALESCE(a.value, '') FROM documents d "
           "LEFT JOIN attributes a ON a.doc = d.id AND a.name = ? WHERE d.kind = 'response'")
    if fields is not None:
        marks = ",".join("?" * len(fields))
        sql += (f" AND EXISTS (SELECT 1 FROM segments s WHERE s.doc = d.id "
                f"AND s.retired = 0 AND s.field IN ({marks}))")
    rows = project.conn.execute(sql, [attribute, *(fields or [])])
    return sorted({r[0] for r in rows}, key=lambda v: (v == "", _natural(v)))


def _natural(name: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def build_report(project: Project, folder: str | Path, *, coder: str | None = None,
                 include_suggestions: bool = False, lang: str = "sv",
                 survey_attribute: str | None = SURVEY_ATTRIBUTE, csv_style: str | None = None,
                 progress: Tick | None = None, on_total: Tick | None = None) -> Report:
    """Write the report folder. ``survey_attribute`` names the document attribute that tells
    surveys apart; a set of choice columns answered in several surveys gets one table per value
    (None: pool them, as a single-survey project always is). ``csv_style`` is how the CSV files
    are written (default: as the report's language writes numbers, ``sv``: ";" and decimal comma).

    The sections are planned before any is written, so ``on_total`` hears the number of steps
    (a section, or a set of per-survey sections, and the XLSX and DOCX) and ``progress`` one
    tick per step done: a caller can show a bar with time left; the library never prints."""
    if survey_attribute and survey_attribute != SURVEY_ATTRIBUTE:  # a name the user typed must exist
        T.check_attributes(project, [survey_attribute])
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "charts").mkdir(exist_ok=True)
    rep = Report(out)
    render_csv([], csv_style or lang)   # an unknown style is refused before anything is written
    job = _Job(project, out, lang, dict(coder=coder, include_suggestions=include_suggestions), survey_attribute,
               csv_style or lang)
    steps = _plan(job)
    tick = progress or (lambda n: None)
    if on_total:
        on_total(len(steps) + 2)
    for step in steps:
        rep.sections += step()
        tick(1)
    write_xlsx(rep.tables, str(out / "tabeller.xlsx"), lang=lang)
    tick(1)
    rep.index_md, rep.index_html = _write_index(project, rep, lang, include_suggestions)
    heading = "Tabeller och diagram" if lang == "sv" else "Tables and charts"
    write_report_docx(heading, _intro(project, lang, include_suggestions),
                      [DocSection(s.title, s.tables, [str(out / c) for c in s.charts]) for s in rep.sections],
                      out / "tabeller.docx", lang)
    tick(1)
    return rep


def _plan(job: "_Job") -> list[Step]:
    """Every step of the report in the order its sections appear; each writes its own files
    when run. Planning only reads which attributes, choice sets and fields there are."""
    kinds = {r[0] for r in job.project.conn.execute("SELECT DISTINCT kind FROM documents")}
    steps: list[Step] = []
    if "interview" in kinds:
        steps += _presence_sections(job)
    if "response" in kinds:
        steps += _respondent_sections(job)
    steps += _choice_sections(job)
    steps += _mention_sections(job)
    steps += [lambda: extra.crosstab_sections(job), lambda: extra.quote_sections(job)]
    return steps


@dataclass
class _Job:
    """What every step of one report shares."""

    project: Project
    out: Path
    lang: str
    kw: dict[str, Any]              # coder, include_suggestions: how every tally counts
    survey_attribute: str | None
    csv_style: str = "sv"
    stems: set[str] = field(default_factory=set)   # file names taken, so two sections never share one

    def unknown(self) -> str:
        return T.labels(self.lang)["unknown"]

    def title(self, name: str) -> str:
        """A field's or attribute's label from the study, else its name."""
        return variable_title(self.project.conn, name)

    def section(self, stem: str, tables: list[Table], unreviewed: int | None, draw: Any,
                title: str | None = None, file_stem: str | None = None) -> Section:
        return _section(self, stem, tables, unreviewed, draw, title, file_stem)


def _presence_sections(job: _Job) -> list[Step]:
    """Presence of codes in the interviews, overall and by each categorical attribute."""
    lang = job.lang

    def one(attr: str | None) -> list[Section]:
        r = T.presence(job.project, kind="interview", by=[attr] if attr else (), **job.kw)
        return [job.section(f"presence_{attr or 'all'}", T.presence_tables(r, lang), r.unreviewed,
                            lambda p: charts.presence_chart(r, p, lang))]
    attrs: list[str | None] = [None, *categorical_attributes(job.project, "interview")]
    return [lambda a=a: one(a) for a in attrs]


def _respondent_sections(job: _Job) -> list[Step]:
    """Respondents by each categorical attribute; per survey when there are several, and none
    for a survey that did not ask for the attribute."""
    sv, survey = job.lang == "sv", job.survey_attribute
    surveys = survey_values(job.project, None, survey) if survey else []

    def one(attr: str) -> list[Section]:
        title = (f"Enkätsvar per {job.title(attr)}" if sv else f"Survey answers by {job.title(attr)}")
        if len(surveys) < 2 or attr == survey:
            t = T.attribute_table(T.attribute_counts(job.project, attr, kind="response"), job.lang)
            t.title = title
            return [job.section(f"respondents_{attr}", [t], None, None)]
        out = []
        for value in surveys:  # as for choice tables: one survey's respondents at a time
            a = T.attribute_counts(job.project, attr, kind="response", where={survey: value})
            if all(r["value"] is None for r in a["rows"]):
                continue  # a question this survey did not ask
            t = T.attribute_table(a, job.lang)
            t.title = f"{title} ({survey}={value or job.unknown()})"
            out.append(job.section(f"respondents_{attr}_{survey}_{value or 'saknas'}", [t], None, None))
        return out
    return [lambda a=a: one(a) for a in categorical_attributes(job.project, "response")]


def _choice_sections(job: _Job) -> list[Step]:
    """The choice tables of every set of alternative columns, one survey's respondents per
    table: a pooled Total would mix two questionnaires. One step per set of columns; each
    alternative (langst_1, langst_2 …) and the combined totals are a section of their own."""
    lang, survey = job.lang, job.survey_attribute

    def one(fields: list[str]) -> list[Section]:
        stem = re.sub(r"[_\-\s]*\d+$", "", fields[0]) or fields[0]
        labels = {f: job.title(f) for f in fields}
        values = survey_values(job.project, fields, survey) if survey else []
        if len(values) < 2:
            res = T.choice(job.project, fields, **job.kw)
            return _choice_set(job, stem, res, T.choice_tables(res, lang, titles=labels), "", "")
        out = []
        for value in values:
            res = T.choice(job.project, fields, where={survey: value}, **job.kw)
            scope = f"{survey}={value or job.unknown()}"
            tables = T.choice_tables(res, lang, titles=labels)
            for t in tables:
                t.title = f"{t.title} ({scope})"
            out += _choice_set(job, stem, res, tables, scope, f"_{survey}_{value or 'saknas'}")
        return out
    return [lambda f=f: one(f) for f in choice_sets(job.project)]


def _choice_set(job: _Job, stem: str, res: Any, tables: list[Table], scope: str, suffix: str) -> list[Section]:
    """One section per alternative and one for the combined totals, which has the chart (its
    bars stacked by alternative): every table gets its own CSV and Markdown file (``langst_1``,
    ``langst_2`` …, ``langst_alla_alternativ``), so a file never holds a table its name does not
    say. A single column's section has the chart."""
    lang = job.lang
    combined = tables[len(res.tables):]

    def draw(p: Path) -> list[Path]:
        return charts.choice_chart(res, p, lang, title=scope)
    out = [job.section(f"choice_{t['field']}{suffix}", [table], res.unreviewed, None if combined else draw)
           for t, table in zip(res.tables, tables)]
    if combined:   # several alternatives: the times each area was named in any of them
        name = f"{stem}_{'alla_alternativ' if lang == 'sv' else 'all_alternatives'}{suffix}"
        out.append(job.section(name, combined, res.unreviewed, draw, file_stem=name))
    return out


def _mention_sections(job: _Job) -> list[Step]:
    """Mentions per open field and code group, for every group someone coded or was suggested there."""

    def one(name: str, grp: str) -> list[Section]:
        m = T.mentions(job.project, groups=[grp], fields=[name], **job.kw)
        tables = T.mentions_tables(m, job.lang)
        heading = f"{T.labels(job.lang)['mentions']}: {job.title(name)} – {_group_title(job, grp)}"
        for t in tables:   # two fields' tables must not share a title
            t.title = heading or t.title
        return [job.section(f"mentions_{name}_{grp}", tables, m.unreviewed,
                            lambda p: charts.mentions_chart(m, p, job.lang), heading)]
    out: list[Step] = []
    for name, meta in sorted(job.project.fields().items(), key=lambda kv: _natural(kv[0])):
        if meta["kind"] == "choice":
            continue
        used = [r[0] for r in job.project.conn.execute(
            "SELECT DISTINCT c.grp FROM (SELECT d.code FROM decisions d JOIN segments s ON s.id = d.segment "
            "WHERE s.field = ? UNION SELECT g.code FROM suggestions g JOIN segments s ON s.id = g.segment "
            "WHERE s.field = ?) x JOIN codes c ON c.id = x.code ORDER BY c.grp", (name, name))]
        out += [lambda n=name, g=grp: one(n, g) for grp in used]
    return out


def _group_title(job: _Job, grp: str) -> str:
    group = job.project.codebook.groups.get(grp)
    return getattr(group, "label", None) or grp


def _section(job: _Job, stem: str, tables: list[Table], unreviewed: int | None, draw: Any,
             title: str | None = None, file_stem: str | None = None) -> Section:
    """Write a section's CSV (BOM first, so Excel reads UTF-8) and Markdown, and its charts.

    Files are named after the section's title as the reader sees it, in readable ASCII
    ("Enkätsvar per roll" -> ``enkatsvar_per_roll.csv``; ``stem`` when the title has no letters),
    numbered when two sections share a name; a chart's extra files (``x_2.png``) are reserved too,
    so a later section never overwrites them. ``file_stem`` names the files instead of the title
    when the title is too long to name them apart (the combined totals of a set of alternatives)."""
    title = title or (tables[0].title if tables else stem)
    stem = unique_stem(file_stem or title, job.stems, fallback=ascii_slug(stem) or "tabell")
    sec = Section(title, tables, unreviewed=unreviewed)
    (job.out / f"{stem}.csv").write_text(BOM + render_csv(tables, job.csv_style), encoding="utf-8")
    (job.out / f"{stem}.md").write_text(render_text("md", tables=tables), encoding="utf-8")
    sec.files = [f"{stem}.csv", f"{stem}.md"]
    if draw is not None and any(t.rows for t in tables):
        drawn = draw(job.out / "charts" / f"{stem}.png")
        sec.charts = [f"charts/{Path(p).name}" for p in drawn]
        job.stems.update(Path(p).stem for p in drawn)
    return sec


def _intro(project: Project, lang: str, preview: bool) -> str:
    cb = project.codebook
    counted = "Endast validerade kodningar räknas." if not preview else T.labels(lang)["preview"] + "."
    if lang == "sv":
        return f"Projekt {project.path}, kodbok {cb.name} (version {cb.version}). {counted}"
    return f"Project {project.path}, codebook {cb.name} (version {cb.version}). {counted}"


def _write_index(project: Project, rep: Report, lang: str, preview: bool) -> tuple[str, str]:
    sv = lang == "sv"
    cb = project.codebook
    heading = "Tabeller och diagram" if sv else "Tables and charts"
    counted = "Endast validerade kodningar räknas." if not preview else T.labels(lang)["preview"] + "."
    intro = _intro(project, lang, preview)   # the HTML page shows it as typed: no Markdown backticks
    # a code span shows its text as typed; the codebook's name is prose, where HTML would run
    intro_md = f"Projekt `{project.path}`, kodbok {markdown_text(cb.name)} (version {cb.version}). {counted}"
    total_unrev = max([s.unreviewed or 0 for s in rep.sections] or [0])
    status = (("Tabellerna är slutgiltiga: inga ogranskade förslag." if sv else "Tables are final: no unreviewed suggestions.")
              if total_unrev == 0 else
              (f"Inte slutgiltigt: upp till {total_unrev} ogranskade förslag i en tabells omfång."
               if sv else f"Not final: up to {total_unrev} unreviewed suggestions in a table's scope."))
    md = [f"# {heading}\n", intro_md + "\n", f"**{status}**\n",
          ("Alla tabeller: [tabeller.xlsx](tabeller.xlsx), [tabeller.docx](tabeller.docx)\n" if sv else
           "All tables: [tabeller.xlsx](tabeller.xlsx), [tabeller.docx](tabeller.docx)\n")]
    body = []
    for s in rep.sections:
        md.append(f"## {markdown_text(s.title)}\n")
        md.append(" · ".join(f"[{f}]({f})" for f in s.files) + "\n")
        for t in s.tables:
            md.append(markdown_table(t))
        for c in s.charts:
            md.append(f"![{markdown_text(s.title)}]({c})\n")
        body.append(f"<section><h2>{html.escape(s.title)}</h2><p>"
                    + " · ".join(f'<a href="{f}">{f}</a>' for f in s.files) + "</p>"
                    + "".join(_html_table(t) for t in s.tables)
                    + "".join(f'<img src="{c}" alt="{html.escape(s.title)}">' for c in s.charts) + "</section>")
    (rep.folder / "index.md").write_text("\n".join(md), encoding="utf-8")
    page = (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{heading}</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.2em .5em}"
            "td.n{text-align:right}caption{text-align:left;font-weight:bold}p.note{color:#555;font-size:.9em}"
            "img{max-width:100%}</style></head><body>"
            f"<h1>{heading}</h1><p>{html.escape(intro)}</p><p><strong>{html.escape(status)}</strong></p>"
            f'<p><a href="tabeller.xlsx">tabeller.xlsx</a> · <a href="tabeller.docx">tabeller.docx</a></p>'
            + "".join(body) + "</body></html>")
    (rep.folder / "index.html").write_text(page, encoding="utf-8")
    return str(rep.folder / "index.md"), str(rep.folder / "index.html")


def _html_table(t: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.columns)
    rows = []
    for raw, row in zip(t.rows, t.text_rows()):
        cells = "".join(
            f'<td class="n">{html.escape(v)}</td>' if isinstance(r, (int, float)) and not isinstance(r, bool)
            else f"<td>{html.escape(v)}</td>" for r, v in zip(raw, row))
        rows.append(f"<tr>{cells}</tr>")
    note = f'<p class="note">{html.escape(t.note)}</p>' if t.note else ""
    return (f"<table><caption>{html.escape(t.title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}")
