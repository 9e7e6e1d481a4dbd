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
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from qualcode.codebook import AREA_GROUP, Code, Codebook

# Chosen from the calibration tables printed by scripts/eval_choices.py. On the demo corpus
# (702 cells of survey_ht2018) every cell scored above 0.75 was right; 0.9 leaves a margin for
# respondents who write things the corpus does not, and still lets 93 % of cells through
# (100 % right). Evidence tiers that always fall below it by construction: ambiguous (0.4-0.7),
# two areas (0.45), number/text disagreement (0.5-0.55), weak or unmatched (0.5), and
# description-only paraphrase or a single generic word (capped at 0.85).
BULK_THRESHOLD: float = 0.9


@dataclass(frozen=True)
class ChoiceResult:
    code: str | None
    score: float
    reason: str
    candidates: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- text helpers

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a",
                       "ø": "o", "á": "a", "à": "a", "í": "i", "ó": "o", "ú": "u"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2019": "'",
                         "\u201d": '"', "\u201c": '"'})
_TOKEN_RE = re.compile(r"[a-zåäöéèüæøáàíóú]+|\d+")

# Function words and evaluative filler carry no area information ("mer stöd", "bättre intro").
_STOP = frozenset("""
och o & till av for i pa som med att det en ett den de ar om samt eller vi har battre bra mycket lite storre okad okat okade ha fa kunna ocksa ju nog inom fran
hos var vara vart oss sig sin sina sitt all alla allt kring del mm etc osv typ t ex tex ex bl
blir bli finns fatt gjort nu an sa jag man dom dem deras hela helt gott god goda ny nya nytt
ga kommit langst behov behover storst vad ej inte utan just sarskilt framfor allt samma
""".split())

# Quantifiers: they say "more of", which alone points at staffing (3), but they modify the
# area word that follows rather than name an area ("fler samtalsrum" is about rooms).
_MODIFIERS = frozenset(["fler", "flera", "mer", "mera", "farre", "mindre"])

# Common shorthands in Swedish social services that no prefix rule recovers.
_ABBREV: dict[str, tuple[str, ...]] = {
    "hl": ("handlaggare",), "hdl": ("handlaggare",), "hlg": ("handlaggare",),
    "handl": ("handlaggare",), "hand": ("handlaggare",),
    "bh": ("bistandshandlaggare",), "bhl": ("bistandshandlaggare",),
    "bist": ("bistandshandlaggare",), "bistand": ("bistandshandlaggare",),
    "ssk": ("socialsekreterare",), "socsek": ("socialsekreterare",),
    "socsekr": ("socialsekreterare",), "soc": ("socialsekreterare",),
    "sekr": ("socialsekreterare",), "socialsek": ("socialsekreterare",),
    "adm": ("administrativt",), "admin": ("administrativt",), "administration": ("administrativt",),
    "komp": ("kompetens",), "utv": ("utvecklingsforum",), "utb": ("utbildning",),
    "spec": ("specialistutbildning",), "it": ("arbetsredskap",), "pc": ("arbetsredskap",),
    "chef": ("chefer",), "ledare": ("ledning",), "ledarskap": ("ledning",),
    "mentorer": ("mentor",), "praktik": ("praktikanter",), "kollegor": ("medarbetare",),
    "kollega": ("medarbetare",), "personal": ("medarbetare",),
}

_NO_ANSWER = frozenset("""
vet ej|vet inte|vetej|vet ej.|ingen aning|inget svar|ej svar|ingen|inget|inga|se ovan|som ovan|
samma|samma som ovan|samma som ovanfor|se ovanstaende|se ovanfor|dito|ditto|d:o|do|ej aktuellt|
ej relevant|ej tillampligt|inte aktuellt|kan ej svara|kan inte svara|kan ej bedoma|kan inte bedoma|
vet ej/kan ej bedoma|ingen uppfattning|ingen asikt|har ingen asikt|har ingen uppfattning|n/a|na|x|
nej|ingen kommentar|inget att tillagga|inga fler|inget mer|inget annat|ej besvarad|ej besvarat|
obesvarad|blank|tomt|saknas|-|ovan|#null!|#null|null|none|nan
""".replace("\n", "").split("|"))
_NO_ANSWER_RE = re.compile(r"^(?:[\W_]*|(?:se|som|samma som|enl(?:igt)?)\s+(?:ovan|ovanst[aå]ende|f[oö]reg[aå]ende|fr[aå]ga \d+|svar \d+).*|samma\b.*|vet (?:ej|inte)\b.*|kan (?:ej|inte) (?:svara|bed[oö]ma)\b.*)$")

