"""Commands that turn validated codes into the report's numbers: tally, quotes, report, check-claims."""

from __future__ import annotations

from typing import Any, Callable

import click

from qualcode import tally as T
from qualcode.cli.options import (
    State,
    SubGroup,
    code_ids,
    csv_style_option,
    emit,
    output_options,
    parse_where,
    pass_state,
    progress_bar,
)
from qualcode.i18n import language, t
from qualcode.report import charts
from qualcode.report.formats import FILE_FORMATS, TEXT_FORMATS

# every export format but jsonl: a tally is one result, not a stream of records
FORMATS = tuple(f for f in TEXT_FORMATS + FILE_FORMATS if f != "jsonl")


def counting_options(f: Callable) -> Callable:
    """--coder, --include-suggestions, --lang, --chart: shared by every tally."""
    f = click.option("--chart", type=click.Path(dir_okay=False), default=None,
                     help="Also draw a horizontal bar chart to this .png or .svg file.")(f)
    f = click.option("--lang", type=click.Choice(["sv", "en"]), default=language, show_default="sv",
                     help="Table labels and decimal mark (default: the run's language).")(f)
    f = click.option("--include-suggestions", is_flag=True,
                     help="Preview: count unrejected suggestions scoring >= 0.5 as if accepted.")(f)
    f = click.option("--coder", default=None,
                     help="Count this coder's codings (default: the consensus, or the only coder).")(f)
    return f


def csv_option(f: Callable) -> Callable:
    """--csv-style of every tally, quotes and report: its default follows the command's --lang."""
    return csv_style_option(f, default_from="--lang")


def _chart_done(path: str | None) -> None:
    if path:
        click.echo(t("cli.wrote", path=path), err=True)


@click.group(cls=SubGroup)
def tally() -> None:
    """Counts and tables from validated codes: presence, mentions, choice, crosstab, attribute."""


@tally.command("presence")
@click.option("--group", "groups", multiple=True, help="Code group (fokusomrade, tema …); repeatable.")
@click.option("--code", "codes", multiple=True, help="Only this code; repeatable.")
@click.option("--by", "by", multiple=True, metavar="ATTR", help="Group documents by this attribute; repeatable.")
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Only documents with this attribute value.")
@click.option("--field", "fields", multiple=True, help="Count codes in this field (default: interview notes).")
@click.option("--kind", type=click.Choice(["interview", "response"]), default=None, help="Document kind.")
@click.option("--sentence", is_flag=True, help="Print the report's prose: '… togs upp i 22 av de 30 intervjuerna (73 %).'")
@counting_options
@csv_option
@output_options(formats=FORMATS)
@pass_state
def tally_presence(state: State, groups: tuple[str, ...], codes: tuple[str, ...], by: tuple[str, ...],
                   where: tuple[str, ...], fields: tuple[str, ...], kind: str | None, sentence: bool,
                   coder: str | None, include_suggestions: bool, lang: str, chart: str | None,
                   fmt: str, output: str | None, csv_style: str | None = None) -> None:
    """In how many documents of each group each code occurs: "22 av 30 (73 %)"."""
    res = T.presence(state.project, by=by, groups=groups or None, codes=codes or None, where=parse_where(where),
                     fields=fields or None, kind=kind, coder=coder, include_suggestions=include_suggestions)
    if chart:
        charts.presence_chart(res, chart, lang)
    if sentence and fmt != "json":
        lines = [T.presence_sentence(r, res.kind, lang) for r in (res.rows if res.by else res.totals)]
        text = "\n".join(lines) + f"\n({T.note_line(res.unreviewed, res.counting, lang)})\n"
        _write_text(text, output)
    else:
        emit(fmt, output, data=res.to_json(), tables=T.presence_tables(res, lang), csv_style=csv_style or lang)
    _chart_done(chart)


@tally.command("mentions")
@click.option("--group", "groups", multiple=True, help="Code group; repeatable.")
@click.option("--code", "codes", multiple=True, help="Only this code; repeatable.")
@click.option("--field", "fields", multiple=True, help="Only segments of this field (e.g. fraga_2a); repeatable.")
@click.option("--by", "by", multiple=True, metavar="ATTR", help="Count separately per attribute value.")
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Only documents with this attribute value.")
@counting_options
@csv_option
@output_options(formats=FORMATS)
@pass_state
def tally_mentions(state: State, groups: tuple[str, ...], codes: tuple[str, ...], fields: tuple[str, ...],
                   by: tuple[str, ...], where: tuple[str, ...], coder: str | None, include_suggestions: bool,
                   lang: str, chart: str | None, fmt: str, output: str | None, csv_style: str | None = None) -> None:
    """How many coded segments name each code ("nämns 22 gånger"), most named first."""
    if not groups and not codes:
        raise click.UsageError("name a code group with --group (or codes with --code)")
    res = T.mentions(state.project, groups=groups, codes=codes or None, fields=fields or None, by=by,
                     where=parse_where(where), coder=coder, include_suggestions=include_suggestions)
    if chart:
        charts.mentions_chart(res, chart, lang)
    emit(fmt, output, data=res.to_json(), tables=T.mentions_tables(res, lang), csv_style=csv_style or lang)
    _chart_done(chart)


