"""The command line as a whole: every command documented, listed in the order of the work."""

from __future__ import annotations

import click
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.cli.options import WORKFLOW


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_every_command_has_help_text():
    missing = [" ".join(path) for path, cmd in _commands(main) if not (cmd.help or "").strip()]
    assert missing == []
    for path, _ in _commands(main):
        r = CliRunner().invoke(main, [*path, "--help"])
        assert r.exit_code == 0, path


def test_help_lists_commands_in_workflow_order():
    out = CliRunner().invoke(main, ["--help"]).output
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == [c for c in WORKFLOW if c in main.commands]
    assert listed[:4] == ["init", "status", "codebook", "import"] and listed[-1] == "demo"


def test_the_output_files_extension_chooses_the_format_when_no_format_is_given(project, cli, tmp_path) -> None:
    from tests.test_tally import build
    build(project)
    out = tmp_path / "segments.csv"
    assert cli("export", "segments", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("segment,doc,field")
    out = tmp_path / "segments.txt"     # an extension that is no format: the command's default (JSON Lines)
    assert cli("export", "segments", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("{")
