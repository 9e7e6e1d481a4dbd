"""The files a researcher pastes into her report are real: XLSX, DOCX, CSV, Markdown, charts, report folder."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qualcode import Project

from .test_tally import build


@pytest.fixture
def fx(project: Project) -> Project:
    return build(project)


def test_choice_xlsx_has_number_cells_in_report_layout(fx: Project, cli, tmp_path: Path) -> None:
    out = tmp_path / "langst.xlsx"
    r = cli("tally", "choice", "--field", "langst_1", "--field", "langst_2", "--format", "xlsx", "-o", str(out))
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Innehåll", "langst_1", "langst_2"] and len(wb.sheetnames) == 4
    assert wb["Innehåll"]["A2"].hyperlink.location == "'langst_1'!A1"
    ws = wb["langst_1"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "langst_1" and rows[2] == [None, "Antal", "Procent"]
    by_label = {r[0]: r[1:] for r in rows[3:] if r and r[0]}
    assert by_label["6. Administrativt stöd till socialsekreterare och biståndshandläggare"] == [2, 0.286]
    assert by_label["Ej svar"] == [2, 0.286] and by_label["Total"] == [7, 1.0]
    pct_cell = next(c for c in ws["C"] if c.value == 0.286)
    assert pct_cell.number_format == "0.0%" and ws["B4"].data_type == "n" and isinstance(ws["B4"].value, int)
    assert ws.freeze_panes == "A4"
    assert any("Systembortfall: 1" in str(r[0]) for r in rows if r[0])


def test_presence_docx_holds_a_real_table(fx: Project, cli, tmp_path: Path) -> None:
    out = tmp_path / "presence.docx"
    r = cli("tally", "presence", "--code", "adm_stod_handlaggare", "--code", "introduktion", "--by", "round",
            "--format", "docx", "-o", str(out))
    assert r.exit_code == 0, r.output
    import docx
    d = docx.Document(str(out))
    table = d.tables[0]
    cells = [[c.text.replace("\u00a0", " ") for c in row.cells] for row in table.rows]
    assert "0 av 2 (0\u00a0%)" in {c.text for c in table.rows[1].cells}   # the share never wraps
    assert cells[0] == ["Nr", "Kod", "ht2016 (n=2)", "vt2017 (n=5)", "ht2017 (n=3)", "Totalt (n=10)"]
    assert cells[1][2:] == ["0 av 2 (0 %)", "3 av 5 (60 %)", "1 av 3 (33 %)", "4 av 10 (40 %)"]
    assert cells[2][3] == "1 av 5 (20 %)"
    assert any("ogranskade förslag: 2" in p.text for p in d.paragraphs)   # k1 and k2


def test_csv_and_markdown(fx: Project, cli, tmp_path: Path) -> None:
    r = cli("tally", "mentions", "--group", "fraga2a", "--field", "fraga_2a", "--format", "csv")
    rows = list(csv.reader(io.StringIO(r.output), delimiter=";"))
    assert rows[0] == ["Nr", "Kod", "Nämns"] and rows[1][2] == "2" and rows[2][2] == "2"
    out = tmp_path / "m.md"
    cli("tally", "mentions", "--group", "fraga2a", "--field", "fraga_2a", "--format", "md", "-o", str(out))
    assert "| Nämns |" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_charts_are_non_empty_images(fx: Project, cli, tmp_path: Path, suffix: str) -> None:
    chart = tmp_path / f"langst{suffix}"
    r = cli("tally", "choice", "--field", "langst_1", "--field", "langst_2", "--chart", str(chart), "--format", "json")
    assert r.exit_code == 0
    data = chart.read_bytes()
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        from PIL import Image
        img = Image.open(chart)
        width, height = img.size
        assert width >= 900 and height >= 300          # 16 cm at 150 dpi, 14 areas
        colors = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colors) > 10                          # not a blank canvas
    else:
        text = data.decode("utf-8")
        assert "<svg" in text and "Introduktionsprogram" in text and "Övrigt" in text


def test_chart_rejects_unknown_suffix(fx: Project, cli, tmp_path: Path) -> None:
    r = cli("tally", "presence", "--chart", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and "chart file must end in .png or .svg" in r.output


def test_report_folder(fx: Project, cli, tmp_path: Path) -> None:
    out = tmp_path / "rapport"
    r = cli("report", "-o", str(out))
    assert r.exit_code == 0, r.output
    index = (out / "index.md").read_text(encoding="utf-8")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Inte slutgiltigt" in index
    for name in ("intervjuer_forekomst_per_kod.csv", "intervjuer_forekomst_per_kod_round.csv",
                 "intervjuer_forekomst_per_kod_group.csv", "langst_1.csv", "enkatsvar_per_verksamhet.csv",
                 "enkatsvar_per_roll.csv", "namns_fraga_2a_2a_konkret_skillnad_for_den_egna.csv",
                 "charts/langst_alla_alternativ.png", "charts/intervjuer_forekomst_per_kod_round.png", "tabeller.xlsx",
                 "tabeller.docx"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
        assert name in index and name in html
    assert "| Ej svar | 2 | 28,6 |" in index and "| Ej granskade | 1 | 14,3 |" in index
    assert "<td>Okänt</td>" in html
    from openpyxl import load_workbook
    assert len(load_workbook(out / "tabeller.xlsx").sheetnames) >= 8


def test_json_to_file(fx: Project, cli, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    cli("tally", "choice", "--field", "langst_1", "--format", "json", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["tables"][0]["total"] == 7


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice or poppler not installed")
def test_xlsx_renders_in_libreoffice_on_one_page(fx: Project, cli, tmp_path: Path) -> None:
    """LibreOffice opens the workbook and prints the table on one A4 page (labels and numbers together)."""
    xlsx = tmp_path / "langst.xlsx"
    cli("tally", "choice", "--field", "langst_1", "--format", "xlsx", "-o", str(xlsx))
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                   check=True, capture_output=True, timeout=180, env=env)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "langst.pdf"), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    from PIL import Image
    img = Image.open(pages[0]).convert("L")
    assert img.getextrema()[0] < 100          # something dark (text) was drawn
