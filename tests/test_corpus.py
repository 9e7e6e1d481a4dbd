"""Demokorpusen corpora/handlingsplan-2016-2018/ mot rapportens publicerade siffror.

Testerna läser bara de incheckade filerna (korpusen, guldet, tests/fixtures/published_figures.yaml
och kodboken); sist körs generatorn i en tillfällig mapp och jämförs byte för byte.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"
FIGURES = ROOT / "tests" / "fixtures" / "published_figures.yaml"
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
GENERATOR = ROOT / "scripts" / "build_demo_corpus.py"

ROUNDS = {"ht2016": 28, "vt2017": 30, "ht2017": 28, "vt2018": 30, "ht2018": 28}
SDF = ["Rinkeby-Kista", "Spånga-Tensta", "Hässelby-Vällingby", "Bromma", "Kungsholmen",
       "Norrmalm", "Östermalm", "Södermalm", "Enskede-Årsta-Vantör", "Skarpnäck", "Farsta",
       "Älvsjö", "Hägersten-Liljeholmen", "Skärholmen"]
CHOICE_FIELDS = ["langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3"]
OPEN_FIELDS = ["fraga_2a", "fraga_2b", "fraga_2c"]
NON_ANSWERS = {"", "-", "–", "?", "vet ej", "vet inte", "se ovan", "samma", "alla", "allt", "15"}
SENTENCE_SPLIT = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]["”])\s+')


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT.split(text.strip()) if s]


def pct(n: int, of: int) -> float:
    return float((Decimal(n) * 100 / Decimal(of)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- laddning

@pytest.fixture(scope="module")
def codebook():
    with open(CODEBOOK, encoding="utf-8") as fh:
        cb = yaml.safe_load(fh)
    return {c["id"]: c for c in cb["codes"]}


@pytest.fixture(scope="module")
def figures():
    with open(FIGURES, encoding="utf-8") as fh:
        return {c["id"]: c for c in yaml.safe_load(fh)["claims"]}


@pytest.fixture(scope="module")
def notes():
    out = {}
    for path in sorted((CORPUS / "notes").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
        assert m, f"{path.name}: saknar YAML-huvud"
        meta = yaml.safe_load(m.group(1))
        heading, _, body = m.group(2).partition("\n\n")
        assert heading.startswith("# Gruppintervju med "), path.name
        assert meta["id"] == path.stem
        out[meta["id"]] = {"meta": meta, "body": body.strip()}
    return out


@pytest.fixture(scope="module")
def notes_gold():
    gold = defaultdict(set)
    for r in read_csv(CORPUS / "gold" / "notes.csv"):
        gold[r["doc"]].add(r["code"])
    return gold


@pytest.fixture(scope="module")
def survey():
    return read_csv(CORPUS / "survey_ht2018.csv")


@pytest.fixture(scope="module")
def survey_gold():
    gold = defaultdict(list)
    for r in read_csv(CORPUS / "gold" / "survey_ht2018.csv"):
        gold[(r["doc"], r["field"])].append(r["code"])
    return gold


def supported(claim: dict) -> dict:
    """Det tryckta med rapportens egna rättelser (supported:) ovanpå."""
    out = {k: claim[k] for k in ("rows", "no_answer", "total", "count") if k in claim}
    sup = claim.get("supported") or {}
    if "rows" in out:
        out["rows"] = {**out["rows"], **sup.get("rows", {})}
    for k in ("no_answer", "total", "count"):
        if k in sup:
            out[k] = sup[k]
    return out


# --------------------------------------------------------------------------- intervjuerna

def test_144_notes_in_five_rounds(notes, figures):
    claim = figures["interviews_total"]
    assert len(notes) == claim["total"] == 144
    per_round = Counter(n["meta"]["round"] for n in notes.values())
    assert dict(per_round) == ROUNDS
    assert per_round[claim["value"]] == claim["count"]


def test_one_staff_and_one_manager_interview_per_sdf_and_round(notes):
    for rname, size in ROUNDS.items():
        here = [n["meta"] for n in notes.values() if n["meta"]["round"] == rname]
        groups = Counter((m["sdf"], m["group"]) for m in here)
        assert {s for s, _ in groups} == set(SDF)
        for sdf in SDF:
            assert groups[(sdf, "chefer")] == 1
            assert groups[(sdf, "medarbetare")] in (1, 2)
        assert sum(v == 2 for (_, g), v in groups.items() if g == "medarbetare") == size - 28


def test_note_metadata_and_shape(notes):
    for nid, n in notes.items():
        m = n["meta"]
        assert set(m) >= {"id", "round", "sdf", "group", "date", "verksamhet"}, nid
        assert m["group"] in ("medarbetare", "chefer")
        assert str(m["date"])[:4] in m["round"], nid
        assert m["verksamhet"] and isinstance(m["verksamhet"], list)
        paras = n["body"].split("\n\n")
        assert 4 <= len(paras) <= 8, (nid, len(paras))
        assert 8 <= len(sentences(n["body"])) <= 20, nid


def test_no_sentence_in_more_than_three_notes(notes):
    docs = defaultdict(set)
    for nid, n in notes.items():
        for s in sentences(n["body"]):
            docs[s].add(nid)
    worst = max(docs.items(), key=lambda kv: len(kv[1]))
    assert len(worst[1]) <= 3, worst
    assert len(docs) > 1500          # det är verkligen många olika meningar


def test_notes_gold_uses_areas_and_themes(notes, notes_gold, codebook):
    assert set(notes_gold) == set(notes)
    for doc, codes in notes_gold.items():
        for c in codes:
            assert codebook[c]["group"] in ("fokusomrade", "tema"), (doc, c)


def test_vt2017_administrative_support_22_of_30(notes, notes_gold, figures):
    claim = figures["vt2017_adm_stod"]
    docs = [nid for nid, n in notes.items()
            if all(n["meta"].get(k) == v for k, v in claim["where"].items())]
    assert len(docs) == claim["of"] == 30
    assert sum(claim["code"] in notes_gold[d] for d in docs) == claim["documents"] == 22


def test_round_narrative(notes, notes_gold):
    """Berättelsen per termin: det rapporten säger ska synas i guldet."""
    def share(rname, code):
        docs = [d for d, n in notes.items() if n["meta"]["round"] == rname]
        return sum(code in notes_gold[d] for d in docs) / len(docs)

    for code in ("introduktion", "antal_medarbetare", "nara_ledning"):
        assert share("ht2017", code) > 0.8 and share("vt2018", code) > 0.8
    assert share("ht2016", "personalomsattning") > 0.6
    assert share("ht2016", "lon") > share("ht2018", "lon")
    assert share("ht2016", "medhandlaggarskap") < 0.2
    assert share("vt2018", "studenter") > 0.85
    assert share("ht2017", "lokaler") > share("ht2016", "lokaler")
    assert share("ht2017", "omorganisation") > share("ht2016", "omorganisation")
    # medhandläggarskap framför allt i barn och unga
    med = [d for d in notes if "medhandlaggarskap" in notes_gold[d]]
    bou = [d for d in med if "barn och unga" in notes[d]["meta"]["verksamhet"]]
    assert len(bou) >= 0.75 * len(med)


# --------------------------------------------------------------------------- enkäten 2018

def test_respondents_and_roles(survey, figures):
    assert len(survey) == figures["roll_chef"]["total"] == 117
    assert len({r["respondent"] for r in survey}) == 117
    roles = Counter(r["roll"] for r in survey)
    assert roles["chef"] == figures["roll_chef"]["count"] == 66
    assert roles["medarbetare"] == figures["roll_medarbetare"]["count"] == 51
    assert {r["sdf"] for r in survey} <= set(SDF)


def test_tabell_1(survey, figures):
    counts = Counter(r["verksamhet"] or None for r in survey)
    claims = [c for c in figures.values() if c["id"].startswith("tabell1_") and c["kind"] == "attribute_count"]
    assert len(claims) == 7
    for c in claims:
        assert counts[c["value"]] == c["count"], c["id"]
        assert pct(c["count"], 117) == c["percent"], c["id"]
        assert sum(counts.values()) == c["total"]


def test_2b_only_asked_to_managers(survey):
    for r in survey:
        if r["roll"] == "medarbetare":
            assert r["fraga_2b"] == "#NULL!", r["respondent"]
        else:
            assert r["fraga_2b"] != "#NULL!", r["respondent"]


def test_choice_cells_have_at_most_one_gold_area(survey, survey_gold, codebook):
    for r in survey:
        for f in CHOICE_FIELDS:
            g = survey_gold.get((r["respondent"], f), [])
            assert len(g) <= 1, (r["respondent"], f)
            if g:
                assert codebook[g[0]]["group"] == "fokusomrade"
                assert r[f].strip().lower() not in NON_ANSWERS, (r["respondent"], f, r[f])
            else:
                assert r[f].strip().lower() in NON_ANSWERS, (r["respondent"], f, r[f])


def test_choice_cells_are_written_in_many_ways(survey):
    cells = [r[f] for r in survey for f in CHOICE_FIELDS]
    assert len(set(cells)) > 150
    assert any(re.fullmatch(r"\d+", c) for c in cells)            # bara en siffra
    assert any(re.match(r"(?i)p\.? ?\d", c) for c in cells)        # p6, p. 6
    assert any(not re.search(r"\d", c) and len(c) > 3 for c in cells)  # klartext


@pytest.mark.parametrize("field", CHOICE_FIELDS)
def test_choice_tables_match_report(field, survey, survey_gold, figures, codebook):
    claim = figures[field]
    want = supported(claim)
    number = {cid: c["number"] for cid, c in codebook.items() if "number" in c}
    got = Counter()
    for r in survey:
        g = survey_gold.get((r["respondent"], field), [])
        got[number[g[0]] if g else None] += 1
    total = len(survey)
    assert total == want["total"]
    for n, (antal, procent) in want["rows"].items():
        antal = antal or 0
        assert got[int(n)] == antal, (field, n)
        assert pct(got[int(n)], total) == (procent or 0.0), (field, n)
    assert got[None] == want["no_answer"][0]
    assert pct(got[None], total) == want["no_answer"][1]


def test_choice_tables_printed_values_differ_only_where_flagged(figures):
    """Varje tryckt rad summerar till totalen, utom där rapporten själv säger emot sig."""
    for c in figures.values():
        if c["kind"] != "choice_table":
            continue
        rows_sum = sum((a or 0) for a, _ in c["rows"].values()) + c["no_answer"][0]
        printed_ok = rows_sum == c["total"] and all(
            p is None or pct(a, 117) == p for a, p in c["rows"].values())
        assert printed_ok or "inconsistent" in c, c["id"]


def test_choice_totals(survey, survey_gold, figures, codebook):
    number = {cid: c["number"] for cid, c in codebook.items() if "number" in c}
    claims = [c for c in figures.values() if c["kind"] == "choice_total"]
    assert len(claims) == 13
    for c in claims:
        n = sum(1 for r in survey for f in c["fields"]
                for code in survey_gold.get((r["respondent"], f), []) if number[code] == c["number"])
        assert n == supported(c)["count"], c["id"]


def test_open_answer_mentions(survey, survey_gold, figures):
    claims = [c for c in figures.values() if c["kind"] == "mentions"]
    assert len(claims) == 21
    for c in claims:
        n = sum(c["code"] in survey_gold.get((r["respondent"], c["field"]), []) for r in survey)
        assert n == c["count"], c["id"]


def test_open_answer_gold_fits_the_question(survey_gold, codebook):
    for (doc, field), codes in survey_gold.items():
        if field in OPEN_FIELDS:
            assert len(codes) == len(set(codes)) <= 3
            for c in codes:
                assert codebook[c]["group"] == field.replace("_", ""), (doc, field, c)


def test_no_sentence_in_more_than_three_answers(survey):
    docs = defaultdict(set)
    for r in survey:
        for f in OPEN_FIELDS:
            if r[f] and r[f] != "#NULL!":
                for s in sentences(r[f]):
                    docs[s].add((r["respondent"], f))
    assert max(len(v) for v in docs.values()) <= 3


def test_langst_answers_name_different_areas(survey_gold, survey):
    for q in ("langst", "behov"):
        same = 0
        for r in survey:
            areas = [c for i in (1, 2, 3) for c in survey_gold.get((r["respondent"], f"{q}_{i}"), [])]
            same += len(areas) != len(set(areas))
        assert same <= 5, q


# --------------------------------------------------------------------------- enkäten 2016–2017

def test_survey_2016_2017(codebook):
    rows = read_csv(CORPUS / "survey_2016_2017.csv")
    assert Counter(r["omgang"] for r in rows) == {"ht2016": 60, "vt2017": 60, "ht2017": 60}
    fields = ["kommentar_a", "kommentar_b", "kommentar_c", "trivs"]
    assert any(r[f] == "" for r in rows for f in fields)
    gold = read_csv(CORPUS / "gold" / "survey_2016_2017.csv")
    ids = {r["id"]: r for r in rows}
    for g in gold:
        assert codebook[g["code"]]["group"] == "tema"
        assert ids[g["doc"]][g["field"]], g          # guld bara på ifyllda celler
    omorg = {ids[g["doc"]]["omgang"] for g in gold if g["code"] == "omorganisation"}
    assert omorg == {"vt2017", "ht2017"}
    negative = Counter(g["code"] for g in gold if g["field"] in ("kommentar_a", "kommentar_b"))
    assert negative.most_common(1)[0][0] == "arbetsbelastning"
    docs = defaultdict(set)
    for r in rows:
        for f in fields:
            for s in sentences(r[f]):
                docs[s].add((r["id"], f))
    assert max(len(v) for v in docs.values()) <= 3


# --------------------------------------------------------------------------- generatorn

@pytest.mark.parametrize("hashseed", ["0", "12345"])
def test_generator_is_deterministic_and_matches_committed(tmp_path, hashseed):
    """Samma filer byte för byte, oavsett Pythons hashfrö (mängders ordning)."""
    out = tmp_path / "corpus"
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True,
                   capture_output=True, env=env)
    built = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(CORPUS) for p in CORPUS.rglob("*") if p.is_file())
    assert built == committed
    for rel in built:
        assert (out / rel).read_bytes() == (CORPUS / rel).read_bytes(), rel