_MARK = r"(?:punkt|pkt|p|nr|nummer|no|n:o|omr[aå]de|omr|fokusomr[aå]de|fo|#|alt|alternativ)"
_LEAD_NUM_RE = re.compile(rf"^\s*(?:{_MARK}\s*[.:]?\s*)?(\d{{1,2}})(?![\d,.]\d)\s*(?:[).:\]\-]|,|\s|$)\s*(.*)$")
_MARKED_NUM_RE = re.compile(rf"(?:\b{_MARK}\s*[.:]?\s*(\d{{1,2}})\b|\(\s*(\d{{1,2}})\s*\)|\[\s*(\d{{1,2}})\s*\])")
_TRAIL_NUM_RE = re.compile(r"^(.*?[^\d\s])(?:\s*[-:=]\s*|\s+)(\d{1,2})\s*$")
_ONLY_NUMS_RE = re.compile(rf"^(?:(?:{_MARK}\s*[.:]?\s*)?\d{{1,2}}\s*[).:]?\s*(?:,|;|/|&|\+|och|o|samt|resp|respektive|-|\s)\s*)+(?:{_MARK}\s*[.:]?\s*)?\d{{1,2}}\s*[).:]?\s*$")
_HEAD_RE = re.compile(r"^([^:\-]{2,40}?)\s*(?::|\s-\s?)\s*\S")
_SPLIT_RE = re.compile(r"\s*(?:\boch\b|\bsamt\b|\bresp(?:ektive)?\b|&|\+|,|;|/|\n|\s-\s|\bo\b)\s*")


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "").translate(_DASHES).lower()
    t = " ".join(t.split())
    return t.strip(" \t\"'*.·•!")


def _fold(s: str) -> str:
    return s.translate(_FOLD)


def _tokens(s: str) -> list[str]:
    return _TOKEN_RE.findall(s)


@lru_cache(maxsize=200_000)
def _lemma(tok: str) -> str:
    try:
        import simplemma

        return _fold(simplemma.lemmatize(tok, lang="sv").lower())
    except Exception:  # pragma: no cover - simplemma is a dependency; degrade, don't fail
        return _fold(tok)


def _content(tokens: Iterable[str]) -> list[str]:
    """Folded, non-stopword, non-numeric tokens of already cleaned text."""
    out = []
    for t in tokens:
        f = _fold(t)
        if f in _STOP or f.isdigit() or len(f) < 2:
            continue
        out.append(f)
    return out


# ----------------------------------------------------------------------------- the index

_NAME, _CONTEXT = 1.0, 0.4        # weight of a word from a code's names vs its description
_Q_EXACT, _Q_LEMMA, _Q_ABBR, _Q_PREFIX, _Q_COMPOUND = 1.0, 0.9, 0.95, 0.88, 0.8


@dataclass
class _Scored:
    cov: dict[str, float]          # code id -> share of the cell's words it explains (0-1)
    name_cov: dict[str, float]     # code id -> share of its best-covered name the cell covers
    n_tokens: int
    per_tok: list[dict[str, float]]


@dataclass(frozen=True)
class _CPattern:
    """A codebook pattern prepared for matching folded cell tokens."""

    kind: str
    value: str = ""
    weight: float = 0.8
    near: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    seq: tuple[str, ...] = ()
    lseq: tuple[str, ...] = ()
    rx: re.Pattern[str] | None = None
    seq_sets: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()


