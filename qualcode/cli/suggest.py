"""Commands that make and show machine suggestions: suggest, suggestions list/export, explain."""

from __future__ import annotations

import click

from qualcode.cli.options import (
    State,
    SubGroup,
    Table,
    csv_style_option,
    emit,
    output_options,
    pass_state,
    progress_bar,
    sheet_style,
    split_values,
)
from qualcode.fields import CONFIDENT
from qualcode.i18n import language, number, t
from qualcode.suggest.listing import export_records, list_suggestions
from qualcode.suggest.listing import explain as explain_segment
from qualcode.suggest.run import suggest as run_suggest


@click.command()
@click.option("--docs", "docs", multiple=True, help="Only these documents (comma-separated or repeated).")
@click.option("--codes", "codes", multiple=True, help="Only these codes (comma-separated or repeated).")
@click.option("--model", default=None, metavar="PATH|NAME",
              help="A trained spaCy pipeline (package name or saved directory); default: the project setting, "
                   "an installed sv_core_news_*, else spacy.blank('sv') with lookup lemmas.")
@click.option("--save-model", is_flag=True, help="Remember --model as the project's NLP pipeline.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes for tokenizing and rules (the machine's cores are the useful limit).")
@click.option("--force", is_flag=True,
              help="Redo every segment in scope, even those whose suggestions are up to date.")
@click.option("--base-model/--no-base-model", "base", default=None,
              help="Use the base model shipped with the codebook (the default), or not; remembered by the project.")
@output_options(formats=("table", "json"))
@pass_state
def suggest(state: State, docs: tuple[str, ...], codes: tuple[str, ...], model: str | None, save_model: bool,
            jobs: int, force: bool, base: bool | None, fmt: str, output: str | None) -> None:
    """Suggest codes for notes and open answers (rules) and choice cells (normaliser).

    After a codebook edit only the codes whose patterns changed are applied again, from the
    cached tokens; segments new to the project get every code of their field.
    """
    project = state.project
    if base is not None:
        with project.transaction():
            project.set_meta("base_model", "on" if base else "off")
    with progress_bar(t("progress.suggest")) as bar:
        task = bar.add_task("suggest", total=None)
        summary = run_suggest(project, docs=split_values(docs), codes=split_values(codes), model=model, jobs=jobs, force=force,
                              on_total=lambda n: bar.update(task, total=n),
                              progress=lambda n: bar.advance(task, n))
    if save_model and model:
        with project.transaction():
            project.set_meta("nlp_model", model)
    for line in (summary.notice or "").splitlines():
        click.echo(line, err=True)
    for line in summary.codebook_changes:
        click.echo(t("suggest.codebook_change", line=line), err=True)
    for fld, redone in summary.rematched.items() if not (force or docs) else ():
        if redone:  # after a codebook edit: which codes it touched
            shown = ", ".join(redone[:8]) + (f" … ({len(redone)})" if len(redone) > 8 else "")
            click.echo(t("suggest.rematched", field=fld, codes=shown), err=True)
    if summary.segments == 0 and summary.current:
        click.echo(t("suggest.up_to_date", n=summary.current), err=True)
    tables = _summary_tables(summary)
    emit(fmt, output, data=summary.to_json(), tables=tables)


def _summary_tables(summary) -> list[Table]:
    """What one ``suggest`` run did, in the run's language."""
    models = f" ({', '.join(summary.models.values())})" if summary.models else ""
    tables = [Table(t("suggest.title"), ["", ""], [
        [t("suggest.processed"), summary.segments], [t("suggest.tokenized"), summary.tokenized],
        [t("suggest.cached"), summary.cached], [t("suggest.current"), summary.current],
        [t("suggest.rule"), summary.rule_suggestions], [t("suggest.choice"), summary.choice_suggestions],
        [t("suggest.model") + models, summary.model_suggestions],
        [t("suggest.base"), summary.by_source.get("base", 0)],
        [t("suggest.confident", score=number(CONFIDENT, 1)), summary.confident]])]
    rows = [[code, n] for code, n in sorted(summary.by_code.items(), key=lambda kv: (-kv[1], kv[0]))]
    if rows:
        tables.append(Table(t("suggest.by_code"), t("suggest.by_code_columns").split("|"), rows))
    return tables


@click.group(cls=SubGroup)
def suggestions() -> None:
    """List or export the stored suggestions."""


