"""Rules from the codebook: compounds, the known traps, negation, and the pattern options."""

from __future__ import annotations

import pytest

from qualcode.codebook import load_codebook, parse_codebook
from qualcode.errors import QualcodeError
from qualcode.nlp.pipeline import Pipeline, choose_pipeline, fold
from qualcode.suggest.rules import RuleSet, negation_flags

from .conftest import CODEBOOK


@pytest.fixture(scope="module")
def pipe():
    import os
    os.environ["QUALCODE_NO_TRAINED"] = "1"
    try:
        return Pipeline(choose_pipeline(None))
    finally:
        del os.environ["QUALCODE_NO_TRAINED"]


@pytest.fixture(scope="module")
def notes_rules():
    cb = load_codebook(CODEBOOK)
    return RuleSet(cb, [c.id for c in cb.codes if c.group in ("fokusomrade", "tema")])


def run(pipe, rules, text):
    hits = rules.apply(next(pipe.process([text])), text)
    return {h.code: h for h in hits}


def confident(hits):
    return {c for c, h in hits.items() if h.score >= 0.5}


@pytest.mark.parametrize("text, code, evidence", [
    ("Lönefrågan diskuterades länge.", "lon", "Lönefrågan"),
    ("Det behövs lönesatsningar för de erfarna.", "lon", "lönesatsningar"),
    ("Löneläget i stadsdelen är lågt.", "lon", "Löneläget"),
    ("LÖNEN är för låg.", "lon", "LÖNEN"),
    ("lonen ar for lag", "lon", "lonen"),
    ("Omorganisationerna har tagit mycket kraft.", "omorganisation", "Omorganisationerna"),
    ("Arbetslokalerna är för trånga.", "lokaler", "Arbetslokalerna"),
    ("Kontorslandskapet fungerar dåligt för samtal.", "lokaler", "Kontorslandskapet"),
    ("Avgiftsadministratören har avlastat oss.", "adm_stod_handlaggare", "Avgiftsadministratören"),
])
def test_compounds_and_spellings_find_their_code(pipe, notes_rules, text, code, evidence):
    hits = run(pipe, notes_rules, text)
    assert code in confident(hits)
    assert text[hits[code].start:hits[code].end] == evidence


def test_local_forum_is_area_4_not_premises(pipe, notes_rules):
    hits = confident(run(pipe, notes_rules, "Vi har startat ett lokalt kompetens- och utvecklingsforum."))
    assert "kompetensforum" in hits
    assert not hits & {"lampliga_lokaler", "lokaler"}


def test_premises_and_forum_in_one_sentence_both_count(pipe, notes_rules):
    hits = confident(run(pipe, notes_rules, "Det lokala forumet träffas i de nya lokalerna."))
    assert {"kompetensforum", "lokaler"} <= hits


def test_administrative_support_to_managers_is_7_not_6(pipe, notes_rules):
    hits = confident(run(pipe, notes_rules, "Vi har fått administrativt stöd till chefer i år."))
    assert "adm_stod_chefer" in hits and "adm_stod_handlaggare" not in hits
    hits = confident(run(pipe, notes_rules, "Handläggarna har fått administrativt stöd."))
    assert "adm_stod_handlaggare" in hits and "adm_stod_chefer" not in hits


@pytest.mark.parametrize("text", ["Vi behöver mer stöd.", "Stödet är viktigt."])
def test_support_alone_suggests_nothing_confident(pipe, notes_rules, text):
    assert confident(run(pipe, notes_rules, text)) == set()


@pytest.mark.parametrize("text", ["Chefen var på möte.", "Vi fick en ny chef i januari."])
def test_manager_alone_is_not_area_5(pipe, notes_rules, text):
    assert "nara_ledning" not in confident(run(pipe, notes_rules, text))


def test_an_available_manager_is_area_5(pipe, notes_rules):
    assert "nara_ledning" in confident(run(pipe, notes_rules, "Chefen är alltid tillgänglig när vi behöver."))


@pytest.mark.parametrize("text, code, negated", [
    ("Vi har inte hunnit starta brukarenkäten.", "brukardelaktighet", True),
    ("Det finns ingen introduktion för nyanställda.", "introduktion", True),
    ("Det finns inga administratörer.", "adm_stod_handlaggare", True),
    ("Vi har aldrig haft medhandläggare.", "medhandlaggarskap", True),
    ("Administratörer saknas fortfarande.", "adm_stod_handlaggare", True),
    ("De arbetar utan handledning.", "arendehandledning", True),
    ("Lönen är inte konkurrenskraftig.", "lon", True),
    ("Handledning har vi inte hunnit med sedan i höstas.", "arendehandledning", True),   # README's example
    ("Medhandläggare finns i alla ärenden.", "medhandlaggarskap", False),
    ("Det handlar inte om lönen utan om arbetsbelastningen.", "arbetsbelastning", False),
    ("Vi har inte fått något svar, men medhandläggarna är bra.", "medhandlaggarskap", False),
])
def test_negated_evidence_is_suggested_and_flagged(pipe, notes_rules, text, code, negated):
    hits = run(pipe, notes_rules, text)
    assert code in hits, f"{code} not suggested for {text!r}"
    assert hits[code].negated is negated


