"""`qualcode report` never pools two surveys' respondents in one choice table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

ADM, INTRO = "adm_stod_handlaggare", "introduktion"


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


def import_survey(cli, path: Path, enkat: str, *extra: str) -> None:
    r = cli("import", "survey", str(path), "--id", "id", "--set", f"enkat={enkat}", *extra)
    assert r.exit_code == 0, r.output


def record(cli, tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    """The codes a reviewer added, as a review sheet: (doc, field, code)."""
    sheet = write_csv(tmp_path / "sheet.csv", ["doc", "field", "code", "verdict", "coder"],
                      [[d, f, c, "add", "anna"] for d, f, c in rows])
    r = cli("review", "import", str(sheet))
    assert r.exit_code == 0, r.output


def table(path: Path, title: str | None = None) -> dict[str, int]:
    """The Antal column of the table titled ``title`` in a report CSV (None: the file's only,
    untitled table), by row label."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))  # as Swedish Excel
    start = -1 if title is None and rows[0] == ["", "Antal", "Procent"] else \
        next((i for i, r in enumerate(rows) if r == [title]), None)
    assert start is not None, f"no table {title!r} in {path}: {[r for r in rows if len(r) == 1]}"
    out = {}
    for row in rows[start + 2:]:
        if not row:
            break
        out[row[0]] = int(row[1])
    return out


def test_two_surveys_sharing_a_choice_field_get_a_table_each(cli, project, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", ["id", "langst_1", "langst_2"],
                  [["a1", "adm stöd", "intro"], ["a2", "introduktion", ""], ["a3", "", ""]])
    b = write_csv(tmp_path / "b.csv", ["id", "langst_1", "langst_2"],
                  [["b1", "adm", ""], ["b2", "adm stöd", "intro"], ["b3", "adm", ""], ["b4", "-", ""],
                   ["b5", "intro", ""]])
    import_survey(cli, a, "ht2018", "--choice", "langst_1", "--choice", "langst_2")
    import_survey(cli, b, "vt2020", "--choice", "langst_1", "--choice", "langst_2")
    record(cli, tmp_path, [("a1", "langst_1", ADM), ("a1", "langst_2", INTRO), ("a2", "langst_1", INTRO),
                           ("b1", "langst_1", ADM), ("b2", "langst_1", ADM), ("b2", "langst_2", INTRO),
                           ("b3", "langst_1", ADM), ("b5", "langst_1", INTRO)])
    out = tmp_path / "rapport"
    r = cli("report", "-o", str(out))
    assert r.exit_code == 0, r.output

    assert not (out / "langst_1.csv").exists()      # no table pooling the eight respondents
    ht, vt = out / "langst_1_enkat_ht2018.csv", out / "langst_1_enkat_vt2020.csv"
    ht1, vt1 = table(ht), table(vt)   # each alternative in a file of its own
    adm_row = next(k for k in ht1 if k.startswith("6. "))
    intro_row = next(k for k in ht1 if k.startswith("2. "))
    assert (ht1[adm_row], ht1[intro_row], ht1["Ej svar"], ht1["Total"]) == (1, 1, 1, 3)
    assert (vt1[adm_row], vt1[intro_row], vt1["Ej svar"], vt1["Total"]) == (3, 1, 1, 5)
    assert table(out / "langst_2_enkat_ht2018.csv")["Total"] == 3 and table(out / "langst_2_enkat_vt2020.csv")["Total"] == 5
    raw = (out / "langst_alla_alternativ_enkat_vt2020.csv").read_text(encoding="utf-8-sig")
    combined = {r[0]: int(r[1]) for r in list(csv.reader(io.StringIO(raw), delimiter=";"))[1:]}
    assert combined[adm_row] == 3 and combined[intro_row] == 2

    index = (out / "index.md").read_text(encoding="utf-8")
    assert "langst_1 (enkat=ht2018)" in index and "langst_1 (enkat=vt2020)" in index
    assert (out / "charts" / "langst_alla_alternativ_enkat_ht2018.png").is_file()
    sheets = load_workbook(out / "tabeller.xlsx").sheetnames
    assert "langst_1 (enkat=ht2018)" in sheets and "langst_1 (enkat=vt2020)" in sheets

    r = cli("report", "-o", str(tmp_path / "typo"), "--survey-attribute", "enkät")
    assert r.exit_code == 1 and "unknown attribute 'enkät'" in r.output and not (tmp_path / "typo").exists()
    pooled = tmp_path / "pooled"   # asked for explicitly: one table over all eight respondents
    assert cli("report", "-o", str(pooled), "--survey-attribute", "").exit_code == 0
    assert table(pooled / "langst_1.csv")["Total"] == 8


