"""check-claims: every printed figure of a draft is recomputed; wrong ones are named with the right value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.report.claims import check_claims

from .test_tally import build

GOOD = """
source: "utkast till rapport"
claims:
  - {id: vt2017_adm, kind: presence, text: "3 av de 5 intervjuerna", code: adm_stod_handlaggare,
     where: {round: vt2017}, documents: 3, of: 5, percent: 60}
  - id: langst_1
    kind: choice_table
    field: langst_1
    rows: {2: [3, 42.9], 6: [2, 28.6], 8: [null, null], 14: [0, 0]}
    no_answer: [3, 42.9]
    total: 7
    missing: 1
  - {id: langst_total_2, kind: choice_total, fields: [langst_1, langst_2], number: 2, count: 4}
  - {id: f2a_rutiner, kind: mentions, field: fraga_2a, code: f2a_rutiner, count: 2}
  - {id: tabell1_bou, kind: attribute_count, attribute: verksamhet, value: BOU, count: 5, percent: 55.6,
     total: 9, where: {kind: response}}
  - {id: tabell1_okant, kind: attribute_count, attribute: verksamhet, value: Okänt, count: 1, where: {kind: response}}
"""

BAD = """
claims:
  - {id: wrong_presence, kind: presence, code: adm_stod_handlaggare, where: {round: vt2017}, documents: 4, of: 5}
  - id: wrong_pct
    kind: choice_table
    field: langst_1
    rows: {2: [3, 42.8], 6: [2, 28.6]}
  - id: known_error
    kind: choice_table
    field: langst_1
    rows: {2: [3, 42.9], 6: [2, 28.0]}
    inconsistent: "percent misprinted in the report"
    supported: {rows: {6: [2, 28.6]}}
  - id: known_error_wrongly_supported
    kind: choice_total
    fields: [langst_1, langst_2]
    number: 6
    count: 3
    inconsistent: "the report adds one"
    supported: {count: 5}
"""


@pytest.fixture
def fx(project: Project) -> Project:
    from .test_tally import decide
    build(project)
    decide(project, "r5", "langst_1", "ovrigt", verdict="reject")   # reviewed: the printed table is final
    return project


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_all_true_claims_pass(fx: Project, tmp_path: Path, cli) -> None:
    results = check_claims(fx, write(tmp_path, GOOD))
    assert [(r.id, r.status) for r in results] == [
        ("vt2017_adm", "ok"), ("langst_1", "ok"), ("langst_total_2", "ok"), ("f2a_rutiner", "ok"),
        ("tabell1_bou", "ok"), ("tabell1_okant", "ok")]
    assert len(results[1].cells) == 2 * 4 + 2 + 2   # every printed cell is checked
    r = cli("check-claims", str(tmp_path / "claims.yaml"))
    assert r.exit_code == 0 and r.output.count("✓") >= 6


def test_wrong_claims_name_the_cell_and_computed_value(fx: Project, tmp_path: Path, cli) -> None:
    path = write(tmp_path, BAD)
    results = {r.id: r for r in check_claims(fx, path)}
    assert results["wrong_presence"].status == "failed"
    bad = [c for c in results["wrong_presence"].cells if not c.ok]
    assert [(c.label, c.published, c.computed) for c in bad] == [("documents", 4, 3)]
    assert results["wrong_pct"].status == "failed"
    assert [(c.published, c.computed) for c in results["wrong_pct"].cells if not c.ok] == [(42.8, 42.9)]
    assert results["known_error"].status == "inconsistent" and results["known_error"].inconsistent
    assert len(results["known_error"].supported_cells) == 4   # 'supported' overrides row 6, keeps row 2
    assert results["known_error_wrongly_supported"].status == "failed"   # the data give 2, not the 'supported' 5
    r = cli("check-claims", str(path))
    assert r.exit_code == 1
    assert "Introduktionsprogram och mentorskap för nyanställda: Procent: printed 42,8, computed 42,9" in r.output
    assert ("report inconsistency: 6. Administrativt stöd till socialsekreterare och biståndshandläggare: "
            "Procent printed 28,0, data 28,6 (percent misprinted in the report)") in r.output
    data = json.loads(cli("check-claims", str(path), "--format", "json").output)
    assert (data["passed"], data["inconsistent"], data["failed"]) == (0, 1, 3)


def test_inconsistent_claims_alone_do_not_fail(fx: Project, tmp_path: Path, cli) -> None:
    path = write(tmp_path, GOOD + """
  - {id: known_error, kind: choice_table, field: langst_1, rows: {6: [2, 28.0]}, inconsistent: "misprinted"}
""")
    r = cli("check-claims", str(path))
    assert r.exit_code == 0 and "report inconsistency" in r.output and "1 known report inconsistencies" in r.output


def test_coder_option_changes_the_counts(fx: Project, tmp_path: Path, cli) -> None:
    from .test_tally import decide
    decide(fx, "i4", "notes", "adm_stod_handlaggare", coder="bo")
    path = write(tmp_path, GOOD)
    r = cli("check-claims", str(path))
    assert r.exit_code == 1 and "several coders (anna, bo)" in r.output
    assert cli("check-claims", str(path), "--coder", "anna").exit_code == 0


@pytest.mark.parametrize("text, message", [
    ("claims: [{id: x, kind: guess}]", "unknown kind 'guess'"),
    ("claims: [{id: x, kind: presence, code: nope, documents: 1, of: 2}]", "claim x: unknown code 'nope'"),
    ("claims: [{id: x, kind: choice_table, field: langst_1, rows: {99: [1, 1.0]}}]", "claim x: no area 99"),
    ("claims:\n  - {id: x, kind: presence\n", "line"),
    ("nothing: here", "expected a mapping with a 'claims' list"),
])
def test_malformed_claims_are_one_line_errors(fx: Project, tmp_path: Path, cli, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(QualcodeError, match=message):
        check_claims(fx, path)
    r = cli("check-claims", str(path))
    assert r.exit_code == 1 and r.output.startswith("Error:") and len(r.output.strip().splitlines()) == 1
