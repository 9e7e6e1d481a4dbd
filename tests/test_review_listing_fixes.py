"""Review sheets with a blanked text cell, suggestion listings that keep the whole text in files,
and the undo that the review, the uncoded walk and reconcile share."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.review.decisions import current_verdict
from qualcode.review.sheet_import import import_decisions
from qualcode.review.sheets import column_name, export_sheet

from .test_decisions import standard, suggest

LONG = ("Vi har under hela hösten saknat administrativt stöd i ärendehandläggningen, och det har lett till "
        "att handläggarna själva fått sköta registrering, utskick och arkivering vid sidan av sina ärenden.")


def _blank_text(path: Path, rows: dict[int, str], blank: tuple[int, ...], value: object = None) -> list[int]:
    """Fill in verdicts on sheet rows, blank the text cell of some; the segments of the blanked rows."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row, verdict in rows.items():
        ws.cell(row, header.index(column_name("verdict")) + 1, verdict)
    for row in blank:
        ws.cell(row, header.index(column_name("text")) + 1, value)
    wb.save(path)
    return [ws.cell(row, header.index(column_name("segment")) + 1).value for row in blank]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_blanked_text_cell_is_not_an_edit(project: Project, tmp_path: Path, value) -> None:
    standard(project, tmp_path)
    sheet = tmp_path / "g.xlsx"
    export_sheet(project, "anna", sheet)
    blanked = _blank_text(sheet, {2: "acceptera", 3: "avvisa"}, blank=(2,), value=value)
    summary = import_decisions(project, sheet)
    assert summary.recorded == 2
    assert current_verdict(project.conn, int(blanked[0]), "adm_stod_handlaggare", "anna") == "accept"


def test_a_blanked_text_cell_in_csv_is_not_an_edit(project: Project, tmp_path: Path, cli) -> None:
    standard(project, tmp_path)
    sheet = tmp_path / "g.csv"
    export_sheet(project, "anna", sheet, lang="en")
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    text = rows[0].index("text")
    rows[1][rows[0].index("verdict")] = "accept"
    rows[1][text] = ""
    with open(sheet, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    r = cli("--lang", "en", "review", "import", str(sheet))
    assert r.exit_code == 0, r.output
    assert "1 decisions recorded" in r.output or "1 decision recorded" in r.output


def test_a_changed_text_is_still_refused_next_to_a_blank_one(project: Project, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    standard(project, tmp_path)
    sheet = tmp_path / "g.xlsx"
    export_sheet(project, "anna", sheet)
    _blank_text(sheet, {2: "acceptera", 3: "acceptera"}, blank=(2,))
    wb = load_workbook(sheet)
    ws = wb.worksheets[0]
    ws.cell(3, [c.value for c in ws[1]].index(column_name("text")) + 1, "Någon har skrivit om texten.")
    wb.save(sheet)
    with pytest.raises(QualcodeError, match=r"row 3: the text of segment \d+ was edited"):
        import_decisions(project, sheet)
    assert project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0


# ----------------------------------------------------------------------------- suggestions list

def _long_suggestion(project: Project, tmp_path: Path) -> int:
    """One interview whose only sentence is LONG (well over the terminal table's width), suggested lon."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "i09.md").write_text(f"---\nid: i09\nround: vt2017\n---\n{LONG}\n", encoding="utf-8")
    project.import_notes(folder)
    segment = project.conn.execute("SELECT id FROM segments WHERE doc = 'i09'").fetchone()[0]
    suggest(project, segment, "lon", 0.8)
    return segment


@pytest.mark.parametrize("fmt", ["csv", "md", "json", "jsonl", "xlsx"])
def test_suggestions_list_files_carry_the_whole_text(project: Project, tmp_path: Path, cli, fmt) -> None:
    _long_suggestion(project, tmp_path)
    out = tmp_path / f"list.{fmt}"
    r = cli("suggestions", "list", "-f", fmt, "-o", str(out))
    assert r.exit_code == 0, r.output
    if fmt == "xlsx":
        from openpyxl import load_workbook
        texts = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row]
    elif fmt == "json":
        texts = [rec["text"] for rec in json.loads(out.read_text(encoding="utf-8"))]
    elif fmt == "jsonl":
        texts = [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        texts = [out.read_text(encoding="utf-8")]
    assert any(isinstance(t, str) and LONG in t for t in texts)


def test_suggestions_list_csv_to_stdout_carries_the_whole_text(project: Project, tmp_path: Path, cli) -> None:
    _long_suggestion(project, tmp_path)
    rows = list(csv.reader(cli("suggestions", "list", "-f", "csv").output.splitlines(), delimiter=";"))
    assert rows[1][rows[0].index("text")] == LONG


def test_the_terminal_table_shortens_a_long_text_and_says_so(project: Project, tmp_path: Path, cli) -> None:
    _long_suggestion(project, tmp_path)
    out = " ".join(cli("suggestions", "list").output.split())
    assert LONG[:40] in out and LONG[-40:] not in out and "…" in out


# ----------------------------------------------------------------------------- the shared undo

def test_take_back_says_why_nothing_was_undone(project: Project, tmp_path: Path) -> None:
    from qualcode.i18n import t
    from qualcode.review.claims import CLAIM_TTL, Claims
    from qualcode.review.undo import UndoHistory
    seg = standard(project, tmp_path)["i02"][1]
    mine = Claims(project, "anna")
    history = UndoHistory(project, "anna", "uncoded_undo", origin="manual", claims=mine)
    assert history.take_back() == (None, t("review.nothing_to_undo"))

    assert history.record("add", 3, [(seg, "lon", "add")]) is not None
    with project.transaction():  # the claim went stale and another session of anna took the segment
        project.conn.execute("UPDATE review_claims SET heartbeat = heartbeat - ?", (CLAIM_TTL + 1,))
    assert Claims(project, "anna").claim(seg)
    assert history.take_back() == (None, t("review.taken"))
    assert current_verdict(project.conn, seg, "lon", "anna") == "add"  # nothing written

    with project.transaction():  # that session ended
        project.conn.execute("DELETE FROM review_claims")
    step, message = history.take_back()
    assert step is not None and step.index == 3 and message == ""
    assert current_verdict(project.conn, seg, "lon", "anna") == "retract"
