"""Decisions: the pending queue, bulk accept, hand coding, and the review-sheet round trip (XLSX/CSV)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from qualcode import Project, QualcodeError
from qualcode.review.decisions import code_segment, current_verdict, record
from qualcode.review.queue import Filter, accept_above, pending
from qualcode.review.sheet_import import import_decisions
from qualcode.review.sheets import export_sheet

NOTES = {
    "i01": ("vt2017", "medarbetare", "Vi har fått en administratör. Det har gjort stor skillnad för oss. "
                                     "Lokalerna är trånga och bullriga."),
    "i02": ("vt2017", "chefer", "Introduktionen för nya fungerar bra. Lönen är för låg. "
                                "Det har inte blivit någon omorganisation i år."),
    "i03": ("ht2018", "medarbetare", "Det saknas administrativt stöd. Mentorskapet är uppskattat. "
                                     "Arbetsbelastningen är hög."),
}


def build(project: Project, tmp_path: Path) -> dict[str, list[int]]:
    """Three interviews (3 sentence segments each); returns segment ids per document."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for doc, (rnd, grp, body) in NOTES.items():
        (folder / f"{doc}.md").write_text(f"---\nid: {doc}\nround: {rnd}\ngroup: {grp}\nsdf: Norr\n---\n{body}\n",
                                          encoding="utf-8")
    project.import_notes(folder)
    segs: dict[str, list[int]] = {}
    for s in project.segments(field="notes"):
        segs.setdefault(s["doc"], []).append(s["segment"])
    assert all(len(v) == 3 for v in segs.values()), segs
    return segs


def suggest(project: Project, segment: int, code: str, score: float, source: str = "rule:test", *,
            start: int | None = None, end: int | None = None, negated: bool = False, reason: str | None = None,
            candidates: list[str] | None = None) -> None:
    """Stand-in for the suggest step: one row in ``suggestions``."""
    with project.transaction():
        project.conn.execute(
            "INSERT INTO suggestions(segment, code, source, score, start, end, negated, reason, candidates, "
            "codebook_version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?, '2024-01-01')",
            (segment, code, source, score, start, end, int(negated), reason,
             json.dumps(candidates) if candidates else None, project.codebook.version))


def standard(project: Project, tmp_path: Path) -> dict[str, list[int]]:
    """The project most tests use: five suggestions over the three interviews."""
    segs = build(project, tmp_path)
    suggest(project, segs["i01"][0], "adm_stod_handlaggare", 0.9, "rule:lemma=administratör", start=15, end=28)
    lokal_start = project.conn.execute("SELECT start FROM segments WHERE id = ?", (segs["i01"][2],)).fetchone()[0]
    suggest(project, segs["i01"][2], "lokaler", 0.8, "rule:lemma=lokal", start=lokal_start, end=lokal_start + 9)
    suggest(project, segs["i02"][1], "lon", 0.95, "rule:lemma=lön")
    suggest(project, segs["i02"][2], "omorganisation", 0.6, "rule:lemma=omorganisation", negated=True)
    suggest(project, segs["i03"][0], "adm_stod_handlaggare", 0.3, "rule:phrase=administrativt stöd")
    suggest(project, segs["i03"][0], "adm_stod_chefer", 0.3, "rule:phrase=administrativt stöd")
    return segs


# ----------------------------------------------------------------------------- pending and recording

