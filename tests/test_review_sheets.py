"""Review sheets that are wrong: refused with one line naming the row or column, nothing written;
and texts that look like formulas stay text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.review.decisions import current_verdict
from qualcode.review.sheet_import import import_decisions
from qualcode.review.sheets import column_name, export_sheet

from .test_decisions import standard, suggest


def decisions(project: Project) -> int:
    return project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]


def filled_xlsx(project: Project, path: Path, verdicts: dict[int, dict[str, object]],
                drop: tuple[str, ...] = ()) -> Path:
    """Export anna's sheet, fill in cells by sheet row, and delete whole columns, as a person might."""
    from openpyxl import load_workbook
    export_sheet(project, "anna", path)
    wb = load_workbook(path)
    ws = wb["Granskning"]
    header = [c.value for c in ws[1]]
    for row, cells in verdicts.items():
        for name, value in cells.items():
            ws.cell(row, header.index(column_name(name)) + 1, value)
    for name in drop:
        ws.delete_cols([c.value for c in ws[1]].index(column_name(name)) + 1)
    wb.save(path)
    return path


def sheet_row_of(path: Path, code: str) -> int:
    from openpyxl import load_workbook
    ws = load_workbook(path)["Granskning"]
    header = [c.value for c in ws[1]]
    return next(i for i, r in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
                if r[header.index(column_name("code"))] == code)


@pytest.mark.parametrize("drop", [("segment", "doc"), ("segment",)])
def test_sheet_without_its_segment_column_is_refused(project: Project, tmp_path: Path, drop, cli) -> None:
    standard(project, tmp_path)
    sheet = filled_xlsx(project, tmp_path / "g.xlsx", {2: {"verdict": "accept"}, 4: {"verdict": "accept"}}, drop)
    with pytest.raises(QualcodeError) as e:
        import_decisions(project, sheet)
    assert str(e.value) == f"{sheet}: missing column(s): segment"
    assert decisions(project) == 0  # not placed on whatever sentence the document's best suggestion is in
    # through the CLI: one line, exit 1
    r = cli("review", "import", str(sheet))
    assert r.exit_code == 1 and r.output.strip().count("\n") == 0 and "missing column(s): segment" in r.output


def test_a_row_showing_a_text_without_its_segment_is_refused(project: Project, tmp_path: Path) -> None:
    standard(project, tmp_path)
    with pytest.raises(QualcodeError, match=r"^rows: row 2: no segment$"):
        import_decisions(project, [
            {"segment": "", "doc": "i01", "code": "lon", "verdict": "accept", "coder": "anna", "text": ""},
            {"segment": "", "doc": "i01", "code": "lon", "verdict": "accept", "coder": "anna",
             "text": "Lokalerna är trånga och bullriga."},
        ])
    assert decisions(project) == 0


@pytest.mark.parametrize("cells,message", [
    ({"code": "lonn"}, "unknown code 'lonn'"),
    ({"verdict": "kanske"}, "verdict 'kanske' must be one of accept, reject, add"),
    ({"segment": 987654}, "unknown segment 987654"),
    ({"corrected_code": "trivsl"}, "unknown corrected code 'trivsl'"),
])
def test_xlsx_bad_cell_names_its_row_and_writes_nothing(project: Project, tmp_path: Path, cells, message) -> None:
    standard(project, tmp_path)
    path = tmp_path / "g.xlsx"
    export_sheet(project, "anna", path)
    row = sheet_row_of(path, "lon")
    fill = {r: {"verdict": "accept"} for r in range(2, 8)}
    fill[row] = {"verdict": "reject", **cells}
    filled_xlsx(project, path, fill)
    with pytest.raises(QualcodeError) as e:
        import_decisions(project, path)
    assert str(e.value).startswith(f"{path}: row {row}: {message}")
    assert "\n" not in str(e.value)
    assert decisions(project) == 0  # the good rows before it are not written either


def test_xlsx_duplicate_rows_name_both_rows(project: Project, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    standard(project, tmp_path)
    path = filled_xlsx(project, tmp_path / "g.xlsx", {r: {"verdict": "accept"} for r in range(2, 8)})
    wb = load_workbook(path)
    ws = wb["Granskning"]
    ws.append([c.value for c in ws[3]])  # row 3 copied to the end, as a careless paste does
    wb.save(path)
    with pytest.raises(QualcodeError, match=r"row 8: segment \d+, code lokaler, coder anna is decided again "
                                            r"\(first on row 3\)$"):
        import_decisions(project, path)
    assert decisions(project) == 0


def test_texts_that_look_like_formulas_stay_text(project: Project, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    survey = tmp_path / "s.csv"
    survey.write_text('id;fraga_2a\nR1;"=HYPERLINK(""http://x"",""klicka"")"\nR2;-mer stöd\nR3;@chef\n',
                      encoding="utf-8")
    project.import_survey(survey, id_column="id", texts=["fraga_2a"])
    segs = {d: s for s, d in project.conn.execute("SELECT id, doc FROM segments")}
    for seg in segs.values():
        suggest(project, seg, "f2a_adm_stod", 0.7)

    xlsx = tmp_path / "g.xlsx"
    export_sheet(project, "anna", xlsx)
    ws = load_workbook(xlsx)["Granskning"]
    header = [c.value for c in ws[1]]
    doc, text = header.index(column_name("doc")) + 1, header.index(column_name("text")) + 1
    texts = {ws.cell(r, doc).value: ws.cell(r, text) for r in range(2, 5)}
    assert texts["R1"].value == '=HYPERLINK("http://x","klicka")' and texts["R1"].data_type == "s"
    assert texts["R1"].quotePrefix and texts["R2"].quotePrefix and texts["R3"].quotePrefix

    csv_path = tmp_path / "g.csv"
    export_sheet(project, "anna", csv_path)
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["dokument"]: r["text"] for r in rows}["R2"] == "'-mer stöd"  # Excel shows it as text
    for r in rows:
        r["beslut"] = "accept"  # an English verdict word in a Swedish sheet is understood too
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert import_decisions(project, csv_path).recorded == 3  # the apostrophe is not an edit of the text
    assert current_verdict(project.conn, segs["R1"], "f2a_adm_stod", "anna") == "accept"
