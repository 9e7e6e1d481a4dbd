"""``qualcode report`` gives each alternative of a ranked question (langst_1, langst_2 …) and
their combined totals a section of its own: its own CSV and Markdown file, sheet and DOCX table,
under stable ASCII names; no file holds a table its name does not say."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualcode import Project
from qualcode.report.build import build_report

from .test_tally import build


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


def test_each_alternative_and_the_totals_get_their_own_files(project: Project, tmp_path: Path) -> None:
    import docx
    from openpyxl import load_workbook
    build(project)
    out = tmp_path / "rapport"
    rep = build_report(project, out)
    one, two, both = _csv(out / "langst_1.csv"), _csv(out / "langst_2.csv"), _csv(out / "langst_alla_alternativ.csv")
    assert one[0] == two[0] == ["", "Antal", "Procent"] and both[0] == ["", "Antal"]
    assert dict((r[0], r[1]) for r in one[1:])["Total"] == "7" and dict((r[0], r[1]) for r in two[1:])["Total"] == "3"
    assert not any("langst_2" in c for r in one for c in r)           # langst_1's file: langst_1 only
    assert (out / "langst_2.md").read_text(encoding="utf-8").count("| Total |") == 1
    drawn = {p.name for p in (out / "charts").iterdir()}
    assert "langst_alla_alternativ.png" in drawn and "langst_1.png" not in drawn   # the stacked chart: all of them

    titles = [s.title for s in rep.sections]
    i = titles.index("langst_1")
    assert titles[i:i + 3] == ["langst_1", "langst_2", "Antal gånger nämnt (alla alternativ): langst_1, langst_2"]
    assert all(len(s.tables) == 1 for s in rep.sections[i:i + 3])
    assert {"langst_1", "langst_2"} <= set(load_workbook(out / "tabeller.xlsx").sheetnames)
    d = docx.Document(str(out / "tabeller.docx"))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    assert {"langst_1", "langst_2"} <= set(headings)
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption" and p.text.startswith("Tabell")]
    assert len(captions) == len(d.tables)


def test_english_report_names_the_totals_file_in_english(project: Project, tmp_path: Path, monkeypatch) -> None:
    from qualcode.report import charts
    monkeypatch.setattr(charts, "bar_chart", lambda *a, **k: [])   # names only: no drawing needed
    build(project)
    build_report(project, tmp_path / "en", lang="en")
    assert (tmp_path / "en" / "langst_all_alternatives.csv").is_file()
    assert (tmp_path / "en" / "langst_2.csv").is_file()
