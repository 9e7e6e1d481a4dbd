"""``qualcode evaluate``: outside text measured in a fresh project, as a new user would get it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.evaluation.outside import kappa, score_passages

GOLD = Path(__file__).parent / "fixtures" / "gold"


def test_passages_are_scored_per_label_with_the_misses_listed(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["evaluate", str(GOLD / "passages.jsonl"), "--misses", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["kind"] == "passages" and data["items"] == 3
    labels = {lab["label"]: lab for lab in data["labels"]}
    assert labels["lokaler"]["gold"] == 1 and labels["lokaler"]["recall"] == 1.0
    assert 0 < data["precision"] <= 1 and 0 < data["recall"] <= 1
    assert all({"id", "missed", "extra", "text"} <= set(m) for m in data["misses"])


def test_choice_answers_get_accuracy_top90_and_a_reliability_table() -> None:
    r = CliRunner().invoke(main, ["evaluate", str(GOLD / "choices.jsonl"), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["kind"] == "choices" and data["clear"] == 3 and data["ambiguous"] == 1
    assert data["right"] == 1.0 and sum(b["n"] for b in data["reliability"]) == 3


def test_a_malformed_gold_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x", "areas": []}\nnot json\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["evaluate", str(bad)])
    assert r.exit_code == 1 and "bad.jsonl:2" in r.output and "Traceback" not in r.output


def test_scores_count_missed_and_extra_labels() -> None:
    items = [{"id": "a", "text": "", "areas": [3], "themes": ["lon"]}, {"id": "b", "text": "", "areas": [], "themes": []}]
    rep = score_passages(items, {"a": {"3"}, "b": {"lon"}})
    assert (round(rep.precision, 3), round(rep.recall, 3)) == (0.5, 0.5)
    assert [m["id"] for m in rep.misses] == ["a", "b"]
    assert kappa(5, 0, 0, 5) == 1.0 and kappa(0, 5, 5, 0) < 0


def test_learn_on_the_reviewed_half_finds_the_researchers_own_word_in_the_other_half() -> None:
    """Her notes say "kuvertet" for pay, a word no rule and no base-model feature ties to pay.
    Reviewing half the passages from their gold and running learn teaches it: pay is found in
    the other half, and the F1 there rises."""
    r = CliRunner().invoke(main, ["evaluate", str(Path(__file__).parent / "fixtures" / "own_idiom.jsonl"),
                                  "--learn-half", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["trained_on"] == 12 and data["measured_on"] == 12 and data["decisions"] > 0
    assert data["after"]["recall"] > data["before"]["recall"]
    assert data["gain"] > 0.05


def test_learn_half_refuses_free_text_answers() -> None:
    r = CliRunner().invoke(main, ["evaluate", str(GOLD / "choices.jsonl"), "--learn-half"])
    assert r.exit_code == 1 and "--learn-half needs passages" in r.output and "Traceback" not in r.output


def test_reliability_bins_carry_an_interval_and_how_far_they_are_off() -> None:
    """A bin of ten at 0.55 with three right is 0.20 off its range, but its 95 % interval
    (about 0.11–0.60) still reaches the range: a reader sees it is a small bin, not proof."""
    from qualcode.evaluation.outside import _reliability
    pairs = [(0.55, i < 3) for i in range(10)] + [(0.97, True)] * 200 + [(0.97, False)] * 60
    small, big = _reliability(pairs)
    assert small["bin"] == "0.50–0.60" and small["n"] == 10 and small["right"] == pytest.approx(0.3)
    assert small["off"] == pytest.approx(0.2) and small["low"] < 0.5 < small["high"] and small["interval_off"] == 0.0
    assert big["off"] == pytest.approx(0.95 - 200 / 260, abs=1e-3) and big["interval_off"] > 0.1


def test_a_gold_file_that_names_registers_is_scored_per_register_too() -> None:
    from qualcode.evaluation.outside import score_passages
    items = [{"id": "a", "register": "minutes", "text": "x", "areas": [3], "themes": []},
             {"id": "b", "register": "minutes", "text": "y", "areas": [], "themes": ["lon"]},
             {"id": "c", "register": "e-mail", "text": "z", "areas": [6], "themes": []}]
    report = score_passages(items, {"a": {"3"}, "b": {"13"}, "c": {"6"}})
    rows = {g["register"]: g for g in report.registers}
    assert rows["minutes"]["passages"] == 2 and (rows["minutes"]["tp"], rows["minutes"]["fp"], rows["minutes"]["fn"]) == (1, 1, 1)
    assert rows["minutes"]["f1"] == pytest.approx(0.5) and rows["e-mail"]["f1"] == 1.0
    assert score_passages([{k: v for k, v in it.items() if k != "register"} for it in items], {}).registers == []
