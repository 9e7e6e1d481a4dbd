"""The report folder's files read back as their users' programs read them: Swedish Excel's CSV,
openpyxl's cells and number formats, python-docx's tables, captions and pictures, chart sizes."""

from __future__ import annotations

import csv
import re
import io
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.report.charts import COLORS, bar_chart

from .test_tally import build


@pytest.fixture
def report(project: Project, cli, tmp_path: Path) -> Path:
    build(project)
    cli("fields", "label", "langst_1", "Viktigast")
    out = tmp_path / "rapport"
    r = cli("report", "-o", str(out))
    assert r.exit_code == 0, r.output
    return out


def test_csv_opens_in_swedish_excel_as_columns(report: Path) -> None:
    raw = (report / "viktigast.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                         # UTF-8 BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["", "Antal", "Procent"]          # the file holds langst_1's table alone
    ej = next(r for r in rows if r and r[0] == "Ej svar")
    assert ej == ["Ej svar", "2", "28,6"]                          # decimal comma
    assert float(ej[2].replace(",", ".")) == 28.6
    assert ["Ej granskade", "1", "14,3"] in rows                   # r5: a suggestion, no decision yet
    assert all(n.isascii() for n in (p.name for p in report.iterdir()))


def test_excel_english_style_on_request(project: Project, tmp_path: Path) -> None:
    from qualcode.report.build import build_report
    build(project)
    build_report(project, tmp_path / "en", csv_style="excel-en")
    rows = list(csv.reader(io.StringIO((tmp_path / "en" / "langst_1.csv").read_text(encoding="utf-8-sig"))))
    assert ["Ej svar", "2", "28.6"] in rows


def test_xlsx_numbers_are_numbers_with_contents_and_frozen_headers(report: Path) -> None:
    from openpyxl import load_workbook
    wb = load_workbook(report / "tabeller.xlsx")
    assert wb.sheetnames[0] == "Innehåll"
    names = wb.sheetnames[1:]
    assert len({n.lower() for n in names}) == len(names) and all(len(n) <= 31 for n in names)
    ws = wb[next(n for n in names if n.startswith("Intervjuer förekomst"))]
    head = [c.value for c in ws[3]]
    assert head[2] == "Dokument (n=10)" and head[3:6] == ["Dokument (n=10) antal", "Dokument (n=10) av",
                                                         "Dokument (n=10) andel"]
    row = [c for c in ws[4]]
    assert row[3].data_type == "n" and isinstance(row[3].value, int) and row[4].value == 10
    assert row[5].number_format == "0%" and row[5].value == pytest.approx(row[3].value / 10)
    assert ws.freeze_panes == "A4"
    choice = wb["Viktigast"]
    pct = next(r for r in choice.iter_rows(min_row=4) if r[0].value == "Ej svar")[2]
    assert pct.value == pytest.approx(0.286) and pct.number_format == "0.0%"


def test_docx_has_captions_headings_and_one_picture_per_chart(report: Path) -> None:
    import docx
    d = docx.Document(str(report / "tabeller.docx"))
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    tables = [c for c in captions if c.startswith("Tabell ")]
    figures = [c for c in captions if c.startswith("Figur ")]
    assert tables[0].startswith("Tabell 1. ") and tables[2].startswith("Tabell 3. ")
    assert len(tables) == len(d.tables)
    charts = list((report / "charts").glob("*.png"))
    assert len(figures) == len(charts) == len(d.inline_shapes) > 0
    assert any(p.style.name == "Heading 2" for p in d.paragraphs)
    # every figure follows its section's tables: a figure caption never precedes a table of its section
    assert any("Korstabell, intervjuer (round)" in c for c in tables) and any(c.startswith("Tabell") and "Citat" in c for c in tables)


def test_charts_stay_under_a_page_and_never_repeat_a_colour(tmp_path: Path) -> None:
    from PIL import Image
    cats = [f"Område {i} med ett långt namn som radbryts" for i in range(27)]
    series = {f"Stadsdel {j}": [(i * j) % 30 for i in range(27)] for j in range(14)}
    paths = bar_chart(tmp_path / "d.png", cats, series, percent=True)
    assert len(paths) == 14                         # one chart per district, not one crowded chart
    paths += bar_chart(tmp_path / "e.png", cats * 4, {"a": list(range(108)), "b": list(range(108))})
    palette = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in COLORS}
    for p in paths:
        img = Image.open(p).convert("RGB")
        assert img.size[1] <= 2000
        used = {c for _, c in img.getcolors(maxcolors=1 << 22) if c in palette}
        assert len(used) <= 2                      # each series one palette colour, none shared
    assert len(COLORS) == len(set(COLORS))


