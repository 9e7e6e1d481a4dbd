"""The codebook's rules on open survey answers that nobody wrote for the demo corpus.

Each answer below is hand-written in the way a social secretary or a manager might answer the
autumn-2018 questions 2a/2b/2c or the 2016–2017 comment fields; none of it is in the corpus.
An answer must get the category the report would put it in as a confident suggestion
(score >= 0.5), and answers that say nothing codable must get none: a reviewer would otherwise
have to reject them one by one.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from qualcode import Project
from qualcode.suggest.run import suggest

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
CONFIDENT = 0.5

# (field, answer, the code it must get, codes it must not get)
CASES: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    # 2a: the respondent's own work situation
    ("fraga_2a", "Sedan vi fick en avgiftshandläggare slipper jag räkna ut avgifter själv.", "f2a_adm_stod", ()),
    ("fraga_2a", "Vi har arbetat fram gemensamma rutiner för journalföringen, så det går snabbare.",
     "f2a_rutiner", ("f2a_negativ",)),
    ("fraga_2a", "Enheten har fått fler handläggare, så min arbetsbelastning har minskat.",
     "f2a_fler_handlaggare", ("f2a_negativ",)),
    ("fraga_2a", "Vår nya biträdande enhetschef är tydlig med vad som gäller.", "f2a_ledarskap", ()),
    ("fraga_2a", "Jag fick en mentor första halvåret och det gjorde stor skillnad.", "f2a_mentorskap",
     ("f2a_negativ",)),
    ("fraga_2a", "Jag känner mig mer delaktig i hur enheten utvecklas.", "f2a_stod", ()),
    ("fraga_2a", "Ärligt talat har inget hänt, det är mest möten om planen.", "f2a_negativ", ()),
    ("fraga_2a", "Vet inte, jag har bara jobbat här i två månader.", None, ()),
    # 2b: managers about their staff
    ("fraga_2b", "Socialsekreterarna har fått hjälp av två administratörer med fakturahanteringen.",
     "f2b_adm_stod", ()),
    ("fraga_2b", "Alla nyanställda får numera en introduktionsplan och en fadder.", "f2b_mentorskap", ()),
    ("fraga_2b", "Vi har morgonmöten där handläggarna kan stämma av svåra ärenden.", "f2b_stod", ()),
    ("fraga_2b", "Ärendemängden per handläggare har gått ner eftersom vi slutat anlita konsulter.",
     "f2b_arbetsbelastning", ("f2b_kritisk",)),
    ("fraga_2b", "I de tyngsta utredningarna arbetar vi alltid med medhandläggare.", "f2b_medhandlaggare", ()),
    ("fraga_2b", "Omorganisationen har tagit all energi, så vi har inte hunnit med mycket.", "f2b_kritisk", ()),
    ("fraga_2b", "Det är för tidigt att säga.", None, ()),
    # 2c: clients and service users
    ("fraga_2c", "Klienterna kommer lättare fram på telefon och vi gör fler hembesök.", "f2c_tillganglighet", ()),
    ("fraga_2c", "Vi skickar ut en enkät till brukarna efter avslutad insats.", "f2c_brukarundersokningar", ()),
    ("fraga_2c", "Vi informerar alltid om hur man överklagar ett beslut.", "f2c_klientsakerhet", ()),
    ("fraga_2c", "Familjerna får mer inflytande över vilka insatser de får.", "f2c_brukardelaktighet", ()),
    ("fraga_2c", "Brukarna slipper byta handläggare mitt i utredningen.", "f2c_kontinuitet", ("f2c_negativ",)),
    ("fraga_2c", "Personalen i receptionen har fått utbildning i bemötande.", "f2c_bemotande", ()),
    ("fraga_2c", "Tyvärr ingen skillnad som jag har sett.", "f2c_negativ", ()),
    ("fraga_2c", "Svårt att veta, det får brukarna själva svara på.", None, ()),
    # 2016–2017 staff comments (group tema)
    ("kommentar", "Vi har en fantastisk sammanhållning i gruppen och mycket skratt.", "trivsel", ()),
    ("kommentar", "Friskvårdstimmen gör att jag orkar.", "friskvard", ()),
    ("kommentar", "Möjligheten att arbeta hemifrån en dag i veckan är ovärderlig.", "flexibilitet", ()),
    ("kommentar", "Dokumentationskraven tar alldeles för mycket tid från klientarbetet.", "administrativ_borda", ()),
    ("kommentar", "Min närmaste chef stöttar mig när det är tufft.", "chefsstod", ()),
    ("kommentar", "Vi har haft fyra chefsbyten på två år.", "chefsbyten", ()),
    ("kommentar", "Jag gillar mina arbetsuppgifter.", None, ()),
]


@pytest.fixture(scope="module")
def confident(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[str]]:
    """Import the answers as one survey and return the confident codes per (respondent, field)."""
    tmp = tmp_path_factory.mktemp("open_answers")
    fields = ["fraga_2a", "fraga_2b", "fraga_2c", "kommentar"]
    with open(tmp / "svar.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", *fields])
        w.writeheader()
        for i, (fld, text, _, _) in enumerate(CASES):
            w.writerow({"id": f"R{i:02}", **{x: (text if x == fld else "") for x in fields}})
    p = Project.init(tmp / "p.db", CODEBOOK)
    try:
        p.import_survey(tmp / "svar.csv", id_column="id", texts=fields,
                        field_groups={"fraga_2a": "fraga2a", "fraga_2b": "fraga2b", "fraga_2c": "fraga2c",
                                      "kommentar": "tema"})
        suggest(p)
        out: dict[tuple[str, str], set[str]] = defaultdict(set)
        for doc, fld, code in p.conn.execute(
                "SELECT g.doc, g.field, s.code FROM suggestions s JOIN segments g ON g.id = s.segment "
                "WHERE s.score >= ?", (CONFIDENT,)):
            out[(doc, fld)].add(code)
        return out
    finally:
        p.close()


@pytest.mark.parametrize("i", range(len(CASES)), ids=[f"{c[0]}:{c[2] or 'nothing'}:{i}" for i, c in enumerate(CASES)])
def test_answer_gets_its_category(confident: dict[tuple[str, str], set[str]], i: int) -> None:
    fld, text, expected, forbidden = CASES[i]
    got = confident.get((f"R{i:02}", fld), set())
    if expected is None:
        assert got == set(), f"{text!r} says nothing codable but got {sorted(got)}"
    else:
        assert expected in got, f"{text!r} should get {expected}, got {sorted(got)}"
    assert not got & set(forbidden), f"{text!r} should not get {sorted(got & set(forbidden))}"


def test_codes_stay_within_the_question_group(confident: dict[tuple[str, str], set[str]]) -> None:
    """A 2c answer is coded with 2c categories only, a comment with themes only."""
    prefix = {"fraga_2a": "f2a_", "fraga_2b": "f2b_", "fraga_2c": "f2c_"}
    for (_, fld), codes in confident.items():
        if fld in prefix:
            assert all(c.startswith(prefix[fld]) for c in codes), (fld, codes)
        else:
            assert not any(c.startswith("f2") for c in codes), (fld, codes)
