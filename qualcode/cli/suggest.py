"""Commands that make and show machine suggestions: suggest, suggestions list/export, explain."""

from __future__ import annotations

import click

from qualcode.cli.options import (
    State,
    SubGroup,
    Table,
    emit,
    output_options,
    pass_state,
    progress_bar,
    split_values,
)
from qualcode.fields import CONFIDENT
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
    with progress_bar("Suggesting") as bar:
        task = bar.add_task("suggest", total=None)
        summary = run_suggest(project, docs=split_values(docs), codes=split_values(codes), model=model, jobs=jobs, force=force,
                              on_total=lambda n: bar.update(task, total=n),
                              progress=lambda n: bar.advance(task, n))
    if save_model and model:
        with project.transaction():
            project.set_meta("nlp_model", model)
    if summary.notice:
        click.echo(summary.notice, err=True)
    for line in summary.codebook_changes:
        click.echo(f"codebook: {line}", err=True)
    for fld, redone in summary.rematched.items() if not (force or docs) else ():
        if redone:  # after a codebook edit: which codes it touched
            shown = ", ".join(redone[:8]) + (f" … ({len(redone)})" if len(redone) > 8 else "")
            click.echo(f"{fld}: rules applied again for {shown}", err=True)
    if summary.segments == 0 and summary.current:
        click.echo(f"all {summary.current} segments' suggestions are up to date (nothing they depend on changed; "
                   f"--force redoes them)", err=True)
    rows = [[code, n] for code, n in sorted(summary.by_code.items(), key=lambda kv: (-kv[1], kv[0]))]
    tables = [
        Table("Förslag", ["", ""], [
            ["segment bearbetade", summary.segments], ["tokeniserade nu", summary.tokenized],
            ["från cache", summary.cached], ["redan aktuella", summary.current],
            ["regelförslag", summary.rule_suggestions],
            ["valförslag", summary.choice_suggestions],
            ["modellförslag" + (f" ({', '.join(summary.models.values())})" if summary.models else ""),
             summary.model_suggestions],
            ["basmodellens förslag", summary.by_source.get("base", 0)],
            [f"med poäng ≥ {CONFIDENT}".replace(".", ","), summary.confident]]),
    ]
    if rows:
        tables.append(Table("Förslag per kod", ["kod", "förslag"], rows))
    emit(fmt, output, data=summary.to_json(), tables=tables)


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
@output_options(formats=("table", "csv", "json", "jsonl", "md", "xlsx"))
@pass_state
def suggestions_list(state: State, doc: str | None, code: str | None, min_score: float, source: str | None,
                     pending: bool, fmt: str, output: str | None) -> None:
    """Suggestions with their evidence, in document order."""
    rows = list_suggestions(state.project, doc=doc, code=code, min_score=min_score, source=source, pending=pending)
    table = Table(f"Förslag ({len(rows)})", ["segment", "dok", "kod", "poäng", "källa", "neg", "belägg", "text"],
                  [[r["segment"], r["doc"], r["code"], r["score"], r["source"], "neg" if r["negated"] else "",
                    r["evidence"], shown_text(r["text"], fmt)] for r in rows], formats={"poäng": "float3"})
    emit(fmt, output, data=rows, tables=[table], records=rows)


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
    tables = [
        Table(f"Segment {ex['segment']} ({ex['doc']}, {ex['field']}): {ex['text']}", ["", ""],
              [["pipeline", ex["pipeline"]], ["tokens från", ex["tokens_from"]],
               ["kodgrupper", ", ".join(ex["groups"])]]),
        Table("Token", ["#", "text", "lemma", "delar", "negerad"],
              [[t["i"], t["text"], t["lemma"], "+".join(t["parts"]), "neg" if t["negated"] else ""]
               for t in ex["tokens"]]),
        Table("Mönster som slog till", ["kod", "mönster", "rad", "poäng", "belägg", "neg", "status"],
              [[m["code"], m["pattern"], m["line"], m["score"], m["evidence"], "neg" if m["negated"] else "",
                (f"veto: {m['vetoed_by']}" if m["vetoed_by"] else m["blocked"] or
                 ("exkluderar" if m["pattern"].startswith("exclude:") else "förslag"))]
               for m in ex["matches"]], formats={"poäng": "float3"}),
        Table("Förslag", ["kod", "källa", "poäng", "neg", "skäl"],
              [[h["code"], h["source"], h["score"], "neg" if h["negated"] else "", h["reason"]]
               for h in ex["suggestions"]], formats={"poäng": "float3"}),
    ]
    emit(fmt, output, data=ex, tables=tables)


COMMANDS = [suggest, suggestions, explain]
