"""What every command module shares: the command groups, the project state, the output and
filter options. It imports nothing from the command modules, so they can all import it."""

from __future__ import annotations

import functools

import sys
from pathlib import Path
from typing import Any, Callable, Iterable

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from qualcode.errors import QualcodeError
from qualcode.i18n import language, t
from qualcode.project import Project
from qualcode.report import formats
from qualcode.report.formats import FILE_FORMATS, TEXT_FORMATS, Table
from qualcode.report.formats.csv import CSV_STYLES

__all__ = ["WORKFLOW", "WorkflowGroup", "SubGroup", "State", "pass_state", "output_options", "emit", "Table",
           "csv_style_option", "sheet_style", "progress_bar", "parse_where", "split_values", "code_ids", "print_rich"]

# the order in which ``qualcode --help`` lists commands: the order of the work
WORKFLOW = ["init", "status", "codebook", "import", "docs", "fields", "export", "suggest", "suggestions", "explain",
            "learn", "review", "code", "memo", "agreement", "reconcile", "tally", "quotes", "report", "check-claims", "evaluate",
            "demo"]


class WorkflowGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = list(self.commands)
        return sorted(names, key=lambda n: (WORKFLOW.index(n) if n in WORKFLOW else len(WORKFLOW), n))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as e:
            click.echo(f"{t('error.prefix')}: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(t("cli.interrupted"), err=True)
            sys.exit(130)


class SubGroup(WorkflowGroup):
    """Subcommand groups keep definition order."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


class State:
    """What every command gets: the project path, opened on first use."""

    def __init__(self, project_path: str) -> None:
        self.project_path = project_path
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = Project.open(self.project_path)
            ctx = click.get_current_context(silent=True)
            if ctx is not None:  # closed when the command ends, not whenever the collector gets to it
                ctx.find_root().call_on_close(self.close)
            for notice in self._project.notices:  # a repair made on opening, one line each
                click.echo(notice, err=True)
        return self._project


    def close(self) -> None:
        if self._project is not None:
            self._project.close()
            self._project = None


pass_state = click.make_pass_decorator(State)


def output_options(formats: Iterable[str] = TEXT_FORMATS + FILE_FORMATS, default: str = "table") -> Callable:
    """The shared ``--format/-f`` and ``-o/--output`` options."""
    formats = tuple(formats)

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def chosen(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("fmt") is None:  # no -f: the file's extension says it (x.csv is CSV), else the default
                suffix = Path(kwargs.get("output") or "").suffix.lower().lstrip(".")
                kwargs["fmt"] = suffix if suffix in formats else default
            return f(*args, **kwargs)
        chosen = click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
                              help="Write to this file instead of the terminal.")(chosen)
        chosen = click.option("-f", "--format", "fmt", type=click.Choice(formats), default=None,
                              show_default=f"{default}, or the extension of -o",
                              help="Output format.")(chosen)
        return chosen
    return decorate


def csv_style_option(f: Callable, *, default_from: str = "the run's language") -> Callable:
    """``--csv-style``: how ``-f csv`` is written, one option for the listings, the tallies and the
    report (the same choices; the default follows ``default_from``: the run's language, or a
    tally's own ``--lang``)."""
    return click.option("--csv-style", type=click.Choice(list(CSV_STYLES)), default=None,
                        help="CSV for this spreadsheet: sv/excel-sv ';' and decimal comma, excel-en/en ',' and "
                             f"point (default: as {default_from} writes numbers). A file (-o) starts with a "
                             "UTF-8 BOM.")(f)


def sheet_style(csv_style: str | None) -> str:
    """The CSV style a listing command writes: the one asked for, else the run's language's, so
    that a Swedish run's file opens as columns with decimal commas in a Swedish Excel."""
    return csv_style or language()


def emit(fmt: str, output: str | None, *, echo_file: bool = True, **content: Any) -> None:
    """``formats.emit`` and, when a file was written, say so on stderr. A listing command passes
    ``csv_style=sheet_style(...)`` (the report's CSV writer); exports meant for programs pass none
    and get plain "," CSV without a BOM."""
    if output and not Path(output).absolute().parent.is_dir():
        raise QualcodeError(f"cannot write {output}: folder {Path(output).absolute().parent} does not exist")
    formats.emit(fmt, output, **content)
    if output and echo_file:
        click.echo(t("cli.wrote", path=output), err=True)


def progress_bar(description: str) -> Progress:
    """A rich bar with counts, time spent and time left on a terminal (stderr); nothing at all
    when stderr is not a terminal, so a log or a pipe gets no control characters."""
    console = Console(stderr=True)
    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=console, transient=True, disable=not console.is_terminal)


def parse_where(items: tuple[str, ...] | list[str], option: str = "--where") -> dict[str, str]:
    """``round=vt2017`` → {"round": "vt2017"}; shared by every command with ``--where``."""
    out = {}
    for item in items:
        if "=" not in item:
            raise QualcodeError(f"{option} needs NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def split_values(values: tuple[str, ...]) -> list[str] | None:
    """``--docs a,b --docs c`` -> [a, b, c]; None when the option was not given."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def code_ids(project: Project, names: tuple[str, ...] | list[str] | None) -> list[str] | None:
    """Code names as a person types them (id or label, any case, å/ä/ö optional) -> code ids;
    None when none were given. An unknown name is refused with "did you mean"."""
    if not names:
        return None
    return [project.codebook.resolve(n).id for n in names]


def print_rich(renderable: Any, output: str | None = None) -> None:
    """Draw a rich renderable on stdout, or as plain text into ``output``."""
    if output:
        with open(output, "w", encoding="utf-8") as f:
            Console(file=f, width=120, no_color=True, highlight=False).print(renderable)
        click.echo(t("cli.wrote", path=output), err=True)
    else:
        Console(highlight=False, soft_wrap=False).print(renderable)