def test_report_charts_under_2000_px(report: Path) -> None:
    from PIL import Image
    for p in (report / "charts").glob("*.png"):
        assert Image.open(p).size[1] <= 2000, p


NAME = re.compile(r"^[a-z0-9_]+\.[a-z]+$")


def test_file_names_are_readable_ascii_unique_and_stable(report: Path, cli, tmp_path: Path) -> None:
    files = sorted(p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file())
    assert all(NAME.match(Path(f).name) for f in files), [f for f in files if not NAME.match(Path(f).name)]
    # named after the titles the reader sees, å ä ö without their marks
    for name in ("enkatsvar_per_roll.csv", "korstabell_intervjuer_round.csv", "viktigast.csv", "langst_2.csv",
                 "langst_alla_alternativ.csv",
                 "intervjuer_forekomst_per_kod.csv", "citat_fokusomraden_i_handlingsplanen.md"):
        assert name in files, files
    sections = (report / "index.md").read_text(encoding="utf-8").count("\n## ")
    assert len([f for f in files if f.endswith(".csv")]) == sections        # one file per section, none shared
    again = tmp_path / "again"
    assert cli("report", "-o", str(again)).exit_code == 0
    assert sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()) == files


def test_names_cut_between_words_and_number_clashes() -> None:
    from qualcode.report.names import ascii_slug, unique_stem
    assert ascii_slug("Område, längst 1") == "omrade_langst_1"
    assert ascii_slug("Nämns: fraga_2b – Konkret skillnad för socialsekreterarna", 40) == "namns_fraga_2b_konkret_skillnad_for"
    used: set[str] = set()
    assert [unique_stem("Område längst 1", used) for _ in range(3)] == ["omrade_langst_1", "omrade_langst_1_2",
                                                                       "omrade_langst_1_3"]
    assert unique_stem("???", used, fallback="tabell") == "tabell"


def test_sheet_names_keep_whole_words() -> None:
    from qualcode.report.names import sheet_name
    used: set[str] = {"innehåll"}
    titles = ["Intervjuer: förekomst per kod (round)", "Enkätsvar per roll (enkat=ht2018)",
              "Enkätsvar per verksamhet (enkat=ht2018)", "Enkätsvar per sdf (enkat=ht2018)",
              "Citat: Mentorskap/introduktion", "Citat: Negativa kommentarer", "Citat: Negativa kommentarer",
              "Antal gånger nämnt (alla alternativ): behov_1, behov_2, behov_3",
              "Antal gånger nämnt (alla alternativ): langst_1, langst_2, langst_3",
              "Citat: Brukarundersökningar/brukarstyrda brukarrevisioner", "Innehåll"]
    names = [sheet_name(t, used) for t in titles]
    assert names[:3] == ["Intervjuer förekomst… (round)", "Enkätsvar roll (enkat=ht2018)",
                         "Enkätsvar verksamhet (ht2018)"]
    assert names[4] == "Citat Mentorskap-introduktion" and names[6] == "Citat Negativa kommentarer (2)"
    assert names[7] != names[8] and names[-1] == "Innehåll (2)"
    for title, name in zip(titles, names):
        _assert_whole_words(title, name)


def _assert_whole_words(title: str, name: str) -> None:
    """Every word of the sheet name is a whole word of the title (or a value of its "(a=b)")."""
    assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
    def words(text: str) -> set[str]:
        return {w for w in re.split(r"[\s/:\-,()=…]+", text.lower()) if w}
    assert words(re.sub(r" \(\d+\)$", "", name)) <= words(title), (name, title)


def test_report_sheets_are_unique_readable_and_listed_with_full_titles(report: Path) -> None:
    from openpyxl import load_workbook
    wb = load_workbook(report / "tabeller.xlsx")
    contents, sheets = wb.worksheets[0], wb.sheetnames[1:]
    assert contents.title == "Innehåll" and len({s.lower() for s in sheets}) == len(sheets)
    listed = {r[0]: r[1] for r in contents.iter_rows(min_row=2, values_only=True)}
    assert list(listed) == sheets
    for name in sheets:
        assert listed[name] == wb[name]["A1"].value     # the full title, as the sheet itself shows it
        _assert_whole_words(listed[name], name)
