"""``qualcode demo``: the whole pipeline on the demo corpus; exit 0 iff it reproduces the report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualcode.evaluation import demo as demo_module


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Keep the demo project in DIR/qualcode.db (default: a temporary folder).")
@click.option("--corpus", type=click.Path(file_okay=False), default=str(demo_module.CORPUS), show_default=False,
              help="The corpus folder (default: corpora/handlingsplan-2016-2018).")
@click.option("--claims", type=click.Path(dir_okay=False), default=str(demo_module.CLAIMS), show_default=False,
              help="The published figures to reproduce (default: tests/fixtures/published_figures.yaml).")
def demo(out: str | None, corpus: str, claims: str) -> None:
    """Import the demo corpus, suggest, record the gold, tally, and check the report's figures."""
    result = demo_module.run(Path(out) if out else None, Path(corpus), Path(claims))
    sys.exit(0 if result.ok else 1)


COMMANDS = [demo]
