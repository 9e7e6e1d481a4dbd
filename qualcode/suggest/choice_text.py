"""How a hand-written choice cell is cut into words: folding, tokens, stop words, shorthands,
the non-answer forms and the number patterns, and the codebook patterns the normaliser reads.

Kept apart from ``choices.py`` so the tables a researcher may want to read or extend are in
one place and the normaliser holds only the reading order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

# ----------------------------------------------------------------------------- text helpers

FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a",
                       "ø": "o", "á": "a", "à": "a", "í": "i", "ó": "o", "ú": "u"})
DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2019": "'",
                         "\u201d": '"', "\u201c": '"'})
TOKEN_RE = re.compile(r"[a-zåäöéèüæøáàíóú]+|\d+")

# Function words and evaluative filler carry no area information ("mer stöd", "bättre intro").
STOP = frozenset("""
och o & till av for i pa som med att det en ett den de ar om samt eller vi har battre bra mycket lite storre okad okat okade ha fa kunna ocksa ju nog inom fran
hos var vara vart oss sig sin sina sitt all alla allt kring del mm etc osv typ t ex tex ex bl
blir bli finns fatt gjort nu an sa jag man dom dem deras hela helt gott god goda ny nya nytt
ga kommit langst behov behover storst vad ej inte utan just sarskilt framfor allt samma
mellan vid mot genom efter infor bland enligt
""".split())

# Quantifiers: they say "more of", which alone points at staffing (3), but they modify the
# area word that follows rather than name an area ("fler samtalsrum" is about rooms).
MODIFIERS = frozenset(["fler", "flera", "mer", "mera", "farre", "mindre"])

# Common shorthands in Swedish social services that no prefix rule recovers.
ABBREV: dict[str, tuple[str, ...]] = {
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

NO_ANSWER = frozenset("""
vet ej|vet inte|vetej|vet ej.|ingen aning|inget svar|ej svar|ingen|inget|inga|se ovan|som ovan|
samma|samma som ovan|samma som ovanfor|se ovanstaende|se ovanfor|dito|ditto|d:o|do|ej aktuellt|
ej relevant|ej tillampligt|inte aktuellt|kan ej svara|kan inte svara|kan ej bedoma|kan inte bedoma|
vet ej/kan ej bedoma|ingen uppfattning|ingen asikt|har ingen asikt|har ingen uppfattning|n/a|na|x|
nej|ingen kommentar|inget att tillagga|inga fler|inget mer|inget annat|ej besvarad|ej besvarat|
obesvarad|blank|tomt|saknas|-|ovan|#null!|#null|null|none|nan
""".replace("\n", "").split("|"))
NO_ANSWER_RE = re.compile(r"^(?:[\W_]*|(?:se|som|samma som|enl(?:igt)?)\s+(?:ovan|ovanst[aå]ende|f[oö]reg[aå]ende|fr[aå]ga \d+|svar \d+).*|samma\b.*|vet (?:ej|inte)\b.*|kan (?:ej|inte) (?:svara|bed[oö]ma)\b.*)$")

MARK = r"(?:punkt|pkt|p|nr|nummer|no|n:o|omr[aå]de|omr|fokusomr[aå]de|fo|#|alt|alternativ)"
LEAD_NUM_RE = re.compile(rf"^\s*(?:{MARK}\s*[.:]?\s*)?(\d{{1,2}})(?![\d,.]\d)\s*(?:[).:\]\-]|,|\s|$)\s*(.*)$")
MARKED_NUM_RE = re.compile(rf"(?:\b{MARK}\s*[.:]?\s*(\d{{1,2}})\b|\(\s*(\d{{1,2}})\s*\)|\[\s*(\d{{1,2}})\s*\])")
TRAIL_NUM_RE = re.compile(r"^(.*?[^\d\s])(?:\s*[-:=]\s*|\s+)(\d{1,2})\s*$")
ONLY_NUMS_RE = re.compile(rf"^(?:(?:{MARK}\s*[.:]?\s*)?\d{{1,2}}\s*[).:]?\s*(?:,|;|/|&|\+|och|o|samt|resp|respektive|-|\s)\s*)+(?:{MARK}\s*[.:]?\s*)?\d{{1,2}}\s*[).:]?\s*$")
HEAD_RE = re.compile(r"^([^:\-]{2,40}?)\s*(?::|\s-\s?)\s*\S")
SPLIT_RE = re.compile(r"\s*(?:\boch\b|\bsamt\b|\bresp(?:ektive)?\b|&|\+|,|;|/|\n|\s-\s|\bo\b)\s*")


@dataclass(frozen=True)
class ChoiceResult:
    code: str | None
    score: float
    reason: str
    candidates: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


DOTTED_LETTERS = re.compile(r"\b(?:\w\.){1,5}\w\b\.?")  # "v.f.u", "i.t." are the words vfu, it


def clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "").translate(DASHES).lower()
    t = DOTTED_LETTERS.sub(lambda m: m.group(0).replace(".", ""), " ".join(t.split()))
    return t.strip(" \t\"'*.·•!")


def fold(s: str) -> str:
    return s.translate(FOLD)


def tokens(s: str) -> list[str]:
    return TOKEN_RE.findall(s)


@lru_cache(maxsize=200_000)
def lemma(tok: str) -> str:
    try:
        import simplemma

        return fold(simplemma.lemmatize(tok, lang="sv").lower())
    except Exception:  # pragma: no cover - simplemma is a dependency; degrade, don't fail
        return fold(tok)


def content(tokens: Iterable[str]) -> list[str]:
    """Folded, non-stopword, non-numeric tokens of already cleaned text."""
    out = []
    for t in tokens:
        f = fold(t)
        if f in STOP or f.isdigit() or len(f) < 2:
            continue
        out.append(f)
    return out


# ----------------------------------------------------------------------------- the index

NAME, CONTEXT = 1.0, 0.4        # weight of a word from a code's names vs its description
Q_EXACT, Q_LEMMA, Q_ABBR, Q_PREFIX, Q_COMPOUND = 1.0, 0.9, 0.95, 0.88, 0.8


@dataclass
class Scored:
    cov: dict[str, float]          # code id -> share of the cell's words it explains (0-1)
    name_cov: dict[str, float]     # code id -> share of its best-covered name the cell covers
    n_tokens: int
    per_tok: list[dict[str, float]]


@dataclass(frozen=True)
class CPattern:
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


def compile_pattern(p: object) -> CPattern | None:
    kind, value = getattr(p, "kind", ""), getattr(p, "value", None)
    near = frozenset(fold(w.lower()) for w in getattr(p, "near", ()))
    unless = frozenset(fold(w.lower()) for w in getattr(p, "unless", ()))
    weight = float(getattr(p, "weight", 0.8))
    if kind in ("part", "lemma") and isinstance(value, str):
        return CPattern(kind, fold(value.lower()), weight, near, unless)
    if kind == "phrase" and isinstance(value, str):
        seq = tuple(fold(t) for t in tokens(value.lower()))
        return CPattern(kind, "", weight, near, unless, seq, tuple(lemma(t) for t in seq)) if seq else None
    if kind == "regex" and isinstance(value, str):
        try:
            return CPattern(kind, "", weight, near, unless, rx=re.compile(value, re.IGNORECASE))
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
                target.update(fold(str(v).lower()) for v in vals)
            if not surf and not lem:
                return None
            sets.append((frozenset(surf), frozenset(lem)))
        return CPattern(kind, "", weight, near, unless, seq_sets=tuple(sets))
    return None


def pattern_text(v: object) -> str:
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


def unfold_like(original: str, folded: str, part: str) -> str:
    """The stretch of ``original`` that ``part`` (a piece of its folded form) came from.

    Folding maps character for character, so positions carry over; reasons then quote the
    respondent's own spelling.
    """
    i = folded.find(part)
    if i < 0 or len(original) != len(folded):
        return part
    return original[i:i + len(part)]


def common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def dedup(ids: Iterable[str | None], exclude: str | None = None) -> tuple[str, ...]:
    out: list[str] = []
    for i in ids:
        if i and i != exclude and i not in out:
            out.append(i)
    return tuple(out)


def pattern_matches(p: CPattern, toks: list[str], lems: list[str], words: set[str], joined: str,
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
        hit = set(TOKEN_RE.findall(fold(m.group(0).lower())))
        return [i for i, t in enumerate(toks) if t in hit] or [0]
    if p.kind == "matcher" and p.seq_sets:
        n = len(p.seq_sets)
        for i in range(len(toks) - n + 1):
            if all((toks[i + j] in p.seq_sets[j][0]) or (lems[i + j] in p.seq_sets[j][1])
                   for j in range(n)):
                return list(range(i, i + n))
    return []
