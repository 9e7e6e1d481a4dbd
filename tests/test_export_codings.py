"""Every coding exported: one row per validated coding (hand-added ones included), and the
documents × codes 0/1 matrix, whose column sums are `tally presence`'s counts on the demo project."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcode import Project
from qualcode import tally as T
from qualcode.cli import main
from qualcode.exports import code_matrix, coding_rows


@pytest.fixture(scope="module")
def demo(demo_out: Path) -> Path:
    """The session's demo project (conftest ``demo_out``, which asserts the demo exited 0); read only."""
    return demo_out / "qualcode.db"


def test_matrix_on_the_demo_equals_presence(demo: Path) -> None:
    with Project.open(demo) as p:
        for kw in ({"groups": ["fokusomrade"]}, {"groups": ["tema"]},
                   {"groups": ["fokusomrade"], "fields": ["langst_1"]}):
            m = code_matrix(p, **kw)
            pres = T.presence(p, **kw)
            assert m.column_sums() == {t["code"]: t["documents"] for t in pres.totals}, kw
            assert len(m.docs) == pres.totals[0]["of"]
        assert len(code_matrix(p, groups=["tema"]).docs) == 144


def test_export_files_open_as_tables(demo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "matris.csv"
    r = runner.invoke(main, ["--project", str(demo), "export", "matrix", "--group", "tema", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 144 and {rows[0]["lon"], rows[1]["lon"]} <= {"0", "1"} and "round" in rows[0]
    xlsx = tmp_path / "kodningar.xlsx"
    r = runner.invoke(main, ["--project", str(demo), "export", "codings", "-f", "xlsx", "-o", str(xlsx)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(xlsx).active
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert header[:16] == ["doc", "kind", "field", "segment", "code", "number", "label", "group", "start", "end",
                           "text", "coder", "source", "origin", "time", "memo"]
    with Project.open(demo) as p:
        assert ws.max_row - 1 == len(list(coding_rows(p))) > 1000


def test_readme_tally_examples_run_on_the_demo(demo: Path, tmp_path: Path) -> None:
    """README's "Tallies" examples (report and check-claims aside) on the demo project; the
    crosstab by role counts the 117 respondents, with n per column."""
    import json
    import re
    import shlex
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Tallies and report files.*?```sh\n(.*?)```", text, re.S).group(1)
    commands = [shlex.split(line.split("#")[0]) for line in block.splitlines() if line.startswith("qualcode ")]
    runner = CliRunner()
    for argv in commands:
        if argv[1] in ("report", "check-claims"):
            continue
        argv = [a if not a.endswith(".png") else str(tmp_path / a) for a in argv]
        r = runner.invoke(main, ["--project", str(demo), *argv[1:]])
        assert r.exit_code == 0, (argv, r.output[-1500:])
    r = runner.invoke(main, ["--project", str(demo), "tally", "crosstab", "--group", "fokusomrade", "--by", "roll",
                             "--chi2", "--format", "json"])
    data = json.loads(r.output)
    assert data["unit"] == "response" and data["n"] == 117
    assert sorted((c["group"]["roll"], c["n"]) for c in data["columns"]) == [("chef", 66), ("medarbetare", 51)]
