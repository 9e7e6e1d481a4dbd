"""Commands that set a project up and show what is in it: init, status, codebook, import, docs, export."""

from __future__ import annotations

import os
import sys

from pathlib import Path

import click

from qualcode.cli.options import (
    State,
    SubGroup,
    Table,
    code_ids,
    csv_style_option,
    emit,
    output_options,
    parse_where,
    pass_state,
    print_rich,
    progress_bar,
    sheet_style,
)
from qualcode.codebook import diff_codebooks, load_codebook
from qualcode.errors import QualcodeError
from qualcode.i18n import t
from qualcode.project import DEFAULT_CODEBOOK, ConfirmationNeeded, ImportBatch, Project


@click.command()
@click.option("--codebook", type=click.Path(dir_okay=False), default=None,
              help="Codebook: a YAML file, or a shipped codebook by name (handlingsplan, the default).")
@pass_state
def init(state: State, codebook: str | None) -> None:
    """Create a new project file with a codebook."""
    p = Project.init(state.project_path, codebook)
    cb = p.codebook
    click.echo(t("cli.created", path=state.project_path, name=cb.name, codes=len(cb.codes), version=cb.version))


@click.command()
@output_options(formats=("table", "json"))
@pass_state
def status(state: State, fmt: str, output: str | None) -> None:
    """Documents by kind and attribute, segments, suggestions pending, decisions by coder, what
    suggest would redo, and the next step; in the run's language (the JSON keeps its English keys)."""
    from qualcode.status_view import codebook_error, next_step, status_tables
    s = state.project.status()
    s["codebook_error"] = codebook_error(state.project)
    s["next"] = next_step(s)
    suggested = {r[0] for r in state.project.conn.execute("SELECT DISTINCT field FROM suggest_state")}
    emit(fmt, output, data=s, tables=status_tables(s, suggested))


# ----------------------------------------------------------------------------- codebook

@click.group(cls=SubGroup)
def codebook() -> None:
    """Show, validate, compare and (re)load the codebook."""


@codebook.command("show")
@click.option("--group", "group", default=None, help="Only codes of this group.")
@csv_style_option
@output_options(formats=("table", "json", "csv", "md"))
@pass_state
def codebook_show(state: State, group: str | None, fmt: str, output: str | None, csv_style: str | None) -> None:
    """The project's codes: id, number, label, group, number of patterns and what the code means
    (its description; csv, md and json also give what belongs and what does not)."""
    cb = state.project.codebook
    codes = [c for c in cb.codes if group is None or c.group == group]
    data = {"name": cb.name, "version": cb.version,
            "codes": [{"id": c.id, "label": c.label, "group": c.group, "number": c.number,
                       "short": c.short, "parent": c.parent, "description": c.description,
                       "includes": c.includes, "excludes": c.excludes} for c in codes]}
    columns = t("codebook.columns").split("|")
    rows = [[c.id, c.number, c.label, c.group, len(c.patterns), c.description] for c in codes]
    if fmt != "table":  # a file has room for the manual's includes and excludes too
        columns += t("codebook.columns_more").split("|")
        rows = [row + [c.includes, c.excludes] for row, c in zip(rows, codes)]
    emit(fmt, output, data=data, tables=[Table(f"{cb.name} (version {cb.version})", columns, rows)],
         csv_style=sheet_style(csv_style))


@codebook.command("validate")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@pass_state
def codebook_validate(state: State, file: str | None) -> None:
    """Check a codebook file; print one line naming file, line and problem if it is broken.
    In a project, also name the codebook's own abbreviations and synonyms its text never uses."""
    cb = load_codebook(file or DEFAULT_CODEBOOK)
    if Path(state.project_path).is_file() and (cb.abbreviations or cb.synonyms):
        from qualcode.suggest.vocabulary import unused_words
        unused = unused_words(state.project, cb)
        for kind, words in unused.items():
            if words:
                click.echo(f"never found in the project's text ({kind}): {', '.join(words)}")
    groups = {}
    for c in cb.codes:
        groups[c.group] = groups.get(c.group, 0) + 1
    click.echo(f"ok: {cb.path}: {len(cb.codes)} codes in {len(groups)} groups "
               f"({', '.join(f'{g} {n}' for g, n in groups.items())}), "
               f"{sum(len(c.patterns) for c in cb.codes)} patterns, version {cb.version}")


