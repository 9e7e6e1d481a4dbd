"""Hand-written choice cells: every form respondents use, each trap, and the two-area cell.

CASES doubles as a small labelled set for scripts/eval_choices.py when no corpus is at hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.suggest.choices import BULK_THRESHOLD, ChoiceNormaliser, ChoiceResult
from qualcode.codebook import load_codebook

CODEBOOK = Path(__file__).resolve().parent.parent / "codebooks" / "handlingsplan.yaml"

# (cell, expected code or None, flag that must be present or None, must be above BULK_THRESHOLD?)
# confident=True: must be bulk-acceptable; False: must be below; None: either.
CASES: list[tuple[str, str | None, str | None, bool | None]] = [
    # --- numbers in any form
    ("6", "adm_stod_handlaggare", None, True),
    ("1", "brukardelaktighet", None, True),
    ("13", "lampliga_lokaler", None, True),
    ("14", "ovrigt", None, True),
    (" 9 ", "medhandlaggarskap", None, True),
    ("p6", "adm_stod_handlaggare", None, True),
    ("p. 6", "adm_stod_handlaggare", None, True),
    ("P.6", "adm_stod_handlaggare", None, True),
    ("punkt 6", "adm_stod_handlaggare", None, True),
    ("Punkt 10", "fortbildning", None, True),
    ("pkt 3", "antal_medarbetare", None, True),
    ("nr. 6", "adm_stod_handlaggare", None, True),
    ("nr 12", "traineer", None, True),
    ("6)", "adm_stod_handlaggare", None, True),
    ("6.", "adm_stod_handlaggare", None, True),
    ("(8)", "arendehandledning", None, True),
    ("#4", "kompetensforum", None, True),
    ("område 11", "studenter", None, True),
    # --- number plus text
    ("6 adm stöd", "adm_stod_handlaggare", None, True),
    ("7. adm stöd", "adm_stod_chefer", None, True),
    ("2 - intro", "introduktion", None, True),
    ("p. 9 medhandläggarskap", "medhandlaggarskap", None, True),
    ("8) ärendehandledning", "arendehandledning", None, True),
    ("medhandläggarskap (9)", "medhandlaggarskap", None, True),
    ("intro 2", "introduktion", None, True),
    ("Lokaler - 13", "lampliga_lokaler", None, True),
    ("7 medhandläggarskap", "medhandlaggarskap", "number_text_disagree", False),
    ("3 traineer", "traineer", "number_text_disagree", False),
    ("5 bra chef", "nara_ledning", None, True),
    # --- full titles
    ("Brukardelaktighet och återkoppling från brukare", "brukardelaktighet", None, True),
    ("Introduktionsprogram och mentorskap för nyanställda", "introduktion", None, True),
    ("Antal medarbetare som är rimligt i förhållande till chefers och medarbetares uppdrag",
     "antal_medarbetare", None, True),
    ("Lokalt kompetens- och utvecklingsforum", "kompetensforum", None, True),
    ("Nära och tillgänglig ledning som ger stöd och uppmuntran", "nara_ledning", None, True),
    ("Administrativt stöd till socialsekreterare och biståndshandläggare", "adm_stod_handlaggare", None, True),
    ("Administrativt stöd till chefer", "adm_stod_chefer", None, True),
    ("Systematisk intern ärendehandledning", "arendehandledning", None, True),
    ("Medhandläggarskap", "medhandlaggarskap", None, True),
    ("Regelbunden fortbildning och möjlighet till specialistutbildning", "fortbildning", None, True),
    ("Regelbundet mottagande av studenter", "studenter", None, True),
    ("Mottagande av traineer", "traineer", None, True),
    ("Lämpliga lokaler och fungerande arbetsredskap", "lampliga_lokaler", None, True),
    ("Övrigt", "ovrigt", None, True),
    # --- partial titles
    ("Regelbunden fortbildning", "fortbildning", None, True),
    ("Systematisk intern", "arendehandledning", None, True),
    ("Nära och tillgänglig", "nara_ledning", None, True),
    ("stöd och uppmuntran", "nara_ledning", None, True),
    ("Lämpliga lokaler", "lampliga_lokaler", None, True),
    ("fungerande arbetsredskap", "lampliga_lokaler", None, True),
    ("introduktionsprogram", "introduktion", None, True),
    ("adm stöd till socialsekreterare", "adm_stod_handlaggare", None, True),
    ("mottagande av studenter", "studenter", None, True),
    ("utvecklingsforum", "kompetensforum", None, True),
    # --- aliases and abbreviations
    ("intro/mentorskap", "introduktion", None, True),
    ("intro", "introduktion", None, True),
    ("mentor", "introduktion", None, True),
    ("adm stöd hl", "adm_stod_handlaggare", None, True),
    ("adm. stöd handläggare", "adm_stod_handlaggare", None, True),
    ("adm stöd handl", "adm_stod_handlaggare", None, True),
    ("adm stöd chefer", "adm_stod_chefer", None, True),
    ("chefsstöd", "nara_ledning", None, False),  # the plan uses it for support from managers (5)
    ("administratörer", "adm_stod_handlaggare", None, True),
    ("VFU", "studenter", None, True),
    ("praktikanter", "studenter", None, True),
    ("trainee", "traineer", None, True),
    ("bemanning", "antal_medarbetare", None, True),
    # the manual lists bare "handledning" as ambiguous (internal 8 or external supervision, 14)
    ("handledning", "arendehandledning", "ambiguous", False),
    ("kompetensutveckling", "fortbildning", None, True),
    ("brukarinflytande", "brukardelaktighet", None, True),
    ("lokaler", "lampliga_lokaler", None, True),
    ("kompetensforum", "kompetensforum", None, True),
    ("annat", "ovrigt", None, True),
    # --- misspellings and lost diacritics
    ("medhandlaggarskap", "medhandlaggarskap", None, True),
    ("medhandläggarskapp", "medhandlaggarskap", None, True),
    ("medhandläggare", "medhandlaggarskap", None, True),
    ("arendehandledning", "arendehandledning", None, True),
    ("ärendehandleding", "arendehandledning", None, True),
    ("introduktionsprogam", "introduktion", None, True),
    ("adminstrativt stöd till chefer", "adm_stod_chefer", None, True),
    ("lampliga lokaler", "lampliga_lokaler", None, True),
    ("specialistutbilding", "fortbildning", None, True),
    ("nära och tillgänlig ledning", "nara_ledning", None, True),
    ("fortbilding", "fortbildning", None, True),
    ("trainer", "traineer", None, None),
    ("brukardelaktihet", "brukardelaktighet", None, True),
    # --- paraphrase by lemma overlap with description and patterns
    ("fler kollegor", "antal_medarbetare", None, None),
    ("handledning i ärenden", "arendehandledning", None, None),
    ("tillgängliga chefer", "nara_ledning", None, False),
    ("brukarenkäter", "brukardelaktighet", None, None),
    ("kurser och vidareutbildning", "fortbildning", None, None),
    ("bättre datorer", "lampliga_lokaler", None, None),
    ("socionomstudenter på praktik", "studenter", None, None),
    ("två handläggare i ärenden", "medhandlaggarskap", None, None),
    ("fadder för nya", "introduktion", None, None),
    ("bra arbetsrum", "lampliga_lokaler", None, None),
    # --- non-answers
    ("-", None, "no_answer", True),
    ("--", None, "no_answer", True),
    ("–", None, "no_answer", True),
    ("", None, "no_answer", True),
    ("   ", None, "no_answer", True),
    ("?", None, "no_answer", True),
    ("vet ej", None, "no_answer", True),
    ("Vet inte", None, "no_answer", True),
    ("se ovan", None, "no_answer", True),
    ("Se ovan.", None, "no_answer", True),
    ("samma", None, "no_answer", True),
    ("samma som ovan", None, "no_answer", True),
    ("ingen aning", None, "no_answer", True),
    ("x", None, "no_answer", True),
    # --- traps: ambiguity, two areas, nothing matching, impossible numbers
    ("administrativt stöd", "adm_stod_handlaggare", "ambiguous", False),
    ("adm stöd", "adm_stod_handlaggare", "ambiguous", False),
    ("administrativt stod", "adm_stod_handlaggare", "ambiguous", False),
    ("stöd", None, "ambiguous", False),
    ("mottagande av", None, "ambiguous", False),
    ("intro och adm stöd", "introduktion", "two_areas", False),
    ("handledning och medhandläggarskap", "arendehandledning", "two_areas", False),
    ("lokaler, fortbildning", "lampliga_lokaler", "two_areas", False),
    ("6 och 9", "adm_stod_handlaggare", "two_areas", False),
    ("2, 6", "introduktion", "two_areas", False),
    # pay is a real answer outside the areas: the manual names it under Övrigt
    ("lön", "ovrigt", None, True),
    ("16", None, "invalid_number", False),
]


@pytest.fixture(scope="module")
def norm() -> ChoiceNormaliser:
    return ChoiceNormaliser(load_codebook(CODEBOOK))


def test_enough_cases() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("cell,code,flag,confident", CASES, ids=[repr(c[0]) for c in CASES])
def test_case(norm: ChoiceNormaliser, cell: str, code: str | None, flag: str | None,
              confident: bool | None) -> None:
    r = norm.normalise(cell)
    assert isinstance(r, ChoiceResult)
    assert 0.0 <= r.score <= 1.0
    if code is not None or flag in ("no_answer", "invalid_number"):
        assert r.code == code, r
    if flag is not None:
        assert flag in r.flags, r
    if confident is True:
        assert r.score > BULK_THRESHOLD, r
    elif confident is False:
        assert r.score < BULK_THRESHOLD, r


def test_no_answer_shape(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("-")
    assert r.code is None and r.flags == ("no_answer",) and "no answer" in r.reason


def test_ambiguous_lists_both_candidates(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("administrativt stöd")
    assert {r.code, *r.candidates} >= {"adm_stod_handlaggare", "adm_stod_chefer"}
    r = norm.normalise("stöd")
    assert {r.code, *r.candidates} >= {"adm_stod_handlaggare", "adm_stod_chefer", "nara_ledning"}
    assert r.score < BULK_THRESHOLD


def test_two_areas_first_named_first(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("intro och adm stöd")
    assert r.code == "introduktion"
    assert "adm_stod_handlaggare" in r.candidates
    assert "two_areas" in r.flags and r.score < BULK_THRESHOLD
    r = norm.normalise("adm stöd hl och intro")
    assert r.code == "adm_stod_handlaggare" and r.candidates[0] == "introduktion"


def test_number_text_disagreement_keeps_both(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("7 medhandläggarskap")
    assert "number_text_disagree" in r.flags
    assert {r.code, *r.candidates} == {"medhandlaggarskap", "adm_stod_chefer"}


def test_number_settles_ambiguous_text(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("7 administrativt stöd")
    assert r.code == "adm_stod_chefer" and r.score > BULK_THRESHOLD and not r.flags


def test_reasons_name_the_evidence(norm: ChoiceNormaliser) -> None:
    assert norm.normalise("6").reason == "number 6"
    assert norm.normalise("medhandlaggarskap").reason.startswith("fuzzy 'medhandlaggarskap'~'medhandläggarskap'")
    assert norm.normalise("bemanning").reason == "alias 'bemanning'"
    assert norm.normalise("se ovan").reason == "no answer 'se ovan'"


def test_many_is_cached_and_consistent(norm: ChoiceNormaliser) -> None:
    cells = ["6", "p. 6", "intro/mentorskap", "6", "-", None, 6]  # type: ignore[list-item]
    out = norm.normalise_many(cells)
    assert len(out) == len(cells)
    assert out[0] is out[3]
    assert out[5].code is None and "no_answer" in out[5].flags
    assert out[6].code == "adm_stod_handlaggare"


def test_other_group() -> None:
    cb = load_codebook(CODEBOOK)
    n = ChoiceNormaliser(cb, group="tema")
    assert n.normalise("friskvård").code == "friskvard"
    with pytest.raises(ValueError):
        ChoiceNormaliser(cb, group="nope")


# --- the codebook's rule patterns as evidence, on a small inline codebook so that these tests do
# not move when the project's patterns are edited
MINI = """
name: mini
codes:
  - {id: rum, number: 1, group: fokusomrade, label: Lämpliga lokaler,
     patterns: [{part: samtalsrum}, {part: lokal}],
     exclude: [{phrase: lokalt forum}]}
  - {id: forum, number: 2, group: fokusomrade, label: Kompetensforum, aliases: [forum]}
  - {id: chef, number: 3, group: fokusomrade, label: Nära ledning,
     patterns: [{lemma: chef, near: [närvarande, nära], weight: 0.8}]}
  - {id: antal, number: 4, group: fokusomrade, label: Antal medarbetare, aliases: [fler kollegor]}
  - {id: handl, number: 5, group: fokusomrade, label: Ärendehandledning,
     patterns: [{part: handledning, unless: [student]}]}
  - {id: stud, number: 6, group: fokusomrade, label: Mottagande av studenter}
  - {id: ovrigt, number: 14, group: fokusomrade, label: Övrigt, aliases: [annat]}
