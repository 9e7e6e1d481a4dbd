"""One language per review: the screen, its reasons and the review sheet in Swedish or English,
from the catalogue, with the language's decimal mark; sheets of either language import."""

from __future__ import annotations

import csv
import io
import re
import string
from pathlib import Path

import pytest
from rich.console import Console

from qualcode import Project
from qualcode.i18n import set_language
from qualcode.i18n.catalogue import MESSAGES
from qualcode.memos import add_memo
from qualcode.review.decisions import current_verdict
from qualcode.review.keys import ENTER, ESC, ScriptedKeys
from qualcode.review.reasons import reason_text
from qualcode.review.session import Review
from qualcode.review.sheet_import import import_decisions
from qualcode.review.sheets import column_name, export_sheet, verdict_word
from qualcode.review.uncoded import UncodedWalk

from .test_decisions import standard, suggest

CHOICE_REASON = "number 6 + text agrees (alias 'administratör')"
MODEL_REASON = "modell v1, p=0.47; ord: stöd, saknas"
RULE_REASON = "lemma=administratör@15-28; part=lokal@4-11 (negated)"


def mixed(project: Project, tmp_path: Path) -> dict[str, list[int]]:
    """``standard``'s rule suggestions (one with a rule's reason), a choice cell read by its
    number, a learned model's suggestion, and a memo on a coding."""
    segs = standard(project, tmp_path)
    project.conn.execute("UPDATE suggestions SET reason = ? WHERE segment = ? AND code = 'adm_stod_handlaggare'",
                         (RULE_REASON, segs["i01"][0]))
    survey = tmp_path / "s.csv"
    survey.write_text("id;roll;langst_1\nR1;chef;6 administratör\n", encoding="utf-8")
    project.import_survey(survey, id_column="id", attributes=["roll"], choices=["langst_1"])
    cell = project.conn.execute("SELECT id FROM segments WHERE doc = 'R1'").fetchone()[0]
    suggest(project, cell, "adm_stod_handlaggare", 0.998, "choice", reason=CHOICE_REASON)
    suggest(project, segs["i03"][1], "trivsel", 0.47, "model:v1", reason=MODEL_REASON)
    add_memo(project, "Se upp: ironi", segment=segs["i02"][1], code="lon")
    return segs


def review_screen(project: Project, lang: str) -> str:
    """Every kind of line the review draws: help, an unknown key, nothing to undo, accept, change,
    add, reject, skip, the end with its offer to undo; then the uncoded walk with its help."""
    set_language(lang)
    out = io.StringIO()
    console = Console(file=out, width=240)
    keys = ["u", "x", "?", " ", "y", "c", "2", ENTER, "a", ESC, "a", "lon", ENTER, "y", "n", "s",
            "y", "y", "y", "y", "y", "u", "y", "q"]
    Review(project, "anna", keys=ScriptedKeys(keys), console=console).run()
    UncodedWalk(project, "anna", keys=ScriptedKeys(["?", " ", "u", "s", "q"]), console=console).run()
    return out.getvalue()


def fixed_texts(lang: str) -> set[str]:
    """The words of the catalogue's ``lang`` texts that are not placeholders or markup, cut at
    punctuation: what a screen in the other language must not show."""
    parts = set()
    for texts in MESSAGES.values():
        for literal, *_ in string.Formatter().parse(texts[lang]):
            literal = re.sub(r"\[/?[a-z ]+\]", " ", literal)
            for chunk in re.split(r"[·—:;()\n=,.…→?!\"'/|]", literal):
                chunk = " ".join(chunk.split())
                if len(chunk) >= 5 and re.search(r"[a-zåäö]{3}", chunk):
                    parts.add(chunk)
    return parts


def foreign(screen: str, lang: str, project: Project) -> list[str]:
    """Catalogue texts of the other language found on a ``lang`` screen (texts both languages
    share, and words of the project's own content, do not count)."""
    other = "en" if lang == "sv" else "sv"
    own = " ".join(texts[lang] for texts in MESSAGES.values()).lower()
    content = " ".join([r[0] for r in project.conn.execute("SELECT text FROM segments")]
                       + [f"{k} {v}" for k, v in project.conn.execute("SELECT name, value FROM attributes")]
                       + [f"{c.label} {c.title} {c.description or ''} {' '.join(c.aliases)}"
                          for c in project.codebook.codes]).lower()
    return sorted(p for p in fixed_texts(other)
                  if p.lower() not in own and p.lower() not in content
                  and re.search(rf"(?<![\w]){re.escape(p)}(?![\w])", screen, re.IGNORECASE))


