"""The everyday showing commands in the run's language, with what a researcher needs to see:
status and the import summaries from the catalogue (JSON keeps its English keys), the codes'
descriptions in ``codebook show``, each survey cell's field in ``docs show``, and a memo's
author when $USER is unset."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import Project
from qualcode.memos import default_author

from .conftest import CODEBOOK
from .test_review_i18n import foreign

NOTE = "---\nid: int1\nround: vt2017\ngroup: chefer\n---\nVi pratade om lönen. Lokalerna är trånga.\n"
SURVEY = "id;roll;langst_1;kommentar\nR1;chef;p6 adm stöd;Mer handledning behövs.\nR2;medarbetare;intro;\n"


def run(path: Path, *args: str, input: str | None = None) -> str:
    from qualcode.cli import main
    r = CliRunner().invoke(main, ["--project", str(path), *args], input=input, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def files(tmp_path: Path) -> tuple[Path, Path]:
    notes = tmp_path / "anteckningar"
    notes.mkdir()
    (notes / "a.md").write_text(NOTE, encoding="utf-8")
    survey = tmp_path / "enkat.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    return notes, survey


def session(tmp_path: Path, lang: str) -> tuple[str, Path]:
    """Everything init, import (new, then a dry run that would retire a decided cell) and status
    print in ``lang``; returns the output and the project's path."""
    notes, survey = files(tmp_path)
    path = tmp_path / f"{lang}.db"
    out = [run(path, "--lang", lang, "init", "--codebook", str(CODEBOOK)),
           run(path, "--lang", lang, "import", "notes", str(notes)),
           run(path, "--lang", lang, "import", "survey", str(survey), "--id", "id", "--attr", "roll",
               "--choice", "langst_1", "--text", "kommentar")]
    with Project.open(path) as p:
        seg = p.segments(doc="R1", field="langst_1")[0]["segment"]
        with p.transaction() as c:
            c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) "
                      "VALUES (?, 'adm_stod_handlaggare', 'anna', 'accept', 't')", (seg,))
    out.append(run(path, "--lang", lang, "import", "survey", str(survey), "--id", "id", "--dry-run"))
    out.append(run(path, "--lang", lang, "status"))
    return "\n".join(out), path


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_status_and_import_speak_one_language(tmp_path: Path, lang: str) -> None:
    screen, path = session(tmp_path, lang)
    with Project.open(path) as p:
        assert foreign(screen, lang, p) == []
    expected = {
        "sv": ["skapade", "1 nya, 0 ändrade, 0 oförändrade dokument; 2 segment tillagda",
               "Nästa steg: föreslå koder: qualcode suggest", "provkörning, inget skrevs",
               "1 segment som har beslut skulle tas ur bruk", "Projekt", "ogranskade förslag", "intervjuer",
               "enkätsvar", "Segment per fält", "Kodare", "anna", "Att göra för suggest", "nästa steg"],
        "en": ["created", "1 new, 0 changed, 0 unchanged documents; 2 segments added",
               "Next: suggest codes: qualcode suggest", "dry run, nothing written",
               "1 segments that carry decisions would be retired", "Project", "unreviewed suggestions",
               "interviews", "survey responses", "Segments per field", "Coders", "To do for suggest", "next step"],
    }[lang]
    for shown in expected:
        assert shown in screen, shown


def test_status_json_keeps_its_english_keys_in_either_language(tmp_path: Path) -> None:
    notes, _ = files(tmp_path)
    path = tmp_path / "p.db"
    run(path, "init", "--codebook", str(CODEBOOK))
    run(path, "import", "notes", str(notes))
    sv = json.loads(run(path, "--lang", "sv", "status", "-f", "json"))
    en = json.loads(run(path, "--lang", "en", "status", "-f", "json"))
    assert {"project", "codebook", "documents", "segments", "attributes", "coders", "next"} <= set(sv)
    assert sv["documents"] == en["documents"] == {"interview": 1}
    assert sv.keys() == en.keys() and sv["next"].startswith("föreslå") and en["next"].startswith("suggest")


