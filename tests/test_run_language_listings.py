"""What a new user's trial found: suggest, the listings, review accept and memos in one language
per run; the listings' CSV as a Swedish Excel opens it (the tallies' writer); the notes written
with a verdict listed as coding memos; and ``status`` naming a broken codebook file."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode import Project
from qualcode.i18n import set_language

from .conftest import CODEBOOK
from .test_review_i18n import foreign
from .test_setup_i18n import files


def call(path: Path, *args: str) -> tuple[int, str]:
    """``qualcode --project PATH ARGS``: exit code and everything printed (stdout and stderr)."""
    from qualcode.cli import main
    r = CliRunner().invoke(main, ["--project", str(path), *args], catch_exceptions=False)
    return r.exit_code, r.output


def run(path: Path, *args: str) -> str:
    code, out = call(path, *args)
    assert code == 0, out
    return out


@pytest.fixture
def suggested(tmp_path: Path, monkeypatch) -> Path:
    """A project of one note and two survey rows, suggested once in Swedish (spaCy's blank
    pipeline, so that the NLP notice is printed); the output is kept beside it."""
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")
    notes, survey = files(tmp_path)
    path = tmp_path / "p.db"
    run(path, "init", "--codebook", str(CODEBOOK))
    run(path, "import", "notes", str(notes))
    run(path, "import", "survey", str(survey), "--id", "id", "--attr", "roll", "--choice", "langst_1",
        "--text", "kommentar")
    (tmp_path / "suggest.txt").write_text(run(path, "suggest"), encoding="utf-8")
    return path


def test_swedish_suggest_and_suggestions_list(suggested: Path) -> None:
    screen = (suggested.parent / "suggest.txt").read_text(encoding="utf-8")
    for shown in ("NLP: ingen tränad svensk spaCy-pipeline är installerad; använder spacy.blank('sv') + "
                  "uppslagslemmatisering", "Förslag per kod", "segment bearbetade", "med poäng ≥ 0,5"):
        assert shown in screen, shown
    listing = run(suggested, "suggestions", "list")
    assert "Förslag (" in listing and "dok" in listing and "poäng" in listing and "0,9" in listing
    with Project.open(suggested) as p:
        assert foreign(screen, "sv", p) == []


def test_english_suggest_and_suggestions_list(suggested: Path) -> None:
    screen = run(suggested, "--lang", "en", "suggest", "--force")
    listing = run(suggested, "--lang", "en", "suggestions", "list")
    for shown in ("Suggestions per code", "segments processed", "scoring ≥ 0.5"):
        assert shown in screen, shown
    head = listing.splitlines()[2]   # the header row of the table
    assert "doc" in head and "score" in head and "evidence" in head and "dok" not in head and "poäng" not in head
    assert "0.9" in listing and "0,9" not in listing
    with Project.open(suggested) as p:
        assert foreign(screen + listing.splitlines()[0] + head, "en", p) == []
    assert "Förslag" not in screen and "segment bearbetade" not in screen


@pytest.mark.parametrize("lang, expected", [
    ("sv", "NLP: ingen tränad svensk spaCy-pipeline är installerad"),
    ("en", "NLP: no trained Swedish spaCy pipeline installed")])
def test_the_nlp_notice_follows_the_run(lang: str, expected: str, monkeypatch) -> None:
    from qualcode.nlp.pipeline import choose_pipeline
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")
    set_language(lang)
    assert choose_pipeline().notice.startswith(expected)


def test_listing_csv_opens_in_swedish_excel_and_reads_back(suggested: Path, tmp_path: Path) -> None:
    out = tmp_path / "forslag.csv"
    run(suggested, "suggestions", "list", "-o", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    stored = json.loads(run(suggested, "suggestions", "list", "-f", "json"))
    assert list(df.columns[:4]) == ["segment", "dok", "kod", "poäng"] and df["poäng"].dtype.kind == "f"
    assert list(df["poäng"]) == pytest.approx([r["score"] for r in stored], abs=0.0005)
    en = tmp_path / "suggestions.csv"
    run(suggested, "suggestions", "list", "--csv-style", "en", "-o", str(en))
    assert list(pd.read_csv(en, encoding="utf-8-sig")["poäng"]) == pytest.approx(list(df["poäng"]))
    kb = tmp_path / "kb.csv"
    run(suggested, "codebook", "show", "-o", str(kb))
    book = pd.read_csv(kb, sep=";", decimal=",", encoding="utf-8-sig", index_col="id")
    with Project.open(suggested) as p:
        code = p.codebook.by_id["brukardelaktighet"]
    assert book.loc["brukardelaktighet", "beskrivning"] == code.description
    assert book.loc["brukardelaktighet", "nr"] == code.number and kb.read_bytes().startswith(b"\xef\xbb\xbf")
    docs = tmp_path / "docs.csv"
    run(suggested, "--lang", "en", "docs", "list", "-o", str(docs))
    assert pd.read_csv(docs, encoding="utf-8-sig", index_col="id").loc["R1", "kind"] == "survey responses"
    plain = tmp_path / "codings.csv"      # exports for programs keep plain "," without a BOM
    run(suggested, "export", "segments", "-f", "csv", "-o", str(plain))
    assert plain.read_text(encoding="utf-8").startswith("segment,doc,")


def test_review_notes_are_listed_as_coding_memos(suggested: Path) -> None:
    assert run(suggested, "memo", "list").strip() == "inga memon"
    assert run(suggested, "memo", "list", "--doc", "R1").strip() == "inga memon (--doc R1)"
    with Project.open(suggested) as p:
        seg = p.segments(doc="R1", field="kommentar")[0]["segment"]
    run(suggested, "code", str(seg), "arendehandledning", "--coder", "anna", "--note", "Handledning efterfrågas")
    assert run(suggested, "memo", "add", "--code", "lon", "--text", "Lönen nämns av chefer").strip() == \
        "memo 1 på koden Lön"
    assert run(suggested, "--lang", "en", "memo", "add", "--doc", "R1", "--text", "Kort svar").strip() == \
        "memo 2 on document R1"
    listed = " ".join(run(suggested, "memo", "list", "--kind", "coding").split())
    assert "Handledning efterfrågas" in listed and "anna" in listed and "R1" in listed
    assert "Lönen nämns" not in listed
    with Project.open(suggested) as p:
        label = p.codebook.by_id["arendehandledning"].label
    rows = list(csv.DictReader(io.StringIO(run(suggested, "memo", "list", "--kind", "coding", "-f", "csv")),
                               delimiter=";"))
    assert [(r["gäller"], r["text"], r["skribent"]) for r in rows] == [
        (f"kodningen {label} i R1, segment {seg} (anteckning vid granskning)", "Handledning efterfrågas", "anna")]
    assert "Handledning efterfrågas" in run(suggested, "memo", "list", "--doc", "R1")
    assert "Handledning efterfrågas" not in run(suggested, "memo", "list", "--kind", "document")
    memos = json.loads(run(suggested, "memo", "list", "-f", "json"))["memos"]
    note = next(m for m in memos if m["text"] == "Handledning efterfrågas")
    assert note["kind"] == "coding" and note["doc"] == "R1" and note["code"] == "arendehandledning"
    assert note["author"] == "anna" and note["decision"] and note["id"] is None
    english = run(suggested, "--lang", "en", "memo", "list", "--doc", "R1")
    assert "note made in review" in " ".join(english.split()) and "code:" not in english and "doc:" not in english


def test_docs_name_the_kind_in_the_runs_language(suggested: Path) -> None:
    assert "enkätsvar" in run(suggested, "docs", "list") and "intervjuer" in run(suggested, "docs", "list")
    assert "survey responses" in run(suggested, "--lang", "en", "docs", "list")
    assert run(suggested, "docs", "show", "R1").startswith("R1 (enkätsvar)")
    assert run(suggested, "--lang", "en", "docs", "show", "int1").startswith("int1 (interviews)")
    assert {d["kind"] for d in json.loads(run(suggested, "docs", "list", "-f", "json"))} == {"interview", "response"}


def test_review_accept_and_export_sav_speak_the_run(suggested: Path, tmp_path: Path) -> None:
    assert run(suggested, "--lang", "en", "review", "accept", "--min-score", "0.95", "--coder", "bo",
               "--dry-run").startswith("would accept ")
    out = run(suggested, "review", "accept", "--min-score", "0.95", "--coder", "bo")
    assert out.startswith("accepterade ") and "med poäng ≥ 0,95 som bo;" in out and "återstår att granska" in out
    assert run(suggested, "export", "sav", str(tmp_path / "ut.sav")).strip() == f"skrev {tmp_path / 'ut.sav'}"


@pytest.mark.parametrize("lang, broken, fix", [
    ("sv", "okand_nyckel: 1\n", "rätta kodboksfilen"),
    ("en", "  - id: [oops\n", "fix the codebook file")])
def test_status_names_a_broken_codebook_file(tmp_path: Path, lang: str, broken: str, fix: str) -> None:
    notes, _ = files(tmp_path)
    book = tmp_path / "kodbok.yaml"
    shutil.copy(CODEBOOK, book)
    path = tmp_path / "p.db"
    run(path, "init", "--codebook", str(book))
    run(path, "import", "notes", str(notes))
    assert json.loads(run(path, "status", "-f", "json"))["codebook_error"] is None
    with open(book, "a", encoding="utf-8") as f:
        f.write(broken)
    code, failed = call(path, "suggest")
    assert code == 1
    error = failed.strip().removeprefix("Error: ")
    assert error.startswith(f"{book}:") and error.count("\n") == 0     # file and line, one line
    data = json.loads(run(path, "--lang", lang, "status", "-f", "json"))
    assert data["codebook_error"] == error and data["next"].startswith(fix) and str(book) in data["next"]
    screen = " ".join(run(path, "--lang", lang, "status").split())
    assert ("fel i kodboksfilen" if lang == "sv" else "codebook file error") in screen
    assert fix in screen and "qualcode suggest" not in screen
