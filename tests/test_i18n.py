"""One language per run: the catalogue covers both languages, and the review screen, the error
prefix and numbers follow --lang / QUALCODE_LANG."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from rich.console import Console

from qualcode import Project
from qualcode.i18n import language, number, set_language, t
from qualcode.i18n.catalogue import MESSAGES

SCREEN = Path(__file__).resolve().parent.parent / "qualcode" / "review" / "screen.py"


@pytest.fixture(autouse=True)
def swedish_after():
    yield
    set_language("sv")


def test_every_message_in_both_languages_with_the_same_fields() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == {"sv", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("sv", "en")]
        assert fields[0] == fields[1], key


def test_every_review_message_is_in_the_catalogue_and_the_screen_has_no_literal_swedish() -> None:
    used = set(re.findall(r'(?:t|Message)\("(review\.[a-z_]+)"', SCREEN.read_text(encoding="utf-8")))
    assert used and used <= set(MESSAGES)
    code = "\n".join(line for line in SCREEN.read_text(encoding="utf-8").splitlines()
                     if not line.strip().startswith(("#", '"""')) and '"' in line and "→" not in line)
    assert not re.search(r'"[^"]*\b(och|kod|fält|tangent|avbryter|välj)\b[^"]*"', code)


def test_language_from_option_or_environment(monkeypatch) -> None:
    monkeypatch.setenv("QUALCODE_LANG", "en")
    set_language(None)
    assert language() == "en" and number(0.951, 2) == "0.95"
    set_language("sv")
    assert number(0.951, 2) == "0,95" and t("review.score", score="1,00", sources="x").startswith("poäng")


def test_review_screen_in_english(project: Project, tmp_path: Path) -> None:
    from qualcode.review.screen import HELP, Screen
    from tests.test_decisions import standard
    segs = standard(project, tmp_path)
    set_language("en")
    console = Console(file=io.StringIO(), width=100)
    screen = Screen(project, "anna", keys=object(), console=console)
    console.print(screen.segment_panel(segs["i01"][0], "i01", "notes", "", None, "", "", {"round": None}))
    console.print(HELP)
    out = console.file.getvalue()
    assert "field notes" in out and "(empty answer)" in out and "round=(blank)" in out and "accept the suggestion" in out
    assert "fält" not in out and "Tangenter" not in out


def test_cli_lang_switches_tables_and_messages(project: Project, cli, monkeypatch) -> None:
    from tests.test_tally import build
    build(project)
    r = cli("--lang", "en", "tally", "crosstab", "--by", "roll", "--group", "fokusomrade", "--format", "csv")
    assert r.output.startswith("No,Code,") and "Number of respondents" in r.output
    monkeypatch.setenv("QUALCODE_LANG", "en")
    r = cli("status")
    assert "next step" in r.output
    r = cli("--lang", "sv", "tally", "crosstab", "--by", "roll", "--group", "fokusomrade", "--format", "csv")
    assert r.output.startswith("Nr,Kod,") and "Antal respondenter" in r.output
