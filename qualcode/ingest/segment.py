"""Splitting interview notes into paragraphs, list items and sentences, with offsets into the text.

Offsets always point into the text exactly as imported, so a quote can be found again in
the researcher's own file. The splitter is a fast rule-based one, so that import never needs
spaCy; the NLP layer works per segment afterwards. A sentence ends at . ! ? … followed by
whitespace and something that starts a sentence (a capital, a digit, a quote, a dash), unless
the word before the stop is a known abbreviation ("t.ex.", "bitr.", "ärendedragn."); a stop
followed by a lower-case word never ends one ("adm. stöd", "bitr. ec"). Each item of a list
(a line starting "- ", "* ", "• ", "– " or "1. ") is a segment of its own, marker left out.

The work is linear in the text: each candidate stop is examined once, and only the few
characters before it are read to find the word it ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# lower-cased abbreviations (with their final dot) after which a sentence does not end
ABBREVIATIONS = frozenset("""
t.ex. bl.a. s.k. f.d. d.v.s. dvs. o.s.v. osv. bitr. resp. m.m. m.fl. t.o.m. fr.o.m. p.g.a. pga.
ca. kl. nr. jfr. ev. inkl. exkl. enl. st. tf. adm. sdf. ang. obs. etc. mkt. tel. avd. enh.
handl. ssk. ärendedragn. handläggn. uppf. forts. avs. bef. ex. fr. prel. sek. sekr. utb. gm. vg.
""".split())
_LONGEST = max(map(len, ABBREVIATIONS)) + 4  # room for an opening bracket or quote

_PARA_RE = re.compile(r"\n[ \t]*\n+")
# a sentence ends at a run of . ! ? … (possibly followed by closing quotes/brackets) and whitespace,
# when what follows starts like a sentence (capital letter, digit, quote, dash). The run is matched
# from its first character only, and possessively, so a long run of dots costs one look, not n².
_END_RE = re.compile(r"(?<![.!?…])[.!?…]++[\"'”»)\]]*+(?=\s++[\"'“”«(\[–—-]?[A-ZÅÄÖÉ0-9])")
# a list item: a bullet or a number with a dot or bracket, then a space, at the start of a line
_ITEM_RE = re.compile(r"^[ \t]*(?:[-*•–]|\d{1,3}[.)])[ \t]+(?=\S)", re.M)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph, trimmed of surrounding whitespace."""
    spans, pos = [], 0
    for m in _PARA_RE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [t for a, b in spans if (t := _trim(text, a, b))]


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    """(a, b) without the whitespace at either end; None when nothing is left."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def _ends_abbreviation(text: str, stop_end: int, floor: int) -> bool:
    """Whether the whitespace-delimited word ending at ``stop_end`` is a known abbreviation."""
    window = text[max(floor, stop_end - _LONGEST):stop_end]
    parts = window.rsplit(None, 1)
    word = parts[-1] if parts else ""
    if len(word) == len(window) and stop_end - _LONGEST > floor:
        return False  # the word is longer than any abbreviation
    return word.lower().lstrip("(\"'“") in ABBREVIATIONS


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end]."""
    end = len(text) if end is None else end
    out, pos = [], start
    for m in _END_RE.finditer(text, start, end):
        if _ends_abbreviation(text, m.end(), start):
            continue
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, end))
    return [t for a, b in out if (t := _trim(text, a, b))]


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of text[start:end] a list splits it into: the text before the first item, then
    each item from after its marker to the next item (continuation lines included)."""
    starts = [(m.start(), m.end()) for m in _ITEM_RE.finditer(text, start, end)]
    if not starts:
        return [(start, end)]
    pieces = [(start, starts[0][0])]
    for (_, body), (nxt, _) in zip(starts, starts[1:] + [(end, end)]):
        pieces.append((body, nxt))
    return [t for a, b in pieces if (t := _trim(text, a, b))]


def segment_notes(text: str) -> list[Span]:
    """Sentences of every paragraph and list item, skipping Markdown headings (the note's title
    lines) at the top of a paragraph."""
    spans = []
    for i, (a, b) in enumerate(paragraphs(text)):
        lines_start = a
        while lines_start < b and text[lines_start] == "#":
            nl = text.find("\n", lines_start, b)
            lines_start = b if nl == -1 else nl + 1
        for ia, ib in list_items(text, lines_start, b):
            for s, e in sentences(text, ia, ib):
                spans.append(Span(s, e, i))
    return spans