"""


@pytest.fixture(scope="module")
def mini() -> ChoiceNormaliser:
    from qualcode.codebook import parse_codebook

    return ChoiceNormaliser(parse_codebook(MINI))


def test_part_pattern(mini: ChoiceNormaliser) -> None:
    assert mini.normalise("fler samtalsrum").code == "rum"      # "fler" only modifies


def test_exclude_pattern_vetoes(mini: ChoiceNormaliser) -> None:
    assert mini.normalise("lokalt forum").code == "forum"


def test_near_pattern(mini: ChoiceNormaliser) -> None:
    assert mini.normalise("mer närvarande chefer").code == "chef"


def test_unless_pattern(mini: ChoiceNormaliser) -> None:
    assert mini.normalise("handledning").code == "handl"
    assert mini.normalise("handledning av studenter").code == "stud"


def test_named_area_then_comment(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("Övrigt: lönen för erfarna")
    assert r.code == "ovrigt" and r.score > BULK_THRESHOLD
    r = norm.normalise("Annat - hot och våld")
    assert r.code == "ovrigt"


def test_weak_match_is_a_hint(norm: ChoiceNormaliser) -> None:
    r = norm.normalise("att fråga klienterna vad de tycker")
    assert r.score <= 0.85 and r.code == "brukardelaktighet"


def test_direction_of_support_separates_areas_5_and_7(norm: ChoiceNormaliser) -> None:
    # support *from* the manager is near leadership (5); support *to* managers is area 7
    assert norm.normalise("stöd från chefen").code == "nara_ledning"
    assert norm.normalise("mer stöd från ledningen").code == "nara_ledning"
    assert norm.normalise("stöd till chefer").code == "adm_stod_chefer"
    assert norm.normalise("adm stöd till chefer").code == "adm_stod_chefer"
