"""The handlingsplan codebook's contract, and one-line errors for every kind of broken codebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import QualcodeError, load_codebook
from qualcode.cli import main
from qualcode.codebook import diff_codebooks, parse_codebook

from .conftest import CODEBOOK

PLAN_TITLES = {
    1: "Brukardelaktighet och återkoppling från brukare",
    2: "Introduktionsprogram och mentorskap för nyanställda",
    3: "Antal medarbetare som är rimligt i förhållande till chefers och medarbetares uppdrag",
    4: "Lokalt kompetens- och utvecklingsforum",
    5: "Nära och tillgänglig ledning som ger stöd och uppmuntran",
    6: "Administrativt stöd till socialsekreterare och biståndshandläggare",
    7: "Administrativt stöd till chefer",
    8: "Systematisk intern ärendehandledning",
    9: "Medhandläggarskap",
    10: "Regelbunden fortbildning och möjlighet till specialistutbildning",
    11: "Regelbundet mottagande av studenter",
    12: "Mottagande av traineer",
    13: "Lämpliga lokaler och fungerande arbetsredskap",
    14: "Övrigt",
}


def test_areas_carry_the_plans_numbers_and_titles():
    cb = load_codebook(CODEBOOK)
    areas = cb.by_number("fokusomrade")
    assert {n: c.label for n, c in areas.items()} == PLAN_TITLES
    assert [c.number for c in cb.in_group("fokusomrade")] == list(range(1, 15))
    assert areas[6].short == "administrativt stöd till socialsekreterare och biståndshandläggare"


def test_theme_ids_and_open_question_groups_exist():
    cb = load_codebook(CODEBOOK)
    for cid in ("lokaler", "omorganisation", "lon", "personalomsattning", "arbetsbelastning"):
        assert cb.get(cid).group == "tema"
    for group in ("fraga2a", "fraga2b", "fraga2c"):
        assert len(cb.in_group(group)) >= 6


def test_codebook_show_json_contract(cli):
    assert cli("init", "--codebook", str(CODEBOOK)).exit_code == 0
    r = cli("codebook", "show", "--format", "json")
    data = json.loads(r.output)
    first = data["codes"][0]
    assert {"id", "label", "group", "number"} <= set(first)
    assert first["number"] == 1 and first["group"] == "fokusomrade"


GOOD = """\
name: t
groups:
  fokusomrade: {label: Områden}
  tema: {label: Teman}
codes:
  - id: a
    number: 1
    group: fokusomrade
    label: A
  - id: b
    group: tema
    label: B
    patterns:
      - lemma: lön
"""


@pytest.mark.parametrize("broken, line, words", [
    (GOOD.replace("label: B\n", "label: B\n  bad: [\n"), 13, "YAML error"),
    (GOOD.replace("id: b", "id: a"), 10, "duplicate code id 'a'"),
    (GOOD.replace("label: B\n", "label: B\n    parent: nowhere\n"), 10, "unknown parent 'nowhere'"),
    (GOOD.replace("- lemma: lön", "- regex: '(unclosed'"), 14, "invalid regex"),
    (GOOD.replace("- lemma: lön", "- lemmas: lön"), 14, "bad pattern"),
    (GOOD.replace("number: 1", "number: 15"), 6, "out of range"),
    (GOOD.replace("group: tema\n    label: B", "group: nosuch\n    label: B"), 10, "unknown group"),
])
def test_broken_codebook_gives_one_line_with_line_number(tmp_path: Path, broken: str, line: int, words: str):
    f = tmp_path / "cb.yaml"
    f.write_text(broken, encoding="utf-8")
    with pytest.raises(QualcodeError) as e:
        load_codebook(f)
    assert f"{f}:{line}:" in str(e.value)
    assert words in str(e.value)
    r = CliRunner().invoke(main, ["codebook", "validate", str(f)])
    assert r.exit_code == 1
    assert r.output.count("\n") == 1 and r.output.startswith("Error: ") and words in r.output
    assert "Traceback" not in r.output


def test_valid_codebook_validates(tmp_path: Path):
    r = CliRunner().invoke(main, ["codebook", "validate", str(CODEBOOK)])
    assert r.exit_code == 0 and r.output.startswith("ok:")


def test_diff_names_changed_labels_and_patterns():
    old = parse_codebook(GOOD, "old")
    new = parse_codebook(GOOD.replace("label: B", "label: Bee").replace("- lemma: lön", "- lemma: löne"), "new")
    lines = diff_codebooks(old, new)
    assert "~ b: label 'B' -> 'Bee'" in lines
    assert "~ b: + pattern lemma=löne" in lines and "~ b: - pattern lemma=lön" in lines


def test_version_follows_content():
    assert parse_codebook(GOOD).version == parse_codebook(GOOD).version
    assert parse_codebook(GOOD).version != parse_codebook(GOOD + "\n# edit\n").version
