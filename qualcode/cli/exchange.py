"""REFI-QDA exchange commands: 'export qdpx|qdc' and 'import qdpx|qdc' (added to the export and
import groups of cli/setup.py)."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.options import State, pass_state
from qualcode.cli.setup import export, import_
from qualcode.errors import QualcodeError


@export.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_state
def export_qdpx(state: State, file: str) -> None:
    """The project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder, qc:
    codes (groups as parent codes), coders, documents, validated codings, attributes, memos."""
    from qualcode.exchange.refi_export import write_qdpx
    click.echo(write_qdpx(state.project, file).line(file))


@export.command("qdc")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_state
def export_qdc(state: State, file: str) -> None:
    """The codebook alone as a REFI-QDA codebook (.qdc)."""
    from qualcode.exchange.refi_export import write_qdc
    click.echo(write_qdc(state.project, file).line(file))


@import_.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--codebook-out", default=None, type=click.Path(dir_okay=False),
              help="Where to write the codebook YAML (default: beside the project, PROJECT.yaml).")
@pass_state
def import_qdpx(state: State, file: str, codebook_out: str | None) -> None:
    """Build a NEW project from a REFI-QDA project (.qdpx): codes -> a codebook YAML, sources ->
    documents, codings -> validated span codings by their users, variables -> attributes."""
    from qualcode.exchange.refi_build import build_project
    from qualcode.exchange.refi_import import read_qdpx
    refi = read_qdpx(file)
    for line in build_project(refi, state.project_path, str(Path(file).resolve()), codebook_out).lines():
        click.echo(line)


@import_.command("qdc")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The codebook YAML to write.")
def import_qdc(file: str, output: str) -> None:
    """Turn a REFI-QDA codebook (.qdc; Sets become groups) into a qualcode codebook YAML."""
    from qualcode.codebook import parse_codebook
    from qualcode.exchange.refi_import import read_qdc
    tree = read_qdc(file)
    text = tree.yaml_text()
    parse_codebook(text, output)
    if Path(output).exists():
        raise QualcodeError("already exists; choose another -o", where=output)
    Path(output).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}: {len(tree.codes)} codes in {len(tree.groups)} groups")
    for n in tree.not_kept:
        click.echo(f"not kept: {n}")


COMMANDS: list = []
