"""Rules compiled from the codebook's patterns, applied to cached token streams.

What each pattern kind matches (all comparisons lower-cased and without diacritics, so
"Lönen", "lonen" and "lönen" are the same):

- ``lemma: X`` — a token whose lemma or form is X ("lokalerna" for ``lokal``). Whole words only.
- ``part: X``  — like ``lemma``, or X is one of the token's compound parts, modifier or head
  ("lönefrågan", "lönesatsningar" for ``lön``; "arbetslokalerna" for ``lokal``).
- ``phrase: "a b c"`` — consecutive tokens, each matching the phrase word by form, lemma or
  a regular inflection of it ("administrativa stödet" for ``administrativt stöd``).
- ``regex: ...`` — a Python regular expression searched (case-insensitively) in the text.
- ``matcher: [...]`` — a spaCy Matcher token pattern, run on a Doc rebuilt from the cache.

Options: ``weight`` (the score before reviewers have judged the pattern), ``near`` (one of
these words must occur in the segment), ``unless`` (none of them may occur in it); a word
there matches a token's form, lemma or compound part. A code's ``exclude:`` patterns veto the
code's evidence that they overlap ("lokalt kompetens- och utvecklingsforum" is not premises).

A code is suggested once per segment, with its best piece of evidence: source
``rule:<pattern label>``, the pattern's score, the evidence's character span and whether it
stands inside a negation's scope (still suggested, since talking about a lack is talking
about the area, but flagged for the reviewer).

Speed: a segment's cached tokens are ids of token types (``qualcode.tokens``), and each
distinct type is looked up in the rule indexes once per rule set, giving the rules it fires
alone, the phrases it starts and the phrase positions it can fill (None for most types, which
no rule knows). A segment then costs one dictionary look-up per token, done in C, plus Python
work only for the tokens some rule can use. Matcher patterns that only test tokens against
fixed strings are matched here; others go to spaCy's Matcher.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable

from qualcode.codebook import Code, Codebook
from qualcode.errors import QualcodeError
from qualcode.nlp.tokens import TYPES, TokenStream, fold
from qualcode.suggest import negation as negation_module
from qualcode.matcher_check import plain_token_pattern
from qualcode.safe_regex import compile_user_regex
from qualcode.suggest.settings import pattern_score
from qualcode.suggest.rule_records import word_variants, Rule, Match, Hit, Explanation, WORD_RE, ANCHOR_ATTRS
from qualcode.suggest.negation import NEG_ANY, negation_flags, undiscussed_flags
from qualcode.suggest.regex_prefilter import RegexFilter

# ----------------------------------------------------------------------------- fingerprints

_SOURCE_HASH: str | None = None


def code_fingerprint(code: Code, scores: dict[str, float] | None = None,
                     abbreviations: dict[str, str] | None = None) -> str:
    """What one code's rule suggestions on a segment depend on, besides the segment's tokens:
    its patterns and exclusions, their scores, and this module's own source (so an upgrade
    that changes how rules match counts as a change). A code's suggestions depend on no other
    code, which is what lets a re-suggest after a codebook edit recompute only the codes
    whose fingerprint changed."""
    global _SOURCE_HASH
    if _SOURCE_HASH is None:
        _SOURCE_HASH = hashlib.sha1(Path(__file__).read_bytes() + Path(negation_module.__file__).read_bytes()).hexdigest()
    scores = scores or {}
    h = hashlib.sha1(f"{_SOURCE_HASH}\x1e{code.content_key()}\x1e{sorted((abbreviations or {}).items())}".encode("utf-8"))
    for p in code.patterns:
        h.update(f"\x1e{p.label}\x1f{pattern_score(scores, code.id, p)!r}".encode("utf-8"))
    return h.hexdigest()


# ----------------------------------------------------------------------------- compiled rules

@dataclass
class _Index:
    lemma: dict[str, list[Rule]] = field(default_factory=dict)
    part: dict[str, list[Rule]] = field(default_factory=dict)
    matcher: dict[str, list[Rule]] = field(default_factory=dict)
    unanchored: list[Rule] = field(default_factory=list)
    regex: list[Rule] = field(default_factory=list)
    phrase_words: dict[str, list[tuple[Rule, int]]] = field(default_factory=dict)  # variant -> (rule, word index)


class RuleSet:
    """The codebook's patterns for a set of codes, ready to apply to token streams.

    ``scores`` maps a pattern label to its measured precision; patterns without one use
    their codebook weight. ``exclusions_only`` keeps only the exclusions: what a source that
    finds codes without words (the base model) needs to ask ``vetoed_codes``.
    """

    def __init__(self, codebook: Codebook, codes: Iterable[str] | None = None,
                 scores: dict[str, float] | None = None, exclusions_only: bool = False) -> None:
        wanted = None if codes is None else set(codes)
        self.codes: list[Code] = [c for c in codebook.codes if wanted is None or c.id in wanted]
        self.rules: list[Rule] = []
        self._ix = _Index()
        self._matcher: Any = None
        self._tokens = _TokenMemo(self._token_entry)
        self._abbreviations = _abbreviation_keys(codebook.abbreviations)
        scores = scores or {}
        for code in self.codes:
            for exclude, patterns in ((False, () if exclusions_only else code.patterns), (True, code.exclude)):
                for p in patterns:
                    rule = Rule(len(self.rules), code.id, p, exclude,
                                score=pattern_score(scores, code.id, p) if not exclude else 0.0)
                    self.rules.append(rule)
                    self._index(rule, codebook)
        self._regex_filter = RegexFilter([r.pattern.value for r in self._ix.regex]) if self._ix.regex else None
        # every key a token can be looked up by in _token_entry: a token with none of them (most
        # tokens, and every one-off token such as a reference number) is nothing to any rule
        self._cond_words = frozenset().union(*(r.near | r.unless for r in self.rules))
        self._entry_keys = frozenset(self._ix.lemma) | frozenset(self._ix.part) | \
            frozenset(self._ix.phrase_words) | frozenset(self._ix.matcher) | NEG_ANY | self._cond_words

    def __len__(self) -> int:
        return len(self.rules)

    # ---------------------------------------------------------------- compiling
    def _index(self, rule: Rule, codebook: Codebook) -> None:
        p = rule.pattern
        where = f"{codebook.path or 'codebook'}:{p.line}"
        rule.near = frozenset(fold(w) for w in p.near or ())
        rule.unless = frozenset(fold(w) for w in p.unless or ())
        if p.kind in ("lemma", "part") and " " not in p.value:
            rule.key = fold(p.value)
            target = self._ix.lemma if p.kind == "lemma" else self._ix.part
            target.setdefault(rule.key, []).append(rule)
        elif p.kind in ("phrase", "lemma", "part"):
            words = WORD_RE.findall(p.value)
            if not words:
                raise QualcodeError(f"code {rule.code!r}: phrase {p.value!r} has no words", where=where)
            rule.words = tuple(word_variants(w) for w in words)
            for j, variants in enumerate(rule.words):
                for k in variants:
                    self._ix.phrase_words.setdefault(k, []).append((rule, j))
        elif p.kind == "regex":
            rule.regex = compile_user_regex(p.value, where)  # checked, and a match gives up after a time budget
            self._ix.regex.append(rule)
        elif p.kind == "matcher":
            self._add_matcher(rule, where)

    def _add_matcher(self, rule: Rule, where: str) -> None:
        tokens = rule.pattern.value  # the codebook loader has removed its line marks at every depth
        simple = plain_token_pattern(tokens)
        if simple is not None:  # fixed token tests: matched here, without loading spaCy
            rule.simple = simple
            anchors = {fold(v) for attr, values in simple[:1] for v in values}
            for k in anchors:
                self._ix.matcher.setdefault(k, []).append(rule)
            return
        if self._matcher is None:
            import spacy
            from spacy.matcher import Matcher
            self._matcher = Matcher(spacy.blank("sv").vocab)  # Swedish lexical attributes (LOWER, IS_PUNCT …)
        try:
            self._matcher.add(str(rule.index), [tokens])
        except Exception as e:  # spaCy validates the pattern here
            first = str(e).strip().splitlines()
            raise QualcodeError(f"code {rule.code!r}: bad matcher pattern ({first[-1] if first else e})",
                                where=where) from None
        anchors: set[str] = set()
        for tok in tokens:
            if tok.get("OP") in ("?", "*", "!"):
                continue
            for attr in ANCHOR_ATTRS:
                v = tok.get(attr)
                if isinstance(v, str):
                    anchors.add(fold(v))
                elif isinstance(v, dict) and isinstance(v.get("IN"), list):
                    anchors.update(fold(x) for x in v["IN"] if isinstance(x, str))
            if anchors:
                break
        if anchors:
            for k in anchors:
                self._ix.matcher.setdefault(k, []).append(rule)
        else:
            self._ix.unanchored.append(rule)

    # ---------------------------------------------------------------- applying
    def apply(self, stream: TokenStream, text: str) -> list[Hit]:
        """The codes suggested for one segment, best evidence first."""
        if not len(stream) and not self._ix.regex:
            return []
        matches = self._matches(stream, text)
        if not matches:
            return []
        return _hits(matches)

    def vetoed_codes(self, stream: TokenStream, text: str) -> set[str]:
        """Codes an exclusion pattern speaks against in this text (the manual's incidental
        mentions), for sources that find a code without pointing at words (the base model)."""
        if not len(stream) and not self._ix.regex:
            return set()
        return {m.rule.code for m in self._matches(stream, text, keep_all=True) if m.rule.exclude}

    def explain(self, stream: TokenStream, text: str) -> Explanation:
        matches = self._matches(stream, text, keep_all=True)
        neg = negation_flags(stream.folded_forms) if len(stream) else []
        tokens = [{"i": i, "text": text[stream.span(i)[0]:stream.span(i)[1]], "form": stream.forms[i],
                   "lemma": stream.lemmas[i], "parts": stream.parts[i].split("+") if stream.parts[i] else [],
                   "start": stream.span(i)[0], "end": stream.span(i)[1], "negated": neg[i]}
                  for i in range(len(stream))]
        live = [m for m in matches if not m.vetoed_by and not m.blocked and not m.rule.exclude]
        return Explanation(tokens, matches, _hits(live) if live else [])

    def _token_entry(self, tid: int) -> tuple | None:
        """What one token type (folded form, lemma, parts) can start or continue: computed once
        per type and rule set, so a segment costs a dictionary look-up per token.

        (rules matching the token alone, phrase rules whose first word it is, the (rule, word
        index) pairs of later phrase words it matches, simple matcher rules anchored on it,
        whether any matcher anchor is among its keys, whether it is a negation word, the near /
        unless words among its keys, whether a match can start at it). Most types are none of
        these and share ``_NOTHING``; of the rest, most only continue phrases ("stöd" in
        "administrativt stöd") and are looked at only from the phrase's first word.
        """
        t = TYPES[tid]
        f, lm, p, keys = t.ff, t.lf, t.pf, t.keys
        full = self._abbreviations.get(f.rstrip(".")) if self._abbreviations else None
        if full is not None:  # the codebook's own short forms are read as their words
            lm, p = full
            keys = keys | {lm, *(p.split("+") if p else ())}
        if self._entry_keys.isdisjoint(keys):
            return _NOTHING
        own = dict.fromkeys((f, lm))
        allk = dict.fromkeys((f, lm, *(p.split("+") if p else ())))
        own.pop("", None)
        allk.pop("", None)
        ix = self._ix
        single: dict[int, Rule] = {}
        for k in own:
            for r in ix.lemma.get(k, ()):
                single[r.index] = r
        for k in allk:
            for r in ix.part.get(k, ()):
                single[r.index] = r
        starts: dict[int, Rule] = {}
        later: set[int] = set()
        for k in own:
            for r, j in ix.phrase_words.get(k, ()):
                if j == 0:
                    starts[r.index] = r
                else:
                    later.add(r.index << 10 | j)
        simple: dict[int, Rule] = {}
        any_matcher = False
        for k in allk:
            rules = ix.matcher.get(k)
            if rules:
                any_matcher = True
                for r in rules:
                    if r.simple is not None:
                        simple[r.index] = r
        negation = f in NEG_ANY
        cond = self._cond_words & keys
        if not (single or starts or later or any_matcher or negation or cond):
            return _NOTHING
        return (tuple(single.values()), tuple(starts.values()), frozenset(later), tuple(simple.values()), any_matcher,
                negation, cond, bool(single or starts or any_matcher))

    def _matches(self, stream: TokenStream, text: str, keep_all: bool = False) -> list[Match]:
        found, entries = self._candidates(stream, text)
        if not found:
            return []
        return self._settle(found, entries, stream, keep_all)

    def _candidates(self, stream: TokenStream, text: str) -> tuple[list[Match], list[tuple]]:
        """Every piece of evidence any rule finds, before conditions, negation and vetoes."""
        n = len(stream)
        found: list[Match] = []
        offs = stream.offsets
        any_matcher = False
        simple: dict[int, Rule] = {}
        entries: list[tuple] = []
        if n:
            entries = list(map(self._tokens.__getitem__, stream.ids))
            for i in compress(range(n), map(_DRIVES, entries)):  # where a match can start, found in C
                single, starts, _, simple_here, anchored = entries[i][:5]
                for r in single:
                    found.append(Match(r, i, i + 1, offs[2 * i], offs[2 * i + 1]))
                for r in starts:
                    m = len(r.words)
                    if i + m > n:
                        continue
                    for j in range(1, m):
                        if (r.index << 10 | j) not in entries[i + j][2]:
                            break
                    else:
                        found.append(Match(r, i, i + m, offs[2 * i], offs[2 * (i + m) - 1]))
                if anchored:
                    any_matcher = True
                    for r in simple_here:
                        simple[r.index] = r
        for r in map(self._ix.regex.__getitem__, self._regex_filter.candidates(text)) if self._regex_filter else ():
            for m in r.regex.finditer(text):
                if m.end() > m.start():
                    a, b = _tokens_of(stream, m.start(), m.end())
                    found.append(Match(r, a, b, m.start(), m.end()))
        for r in simple.values():
            found.extend(self._simple_matches(r, stream, text))
        if self._matcher is not None and (any_matcher or self._ix.unanchored):
            found.extend(self._run_matcher(stream, text))
        return found, entries

    def _settle(self, found: list[Match], entries: list[tuple], stream: TokenStream, keep_all: bool) -> list[Match]:
        """Segment-level conditions (near / unless), negation flags and exclusion vetoes."""
        neg = negation_flags(stream.folded_forms) if any(map(_NEGATION, entries)) else None
        quiet = undiscussed_flags(stream.folded_forms) if neg is not None and any(neg) else None
        vetoes: dict[str, list[tuple[int, int, str]]] = {}
        out: list[Match] = []
        cond: frozenset[str] | None = None  # the near / unless words in the segment
        for m in found:
            rule = m.rule
            if rule.near or rule.unless:
                if cond is None:
                    cond = frozenset().union(*map(_COND, entries))
                p = rule.pattern
                if rule.near and rule.near.isdisjoint(cond):
                    m.blocked = f"none of near={list(p.near)} in segment"
                elif rule.unless and not rule.unless.isdisjoint(cond):
                    m.blocked = f"unless={list(p.unless)} in segment"
                if m.blocked:
                    if keep_all:
                        out.append(m)
                    continue
            if quiet and not rule.exclude and any(quiet[m.tok_start:m.tok_end]):
                m.blocked = "the note says it was not discussed"
                if keep_all:
                    out.append(m)
                continue
            if neg:
                m.negated = any(neg[m.tok_start:m.tok_end])
            if rule.exclude:
                vetoes.setdefault(rule.code, []).append((m.start, m.end, rule.pattern.label))
            out.append(m)
        if vetoes:
            for m in out:
                if m.rule.exclude or m.blocked:
                    continue
                for a, b, label in vetoes.get(m.rule.code, ()):
                    if m.start < b and a < m.end:
                        m.vetoed_by = label
                        break
        if keep_all:
            return out
        return [m for m in out if not m.rule.exclude and not m.vetoed_by]

    @staticmethod
    def _match(rule: Rule, stream: TokenStream, a: int, b: int) -> Match:
        return Match(rule, a, b, stream.offsets[2 * a], stream.offsets[2 * b - 1])

    def _simple_matches(self, rule: Rule, stream: TokenStream, text: str) -> list[Match]:
        tests = rule.simple or ()
        m, n = len(tests), len(stream)
        offs = stream.offsets
        out = []
        for i in range(n - m + 1):
            for j, (attr, values) in enumerate(tests):
                k = i + j
                if attr == "LEMMA":
                    v = stream.lemmas[k]
                else:
                    v = text[offs[2 * k]:offs[2 * k + 1]]
                    if attr == "LOWER":
                        v = v.lower()
                if v not in values:
                    break
            else:
                out.append(self._match(rule, stream, i, i + m))
        return out

    def _run_matcher(self, stream: TokenStream, text: str) -> list[Match]:
        from spacy.tokens import Doc
        n = len(stream)
        if not n:
            return []
        offs = stream.offsets
        words = [text[offs[2 * i]:offs[2 * i + 1]] for i in range(n)]
        spaces = [i + 1 < n and offs[2 * i + 2] > offs[2 * i + 1] for i in range(n)]
        doc = Doc(self._matcher.vocab, words=words, spaces=spaces, lemmas=list(stream.lemmas))
        out = []
        for match_id, a, b in self._matcher(doc):
            rule = self.rules[int(self._matcher.vocab.strings[match_id])]
            out.append(self._match(rule, stream, a, b))
        return out


def _abbreviation_keys(abbreviations: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Folded short form -> (folded lemma, folded parts) of the word it stands for."""
    if not abbreviations:
        return {}
    from qualcode.nlp.lexicon import shared_lexicon
    lex = shared_lexicon()
    out = {}
    for short, full in abbreviations.items():
        words = full.split()
        lemma = "_".join(lex.lemma(w) for w in words)
        parts = "+".join(p for w in words for p in (lex.parts(w).split("+") if lex.parts(w) else [lex.lemma(w)]))
        out[fold(short)] = (fold(lemma), fold(parts) if len(words) > 1 or lex.parts(full) else "")
    return out


