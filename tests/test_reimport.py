"""Re-import never loses work: a segment keeps its id while its text is in its document and field,
and comes back with its decisions when the text returns; an import that would retire decided
segments, replace documents from another file or change a document's kind asks first."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError

AREAS = ["Introduktion av nyanställda", "Lokaler", "Administrativt stöd till chefer", "Mentorskap", ""]
CODES = {"Introduktion av nyanställda": "introduktion", "Mentorskap": "introduktion",
         "Administrativt stöd till chefer": "adm_stod_chefer"}


def survey(path: Path, n: int = 40) -> Path:
    rows = ["id;roll;langst_1;kommentar"]
    rows += [f"R{i};{'chef' if i % 4 == 0 else 'medarbetare'};{AREAS[i % len(AREAS)]};kommentar {i % 7}"
             for i in range(1, n + 1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def snapshot(p: Project) -> list[tuple]:
    return [tuple(r) for r in p.conn.execute(
        "SELECT s.id, s.doc, s.field, s.text, s.retired, (SELECT COUNT(*) FROM decisions d WHERE d.segment = s.id) "
        "FROM segments s ORDER BY s.id")] + [tuple(r) for r in p.conn.execute("SELECT * FROM documents ORDER BY id")]


def review_sheet(p: Project, folder: Path) -> Path:
    """The decisions an assistant makes in a spreadsheet: each named area cell gets its code."""
    rows = ["segment,code,verdict,coder"]
    rows += [f"{s['segment']},{CODES[s['text']]},accept,anna" for s in p.segments(field="langst_1") if s["text"] in CODES]
    sheet = folder / "review.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return sheet


def choice_table(cli) -> dict:
    r = cli("tally", "choice", "--field", "langst_1", "--coder", "anna", "--format", "json")
    assert r.exit_code == 0, r.output
    table = json.loads(r.output)["tables"][0]
    return {"rows": {row["code"]: row["count"] for row in table["rows"] if row["count"]},
            "no_answer": table["no_answer"], "total": table["total"]}


def test_the_issue_story_a_reimport_without_the_options_asks_and_the_right_one_brings_every_decision_back(
        cli, project_path: Path, tmp_path: Path):
    csv = survey(tmp_path / "enkat.csv")
    options = ["--choice", "langst_1", "--text", "kommentar", "--attr", "roll"]
    assert cli("init", "--codebook", str(Path(__file__).parents[1] / "codebooks" / "handlingsplan.yaml")).exit_code == 0
    assert cli("import", "survey", str(csv), "--id", "id", *options).exit_code == 0
    with Project.open(project_path) as p:
        sheet = review_sheet(p, tmp_path)
        ids = {(s["doc"], s["field"]): s["segment"] for s in p.segments()}
    assert cli("review", "import", str(sheet)).exit_code == 0
    before = choice_table(cli)
    assert before["rows"] == {"introduktion": 16, "adm_stod_chefer": 8}

    # the options forgotten: the fields would disappear, and with them 24 decided cells
    r = cli("import", "survey", str(csv), "--id", "id")
    assert r.exit_code == 1
    assert "retire 24 segments that carry decisions" in r.output and "--yes" in r.output and "--dry-run" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert choice_table(cli) == before                              # nothing was written
    r = cli("import", "survey", str(csv), "--id", "id", "--dry-run")
    assert r.exit_code == 0 and "provkörning, inget skrevs" in r.output and "24 segment som har beslut" in r.output
    assert choice_table(cli) == before
    r = cli("import", "survey", str(csv), "--id", "id", "--yes")
    assert r.exit_code == 0 and "24 tagna ur bruk" in r.output

    # the right options again: every decided cell comes back with its id and its decision
    r = cli("import", "survey", str(csv), "--id", "id", *options)
    assert r.exit_code == 0 and "24 återställda" in r.output
    after = choice_table(cli)
    assert after == before and after["no_answer"] != after["total"]
    with Project.open(project_path) as p:
        now = {(s["doc"], s["field"]): s["segment"] for s in p.segments()}
        decided = {k for k, sid in ids.items()
                   if p.conn.execute("SELECT 1 FROM decisions WHERE segment = ?", (sid,)).fetchone()}
    assert decided and all(now[k] == ids[k] for k in decided)


def decide(p: Project, segment: int, code: str = "lon") -> None:
    with p.transaction() as c:
        c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?, ?, 'anna', 'accept', 't')",
                  (segment, code))


def test_the_library_refuses_to_retire_decided_segments_without_confirm_and_writes_nothing(
        project: Project, tmp_path: Path):
    csv = survey(tmp_path / "s.csv", n=5)
    project.import_survey(csv, id_column="id", choices=["langst_1"], texts=["kommentar"])
    decide(project, project.segments(doc="R1", field="langst_1")[0]["segment"])
    before = snapshot(project)
    with pytest.raises(QualcodeError, match="retire 1 segments that carry decisions.*nothing imported"):
        project.import_survey(csv, id_column="id", texts=["kommentar"])
    assert snapshot(project) == before
    plan = project.import_survey(csv, id_column="id", texts=["kommentar"], dry_run=True)
    assert plan.needs_confirmation and plan.segments_retired == 1 and plan.retired_fields == {"langst_1": 1}
    assert plan.segments_deleted == 4 and snapshot(project) == before
    report = project.import_survey(csv, id_column="id", texts=["kommentar"], confirm=True)
    assert report.segments_retired == 1 and report.segments_deleted == 4
    # undecided cells and unchanged documents need no consent
    assert not project.import_survey(csv, id_column="id", texts=["kommentar"]).needs_confirmation


def test_a_sentence_that_comes_back_gets_its_old_segment_and_decision(project: Project, tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    note = folder / "a.md"
    text = "---\nid: int1\nround: vt2017\n---\nVi pratade om lönen. Lokalerna är trånga. Introduktionen fungerar.\n"
    note.write_text(text, encoding="utf-8")
    project.import_notes(folder)
    seg = next(s for s in project.segments() if s["text"].startswith("Lokalerna"))
    decide(project, seg["segment"], "lokaler")
    note.write_text(text.replace("Lokalerna är trånga. ", ""), encoding="utf-8")
    assert project.import_notes(folder, confirm=True).segments_retired == 1
    assert all(not s["text"].startswith("Lokalerna") for s in project.segments())
    note.write_text(text.replace("Vi pratade", "Först: vi pratade"), encoding="utf-8")
    report = project.import_notes(folder)      # a restore retires nothing: no consent needed
    assert report.segments_restored == 1
    back = next(s for s in project.segments() if s["text"].startswith("Lokalerna"))
    assert back["segment"] == seg["segment"] and back["start"] != seg["start"]
    assert [tuple(r) for r in project.conn.execute("SELECT segment, code FROM codings")] == [(seg["segment"], "lokaler")]


def test_documents_with_the_same_id_from_another_file_are_replaced_only_after_asking(project: Project, tmp_path: Path):
    first = survey(tmp_path / "ht2017.csv", n=3)
    project.import_survey(first, id_column="id", texts=["kommentar"])
    second = tmp_path / "ht2018.csv"
    second.write_text("id;roll;langst_1;kommentar\nR1;chef;Lokaler;ny kommentar\n", encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(QualcodeError, match=r"replace 1 documents imported from another file \(.*ht2017.csv -> "
                                            r".*ht2018.csv\)"):
        project.import_survey(second, id_column="id", texts=["kommentar"])
    assert snapshot(project) == before
    assert project.import_survey(second, id_column="id", texts=["kommentar"], confirm=True).changed == ["R1"]
    # the same file again, from another working directory's spelling of its path, asks nothing
    assert project.import_survey(Path(str(second).replace("/ht2018", "/./ht2018")), id_column="id",
                                 texts=["kommentar"]).unchanged == ["R1"]


def test_a_document_that_would_change_kind_is_asked_about(project: Project, tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "R1.md").write_text("---\nid: R1\n---\nEn anteckning.\n", encoding="utf-8")
    project.import_notes(folder)
    csv = survey(tmp_path / "s.csv", n=2)
    with pytest.raises(QualcodeError, match="change 1 documents from interview to response"):
        project.import_survey(csv, id_column="id", texts=["kommentar"])
    report = project.import_survey(csv, id_column="id", texts=["kommentar"], confirm=True)
    assert report.added == ["R2"] and report.changed == ["R1"]
    assert project.document("R1")["kind"] == "response"


def test_asking_in_a_terminal_and_refusing_where_nobody_can_answer(cli, project: Project, tmp_path: Path, monkeypatch):
    from qualcode.cli import setup
    csv = survey(tmp_path / "s.csv", n=3)
    project.import_survey(csv, id_column="id", choices=["langst_1"])
    decide(project, project.segments(doc="R1")[0]["segment"])
    before = snapshot(project)
    monkeypatch.setattr(setup, "interactive", lambda: True)
    r = cli("import", "survey", str(csv), "--id", "id", input="n\n")
    assert r.exit_code == 1 and "1 segment som har beslut skulle tas ur bruk" in r.output
    assert snapshot(project) == before
    r = cli("import", "survey", str(csv), "--id", "id", input="y\n")
    assert r.exit_code == 0 and "1 tagna ur bruk" in r.output

    monkeypatch.undo()

    class Tty:
        def isatty(self) -> bool:
            return True
    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.delenv("CI", raising=False)   # the suite itself may run under CI=true
    assert setup.interactive()
    monkeypatch.setenv("CI", "true")
    assert not setup.interactive()


def test_docs_remove_asks_keeps_the_decisions_and_restore_brings_everything_back(cli, project: Project, tmp_path: Path):
    csv = survey(tmp_path / "s.csv", n=10)
    project.import_survey(csv, id_column="id", choices=["langst_1"], attributes=["roll"])
    r1 = project.segments(doc="R1")[0]["segment"]
    decide(project, r1, "introduktion")
    table = choice_table(cli)
    before = snapshot(project)
    r = cli("docs", "remove", "R1", "R2")
    assert r.exit_code == 1 and "would remove 2 documents" in r.output and "--yes" in r.output
    assert snapshot(project) == before
    r = cli("docs", "remove", "R1", "R2", "--yes")
    assert r.exit_code == 0 and "removed 2 documents" in r.output and "1 of them with decisions" in r.output
    assert [d["id"] for d in project.documents()] == [f"R{i}" for i in (10, 3, 4, 5, 6, 7, 8, 9)]
    assert {json.loads(line)["doc"] for line in cli("export", "segments").output.splitlines()} == \
        {f"R{i}" for i in range(3, 11)}
    assert choice_table(cli)["total"] == table["total"] - 2
    assert project.conn.execute("SELECT COUNT(*) FROM decisions WHERE segment = ?", (r1,)).fetchone()[0] == 1
    assert "R1" in cli("docs", "list", "--removed").output
    # a re-import leaves a removed document out, and says so
    r = cli("import", "survey", str(csv), "--id", "id", "--choice", "langst_1", "--attr", "roll")
    assert r.exit_code == 0 and "2 borttagna dokument lämnades utanför" in r.output
    r = cli("docs", "restore", "R1", "R2")
    assert r.exit_code == 0 and "restored 2 documents" in r.output
    assert choice_table(cli) == table
    assert project.segments(doc="R1")[0]["segment"] == r1


@pytest.mark.parametrize("command, file, says", [
    ("notes", "x.csv", "x.csv looks like a survey export; use 'qualcode import survey'"),
    ("notes", "x.xlsx", "x.xlsx looks like a survey export; use 'qualcode import survey'"),
    ("survey", "note.md", "note.md looks like interview notes; use 'qualcode import notes'"),
    ("survey", "note.txt", "note.txt looks like interview notes; use 'qualcode import notes'"),
])
def test_a_file_of_the_wrong_kind_is_refused_with_the_right_command(cli, project: Project, tmp_path: Path,
                                                                    command: str, file: str, says: str):
    path = tmp_path / file
    path.write_text("---\nid: a\n---\nText.\n" if file.startswith("note") else "id;q\n1;hej\n", encoding="utf-8")
    args = ["--id", "id"] if command == "survey" else []
    r = cli("import", command, str(path), *args)
    assert r.exit_code == 1 and says in r.output and len(r.output.strip().splitlines()) == 1
    assert project.documents() == []


def test_output_into_a_missing_folder_is_one_clear_line(cli, project: Project, tmp_path: Path):
    r = cli("export", "segments", "-o", str(tmp_path / "nowhere" / "segments.jsonl"))
    assert r.exit_code == 1 and "folder" in r.output and "does not exist" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_unknown_filter_values_and_documents_list_what_there_is(cli, project: Project, tmp_path: Path):
    project.import_survey(survey(tmp_path / "s.csv", n=4), id_column="id", attributes=["roll"], texts=["kommentar"])
    r = cli("docs", "list", "--where", "roll=chefer")
    assert r.exit_code == 1 and "no document has roll='chefer' (values of roll: chef, medarbetare)" in r.output
    r = cli("docs", "list", "--where", "round=vt19")
    assert r.exit_code == 1 and "unknown attribute 'round' (attributes: roll)" in r.output
    assert cli("docs", "list", "--where", "roll=chef").exit_code == 0
    r = cli("docs", "show", "R9")
    assert r.exit_code == 1 and "unknown document 'R9' (documents: R1, R2, R3, R4)" in r.output
    with pytest.raises(QualcodeError, match="unknown document 'X'"):
        project.check_documents(["R1", "X"])
