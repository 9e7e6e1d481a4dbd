"""Memos travel with the quotes they explain: ``quotes`` (JSON and tables) and the report's quote
section show the memos on the quoted coding and on its document (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

from qualcode import Project
from qualcode import tally as T
from qualcode.memos import add_memo

from .test_tally import build, seg


def _memos(project: Project) -> None:
    add_memo(project, "Syftar på den nya admin-tjänsten", segment=seg(project, "r3", "fraga_2a"), code="f2a_adm_stod")
    add_memo(project, "Svarade efter omorganisationen", doc="r4")
    add_memo(project, "En annan kod", segment=seg(project, "r3", "fraga_2a"), code="f2a_rutiner")   # not this coding


def test_quotes_carry_coding_and_document_memos(project: Project, cli) -> None:
    build(project)
    _memos(project)
    found = {q["doc"]: q for q in T.quotes(project, "f2a_adm_stod")}
    assert found["r3"]["memos"] == [{"on": "coding", "text": "Syftar på den nya admin-tjänsten"}]
    assert found["r4"]["memos"] == [{"on": "document", "text": "Svarade efter omorganisationen"}]
    r = cli("quotes", "--code", "f2a_adm_stod", "--format", "json")
    assert [q["memos"] for q in json.loads(r.output)["quotes"]] == [found["r3"]["memos"], found["r4"]["memos"]]
    r = cli("quotes", "--code", "f2a_adm_stod", "--format", "md")
    assert "| Memo |" in r.output and "(dokument) Svarade efter omorganisationen" in r.output
    assert "En annan kod" not in r.output
    r = cli("quotes", "--code", "f2a_rutiner", "--format", "md")
    assert "Memo" not in r.output                    # no memo on these quotes: no empty column


def test_report_quote_section_shows_memos(project: Project, cli, tmp_path: Path) -> None:
    build(project)
    _memos(project)
    out = tmp_path / "rapport"
    assert cli("report", "-o", str(out)).exit_code == 0
    md = next(out.glob("citat_2a_*.md")).read_text(encoding="utf-8")
    assert "| Citat | Källa | Memo |" in md and "Syftar på den nya admin-tjänsten" in md