def test_swedish_review_screen_speaks_swedish_only(project: Project, tmp_path: Path) -> None:
    segs = mixed(project, tmp_path)
    screen = review_screen(project, "sv")
    assert foreign(screen, "sv", project) == []
    for shown in ("Granskning · kodare anna", "poäng 0,90 · källa regel grundform administratör",
                  "poäng 1,00 · källa svarsalternativ", "källa modell v1",
                  "Skäl: grundform administratör (tecken 15–28); orddel lokal (tecken 4–11) (negerat)",
                  "Skäl: nummer 6 och texten stämmer överens (alias 'administratör')",
                  "Skäl: modell v1, p=0,47; ord: stöd, saknas", "Memo: lon: Se upp: ironi",
                  "okänd tangent 'x'", "inget att ångra", "Tangenter", "Byt adm_stod_handlaggare mot", "Inga fler förslag",
                  "u ångra · annan tangent avslutar", "Sparat. accepterade", "Okodade segment · kodare anna",
                  "nästa segment", "Sparat. 0 koder tillagda."):
        assert shown in screen, shown
    assert not re.search(r"\d\.\d", screen)  # a decimal comma everywhere
    assert current_verdict(project.conn, segs["i01"][0], "adm_stod_handlaggare", "anna") == "reject"  # changed


def test_english_review_screen_speaks_english_only(project: Project, tmp_path: Path) -> None:
    mixed(project, tmp_path)
    screen = review_screen(project, "en")
    assert foreign(screen, "en", project) == []
    for shown in ("Review · coder anna", "score 0.90 · source rule lemma administratör",
                  "score 1.00 · source answer choice", "source model v1",
                  "Reason: lemma administratör (characters 15–28); word part lokal (characters 4–11) (negated)",
                  "Reason: number 6 + text agrees (alias 'administratör')",
                  "Reason: model v1, p=0.47; words: stöd, saknas", "Memo: lon: Se upp: ironi",
                  "unknown key 'x'", "nothing to undo", "Keys", "Change adm_stod_handlaggare to", "No more suggestions",
                  "u undo · any other key quits", "Saved. accepted", "Uncoded segments · coder anna",
                  "next segment", "Saved. 0 codes added."):
        assert shown in screen, shown
    assert not re.search(r"\d,\d", screen)  # a decimal point everywhere


def test_the_screen_check_would_catch_a_stray_message(project: Project, tmp_path: Path) -> None:
    mixed(project, tmp_path)
    screen = review_screen(project, "sv")
    assert "No more suggestions to review" in foreign(screen + "\nNo more suggestions to review.\n", "sv", project)
    assert foreign(screen + "\nhoppa över\n", "en", project) != []


def test_reasons_keep_what_a_respondent_wrote_and_unknown_text() -> None:
    assert reason_text("fuzzy 'number 6'~'title'", "sv") == "nästan 'number 6'~'title'"
    assert reason_text("something a new source says", "sv") == "something a new source says"
    assert reason_text("basmodell b1, p=0.58", "en") == "base model b1, p=0.58"
    assert reason_text("", "sv") == "" and reason_text(None, "en") == ""


# ----------------------------------------------------------------------------- the review sheet

