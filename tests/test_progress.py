"""Progress bars on long work: `import survey`, `learn` and `report` show a bar with counts on a
terminal (stderr), and print nothing extra when stderr is not a terminal (a log, a pipe, CI).

A terminal is faked the way rich itself lets a user force one: TTY_COMPATIBLE=1 makes every
rich Console a terminal, so the command's own bar renders into the captured stderr."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from qualcode.i18n import t
from tests.test_learn import _answers, _halves, _record_gold

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def _bar(stderr: str) -> str:
    return ANSI.sub("", stderr)


def _survey(tmp_path: Path, n: int = 40) -> Path:
    path = tmp_path / "enkat.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "roll", "kommentar", "langst_1", "langst_2"])
        for rid, text, _ in _answers(n):
            w.writerow([rid, ["chef", "handläggare"][int(rid[1:]) % 2], text, "Lokaler", "Arbetsmiljö"])
    return path


def _import(cli, tmp_path: Path, n: int = 40, *extra: str):
    return cli("import", "survey", str(_survey(tmp_path, n)), "--id", "id", "--attr", "roll",
               "--text", "kommentar", "--choice", "langst_1", "--choice", "langst_2", "--set", "enkat=ht2018",
               *extra)


# ----------------------------------------------------------------------------- import survey

def test_import_survey_shows_a_bar_counting_rows_on_a_terminal(cli, project, tmp_path: Path, terminal) -> None:
    r = _import(cli, tmp_path, 40)
    assert r.exit_code == 0, r.output
    bar = _bar(r.stderr)
    assert t("progress.import") in bar
    assert "40/40" in bar                      # every row counted, against the file's row count


def test_import_survey_prints_no_bar_without_a_terminal(cli, project, tmp_path: Path, no_terminal) -> None:
    r = _import(cli, tmp_path, 40)
    assert r.exit_code == 0, r.output
    assert t("progress.import") not in r.output and "40/40" not in r.output
    assert "\x1b" not in r.output              # no control characters in a log


def test_read_survey_reports_the_total_then_one_tick_per_row(project, tmp_path: Path) -> None:
    totals: list[int] = []
    ticks: list[int] = []
    batch = project.read_survey(_survey(tmp_path, 12), id_column="id", texts=["kommentar"],
                                on_total=totals.append, progress=ticks.append)
    assert totals == [12] and sum(ticks) == 12 == len(batch.documents)


# ----------------------------------------------------------------------------- report

def test_report_shows_a_bar_counting_its_steps_on_a_terminal(cli, project, tmp_path: Path, terminal) -> None:
    assert _import(cli, tmp_path, 10).exit_code == 0
    r = cli("report", "-o", str(tmp_path / "rapport"))
    assert r.exit_code == 0, r.output
    bar = _bar(r.stderr)
    assert t("progress.report") in bar
    done = re.findall(r"(\d+)/(\d+)", bar)
    assert done and done[-1][0] == done[-1][1] and int(done[-1][1]) >= 3   # sections, then XLSX and DOCX


def test_report_output_is_unchanged_without_a_terminal(cli, project, tmp_path: Path, no_terminal) -> None:
    assert _import(cli, tmp_path, 10).exit_code == 0
    r = cli("report", "-o", str(tmp_path / "rapport"))
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    assert r.output.startswith("skrev ") and len(r.output.strip().splitlines()) == 1


def test_build_report_ticks_every_planned_step(project, tmp_path: Path) -> None:
    from qualcode.report.build import build_report
    project.import_survey(_survey(tmp_path, 10), id_column="id", attributes=["roll"], texts=["kommentar"],
                          choices=["langst_1", "langst_2"], confirm=True)
    totals: list[int] = []
    ticks: list[int] = []
    rep = build_report(project, tmp_path / "rapport", on_total=totals.append, progress=ticks.append)
    assert len(totals) == 1 and sum(ticks) == totals[0]    # the bar ends full, never past its end
    assert rep.sections and totals[0] >= 2 + 2                # a section step or more, then XLSX and DOCX


# ----------------------------------------------------------------------------- learn

@pytest.fixture
def reviewed(cli, project, tmp_path: Path):
    """A project with one coder's decisions on half of a small survey's comments."""
    from qualcode.suggest.run import suggest
    answers = _answers(60)
    assert _import(cli, tmp_path, 60, "--field-group", "kommentar=tema").exit_code == 0
    with project.transaction():
        project.set_meta("base_model", "off")
    suggest(project)
    gold = {rid: codes for rid, _, codes in answers}
    _record_gold(project, gold, _halves(gold)[0])
    return project


def test_learn_shows_a_bar_counting_codes_on_a_terminal(cli, reviewed, terminal) -> None:
    r = cli("learn", "--no-cv")
    assert r.exit_code == 0, r.output
    bar = _bar(r.stderr)
    assert t("progress.learn") in bar
    done = re.findall(r"(\d+)/(\d+)", bar)
    assert done and done[-1][0] == done[-1][1] and int(done[-1][1]) > 0


def test_learn_prints_no_progress_without_a_terminal(cli, reviewed, no_terminal) -> None:
    r = cli("learn", "--no-cv")
    assert r.exit_code == 0, r.output
    assert r.stderr == "" and "\x1b" not in r.output      # the tables only, as before