def test_an_attribute_with_many_values_is_one_row_in_status(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    rows = "\n".join(f"R{i};2018-10-{i:02d};svar {i}" for i in range(1, 26))
    (tmp_path / "s.csv").write_text("id;datum;kommentar\n" + rows + "\n", encoding="utf-8")
    run(path, "init", "--codebook", str(CODEBOOK))
    run(path, "import", "survey", str(tmp_path / "s.csv"), "--id", "id", "--attr", "datum", "--text", "kommentar")
    out = run(path, "status")
    assert "25 olika värden, t.ex. 2018-10-01; 2018-10-02; 2018-10-03" in out and "2018-10-20" not in out
    assert len(json.loads(run(path, "status", "-f", "json"))["attributes"]["datum"]) == 25


def test_codebook_show_has_the_descriptions(cli, project: Project) -> None:
    code = project.codebook.by_id["brukardelaktighet"]
    assert code.description and code.includes and code.excludes
    table = cli("codebook", "show", "--group", "fokusomrade").output
    assert "beskrivning" in table and "brukarrevision" in table          # wrapped, but there
    assert max(len(line) for line in table.splitlines()) <= 160
    assert "Att samla in och använda" in table and "description" not in table
    rows = list(csv.DictReader(io.StringIO(cli("--lang", "en", "codebook", "show", "-f", "csv").output)))
    first = next(r for r in rows if r["id"] == "brukardelaktighet")
    assert first["description"] == code.description and first["includes"] == code.includes
    assert first["excludes"] == code.excludes
    data = json.loads(cli("codebook", "show", "-f", "json").output)
    shown = next(c for c in data["codes"] if c["id"] == "brukardelaktighet")
    assert {"id", "label", "group", "number"} <= set(shown) and shown["description"] == code.description


def test_docs_show_names_the_field_of_each_survey_cell(cli, project: Project, tmp_path: Path) -> None:
    notes, survey = files(tmp_path)
    project.import_notes(notes)
    project.import_survey(survey, id_column="id", attributes=["roll"], choices=["langst_1"], texts=["kommentar"])
    from qualcode.variables import set_label
    with project.transaction() as c:
        set_label(c, "kommentar", "Övriga synpunkter")
    out = cli("docs", "show", "R1").output
    lines = out.splitlines()
    assert any("langst_1" in line and "p6 adm stöd" in line for line in lines)
    assert any("kommentar (Övriga synpunkter)" in line and "Mer handledning" in line for line in lines)
    assert "notes" not in cli("docs", "show", "int1").output    # a note is one field: nothing to tell apart


def test_memo_author_without_user(cli, project: Project, monkeypatch) -> None:
    for name in ("USER", "LOGNAME", "LNAME", "USERNAME", "QUALCODE_CODER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "annsve")               # getpass reads it though $USER is unset
    assert cli("memo", "add", "--text", "via inloggningen").exit_code == 0
    monkeypatch.setenv("QUALCODE_CODER", "anna")          # the name her decisions carry wins
    assert cli("memo", "add", "--text", "via kodarnamnet").exit_code == 0
    monkeypatch.delenv("QUALCODE_CODER")
    monkeypatch.delenv("LOGNAME")

    def nobody() -> str:
        raise OSError("no username")
    monkeypatch.setattr("getpass.getuser", nobody)
    assert default_author() is None
    assert cli("memo", "add", "--text", "ingen vet vem").exit_code == 0
    memos = json.loads(cli("memo", "list", "-f", "json").output)["memos"]
    assert [m["author"] for m in memos] == ["annsve", "anna", None]
    assert "okänd skribent" in cli("memo", "show", "3").output
    assert "unknown author" in cli("--lang", "en", "memo", "list").output