@tally.command("choice")
@click.option("--field", "fields", multiple=True, required=True, help="An alternative column (langst_1 …); repeatable.")
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Only respondents with this attribute value.")
@click.option("--code-group", default=None, help="Code group of the columns (default: as imported).")
@counting_options
@csv_option
@output_options(formats=FORMATS)
@pass_state
def tally_choice(state: State, fields: tuple[str, ...], where: tuple[str, ...], code_group: str | None,
                 coder: str | None, include_suggestions: bool, lang: str, chart: str | None,
                 fmt: str, output: str | None, csv_style: str | None = None) -> None:
    """SPSS-style tables per alternative (Antal, Procent, Ej svar, Total) and times each area is named."""
    res = T.choice(state.project, list(fields), where=parse_where(where), code_group=code_group, coder=coder,
                   include_suggestions=include_suggestions)
    if chart:
        charts.choice_chart(res, chart, lang)
    from qualcode.variables import titles
    emit(fmt, output, data=res.to_json(), tables=T.choice_tables(res, lang, titles(state.project.conn, [t["field"] for t in res.tables])), csv_style=csv_style or lang)
    _chart_done(chart)
    if res.not_reviewed:   # on stderr, so a pipe or a file keeps only the table
        click.echo(_not_reviewed_line(res.not_reviewed, lang), err=True)


def _not_reviewed_line(n: int, lang: str) -> str:
    if lang == "sv":
        return (f"{n} svar är ännu inte granskade (förslag utan beslut) och räknas som Ej granskade, "
                "inte Ej svar: tabellen är inte slutgiltig.")
    return (f"{n} answer{'s are' if n != 1 else ' is'} not yet reviewed (suggestions without a decision), "
            "counted as Not reviewed, not No answer: the table is not final.")


@tally.command("crosstab")
@click.option("--group", "groups", multiple=True, help="Code group; repeatable.")
@click.option("--code", "codes", multiple=True, help="Only this code (id or label); repeatable.")
@click.option("--by", "by", required=True, metavar="ATTR", help="The attribute in the columns.")
@click.option("--unit", type=click.Choice(["interview", "respondent", "mention"]), default=None,
              help="What a cell counts (default: the documents that have ATTR: interviews for notes' "
                   "attributes, respondents for a survey's).")
@click.option("--field", "fields", multiple=True, help="Codes in this field (default: all fields of the unit).")
@click.option("--kind", type=click.Choice(["interview", "response"]), default=None)
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE")
@click.option("--count", "count", type=click.Choice(["documents", "mentions"]), default="documents", show_default=True,
              help="documents: units (see --unit); mentions: coded segments (= --unit mention).")
@click.option("--chi2", is_flag=True, help="Add Pearson's chi-square test.")
@counting_options
@csv_option
@output_options(formats=FORMATS)
@pass_state
def tally_crosstab(state: State, groups: tuple[str, ...], codes: tuple[str, ...], by: str, unit: str | None,
                   fields: tuple[str, ...], kind: str | None, where: tuple[str, ...], count: str, chi2: bool,
                   coder: str | None, include_suggestions: bool, lang: str, chart: str | None, fmt: str,
                   output: str | None, csv_style: str | None = None) -> None:
    """Codes × an attribute's values: units (interviews or respondents) per cell, each column's n,
    percent of n, row percent, and a total row of units with any code."""
    p = state.project
    res = T.crosstab(p, by=by, groups=groups or None, codes=code_ids(p, codes), fields=fields or None,
                     kind=kind, where=parse_where(where), count=count, chi2=chi2, coder=coder,
                     include_suggestions=include_suggestions, unit=unit)
    if chart:
        cats = [r["label"] for r in res.row_totals]
        key = "unit_percent" if res.count == "documents" else "column_percent"
        series = {T.group_label(c["group"], lang): [r[key] or 0 for r in res.rows if r["group"] == c["group"]]
                  for c in res.columns}
        charts.bar_chart(chart, cats, series, xlabel="Procent" if lang == "sv" else "Percent",
                         percent=True, decimal_comma=lang == "sv")
    emit(fmt, output, data=res.to_json(), tables=T.crosstab_tables(res, lang), csv_style=csv_style or lang)
    _chart_done(chart)