def test_negation_scope_stops_at_clause_boundaries():
    forms = [fold(w) for w in "lönen är inte hög , men lokalerna är bra".split()]
    assert negation_flags(forms) == [True, False, False, True, False, False, False, False, False]
    forms = "vi saknar lokaler och datorer ; lönen är ok".split()
    assert negation_flags(forms) == [False, False, True, True, True, False, False, False, False]


SMALL = """
name: test
codes:
  - id: premises
    group: tema
    label: Lokaler
    patterns:
      - part: lokal
      - {lemma: rum, near: [eget, egna], weight: 0.6}
      - {lemma: kontor, unless: [hemma], weight: 0.7}
      - {regex: "\\\\bIT-?stöd", weight: 0.55}
    exclude:
      - matcher: [{LOWER: {IN: [lokalt, lokala]}}]
  - id: forum
    group: tema
    label: Forum
    patterns:
      - phrase: lokalt forum
      - matcher: [{LEMMA: forum}, {LOWER: för}, {LOWER: metodutveckling}]
"""


@pytest.fixture(scope="module")
def small():
    return RuleSet(parse_codebook(SMALL, "small.yaml"))


def test_near_and_unless(pipe, small):
    assert "premises" not in run(pipe, small, "Rummet är stort.")
    assert run(pipe, small, "Jag vill ha ett eget rum.")["premises"].score == 0.6
    assert "premises" in run(pipe, small, "Kontoret är fint.")
    assert "premises" not in run(pipe, small, "Kontoret hemma är fint.")


def test_exclude_vetoes_only_the_evidence_it_overlaps(pipe, small):
    hits = run(pipe, small, "Ett lokalt forum träffas.")
    assert "forum" in hits and "premises" not in hits
    hits = run(pipe, small, "Ett lokalt forum träffas i lokalen.")
    assert "premises" in hits
    assert hits["premises"].start == "Ett lokalt forum träffas i lokalen.".index("lokalen")


def test_matcher_and_regex_patterns(pipe, small):
    text = "Vi har ett forum för metodutveckling och bra IT-stöd."
    hits = run(pipe, small, text)
    assert hits["forum"].source.startswith("rule:matcher=[{")
    assert text[hits["forum"].start:hits["forum"].end] == "forum för metodutveckling"
    assert hits["premises"].source == r"rule:regex=\bIT-?stöd"


def test_measured_precision_replaces_the_weight():
    cb = parse_codebook(SMALL, "small.yaml")
    rs = RuleSet(cb, scores={"part=lokal": 0.42})
    rule = next(r for r in rs.rules if r.pattern.label == "part=lokal")
    assert rule.score == 0.42
    assert next(r for r in rs.rules if r.pattern.label == "lemma=kontor").score == 0.7


def test_a_bad_matcher_pattern_names_its_line():
    bad = SMALL.replace("{LEMMA: forum}", "{LEMMA: {NOPE: 1}}")
    with pytest.raises(QualcodeError, match=r"small.yaml:\d+.*bad matcher pattern"):
        RuleSet(parse_codebook(bad, "small.yaml"))


REGEXES = """\
name: regexes
codes:
  - id: it
    group: tema
    label: IT
    patterns:
      - {regex: "\\\\bIT-?stöd", weight: 0.6}
  - id: echo
    group: tema
    label: Upprepning
    patterns:
      - {regex: "\\\\b(\\\\w+) \\\\1\\\\b", weight: 0.5}
  - id: case
    group: tema
    label: Versaler
    patterns:
      - {regex: "(?i)\\\\bskype", weight: 0.7}
"""


def test_regex_patterns_fire_alone_together_and_with_backreferences(pipe):
    """Regexes are scanned together first; a back-reference or an inline flag still works."""
    rules = RuleSet(parse_codebook(REGEXES, "regexes.yaml"))
    assert set(run(pipe, rules, "Bra IT-stöd och möten via SKYPE.")) == {"it", "case"}
    echo = run(pipe, rules, "Det var mycket mycket att göra.")
    assert set(echo) == {"echo"}
    text = "Det var mycket mycket att göra."
    assert text[echo["echo"].start:echo["echo"].end] == "mycket mycket"
    assert run(pipe, rules, "Inget av det här.") == {}