def test_one_survey_keeps_a_single_table_beside_another_surveys_comments(cli, project, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", ["id", "langst_1"], [["a1", "adm stöd"], ["a2", "introduktion"], ["a3", ""]])
    comments = write_csv(tmp_path / "c.csv", ["id", "kommentar"], [["c1", "Bra chefer."], ["c2", "Trångt."]])
    import_survey(cli, a, "ht2018", "--choice", "langst_1")
    import_survey(cli, comments, "2016-2017", "--text", "kommentar")
    record(cli, tmp_path, [("a1", "langst_1", ADM), ("a2", "langst_1", INTRO)])
    out = tmp_path / "rapport"
    r = cli("report", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert not list(out.glob("langst_1_enkat_*"))
    t = table(out / "langst_1.csv")
    assert t["Ej svar"] == 1 and t["Total"] == 3   # the comment respondents are no part of it
    assert "langst_1 (enkat=" not in (out / "index.md").read_text(encoding="utf-8")


def test_respondents_without_the_survey_attribute_get_their_own_table(cli, project, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", ["id", "langst_1"], [["a1", "adm stöd"], ["a2", "intro"]])
    old = write_csv(tmp_path / "old.csv", ["id", "langst_1"], [["o1", "adm"], ["o2", ""], ["o3", "adm"]])
    import_survey(cli, a, "ht2018", "--choice", "langst_1")
    r = cli("import", "survey", str(old), "--id", "id", "--choice", "langst_1")   # imported without --set
    assert r.exit_code == 0, r.output
    record(cli, tmp_path, [("a1", "langst_1", ADM), ("o1", "langst_1", ADM), ("o3", "langst_1", ADM)])
    out = tmp_path / "rapport"
    assert cli("report", "-o", str(out)).exit_code == 0
    assert table(out / "langst_1_enkat_ht2018.csv")["Total"] == 2
    blank = table(out / "langst_1_enkat_saknas.csv")
    assert blank["Total"] == 3 and blank["Ej svar"] == 1
    assert "langst_1 (enkat=(saknas))" in (out / "index.md").read_text(encoding="utf-8")


def test_respondents_by_attribute_are_counted_per_survey(cli, project, tmp_path: Path) -> None:
    """Tabell 1 (respondents by verksamhet) of one survey must not include another survey's people."""
    a = write_csv(tmp_path / "a.csv", ["id", "verksamhet", "roll", "langst_1"],
                  [["a1", "BOU", "chef", "6"], ["a2", "BOU", "medarbetare", "2"], ["a3", "Ek", "chef", ""]])
    c = write_csv(tmp_path / "c.csv", ["id", "verksamhet", "kommentar"],
                  [["c1", "Ek", "Bra chefer."], ["c2", "Ek", "Trångt."], ["c3", "Psyk", "Lugnt."], ["c4", "", "Ok."]])
    import_survey(cli, a, "ht2018", "--attr", "verksamhet", "--attr", "roll", "--choice", "langst_1")
    import_survey(cli, c, "2016-2017", "--attr", "verksamhet", "--text", "kommentar")
    out = tmp_path / "rapport"
    assert cli("report", "-o", str(out)).exit_code == 0
    ht = table(out / "enkatsvar_per_verksamhet_enkat_ht2018.csv")
    old = table(out / "enkatsvar_per_verksamhet_enkat_2016_2017.csv")
    assert (ht["BOU"], ht["Ek"], ht["Totalt"]) == (2, 1, 3)
    assert (old["Ek"], old["Psyk"], old["Okänt"], old["Totalt"]) == (2, 1, 1, 4)
    assert (out / "enkatsvar_per_roll_enkat_ht2018.csv").is_file()
    assert not (out / "enkatsvar_per_roll_enkat_2016_2017.csv").exists()   # that survey did not ask
    assert table(out / "enkatsvar_per_enkat.csv")["Totalt"] == 7
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "Enkätsvar per verksamhet (enkat=2016-2017)" in index
