"""Which codebook regexes can match a text at all, found in one pass over it.

Most segments match none of the codebook's regex patterns, yet trying each pattern (or one
union of them) on every segment was the largest cost of ``suggest`` after the tokenizer. Nearly
every pattern names words: ``\\b\\d{1,3}\\s+(?:ärenden|hushåll)\\b`` cannot match a text that holds
neither "ärenden" nor "hushåll". ``required_literals`` reads a pattern's syntax tree for such a
set (one of the strings must occur in any match); an Aho–Corasick automaton over every
pattern's sets finds, in one scan of the lower-cased text, the patterns worth running: those
with a string of every one of their sets (``\\bchef\\w* har \\d+ medarbetare`` needs "chef" and
"medarbetare", which together are rare though each is common). A pattern whose syntax gives no
such set (``\\d+ %``) runs on every text, so the filter never changes what matches, only what is
tried.
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
    """Lower-cased strings one of which occurs in every match of ``pattern``, or None: the most
    selective of ``required_sets``."""
    sets = required_sets(pattern, flags)
    return max(sets, key=_selectivity) if sets else None


def required_sets(pattern: str, flags: int = re.IGNORECASE) -> list[frozenset[str]]:
    """Every set of lower-cased strings of which one occurs in each match of ``pattern``, read
    from the pattern's top-level sequence (its subpatterns give their most selective set)."""
    try:
        tree = sre_parse.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - whatever the parser refuses simply is not filtered
        return []
    return [frozenset(x.lower() for x in found) for found in _all_required(list(tree))
            if min(map(len, found)) >= MIN_LITERAL]


def _selectivity(found: set[str] | frozenset[str]) -> tuple[int, int]:
    return min(map(len, found)), -len(found)


def _required(items: Sequence[tuple[Any, Any]]) -> set[str] | None:
    """The most selective required set of one sequence of pattern items."""
    candidates = _all_required(items)
    return max(candidates, key=_selectivity) if candidates else None


def _all_required(items: Sequence[tuple[Any, Any]]) -> list[set[str]]:
    """The required sets of one sequence of pattern items, in order."""
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
    return candidates


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

    MAX_SETS = 2  # per pattern, the most selective two: a third cost more per hit than it saved (bench notes)

    def __init__(self, patterns: Sequence[str]) -> None:
        self.count = len(patterns)
        self.always: set[int] = set()
        self.full: dict[int, int] = {}  # pattern -> the bit mask of all its sets
        by_literal: dict[str, dict[int, int]] = {}  # literal -> pattern -> bits of the sets holding it
        for i, p in enumerate(patterns):
            sets = sorted(set(required_sets(p)), key=_selectivity, reverse=True)[:self.MAX_SETS]
            if not sets:
                self.always.add(i)
                continue
            self.full[i] = (1 << len(sets)) - 1
            for j, lits in enumerate(sets):
                for s in lits:
                    bits = by_literal.setdefault(s, {})
                    bits[i] = bits.get(i, 0) | (1 << j)
        self.sorted_always = sorted(self.always)
        self.automaton: Any = None
        if by_literal:
            self.automaton = ahocorasick.Automaton()
            for s, bits in by_literal.items():
                self.automaton.add_word(s, tuple(bits.items()))
            self.automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        if self.automaton is None:
            return list(range(self.count))
        found = {bits for _, bits in self.automaton.iter(text.lower())}  # a word said twice counts once
        if not found:
            return self.sorted_always
        seen: dict[int, int] = {}
        for bits in found:
            for i, b in bits:
                seen[i] = seen.get(i, 0) | b
        full = self.full
        return sorted(self.always.union([i for i, b in seen.items() if b == full[i]]))
