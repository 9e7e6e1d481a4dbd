"""Map hand-written survey choice cells ("6", "p. 6", "intro/mentorskap", "-") to focus areas.

The survey asks each respondent for three areas that have come furthest and three with the
biggest needs; respondents answer in free hand. The researcher's tables count areas, so every
cell must end up as one area code or as "no answer". Most cells are easy and repeat a lot,
so the point of this module is to be *sure when it can* (bulk accept above BULK_THRESHOLD)
and to say *why not* otherwise (flags, candidates), so assistants only read uncertain cells.

Matching is done on a normalised, diacritic-folded token index built once from the codebook
(labels, short labels, aliases as strong evidence; description, includes and pattern words as
weak evidence). No spaCy call per cell: lemmas come from simplemma, and every distinct
normalised cell and token is cached, because survey answers repeat.

How a cell is read, in order:

1. Non-answers ("-", "vet ej", "se ovan", "samma", empty) -> ``code=None``.
2. Area numbers in any dress ("6", "p6", "punkt 6", "nr. 6", "6)", "(6)") -> that area; if
   text accompanies the number it is matched too and disagreement is flagged.
3. Text is scored per area by token evidence (exact, lemma, abbreviation, prefix, compound
   part, edit distance), with the codebook's own names as exact or fuzzy whole-phrase hits.
   Areas that explain the text equally well make the cell ambiguous ("administrativt stöd":
   till handläggare or till chefer?). Text that splits into parts naming different areas is
   flagged as two areas.
4. Text that matches nothing is suggested as Övrigt with a low score.

Scores are tiered by the kind of evidence and were checked for calibration against a
hand-written list of forms (tests/test_choices.py) and the demo corpus's gold
(scripts/eval_choices.py); see BULK_THRESHOLD.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from qualcode.codebook import AREA_GROUP, Code, Codebook
import sys

from qualcode.suggest import answer_rules, choice_text
from qualcode.suggest.answer_rules import NOT_AN_ANSWER_RE, ManualRules
from qualcode.suggest.choice_text import ChoiceResult, pattern_matches
from qualcode.suggest.choice_text import (NAME, Q_EXACT, ABBREV, CONTEXT, CPattern, HEAD_RE, LEAD_NUM_RE, MARKED_NUM_RE, MODIFIERS, NO_ANSWER, NO_ANSWER_RE, ONLY_NUMS_RE, Q_ABBR, Q_COMPOUND, Q_LEMMA, Q_PREFIX, SPLIT_RE, Scored, TRAIL_NUM_RE, clean, common_prefix, compile_pattern, content, dedup, fold, lemma, pattern_text, tokens, unfold_like)

# Chosen from the calibration tables printed by scripts/eval_choices.py. On the demo corpus
# (702 cells of survey_ht2018) every cell scored above 0.75 was right; 0.9 leaves a margin for
# respondents who write things the corpus does not, and still lets 93 % of cells through
# (100 % right). Evidence tiers that always fall below it by construction: ambiguous (0.4-0.7),
# two areas (0.45), number/text disagreement (0.5-0.55), weak or unmatched (0.5), and
# description-only paraphrase or a single generic word (capped at 0.85).
BULK_THRESHOLD: float = 0.9


def group_fingerprint(codebook: Codebook, group: str = AREA_GROUP) -> str:
    """What the normaliser's reading of any cell depends on: every code of the group (names,
    aliases, descriptions, patterns), this module's source and the versions of the fuzzy
    matcher and the lemmatizer it uses.
    A choice field whose fingerprint is unchanged need not be read again."""
    import hashlib
    import importlib.metadata
    from pathlib import Path
    h = hashlib.sha1(b"".join(Path(m.__file__).read_bytes() for m in (sys.modules[__name__], choice_text, answer_rules)))
    for package in ("rapidfuzz", "simplemma"):
        h.update(importlib.metadata.version(package).encode())
    for c in codebook.in_group(group):
        h.update(b"\x1e" + c.content_key().encode("utf-8"))
    h.update(repr(sorted(codebook.abbreviations.items())).encode("utf-8"))
    return h.hexdigest()


class ChoiceNormaliser:
    """Reads choice cells against one group of a codebook; build once, call many times."""

    def __init__(self, codebook: Codebook, group: str = AREA_GROUP, read_rules: bool = True) -> None:
        self._read_rules = read_rules
        self.codes: list[Code] = codebook.in_group(group)
        if not self.codes:
            raise ValueError(f"codebook has no codes in group {group!r}")
        self.by_number: dict[int, Code] = {c.number: c for c in self.codes if c.number is not None}
        # the manual's answer rules speak of the plan's numbered areas; another codebook goes without them
        self._manual = ManualRules(codebook, self.codes, self.by_number) \
            if set(range(1, 15)) <= set(self.by_number) else None
        self.other: Code | None = next((c for c in self.codes if c.id == "ovrigt"), None) or \
            (self.by_number.get(max(self.by_number)) if self.by_number and max(self.by_number) == 14 else None)
        self._order = {c.id: i for i, c in enumerate(self.codes)}
        self._cache: dict[str, ChoiceResult] = {}
        self._tokcache: dict[str, dict[str, float]] = {}
        # whole-phrase names: folded cleaned phrase -> (code id, kind, original phrase)
        self._phrases: dict[str, list[tuple[str, str, str]]] = {}
        self._names: dict[str, list[list[str]]] = {}   # code id -> content tokens of each name
        vocab: dict[str, dict[str, float]] = {}

        def add(tok: str, cid: str, w: float) -> None:
            d = vocab.setdefault(tok, {})
            d[cid] = max(d.get(cid, 0.0), w)

        for c in self.codes:
            names = [("title", c.label), ("title", c.short)] + [("alias", a) for a in c.aliases]
            self._names[c.id] = []
            for kind, name in names:
                cl = clean(name)
                if not cl:
                    continue
                self._phrases.setdefault(fold(cl), []).append((c.id, kind, cl))
                toks = content(tokens(cl))
                if toks:
                    self._names[c.id].append(toks)
                for t in toks:
                    add(t, c.id, NAME)
            context = " ".join([c.description, c.includes] + [pattern_text(p.value) for p in c.patterns])
            for t in content(tokens(clean(context))):
                add(t, c.id, CONTEXT)
        self._vocab = vocab
        self._compiled: list[tuple[str, list[CPattern], list[CPattern]]] = []
        for c in self.codes:
            pats = [cp for cp in map(compile_pattern, c.patterns) if cp is not None]
            excl = [cp for cp in map(compile_pattern, c.exclude) if cp is not None]
            if pats or excl:
                self._compiled.append((c.id, pats, excl))
        self._lemsurface: dict[str, list[str]] = {}
        for v in vocab:
            self._lemsurface.setdefault(lemma(v), []).append(v)
        self._sorted_vocab = sorted(vocab)
        self._phrase_keys = list(self._phrases)

    # ------------------------------------------------------------------------- public

    def normalise(self, text: str) -> ChoiceResult:
        """One cell; results are cached by cleaned text because answers repeat."""
        key = clean(text if isinstance(text, str) else ("" if text is None else str(text)))
        hit = self._cache.get(key)
        if hit is None:
            hit = self._read(key)
            if len(self._cache) < 500_000:
                self._cache[key] = hit
        return hit

    def normalise_many(self, texts: Iterable[str]) -> list[ChoiceResult]:
        """Many cells, sharing the per-text cache."""
        return [self.normalise(t) for t in texts]

    # ------------------------------------------------------------------------- reading

    def _read(self, t: str) -> ChoiceResult:
        f = fold(t)
        if not t or f in NO_ANSWER or NO_ANSWER_RE.match(f) or NOT_AN_ANSWER_RE.match(f):
            shown = t if t else ""
            return ChoiceResult(None, 0.98, f"no answer '{shown}'", flags=("no_answer",))

        # several bare numbers: "6 och 9", "2, 6"
        if ONLY_NUMS_RE.match(f) and len(re.findall(r"\d{1,2}", f)) >= 2:
            nums = [int(n) for n in re.findall(r"\d{1,2}", f)]
            ids = dedup(self.by_number[n].id for n in nums if n in self.by_number)
            if len(ids) >= 2:
                return ChoiceResult(ids[0], 0.45, f"numbers {', '.join(map(str, nums))}",
                                    candidates=tuple(ids[1:]), flags=("two_areas",))
            if len(ids) == 1:
                return ChoiceResult(ids[0], 0.9, f"number {nums[0]} (repeated)")

        num, rest = self._number(f)
        if num is not None:
            rest = unfold_like(t, f, rest)
            code = self.by_number.get(num)
            if code is None:
                if not content(tokens(rest)):
                    return ChoiceResult(None, 0.2, f"number {num} is not an area", flags=("invalid_number",))
                return self._with_flag(self._read_text(fold(rest), rest), "invalid_number",
                                       f"number {num} is not an area; ")
            return self._number_and_text(num, code, rest)
        return self._read_text(f, t)

    def _number(self, f: str) -> tuple[int | None, str]:
        m = LEAD_NUM_RE.match(f)
        if m:
            return int(m.group(1)), m.group(2).strip(" -:.,()")
        m = MARKED_NUM_RE.search(f)
        if m:
            n = next(g for g in m.groups() if g)
            rest = (f[:m.start()] + " " + f[m.end():]).strip(" -:.,()")
            return int(n), rest
        m = TRAIL_NUM_RE.match(f)
        if m:
            return int(m.group(2)), m.group(1).strip(" -:.,()")
        return None, f

    def _number_and_text(self, num: int, code: Code, rest: str) -> ChoiceResult:
        if not content(tokens(rest)):
            return ChoiceResult(code.id, 0.995, f"number {num}")
        txt = self._read_text(fold(rest), rest)
        if txt.code == code.id:
            return ChoiceResult(code.id, 0.998, f"number {num} + text agrees ({txt.reason})")
        if code.id in txt.candidates:
            return ChoiceResult(code.id, 0.99, f"number {num} settles text ({txt.reason})")
        if "unmatched" in txt.flags or txt.score < 0.6:
            return ChoiceResult(code.id, 0.97, f"number {num} (text '{rest}' unclear)")
        if "two_areas" in txt.flags:
            return ChoiceResult(code.id, 0.5, f"number {num}, but text names two areas ({txt.reason})",
                                candidates=dedup((txt.code,) + txt.candidates, exclude=code.id),
                                flags=("two_areas", "number_text_disagree"))
        # Words beat a conflicting number (the manual): respondents slip on numbers more than on names.
        if txt.score >= 0.6 and not {"ambiguous", "weak"} & set(txt.flags):
            return ChoiceResult(txt.code, round(min(0.85, txt.score), 3),
                                f"text '{rest}' ({txt.reason}) beats number {num}",
                                candidates=(code.id,), flags=("number_text_disagree",))
        return ChoiceResult(code.id, 0.5, f"number {num} disagrees with text ({txt.reason})",
                            candidates=(txt.code,), flags=("number_text_disagree",))

    def _read_text(self, f: str, shown: str) -> ChoiceResult:
        """Text without an area number, read by words, then settled by the manual's rules."""
        if self._manual is None:
            return self._read_words(f, shown)
        ambiguous = self._manual.ambiguous(f, shown)
        if ambiguous is not None:
            return ambiguous
        r = self._manual.settle(self._read_words(f, shown), f)
        if self._read_rules and (r.score < 0.8 or {"weak", "unmatched"} & set(r.flags)) \
                and not {"ambiguous", "two_areas"} & set(r.flags):
            return self._manual.by_rules(shown, r)
        return r

    def _by_name(self, f: str, shown: str, ties: list[str], cov1: float) -> ChoiceResult | None:
        """A whole-phrase hit on a name (exact after folding, or close by edit distance)."""
        phrase = self._phrase_hit(f)
        if phrase is None:
            return None
        cid, kind, name, sim = phrase
        if cid in ties and len(ties) > 1:
            ties.remove(cid)
            return self._ambiguous([cid] + ties, shown, f"{kind} '{name}'")
        if sim >= 0.999:
            exact_shown = fold(shown) == fold(name) and shown != name
            if shown == name or not exact_shown:
                return ChoiceResult(cid, 0.99, f"{kind} '{name}'")
            return ChoiceResult(cid, 0.985, f"fuzzy '{shown}'~'{name}'")
        if cid == ties[0] or cov1 < 0.5:
            return ChoiceResult(cid, round(0.93 + 0.05 * max(0.0, sim - 0.9) / 0.1, 3), f"fuzzy '{shown}'~'{name}'")
        return None

    def _read_words(self, f: str, shown: str) -> ChoiceResult:
        """Text without an area number. ``f`` is cleaned and folded."""
        alltoks = tokens(f)
        toks = content(alltoks)
        if not toks:
            return self._unmatched(shown, "no words")
        head = HEAD_RE.match(f)
        if head and head.group(1) in self._phrases and f not in self._phrases:
            # "Övrigt: lönen", "Intro - bra": the respondent named the area, then commented
            r = self._read_text(head.group(1), head.group(1))
            if r.score >= 0.95 and not r.flags:
                return ChoiceResult(r.code, 0.95, f"{r.reason} before '{f[head.end(1):].strip()[:1]}'")
        scored = self._score(toks, alltoks, shown.lower())
        ranking = self._rank(scored)
        if not ranking:
            return self._split_or(f, shown, self._unmatched(shown, "no area words"))
        best, cov1 = ranking[0]
        ties = [cid for cid, cv in ranking if cv >= cov1 - 0.02]
        ties.sort(key=lambda cid: (-scored.name_cov.get(cid, 0), self._order[cid]))
        cov2 = next((cv for cid, cv in ranking if cid not in ties), 0.0)

        named = self._by_name(f, shown, ties, cov1)
        if named is not None:
            return named

        if cov1 < 0.75:
            split = self._two_areas(f, shown)
            if split is not None:
                return split
        if len(ties) > 1 and cov1 >= 0.6:
            return self._ambiguous(ties, shown, "words fit several areas")
        if cov1 < 0.3:
            if cov1 >= 0.15 and cov1 - cov2 >= 0.05:
                # a hint, not a claim: respondents rarely mean Övrigt without saying so
                cands = dedup([cid for cid, _ in ranking[1:3]] + [self.other.id if self.other else None],
                               exclude=best)
                return ChoiceResult(best, 0.5, f"weak ({self._explain(toks, best, scored)})",
                                    candidates=cands, flags=("weak",))
            return self._unmatched(shown, "weak match", [best])
        margin = cov1 - cov2
        score = 0.5 + 0.49 * min(1.0, cov1) * min(1.0, margin / 0.3)
        name_cov = scored.name_cov.get(best, 0.0)
        matched = sum(1 for m in scored.per_tok if m.get(best, 0.0) > 0)
        if cov1 < 0.85 or (name_cov < 0.5 and matched < 2):
            # the cell relies on description words, leaves words unexplained, or shares only a
            # generic word with a long name ("handläggare"): worth a look
            score = min(score, 0.85)
        kind = "partial title" if name_cov >= 0.5 and cov1 >= 0.85 else "words"
        cands = tuple(cid for cid, cv in ranking[1:3] if cv >= 0.3) if score < BULK_THRESHOLD else ()
        return ChoiceResult(best, round(score, 3), f"{kind} ({self._explain(toks, best, scored)})",
                            candidates=cands)

    def _split_or(self, f: str, shown: str, fallback: ChoiceResult) -> ChoiceResult:
        split = self._two_areas(f, shown)
        return split if split is not None else fallback

    def _two_areas(self, f: str, shown: str) -> ChoiceResult | None:
        parts = [p for p in SPLIT_RE.split(f) if p and content(tokens(p))]
        if len(parts) < 2:
            return None
        codes: list[str] = []
        alt: list[str] = []
        for p in parts:
            r = self._read_text(p, p)
            if r.code is None or "unmatched" in r.flags or (r.score < 0.5 and "ambiguous" not in r.flags):
                continue
            if r.code not in codes:
                codes.append(r.code)
            alt.extend(r.candidates)
        if len(codes) < 2:
            return None
        cands = dedup(codes[1:] + alt, exclude=codes[0])
        return ChoiceResult(codes[0], 0.45, f"names two areas: '{shown}'", candidates=cands, flags=("two_areas",))

    def _ambiguous(self, ids: list[str], shown: str, why: str) -> ChoiceResult:
        ids = dedup(ids)
        # two readings, the first being the one the codebook lists the words under as an alias
        # ("administrativt stöd" -> 6): usually that one is meant, but a human should confirm
        score = 0.4 if len(ids) > 2 else (0.7 if why.startswith("alias") else 0.55)
        return ChoiceResult(ids[0], score, f"ambiguous '{shown}': {why}", candidates=tuple(ids[1:]),
                            flags=("ambiguous",))

    def _unmatched(self, shown: str, why: str, cands: list[str] | None = None) -> ChoiceResult:
        if self.other is None:
            return ChoiceResult(None, 0.2, f"unmatched '{shown}' ({why})", tuple(cands or ()), ("unmatched",))
        return ChoiceResult(self.other.id, 0.5, f"unmatched '{shown}' ({why}) -> {self.other.label}",
                            tuple(c for c in (cands or ()) if c != self.other.id), ("unmatched",))

    @staticmethod
    def _with_flag(r: ChoiceResult, flag: str, prefix: str) -> ChoiceResult:
        return ChoiceResult(r.code, min(r.score, 0.5), prefix + r.reason, r.candidates, r.flags + (flag,))

    # ------------------------------------------------------------------------- scoring

    def _phrase_hit(self, f: str) -> tuple[str, str, str, float] | None:
        hits = self._phrases.get(f)
        if hits:
            cid, kind, name = hits[0]
            return cid, kind, name, 1.0
        if len(f) < 6:
            return None
        m = process.extractOne(f, self._phrase_keys, scorer=fuzz.ratio, score_cutoff=88)
        if m is None:
            return None
        key, sim, _ = m
        # edit distance must stay small in absolute terms too ("adm stöd" vs "adm stöd hl")
        if Levenshtein.distance(f, key) > max(1, len(key) // 6):
            return None
        cid, kind, name = self._phrases[key][0]
        return cid, kind, name, sim / 100.0

    def _token_matches(self, tok: str) -> dict[str, float]:
        """code id -> best evidence quality x weight for one folded token."""
        hit = self._tokcache.get(tok)
        if hit is not None:
            return hit
        out: dict[str, float] = {}

        def take(d: dict[str, float] | None, q: float) -> None:
            if d:
                for cid, w in d.items():
                    v = q * w
                    if v > out.get(cid, 0.0):
                        out[cid] = v

        take(self._vocab.get(tok), Q_EXACT)
        for v in self._lemsurface.get(lemma(tok), ()):
            # same lemma; a homograph lemma ("lokalt"/"lokaler" -> lokal) counts for less
            take(self._vocab[v], Q_LEMMA if (v.startswith(tok) or tok.startswith(v)) else Q_LEMMA - 0.1)
        for full in ABBREV.get(tok, ()):
            take(self._vocab.get(full), Q_ABBR)
            for v in self._lemsurface.get(lemma(full), ()):
                take(self._vocab[v], Q_ABBR * Q_LEMMA)
            for v in self._prefixed(full):
                take(self._vocab[v], Q_ABBR * Q_PREFIX)
        if not out or max(out.values()) < Q_LEMMA:
            if len(tok) >= 3:
                for v in self._prefixed(tok):           # "intro" -> introduktion, "adm" -> administrativt
                    take(self._vocab[v], Q_PREFIX if len(tok) >= 4 or len(v) <= 6 else Q_PREFIX * 0.95)
            if len(tok) >= 5:
                forms = {tok, lemma(tok)}
                for v in self._vocab:
                    for w in forms:
                        if v == w:
                            continue
                        longer = max(len(v), len(w))
                        if len(v) >= 5 and w.endswith(v):
                            take(self._vocab[v], Q_PREFIX)  # same head: socionomstudenter ~ studenter
                        elif len(v) >= 5 and (v.endswith(w) or w.startswith(v)):
                            # handledning ~ ärendehandledning; the longer the shared part, the surer
                            take(self._vocab[v], 0.55 + 0.35 * min(len(v), len(w)) / longer)
                        elif len(v) >= 6 and v[-1] in "ea" and w.startswith(v[:-1]) and len(w) >= len(v) + 3:
                            take(self._vocab[v], Q_COMPOUND - 0.1)  # brukarundersökning ~ brukare
                        else:
                            p = common_prefix(v, w)
                            if p >= 7 and p >= 0.6 * longer:
                                take(self._vocab[v], 0.55 + 0.35 * p / longer)  # medhandläggning ~ medhandläggarskap
            if not out and len(tok) >= 5:
                for v, sim, _ in process.extract(tok, self._sorted_vocab, scorer=fuzz.ratio,
                                                 score_cutoff=80, limit=3):
                    if Levenshtein.distance(tok, v) <= max(1, len(v) // 5):
                        take(self._vocab[v], 0.9 * sim / 100.0)
        if len(self._tokcache) < 200_000:
            self._tokcache[tok] = out
        return out

    def _prefixed(self, tok: str) -> list[str]:
        i = bisect_left(self._sorted_vocab, tok)
        out = []
        while i < len(self._sorted_vocab) and self._sorted_vocab[i].startswith(tok):
            if self._sorted_vocab[i] != tok:
                out.append(self._sorted_vocab[i])
            i += 1
        return out

    def _score(self, toks: list[str], alltoks: list[str], text: str) -> Scored:
        pat, strong, vetoed = self._pattern_evidence(alltoks, text)
        per_tok = []
        for t in toks:
            m = self._token_matches(t)
            extra = pat.get(t)
            if extra:
                m = dict(m)
                for cid, q in extra.items():
                    m[cid] = max(m.get(cid, 0.0), q)
            per_tok.append(m)
        # unknown words count, but less; quantifiers ("fler", "mer") modify rather than name
        weights = [0.5 if t in MODIFIERS else (1.0 if m else 0.6) for t, m in zip(toks, per_tok)]
        total = sum(weights)
        cov: dict[str, float] = {}
        for m, w in zip(per_tok, weights):
            for cid, q in m.items():
                cov[cid] = cov.get(cid, 0.0) + q * w
        cov = {cid: v / total for cid, v in cov.items() if cid not in vetoed}
        name_cov: dict[str, float] = {}
        for cid in cov:
            best = 1.0 if cid in strong else 0.0
            for name in self._names[cid]:
                covered = sum(1 for n in name if any(self._tok_is(t, n, cid) for t in toks))
                best = max(best, covered / len(name))
            name_cov[cid] = best
        return Scored(cov, name_cov, len(toks), per_tok)

    def _pattern_evidence(self, alltoks: list[str], text: str
                          ) -> tuple[dict[str, dict[str, float]], set[str], set[str]]:
        """The codebook's rule patterns read on one cell: token -> {code: quality}, the codes
        hit by a strong pattern, and the codes an exclude pattern vetoes."""
        lems = [lemma(t) for t in alltoks]
        words = set(alltoks) | set(lems)
        joined = " ".join(alltoks)
        ev: dict[str, dict[str, float]] = {}
        strong: set[str] = set()
        vetoed: set[str] = set()
        for cid, pats, excl in self._compiled:
            if any(pattern_matches(p, alltoks, lems, words, joined, text) for p in excl):
                vetoed.add(cid)
                continue
            for p in pats:
                idx = pattern_matches(p, alltoks, lems, words, joined, text)
                if not idx:
                    continue
                if p.kind == "part":  # a word the codebook names as another area is not read by its parts
                    idx = [i for i in idx if not self._named_elsewhere(alltoks[i], p.value, cid)]
                    if not idx:
                        continue
                q = 0.5 + 0.5 * p.weight
                if p.weight >= 0.75:
                    strong.add(cid)
                for i in idx:
                    d = ev.setdefault(alltoks[i], {})
                    d[cid] = max(d.get(cid, 0.0), q)
        return ev, strong, vetoed

    def _named_elsewhere(self, tok: str, part: str, cid: str) -> bool:
        """Whether ``tok`` holds ``part`` only inside a word that names another area (alias or
        title): "dubbelbemanning" is area 9's word, so its "bemanning" is no evidence for 3."""
        if tok == part:
            return False
        names = {c for c, w in self._vocab.get(tok, {}).items() if w >= NAME}
        return bool(names) and cid not in names

    def _tok_is(self, tok: str, name_tok: str, cid: str) -> bool:
        if tok == name_tok:
            return True
        m = self._token_matches(tok)
        return m.get(cid, 0.0) >= 0.75 and (
            name_tok.startswith(tok) or lemma(tok) == lemma(name_tok)
            or (len(name_tok) >= 5 and tok.endswith(name_tok))
            or any(name_tok == full or name_tok.startswith(full) for full in ABBREV.get(tok, ()))
            or Levenshtein.distance(tok, name_tok) <= max(1, len(name_tok) // 5))

    def _rank(self, s: Scored) -> list[tuple[str, float]]:
        return sorted(((cid, cv) for cid, cv in s.cov.items() if cv > 0),
                      key=lambda x: (-x[1], -s.name_cov.get(x[0], 0.0), self._order[x[0]]))

    def _explain(self, toks: list[str], cid: str, scored: Scored) -> str:
        used = [t for t, m in zip(toks, scored.per_tok) if m.get(cid, 0) > 0]
        return ", ".join(used[:4]) or "-"