@codebook.command("diff")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("other", type=click.Path(dir_okay=False), required=False)
@pass_state
def codebook_diff(state: State, file: str, other: str | None) -> None:
    """What changes between the project's codebook and FILE (or between FILE and OTHER)."""
    old = load_codebook(file) if other else state.project.codebook
    new = load_codebook(other or file)
    lines = diff_codebooks(old, new)
    click.echo("\n".join(lines) if lines else "no differences")


@codebook.command("load")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@pass_state
def codebook_load(state: State, file: str | None) -> None:
    """Make FILE (default: the file the codebook came from) the project's codebook."""
    p = state.project
    cb, changes = p.load_codebook(file or p.codebook.path or DEFAULT_CODEBOOK)
    click.echo(f"codebook {cb.name!r} version {cb.version}: {len(changes)} changes")
    for line in changes:
        click.echo(f"  {line}")


# ----------------------------------------------------------------------------- import

@click.group("import", cls=SubGroup)
def import_() -> None:
    """Import interview notes or a survey export (one transaction each; re-import is safe)."""


SET_OPTION = click.option("--set", "constants", multiple=True, metavar="ATTR=VALUE",
                          help="Give every imported document this attribute (e.g. enkat=ht2018); repeatable.")
YES_OPTION = click.option("--yes", "-y", is_flag=True,
                          help="Go ahead without asking (for scripts): when the import would retire segments that "
                               "carry decisions, replace documents imported from another file or change a "
                               "document's kind.")
DRY_RUN_OPTION = click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")


def interactive() -> bool:
    """Whether someone can answer a question: a terminal on stdin, and not a CI run."""
    return sys.stdin.isatty() and os.environ.get("CI", "").strip().lower() in ("", "0", "false", "no")


def consent(what: str, warnings: list[str], question: str, yes: bool) -> None:
    """Go on if ``yes`` or the user agrees; refuse in one line when nobody can be asked."""
    if yes:
        return
    if not interactive():
        raise QualcodeError(f"{what}; nothing done: re-run with --yes to go ahead or with --dry-run to see the plan")
    for line in warnings:
        click.echo(line, err=True)
    click.confirm(question, abort=True, err=True)


def run_import(p: Project, batch: ImportBatch, yes: bool, dry_run: bool) -> None:
    """Write, or show the plan and ask first when work is at stake. What the user reads follows
    the run's language; the refusal when nobody can be asked is an error, and errors are English."""
    from qualcode.ingest.report_text import import_summary, import_warnings, next_after_import
    if dry_run:
        plan = p.plan_import(batch)
        click.echo(import_summary(plan))
        for line in import_warnings(plan):
            click.echo(f"  {line}")
        return
    try:
        report = p.write_import(batch, confirm=yes)
    except ConfirmationNeeded as e:
        consent(f"{batch.source}: {e.report.headline()}", import_warnings(e.report), t("import.confirm"), yes)
        report = p.write_import(batch, confirm=True)
    click.echo(import_summary(report))
    step = next_after_import(report)
    if step:
        click.echo(step)


@import_.command("notes")
@click.argument("folder", type=click.Path())
@SET_OPTION
@YES_OPTION
@DRY_RUN_OPTION
@pass_state
def import_notes(state: State, folder: str, constants: tuple[str, ...], yes: bool, dry_run: bool) -> None:
    """A folder of .md/.txt notes with YAML front matter (id, round, group, sdf …), or .docx."""
    p = state.project
    with progress_bar(t("progress.import")) as bar:
        task = bar.add_task("import", total=None)
        batch = p.read_notes(folder, constants=parse_where(constants, "--set"), progress=lambda n: bar.advance(task, n))
    run_import(p, batch, yes, dry_run)


@import_.command("survey")
@click.argument("file", type=click.Path())
@click.option("--id", "id_column", required=True, help="Column holding the respondent id.")
@click.option("--attr", "attributes", multiple=True, help="Attribute column (roll, verksamhet …); repeatable.")
@click.option("--text", "texts", multiple=True, help="Open-answer column; repeatable.")
@click.option("--choice", "choices", multiple=True, help="Column naming an area in free text; repeatable.")
@click.option("--choice-group", default="fokusomrade", show_default=True, help="Code group of the choice columns.")
@click.option("--field-group", "field_groups", multiple=True, metavar="COL=GROUP",
              help="Suggest codes of GROUP only in open-answer column COL (e.g. fraga_2a=fraga2a); repeatable.")
