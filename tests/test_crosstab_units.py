"""Crosstabs count units: respondents for a survey attribute, interviews for a note attribute,
each column with its n, and a total row of units (not a sum of code counts)."""

from __future__ import annotations

import json

import pytest

from qualcode import Project, QualcodeError
from qualcode import tally as T
from tests.test_tally import build


@pytest.fixture
def fx(project: Project) -> Project:
    return build(project)


def cells(res: T.Crosstab, attr: str) -> dict[tuple[str, str], dict]:
    return {(r["code"], r["group"][attr]): r for r in res.rows}


def test_a_survey_field_by_role_counts_respondents_with_n_per_column(fx: Project) -> None:
    res = T.crosstab(fx, by="roll", groups=["fokusomrade"])
    assert res.unit == "response"
    cols = {c["group"]["roll"]: c for c in res.columns}
    assert set(cols) == {"chef", "medarbetare"}                  # no "(saknas)" column of interviews
    assert (cols["chef"]["n"], cols["medarbetare"]["n"]) == (5, 4)
    c = cells(res, "roll")
    assert c[("introduktion", "chef")]["count"] == 2 and c[("introduktion", "chef")]["unit_percent"] == 40.0
    assert c[("adm_stod_handlaggare", "medarbetare")]["count"] == 1
    # the total row counts respondents with any code (r6 carries two codes, counted once)
    assert (cols["chef"]["coded"], cols["medarbetare"]["coded"], res.coded, res.n) == (2, 2, 4, 9)
    table = T.crosstab_tables(res, "sv")[0]
    assert table.title == "Korstabell: respondenter × roll"
    assert "chef (n=5)" in table.columns and "Totalt (n=9)" in table.columns
    assert table.rows[-1][1] == "Antal respondenter" and table.rows[-1][-2] == 4


def test_a_note_attribute_counts_interviews(fx: Project) -> None:
    res = T.crosstab(fx, by="round", groups=["fokusomrade"])
    assert res.unit == "interview"
    cols = {c["group"]["round"]: c for c in res.columns}
    assert {k: c["n"] for k, c in cols.items()} == {"ht2016": 2, "vt2017": 5, "ht2017": 3}
    assert cols["vt2017"]["coded"] == 3 and res.n == 10
    assert cells(res, "round")[("adm_stod_handlaggare", "vt2017")]["count"] == 3
    assert T.crosstab_tables(res, "en")[0].title == "Crosstab: interviews × round"


def test_the_wrong_unit_for_an_attribute_is_refused(fx: Project, cli) -> None:
    with pytest.raises(QualcodeError, match="no interview has 'roll'.*--unit respondent"):
        T.crosstab(fx, by="roll", groups=["fokusomrade"], unit="interview")
    r = cli("tally", "crosstab", "--group", "fokusomrade", "--by", "roll", "--chi2", "--format", "json")
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["unit"] == "response" and data["n"] == 9
    r = cli("tally", "crosstab", "--code", "Introduktionsprogram och mentorskap för nyanställda", "--by", "roll",
            "--unit", "mention", "--format", "json")
    assert json.loads(r.output)["count"] == "mentions"


def test_the_chi2_warning_is_in_the_tables_language() -> None:
    from qualcode.tally.crosstab import _chi2, _chi2_note
    s = _chi2([[1, 2], [2, 1]])
    assert s["warning"] and s["small_share"] == 1.0   # the JSON keeps its English warning
    assert "100 % av de förväntade frekvenserna är under 5" in _chi2_note(s, "sv")
    assert "100% of expected counts are below 5" in _chi2_note(s, "en")
    assert "för få rader" in _chi2_note(_chi2([[1, 2]]), "sv")
