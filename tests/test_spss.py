"""SPSS in and out: a .sav imports as the CSV of the same data does, and the exported .sav
reads back in pyreadstat with the labels and user-missing values qualcode wrote."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

ADM = "Administrativt stöd till socialsekreterare och biståndshandläggare"
INTRO = "Introduktionsprogram och mentorskap för nyanställda"
ROWS = [("r1", 1, 6, "Lönen"), ("r2", 2, 2, ""), ("r3", 1, 99, "Lokalerna"), ("r4", 2, None, "Mer tid"),
        ("r5", 1, 6, "x")]


def write_sav(path: Path, labels: bool = True) -> Path:
    df = pd.DataFrame({"id": [r[0] for r in ROWS], "roll": [float(r[1]) for r in ROWS],
                       "langst_1": [np.nan if r[2] is None else float(r[2]) for r in ROWS],
                       "kommentar": [r[3] for r in ROWS]})
    value_labels = {"roll": {1.0: "Socialsekreterare", 2.0: "Chef"}}
    if labels:
        value_labels["langst_1"] = {6.0: ADM, 2.0: INTRO, 99.0: "Ej svar"}
    pyreadstat.write_sav(df, str(path), column_labels={"roll": "Din roll", "langst_1": "Viktigaste området"},
                         variable_value_labels=value_labels, missing_ranges={"langst_1": [99]})
    return path


def write_same_csv(path: Path) -> Path:
    text = {6: ADM, 2: INTRO, 99: "", None: "#NULL!"}
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["id", "roll", "langst_1", "kommentar"])
        for rid, roll, area, comment in ROWS:
            w.writerow([rid, {1: "Socialsekreterare", 2: "Chef"}[roll], text[area], comment])
    return path


def runner(db: Path):
    from click.testing import CliRunner

    from qualcode.cli import main
    return lambda *a: CliRunner().invoke(main, ["--project", str(db), *a], catch_exceptions=False)


def imported(cli, file: Path) -> dict:
    r = cli("import", "survey", str(file), "--id", "id", "--attr", "roll", "--choice", "langst_1",
            "--text", "kommentar")
    assert r.exit_code == 0, r.output
    cli("suggest")
    r = cli("tally", "choice", "--field", "langst_1", "--include-suggestions", "--format", "json")
    return json.loads(r.output)


def test_sav_import_tallies_as_the_csv_of_the_same_data(tmp_path: Path, cli, project, project_path: Path) -> None:
    from qualcode import Project
    from qualcode.variables import value_labels, variable_labels
    from_sav = imported(cli, write_sav(tmp_path / "s.sav"))
    p = Project.open(project_path)
    assert variable_labels(p.conn)["langst_1"]["question"] == "Viktigaste området"
    assert value_labels(p.conn, "roll") == [("1", "Socialsekreterare"), ("2", "Chef")]
    assert [s["text"] for s in p.document("r3")["segments"] if s["field"] == "langst_1"] == [""]  # user-missing: Ej svar
    assert not [s for s in p.document("r4")["segments"] if s["field"] == "langst_1"]   # system-missing
    p.close()
    other = runner(tmp_path / "csv.db")
    from .conftest import CODEBOOK
    assert other("init", "--codebook", str(CODEBOOK)).exit_code == 0
    from_csv = imported(other, write_same_csv(tmp_path / "s.csv"))
    del from_sav["unreviewed"], from_csv["unreviewed"]
    assert from_sav == from_csv
    assert from_sav["tables"][0]["no_answer"] >= 1


@pytest.mark.parametrize("damage", ["truncated", "no_labels"])
def test_bad_sav_gets_one_line_and_changes_nothing(tmp_path: Path, cli, project, project_path: Path,
                                                  damage: str) -> None:
    good = write_sav(tmp_path / "good.sav", labels=damage != "no_labels")
    bad = tmp_path / "bad.sav"
    bad.write_bytes(good.read_bytes()[:400] if damage == "truncated" else good.read_bytes())
    before = project_path.read_bytes()
    r = cli("import", "survey", str(bad), "--id", "id", "--choice", "langst_1")
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert ("is it complete" in r.output) if damage == "truncated" else ("no value labels" in r.output)
    from qualcode import Project
    with Project.open(project_path) as p:
        assert p.documents() == []
    assert before[:100] == project_path.read_bytes()[:100]


def test_export_sav_reads_back_with_labels_and_user_missing(tmp_path: Path, cli, project) -> None:
    imported(cli, write_sav(tmp_path / "s.sav"))
    cli("review", "accept", "--min-score", "0.0", "--coder", "anna")
    assert cli("fields", "label", "langst_1", "Viktigast").exit_code == 0
    out = tmp_path / "ut.sav"
    r = cli("export", "sav", str(out))
    assert r.exit_code == 0, r.output
    df, meta = pyreadstat.read_sav(str(out), user_missing=True)
    assert list(df["id"]) == ["r1", "r2", "r3", "r4", "r5"]
    assert meta.column_names_to_labels["langst_1"] == "Viktigast"
    assert meta.variable_value_labels["langst_1"][6.0] == ADM and meta.variable_value_labels["langst_1"][99.0] == "Ej svar"
    assert meta.missing_ranges["langst_1"] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert meta.variable_value_labels["langst_1"][98.0] == "Ej granskad"
    assert df["langst_1"].tolist()[2] == 99.0 and np.isnan(df["langst_1"].tolist()[3])
    assert meta.variable_value_labels["roll"] == {1.0: "Socialsekreterare", 2.0: "Chef"}
    codes = [c for c in df.columns if c.startswith("kommentar_")]
    assert codes and set(df[codes].drop(index=1).stack().unique()) <= {0.0, 1.0}
    assert df[codes].iloc[1].isna().all()  # r2 left the comment empty: missing, not "no" to every code
    assert all(":" in meta.column_names_to_labels[c] for c in codes)
    dta = tmp_path / "ut.dta"
    assert cli("export", "sav", str(dta)).exit_code == 0
    assert pyreadstat.read_dta(str(dta))[0].shape[0] == 5
    r = cli("export", "sav", str(tmp_path / "ut.xyz"))
    assert r.exit_code == 1 and ".sav or .dta" in r.output


def test_an_answer_nobody_has_decided_on_is_ej_granskad_not_ej_svar(tmp_path: Path, cli, project) -> None:
    """As in the tallies: a suggestion without a decision is 98 (Ej granskad, user-missing); once
    its suggestion is rejected and no area added, the answer is 99 (Ej svar)."""
    imported(cli, write_sav(tmp_path / "s.sav"))
    out = tmp_path / "ut.sav"
    assert cli("export", "sav", str(out)).exit_code == 0
    before = pyreadstat.read_sav(str(out), user_missing=True)[0]["langst_1"].tolist()
    assert before[0] == 98.0 and before[1] == 98.0 and before[2] == 99.0 and np.isnan(before[3])
    from qualcode.review.sheet_import import import_decisions
    rows = project.conn.execute("SELECT g.doc, s.segment, s.code FROM suggestions s JOIN segments g ON g.id = s.segment "
                                "WHERE g.field = 'langst_1' AND g.doc = 'r1'").fetchall()
    import_decisions(project, [{"segment": r[1], "code": r[2], "verdict": "reject", "coder": "anna"} for r in rows])
    assert cli("review", "accept", "--doc", "r2", "--field", "langst_1", "--min-score", "0.0",
               "--coder", "anna").exit_code == 0
    assert cli("export", "sav", str(out), "--coder", "anna").exit_code == 0
    after = pyreadstat.read_sav(str(out), user_missing=True)[0]["langst_1"].tolist()
    assert after[0] == 99.0 and after[1] == 2.0