@click.option("--sheet", default=None, help="XLSX sheet name or number (default: the first).")
@click.option("--missing-value", "missing_values", multiple=True, default=("#NULL!",), show_default=True,
              help="Cell value meaning the respondent never had the question (system-missing).")
@SET_OPTION
@click.option("--label", "labels", multiple=True, metavar="COL=TEXT",
              help="A short label for a column, used as its title in tables, charts and files; repeatable.")
@YES_OPTION
@DRY_RUN_OPTION
@pass_state
def import_survey(state: State, file: str, id_column: str, attributes: tuple[str, ...], texts: tuple[str, ...],
                  choices: tuple[str, ...], choice_group: str, field_groups: tuple[str, ...], sheet: str | None,
                  missing_values: tuple[str, ...], constants: tuple[str, ...], labels: tuple[str, ...], yes: bool,
                  dry_run: bool) -> None:
    """A survey export (.csv: UTF-8 or cp1252, ; or , detected; .xlsx; .sav/.dta): one document per row."""
    p = state.project
    named = parse_where(labels, "--label")
    stray = sorted(set(named) - set(attributes) - set(texts) - set(choices))
    if stray:
        raise QualcodeError(f"--label names a column that is not imported: {', '.join(stray)} "
                            "(label the --attr, --text and --choice columns)")
    with progress_bar(t("progress.import")) as bar:  # rows counted once the file is read
        task = bar.add_task("import", total=None)
        batch = p.read_survey(file, id_column=id_column, attributes=list(attributes), texts=list(texts),
                              choices=list(choices), sheet=sheet, missing_values=missing_values,
                              choice_group=choice_group, field_groups=parse_where(field_groups, "--field-group"),
                              constants=parse_where(constants, "--set"),
                              on_total=lambda n: bar.update(task, total=n), progress=lambda n: bar.advance(task, n))
    if named:  # stored in the import's own transaction
        from qualcode.variables import set_label
        hooks = list(getattr(batch, "after_write", ()))
        hooks.append(lambda conn: [set_label(conn, col, text) for col, text in named.items()])
        batch.after_write = hooks  # type: ignore[attr-defined]
    run_import(p, batch, yes, dry_run)


# ----------------------------------------------------------------------------- docs / export

@click.group(cls=SubGroup)
def docs() -> None:
    """List, show, remove and restore imported documents."""


@docs.command("list")
@click.option("--kind", type=click.Choice(["interview", "response"]), default=None)
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Filter on an attribute; repeatable.")
@click.option("--removed", is_flag=True, help="List the documents taken out with 'docs remove' instead.")
@csv_style_option
@output_options(formats=("table", "json", "csv", "md"))
@pass_state
def docs_list(state: State, kind: str | None, where: tuple[str, ...], removed: bool, fmt: str,
              output: str | None, csv_style: str | None) -> None:
    """Documents with their attributes and segment counts (the kind in words of the run's
    language; the JSON keeps 'interview'/'response')."""
    from qualcode.ingest.report_text import kind_name
    p = state.project
    if removed:
        rows = p.removed_documents()
        emit(fmt, output, data=rows, tables=[Table(t("docs.removed_title", n=len(rows)),
                                                   t("docs.removed_columns").split("|"),
                                                   [[r["doc"], r["removed_at"]] for r in rows])],
             csv_style=sheet_style(csv_style))
        return
    docs_ = p.documents(kind=kind, where=parse_where(where))
    counts = dict(p.conn.execute("SELECT doc, COUNT(*) FROM segments WHERE retired = 0 GROUP BY doc").fetchall())
    names = sorted({k for d in docs_ for k in d["attributes"]})
    rows = [[d["id"], kind_name(d["kind"]), counts.get(d["id"], 0)] + [d["attributes"].get(n) for n in names]
            for d in docs_]
    data = [{"doc": d["id"], "kind": d["kind"], "segments": counts.get(d["id"], 0), "attributes": d["attributes"]}
            for d in docs_]
    emit(fmt, output, data=data,
         tables=[Table(t("docs.list_title", n=len(docs_)), t("docs.list_columns").split("|") + names, rows)],
         csv_style=sheet_style(csv_style))


@docs.command("show")
@click.argument("doc")
@click.option("--coder", default=None, help="Whose codes to mark (default: the consensus, or the only coder).")
@output_options(formats=("table", "json"))
@pass_state
def docs_show(state: State, doc: str, coder: str | None, fmt: str, output: str | None) -> None:
    """One document as coded: its segments with the validated codes in the margin, undecided
    suggestions marked apart (code?), coded spans, attributes and memos."""
    from qualcode.document_view import document_view, render_document
    view = document_view(state.project, doc, coder=coder)
    if fmt == "json":
        emit(fmt, output, data=view)
        return
    print_rich(render_document(view, state.project.codebook), output)


