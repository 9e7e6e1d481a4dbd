"""Forgiving names, strict values: a code by id or label in any case with å/ä/ö optional, "did
you mean" for an unknown name, an attribute value that does not exist refused with the values,
and the shipped codebooks found by name from any folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.names import find_codebook
from tests.test_tally import build


def test_codes_by_id_or_label_any_case_without_diacritics(project: Project) -> None:
    cb = project.codebook
    for name in ("lon", "Lön", "LÖN", "lön", "Lon", "personalomsättning", "Personalomsattning", "arbetslokaler"):
        assert cb.resolve(name).id in ("lon", "personalomsattning", "lokaler"), name
    assert cb.resolve("Medhandläggarskap").number == 9


def test_unknown_code_gets_did_you_mean(project: Project) -> None:
    with pytest.raises(QualcodeError, match=r"unknown code 'lonn'.*did you mean lon \(Lön\)\?"):
        project.codebook.resolve("lonn")
    with pytest.raises(QualcodeError, match="did you mean lokaler"):
        project.codebook.get("lokal")


def test_cli_takes_labels_and_refuses_values_that_do_not_exist(project: Project, cli) -> None:
    build(project)
    r = cli("export", "matrix", "--code", "Introduktionsprogram och mentorskap för nyanställda", "--format", "json")
    assert r.exit_code == 0 and "introduktion" in json.loads(r.output)[0]
    r = cli("tally", "crosstab", "--code", "lonn", "--by", "round")
    assert r.exit_code == 1 and "did you mean lon" in r.output
    r = cli("tally", "presence", "--where", "round=vt19")
    assert r.exit_code == 1 and "no document has round='vt19'" in r.output and "vt2017" in r.output
    r = cli("export", "matrix", "--where", "round=vt19")
    assert r.exit_code == 1 and "values of round" in r.output


def test_shipped_codebook_by_name_from_any_folder(tmp_path: Path, monkeypatch, cli) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_codebook("handlingsplan").is_file()
    assert find_codebook("codebooks/handlingsplan.yaml").is_file()    # DESIGN's stable command, from anywhere
    assert find_codebook(None) == find_codebook("handlingsplan")
    with pytest.raises(QualcodeError, match="shipped: handlingsplan"):
        find_codebook("nope")
    r = cli("init", "--codebook", "handlingsplan")
    assert r.exit_code == 0 and "49 koder" in r.output


def test_new_project_status_says_what_to_do_next(project: Project, cli) -> None:
    r = cli("status", "--format", "json")
    assert "qualcode import" in json.loads(r.output)["next"]
    build(project)
    r = cli("status")
    assert "koder vars regler eller uppmätta poäng ändrats" not in r.output


@pytest.mark.parametrize("args", [
    ("tally", "presence", "--code", "LÖN"),
    ("tally", "mentions", "--code", "Lön"),
    ("quotes", "--code", "Lön"),
    ("suggestions", "list", "--code", "lon"),
    ("review", "export", "--code", "Lön", "--coder", "anna", "-o", "sheet.csv"),
])
def test_every_command_that_names_a_code_takes_its_label(project: Project, cli, args, tmp_path: Path,
                                                         monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    build(project)
    r = cli(*args)
    assert r.exit_code == 0, r.output
    assert "unknown code" not in r.output
