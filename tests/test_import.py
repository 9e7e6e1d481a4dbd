"""Importing notes and surveys: encodings, formats, errors that touch nothing, idempotence, crashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError

from .conftest import CODEBOOK

HEADER = ["id", "roll", "verksamhet", "langst_1", "fraga_2a"]
ROWS = [
    ["R1", "chef", "BOU", "p6 adm stöd", "Vi har fått fler administratörer; det märks."],
    ["R2", "medarbetare", "", "Intro/mentorskap", ""],
    ["R3", "chef", "Äldre", "", "Tydligare rutiner, \"äntligen\""],
]


def write_csv(path: Path, delimiter: str, encoding: str) -> Path:
    import csv
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return path


def write_xlsx(path: Path) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Svar"
    wb.active.append(HEADER)
    for r in ROWS:
        wb.active.append([v if v else None for v in r])
    wb.save(path)
    return path


def snapshot(p: Project) -> tuple:
    docs = [(d["id"], d["kind"], sorted(d["attributes"].items())) for d in p.documents()]
    segs = [(s["doc"], s["field"], s["start"], s["end"], s["text"]) for s in p.segments()]
    return docs, segs


def survey_args() -> dict:
    return dict(id_column="id", attributes=["roll", "verksamhet"], texts=["fraga_2a"], choices=["langst_1"])


def test_same_survey_in_three_encodings_and_formats_imports_identically(tmp_path: Path):
    files = [write_csv(tmp_path / "a.csv", ";", "cp1252"), write_csv(tmp_path / "b.csv", ",", "utf-8-sig"),
             write_xlsx(tmp_path / "c.xlsx")]
    snaps = []
    for i, f in enumerate(files):
        p = Project.init(tmp_path / f"p{i}.db", CODEBOOK)
        p.import_survey(f, **survey_args())
        snaps.append(snapshot(p))
        p.close()
    assert snaps[0] == snaps[1] == snaps[2]
    docs, segs = snaps[0]
    assert ("R2", "response", [("roll", "medarbetare"), ("verksamhet", None)]) in docs
    assert ("R1", "langst_1", 0, 11, "p6 adm stöd") in segs
    assert ("R2", "fraga_2a", 0, 0, "") in segs  # blank answer: a segment with no text


def test_missing_value_is_kept_apart_from_blank(project: Project, tmp_path: Path):
    f = tmp_path / "s.csv"
    f.write_text("id,roll,fraga_2b\nR1,chef,\nR2,medarbetare,#NULL!\n", encoding="utf-8")
    project.import_survey(f, id_column="id", attributes=["roll"], texts=["fraga_2b"])
    assert [(s["doc"], s["text"]) for s in project.segments(field="fraga_2b")] == [("R1", "")]


def test_wrong_column_lists_available_columns_and_imports_nothing(cli, tmp_path: Path):
    f = write_csv(tmp_path / "a.csv", ";", "cp1252")
    cli("init", "--codebook", str(CODEBOOK))
    r = cli("import", "survey", str(f), "--id", "id", "--text", "fraga_9")
    assert r.exit_code == 1
    assert "no column 'fraga_9'" in r.output and "available columns: id, roll, verksamhet, langst_1, fraga_2a" in r.output
    assert json.loads(cli("status", "--format", "json").output)["documents"] == {}


def test_malformed_row_is_named_and_nothing_is_imported(project: Project, tmp_path: Path):
    f = tmp_path / "bad.csv"
    f.write_text("id;roll;q\nR1;chef;ok\nR2;chef\nR3;chef;ok\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"row 3 has 2 fields, the header has 3"):
        project.import_survey(f, id_column="id", attributes=["roll"], texts=["q"])
    assert project.documents() == []


def test_duplicate_ids_are_named(project: Project, tmp_path: Path):
    f = tmp_path / "dup.csv"
    f.write_text("id,q\nR1,a\nR2,b\nR1,c\n", encoding="utf-8")
    with pytest.raises(QualcodeError, match=r"row 4: duplicate id 'R1' \(first in row 2\)"):
        project.import_survey(f, id_column="id", texts=["q"])


def test_binary_or_missing_file_is_one_clear_error(cli, tmp_path: Path):
    cli("init", "--codebook", str(CODEBOOK))
    r = cli("import", "survey", str(tmp_path / "nope.csv"), "--id", "id")
    assert r.exit_code == 1 and "file not found" in r.output
    bad = tmp_path / "utf16.csv"
    bad.write_bytes("id,q\nR1,ä\n".encode("utf-16-le"))
    r = cli("import", "survey", str(bad), "--id", "id")
    assert r.exit_code == 1 and "not a text file" in r.output


NOTE = """---
id: vt2017-bromma-medarbetare
round: vt2017
sdf: Bromma
group: medarbetare
verksamhet: [äldre, barn och unga]
---
# Gruppintervju med medarbetare, Bromma

