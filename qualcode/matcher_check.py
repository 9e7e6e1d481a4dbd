"""A codebook's spaCy Matcher pattern, checked as ``suggest`` will use it.

The rules match a pattern that only tests token texts or lemmas against fixed strings
themselves (``plain_token_pattern``); any other goes to spaCy's Matcher on a blank Swedish
vocabulary, over a Doc rebuilt from the token cache, which has no tags, parse or entities. So
a pattern is checked the same way: added to such a Matcher and run on such a Doc, which
refuses what ``suggest`` would fail on (POS or DEP on an untagged Doc fails only when run).
spaCy's Matcher is also easy to make explode: ``{"OP": "{1000000000}"}`` allocates a token per
repeat, and a few repeating tokens in a row find millions of overlapping matches in one long
segment. Patterns are therefore held to a few tokens and at most one that repeats.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.safe_regex import check_regex

MAX_TOKENS = 10          # tokens in a pattern, each {n,m} counted m times
MAX_OPERATORS = 2        # tokens with ?, *, + or {n,m}
MAX_REPEATING = 1        # tokens that can match more than one token (*, +, {n,m} with m > 1)
PLAIN_ATTRS = ("LOWER", "TEXT", "ORTH", "LEMMA")
_COUNT_OP = re.compile(r"\{(\d*)(,?)(\d*)\}")


def plain_token_pattern(tokens: Any) -> tuple[tuple[str, frozenset[str]], ...] | None:
    """A pattern that only tests each token's LOWER/TEXT/ORTH/LEMMA against fixed strings (no
    operators, no other attributes), as (attribute, allowed values) per token; else None."""
    if not isinstance(tokens, list) or not tokens:
        return None
    out = []
    for tok in tokens:
        if not isinstance(tok, dict) or len(tok) != 1:
            return None
        (attr, v), = tok.items()
        if attr not in PLAIN_ATTRS:
            return None
        if isinstance(v, str):
            values = [v]
        elif isinstance(v, dict) and list(v) == ["IN"] and isinstance(v["IN"], list) and v["IN"] \
                and all(isinstance(x, str) for x in v["IN"]):
            values = v["IN"]
        else:
            return None
        out.append(("TEXT" if attr == "ORTH" else attr, frozenset(values)))
    return tuple(out)


def check_matcher(tokens: list[dict[str, Any]], where: str, owner: str = "") -> None:
    """Raise a QualcodeError (``owner`` + problem, at ``where``) unless ``suggest`` can use the pattern."""
    if plain_token_pattern(tokens) is not None:
        return
    _check_regexes(tokens, where, owner)
    problem = _shape_problem(tokens) or _spacy_problem(tokens)
    if problem:
        raise QualcodeError(f"{owner}bad matcher pattern ({problem})", where=where)


def _shape_problem(tokens: list[dict[str, Any]]) -> str | None:
    length = operators = repeating = 0
    for tok in tokens:
        if "_" in tok:
            return "custom attributes (_) are not available to the rules"
        op = tok.get("OP", "1")
        if not isinstance(op, str):
            return f"OP {op!r:.40} must be a string"
        most: int | None = 1
        if op in ("?", "*", "+"):
            most = None if op != "?" else 1
        elif (m := _COUNT_OP.fullmatch(op)) is not None:
            low, comma, high = m.groups()
            most = int(low or 0) if not comma else (int(high) if high else None)
            if max(int(low or 0), int(high or 0)) > MAX_TOKENS:
                return f"OP {op} repeats more than {MAX_TOKENS} times"
        operators += op not in ("1", "!")
        repeating += most is None or most > 1
        length += most or 1
    if len(tokens) > MAX_TOKENS or length > MAX_TOKENS:
        return f"more than {MAX_TOKENS} tokens"
    if operators > MAX_OPERATORS or repeating > MAX_REPEATING:
        return (f"at most {MAX_OPERATORS} tokens may have an OP and {MAX_REPEATING} of them repeat; more can "
                "find millions of overlapping matches in one long segment")
    return None


def _check_regexes(tokens: Any, where: str, owner: str) -> None:
    """Check every REGEX value at any depth, as ``re`` will run it on each token."""
    stack = [tokens]
    while stack:
        obj = stack.pop()
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k == "REGEX" and isinstance(v, str):
                    check_regex(v, where, f"{owner}matcher ")
                stack.append(v)
        elif isinstance(obj, list):
            stack.extend(obj)


@lru_cache(maxsize=1)
def _probe() -> tuple[Any, Any]:
    """A Matcher on the blank Swedish vocabulary (as the rules build it) and a Doc like theirs."""
    import spacy
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    vocab = spacy.blank("sv").vocab
    doc = Doc(vocab, words=["Ett", "test", ",", "1", "gång", "."], spaces=[True, False, True, True, False, False],
              lemmas=["en", "test", ",", "1", "gång", "."])
    return Matcher(vocab), doc


def _spacy_problem(tokens: list[dict[str, Any]]) -> str | None:
    matcher, doc = _probe()
    key = "qualcode-check"
    try:
        matcher.add(key, [tokens])
        matcher(doc)
    except Exception as e:  # noqa: BLE001 - spaCy validates with pydantic, ValueError, KeyError, re.error …
        _probe.cache_clear()  # a failed add may leave the Matcher half-updated
        lines = [x.strip() for x in str(e).strip().splitlines() if x.strip()]
        return lines[-1].split(". Try")[0][:300] if lines else type(e).__name__
    matcher.remove(key)
    return None
