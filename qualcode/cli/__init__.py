"""The ``qualcode`` command: a thin click layer over ``qualcode.Project``.

Commands live in one module per step of the workflow (``cli/setup.py``, ``cli/tally.py`` …);
each lists what it defines in ``COMMANDS`` and this module adds them to ``main``, so no command
module imports this one. ``--help`` lists them in workflow order. A ``QualcodeError`` becomes
one line on stderr and exit status 1.
"""

from __future__ import annotations

import click

from qualcode.cli import demo, evaluate, learn, memo, review, setup, suggest, tally
from qualcode.cli import spss  # noqa: F401  (adds export sav to setup's export group)
from qualcode.cli import exchange  # noqa: F401  (adds export/import qdpx and qdc)
from qualcode.cli.options import State, WorkflowGroup
from qualcode.i18n import set_language
from qualcode.project import default_project_path


@click.group(cls=WorkflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_path", type=click.Path(dir_okay=False), default=None,
              help="Project file (default: $QUALCODE_PROJECT or ./qualcode.db).")
@click.option("--lang", "lang", type=click.Choice(["sv", "en"]), default=None,
              help="Language of everything this run prints (default: $QUALCODE_LANG, else sv).")
@click.version_option(package_name="qualcode")
@click.pass_context
def main(ctx: click.Context, project_path: str | None, lang: str | None) -> None:
    """Code Swedish interview notes and survey comments against a codebook, and tally them."""
    set_language(lang)
    ctx.obj = State(project_path or default_project_path())


for _module in (setup, spss, suggest, learn, review, memo, tally, demo, evaluate):
    for _command in _module.COMMANDS:
        main.add_command(_command)
