"""Which codebook regexes can match a text at all, found in one pass over it.

Most segments match none of the codebook's regex patterns, yet trying each pattern (or one
union of them) on every segment was the largest cost of ``suggest`` after the tokenizer. Nearly
every pattern names words: ``\\b\\d{1,3}\\s+(?:ärenden|hushåll)\\b`` cannot match a text that holds
neither "ärenden" nor "hushåll". ``required_literals`` reads a pattern's syntax tree for such a
set (one of the strings must occur in any match); an Aho–Corasick automaton over every
pattern's set finds, in one scan of the lower-cased text, the patterns worth running. A pattern
whose syntax gives no such set (``\\d+ %``) runs on every text, so the filter never changes what
matches, only what is tried.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

try:  # the syntax tree of a pattern; re's own parser (sre_parse before Python 3.11)
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse  # type: ignore[no-redef]

import ahocorasick

MIN_LITERAL = 2   # shorter strings occur in nearly every text: not worth a filter


def required_literals(pattern: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    """Lower-cased strings one of which occurs in every match of ``pattern``, or None."""
    try:
        tree = sre_parse.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - whatever the parser refuses simply is not filtered
        return None
    found = _required(list(tree))
    if not found or min(map(len, found)) < MIN_LITERAL:
        return None
    return frozenset(s.lower() for s in found)


def _required(items: Sequence[tuple[Any, Any]]) -> set[str] | None:
    """The most selective required set of one sequence of pattern items."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre_parse.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        need = _item(op, av)
        if need:
            candidates.append(need)
    if run:
        candidates.append({"".join(run)})
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)))


def _item(op: Any, av: Any) -> set[str] | None:
    if op is sre_parse.SUBPATTERN:
        return _required(list(av[-1]))
    if op is sre_parse.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            need = _required(list(alternative))
            if not need:
                return None
            out |= need
        return out
    if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)):
        low, _, body = av
        return _required(list(body)) if low >= 1 else None
    return None


class RegexFilter:
    """For a list of patterns: ``candidates(text)`` gives the positions of those worth running
    on ``text``, in list order (the unfilterable ones always)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.count = len(patterns)
        self.always: set[int] = set()
        by_literal: dict[str, set[int]] = {}
        for i, p in enumerate(patterns):
            lits = required_literals(p)
            if lits is None:
                self.always.add(i)
            else:
                for s in lits:
                    by_literal.setdefault(s, set()).add(i)
        self.automaton: Any = None
        if by_literal:
            self.automaton = ahocorasick.Automaton()
            for s, ids in by_literal.items():
                self.automaton.add_word(s, frozenset(ids))
            self.automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        if self.automaton is None:
            return list(range(self.count))
        hit = set(self.always)
        for _, ids in self.automaton.iter(text.lower()):
            hit |= ids
        return sorted(hit)
