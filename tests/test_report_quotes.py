"""The report's quotes are sentences a reader can quote: a choice answer ("adm stöd") is a code,
not a quote, and never pushes an interview sentence or an open answer out of the few shown."""

from __future__ import annotations

from pathlib import Path

from qualcode import Project
from qualcode.report.build import build_report

from .conftest import CODEBOOK

CSV = ("id;langst_1;kommentar\n"
       "R1;adm stöd;Administratören tar fakturorna åt oss och det har gett tid för klienterna.\n"
       "R2;p6 administratör;Vi fick en administratör i våras som skannar och arkiverar.\n")


def test_choice_answers_are_not_quoted(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(CSV, encoding="utf-8")
    p = Project.init(tmp_path / "p.db", CODEBOOK)
    p.set_meta("base_model", "off")
    p.import_survey(tmp_path / "s.csv", id_column="id", choices=["langst_1"], texts=["kommentar"])
    from qualcode.suggest.run import suggest
    suggest(p)
    rep = build_report(p, tmp_path / "rapport", include_suggestions=True)
    quoted = [row[0] for t in rep.tables if t.title.startswith("Citat") for row in t.rows]
    assert any("administratör" in q.lower() for q in quoted)
    assert not {"adm stöd", "p6 administratör"} & set(quoted)
    p.close()
