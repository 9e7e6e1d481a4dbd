"""An open question's denominator is the respondents who wrote something: an empty cell or a
lone "-" is not an answer, in the presence table, the 0/1 matrix and the SPSS file alike."""

from __future__ import annotations

from pathlib import Path

import pyreadstat

from qualcode import Project
from qualcode.exports.matrix import code_matrix
from qualcode.tally.presence import presence

from .conftest import CODEBOOK

CSV = "id;roll;kommentar\nR1;chef;Lönen är för låg.\nR2;chef;\nR3;ss;-\nR4;ss;Lokalerna är trånga.\n"


def _project(tmp_path: Path) -> Project:
    (tmp_path / "enkat.csv").write_text(CSV, encoding="utf-8")
    p = Project.init(tmp_path / "p.db", CODEBOOK)
    p.set_meta("base_model", "off")
    p.import_survey(tmp_path / "enkat.csv", id_column="id", attributes=["roll"], texts=["kommentar"])
    from qualcode.suggest.run import suggest
    suggest(p)
    return p


def test_presence_counts_among_those_who_answered(tmp_path: Path) -> None:
    p = _project(tmp_path)
    result = presence(p, fields=["kommentar"], codes=["lon"], include_suggestions=True)
    assert [(r["documents"], r["of"]) for r in result.totals] == [(1, 2)]
    p.close()


def test_the_matrix_and_the_sav_leave_the_blank_answers_out(tmp_path: Path) -> None:
    p = _project(tmp_path)
    m = code_matrix(p, fields=["kommentar"], codes=["lon"], include_suggestions=True)
    assert m.docs == ["R1", "R4"] and m.column_sums() == {"lon": 1}
    from qualcode.report.spss_export import write_spss
    write_spss(p, tmp_path / "ut.sav", include_suggestions=True)
    df, _ = pyreadstat.read_sav(str(tmp_path / "ut.sav"))
    lon = df.set_index("id")["kommentar_lon"]
    assert lon["R1"] == 1.0 and lon["R4"] == 0.0 and lon[["R2", "R3"]].isna().all()
    p.close()