def test_pending_order_filters_and_state(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    items = pending(project, "anna")
    assert [(it.doc, it.code) for it in items] == [
        ("i01", "adm_stod_handlaggare"), ("i01", "lokaler"), ("i02", "lon"), ("i02", "omorganisation"),
        ("i03", "adm_stod_handlaggare"), ("i03", "adm_stod_chefer")]
    assert [it.score for it in pending(project, "anna", order="score")][:2] == [0.3, 0.3]
    assert pending(project, "anna", order="uncertainty")[0].code == "omorganisation"  # 0.6 is nearest 0.5
    assert {it.doc for it in pending(project, "anna", Filter.make(where={"round": "vt2017"}))} == {"i01", "i02"}
    assert [it.code for it in pending(project, "anna", Filter.make(group="tema"))] == ["lokaler", "lon",
                                                                                         "omorganisation"]

    record(project, segs["i01"][0], "adm_stod_handlaggare", "anna", "accept")
    assert len(pending(project, "anna")) == 5
    assert len(pending(project, "bo")) == 6  # pending is per coder
    record(project, segs["i01"][0], "adm_stod_handlaggare", "anna", "retract")
    assert len(pending(project, "anna")) == 6  # a retract puts it back

    row = project.conn.execute("SELECT * FROM decisions ORDER BY id LIMIT 1").fetchone()
    assert (row["origin"], row["suggestion_source"], row["score"], row["codebook_version"]) == (
        "review", "rule:lemma=administratör", 0.9, project.codebook.version)


def test_record_refuses_bad_input(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    with pytest.raises(QualcodeError, match="unknown code 'nope'"):
        record(project, segs["i01"][0], "nope", "anna", "accept")
    with pytest.raises(QualcodeError, match="verdict 'maybe'"):
        record(project, segs["i01"][0], "lon", "anna", "maybe")
    with pytest.raises(QualcodeError, match="unknown segment 99999"):
        record(project, 99999, "lon", "anna", "accept")
    with pytest.raises(QualcodeError, match="must not contain commas"):
        record(project, segs["i01"][0], "lon", "a,b", "accept")
    assert project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0


def test_bulk_accept_records_origin_bulk(project: Project, tmp_path: Path, cli) -> None:
    standard(project, tmp_path)
    r = cli("review", "accept", "--min-score", "0.8", "--coder", "anna")
    assert r.exit_code == 0, r.output
    assert "accepterade 3 förslag" in r.output and "3 återstår att granska" in r.output
    rows = project.conn.execute("SELECT code, origin, verdict FROM decisions ORDER BY code").fetchall()
    assert [tuple(r) for r in rows] == [("adm_stod_handlaggare", "bulk", "accept"), ("lokaler", "bulk", "accept"),
                                        ("lon", "bulk", "accept")]
    assert accept_above(project, "anna", 0.8) == 0  # nothing left above the threshold
    r = cli("review", "accept", "--min-score", "1.5", "--coder", "anna")
    assert r.exit_code == 1 and "between 0 and 1" in r.output


def test_code_by_hand_and_uncoded(project: Project, tmp_path: Path, cli) -> None:
    segs = standard(project, tmp_path)
    from qualcode.review.queue import uncoded_segments
    before = {s["segment"] for s in uncoded_segments(project, "anna")}
    assert segs["i03"][2] in before  # "Arbetsbelastningen är hög." has no suggestion
    r = cli("code", str(segs["i03"][2]), "arbetsbelastning", "--coder", "anna")
    assert r.exit_code == 0, r.output
    assert current_verdict(project.conn, segs["i03"][2], "arbetsbelastning", "anna") == "add"
    assert project.conn.execute("SELECT origin FROM decisions").fetchone()[0] == "manual"
    assert segs["i03"][2] not in {s["segment"] for s in uncoded_segments(project, "anna")}
    r = cli("code", str(segs["i03"][2]), "arbetsbelastnig", "--coder", "anna")
    assert r.exit_code == 1 and "unknown code 'arbetsbelastnig'" in r.output
    with pytest.raises(QualcodeError, match="unknown segment"):
        code_segment(project, 123456, "lon", "anna")


# ----------------------------------------------------------------------------- sheets

def test_xlsx_round_trip(project: Project, tmp_path: Path, cli) -> None:
    from openpyxl import load_workbook
    segs = standard(project, tmp_path)
    sheet = tmp_path / "granska.xlsx"
    r = cli("--lang", "en", "review", "export", "--coder", "bo", "-o", str(sheet))
    assert r.exit_code == 0 and "wrote 6 suggestions" in r.output

    wb = load_workbook(sheet)
    ws = wb.worksheets[0]  # the review sheet ("Review" in English)
    header = [c.value for c in ws[1]]
    for col in ("segment", "code", "verdict", "corrected_code", "coder", "text", "context_before", "score",
                "source", "reason", "attr:round"):
        assert col in header
    col = {h: i for i, h in enumerate(header)}
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any('"accept,reject,add"' == f for f in validations.values())
    assert any(f.startswith("Codes!") for f in validations.values())
    rows = list(ws.iter_rows(min_row=2))
    by_code = {(r[col["doc"]].value, r[col["code"]].value): r for r in rows}
    assert by_code[("i01", "adm_stod_handlaggare")][col["text"]].value == "Vi har fått en administratör."
    assert by_code[("i01", "lokaler")][col["context_before"]].value == "Det har gjort stor skillnad för oss."
    assert by_code[("i01", "adm_stod_handlaggare")][col["attr:round"]].value == "vt2017"

    # an assistant fills it in: accept, reject, change code, leave one blank
    by_code[("i01", "adm_stod_handlaggare")][col["verdict"]].value = "accept"
    by_code[("i01", "lokaler")][col["verdict"]].value = "reject"
    by_code[("i02", "lon")][col["verdict"]].value = "accept"
    by_code[("i03", "adm_stod_chefer")][col["verdict"]].value = "reject"
    by_code[("i03", "adm_stod_chefer")][col["corrected_code"]].value = "adm_stod_handlaggare"
    by_code[("i03", "adm_stod_handlaggare")][col["verdict"]].value = None
    wb.save(sheet)

    r = cli("--lang", "en", "review", "import", str(sheet))
    assert r.exit_code == 0, r.output
    assert "5 decisions recorded" in r.output and "2 without verdict" in r.output
    state = {(s, c): v for s, c, v in project.conn.execute(
        "SELECT segment, code, verdict FROM current_decisions WHERE coder = 'bo'")}
    assert state == {
        (segs["i01"][0], "adm_stod_handlaggare"): "accept",
        (segs["i01"][2], "lokaler"): "reject",
        (segs["i02"][1], "lon"): "accept",
        (segs["i03"][0], "adm_stod_chefer"): "reject",
        (segs["i03"][0], "adm_stod_handlaggare"): "add",
    }
    assert {r[0] for r in project.conn.execute("SELECT origin FROM decisions")} == {"import"}
    # the same sheet again changes nothing
    r = cli("--lang", "en", "review", "import", str(sheet))
    assert "0 decisions recorded" in r.output and "5 unchanged" in r.output
    assert project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 5


def test_xlsx_edited_text_is_refused_whole(project: Project, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    standard(project, tmp_path)
    sheet = tmp_path / "g.xlsx"
    export_sheet(project, "bo", sheet, lang="en")
    wb = load_workbook(sheet)
    ws = wb.worksheets[0]  # the review sheet ("Review" in English)
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("verdict") + 1, "accept")
    ws.cell(3, header.index("verdict") + 1, "accept")
    ws.cell(3, header.index("text") + 1, "Någon har skrivit om texten.")
    wb.save(sheet)
    with pytest.raises(QualcodeError, match=r"row 3: the text of segment \d+ was edited"):
        import_decisions(project, sheet)
    assert project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0  # row 2 not written either


def write_rows(path: Path, rows: list[list[str]], header=("segment", "code", "verdict", "coder"),
               delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("bad,message", [
    (["{s}", "lonn", "accept", "bo"], "row 3: unknown code 'lonn'"),
    (["999999", "lon", "accept", "bo"], "row 3: unknown segment 999999"),
    (["{s}", "lon", "kanske", "bo"], "row 3: verdict 'kanske' must be one of accept, reject, add"),
    (["{s}", "lon", "accept", ""], "row 3: a coder name is needed"),
    (["x7", "lon", "accept", "bo"], "row 3: segment 'x7' is not a segment number"),
])
def test_csv_errors_name_the_row_and_write_nothing(project: Project, tmp_path: Path, cli, bad, message) -> None:
    segs = standard(project, tmp_path)
    s = str(segs["i02"][1])
    path = write_rows(tmp_path / "d.csv", [[s, "lon", "accept", "bo"], [c.format(s=s) for c in bad]])
    r = cli("review", "import", str(path))
    assert r.exit_code == 1
    assert message in r.output
    assert r.output.startswith("Error: ") and "Traceback" not in r.output
    assert project.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0


def test_csv_duplicates_and_missing_columns(project: Project, tmp_path: Path) -> None:
    segs = standard(project, tmp_path)
    s = str(segs["i02"][1])
    path = write_rows(tmp_path / "d.csv", [[s, "lon", "accept", "bo"], [s, "lon", "reject", "bo"]],
                      delimiter=";")
    with pytest.raises(QualcodeError, match=r"row 3: .* decided again \(first on row 2\)"):
        import_decisions(project, path)
    path = write_rows(tmp_path / "e.csv", [[s, "lon", "accept"]], header=("segment", "code", "verdict"))
    with pytest.raises(QualcodeError, match=r"missing column\(s\): coder \(or --coder\)"):
        import_decisions(project, path)
    assert import_decisions(project, path, coder="bo").recorded == 1  # --coder fills the column in


def test_csv_contract_and_document_rows(project: Project, tmp_path: Path, cli) -> None:
    """DESIGN.md's contract (segment, code, verdict, coder) and doc-level rows for a gold list."""
    segs = standard(project, tmp_path)
    path = write_rows(tmp_path / "contract.csv", [[str(segs["i02"][1]), "lon", "accept", "anna"],
                                                  [str(segs["i01"][1]), "trivsel", "add", "anna"]])
    r = cli("review", "import", str(path), "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.output)["recorded"] == 2

    # gold codes by document: land on the best-scoring suggestion of the code, else the first segment
    summary = import_decisions(project, [
        {"doc": "i03", "code": "adm_stod_handlaggare", "verdict": "add", "coder": "facit"},
        {"doc": "i03", "code": "arbetsbelastning", "verdict": "add", "coder": "facit"},
        {"doc": "i02", "field": "notes", "code": "omorganisation", "verdict": "reject", "coder": "facit"},
    ])
    assert summary.recorded == 3 and summary.coders == ["facit"]
    coded = {(s, c) for s, c in project.conn.execute("SELECT segment, code FROM codings WHERE coder = 'facit'")}
    assert coded == {(segs["i03"][0], "adm_stod_handlaggare"), (segs["i03"][0], "arbetsbelastning")}
    assert current_verdict(project.conn, segs["i02"][2], "omorganisation", "facit") == "reject"
    with pytest.raises(QualcodeError, match=r"row 1: unknown document 'i99'"):
        import_decisions(project, [{"doc": "i99", "code": "lon", "verdict": "add", "coder": "facit"}])
    with pytest.raises(QualcodeError, match=r"row 1: document 'i01' has no field 'fraga_2a'"):
        import_decisions(project, [{"doc": "i01", "field": "fraga_2a", "code": "lon", "verdict": "add",
                                    "coder": "facit"}])


def test_document_rows_on_survey_cells(project: Project, tmp_path: Path) -> None:
    survey = tmp_path / "s.csv"
    survey.write_text("id;roll;langst_1;fraga_2a\nR1;chef;p6;Fler administratörer\nR2;medarbetare;intro;\n",
                      encoding="utf-8")
    project.import_survey(survey, id_column="id", attributes=["roll"], texts=["fraga_2a"], choices=["langst_1"])
    summary = import_decisions(project, [
        {"doc": "R1", "field": "langst_1", "code": "adm_stod_handlaggare", "verdict": "add", "coder": "facit"},
        {"doc": "R2", "code": "introduktion", "verdict": "add", "coder": "facit"},  # the field with that group
        {"doc": "R1", "field": "fraga_2a", "code": "f2a_adm_stod", "verdict": "add", "coder": "facit"},
    ])
    assert summary.recorded == 3
    got = {(d, f, c) for d, f, c in project.conn.execute(
        "SELECT g.doc, g.field, c.code FROM codings c JOIN segments g ON g.id = c.segment WHERE c.coder = 'facit'")}
    assert got == {("R1", "langst_1", "adm_stod_handlaggare"), ("R2", "langst_1", "introduktion"),
                   ("R1", "fraga_2a", "f2a_adm_stod")}


def test_csv_sheet_round_trip_and_all(project: Project, tmp_path: Path, cli) -> None:
    segs = standard(project, tmp_path)
    record(project, segs["i02"][1], "lon", "bo", "accept")
    sheet = tmp_path / "g.csv"
    r = cli("--lang", "en", "review", "export", "--coder", "bo", "-o", str(sheet), "--where", "round=vt2017")
    assert "wrote 3 suggestions" in r.output  # lon is decided already; i03 is ht2018
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["code"] for r in rows] == ["adm_stod_handlaggare", "lokaler", "omorganisation"]
    assert rows[2]["negated"] == "yes"
    for r in rows:
        r["verdict"] = "reject"
    with open(sheet, "w", encoding="cp1252", newline="") as f:  # as Excel saves it: cp1252 and ;
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        w.writeheader()
        w.writerows(rows)
    assert import_decisions(project, sheet).recorded == 3
    export_sheet(project, "bo", sheet, include_decided=True, lang="en")
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        verdicts = {(r["doc"], r["code"]): r["verdict"] for r in csv.DictReader(f)}
    assert verdicts == {("i01", "adm_stod_handlaggare"): "reject", ("i01", "lokaler"): "reject",
                        ("i02", "lon"): "accept", ("i02", "omorganisation"): "reject",
                        ("i03", "adm_stod_handlaggare"): "", ("i03", "adm_stod_chefer"): ""}


def test_detail_shows_evidence_context_and_attributes(project: Project, tmp_path: Path) -> None:
    from qualcode.review.queue import detail
    standard(project, tmp_path)
    items = {(it.doc, it.code): it for it in pending(project, "anna")}
    d = detail(project, items[("i01", "lokaler")], "anna")
    assert d.item.text[d.span[0]:d.span[1]] == "Lokalerna"  # document offsets mapped into the segment
    assert (d.before, d.after) == ("Det har gjort stor skillnad för oss.", "")
    assert d.attributes == {"group": "medarbetare", "round": "vt2017", "sdf": "Norr"}
    assert detail(project, items[("i02", "omorganisation")], "anna").negated
