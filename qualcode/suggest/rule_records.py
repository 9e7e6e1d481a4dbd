"""The records rules are made of and produce: a compiled pattern (``Rule``), a piece of evidence
(``Match``), a code suggested for a segment (``Hit``) and what ``explain`` shows.

Phrase words are compared with their regular inflections (``word_variants``) so a phrase needs
no lemmatizer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qualcode.codebook import Pattern
from qualcode.nlp.lexicon import strip_suffix
from qualcode.nlp.tokens import fold

_ENDINGS = ("", "t", "a", "e", "n", "en", "et", "na", "er", "erna", "ar", "arna", "or", "orna", "s", "ns",
            "ts", "ets", "ens", "ers", "ernas", "arnas")
WORD_RE = re.compile(r"[\wåäöÅÄÖéÉ]+")
ANCHOR_ATTRS = ("LOWER", "TEXT", "ORTH", "LEMMA", "NORM")


def word_variants(word: str) -> frozenset[str]:
    """The regular inflections of a phrase word (folded), so phrases need no lemmatizer."""
    w = fold(word)
    base = w[:-1] if w.endswith("t") and len(w) > 4 else strip_suffix(w)
    return frozenset({w} | {base + e for e in _ENDINGS} | {w + e for e in _ENDINGS if len(w) > 3})


@dataclass
class Rule:
    index: int
    code: str
    pattern: Pattern
    exclude: bool
    key: str = ""                                   # lemma / part
    words: tuple[frozenset[str], ...] = ()          # phrase
    regex: re.Pattern | None = None
    score: float = 0.8
    simple: tuple[tuple[str, frozenset[str]], ...] | None = None   # a matcher pattern of plain token tests
    near: frozenset[str] = frozenset()              # folded near / unless words
    unless: frozenset[str] = frozenset()
    plabel: str = ""                                # the pattern's label, computed once
    source: str = ""                                # what its suggestions' source says: rule:<label>
    shown_score: float = 0.0                        # the score as stored (4 decimals)

    def __post_init__(self) -> None:
        self.plabel = self.pattern.label
        self.source = f"rule:{self.plabel}"
        self.shown_score = round(self.score, 4)

    @property
    def label(self) -> str:
        return ("exclude:" if self.exclude else "") + self.plabel



@dataclass(slots=True)
class Match:
    rule: Rule
    tok_start: int
    tok_end: int        # exclusive
    start: int          # character offsets in the segment text
    end: int
    negated: bool = False
    vetoed_by: str = ""
    blocked: str = ""   # why near/unless stopped it


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    source: str
    score: float
    start: int
    end: int
    negated: bool
    reason: str


@dataclass
class Explanation:
    tokens: list[dict[str, Any]]
    matches: list[Match]
    hits: list[Hit]
