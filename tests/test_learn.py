"""Learned suggestions: training from decisions, persistence, merge with the rules, review order, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console

from qualcode import Project
from qualcode.review.decisions import record
from qualcode.review.keys import ENTER, ScriptedKeys
from qualcode.review.queue import pending, uncoded_segments
from qualcode.review.sheet_import import import_decisions
from qualcode.review.uncoded import UncodedWalk
from qualcode.errors import QualcodeError
from qualcode.evaluation.gold import compare
from qualcode.suggest.model.learn import learn
from qualcode.suggest.model.predict import fused_scores, model_suggestions
from qualcode.suggest.model.storage import load_models
from qualcode.suggest.model.training import training_sets
from qualcode.review.session import Review
from qualcode.suggest.run import suggest

# the same themes in many wordings; the words after '|' are the ones only the training half uses
PHRASES = {
    "lokaler": ["Vi sitter alldeles för trångt i kontorslandskapet", "Skrivborden räcker inte till alla",
                "Det saknas samtalsrum för besök", "Ventilationen i huset är usel", "Lokalerna är slitna",
                "Skrivborden står tätt och det är stökigt"],
    "arbetsbelastning": ["Jag hinner aldrig ta rast", "Alldeles för många ärenden per handläggare",
                         "Stressen är enorm varje vecka", "Arbetsbelastningen är orimligt hög",
                         "Övertiden blir bara mer och mer", "Ärendemängden växer hela tiden"],
    "trivsel": ["Jag trivs med mina kollegor", "Härlig stämning i gruppen", "Bra sammanhållning på enheten",
                "Det är roligt att gå till jobbet", "Fina arbetskamrater som ställer upp"],
}
NEUTRAL = ["Inget att tillägga", "Vet ej", "Ingen kommentar just nu", "Har inga synpunkter", "Inget mer"]


def _answers(n: int) -> list[tuple[str, str, set[str]]]:
    """Deterministic respondents: (id, comment, codes); both halves (even/odd ids) see every wording."""
    out = []
    codes = list(PHRASES)
    for i in range(n):
        parts, gold = [], set()
        main = (i // 2) % (len(codes) + 1)
        picks = [main] + ([(main + 1) % len(codes)] if i % 5 == 0 and main < len(codes) else [])
        for k in picks:
            if k < len(codes):
                phrases = PHRASES[codes[k]]
                parts.append(phrases[(i // 8 + k) % len(phrases)])
                gold.add(codes[k])
        if not parts:
            parts.append(NEUTRAL[(i // 8) % len(NEUTRAL)])
        out.append((f"R{i:03d}", ". ".join(parts) + ".", gold))
    return out


def _build(path: Path, n: int = 120) -> tuple[Project, dict[str, set[str]]]:
    answers = _answers(n)
    survey = path.parent / "kommentarer.csv"
    with open(survey, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "kommentar"])
        for rid, text, _ in answers:
            w.writerow([rid, text])
    p = Project.init(path, Path(__file__).resolve().parent.parent / "codebooks" / "handlingsplan.yaml")
    # the project's own model against the rules; its hand-over with the base model is tested
    # in test_base_model.py and test_evaluate.py
    p.set_meta("base_model", "off")
    p.import_survey(survey, id_column="id", texts=["kommentar"], field_groups={"kommentar": "tema"})
    suggest(p)
    return p, {rid: gold for rid, _, gold in answers}


def _record_gold(p: Project, gold: dict[str, set[str]], docs: set[str], coder: str = "anna") -> int:
    """What a careful coder decides on ``docs``: accept/reject each suggestion, add what none found."""
    rows = []
    segs = {r["doc"]: r["id"] for r in p.conn.execute("SELECT id, doc FROM segments")}
    suggested = set()
    for seg, doc, code in p.conn.execute(
            "SELECT DISTINCT s.segment, g.doc, s.code FROM suggestions s JOIN segments g ON g.id = s.segment"):
        if doc in docs:
            rows.append({"segment": seg, "code": code, "coder": coder,
                         "verdict": "accept" if code in gold[doc] else "reject"})
            suggested.add((doc, code))
    for doc in sorted(docs):
        for code in sorted(gold[doc]):
            if (doc, code) not in suggested:
                rows.append({"segment": segs[doc], "code": code, "coder": coder, "verdict": "add"})
    import_decisions(p, rows)
    # then she walks the answers no rule suggested anything for (review --uncoded), adding nothing
    walk = [s for s in uncoded_segments(p, coder) if s["doc"] in docs]
    if walk and docs == set(sorted(gold)[:len(docs)]):
        UncodedWalk(p, coder, keys=ScriptedKeys([ENTER] * len(walk) + ["q"]), console=Console(file=io.StringIO())).run()
    return len(rows)


def _halves(gold: dict[str, set[str]]) -> tuple[set[str], set[str]]:
    ids = sorted(gold)
    return set(ids[:len(ids) // 2]), set(ids[len(ids) // 2:])


@pytest.fixture
def trained(tmp_path: Path):
    p, gold = _build(tmp_path / "learn.db")
    train, test = _halves(gold)
    _record_gold(p, gold, train)
    yield p, gold, train, test
    p.close()


# ----------------------------------------------------------------------------- training and persistence

def test_learn_stores_a_versioned_model_with_cross_validated_scores(trained, tmp_path: Path) -> None:
    p, gold, train, _ = trained
    summary = learn(p, coder="anna")
    (g,) = summary.groups
    assert g.group == "tema" and g.n_segments == len(train)
    assert re.fullmatch(r"m1-[0-9a-f]{8}", g.version) and g.data_hash.startswith(g.version[3:])
    learned = {m.code: m for m in g.codes if m.learned}
    assert set(learned) == set(PHRASES)
    assert all(m.f1 is not None and m.f1 > 0.6 for m in learned.values())
    # codes nobody gave (or too rarely) are named, not silently dropped
    assert {m.code for m in g.too_few} >= {"lon", "omorganisation"}
    assert all("positive" in m.why_not for m in g.too_few)
    row = p.conn.execute("SELECT version, n_segments, metrics, length(blob) FROM models").fetchone()
    assert row[0] == g.version and row[1] == len(train) and row[3] > 1000
    assert json.loads(row[2])["codes"][0]["code"] == "lokaler"
    # the model survives closing and reopening the project file
    p.close()
    q = Project.open(tmp_path / "learn.db")
    assert load_models(q)["tema"].meta["version"] == g.version
    q.close()


def test_same_decisions_and_seed_give_the_same_model_and_scores(trained) -> None:
    p, _, _, test = trained
    first = learn(p, coder="anna", seed=3)
    model_suggestions(p, docs=test)
    before = sorted(map(tuple, p.conn.execute("SELECT segment, code, score FROM suggestions WHERE source LIKE 'model:%'")))
    again = learn(p, coder="anna", seed=3)
    assert again.groups[0].unchanged and again.groups[0].version == first.groups[0].version
    forced = learn(p, coder="anna", seed=3, force=True)
    assert forced.groups[0].version != first.groups[0].version  # a new model row …
    assert forced.groups[0].data_hash == first.groups[0].data_hash  # … of the same data
    model_suggestions(p, docs=test)
    after = sorted(map(tuple, p.conn.execute("SELECT segment, code, score FROM suggestions WHERE source LIKE 'model:%'")))
    assert before and before == after
    assert [m.to_json() for m in forced.groups[0].codes] == [m.to_json() for m in first.groups[0].codes]
    # … holding the same bytes: the model is data, with no time or row id inside
    stored = {r["version"]: (r["spec"], r["blob"]) for r in p.conn.execute("SELECT version, spec, blob FROM models")}
    assert stored[forced.groups[0].version] == stored[first.groups[0].version]
    other = learn(p, coder="anna", seed=4).groups[0].version   # another seed: another model
    assert p.conn.execute("SELECT blob FROM models WHERE version = ?", (other,)).fetchone()[0] != \
        stored[first.groups[0].version][1]


def test_learn_replaces_a_pickled_model_and_leaves_no_pickle_in_the_file(trained) -> None:
    import pickle
    p, *_ = trained
    first = learn(p, coder="anna")
    # an older qualcode's row, newest for the group: refused by suggest, retrained (not kept) by learn
    p.conn.execute("INSERT INTO models(grp, version, data_hash, trained_at, n_segments, metrics, blob) "
                   "SELECT grp, 'm9-old', data_hash, trained_at, n_segments, metrics, ? FROM models",
                   (pickle.dumps({"old": True}),))
    with pytest.raises(QualcodeError, match="old pickled format"):
        suggest(p)
    again = learn(p, coder="anna")
    assert not again.groups[0].unchanged and again.groups[0].data_hash == first.groups[0].data_hash
    assert p.conn.execute("SELECT COUNT(*) FROM models WHERE spec IS NULL").fetchone()[0] == 0
    assert suggest(p).models == {"tema": again.groups[0].version}


def test_new_decisions_change_the_data_hash(trained) -> None:
    p, gold, _, test = trained
    first = learn(p, coder="anna")
    _record_gold(p, gold, set(sorted(test)[:10]))
    second = learn(p, coder="anna")
    assert not second.groups[0].unchanged and second.groups[0].data_hash != first.groups[0].data_hash
    assert first.groups[0].n_segments < second.groups[0].n_segments <= first.groups[0].n_segments + 10


# ----------------------------------------------------------------------------- merge with the rules

def test_model_suggestions_join_the_rules_and_beat_them_on_held_out_answers(trained) -> None:
    p, gold, _, test = trained
    units = [(d, "kommentar") for d in sorted(test)]
    cell_gold = {(d, "kommentar"): codes for d, codes in gold.items()}
    rules_only = compare(p, cell_gold, fields=["kommentar"], by_field=True, units=units)
    rule_rows = p.conn.execute("SELECT COUNT(*) FROM suggestions WHERE source LIKE 'rule:%'").fetchone()[0]
    learn(p, coder="anna")
    s = model_suggestions(p, docs=test)
    assert s.suggestions > 0 and s.confident > 0
    assert p.conn.execute("SELECT COUNT(*) FROM suggestions WHERE source LIKE 'rule:%'").fetchone()[0] == rule_rows
    both = compare(p, cell_gold, fields=["kommentar"], by_field=True, units=units)
    assert both.overall.f1 > rules_only.overall.f1 + 0.1
    # the reason names the words that speak for the code, the same as explaining that text alone
    from qualcode.suggest.model.features import feature_texts
    model = load_models(p)["tema"]
    rows = p.conn.execute("SELECT s.segment, s.code, s.reason, g.id, g.field, g.text FROM suggestions s "
                          "JOIN segments g ON g.id = s.segment WHERE s.source LIKE 'model:%' LIMIT 20").fetchall()
    assert rows and any("ord:" in r["reason"] for r in rows)
    texts = feature_texts(p, [{"id": r["id"], "field": r["field"], "text": r["text"]} for r in rows])
    for r, text in zip(rows, texts):
        why = model.evidence(r["code"], text)
        assert r["reason"].endswith(f"ord: {', '.join(why)}") if why else "ord:" not in r["reason"]
    # re-applying replaces the model's rows instead of adding to them
    n = p.conn.execute("SELECT COUNT(*) FROM suggestions WHERE source LIKE 'model:%'").fetchone()[0]
    model_suggestions(p, docs=test)
    assert p.conn.execute("SELECT COUNT(*) FROM suggestions WHERE source LIKE 'model:%'").fetchone()[0] == n


def test_a_paraphrase_the_rules_miss_is_suggested_by_the_model_with_its_source(trained) -> None:
    p, gold, _, test = trained
    learn(p, coder="anna")
    model_suggestions(p, docs=test)
    fused = fused_scores(p, min_score=0.5)
    model_only = [f for f in fused if f.origin == "model"]
    assert model_only, "the model should find codes no rule found"
    docs = dict(p.conn.execute("SELECT id, doc FROM segments"))
    confirmed = [f for f in model_only if f.code in gold[docs[f.segment]]]
    assert len(confirmed) >= 0.8 * len(model_only)
    assert all(f.sources[0].startswith("model:m1-") and f.rule_score is None for f in model_only)
    both = [f for f in fused if f.origin == "both"]
    assert all(f.score == max(f.rule_score, f.model_score) for f in both)
    # what the review shows: the source of the suggestion, and the model's reason
    out = io.StringIO()
    item = next(it for it in pending(p, "bo") if it.segment == model_only[0].segment
                and it.code == model_only[0].code)
    assert item.sources[0].startswith("model:")
    first = pending(p, "bo", order="document")[0]
    Review(p, "bo", order="document", keys=ScriptedKeys("q"), console=Console(file=out, width=200)).run()
    from qualcode.review.reasons import source_text  # the source's id as the Swedish screen names it
    assert f"källa {source_text(first.sources[0])}" in out.getvalue()


def test_uncertainty_order_serves_the_least_certain_prediction_first(trained) -> None:
    p, _, _, test = trained
    learn(p, coder="anna")
    model_suggestions(p, docs=test, min_score=0.05)
    items = pending(p, "bo", order="uncertainty")
    gaps = [round(abs(it.score - 0.5), 9) for it in items]  # 0.942 and 0.058 are equally uncertain
    assert gaps == sorted(gaps) and gaps[0] < 0.2
    out = io.StringIO()
    Review(p, "bo", order="uncertainty", keys=ScriptedKeys("q"), console=Console(file=out, width=200)).run()
    assert f"poäng {items[0].score:.2f}".replace(".", ",") in out.getvalue()  # Swedish decimal comma


def test_cli_learn_apply_and_curve(trained, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from qualcode.cli import main
    p, _, _, _ = trained
    path = str(p.path) if hasattr(p, "path") else str(tmp_path / "learn.db")
    r = CliRunner().invoke(main, ["--project", path, "learn", "--coder", "anna", "--apply", "--curve",
                                  str(tmp_path / "curve.png"), "-f", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{"):])
    assert data["learn"]["groups"][0]["too_few"] and data["apply"]["suggestions"] > 0
    assert data["curve"]["tema"][-1]["f1"] > data["curve"]["tema"][0]["f1"]
    assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(main, ["--project", path, "learn", "--coder", "anna"], catch_exceptions=False)
    assert r.exit_code == 0 and "oförändrad" in r.stdout and "för få exempel" in r.stdout and "lon" in r.stdout
    r = CliRunner().invoke(main, ["--project", path, "suggestions", "export", "--source", "model:%"],
                           catch_exceptions=False)
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    assert lines and all(x["source"].startswith("model:m") for x in lines)


# ----------------------------------------------------------------------------- bad cases

def test_no_decisions_is_a_clear_error(cli, project: Project, tmp_path: Path) -> None:
    r = cli("learn")
    assert r.exit_code == 1 and r.output.startswith("Error: nothing to learn from") and "qualcode review" in r.output
    r = cli("learn", "--apply-only")
    assert r.exit_code == 1 and "no model yet" in r.output


def test_too_few_examples_is_a_clear_error_and_stores_nothing(tmp_path: Path) -> None:
    p, gold = _build(tmp_path / "few.db", n=12)
    _record_gold(p, gold, set(sorted(gold)[:6]))
    with pytest.raises(QualcodeError, match="too few examples to learn any code.*validate more"):
        learn(p, coder="anna")
    assert p.conn.execute("SELECT COUNT(*) FROM models").fetchone()[0] == 0
    p.close()


def test_unknown_coder_and_group_are_refused(trained) -> None:
    p, *_ = trained
    with pytest.raises(QualcodeError, match="coder 'carl' has made no decisions"):
        learn(p, coder="carl")
    with pytest.raises(QualcodeError, match="unknown code group 'temat'"):
        learn(p, groups=["temat"])


def test_coders_who_disagree_are_left_out_and_counted(trained) -> None:
    p, gold, train, _ = trained
    # bo rejects every code anna gave on ten answers: those (segment, code) pairs are contradictory
    disputed = 0
    for seg, code in p.conn.execute("SELECT segment, code FROM codings WHERE coder = 'anna' ORDER BY segment "
                                    "LIMIT 10").fetchall():
        record(p, seg, code, "bo", "reject")
        disputed += 1
    sets = training_sets(p)
    assert sets["tema"].contradictory == disputed
    assert sum(y is None for ys in sets["tema"].labels.values() for y in ys) == disputed
    alone = training_sets(p, coder="anna")
    assert alone["tema"].contradictory == 0
    summary = learn(p)
    assert summary.contradictory == disputed and summary.groups[0].version


def test_same_text_coded_both_ways_is_contradictory_not_a_crash(tmp_path: Path) -> None:
    p, gold = _build(tmp_path / "same.db", n=40)
    train = set(sorted(gold)[:30])
    _record_gold(p, gold, train)
    # two answers with the same words, one coded lokaler and one not: neither teaches lokaler
    by_text: dict[str, list[int]] = {}
    for seg, text in p.conn.execute("SELECT id, text FROM segments WHERE doc IN (SELECT value FROM json_each(?))",
                                    (json.dumps(sorted(train)),)):
        by_text.setdefault(text, []).append(seg)
    seg_a, seg_b = next(v for v in by_text.values() if len(v) >= 2)[:2]
    record(p, seg_a, "lokaler", "anna", "add")
    record(p, seg_b, "lokaler", "anna", "reject")
    ts = training_sets(p, coder="anna")["tema"]
    assert ts.contradictory >= 2
    assert learn(p, coder="anna").groups[0].version
    p.close()


def test_old_project_files_gain_the_models_table(tmp_path: Path) -> None:
    from qualcode.store.db import MIGRATIONS, _statements
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    p = Project.open(path)
    assert p.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert p.conn.execute("SELECT COUNT(*) FROM models").fetchone()[0] == 0
    assert p.conn.execute("SELECT COUNT(*) FROM fused_suggestions").fetchone()[0] == 0
    p.close()


def test_suggest_adds_the_learned_models_suggestions_beside_the_rules(demo_project_copy: Path):
    """Once a model exists, a plain ``suggest`` stores its rows too, each with its own source.
    On a copy of the session's demo project: imported, suggested, and the gold recorded as
    coder ``facit`` through the review import, with no model yet."""
    p = Project.open(demo_project_copy)
    first = suggest(p)
    assert first.model_suggestions == 0 and first.models == {}
    assert p.conn.execute("SELECT COUNT(*) FROM latest_decisions WHERE coder = 'facit'").fetchone()[0] > 1000
    learn(p, coder="facit", groups=["fokusomrade"], cross_validate=False)
    second = suggest(p)
    assert set(second.models) == {"fokusomrade"} and second.model_suggestions > 0
    sources = {r[0].split(":")[0] for r in p.conn.execute("SELECT DISTINCT source FROM suggestions")}
    assert {"rule", "choice", "model"} <= sources
    p.close()


def test_suggest_predicts_again_only_where_something_changed(trained, tmp_path: Path, monkeypatch) -> None:
    """With a model, ``suggest`` after a codebook edit must not predict for every segment again:
    only segments new to the project, unless the model (or what it applies to) changed."""
    import qualcode.suggest.model.predict as L
    p, _, _, _ = trained
    learn(p, coder="anna")
    first = suggest(p)                      # the new model: predicted everywhere
    assert first.model_suggestions > 0
    before = {tuple(r) for r in p.conn.execute(
        "SELECT segment, code, source, score, reason FROM suggestions WHERE source LIKE 'model:%'")}
    calls = []
    real = L.model_suggestions
    monkeypatch.setattr(L, "model_suggestions", lambda *a, **k: calls.append(k) or real(*a, **k))
    assert suggest(p).model_suggestions == 0 and calls == []     # nothing changed: no prediction
    more = tmp_path / "more.csv"
    more.write_text("id,kommentar\nN1,Vi sitter alldeles för trångt i kontorslandskapet.\nN2,Inget mer.\n",
                    encoding="utf-8")
    p.import_survey(more, id_column="id", texts=["kommentar"], field_groups={"kommentar": "tema"})
    new_ids = {r[0] for r in p.conn.execute("SELECT id FROM segments WHERE doc IN ('N1', 'N2')")}
    suggest(p)
    assert len(calls) == 1 and set(calls[0]["segments"]) == new_ids
    assert ("N1", "lokaler") in {tuple(r) for r in p.conn.execute(
        "SELECT g.doc, s.code FROM suggestions s JOIN segments g ON g.id = s.segment WHERE s.source LIKE 'model:%'")}
    after = {tuple(r) for r in p.conn.execute(
        "SELECT segment, code, source, score, reason FROM suggestions WHERE source LIKE 'model:%'")}
    assert before <= after                  # the other segments' model rows are as they were
    suggest(p, force=True)                  # everything again: the same rows
    assert {tuple(r) for r in p.conn.execute(
        "SELECT segment, code, source, score, reason FROM suggestions WHERE source LIKE 'model:%'")} == after


def test_new_segments_suggested_for_some_codes_get_the_models_other_codes_later(trained, tmp_path: Path) -> None:
    p, _, _, _ = trained
    learn(p, coder="anna")
    suggest(p)
    more = tmp_path / "more.csv"
    more.write_text("id,kommentar\nN1,Vi sitter alldeles för trångt i kontorslandskapet.\n", encoding="utf-8")
    p.import_survey(more, id_column="id", texts=["kommentar"], field_groups={"kommentar": "tema"})
    suggest(p, codes=["trivsel"])          # narrowed: N1 gets the model's trivsel row at most
    suggest(p)                             # so the next full run predicts for it again
    got = {r[0] for r in p.conn.execute("SELECT s.code FROM suggestions s JOIN segments g ON g.id = s.segment "
                                        "WHERE g.doc = 'N1' AND s.source LIKE 'model:%'")}
    assert "lokaler" in got


def test_the_model_gives_hints_where_it_still_defers_to_the_base_model(trained) -> None:
    """Until the project's model does as well in cross-validation as the base model does out of
    register, its rows for the base model's codes stay below 0.5; the codes it has taken over
    keep their scores."""
    from qualcode.suggest.base_model_source import deferring_codes, handed_over, label_codes, shipped_model
    from qualcode.suggest.model.predict import HINT
    p, _, _, test = trained
    p.set_meta("base_model", "on")
    learn(p, coder="anna")
    deferring = deferring_codes(p)
    taken = handed_over(p, shipped_model(), label_codes(p.codebook))
    model_suggestions(p, docs=test)
    top = dict(p.conn.execute("SELECT code, MAX(score) FROM suggestions WHERE source LIKE 'model:%' GROUP BY code"))
    assert set(top) & deferring, "the fixture should leave some code to the base model"
    assert all(top[c] <= HINT for c in set(top) & deferring)
    assert not taken & deferring
    p.set_meta("base_model", "off")
    assert deferring_codes(p) == set()
