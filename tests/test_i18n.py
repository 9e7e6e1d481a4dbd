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
REVIEW = SCREEN.parent
MARKUP = re.compile(r"\[/?[a-z ]+\]")


@pytest.fixture(autouse=True)
def swedish_after():
    yield
    set_language("sv")


def test_every_message_in_both_languages_with_the_same_fields() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == {"sv", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("sv", "en")]
        assert fields[0] == fields[1], key


def test_both_texts_of_a_message_carry_the_same_markup_and_say_something() -> None:
    for key, texts in MESSAGES.items():
        assert texts["sv"].strip() and texts["en"].strip(), key
        assert sorted(MARKUP.findall(texts["sv"])) == sorted(MARKUP.findall(texts["en"])), key


def test_every_message_the_review_asks_for_is_in_the_catalogue() -> None:
    from qualcode.review.decisions import SHEET_VERDICTS
    from qualcode.review.sheets import CODES_COLUMNS, SHEET_COLUMNS
    used = set()
    for module in REVIEW.glob("*.py"):
        used |= set(re.findall(r'(?:\bt|Message|wait_help)\("([a-z_]+\.[a-z_.]+)"', module.read_text(encoding="utf-8")))
    assert {"review.score", "uncoded.help", "reconcile.keyline", "sheet.summary", "reason.piece"} <= used
    assert used <= set(MESSAGES), used - set(MESSAGES)
    # keys put together at run time
    built = ([f"sheet.col.{c}" for c in SHEET_COLUMNS + CODES_COLUMNS] + [f"sheet.verdict.{v}" for v in SHEET_VERDICTS]
             + [f"reason.kind.{k}" for k in ("lemma", "phrase", "part", "regex", "matcher")]
             + [f"source.{k}" for k in ("rule", "choice", "model", "base")])
    assert set(built) <= set(MESSAGES), set(built) - set(MESSAGES)


def test_no_review_module_writes_a_message_of_its_own() -> None:
    """Strings a person reads come from the catalogue: no literal in qualcode/review (docstrings
    aside) holds Swedish letters or words inside rich markup."""
    import ast
    for module in REVIEW.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                text = node.value
                assert not re.search(r"[åäöÅÄÖ]", text), (module.name, node.lineno, text)
                assert not (MARKUP.search(text) and re.search(r"[A-Za-z]{3}", MARKUP.sub("", text))), \
                    (module.name, node.lineno, text)


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
    assert r.output.startswith("Nr;Kod;") and "Antal respondenter" in r.output
