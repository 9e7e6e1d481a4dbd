"""Regular expressions from a codebook, checked before they run on anyone's notes.

Python's ``re`` backtracks: ``(a+)+$`` takes exponential time on a line of a's, and one such
pattern would hang ``suggest`` on one unlucky segment. A codebook regex is refused when it is
too long, invalid for ``re`` or for the ``regex`` package, nested too deep, or when a group that
repeats without bound (``*``, ``+``, ``{n,}``, or more than ``MAX_BOUNDED`` times) holds a repeat
or alternatives: the shapes that backtrack catastrophically. The check reads the pattern's
syntax only, so it gives the same answer every time (``codebook validate`` and ``suggest`` agree
by construction). What slips through it (``\\w*\\w*\\w*x`` is polynomial, not exponential) is caught
at match time: ``compile_user_regex`` returns a pattern whose searches stop after
``MATCH_TIMEOUT`` seconds with a ``QualcodeError`` naming the pattern.
"""

from __future__ import annotations

import re
import warnings
from typing import Iterator

import regex

from qualcode.errors import QualcodeError

MAX_LENGTH = 1000
MAX_GROUP_DEPTH = 30
MAX_BOUNDED = 10          # a group repeated {0,10} is bounded work; {0,11} counts as unbounded
MATCH_TIMEOUT = 2.0       # seconds per search over one text
FLAGS = re.IGNORECASE     # how the rules compile codebook regexes
_QUANT = re.compile(r"\*|\+|\?|\{(\d*)(,?)(\d*)\}")


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` may not be used (one phrase), or None when it is fine."""
    if len(pattern) > MAX_LENGTH:
        return f"regex longer than {MAX_LENGTH} characters"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarning about possible set syntax
        for engine, error in ((re, re.error), (regex, regex.error)):
            try:
                engine.compile(pattern, FLAGS)
            except (error, OverflowError, RecursionError, ValueError) as e:
                return f"invalid regex {pattern!r} ({str(e).splitlines()[0] if str(e) else type(e).__name__})"
    return _backtracking_problem(pattern)


def check_regex(pattern: str, where: str, what: str = "") -> None:
    """Raise a QualcodeError naming ``where`` (file:line) and ``what`` when the pattern is refused."""
    problem = regex_problem(pattern)
    if problem:
        raise QualcodeError(f"{what}{problem}", where=where)


class UserRegex:
    """A checked codebook regex whose searches give up after ``MATCH_TIMEOUT`` seconds."""

    def __init__(self, pattern: str, where: str = "codebook") -> None:
        check_regex(pattern, where)
        self.pattern = pattern
        self.where = where
        self._compiled = regex.compile(pattern, regex.IGNORECASE | regex.V0)

    def finditer(self, text: str) -> Iterator[regex.Match]:
        try:
            yield from self._compiled.finditer(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise self._timeout(text) from None

    def search(self, text: str) -> regex.Match | None:
        try:
            return self._compiled.search(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise self._timeout(text) from None

    def _timeout(self, text: str) -> QualcodeError:
        return QualcodeError(f"regex {self.pattern!r} took more than {MATCH_TIMEOUT:g} s on a text of {len(text)} "
                             "characters; simplify it (avoid repeats inside repeats)", where=self.where)


def compile_user_regex(pattern: str, where: str = "codebook") -> UserRegex:
    return UserRegex(pattern, where)


def _backtracking_problem(pattern: str) -> str | None:
    """Walk the (already valid) pattern's syntax, tracking per open group whether it holds a
    repeat and whether it holds alternatives."""
    stack: list[list[bool]] = [[False, False]]   # per open group: [holds a repeat, holds alternatives]
    last: tuple[bool, bool] | None = None        # the atom just read: a group's flags, or (False, False)
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i, last = i + 2, (False, False)
        elif c == "[":
            i, last = _class_end(pattern, i), (False, False)
        elif c == "(":
            if pattern.startswith("(?#", i):
                i = pattern.find(")", i) + 1 or n
                continue
            stack.append([False, False])
            if len(stack) > MAX_GROUP_DEPTH:
                return f"regex nests groups more than {MAX_GROUP_DEPTH} deep"
            i, last = _group_body(pattern, i), None
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            stack[-1][0] |= inner[0]
            stack[-1][1] |= inner[1]
            i, last = i + 1, (inner[0], inner[1])
        elif c == "|":
            stack[-1][1] = True
            i, last = i + 1, None
        elif (m := _QUANT.match(pattern, i)) and last is not None:
            most = _most(m)
            if (most is None or most > MAX_BOUNDED) and (last[0] or last[1]):
                shown = "repeats" if last[0] else "alternatives (…|…)"
                return (f"regex {pattern!r} repeats a group that holds {shown}; that can take exponential time "
                        "(write e.g. [ab]+ for (a|b)+, a+ for (a+)+)")
            if most is None or most > 1:
                stack[-1][0] = True
            i = m.end()
            if i < n and pattern[i] in "?+":  # lazy or possessive
                i += 1
            last = None
        else:
            i, last = i + 1, (False, False)
    return None


def _most(m: re.Match) -> int | None:
    """The quantifier's upper bound (None: unbounded)."""
    q = m.group()
    if q in "*+":
        return None
    if q == "?":
        return 1
    low, comma, high = m.groups()
    if not comma:
        return int(low or 0)
    return int(high) if high else None


def _class_end(p: str, i: int) -> int:
    """Index after the character class opening at ``i``."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    return j + 1


def _group_body(p: str, i: int) -> int:
    """Index of the first character inside the group opening at ``i`` (after ``(?:``, ``(?P<x>`` …)."""
    if not p.startswith("(?", i):
        return i + 1
    j = i + 2
    if p.startswith(("P<", "<") , j) and not p.startswith(("<=", "<!"), j):
        return p.find(">", j) + 1 or len(p)
    if p.startswith(("<=", "<!"), j):
        return j + 2
    if j < len(p) and p[j] in ":=!>":
        return j + 1
    if p.startswith("(", j):  # a conditional (?(1)yes|no)
        return p.find(")", j) + 1 or len(p)
    while j < len(p) and (p[j].isalpha() or p[j] == "-"):
        j += 1
    return j + 1 if j < len(p) and p[j] == ":" else j
