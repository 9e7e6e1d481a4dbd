"""The regex prefilter only skips patterns that cannot match: suggestions do not change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcode.codebook import load_codebook
from qualcode.suggest.regex_prefilter import RegexFilter, required_literals

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("pattern, expected", [
    (r"\b\d{1,3}\s+(?:ärenden|hushåll)\b", {"ärenden", "hushåll"}),
    (r"\bchef\w*\s+(?:för|över)\s+\d+", {"chef"}),
    (r"\bASI\b", {"asi"}),
    (r"\bjobb(?:at|ar)\s+över\b", {"jobba"}),
    (r"\d+\s*%", None),                 # no word in it: runs on every text
    (r"\b(?:a|b)\s+x", None),           # one-letter strings do not filter
    (r"(?:lön|x+)", None),              # an alternative without a word: no required set
])
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(pattern)
    assert (set(got) if got is not None else None) == expected


def test_every_required_set_is_really_required_on_the_shipped_codebook() -> None:
    """For each of the codebook's regexes and every demo-corpus sentence it matches, one of its
    required strings is in the sentence: the filter never hides a match."""
    cb = load_codebook(ROOT / "codebooks" / "handlingsplan.yaml")
    patterns = [p.value for c in cb.codes for p in (*c.patterns, *c.exclude) if p.kind == "regex"]
    assert len(patterns) > 30
    texts = [line for f in sorted((ROOT / "corpora" / "handlingsplan-2016-2018" / "notes").glob("*.md"))
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    filt = RegexFilter(patterns)
    matched = 0
    for text in texts:
        runs = set(filt.candidates(text))
        for i, p in enumerate(patterns):
            if re.search(p, text, re.IGNORECASE):
                matched += 1
                assert i in runs, (p, text)
    assert matched > 50
    assert sum(len(filt.candidates(t)) for t in texts) < 0.2 * len(patterns) * len(texts)


def test_a_pattern_runs_only_where_every_one_of_its_words_is() -> None:
    """"chef ... har N medarbetare" needs both words: a text with one of them is not searched,
    and the test sentences from the manual's span-of-control class are."""
    from qualcode.suggest.regex_prefilter import required_sets
    pattern = r"\bchef\w*\s+har\s+\d+\s+(?:medarbetare|handläggare)\b"
    assert {frozenset({"chef"}), frozenset({"har"}), frozenset({"medarbetare", "handläggare"})} <= set(required_sets(pattern))
    filt = RegexFilter([pattern])
    assert filt.candidates("Chefen har 31 medarbetare under sig.") == [0]
    assert filt.candidates("Chefen har tid för oss.") == []
    assert filt.candidates("Vi är 31 medarbetare.") == []
