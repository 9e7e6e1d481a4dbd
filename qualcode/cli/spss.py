"""``qualcode export sav|dta`` and ``qualcode fields``: the study's variables for SPSS users."""

from __future__ import annotations

import click

from qualcode.cli.options import State, SubGroup, pass_state
from qualcode.i18n import language, t
from qualcode.cli.setup import export


@export.command("sav")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--coder", default=None, help="Count this coder's codings (default: the consensus, or the only coder).")
@click.option("--include-suggestions", is_flag=True, help="Preview: count confident suggestions as accepted.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=language, show_default="sv",
              help="Language of the value and variable labels (default: the run's language).")
@pass_state
def export_sav(state: State, file: str, coder: str | None, include_suggestions: bool, lang: str) -> None:
    """One row per respondent as SPSS .sav (or Stata .dta): attributes, choice fields 1-14
    with value labels and Ej svar as user-missing, one 0/1 variable per code of open questions."""
    from qualcode.report.spss_export import write_spss
    path = write_spss(state.project, file, coder=coder, include_suggestions=include_suggestions, lang=lang)
    click.echo(t("cli.wrote", path=path), err=True)


@click.group(cls=SubGroup)
def fields() -> None:
    """The study's fields and attributes: their short labels and question texts."""


@fields.command("list")
@pass_state
def fields_list(state: State) -> None:
    """Every field and attribute with its label and question text."""
    from qualcode.variables import known_variables, variable_labels
    labels = variable_labels(state.project.conn)
    kinds = {k: v["kind"] for k, v in state.project.fields().items()}
    for name in sorted(known_variables(state.project.conn)):
        lab = labels.get(name, {})
        click.echo(f"{name}\t{kinds.get(name, 'attribute')}\t{lab.get('label') or ''}\t{lab.get('question') or ''}")


@fields.command("label")
@click.argument("name")
@click.argument("text")
@click.option("--question", default=None, help="Also set the full question text.")
@pass_state
def fields_label(state: State, name: str, text: str, question: str | None) -> None:
    """Give FIELD (or an attribute) the short label TEXT that tables, charts and files use."""
    from qualcode.variables import set_label
    with state.project.transaction() as conn:
        set_label(conn, name, label=text, question=question)
    click.echo(f"{name}: {text}")


COMMANDS = [fields]
