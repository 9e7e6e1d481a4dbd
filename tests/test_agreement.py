"""Agreement: the unit definition, kappa/alpha against scikit-learn and Krippendorff's worked example,
machine-vs-human precision/recall per code and per rule, and reconcile into a consensus coder."""

from __future__ import annotations

import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from rich.console import Console
from sklearn.metrics import cohen_kappa_score

from qualcode import Project, QualcodeError
from qualcode.review.agreement import (
    adopt_agreements,
    agreement,
    krippendorff_alpha,
    machine_agreement,
    presence_units,
)
from qualcode.review.decisions import current_verdict, record
from qualcode.review.keys import ScriptedKeys
from qualcode.review.reconcile import ReconcileSession

from .test_decisions import standard

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the reliability data with
# 4 observers x 12 units and missing values; nominal alpha = 0.743.
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def two_coders(project: Project, tmp_path: Path) -> dict[str, list[int]]:
    segs = standard(project, tmp_path)
    for coder, decisions in {
        "anna": [("i01", 0, "adm_stod_handlaggare", "accept"), ("i01", 2, "lokaler", "reject"),
                 ("i02", 1, "lon", "accept"), ("i02", 2, "omorganisation", "reject"),
                 ("i03", 0, "adm_stod_handlaggare", "accept"), ("i03", 0, "adm_stod_chefer", "reject"),
                 ("i01", 1, "trivsel", "add"), ("i03", 2, "arbetsbelastning", "add")],
        "bo": [("i01", 0, "adm_stod_handlaggare", "accept"), ("i01", 2, "lokaler", "accept"),
               ("i02", 1, "lon", "accept"), ("i02", 2, "omorganisation", "reject"),
               ("i03", 0, "adm_stod_handlaggare", "reject"), ("i03", 0, "adm_stod_chefer", "accept"),
               ("i03", 2, "arbetsbelastning", "add")],
    }.items():
        for doc, i, code, verdict in decisions:
            record(project, segs[doc][i], code, coder, verdict)
    return segs


# the units the definition gives for two_coders, by hand: (doc, position, code) -> (anna, bo)
EXPECTED_UNITS = [
    ("i01", 0, "adm_stod_handlaggare", 1, 1),
    ("i01", 2, "lokaler", 0, 1),
    ("i02", 1, "lon", 1, 1),
    ("i02", 2, "omorganisation", 0, 0),
    ("i03", 0, "adm_stod_handlaggare", 1, 0),
    ("i03", 0, "adm_stod_chefer", 0, 1),
    ("i03", 2, "arbetsbelastning", 1, 1),
]  # i01[1] trivsel is out: bo never reviewed that segment


def test_units_are_what_the_definition_says(project: Project, tmp_path: Path) -> None:
    segs = two_coders(project, tmp_path)
    units = presence_units(project, ["anna", "bo"])
    got = [(u["segment"], u["code"], u["values"]["anna"], u["values"]["bo"]) for u in units]
    assert got == [(segs[d][i], c, a, b) for d, i, c, a, b in EXPECTED_UNITS]