def _filters(f):
    f = click.option("--pending", is_flag=True, help="Only suggestions nobody has decided on.")(f)
    f = click.option("--source", default=None, help="Only this source, e.g. choice or rule:% .")(f)
    f = click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True)(f)
    f = click.option("--code", default=None, help="Only this code.")(f)
    f = click.option("--doc", default=None, help="Only this document.")(f)
    return f


@suggestions.command("list")
@_filters
@csv_style_option
@output_options(formats=("table", "csv", "json", "jsonl", "md", "xlsx"))
@pass_state
def suggestions_list(state: State, doc: str | None, code: str | None, min_score: float, source: str | None,
                     pending: bool, fmt: str, output: str | None, csv_style: str | None) -> None:
    """Suggestions with their evidence, in document order (in csv: ';' and decimal comma in a
    Swedish run, as the tallies write it; --csv-style en for ',' and a point)."""
    rows = list_suggestions(state.project, doc=doc, code=code, min_score=min_score, source=source, pending=pending)
    columns = t("suggestions.columns").split("|")
    table = Table(t("suggestions.title", n=len(rows)), columns,
                  [[r["segment"], r["doc"], r["code"], r["score"], r["source"], "neg" if r["negated"] else "",
                    r["evidence"], shown_text(r["text"], fmt)] for r in rows], formats={columns[3]: "float3"},
                  decimal_comma=language() == "sv")
    emit(fmt, output, data=rows, tables=[table], records=rows, csv_style=sheet_style(csv_style))


TABLE_TEXT = 90  # characters of a segment's text the terminal table shows


def shown_text(text: str, fmt: str) -> str:
    """A segment's text as ``fmt`` carries it: the terminal table shortens it to keep one
    suggestion a few lines high; every other format (csv, xlsx, md, json, jsonl) is read or
    quoted from, so it gets the whole text."""
    if fmt != "table" or len(text) <= TABLE_TEXT:
        return text
    return text[:TABLE_TEXT - 1] + "…"


@suggestions.command("export")
@_filters
@output_options(formats=("jsonl", "json", "csv"), default="jsonl")
@pass_state
def suggestions_export(state: State, doc: str | None, code: str | None, min_score: float, source: str | None,
                       pending: bool, fmt: str, output: str | None) -> None:
    """One record per suggestion: doc, field, segment, start, end, text, code, number, group, score,
    source, negated."""
    records = export_records(list_suggestions(state.project, doc=doc, code=code, min_score=min_score,
                                              source=source, pending=pending))
    emit(fmt, output, data=records, records=records)


@click.command()
@click.argument("segment", type=int)
@click.option("--model", default=None, metavar="PATH|NAME", help="Tokenize with this pipeline instead.")
@output_options(formats=("table", "json"))
@pass_state
def explain(state: State, segment: int, model: str | None, fmt: str, output: str | None) -> None:
    """Why a segment gets its suggestions: tokens, lemmas, compound parts, patterns that fired."""
    ex = explain_segment(state.project, segment, model)
    sv = language() == "sv"
    c_match, c_sugg = t("explain.match_columns").split("|"), t("explain.suggestion_columns").split("|")
    tables = [
        Table(t("explain.title", segment=ex["segment"], doc=ex["doc"], field=ex["field"], text=ex["text"]), ["", ""],
              [["pipeline", ex["pipeline"]], [t("explain.tokens_from"), ex["tokens_from"]],
               [t("explain.groups"), ", ".join(ex["groups"])]]),
        Table(t("explain.tokens"), t("explain.token_columns").split("|"),
              [[k["i"], k["text"], k["lemma"], "+".join(k["parts"]), "neg" if k["negated"] else ""]
               for k in ex["tokens"]]),
        Table(t("explain.matches"), c_match,
              [[m["code"], m["pattern"], m["line"], m["score"], m["evidence"], "neg" if m["negated"] else "",
                _match_status(m)] for m in ex["matches"]], formats={c_match[3]: "float3"}, decimal_comma=sv),
        Table(t("suggest.title"), c_sugg,
              [[h["code"], h["source"], h["score"], "neg" if h["negated"] else "", h["reason"]]
               for h in ex["suggestions"]], formats={c_sugg[2]: "float3"}, decimal_comma=sv),
    ]
    emit(fmt, output, data=ex, tables=tables)


def _match_status(m: dict) -> str:
    if m["vetoed_by"]:
        return t("explain.veto", by=m["vetoed_by"])
    if m["blocked"]:
        return m["blocked"]
    return t("explain.excludes") if m["pattern"].startswith("exclude:") else t("explain.suggests")


COMMANDS = [suggest, suggestions, explain]