_NOTHING = ((), (), frozenset(), (), False, False, frozenset(), False)  # a token no rule can use
_NEGATION, _COND, _DRIVES = itemgetter(5), itemgetter(6), itemgetter(7)


class _TokenMemo(dict):
    """Token type id -> its entry, computed on first sight."""

    def __init__(self, compute: Any) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, tid: int) -> Any:
        value = self[tid] = self._compute(tid)
        return value



def _tokens_of(stream: TokenStream, start: int, end: int) -> tuple[int, int]:
    a = b = None
    for i in range(len(stream)):
        s, e = stream.span(i)
        if e > start and s < end:
            a = i if a is None else a
            b = i + 1
    return (a or 0, b or 0) if a is not None else (0, 0)


def _hits(matches: list[Match]) -> list[Hit]:
    if len(matches) == 1:  # the common case: one piece of evidence in the segment
        m = matches[0]
        rule = m.rule
        return [Hit(rule.code, rule.source, rule.shown_score, m.start, m.end, m.negated,
                    f"{rule.plabel}@{m.start}-{m.end}{' (negated)' if m.negated else ''}")]
    by_code: dict[str, list[Match]] = {}
    for m in matches:
        ms = by_code.get(m.rule.code)
        if ms is None:
            by_code[m.rule.code] = [m]
        else:
            ms.append(m)
    hits = []
    for code, ms in by_code.items():
        if len(ms) > 1:
            ms.sort(key=_rank)  # ties: codebook order
        best = ms[0]
        seen, evidence = set(), []
        for m in ms:
            key = (m.rule.plabel, m.start)
            if key in seen:
                continue
            seen.add(key)
            evidence.append(f"{m.rule.plabel}@{m.start}-{m.end}{' (negated)' if m.negated else ''}")
        rule = best.rule
        hits.append(Hit(code, rule.source, rule.shown_score, best.start, best.end, best.negated,
                        "; ".join(evidence[:5])))
    if len(hits) > 1:
        hits.sort(key=lambda h: (-h.score, h.code))
    return hits


def _rank(m: Match) -> tuple:
    return (-m.rule.score, m.negated, m.start, m.start - m.end, m.rule.index)
