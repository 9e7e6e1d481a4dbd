"""Free-text area answers read as the coding manual says (section "Free-text area answers")."""

from __future__ import annotations

import pytest

from qualcode.codebook import load_codebook
from qualcode.suggest.choices import BULK_THRESHOLD, ChoiceNormaliser

from .conftest import CODEBOOK


@pytest.fixture(scope="module")
def norm() -> ChoiceNormaliser:
    return ChoiceNormaliser(load_codebook(CODEBOOK))


def number(norm: ChoiceNormaliser, text: str) -> int | None:
    r = norm.normalise(text)
    return None if r.code is None else norm.by_number and {c.id: n for n, c in norm.by_number.items()}[r.code]


@pytest.mark.parametrize("text", ["alla", "Allt", "ALLA OMRÅDEN", "alla 13", "allt behöver bli bättre", "samma som ovan",
                                  "vet ej", "-", "17", "0"])
def test_non_answers_are_no_answer_never_ovrigt(norm: ChoiceNormaliser, text: str) -> None:
    assert norm.normalise(text).code is None


@pytest.mark.parametrize("text, area", [
    ("3. administrativt stöd till handläggarna", 6), ("p 8 medhandläggarskap", 9), ("12 Stockholmsmodellen", 3),
])
def test_words_beat_a_conflicting_number(norm: ChoiceNormaliser, text: str, area: int) -> None:
    r = norm.normalise(text)
    assert number(norm, text) == area and r.score < BULK_THRESHOLD  # a conflict is never bulk-accepted


@pytest.mark.parametrize("text, area", [
    ("Stockholmsmodellen", 3), ("Västernorrlandsmodellen", 1), ("administratör", 6), ("avgiftshandläggare", 6),
    ("sakkunnig", 8), ("introhandläggare", 2), ("dubbelbemanning", 9), ("traineeprogrammet", 12), ("VFU", 11),
    ("v.f.u", 11), ("metodgrupp", 4),
])
def test_method_model_and_role_names(norm: ChoiceNormaliser, text: str, area: int) -> None:
    assert number(norm, text) == area


@pytest.mark.parametrize("text, area", [
    ("administratör åt enhetschefen", 7), ("adm stöd till ec", 7), ("Adm. stöd ch.", 7),
    ("administratör till handläggarna", 6), ("någon som tar fakturorna åt oss handläggare", 6),
])
def test_the_recipient_decides_6_against_7(norm: ChoiceNormaliser, text: str, area: int) -> None:
    assert number(norm, text) == area


@pytest.mark.parametrize("text", ["kortare väg till chefen", "chefen sitter med oss", "en chef som ser och uppmuntrar"])
def test_support_from_a_manager_is_5(norm: ChoiceNormaliser, text: str) -> None:
    assert number(norm, text) == 5


@pytest.mark.parametrize("text, first, other", [
    ("adm stöd", 6, 7), ("stöd", 6, 7), ("chefsstöd", 5, 7), ("återkoppling", 1, 5), ("delaktighet", 1, 14),
    ("handledning", 8, 14), ("kompetens", 10, 4), ("utbildning", 10, 2), ("lokalt", 4, 13), ("chefstäthet", 5, 3),
    ("fler bitr chefer", 5, 3), ("IT-system", 13, 14),
])
def test_the_manuals_ambiguous_answers_score_low_with_their_candidates(norm: ChoiceNormaliser, text: str,
                                                                        first: int, other: int) -> None:
    r = norm.normalise(text)
    ids = {c.id: n for n, c in norm.by_number.items()}
    assert ids[r.code] == first and other in {ids[c] for c in r.candidates}
    assert "ambiguous" in r.flags and r.score < 0.5   # below every clear reading, so a person looks


@pytest.mark.parametrize("text", ["lön", "friskvård", "flextid", "hot och våld", "medarbetardelaktighet",
                                  "sammanhållningen i gruppen", "arbeta hemifrån"])
def test_ovrigt_is_for_real_answers_outside_the_areas(norm: ChoiceNormaliser, text: str) -> None:
    assert number(norm, text) == 14


def test_paraphrases_reach_their_area_through_the_rules(norm: ChoiceNormaliser) -> None:
    assert number(norm, "att få bolla svåra ärenden med gruppen") == 8
    assert number(norm, "att gå bredvid en kollega de första veckorna") == 2


@pytest.mark.parametrize("text, area", [
    ("dubbelbemanning i tunga utredningar", 9), ("dubbelbemanning vid hembesök", 9),
    ("bemanning i ärendena", 3),  # the plain word is still staffing
])
def test_a_word_naming_one_area_is_not_read_by_its_parts_for_another(norm: ChoiceNormaliser, text: str,
                                                                   area: int) -> None:
    """"dubbelbemanning" is area 9's own word: its "bemanning" says nothing for area 3."""
    assert number(norm, text) == area


@pytest.mark.parametrize("text", ["erfarenhetsutbyte mellan grupperna", "nätverk för metoder mellan stadsdelarna"])
def test_prepositions_do_not_carry_an_area(norm: ChoiceNormaliser, text: str) -> None:
    """"mellan" in Övrigt's "samverkan mellan enheterna" does not pull a forum answer to 14."""
    assert number(norm, text) == 4
