"""qualcode suggest / suggestions / explain on a small project: the export contract, the token
cache after a codebook edit, measured precision, the choice path and user errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.store.db import now

from .conftest import CODEBOOK

NOTE_A = """---
id: a1
round: ht2016
group: medarbetare
sdf: Älvsjö
---
Lönefrågan diskuterades länge. Vi har inte hunnit starta brukarenkäten.

Avgiftsadministratören har avlastat oss mycket. Kaffet var gott.
"""
NOTE_B = """---
id: b1
round: vt2017
group: chefer
sdf: Bromma
---
Omorganisationerna tar tid. Arbetslokalerna är för trånga.
"""


@pytest.fixture(autouse=True)
def _fallback(monkeypatch):
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    d = tmp_path / "notes"
    d.mkdir()
    (d / "a1.md").write_text(NOTE_A, encoding="utf-8")
    (d / "b1.md").write_text(NOTE_B, encoding="utf-8")
    return d


def export(cli, tmp_path: Path, *extra: str) -> list[dict]:
    out = tmp_path / "s.jsonl"
    r = cli("suggestions", "export", "--format", "jsonl", "-o", str(out), *extra)
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_suggest_and_export_contract(cli, project, notes, tmp_path):
    project.import_notes(notes)
    r = cli("suggest")
    assert r.exit_code == 0, r.output
    assert "spacy.blank('sv')" in r.output  # the one-line notice says which pipeline ran
    rows = export(cli, tmp_path)
    assert all(list(row) == ["doc", "field", "segment", "start", "end", "text", "code", "number", "group",
                             "score", "source", "negated"] for row in rows)
    by = {(row["doc"], row["code"]): row for row in rows}
    assert {("a1", "lon"), ("a1", "brukardelaktighet"), ("a1", "adm_stod_handlaggare"), ("b1", "omorganisation"),
            ("b1", "lokaler"), ("b1", "lampliga_lokaler")} <= set(by)
    doc_text = project.document("a1")["text"]
    row = by["a1", "adm_stod_handlaggare"]
    assert doc_text[row["start"]:row["end"]] == "Avgiftsadministratören"   # offsets into the document text
    assert row["text"] == "Avgiftsadministratören har avlastat oss mycket."
    assert row["number"] == 6 and row["group"] == "fokusomrade" and row["source"].startswith("rule:")
    assert by["a1", "brukardelaktighet"]["negated"] is True and by["a1", "lon"]["negated"] is False
    assert by["b1", "lampliga_lokaler"]["number"] == 13 and by["b1", "lokaler"]["number"] is None


def test_resuggest_after_codebook_edit_uses_the_cache(tmp_path, notes, monkeypatch):
    book = tmp_path / "book.yaml"
    shutil.copy(CODEBOOK, book)
    p = Project.init(tmp_path / "p.db", book)
    p.import_notes(notes)
    from qualcode.suggest.run import suggest
    first = suggest(p)
    n = len(p.segments())
    assert n >= 5 and first.tokenized == n and first.cached == 0
    assert not p.conn.execute("SELECT 1 FROM suggestions WHERE code = 'ovrigt'").fetchone()
    text = book.read_text(encoding="utf-8")
    anchor = "  - id: ovrigt\n"
    book.write_text(text.replace(anchor, anchor + "    patterns:\n      - lemma: kaffe\n", 1), encoding="utf-8")

    from qualcode.suggest import rule_source

    def no_spacy(*a, **k):
        raise AssertionError("spaCy must not run when every segment is cached")
    monkeypatch.setattr(rule_source, "Pipeline", no_spacy)
    second = suggest(p)
    assert second.tokenized == 0 and second.cached == n
    assert any("ovrigt" in line for line in second.codebook_changes)
    row = p.conn.execute("SELECT s.code, g.text FROM suggestions s JOIN segments g ON g.id = s.segment "
                         "WHERE s.code = 'ovrigt'").fetchone()
    assert row["text"] == "Kaffet var gott."
    # the earlier rule suggestions were replaced, not duplicated
    assert p.conn.execute("SELECT COUNT(*) FROM suggestions WHERE code = 'lon' AND source LIKE 'rule:%'").fetchone()[0] == 1
    p.close()


def test_each_verdict_moves_the_stored_score_toward_her_acceptance_rate(project, notes):
    """Her first verdicts count: two rejections pull a pattern's score down at the next suggest,
    and as verdicts accumulate the score approaches her acceptance rate (3 of 10 -> toward 0.3)."""
    from qualcode.suggest.run import suggest
    from qualcode.suggest.settings import PRIOR_STRENGTH
    project.import_notes(notes)
    suggest(project)
    seg, source, prior = project.conn.execute("SELECT segment, source, score FROM suggestions WHERE code = 'lon'").fetchone()

    def judge(verdicts: list[str], round_: int) -> float:  # each reviewer's verdict on this pattern
        with project.transaction():
            for i, v in enumerate(verdicts):
                project.conn.execute(
                    "INSERT INTO decisions(segment, code, coder, verdict, made_at, suggestion_source) VALUES (?,?,?,?,?,?)",
                    (seg, "lon", f"r{round_}c{i}", v, now(), source))
        suggest(project)
        return project.conn.execute("SELECT score FROM suggestions WHERE code = 'lon'").fetchone()[0]

    two_rejected = judge(["reject"] * 2, 1)
    assert two_rejected == pytest.approx(PRIOR_STRENGTH * prior / (2 + PRIOR_STRENGTH), abs=1e-4)
    assert two_rejected < prior
    twelve = judge(["accept"] * 3 + ["reject"] * 7, 2)   # 3 of 12 accepted so far
    assert twelve == pytest.approx((3 + PRIOR_STRENGTH * prior) / (12 + PRIOR_STRENGTH), abs=1e-4)
    many = judge(["accept"] * 27 + ["reject"] * 81, 3)   # 30 of 120
    assert abs(many - 0.25) < abs(twelve - 0.25) and many == pytest.approx(0.25, abs=0.03)


def test_scope_options_and_errors(cli, project, notes, tmp_path):
    project.import_notes(notes)
    assert cli("suggest", "--docs", "b1", "--codes", "omorganisation").exit_code == 0
    rows = export(cli, tmp_path)
    assert {(r["doc"], r["code"]) for r in rows} == {("b1", "omorganisation")}
    r = cli("suggest", "--docs", "nope")
    assert r.exit_code == 1 and "Error: unknown document nope" in r.output
    r = cli("suggest", "--codes", "nope")
    assert r.exit_code == 1 and "unknown code 'nope'" in r.output
    r = cli("suggest", "--model", str(tmp_path / "missing-model"))
    assert r.exit_code == 1 and "neither an installed package nor a directory" in r.output
    assert cli("suggestions", "list", "--code", "omorganisation").exit_code == 0


def test_explain_shows_tokens_parts_and_patterns(cli, project, notes):
    project.import_notes(notes)
    cli("suggest")
    seg = next(s["segment"] for s in project.segments(doc="a1") if s["text"].startswith("Lönefrågan"))
    r = cli("explain", str(seg), "--format", "json")
    assert r.exit_code == 0, r.output
    ex = json.loads(r.output)
    assert ex["tokens_from"] == "cache"
    tok = next(t for t in ex["tokens"] if t["text"] == "Lönefrågan")
    assert tok["parts"] == ["lön", "fråga"] and tok["lemma"] == "lönefråga"
    assert any(m["code"] == "lon" and m["pattern"] == "part=lön" for m in ex["matches"])
    text = cli("explain", str(seg)).output
    assert "part=lön" in text and "lön+fråga" in text


def test_trained_pipeline_through_model_option(cli, project, notes, tmp_path):
    from .test_nlp import train_tiny_pipeline
    model = train_tiny_pipeline(tmp_path / "sv_tiny")
    project.import_notes(notes)
    r = cli("suggest", "--model", str(model))
    assert r.exit_code == 0, r.output
    assert "tränad spaCy-pipeline sv_tiny_test" in r.output
    pipes = {row[0] for row in project.conn.execute("SELECT DISTINCT pipeline FROM segment_tokens")}
    assert len(pipes) == 1 and pipes.pop().startswith("path:")
    assert ("a1", "lon") in {(r["doc"], r["code"]) for r in export(cli, tmp_path)}


def test_choice_cells_go_through_the_normaliser(cli, project, tmp_path):
    csv = tmp_path / "survey.csv"
    csv.write_text("respondent,langst_1,fraga_2a\nr1,6,Vi har fått en administratör\nr2,,\nr3,introduktion,-\n",
                   encoding="utf-8")
    project.import_survey(csv, id_column="respondent", choices=["langst_1"], texts=["fraga_2a"])
    assert cli("suggest").exit_code == 0
    rows = export(cli, tmp_path, "--source", "choice")
    got = {(r["doc"], r["code"]) for r in rows}
    assert ("r1", "adm_stod_handlaggare") in got and ("r3", "introduktion") in got
    assert not any(r["doc"] == "r2" for r in rows)        # a blank cell suggests nothing
    assert all(r["field"] == "langst_1" and r["source"] == "choice" for r in rows)


def test_open_answers_get_their_question_codes_and_notes_the_general_ones(project, tmp_path):
    from qualcode.fields import field_groups
    csv = tmp_path / "survey.csv"
    csv.write_text("respondent,fraga_2a\nr1,Vi har fått en administratör\n", encoding="utf-8")
    project.import_survey(csv, id_column="respondent", texts=["fraga_2a"])
    fields = dict(project.fields(), notes={"name": "notes", "kind": "notes", "code_group": None})
    groups = field_groups(project.codebook, fields)
    assert groups["fraga_2a"] == ["fraga2a"]
    assert groups["notes"] == ["fokusomrade", "tema"]


# ----------------------------------------------------------------------------- incremental re-suggest

def _stored(p: Project) -> set[tuple]:
    """The stored rule and choice suggestions, without their time and codebook stamps."""
    return {tuple(r) for r in p.conn.execute(
        "SELECT segment, code, source, score, start, end, negated, reason, candidates FROM suggestions")}


def _edit(book: Path, old: str, new: str) -> None:
    text = book.read_text(encoding="utf-8")
    assert old in text
    book.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def own_book(tmp_path: Path) -> Path:
    book = tmp_path / "book.yaml"
    shutil.copy(CODEBOOK, book)
    return book


def test_an_edit_of_one_code_redoes_only_that_code_and_matches_a_full_run(tmp_path, notes, own_book, monkeypatch):
    from qualcode.suggest import run as sg
    from qualcode.suggest import rule_source
    p = Project.init(tmp_path / "p.db", own_book)
    p.import_notes(notes)
    sg.suggest(p)
    n = len(p.segments())

    # nothing changed: nothing is redone, spaCy is not even loaded
    def no_spacy(*a, **k):
        raise AssertionError("spaCy must not run")
    monkeypatch.setattr(rule_source, "Pipeline", no_spacy)
    idle = sg.suggest(p)
    assert idle.segments == 0 and idle.current == n and idle.rematched == {} and idle.rule_suggestions == 0

    # three edits at once: a pattern added to one code, one removed from another, a weight changed
    _edit(own_book, "  - id: ovrigt\n", "  - id: ovrigt\n    patterns:\n      - lemma: kaffe\n")
    _edit(own_book, "      - part: lön\n", "")
    _edit(own_book, "      - part: omorganisation\n", "      - {part: omorganisation, weight: 0.55}\n")
    second = sg.suggest(p)
    assert sorted(second.rematched["notes"]) == ["lon", "omorganisation", "ovrigt"]
    incremental = _stored(p)
    assert ("ovrigt", "rule:lemma=kaffe") in {(r[1], r[2]) for r in incremental}
    assert not any(r[1] == "lon" and r[2] == "rule:part=lön" for r in incremental)
    assert 0.55 in {r[3] for r in incremental if r[1] == "omorganisation"}

    forced = sg.suggest(p, force=True)
    assert forced.cached == n and _stored(p) == incremental
    p.close()


def test_a_code_removed_from_the_codebook_loses_its_suggestions(tmp_path, notes, own_book):
    from qualcode.suggest.run import suggest
    p = Project.init(tmp_path / "p.db", own_book)
    p.import_notes(notes)
    suggest(p)
    assert p.conn.execute("SELECT 1 FROM suggestions WHERE code = 'lon'").fetchone()
    text = own_book.read_text(encoding="utf-8")
    start = text.index("  - id: lon\n")
    end = text.index("  - id:", start + 5)
    own_book.write_text(text[:start] + text[end:], encoding="utf-8")
    suggest(p)
    assert not p.conn.execute("SELECT 1 FROM suggestions WHERE code = 'lon'").fetchone()
    p.close()


def test_a_reimported_note_gets_right_offsets_on_moved_sentences(project, notes):
    from qualcode.suggest.run import suggest
    project.import_notes(notes)
    suggest(project)
    path = notes / "b1.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Omorganisationerna tar tid.", "Vi började sent. Omorganisationerna tar tid."), encoding="utf-8")
    project.import_notes(notes)
    suggest(project)
    doc = project.conn.execute("SELECT text FROM documents WHERE id = 'b1'").fetchone()[0]
    rows = project.conn.execute("SELECT s.code, s.start, s.end FROM suggestions s JOIN segments g "
                                "ON g.id = s.segment WHERE g.doc = 'b1' AND g.retired = 0").fetchall()
    spans = {code: doc[a:b] for code, a, b in rows}
    assert spans["omorganisation"] == "Omorganisationerna" and spans["lokaler"] == "Arbetslokalerna"


def test_choice_fields_are_read_again_only_when_their_group_or_cells_change(tmp_path, own_book, monkeypatch):
    from qualcode.suggest import choices
    from qualcode.suggest.run import suggest
    p = Project.init(tmp_path / "p.db", own_book)
    csv = tmp_path / "survey.csv"
    csv.write_text("respondent,langst_1\nr1,6\nr2,introduktion\n", encoding="utf-8")
    p.import_survey(csv, id_column="respondent", choices=["langst_1"])
    suggest(p)
    real = choices.ChoiceNormaliser
    built = []
    monkeypatch.setattr(choices, "ChoiceNormaliser", lambda *a, **k: built.append(a) or real(*a, **k))
    _edit(own_book, "      - part: lön\n", "")          # a theme: not a choice code
    suggest(p)
    assert built == []
    csv.write_text("respondent,langst_1\nr1,6\nr2,introduktion\nr3,lokaler\n", encoding="utf-8")
    p.import_survey(csv, id_column="respondent", choices=["langst_1"])
    suggest(p)
    assert len(built) == 1
    got = {(r[0], r[1]) for r in p.conn.execute(
        "SELECT g.doc, s.code FROM suggestions s JOIN segments g ON g.id = s.segment")}
    assert ("r3", "lampliga_lokaler") in got and ("r1", "adm_stod_handlaggare") in got
    p.close()


def test_a_run_narrowed_to_some_codes_leaves_the_others_to_the_next_run(project, notes):
    from qualcode.suggest.run import suggest
    project.import_notes(notes)
    suggest(project, codes=["omorganisation"])
    assert {r[0] for r in project.conn.execute("SELECT code FROM suggestions")} == {"omorganisation"}
    suggest(project)
    codes = {r[0] for r in project.conn.execute("SELECT code FROM suggestions")}
    assert {"omorganisation", "lon", "lokaler", "adm_stod_handlaggare"} <= codes
    again = suggest(project, codes=["lon"])   # named codes are redone even when up to date
    assert again.rematched == {"notes": ["lon"]} and again.cached == len(project.segments())


def test_force_option_and_summary_in_the_cli(cli, project, notes):
    project.import_notes(notes)
    assert cli("suggest").exit_code == 0
    r = cli("suggest", "--format", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["segments"] == 0 and data["current"] > 0 and data["rule_suggestions"] == 0
    assert "segment är aktuella" in r.stderr
    r = cli("suggest", "--force", "--format", "json")
    data = json.loads(r.stdout)
    assert data["cached"] == data["segments"] > 0 and data["current"] == 0


def test_choice_fields_redone_by_text_match_the_cell_by_cell_path(tmp_path, own_book):
    """A whole choice field is brought up to date per distinct text (in SQL); a run narrowed to
    documents goes cell by cell. Both must store the same suggestions, before and after an edit
    that changes how some texts read."""
    from qualcode.suggest.run import suggest
    p = Project.init(tmp_path / "p.db", own_book)
    cells = ["6", "adm stöd", "p6 adm stöd", "", "gurkmajonäs", "2", "introduktion", "gurkmajonäs", "6", "14"]
    csv = tmp_path / "survey.csv"
    csv.write_text("respondent,langst_1,langst_2\n" + "".join(
        f"r{i},{a},{b}\n" for i, (a, b) in enumerate(zip(cells, reversed(cells)))), encoding="utf-8")
    p.import_survey(csv, id_column="respondent", choices=["langst_1", "langst_2"])
    first = suggest(p)
    before = _stored(p)
    assert first.choice_suggestions == len(before) > 0
    _edit(own_book, "aliases: [introduktion, intro,", "aliases: [gurkmajonäs, introduktion, intro,")
    suggest(p)
    after = _stored(p)
    assert after != before and ("introduktion", "choice") in {(r[1], r[2]) for r in after - before}
    docs = [d["id"] for d in p.documents()]
    suggest(p, docs=docs)   # cell by cell
    assert _stored(p) == after
    p.close()


def test_two_worker_processes_store_what_one_process_does(tmp_path, notes, monkeypatch):
    """--jobs 2 tokenizes and matches in forked workers; the suggestions, the token cache and the
    word types it refers to must be those of a run in one process."""
    from qualcode.nlp import tokens
    from qualcode.suggest.run import suggest
    for i in range(6):  # enough notes for several batches
        (notes / f"c{i}.md").write_text(NOTE_A.replace("id: a1", f"id: c{i}").replace("gott", f"gott nr {i}"),
                                        encoding="utf-8")

    def run(name: str, jobs: int) -> tuple[set, list, set]:
        p = Project.init(tmp_path / f"{name}.db", CODEBOOK)
        p.import_notes(notes)
        suggest(p, jobs=jobs, batch_size=3)
        blobs = [r[0] for r in p.conn.execute(
            "SELECT t.data FROM segment_tokens t JOIN segments g ON g.id = t.segment ORDER BY g.doc, g.position")]
        types = {tuple(r) for r in p.conn.execute("SELECT id, form, lemma, parts FROM token_types")}
        out = (_stored(p), blobs, types)
        p.close()
        return out

    one, two = run("one", 1), run("two", 2)
    assert one == two
    monkeypatch.setattr(tokens, "TYPES", {})   # a fresh process: every id the streams use is in the project
    monkeypatch.setattr(tokens, "_IDS", {})
    tokens.load_types(Project.open(tmp_path / "two.db").conn)
    assert all(_type_ids(b) <= set(tokens.TYPES) for b in two[1])


def _type_ids(blob: bytes) -> set[int]:
    from qualcode.nlp.tokens import TokenStream
    return set(TokenStream.decode(blob).ids)


def _forced_on_a_copy(p: Project, path: Path) -> set[tuple]:
    """The suggestions a forced run stores on a copy of the project as it is now."""
    import sqlite3

    from qualcode.suggest.run import suggest
    copy = sqlite3.connect(path)
    p.conn.backup(copy)
    copy.close()
    q = Project.open(path)
    suggest(q, force=True)
    out = _stored(q)
    q.close()
    return out


def test_random_codebook_edits_incremental_equals_forced(tmp_path, monkeypatch):
    """Whatever sequence of codebook edits a researcher makes, an incremental suggest must store
    exactly what redoing everything stores: each step is checked against a forced run on a copy
    of the project."""
    import random

    import yaml

    from qualcode.suggest.run import suggest
    corpus = Path(__file__).resolve().parent.parent / "corpora" / "handlingsplan-2016-2018"
    notes = tmp_path / "notes"
    notes.mkdir()
    for f in sorted((corpus / "notes").glob("*.md"))[:12]:
        shutil.copy(f, notes / f.name)
    lines = (corpus / "survey_ht2018.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "survey.csv").write_text("\n".join(lines[:31]) + "\n", encoding="utf-8")
    book = tmp_path / "book.yaml"
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    book.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    p = Project.init(tmp_path / "p.db", book)
    p.import_notes(notes)
    p.import_survey(tmp_path / "survey.csv", id_column="respondent", choices=["langst_1", "behov_1"],
                    texts=["fraga_2a"], field_groups={"fraga_2a": "fraga2a"})
    suggest(p)
    rnd = random.Random(7)
    for step in range(8):
        codes = data["codes"]
        live = {r[0] for r in p.conn.execute("SELECT DISTINCT code FROM suggestions")}
        code = rnd.choice([c for c in codes if c.get("patterns") and c["id"] in live])  # edits that show
        op = step % 5
        if op == 0:                                   # a pattern dropped
            code["patterns"].pop(rnd.randrange(len(code["patterns"])))
        elif op == 1:                                 # a weight changed
            i = rnd.randrange(len(code["patterns"]))
            code["patterns"][i] = {**code["patterns"][i], "weight": 0.51}
        elif op == 2:                                 # a cell's own words made an alias (the choice normaliser reads it)
            cells = [r[0] for r in p.conn.execute("SELECT text FROM segments WHERE field = 'langst_1' "
                                                  "AND length(text) > 3 ORDER BY id")]
            code["aliases"] = [*code.get("aliases", []), rnd.choice(cells)]
        elif op == 3:                                 # an exclusion added
            code["exclude"] = [*code.get("exclude", []), {"phrase": "i gruppen"}]
        else:                                         # a code removed
            codes.remove(code)
        book.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        suggest(p)
        assert _stored(p) == _forced_on_a_copy(p, tmp_path / f"copy{step}.db"), f"step {step}: {op=} on {code['id']}"
    p.close()


def test_random_reimports_incremental_equals_forced(tmp_path):
    """Notes edited and re-imported (sentences inserted, dropped, reworded; notes added) and survey
    cells changed: the incremental suggest stores what a forced one does, offsets included."""
    import random

    from qualcode.suggest.run import suggest
    corpus = Path(__file__).resolve().parent.parent / "corpora" / "handlingsplan-2016-2018"
    notes = tmp_path / "notes"
    notes.mkdir()
    files = sorted((corpus / "notes").glob("*.md"))
    for f in files[:8]:
        shutil.copy(f, notes / f.name)
    survey = tmp_path / "survey.csv"
    rows = (corpus / "survey_ht2018.csv").read_text(encoding="utf-8").splitlines()
    survey.write_text("\n".join(rows[:21]) + "\n", encoding="utf-8")

    def import_all(p: Project) -> None:
        p.import_notes(notes)
        p.import_survey(survey, id_column="respondent", choices=["langst_1"], texts=["fraga_2a"],
                        field_groups={"fraga_2a": "fraga2a"})

    p = Project.init(tmp_path / "p.db", CODEBOOK)
    import_all(p)
    suggest(p)
    rnd = random.Random(11)
    for step in range(6):
        target = rnd.choice(sorted(notes.glob("*.md")))
        head, body = target.read_text(encoding="utf-8").split("\n---\n", 1)
        sentences = body.split(". ")
        op = step % 4
        if op == 0:
            sentences.insert(0, "\nLönefrågan och lokalerna togs upp först")     # everything after moves
        elif op == 1 and len(sentences) > 2:
            sentences.pop(rnd.randrange(1, len(sentences) - 1))
        elif op == 2:
            i = rnd.randrange(len(sentences))
            sentences[i] = sentences[i].replace(" ", " inte ", 1)              # reworded, and negated
        else:
            shutil.copy(files[8 + step], notes / files[8 + step].name)
        target.write_text(head + "\n---\n" + ". ".join(sentences), encoding="utf-8")
        lines = survey.read_text(encoding="utf-8").splitlines()
        k = rnd.randrange(1, len(lines))
        cells = lines[k].split(",")
        cells[4] = rnd.choice(["6", "adm stöd", "introduktion", "", "lokaler"])  # langst_1
        lines[k] = ",".join(cells)
        survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
        import_all(p)
        suggest(p)
        assert _stored(p) == _forced_on_a_copy(p, tmp_path / f"copy{step}.db"), f"step {step}: {op=} on {target.name}"
    p.close()


def test_status_says_what_the_next_suggest_would_redo(cli, project_path, tmp_path, notes, own_book):
    assert cli("init", "--codebook", str(CODEBOOK)).exit_code == 0
    p = Project.open(project_path)
    p.load_codebook(own_book)   # the same content from another file: that file is now the one watched
    assert p.codebook.path == str(own_book.resolve())
    p.import_notes(notes)
    p.close()

    def todo() -> dict:
        r = cli("status", "--format", "json")
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)["suggest"]

    first = todo()
    assert first["new_segments"] > 0 and not first["codebook_edited"]
    assert cli("suggest").exit_code == 0
    after = todo()
    assert after.pop("base_model")["state"] == "on"
    assert after == {"codebook_edited": False, "new_segments": 0, "codes": {}, "choice_fields": [], "models": None}
    _edit(own_book, "  - id: ovrigt\n", "  - id: ovrigt\n    patterns:\n      - lemma: kaffe\n")
    edited = todo()
    assert edited["codebook_edited"] and edited["codes"] == {"notes": ["ovrigt"]}
    assert "koder vars regler eller uppmätta poäng ändrats" in cli("status").stdout
    assert cli("suggest").exit_code == 0
    assert "suggest har inget att göra om" in cli("status").stdout


def test_a_verdict_counts_for_every_rule_that_suggested_the_code(project, notes):
    """A decision answers the best-scored row, often the base model's; the rule patterns that
    found the same code on that segment learn from it too, and the review flags negated evidence
    whichever row is best."""
    from qualcode.review.decisions import record
    from qualcode.review.queue import Item, detail
    from qualcode.suggest.run import suggest
    project.import_notes(notes)
    suggest(project)
    row = project.conn.execute(
        "SELECT r.segment, r.code, r.source, r.score FROM suggestions r JOIN suggestions b "
        "ON b.segment = r.segment AND b.code = r.code AND b.source LIKE 'base:%' "
        "WHERE r.source LIKE 'rule:%' ORDER BY r.score DESC LIMIT 1").fetchone()
    assert row is not None, "the fixture notes give a code both a rule and the base model find"
    seg, code, source, before = row
    base = project.conn.execute("SELECT source FROM suggestions WHERE segment = ? AND code = ? AND source LIKE 'base:%'",
                                (seg, code)).fetchone()[0]
    for coder in ("anna", "bo"):
        record(project, seg, code, coder, "reject", suggestion_source=base)
    suggest(project)
    after = project.conn.execute("SELECT score FROM suggestions WHERE segment = ? AND code = ? AND source = ?",
                                 (seg, code, source)).fetchone()[0]
    assert after < before
    with project.transaction():
        project.conn.execute("UPDATE suggestions SET negated = 1 WHERE segment = ? AND code = ? AND source = ?",
                             (seg, code, source))
    doc = project.conn.execute("SELECT doc FROM segments WHERE id = ?", (seg,)).fetchone()[0]
    assert detail(project, Item(seg, code, 0.0, [source], doc, "notes", 0, 0, ""), "anna").negated


def test_status_counts_suggestions_in_the_unit_a_reviewer_answers(project, notes):
    """One (segment, code), however many sources suggested it: before any review, status's
    suggestions and unreviewed suggestions are the same number."""
    from qualcode.suggest.run import suggest
    project.import_notes(notes)
    suggest(project)
    s = project.status()
    assert s["suggestions"] == s["pending"] > 0 and s["suggestion_rows"] > s["suggestions"]