def fill_csv(path: Path, verdicts: dict[str, str], lang: str) -> dict[str, str]:
    """Fill in a CSV sheet as a person would, in the sheet's own words; returns the row of the
    rule suggestion on i01 (column -> cell)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    code, verdict = column_name("code", lang), column_name("verdict", lang)
    for r in rows:
        if r[code] in verdicts:
            r[verdict] = verdict_word(verdicts[r[code]], lang)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return next(r for r in rows if r[code] == "adm_stod_handlaggare" and "i01" in r.values())


@pytest.mark.parametrize("written,read", [("en", "sv"), ("sv", "en"), ("sv", "sv"), ("en", "en")])
def test_csv_sheet_round_trip_in_either_language(project: Project, tmp_path: Path, written, read) -> None:
    segs = mixed(project, tmp_path)
    path = tmp_path / "sheet.csv"
    set_language(written)
    export_sheet(project, "anna", path)
    header = fill_csv(path, {"lon": "accept", "lokaler": "reject", "trivsel": "add"}, written)
    if written == "sv":
        assert {"kod", "beslut", "rättad_kod", "poäng", "skäl", "före", "efter"} <= set(header)
        assert header["poäng"] == "0,9"
        assert header["skäl"].startswith("grundform administratör (tecken 15–28)")
    else:
        assert {"code", "verdict", "corrected_code", "score", "reason", "context_before"} <= set(header)
        assert header["score"] == "0.9" and header["reason"].startswith("lemma administratör (characters 15–28)")
    set_language(read)
    summary = import_decisions(project, path)
    assert summary.recorded == 3
    assert current_verdict(project.conn, segs["i02"][1], "lon", "anna") == "accept"
    assert current_verdict(project.conn, segs["i01"][2], "lokaler", "anna") == "reject"
    assert current_verdict(project.conn, segs["i03"][1], "trivsel", "anna") == "add"
    line = summary.summary()
    if read == "sv":
        assert "3 beslut sparade (acceptera 1, lägg till 1, avvisa 1) för anna" in line and "utan beslut" in line
    else:
        assert "3 decisions recorded (accept 1, add 1, reject 1) for anna" in line


@pytest.mark.parametrize("lang,sheet,codes,verdicts", [("sv", "Granskning", "Koder", '"acceptera,avvisa,lägg till"'),
                                                       ("en", "Review", "Codes", '"accept,reject,add"')])
def test_xlsx_sheet_in_either_language(project: Project, tmp_path: Path, lang, sheet, codes, verdicts) -> None:
    from openpyxl import load_workbook
    segs = mixed(project, tmp_path)
    path = tmp_path / "sheet.xlsx"
    set_language(lang)
    export_sheet(project, "anna", path)
    wb = load_workbook(path)
    assert wb.sheetnames == [sheet, codes]
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    assert header[:4] == [column_name(c, lang) for c in ("segment", "doc", "field", "code")]
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert verdicts in formulas and any(f.startswith(f"{codes}!") for f in formulas)
    code, verdict = header.index(column_name("code", lang)), header.index(column_name("verdict", lang))
    for row in ws.iter_rows(min_row=2):
        if row[code].value == "lon":
            row[verdict].value = verdict_word("reject", lang)
    wb.save(path)
    set_language("en" if lang == "sv" else "sv")  # read by a run in the other language
    assert import_decisions(project, path).recorded == 1
    assert current_verdict(project.conn, segs["i02"][1], "lon", "anna") == "reject"


def test_older_sheets_and_mixed_words_still_import(project: Project, tmp_path: Path, cli) -> None:
    segs = standard(project, tmp_path)
    path = tmp_path / "old.csv"
    path.write_text("segment,code,verdict,coder,corrected code\n"
                    f"{segs['i02'][1]},lon,accept,bo,\n"
                    f"{segs['i01'][2]},lokaler,Avvisa,bo,\n"
                    f"{segs['i01'][0]},adm_stod_handlaggare,REJECT,bo,adm_stod_chefer\n", encoding="utf-8")
    r = cli("--lang", "sv", "review", "import", str(path))
    assert r.exit_code == 0, r.output
    assert "4 beslut sparade" in r.output
    assert current_verdict(project.conn, segs["i01"][0], "adm_stod_chefer", "bo") == "add"
    assert current_verdict(project.conn, segs["i01"][2], "lokaler", "bo") == "reject"
    rows = [{"Dokument": "i03", "Kod": "arbetsbelastning", "Beslut": "lägg_till", "Kodare": "facit"}]
    assert import_decisions(project, rows).recorded == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(f"segment,kod,beslut,kodare\n{segs['i02'][1]},lon,kanske,bo\n", encoding="utf-8")
    r = cli("review", "import", str(bad))
    assert r.exit_code == 1 and "verdict 'kanske' must be one of accept, reject, add (sv: acceptera, avvisa eller lägg till)" in r.output


def test_cli_review_and_export_follow_lang(project: Project, tmp_path: Path, cli) -> None:
    standard(project, tmp_path)
    r = cli("--lang", "en", "review", "--coder", "anna", "--code", "lon", input="y")
    assert r.exit_code == 0 and "score 0.95" in r.output and "Saved. accepted 1" in r.output
    r = cli("review", "--coder", "bo", "--code", "lon", input="y")
    assert r.exit_code == 0 and "poäng 0,95" in r.output and "Sparat. accepterade 1" in r.output
    r = cli("--lang", "sv", "review", "export", "--coder", "bo", "-o", str(tmp_path / "g.csv"))
    assert r.exit_code == 0 and "skrev 5 förslag till" in r.output
    r = cli("--lang", "en", "review", "export", "--coder", "bo", "-o", str(tmp_path / "g.csv"))
    assert "wrote 5 suggestions to" in r.output