def _compile_pattern(p: object) -> _CPattern | None:
    kind, value = getattr(p, "kind", ""), getattr(p, "value", None)
    near = frozenset(_fold(w.lower()) for w in getattr(p, "near", ()))
    unless = frozenset(_fold(w.lower()) for w in getattr(p, "unless", ()))
    weight = float(getattr(p, "weight", 0.8))
    if kind in ("part", "lemma") and isinstance(value, str):
        return _CPattern(kind, _fold(value.lower()), weight, near, unless)
    if kind == "phrase" and isinstance(value, str):
        seq = tuple(_fold(t) for t in _tokens(value.lower()))
        return _CPattern(kind, "", weight, near, unless, seq, tuple(_lemma(t) for t in seq)) if seq else None
    if kind == "regex" and isinstance(value, str):
        try:
            return _CPattern(kind, "", weight, near, unless, rx=re.compile(value, re.IGNORECASE))
        except re.error:
            return None
    if kind == "matcher" and isinstance(value, list):
        sets = []
        for tok in value:
            if not isinstance(tok, dict):
                return None
            surf: set[str] = set()
            lem: set[str] = set()
            for key, val in tok.items():
                vals = [val] if isinstance(val, str) else (val.get("IN") if isinstance(val, dict) else None)
                if key.startswith("__"):
                    continue
                if not isinstance(vals, list) or key.upper() not in ("LOWER", "TEXT", "ORTH", "LEMMA", "NORM"):
                    return None  # richer matchers (OP, POS, ...) are the rule engine's business
                target = lem if key.upper() == "LEMMA" else surf
                target.update(_fold(str(v).lower()) for v in vals)
            if not surf and not lem:
                return None
            sets.append((frozenset(surf), frozenset(lem)))
        return _CPattern(kind, "", weight, near, unless, seq_sets=tuple(sets))
    return None


def group_fingerprint(codebook: Codebook, group: str = AREA_GROUP) -> str:
    """What the normaliser's reading of any cell depends on: every code of the group (names,
    aliases, descriptions, patterns), this module's source and the versions of the fuzzy
    matcher and the lemmatizer it uses.
    A choice field whose fingerprint is unchanged need not be read again."""
    import hashlib
    import importlib.metadata
    from pathlib import Path
    h = hashlib.sha1(Path(__file__).read_bytes())
    for package in ("rapidfuzz", "simplemma"):
        h.update(importlib.metadata.version(package).encode())
    for c in codebook.in_group(group):
        h.update(b"\x1e" + c.content_key().encode("utf-8"))
    return h.hexdigest()