def test_kappa_alpha_percent_match_the_libraries(project: Project, tmp_path: Path) -> None:
    two_coders(project, tmp_path)
    a = [u[3] for u in EXPECTED_UNITS]
    b = [u[4] for u in EXPECTED_UNITS]
    result = agreement(project, ["anna", "bo"])
    o = result["overall"]
    assert o["n"] == 7
    assert o["percent"] == pytest.approx(100 * 4 / 7)
    assert o["kappa"] == pytest.approx(cohen_kappa_score(a, b))
    assert o["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))
    # by hand: po = 28/49, pe = 4/7*5/7 + 3/7*2/7 = 26/49, kappa = (28 - 26) / (49 - 26)
    assert o["kappa"] == pytest.approx(2 / 23)
    per = {c["code"]: c for c in result["codes"]}
    assert per["adm_stod_handlaggare"]["n"] == 2 and per["adm_stod_handlaggare"]["percent"] == 50.0
    assert per["lon"]["percent"] == 100.0 and per["lon"]["kappa"] is None  # undefined, not 1 or 0
    assert per["adm_stod_handlaggare"]["number"] == 6
    assert [(d["code"], d["values"]) for d in result["disagreements"]] == [
        ("lokaler", {"anna": 0, "bo": 1}), ("adm_stod_handlaggare", {"anna": 1, "bo": 0}),
        ("adm_stod_chefer", {"anna": 0, "bo": 1})]


def test_cli_json_contract_and_table(project: Project, tmp_path: Path, cli) -> None:
    two_coders(project, tmp_path)
    r = cli("agreement", "--coders", "anna,bo", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data["overall"]) >= {"percent", "kappa", "alpha"}
    for c in data["codes"]:
        assert set(c) >= {"code", "number", "n", "percent", "kappa", "alpha"}
    assert {c["code"] for c in data["codes"]} == {"adm_stod_handlaggare", "adm_stod_chefer", "lokaler", "lon",
                                                  "omorganisation", "arbetsbelastning"}
    r = cli("agreement", "--coders", "anna,bo", "--group", "tema", "--format", "json")
    assert {c["code"] for c in json.loads(r.output)["codes"]} == {"lokaler", "lon", "omorganisation",
                                                                  "arbetsbelastning"}
    r = cli("agreement", "--coders", "anna,bo")
    assert "Oenigheter (3)" in r.output and "Lokalerna är trånga" in r.output
    r = cli("agreement", "--coders", "anna,carl")
    assert r.exit_code == 1 and "coder 'carl' has made no decisions" in r.output
    r = cli("agreement", "--coders", "anna")
    assert r.exit_code == 1 and "at least two names" in r.output


def test_document_units(project: Project, tmp_path: Path) -> None:
    two_coders(project, tmp_path)
    units = presence_units(project, ["anna", "bo"], unit="document")
    got = {(u["doc"], u["code"]): (u["values"]["anna"], u["values"]["bo"]) for u in units}
    assert got == {("i01", "adm_stod_handlaggare"): (1, 1), ("i01", "lokaler"): (0, 1), ("i01", "trivsel"): (1, 0),
                   ("i02", "lon"): (1, 1), ("i02", "omorganisation"): (0, 0),
                   ("i03", "adm_stod_handlaggare"): (1, 0), ("i03", "adm_stod_chefer"): (0, 1),
                   ("i03", "arbetsbelastning"): (1, 1)}


def test_krippendorff_worked_example_through_the_store(project: Project, tmp_path: Path) -> None:
    """Four coders give 12 choice answers an area (1-5); nominal alpha must be Krippendorff's 0.743."""
    survey = tmp_path / "s.csv"
    survey.write_text("id;langst_1\n" + "".join(f"R{j:02d};svar {j}\n" for j in range(1, 13)), encoding="utf-8")
    project.import_survey(survey, id_column="id", choices=["langst_1"])
    segs = [s["segment"] for s in project.segments(field="langst_1")]
    areas = project.codebook.by_number()
    coders = ["A", "B", "C", "D"]
    for coder, row in zip(coders, KRIPPENDORFF):
        for seg, value in zip(segs, row):
            if value is not None:
                record(project, seg, areas[value].id, coder, "add")
    result = agreement(project, coders, group="fokusomrade", scale="nominal")
    assert round(result["overall"]["alpha"], 3) == 0.743
    assert result["overall"]["kappa"] is None  # Cohen's kappa is for two coders
    matrix = [[np.nan if v is None else v for v in row] for row in KRIPPENDORFF]
    assert round(krippendorff_alpha(matrix), 3) == 0.743
    # two of them: kappa equals scikit-learn's over the units both coded
    pair = agreement(project, ["B", "D"], group="fokusomrade", scale="nominal")
    both = [j for j in range(12) if KRIPPENDORFF[1][j] is not None and KRIPPENDORFF[3][j] is not None]
    assert pair["overall"]["kappa"] == pytest.approx(
        cohen_kappa_score([KRIPPENDORFF[1][j] for j in both], [KRIPPENDORFF[3][j] for j in both]))


def test_machine_against_coder(project: Project, tmp_path: Path, cli) -> None:
    two_coders(project, tmp_path)
    m = machine_agreement(project, "anna")
    o = m["overall"]
    # units: anna's 7 reviewed segments x the 26 codes of the groups used on notes (areas, themes)
    assert (o["n"], o["tp"], o["fp"], o["fn"], o["tn"]) == (7 * 26, 2, 2, 3, 175)
    assert o["precision"] == pytest.approx(0.5) and o["recall"] == pytest.approx(0.4)
    assert o["f1"] == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    truth = [1, 0, 1, 0, 1, 0, 1, 1] + [0] * 174  # the machine is silent and anna coded nothing
    pred = [1, 1, 1, 1, 0, 0, 0, 0] + [0] * 174
    assert o["kappa"] == pytest.approx(cohen_kappa_score(truth, pred))
    per = {c["code"]: c for c in m["codes"]}
    assert (per["adm_stod_handlaggare"]["precision"], per["adm_stod_handlaggare"]["recall"]) == (1.0, 0.5)
    assert per["trivsel"]["precision"] is None and per["trivsel"]["recall"] == 0.0  # never suggested
    assert m["rules"][0]["source"] == "rule:lemma=lokal" and m["rules"][0]["fp"] == 1
    assert m["rules"][-1]["fp"] == 0
    r = cli("agreement", "--machine", "--coder", "anna", "--format", "json")
    assert json.loads(r.output)["overall"]["tp"] == 2
    r = cli("agreement", "--machine")
    assert r.exit_code == 1 and "--machine needs --coder" in r.output


def test_reconcile_adopts_agreements_and_resolves_the_rest(project: Project, tmp_path: Path) -> None:
    segs = two_coders(project, tmp_path)
    assert adopt_agreements(project, ["anna", "bo"], "konsensus") == 4
    assert adopt_agreements(project, ["anna", "bo"], "konsensus") == 0  # safe to rerun
    with pytest.raises(QualcodeError, match="must be a new name"):
        adopt_agreements(project, ["anna", "bo"], "bo")
    out = io.StringIO()
    # lokaler: y (applies); i03 adm_stod_handlaggare: take bo's view (2 = not coded); then quit
    n = ReconcileSession(project, ["anna", "bo"], "konsensus", keys=ScriptedKeys("y2q"),
                         console=Console(file=out, width=100)).run()
    assert n == 2
    assert current_verdict(project.conn, segs["i01"][2], "lokaler", "konsensus") == "accept"
    assert current_verdict(project.conn, segs["i03"][0], "adm_stod_handlaggare", "konsensus") == "reject"
    assert current_verdict(project.conn, segs["i03"][0], "adm_stod_chefer", "konsensus") is None
    # the rerun asks only about what is left: take anna's view
    out = io.StringIO()
    ReconcileSession(project, ["anna", "bo"], "konsensus", keys=ScriptedKeys("1"),
                     console=Console(file=out, width=100)).run()
    assert "adm_stod_chefer" in out.getvalue() and "Lokalerna" not in out.getvalue()
    assert current_verdict(project.conn, segs["i03"][0], "adm_stod_chefer", "konsensus") == "reject"
    assert {r[0] for r in project.conn.execute("SELECT origin FROM decisions WHERE coder = 'konsensus'")} == {
        "reconcile"}
    # the consensus agrees with each coder exactly where the settlement sided with them
    k = agreement(project, ["anna", "konsensus"])
    assert k["overall"]["n"] == 7 and len(k["disagreements"]) == 2  # lokaler and adm_stod_handlaggare i03


def test_cli_reconcile(project: Project, tmp_path: Path, cli) -> None:
    two_coders(project, tmp_path)
    r = cli("reconcile", "--coders", "anna,bo", "--as", "konsensus", input="ynq")
    assert r.exit_code == 0, r.output
    assert "4 samstämmiga beslut kopierade till konsensus" in r.output and "2 avgjorda" in r.output
    r = cli("agreement", "--coders", "anna,konsensus", "--format", "json")
    data = json.loads(r.output)
    assert data["overall"]["n"] == 7
    assert [(d["code"], d["values"]) for d in data["disagreements"]] == [
        ("lokaler", {"anna": 0, "konsensus": 1}), ("adm_stod_handlaggare", {"anna": 1, "konsensus": 0})]
    r = cli("reconcile", "--coders", "anna,bo", "--as", "anna")
    assert r.exit_code == 1 and "must be a new name" in r.output
