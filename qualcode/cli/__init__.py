"""The ``qualcode`` command: a thin click layer over ``qualcode.Project``.

Commands live in one module per step of the workflow (``cli/setup.py``, ``cli/tally.py`` …)
and register themselves on ``main``; ``--help`` lists them in workflow order. A
``QualcodeError`` becomes one line on stderr and exit status 1.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from qualcode.errors import QualcodeError
from qualcode.project import Project, default_project_path

# the order in which ``qualcode --help`` lists commands: the order of the work
WORKFLOW = ["init", "status", "codebook", "import", "docs", "export", "suggest", "suggestions", "explain",
            "learn", "review", "code", "agreement", "reconcile", "tally", "quotes", "report", "check-claims",
            "demo"]


class WorkflowGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = list(self.commands)
        return sorted(names, key=lambda n: (WORKFLOW.index(n) if n in WORKFLOW else len(WORKFLOW), n))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; everything committed before this point is kept.", err=True)
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
        return self._project


pass_state = click.make_pass_decorator(State)


@click.group(cls=WorkflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_path", type=click.Path(dir_okay=False), default=None,
              help="Project file (default: $QUALCODE_PROJECT or ./qualcode.db).")
@click.version_option(package_name="qualcode")
@click.pass_context
def main(ctx: click.Context, project_path: str | None) -> None:
    """Code Swedish interview notes and survey comments against a codebook, and tally them."""
    ctx.obj = State(project_path or default_project_path())


def _register() -> None:
    # one import per workflow module; each adds its commands to ``main``
    from qualcode.cli import demo, setup  # noqa: F401
    # --- further command modules register below this line ---
    from qualcode.cli import suggest  # noqa: F401
    from qualcode.cli import review  # noqa: F401
    from qualcode.cli import tally  # noqa: F401
    from qualcode.cli import learn  # noqa: F401


_register()