class ChoiceNormaliser:
    """Reads choice cells against one group of a codebook; build once, call many times."""

    def __init__(self, codebook: Codebook, group: str = AREA_GROUP) -> None:
        self.codes: list[Code] = codebook.in_group(group)
        if not self.codes:
            raise ValueError(f"codebook has no codes in group {group!r}")
        self.by_number: dict[int, Code] = {c.number: c for c in self.codes if c.number is not None}
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
                cl = _clean(name)
                if not cl:
                    continue
                self._phrases.setdefault(_fold(cl), []).append((c.id, kind, cl))
                toks = _content(_tokens(cl))
                if toks:
                    self._names[c.id].append(toks)
                for t in toks:
                    add(t, c.id, _NAME)
            context = " ".join([c.description, c.includes] + [_pattern_text(p.value) for p in c.patterns])
            for t in _content(_tokens(_clean(context))):
                add(t, c.id, _CONTEXT)
        self._vocab = vocab
        self._compiled: list[tuple[str, list[_CPattern], list[_CPattern]]] = []
        for c in self.codes:
            pats = [cp for cp in map(_compile_pattern, c.patterns) if cp is not None]
            excl = [cp for cp in map(_compile_pattern, c.exclude) if cp is not None]
            if pats or excl:
                self._compiled.append((c.id, pats, excl))
        self._lemsurface: dict[str, list[str]] = {}
        for v in vocab:
            self._lemsurface.setdefault(_lemma(v), []).append(v)
        self._sorted_vocab = sorted(vocab)
        self._phrase_keys = list(self._phrases)

    # ------------------------------------------------------------------------- public

    def normalise(self, text: str) -> ChoiceResult:
        """One cell; results are cached by cleaned text because answers repeat."""
        key = _clean(text if isinstance(text, str) else ("" if text is None else str(text)))
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
        f = _fold(t)
        if not t or f in _NO_ANSWER or _NO_ANSWER_RE.match(f):
            shown = t if t else ""
            return ChoiceResult(None, 0.98, f"no answer '{shown}'", flags=("no_answer",))

        # several bare numbers: "6 och 9", "2, 6"
        if _ONLY_NUMS_RE.match(f) and len(re.findall(r"\d{1,2}", f)) >= 2:
            nums = [int(n) for n in re.findall(r"\d{1,2}", f)]
            ids = _dedup(self.by_number[n].id for n in nums if n in self.by_number)
            if len(ids) >= 2:
                return ChoiceResult(ids[0], 0.45, f"numbers {', '.join(map(str, nums))}",
                                    candidates=tuple(ids[1:]), flags=("two_areas",))
            if len(ids) == 1:
                return ChoiceResult(ids[0], 0.9, f"number {nums[0]} (repeated)")

        num, rest = self._number(f)
        if num is not None:
            rest = _unfold_like(t, f, rest)
            code = self.by_number.get(num)
            if code is None:
                if not _content(_tokens(rest)):
                    return ChoiceResult(None, 0.2, f"number {num} is not an area", flags=("invalid_number",))
                return self._with_flag(self._read_text(_fold(rest), rest), "invalid_number",
                                       f"number {num} is not an area; ")
            return self._number_and_text(num, code, rest)
        return self._read_text(f, t)

    def _number(self, f: str) -> tuple[int | None, str]:
        m = _LEAD_NUM_RE.match(f)
        if m:
            return int(m.group(1)), m.group(2).strip(" -:.,()")
        m = _MARKED_NUM_RE.search(f)
        if m:
            n = next(g for g in m.groups() if g)
            rest = (f[:m.start()] + " " + f[m.end():]).strip(" -:.,()")
            return int(n), rest
        m = _TRAIL_NUM_RE.match(f)
        if m:
            return int(m.group(2)), m.group(1).strip(" -:.,()")
        return None, f

    def _number_and_text(self, num: int, code: Code, rest: str) -> ChoiceResult:
        if not _content(_tokens(rest)):
            return ChoiceResult(code.id, 0.995, f"number {num}")
        txt = self._read_text(_fold(rest), rest)
        if txt.code == code.id:
            return ChoiceResult(code.id, 0.998, f"number {num} + text agrees ({txt.reason})")
        if code.id in txt.candidates:
            return ChoiceResult(code.id, 0.99, f"number {num} settles text ({txt.reason})")
        if "unmatched" in txt.flags or txt.score < 0.6:
            return ChoiceResult(code.id, 0.97, f"number {num} (text '{rest}' unclear)")
        if "two_areas" in txt.flags:
            return ChoiceResult(code.id, 0.5, f"number {num}, but text names two areas ({txt.reason})",
                                candidates=_dedup((txt.code,) + txt.candidates, exclude=code.id),
                                flags=("two_areas", "number_text_disagree"))
        # A clear text beats a bare digit: respondents slip on numbers more than on names.
        if txt.score >= 0.95:
            return ChoiceResult(txt.code, 0.55, f"text '{rest}' ({txt.reason}) disagrees with number {num}",
                                candidates=(code.id,), flags=("number_text_disagree",))
        return ChoiceResult(code.id, 0.5, f"number {num} disagrees with text ({txt.reason})",
                            candidates=(txt.code,), flags=("number_text_disagree",))

    def _read_text(self, f: str, shown: str) -> ChoiceResult:
        """Text without an area number. ``f`` is cleaned and folded."""
        alltoks = _tokens(f)
        toks = _content(alltoks)
        if not toks:
            return self._unmatched(shown, "no words")
        head = _HEAD_RE.match(f)
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

        # Whole-phrase hit on a name (exact after folding, or close by edit distance).
        phrase = self._phrase_hit(f)
        if phrase is not None:
            cid, kind, name, sim = phrase
            if cid in ties and len(ties) > 1:
                ties.remove(cid)
                return self._ambiguous([cid] + ties, shown, f"{kind} '{name}'")
            if sim >= 0.999:
                exact_shown = _fold(shown) == _fold(name) and shown != name
                if shown == name or not exact_shown:
                    return ChoiceResult(cid, 0.99, f"{kind} '{name}'")
                return ChoiceResult(cid, 0.985, f"fuzzy '{shown}'~'{name}'")
            if cid == ties[0] or cov1 < 0.5:
                return ChoiceResult(cid, round(0.93 + 0.05 * max(0.0, sim - 0.9) / 0.1, 3),
                                    f"fuzzy '{shown}'~'{name}'")

        if cov1 < 0.75:
            split = self._two_areas(f, shown)
            if split is not None:
                return split
        if len(ties) > 1 and cov1 >= 0.6:
            return self._ambiguous(ties, shown, "words fit several areas")
        if cov1 < 0.3:
            if cov1 >= 0.15 and cov1 - cov2 >= 0.05:
                # a hint, not a claim: respondents rarely mean Övrigt without saying so
                cands = _dedup([cid for cid, _ in ranking[1:3]] + [self.other.id if self.other else None],
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
        parts = [p for p in _SPLIT_RE.split(f) if p and _content(_tokens(p))]
        if len(parts) < 2:
            return None
        codes: list[str] = []
        alt: list[str] = []
        for p in parts:
            r = self._read_text(p, p)
            if r.code is None or "unmatched" in r.flags or r.score < 0.5:
                continue
            if r.code not in codes:
                codes.append(r.code)
            alt.extend(r.candidates)
        if len(codes) < 2:
            return None
        cands = _dedup(codes[1:] + alt, exclude=codes[0])
        return ChoiceResult(codes[0], 0.45, f"names two areas: '{shown}'", candidates=cands, flags=("two_areas",))

    def _ambiguous(self, ids: list[str], shown: str, why: str) -> ChoiceResult:
        ids = _dedup(ids)
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

        take(self._vocab.get(tok), _Q_EXACT)
        for v in self._lemsurface.get(_lemma(tok), ()):
            # same lemma; a homograph lemma ("lokalt"/"lokaler" -> lokal) counts for less
            take(self._vocab[v], _Q_LEMMA if (v.startswith(tok) or tok.startswith(v)) else _Q_LEMMA - 0.1)
        for full in _ABBREV.get(tok, ()):
            take(self._vocab.get(full), _Q_ABBR)
            for v in self._lemsurface.get(_lemma(full), ()):
                take(self._vocab[v], _Q_ABBR * _Q_LEMMA)
            for v in self._prefixed(full):
                take(self._vocab[v], _Q_ABBR * _Q_PREFIX)
        if not out or max(out.values()) < _Q_LEMMA:
            if len(tok) >= 3:
                for v in self._prefixed(tok):           # "intro" -> introduktion, "adm" -> administrativt
                    take(self._vocab[v], _Q_PREFIX if len(tok) >= 4 or len(v) <= 6 else _Q_PREFIX * 0.95)
            if len(tok) >= 5:
                forms = {tok, _lemma(tok)}
                for v in self._vocab:
                    for w in forms:
                        if v == w:
                            continue
                        longer = max(len(v), len(w))
                        if len(v) >= 5 and w.endswith(v):
                            take(self._vocab[v], _Q_PREFIX)  # same head: socionomstudenter ~ studenter
                        elif len(v) >= 5 and (v.endswith(w) or w.startswith(v)):
                            # handledning ~ ärendehandledning; the longer the shared part, the surer
                            take(self._vocab[v], 0.55 + 0.35 * min(len(v), len(w)) / longer)
                        elif len(v) >= 6 and v[-1] in "ea" and w.startswith(v[:-1]) and len(w) >= len(v) + 3:
                            take(self._vocab[v], _Q_COMPOUND - 0.1)  # brukarundersökning ~ brukare
                        else:
                            p = _common_prefix(v, w)
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

    def _score(self, toks: list[str], alltoks: list[str], text: str) -> _Scored:
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
        weights = [0.5 if t in _MODIFIERS else (1.0 if m else 0.6) for t, m in zip(toks, per_tok)]
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
        return _Scored(cov, name_cov, len(toks), per_tok)

    def _pattern_evidence(self, alltoks: list[str], text: str
                          ) -> tuple[dict[str, dict[str, float]], set[str], set[str]]:
        """The codebook's rule patterns read on one cell: token -> {code: quality}, the codes
        hit by a strong pattern, and the codes an exclude pattern vetoes."""
        lems = [_lemma(t) for t in alltoks]
        words = set(alltoks) | set(lems)
        joined = " ".join(alltoks)
        ev: dict[str, dict[str, float]] = {}
        strong: set[str] = set()
        vetoed: set[str] = set()
        for cid, pats, excl in self._compiled:
            if any(self._pmatch(p, alltoks, lems, words, joined, text) for p in excl):
                vetoed.add(cid)
                continue
            for p in pats:
                idx = self._pmatch(p, alltoks, lems, words, joined, text)
                if not idx:
                    continue
                q = 0.5 + 0.5 * p.weight
                if p.weight >= 0.75:
                    strong.add(cid)
                for i in idx:
                    d = ev.setdefault(alltoks[i], {})
                    d[cid] = max(d.get(cid, 0.0), q)
        return ev, strong, vetoed

    @staticmethod
    def _pmatch(p: "_CPattern", toks: list[str], lems: list[str], words: set[str], joined: str,
                text: str) -> list[int]:
        if p.near and not any(w in words or (" " in w and w in joined) for w in p.near):
            return []
        if p.unless and any(w in words or any(t.startswith(w) for t in toks) for w in p.unless):
            return []
        if p.kind == "part":
            return [i for i, t in enumerate(toks) if p.value in t]
        if p.kind == "lemma":
            return [i for i, (t, lm) in enumerate(zip(toks, lems)) if p.value in (t, lm)]
        if p.kind == "phrase":
            n = len(p.seq)
            for i in range(len(toks) - n + 1):
                if all(toks[i + j] == p.seq[j] or lems[i + j] == p.lseq[j] for j in range(n)):
                    return list(range(i, i + n))
            return []
        if p.kind == "regex" and p.rx is not None:
            m = p.rx.search(text)
            if not m:
                return []
            hit = set(_TOKEN_RE.findall(_fold(m.group(0).lower())))
            return [i for i, t in enumerate(toks) if t in hit] or [0]
        if p.kind == "matcher" and p.seq_sets:
            n = len(p.seq_sets)
            for i in range(len(toks) - n + 1):
                if all((toks[i + j] in p.seq_sets[j][0]) or (lems[i + j] in p.seq_sets[j][1])
                       for j in range(n)):
                    return list(range(i, i + n))
        return []

    def _tok_is(self, tok: str, name_tok: str, cid: str) -> bool:
        if tok == name_tok:
            return True
        m = self._token_matches(tok)
        return m.get(cid, 0.0) >= 0.75 and (
            name_tok.startswith(tok) or _lemma(tok) == _lemma(name_tok)
            or (len(name_tok) >= 5 and tok.endswith(name_tok))
            or any(name_tok == full or name_tok.startswith(full) for full in _ABBREV.get(tok, ()))
            or Levenshtein.distance(tok, name_tok) <= max(1, len(name_tok) // 5))

    def _rank(self, s: _Scored) -> list[tuple[str, float]]:
        return sorted(((cid, cv) for cid, cv in s.cov.items() if cv > 0),
                      key=lambda x: (-x[1], -s.name_cov.get(x[0], 0.0), self._order[x[0]]))

    def _explain(self, toks: list[str], cid: str, scored: _Scored) -> str:
        used = [t for t, m in zip(toks, scored.per_tok) if m.get(cid, 0) > 0]
        return ", ".join(used[:4]) or "-"


def _pattern_text(v: object) -> str:
    if isinstance(v, str):
        return re.sub(r"[\\^$()\[\]{}|?*+.]", " ", v)
    if isinstance(v, list):
        words = []
        for tok in v:
            if isinstance(tok, dict):
                for val in tok.values():
                    if isinstance(val, str):
                        words.append(val)
                    elif isinstance(val, dict):
                        words.extend(x for x in val.get("IN", []) if isinstance(x, str))
        return " ".join(words)
    return ""


def _unfold_like(original: str, folded: str, part: str) -> str:
    """The stretch of ``original`` that ``part`` (a piece of its folded form) came from.

    Folding maps character for character, so positions carry over; reasons then quote the
    respondent's own spelling.
    """
    i = folded.find(part)
    if i < 0 or len(original) != len(folded):
        return part
    return original[i:i + len(part)]


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _dedup(ids: Iterable[str | None], exclude: str | None = None) -> tuple[str, ...]:
    out: list[str] = []
    for i in ids:
        if i and i != exclude and i not in out:
            out.append(i)
    return tuple(out)