Gruppen har fått två administratörer sedan i vintras. De tar hand om fakturor, bl.a. avgifter.

Lönefrågan kom upp mot slutet. "Vi som varit här länge tjänar knappt mer än de nya", sa en deltagare.
"""


def write_notes(folder: Path, text: str = NOTE) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "note1.md").write_text(text, encoding="utf-8")
    return folder


def test_notes_front_matter_and_sentence_offsets(project: Project, tmp_path: Path):
    report = project.import_notes(write_notes(tmp_path / "notes"))
    assert report.added == ["vt2017-bromma-medarbetare"]
    doc = project.document("vt2017-bromma-medarbetare")
    assert doc["attributes"] == {"round": "vt2017", "sdf": "Bromma", "group": "medarbetare",
                                 "verksamhet": "äldre, barn och unga"}
    texts = [s["text"] for s in doc["segments"]]
    assert texts[0] == "Gruppen har fått två administratörer sedan i vintras."
    assert texts[1] == "De tar hand om fakturor, bl.a. avgifter."
    assert len(texts) == 4
    for s in doc["segments"]:  # offsets point into the stored text
        assert doc["text"][s["start"]:s["end"]] == s["text"]


def test_docx_notes_with_metadata_csv(project: Project, tmp_path: Path):
    import docx
    folder = tmp_path / "word"
    folder.mkdir()
    d = docx.Document()
    d.add_paragraph("Första stycket om introduktion. Mentorer finns.")
    d.add_paragraph("Andra stycket om lokalerna.")
    d.save(folder / "intervju 3.docx")
    (folder / "metadata.csv").write_text("file;id;round;group\nintervju 3.docx;ht2017-farsta-chefer;ht2017;chefer\n",
                                         encoding="utf-8")
    project.import_notes(folder)
    doc = project.document("ht2017-farsta-chefer")
    assert doc["attributes"] == {"round": "ht2017", "group": "chefer"}
    assert [s["paragraph"] for s in doc["segments"]] == [0, 0, 1]


def test_reimport_is_idempotent_and_a_changed_note_keeps_decisions(project: Project, tmp_path: Path):
    folder = write_notes(tmp_path / "notes")
    project.import_notes(folder)
    before = snapshot(project)
    again = project.import_notes(folder)
    assert again.unchanged == ["vt2017-bromma-medarbetare"] and not again.added and not again.changed
    assert snapshot(project) == before
    segs = project.segments()
    kept, dropped = segs[0], segs[1]
    with project.transaction() as c:
        for s in (kept, dropped):
            c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?,?,?,?,?)",
                      (s["segment"], "adm_stod_handlaggare", "anna", "accept", "2026-01-01"))
    changed = NOTE.replace("De tar hand om fakturor, bl.a. avgifter.", "Nu sköter de även avgiftsbesluten.")
    changed = changed.replace("# Gruppintervju", "Inledande mening.\n\n# Gruppintervju")
    report = project.import_notes(write_notes(folder, changed), confirm=True)
    assert report.changed == ["vt2017-bromma-medarbetare"]
    assert report.segments_retired == 1 and report.segments_added == 2
    now = {s["text"]: s["segment"] for s in project.segments()}
    assert now[kept["text"]] == kept["segment"]  # same id, so its decision still applies
    assert dropped["text"] not in now
    coded = project.conn.execute("SELECT segment FROM codings").fetchall()
    assert {r[0] for r in coded} == {kept["segment"], dropped["segment"]}  # history kept


def test_sigkill_during_large_import_leaves_store_as_before(tmp_path: Path):
    db = tmp_path / "big.db"
    p = Project.init(db, CODEBOOK)
    small = tmp_path / "small.csv"
    small.write_text("id,q\nR0,hej\n", encoding="utf-8")
    p.import_survey(small, id_column="id", texts=["q"])
    p.close()
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write("id,q1,q2,q3\n")
        for i in range(1, 300_000):
            f.write(f"R{i},svar {i} om administrativt stöd,introduktion {i},lokaler {i}\n")
    code = ("import sys; from qualcode import Project; p = Project.open(sys.argv[1]); "
            "p.import_survey(sys.argv[2], id_column='id', texts=['q1', 'q2', 'q3'])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(big)])
    # wait until the import is writing (the WAL file grows), then kill it hard
    wal = Path(str(db) + "-wal")
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 1_000_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "import finished before it could be killed; make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT id FROM documents").fetchall() == [("R0",)]
    assert conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 1


def test_export_segments_jsonl_contract_and_status(cli, tmp_path: Path):
    cli("init", "--codebook", str(CODEBOOK))
    assert cli("import", "notes", str(write_notes(tmp_path / "notes"))).exit_code == 0
    f = write_csv(tmp_path / "a.csv", ";", "cp1252")
    r = cli("import", "survey", str(f), "--id", "id", "--attr", "roll", "--choice", "langst_1", "--text", "fraga_2a")
    assert r.exit_code == 0 and "3 nya" in r.output
    out = tmp_path / "segs.jsonl"
    assert cli("export", "segments", "--format", "jsonl", "-o", str(out)).exit_code == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4 + 6
    assert set(lines[0]) == {"segment", "doc", "field", "start", "end", "text"}
    assert {"doc": "R1", "field": "langst_1", "start": 0, "end": 11, "text": "p6 adm stöd"}.items() <= \
        next(x for x in lines if x["doc"] == "R1" and x["field"] == "langst_1").items()
    status = json.loads(cli("status", "--format", "json").output)
    assert status["documents"] == {"interview": 1, "response": 3}
    assert status["segments"] == {"notes": 4, "langst_1": 3, "fraga_2a": 3}
    assert status["attributes"]["roll"] == {"chef": 2, "medarbetare": 1}


def test_commands_need_a_project(tmp_path: Path):
    from click.testing import CliRunner
    from qualcode.cli import main
    r = CliRunner().invoke(main, ["--project", str(tmp_path / "none.db"), "status"])
    assert r.exit_code == 1 and "no project here" in r.output


def test_one_long_paragraph_splits_as_its_sentences_do_one_by_one():
    """The splitter once read the whole paragraph again at every full stop (quadratic). Each
    sentence alone and the paragraph of all of them must give the same spans, in linear time."""
    from qualcode.ingest.segment import segment_notes
    kinds = ["Vi har fått adm. stöd nr {i} sedan i vintras.", "Är det t.ex. lönen {i}?",
             "\"Ja\", sa hon {i}!", "Bitr. ec Anna {i} tog det… ", "Det blev {i} st. ärendedragn. i år."]
    parts = [kinds[i % len(kinds)].format(i=i).strip() for i in range(8000)]
    text = " ".join(parts)
    started = time.perf_counter()
    spans = [(s.start, s.end) for s in segment_notes(text)]
    took = time.perf_counter() - started
    expected, pos = [], 0
    for part in parts:
        expected += [(pos + s.start, pos + s.end) for s in segment_notes(part)]
        pos += len(part) + 1
    assert spans == expected and len(spans) == 8000
    assert took < 5, f"{took:.1f} s for one paragraph of 8,000 sentences"


@pytest.mark.parametrize("text, expected", [
    ("Vi hade ärendedragn. Varje tisdag.", ["Vi hade ärendedragn. Varje tisdag."]),
    ("Hon är bitr. Ec sedan i fjol.", ["Hon är bitr. Ec sedan i fjol."]),
    ("Vi saknar adm. stöd. Det är tungt.", ["Vi saknar adm. stöd.", "Det är tungt."]),
    ("Jag jobbar som handl. Men snart chef.", ["Jag jobbar som handl. Men snart chef."]),
    ("Det gäller fr.o.m. April. Bra.", ["Det gäller fr.o.m. April.", "Bra."]),
    ("Ärendena ökar. vi hinner inte.", ["Ärendena ökar. vi hinner inte."]),
    ("Vi tog upp:\n- lönen. Den är låg.\n* lokalerna\n• mentorer\n1. Intro\n2) Handledning",
     ["Vi tog upp:", "lönen.", "Den är låg.", "lokalerna", "mentorer", "Intro", "Handledning"]),
])
def test_abbreviations_do_not_end_a_sentence_and_list_items_do(text: str, expected: list[str]):
    from qualcode.ingest.segment import segment_notes
    assert [text[s.start:s.end] for s in segment_notes(text)] == expected
