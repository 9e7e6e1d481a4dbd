"""An answer that has suggestions but no decision yet is not "Ej svar": the respondent answered,
the answer is just not coded yet. Choice tables count such answers apart ("Ej granskade") and
say that the table is not final; Ej svar stays the blank cells and those decided as no area.

The project is built through the library API as a user's would be: a survey export imported,
``suggest`` run, decisions recorded one by one.

    resp  langst_1         what happens                                   counts as
    a1    "6"              adm suggested, accepted                        6. Adm. stöd
    a2    ""               blank                                          Ej svar
    a3    "2"              introduktion suggested, nobody decided          Ej granskade
    a4    "-"              the normaliser reads no answer: no suggestion  Ej svar
    a5    "3"              suggested, rejected: decided as no area        Ej svar
    a6    "9"              suggested, accepted, then undone (retract)     Ej granskade
    a7    (#NULL!)         never had the question                         not in the table
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode import Project
from qualcode import tally as T
from qualcode.review.decisions import record

ROWS = [("a1", "6"), ("a2", ""), ("a3", "2"), ("a4", "-"), ("a5", "3"), ("a6", "9"), ("a7", "#NULL!")]


def _segment(p: Project, doc: str) -> int:
    return p.segments(doc=doc, field="langst_1")[0]["segment"]


def _suggested(p: Project, doc: str) -> str:
    row = p.conn.execute("SELECT code FROM suggestions WHERE segment = ?", (_segment(p, doc),)).fetchone()
    assert row is not None, doc
    return row[0]


@pytest.fixture
def survey(project: Project, tmp_path: Path) -> Project:
    from qualcode.suggest.run import suggest
    csv = tmp_path / "enkat.csv"
    csv.write_text("id;langst_1\n" + "".join(f"{i};{v}\n" for i, v in ROWS), encoding="utf-8")
    project.import_survey(csv, id_column="id", choices=["langst_1"])
    suggest(project)
    assert not project.conn.execute("SELECT 1 FROM suggestions WHERE segment = ?", (_segment(project, "a4"),)).fetchone()
    record(project, _segment(project, "a1"), _suggested(project, "a1"), "anna", "accept")
    record(project, _segment(project, "a5"), _suggested(project, "a5"), "anna", "reject")
    record(project, _segment(project, "a6"), _suggested(project, "a6"), "anna", "accept")
    record(project, _segment(project, "a6"), _suggested(project, "a6"), "anna", "retract")
    return project


def test_undecided_answers_are_not_counted_as_no_answer(survey: Project) -> None:
    t = T.choice(survey, ["langst_1"]).tables[0]
    rows = {r["number"]: r["count"] for r in t["rows"]}
    assert rows[6] == 1 and sum(rows.values()) == 1
    assert (t["not_reviewed"], t["no_answer"], t["total"]) == (2, 3, 6)
    assert t["not_reviewed_percent"] == 33.3 and t["no_answer_percent"] == 50.0
    assert sum(rows.values()) + t["not_reviewed"] + t["no_answer"] == t["total"]   # the table adds up


def test_reviewing_the_rest_moves_them_to_an_area_or_to_ej_svar(survey: Project) -> None:
    record(survey, _segment(survey, "a3"), _suggested(survey, "a3"), "anna", "accept")
    record(survey, _segment(survey, "a6"), _suggested(survey, "a6"), "anna", "reject")
    res = T.choice(survey, ["langst_1"])
    t = res.tables[0]
    assert (t["not_reviewed"], t["no_answer"], res.not_reviewed) == (0, 4, 0)
    labels = [row[0] for row in T.choice_tables(res, "sv")[0].rows]
    assert "Ej granskade" not in labels            # a final table looks as the report prints it


def test_a_project_without_decisions_has_every_suggested_answer_pending(project: Project, tmp_path: Path) -> None:
    from qualcode.suggest.run import suggest
    csv = tmp_path / "enkat.csv"
    csv.write_text("id;langst_1\n" + "".join(f"{i};{v}\n" for i, v in ROWS), encoding="utf-8")
    project.import_survey(csv, id_column="id", choices=["langst_1"])
    suggest(project)
    t = T.choice(project, ["langst_1"]).tables[0]
    assert (t["not_reviewed"], t["no_answer"], t["total"]) == (4, 2, 6)   # a2 blank and a4 "-" are Ej svar
    preview = T.choice(project, ["langst_1"], include_suggestions=True).tables[0]
    assert preview["not_reviewed"] + sum(r["count"] for r in preview["rows"]) == 4   # confident ones count


def test_table_has_a_row_and_a_note_in_both_languages(survey: Project) -> None:
    res = T.choice(survey, ["langst_1"])
    sv, en = T.choice_tables(res, "sv")[0], T.choice_tables(res, "en")[0]
    rows = {row[0]: row[1:] for row in sv.rows}
    assert rows["Ej granskade"] == [2, 33.3] and rows["Ej svar"] == [3, 50.0] and rows["Total"] == [6, 100.0]
    assert [row[0] for row in sv.rows][-3:] == ["Ej granskade", "Ej svar", "Total"]
    assert "Ej granskade: 2" in sv.note and "inte slutgiltig" in sv.note
    assert ["Not reviewed", 2, 33.3] in en.rows and "not final" in en.note


def test_cli_says_on_stderr_that_the_table_is_not_final(survey: Project, cli) -> None:
    r = cli("tally", "choice", "--field", "langst_1", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)                    # stdout keeps only the JSON
    assert data["tables"][0]["not_reviewed"] == 2 and data["tables"][0]["no_answer"] == 3
    assert r.stderr.strip().count("\n") == 0 and r.stderr.startswith("2 svar är ännu inte granskade")
    en = cli("--lang", "en", "tally", "choice", "--field", "langst_1")
    assert "2 answers are not yet reviewed" in en.stderr and "Not reviewed" in en.stdout


def test_cli_is_quiet_when_every_answer_is_decided(survey: Project, cli) -> None:
    record(survey, _segment(survey, "a3"), _suggested(survey, "a3"), "anna", "reject")
    record(survey, _segment(survey, "a6"), _suggested(survey, "a6"), "anna", "reject")
    r = cli("tally", "choice", "--field", "langst_1", "--format", "csv")
    assert r.exit_code == 0 and r.stderr == "" and "Ej granskade" not in r.stdout


def test_report_choice_table_counts_them_apart(survey: Project, tmp_path: Path) -> None:
    import csv as _csv
    import io
    from qualcode.report.build import build_report
    build_report(survey, tmp_path / "rapport")
    rows = list(_csv.reader(io.StringIO((tmp_path / "rapport" / "langst_1.csv").read_text(encoding="utf-8-sig")),
                            delimiter=";"))
    assert ["Ej granskade", "2", "33,3"] in rows and ["Ej svar", "3", "50,0"] in rows
