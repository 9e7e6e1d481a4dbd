"""Splitting interview notes into paragraphs and sentences, with offsets into the original text.

Offsets always point into the text exactly as imported, so a quote can be found again in
the researcher's own file. The splitter is a fast rule-based one that knows Swedish
abbreviations ("t.ex.", "bl.a.", "bitr.") so that import never needs spaCy; the NLP layer
works per segment afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# lower-cased abbreviations (with their final dot) after which a sentence does not end
ABBREVIATIONS = frozenset("""
t.ex. bl.a. s.k. f.d. d.v.s. dvs. o.s.v. osv. bitr. resp. m.m. m.fl. t.o.m. fr.o.m. p.g.a. pga.
ca. kl. nr. jfr. ev. inkl. exkl. enl. st. tf. adm. sdf. ang. obs. etc. mkt. tel. avd. enh.
""".split())

_PARA_RE = re.compile(r"\n[ \t]*\n+")
# a sentence ends at . ! ? … (possibly followed by closing quotes/brackets) and whitespace,
# when what follows starts like a sentence (capital letter, digit, quote, dash)
_END_RE = re.compile(r"[.!?…]+[\"'”»)\]]*(?=\s+[\"'“”«(\[–—-]?[A-ZÅÄÖÉ0-9])")
_WORD_BEFORE_RE = re.compile(r"(\S+)$")


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
    out = []
    for a, b in spans:
        chunk = text[a:b]
        stripped = chunk.strip()
        if stripped:
            a += len(chunk) - len(chunk.lstrip())
            out.append((a, a + len(stripped)))
    return out


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end]."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    out, pos = [], 0
    for m in _END_RE.finditer(chunk):
        before = _WORD_BEFORE_RE.search(chunk, 0, m.end())
        if before and before.group(1).lower().lstrip("(\"'“") in ABBREVIATIONS:
            continue
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, len(chunk)))
    spans = []
    for a, b in out:
        piece = chunk[a:b]
        if piece.strip():
            a += len(piece) - len(piece.lstrip())
            b = a + len(piece.strip())
            spans.append((start + a, start + b))
    return spans


def segment_notes(text: str) -> list[Span]:
    """Sentences of every paragraph, skipping Markdown headings (the note's title lines)."""
    spans = []
    for i, (a, b) in enumerate(paragraphs(text)):
        lines_start = a
        # drop heading lines at the top of the paragraph
        while lines_start < b and text[lines_start] == "#":
            nl = text.find("\n", lines_start, b)
            if nl == -1:
                lines_start = b
                break
            lines_start = nl + 1
        body = text[lines_start:b]
        if not body.strip():
            continue
        lines_start += len(body) - len(body.lstrip())
        for s, e in sentences(text, lines_start, b):
            spans.append(Span(s, e, i))
    return spans