@docs.command("remove")
@click.argument("doc_ids", nargs=-1, required=True, metavar="DOC [DOC]...")
@YES_OPTION
@DRY_RUN_OPTION
@pass_state
def docs_remove(state: State, doc_ids: tuple[str, ...], yes: bool, dry_run: bool) -> None:
    """Take documents out: their segments leave tallies, review and suggest; their decisions stay
    in the audit trail, and 'qualcode docs restore DOC' brings everything back."""
    p = state.project
    plan = p.remove_documents(list(doc_ids), dry_run=True)
    if dry_run:
        click.echo(plan.summary())
        return
    consent(plan.summary(), [plan.summary()], "Remove them?", yes)
    click.echo(p.remove_documents(list(doc_ids)).summary())


@docs.command("restore")
@click.argument("doc_ids", nargs=-1, required=True, metavar="DOC [DOC]...")
@pass_state
def docs_restore(state: State, doc_ids: tuple[str, ...]) -> None:
    """Bring back documents taken out with 'docs remove', with their segments and decisions."""
    click.echo(state.project.restore_documents(list(doc_ids)).summary())


@click.group(cls=SubGroup)
def export() -> None:
    """Export the project's records."""


@export.command("segments")
@output_options(formats=("jsonl", "csv", "json"), default="jsonl")
@pass_state
def export_segments(state: State, fmt: str, output: str | None) -> None:
    """One line per segment: segment, doc, field, start, end, text."""
    records = (dict(r) for r in state.project.iter_segments())
    if fmt == "json":
        emit(fmt, output, data=list(records))
    else:
        emit(fmt, output, records=records)


@export.command("codings")
@click.option("--coder", default=None, help="Whose codings (default: the consensus, or the only coder).")
@output_options(formats=("csv", "xlsx", "jsonl", "json"), default="csv")
@pass_state
def export_codings(state: State, coder: str | None, fmt: str, output: str | None) -> None:
    """One row per validated coding, hand-added codes included: doc, attributes, code, label,
    group, span (start, end), text, coder, source (rule, model, base, choice, hand), time, memo."""
    from qualcode.exports import CODING_COLUMNS, coding_rows
    rows = list(coding_rows(state.project, coder=coder))
    if fmt in ("jsonl", "json"):
        emit(fmt, output, records=iter(rows), data=rows if fmt == "json" else None)
        return
    columns = CODING_COLUMNS + sorted({k for r in rows for k in r if k.startswith("attr:")})
    emit(fmt, output, tables=[Table("", columns, [[r.get(c) for c in columns] for r in rows])])


@export.command("matrix")
@click.option("--group", "groups", multiple=True, help="Code group (fokusomrade, tema …); repeatable.")
@click.option("--code", "codes", multiple=True, help="Only this code (id or label); repeatable.")
@click.option("--field", "fields", multiple=True, help="Codes in this field (default: interview notes).")
@click.option("--kind", type=click.Choice(["interview", "response"]), default=None, help="Document kind.")
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Only documents with this value.")
@click.option("--coder", default=None, help="Whose codings (default: the consensus, or the only coder).")
@output_options(formats=("csv", "xlsx", "jsonl", "json"), default="csv")
@pass_state
def export_matrix(state: State, groups: tuple[str, ...], codes: tuple[str, ...], fields: tuple[str, ...],
                  kind: str | None, where: tuple[str, ...], coder: str | None, fmt: str, output: str | None) -> None:
    """Documents (or respondents) × codes as 0/1, with their attributes: a column's sum is
    'tally presence' for that code, ready for R, Excel and SPSS."""
    from qualcode.exports import code_matrix
    p = state.project
    m = code_matrix(p, groups=groups or None, codes=code_ids(p, codes), fields=fields or None, kind=kind,
                    where=parse_where(where), coder=coder)
    records = m.records()
    if fmt in ("jsonl", "json"):
        emit(fmt, output, records=iter(records), data=records if fmt == "json" else None)
        return
    columns = list(records[0]) if records else ["doc", *(c.id for c in m.codes)]
    emit(fmt, output, tables=[Table("", columns, [[r.get(c) for c in columns] for r in records])])


COMMANDS = [init, status, codebook, import_, docs, export]