@tally.command("attribute")
@click.argument("attribute")
@click.option("--kind", type=click.Choice(["interview", "response"]), default=None)
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=language, show_default="sv",
              help="Table labels and decimal mark (default: the run's language).")
@csv_option
@output_options(formats=FORMATS)
@pass_state
def tally_attribute(state: State, attribute: str, kind: str | None, where: tuple[str, ...], lang: str,
                    fmt: str, output: str | None, csv_style: str | None = None) -> None:
    """How documents spread over an attribute's values (the report's 'Tabell 1'); blank = Okänt."""
    res = T.attribute_counts(state.project, attribute, kind=kind, where=parse_where(where))
    emit(fmt, output, data=res, tables=[T.attribute_table(res, lang)], csv_style=csv_style or lang)


@click.command("quotes")
@click.option("--code", "code", required=True, help="The code to quote.")
@click.option("--by", "by", multiple=True, metavar="ATTR", help="Group quotes by attribute.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N quotes (per group with --by).")
@click.option("--field", "fields", multiple=True)
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE")
@click.option("--coder", default=None)
@click.option("--include-suggestions", is_flag=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default=language, show_default="sv",
              help="Table labels and decimal mark (default: the run's language).")
@csv_option
@output_options(formats=FORMATS)
@pass_state
def quotes_cmd(state: State, code: str, by: tuple[str, ...], limit: int | None, fields: tuple[str, ...],
               where: tuple[str, ...], coder: str | None, include_suggestions: bool, lang: str,
               fmt: str, output: str | None, csv_style: str | None = None) -> None:
    """The segments coded with CODE and their documents' attributes, for citing."""
    p = state.project
    code = p.codebook.resolve(code).id
    found = T.quotes(p, code, by=by, limit=limit, fields=fields or None, where=parse_where(where), coder=coder,
                     include_suggestions=include_suggestions)
    emit(fmt, output, data={"code": code, "quotes": found}, tables=[T.quotes_table(p.codebook.get(code), found, lang)], csv_style=csv_style or lang)


@click.command("report")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write.")
@click.option("--coder", default=None)
@click.option("--include-suggestions", is_flag=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default=language, show_default="sv",
              help="Language of titles, file names and numbers (default: the run's language).")
@click.option("--survey-attribute", default="enkat", show_default=True, metavar="ATTR",
              help="The attribute that tells surveys apart: choice tables are made per value, never pooled "
                   "(give '' to pool).")
@csv_option
@pass_state
def report_cmd(state: State, out_dir: str, coder: str | None, include_suggestions: bool, lang: str,
               survey_attribute: str, csv_style: str | None) -> None:
    """Every standard table, chart, crosstab and quote of the project in one folder: CSV, XLSX
    (contents sheet, number cells), DOCX (numbered tables and figures), index.md and index.html."""
    from qualcode.report.build import build_report
    with progress_bar(t("progress.report")) as bar:  # steps: sections, then the XLSX and DOCX
        task = bar.add_task("report", total=None)
        rep = build_report(state.project, out_dir, coder=coder, include_suggestions=include_suggestions, lang=lang,
                           survey_attribute=survey_attribute or None, csv_style=csv_style,
                           on_total=lambda n: bar.update(task, total=n), progress=lambda n: bar.advance(task, n))
    click.echo(t("report.wrote", tables=len(rep.tables), charts=len(rep.charts), folder=out_dir,
                 md=rep.index_md, html=rep.index_html))


@click.command("check-claims")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--coder", default=None)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None)
@pass_state
def check_claims_cmd(state: State, file: str, coder: str | None, lang: str, fmt: str, output: str | None) -> None:
    """Check the figures of a draft report (YAML) against the project's tallies; exit 1 if one is wrong."""
    import json
    import sys

    from qualcode.report.claims import check_claims, render_results
    results = check_claims(state.project, file, coder=coder)
    if fmt == "json":
        data: Any = {"claims": [r.to_json() for r in results],
                     "passed": sum(r.status == "ok" for r in results),
                     "inconsistent": sum(r.status == "inconsistent" for r in results),
                     "failed": sum(r.status == "failed" for r in results)}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_results(results, lang)
    _write_text(text, output)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


def _write_text(text: str, output: str | None) -> None:
    if output:
        from pathlib import Path
        Path(output).write_text(text, encoding="utf-8")
        click.echo(t("cli.wrote", path=output), err=True)
    else:
        click.echo(text, nl=False)


COMMANDS = [tally, quotes_cmd, report_cmd, check_claims_cmd]
