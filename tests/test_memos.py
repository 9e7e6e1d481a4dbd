"""Memos on the project, a document, a code and a coding: stored, listed, edited, shown in
`docs show` and on the review screen, carried by the review sheet and exported with the codings."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from rich.console import Console

from qualcode import Project, QualcodeError
from qualcode.memos import add_memo, edit_memo, list_memos
from qualcode.review.decisions import code_segment, record
from qualcode.review.sheets import export_sheet
from tests.test_decisions import standard


def test_memos_of_each_kind_are_stored_and_listed(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    add_memo(project, "Pilotstudie, vt2017 först")
    add_memo(project, "Gruppen var liten", doc="i01")
    add_memo(project, "Lön nämns mest av chefer", code="Lön")      # a label finds the code
    m = add_memo(project, "Säker: administratören nämns uttryckligen", segment=segs["i01"][0],
                 code="adm_stod_handlaggare")
    assert [x.target for x in list_memos(project)] == [
        "project", "doc:i01", "code:lon", f"coding:{segs['i01'][0]}:adm_stod_handlaggare"]
    assert m.doc == "i01"    # a coding's memo knows its document
    assert [x.kind for x in list_memos(project, doc="i01")] == ["document", "coding"]
    assert edit_memo(project, m.id, "ändrad").text == "ändrad"
    with pytest.raises(QualcodeError, match="unknown document 'nope'"):
        add_memo(project, "x", doc="nope")
    with pytest.raises(QualcodeError, match="did you mean lon"):
        add_memo(project, "x", code="lonn")
    with pytest.raises(QualcodeError, match="needs some text"):
        add_memo(project, "  ")


def test_memo_cli_add_edit_list_show(project: Project, tmp_path: Path, cli, monkeypatch) -> None:
    standard(project, tmp_path)
    r = cli("memo", "add", "--doc", "i02", "--text", "Chefsgruppen")
    assert r.exit_code == 0 and "memo 1" in r.output
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\necho 'Skrivet i editorn' > \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    r = cli("memo", "edit", "1")
    assert r.exit_code == 0 and "memo 1" in r.output
    r = cli("memo", "show", "1")
    assert "Skrivet i editorn" in r.output and "dokumentet i02" in r.output
    r = cli("memo", "list", "--format", "json")
    assert [m["text"] for m in json.loads(r.output)["memos"]] == ["Skrivet i editorn"]
    r = cli("memo", "show", "9")
    assert r.exit_code == 1 and "no memo 9" in r.output


def test_docs_show_marks_codes_suggestions_attributes_and_memos(project: Project, tmp_path: Path, cli) -> None:
    segs = standard(project, tmp_path)
    record(project, segs["i01"][0], "adm_stod_handlaggare", "anna", "accept")
    add_memo(project, "Gruppen var liten", doc="i01")
    add_memo(project, "Tydligt belägg", segment=segs["i01"][0], code="adm_stod_handlaggare")
    r = cli("docs", "show", "i01", "--format", "json")
    view = json.loads(r.output)
    first, third = view["segments"][0], view["segments"][2]
    assert first["codes"] == ["adm_stod_handlaggare"] and first["suggested"] == []
    assert third["codes"] == [] and third["suggested"] == ["lokaler"]   # not decided: a suggestion
    assert first["memos"] == {"adm_stod_handlaggare": ["Tydligt belägg"]}
    assert view["attributes"]["round"] == "vt2017" and view["memos"][0]["text"] == "Gruppen var liten"
    out = cli("docs", "show", "i01", "-o", str(tmp_path / "doc.txt"))
    text = (tmp_path / "doc.txt").read_text(encoding="utf-8")
    assert out.exit_code == 0 and "Administrativt stöd" in text and "Arbetslokaler?" in text
    assert "Gruppen var liten" in text and "Tydligt belägg" in text and "round=vt2017" in text


def test_review_sheet_and_screen_carry_the_coding_memo(project: Project, tmp_path: Path) -> None:
    from qualcode.review.screen import Screen
    segs = standard(project, tmp_path)
    add_memo(project, "Se upp: ironi", segment=segs["i02"][1], code="lon")
    path = tmp_path / "sheet.csv"
    export_sheet(project, "anna", path, lang="en")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    memo = {(r["segment"], r["code"]): r["memo"] for r in rows}
    assert memo[(str(segs["i02"][1]), "lon")] == "Se upp: ironi" and memo[(str(segs["i01"][0]), "adm_stod_handlaggare")] == ""
    console = Console(file=io.StringIO(), width=100)
    screen = Screen(project, "anna", keys=object(), console=console)
    console.print(screen.segment_panel(segs["i02"][1], "i02", "notes", "Lönen är för låg.", None, "", "", {}))
    assert "Memo: lon: Se upp: ironi" in console.file.getvalue()


def test_hand_added_code_and_its_memo_are_exported(project: Project, tmp_path: Path, cli) -> None:
    segs = standard(project, tmp_path)
    code_segment(project, segs["i03"][2], "arbetsbelastning", "anna", note="hög belastning, sagt två gånger")
    record(project, segs["i02"][1], "lon", "anna", "accept")
    add_memo(project, "Lön: jämför med enkäten", segment=segs["i02"][1], code="lon")
    r = cli("export", "codings", "--format", "jsonl")
    rows = [json.loads(line) for line in r.output.splitlines()]
    by_code = {x["code"]: x for x in rows}
    assert set(by_code) == {"arbetsbelastning", "lon"}
    hand = by_code["arbetsbelastning"]
    assert hand["source"] == "hand" and hand["memo"] == "hög belastning, sagt två gånger"
    assert hand["doc"] == "i03" and hand["attr:round"] == "ht2018" and hand["label"] and hand["group"] == "tema"
    assert by_code["lon"]["source"] == "rule" and by_code["lon"]["memo"] == "Lön: jämför med enkäten"
    assert by_code["lon"]["text"] == "Lönen är för låg." and by_code["lon"]["end"] > by_code["lon"]["start"]
