"""Swedish words without a trained model: the lookup lexicon, lemma corrections, compound parts.

Rules match lemmas and compound parts, and Swedish writes compounds as one word
("lönefrågan", "arbetslokalerna"), so every word also carries the parts it is made of. The
lexicon is the Swedish lookup table of ``spacy-lookups-data``; forms it does not know are tried
without diacritics ("lonen" -> lön), as compounds (left part + lemma of a known head) and
finally with a light suffix stripper, so a lemma is never just "unknown". Measurements of the
lemmatizers against each other are in BENCHMARKS.md.
"""

from __future__ import annotations

import importlib.metadata
import marshal
import os
import sys
from pathlib import Path
from typing import Callable

from qualcode.errors import QualcodeError
from qualcode.nlp.abbreviations import expansion
from qualcode.nlp.tokens import PART, SEP, FOLD

LEMMATIZERS = ("lookup", "simplemma")
DEFAULT_LEMMATIZER = "lookup"

# ----------------------------------------------------------------------------- lexicon

_SUFFIXES = ("arnas", "ernas", "ornas", "heten", "heter", "arna", "erna", "orna", "ande", "ende", "aste",
             "arens", "aren", "ades", "ens", "ets", "het", "ast", "ade", "are", "or", "ar", "er", "en", "et",
             "na", "at", "a", "e", "s")
# how the left element of a compound is written: lön -> löne-, arbete -> arbets-, kvinna -> kvinno-
_LINKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("s", ("", "e", "a")), ("e", ("", "a")), ("o", ("a",)), ("u", ("a",)), ("a", ("",)), ("", ("", "a", "e")))
_MIN_PART = 3
_SHORT_HEAD_STOP = frozenset("erna arna orna ande ende aste arne ning else het ens ets ers".split())


# Where the lookup table is wrong for words notes are full of: frequent verbs it reads as rare
# nouns (har -> hare, fick -> ficka), and function words it does not list, which the spelling
# without diacritics would otherwise turn into another word (som -> söm, att -> ätt).
_LEMMA_FIXES: dict[str, str] = {
    **dict.fromkeys("har hade haft".split(), "ha"), **dict.fromkeys("får fick fått".split(), "få"),
    **dict.fromkeys("vill ville velat".split(), "vilja"), **dict.fromkeys("finns fanns funnits".split(), "finnas"),
    **dict.fromkeys("tar tog tagit".split(), "ta"), **dict.fromkeys("hölls hålls".split(), "hålla"),
    **dict.fromkeys("fler flera".split(), "många"), "andra": "annan", "dem": "de", "stöd": "stöd",
    **{w: w for w in """som att med inte för men om när man en ett det den de efter mycket vad in ut på av till
    från vid under över hos mot utan redan bara trots länge nästan tillsammans fortfarande numera också även
    eller och så då nu här där hur varför vilken vilka vem hon han vi ni jag du sig sin sitt sina dock dessutom
    ganska lite mer mest många kort stund par sätt åt""".split()},
}


def _dotted_compound(form: str) -> str | None:
    """"utb.dagar" is utbildning + dagar: a short form joined to a word by a full stop."""
    left, dot, right = form.partition(".")
    if not dot or not right.isalpha() or len(right) < 3:
        return None
    full = expansion(left)
    return f"{full} {right}" if full is not None and " " not in full else None


def strip_suffix(word: str) -> str:
    """A light Swedish stemmer for forms no dictionary knows ("omorganisationerna")."""
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            # "traineerna" is trainee + rna: a stem ending in the suffix's vowel keeps it
            return stem + suf[0] if stem[-1] == suf[0] and suf[0] in "ae" else stem
    return word


class Lexicon:
    """Lemmas and compound parts of Swedish word forms, cached per distinct form.

    Everything is keyed on the lower-cased form; the folded table (no diacritics) is built
    on first need, since most text is spelled correctly.
    """

    def __init__(self, table: dict[str, str], lemmatizer: str = DEFAULT_LEMMATIZER,
                 lemmas: set[str] | None = None, folded: dict[str, str] | None = None) -> None:
        if lemmatizer not in LEMMATIZERS:
            raise QualcodeError(f"unknown lemmatizer {lemmatizer!r} (use {' or '.join(LEMMATIZERS)})")
        self.table = table
        self.kind = lemmatizer
        self._folded: dict[str, str] | None = folded
        self._lemma_cache: dict[str, str] = {}
        self._parts_cache: dict[str, str] = {}
        self._simplemma: Callable[[str], str] | None = None
        self._lemma_set: set[str] | None = lemmas
        if lemmatizer == "simplemma":
            import simplemma
            self._simplemma = lambda w: simplemma.lemmatize(w, lang="sv")

    @classmethod
    def load(cls, lemmatizer: str = DEFAULT_LEMMATIZER) -> "Lexicon":
        table, lemmas, folded = lexicon_data()
        return cls(table, lemmatizer, lemmas, folded)

    @property
    def folded(self) -> dict[str, str]:
        if self._folded is None:
            self._folded = folded_table(self.table, self.lemmas)
        return self._folded

    def known(self, form: str) -> str | None:
        """The dictionary lemma of a known form (diacritics optional), else None."""
        lemma = _LEMMA_FIXES.get(form)
        if lemma is not None:
            return lemma
        lemma = self.table.get(form)
        if lemma is not None and lemma != form:
            if form.endswith("ar") and lemma == form + "e" and form[:-1] in self.lemmas:
                lemma = form[:-1]  # arbetar, slutar, skapar are verbs (the agent noun's plural ends in -are)
            elif lemma == form + "a" and form in self.lemmas:
                lemma = form       # del, intervju, plan are nouns before they are verbs (dela, intervjua)
        if lemma is None and form in self.lemmas:  # the table lists only forms that differ from their lemma
            lemma = form
        if lemma is None and form.isascii():
            lemma = self.folded.get(form)
        return lemma

    def lemma(self, form: str) -> str:
        cached = self._lemma_cache.get(form)
        if cached is not None:
            return cached
        full = expansion(form) or _dotted_compound(form)
        if full is not None:  # "ss", "ärendedragn.", "utb.dagar" are read as the words they stand for
            lemma = " ".join(self.lemma(w) for w in full.split()).replace(" ", "_") if " " in full else self.lemma(full)
            self._lemma_cache[form] = lemma
            return lemma
        lemma = None
        if self._simplemma is not None and form.isalpha():
            guess = self._simplemma(form)
            lemma = guess if guess != form or form in self.table else None
        if lemma is None:
            lemma = self.known(form)
        if lemma is None and form.isalpha() and len(form) >= 2 * _MIN_PART:
            split = self._split(form)
            if split:
                left, head_lemma = split
                lemma = left + head_lemma
        if lemma is None:
            lemma = strip_suffix(form) if form.isalpha() else form
        self._lemma_cache[form] = lemma
        return lemma

    def parts(self, form: str) -> str:
        """'+'-joined parts (left elements' base forms, then the head's lemma), "" if none."""
        cached = self._parts_cache.get(form)
        if cached is not None:
            return cached
        full = expansion(form) or _dotted_compound(form)
        if full is not None:  # an abbreviation's parts are the full words' lemmas and parts
            words = full.split()
            out = PART.join(p for w in words for p in (self.parts(w).split(PART) if self.parts(w) else [self.lemma(w)]))
            if len(words) == 1 and not self.parts(full):
                out = ""
            self._parts_cache[form] = out
            return out
        out = ""
        if len(form) >= 2 * _MIN_PART and form.isalpha():
            split = self._split_parts(form, 0)
            if split and len(split) > 1:
                out = PART.join(split)
        self._parts_cache[form] = out
        return out

    @property
    def lemmas(self) -> set[str]:
        s = self._lemma_set
        if s is None:
            s = self._lemma_set = set(self.table.values())
        return s

    def _is_word(self, w: str) -> bool:
        return len(w) >= _MIN_PART and (w in self.table or w in self.lemmas)

    def _left(self, left: str, depth: int) -> list[str] | None:
        """Base form(s) of a compound's left element, undoing Swedish linking letters
        (löne- -> lön, arbets- -> arbete, kvinno- -> kvinna); itself split if need be."""
        variants: list[str] = []
        found: list[str] = []
        for link, restore in _LINKS:
            if link and not left.endswith(link):
                continue
            base = left[: len(left) - len(link)] if link else left
            for r in restore:
                cand = base + r
                if cand in variants:
                    continue
                variants.append(cand)
                if self._is_word(cand):
                    found.append(cand)  # alternatives ("brukar" / "brukare") are all kept
        if found:  # the first reading, plus a base form that is a dictionary lemma ("brukare")
            extra = [f for f in found[1:] if f in self.lemmas and f.endswith("e")]
            return found[:1] + extra[:1]
        if depth < 2:
            for cand in variants:
                inner = self._split_parts(cand, depth + 1)
                if inner:
                    return inner
        return None

    def _head(self, form: str, i: int) -> str | None:
        """The lemma of form[i:] as a compound head. Heads shorter than five letters must be
        spelled exactly and must not look like an inflection ending ("omorganisation|erna"),
        and a word the dictionary knows whole is not cut before a short head ("lokalt")."""
        head = form[i:]
        if len(head) < 5:
            if head in _SUFFIXES or head in _SHORT_HEAD_STOP or (len(head) == _MIN_PART and form in self.table):
                return None
            lemma = self.table.get(head) or (head if head in self.lemmas else None)
        else:
            lemma = self.known(head)
        return lemma if lemma is not None and len(lemma) >= _MIN_PART else None

    def _split_parts(self, form: str, depth: int) -> list[str] | None:
        """[left parts..., head lemma] for the longest known head whose left side is words."""
        for i in range(_MIN_PART, len(form) - _MIN_PART + 1):
            head_lemma = self._head(form, i)
            if head_lemma is None:
                continue
            whole = self.table.get(form) or (form if form in self.lemmas else None)
            if whole is not None and whole != form[:i] + head_lemma:
                continue  # a known word splits only where its own lemma agrees
            left = self._left(form[:i], depth)
            if left:
                return [*left, head_lemma]
        return None

    def _split(self, form: str) -> tuple[str, str] | None:
        """(left as written, head lemma): the lemma of an unknown compound is left + head lemma."""
        for i in range(_MIN_PART, len(form) - _MIN_PART + 1):
            head_lemma = self._head(form, i)
            if head_lemma is None:
                continue
            if self._left(form[:i], 0):
                return form[:i], head_lemma
        return None


def folded_table(table: dict[str, str], lemmas: set[str]) -> dict[str, str]:
    """Folded spelling -> lemma, for forms written without diacritics ("lonen" -> lön).
    Only forms with a non-ASCII letter can fold differently, and they are folded in one call."""
    folded: dict[str, str] = {}
    lems = sorted(w for w in lemmas if not w.isascii())
    forms = [w for w in table if not w.isascii()]
    for words, lemma_of in ((lems, None), (forms, table)):
        if not words:
            continue
        for word, f in zip(words, SEP.join(words).translate(FOLD).split(SEP)):
            if f != word:
                folded.setdefault(f, word if lemma_of is None else lemma_of[word])
    return folded


LEXICON_FORMAT = "1"  # bump when folded_table or lookup_table change what they compute
_DATA: tuple[dict[str, str], set[str], dict[str, str]] | None = None


def _cache_dir() -> Path:
    base = os.environ.get("QUALCODE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "qualcode")
    return Path(base)


def lexicon_data() -> tuple[dict[str, str], set[str], dict[str, str]]:
    """(form -> lemma table, set of lemmas, folded table), read once per process.

    Parsing the gzipped JSON table and folding it is slow (BENCHMARKS.md); the three are kept in a
    marshal file in the user's cache directory (keyed by the spacy-lookups-data version), which
    loads in about a third of that. An unreadable or unwritable cache only costs the time.
    """
    global _DATA
    if _DATA is not None:
        return _DATA
    try:
        version = importlib.metadata.version("spacy-lookups-data")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency of qualcode
        version = "unknown"
    # marshal's format belongs to the Python version that wrote it
    py = f"py{sys.version_info[0]}{sys.version_info[1]}"
    path = _cache_dir() / f"sv-lexicon-{version}-{LEXICON_FORMAT}-{py}.marshal"
    try:
        with open(path, "rb") as f:
            data = marshal.loads(f.read())
        if isinstance(data, tuple) and len(data) == 3:
            _DATA = data
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass
    table = lookup_table()
    lemmas = set(table.values())
    folded = folded_table(table, lemmas)
    _DATA = (table, lemmas, folded)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            marshal.dump(_DATA, f)
        os.replace(tmp, path)
    except OSError:
        pass
    return _DATA


_TABLE: dict[str, str] | None = None


def lookup_table() -> dict[str, str]:
    """spacy-lookups-data's Swedish form -> lemma table, read once per process."""
    global _TABLE
    if _TABLE is None:
        try:
            import spacy_lookups_data
            import srsly
        except ImportError as e:  # pragma: no cover - a dependency of qualcode
            raise QualcodeError(f"spacy-lookups-data is not installed ({e})") from None
        path = Path(spacy_lookups_data.__file__).parent / "data" / "sv_lemma_lookup.json.gz"
        table = srsly.read_gzip_json(path)
        _TABLE = {k.lower(): v.lower() for k, v in table.items()} if any(k != k.lower() for k in list(table)[:1000]) \
            else table
    return _TABLE


# ----------------------------------------------------------------------------- spaCy components

_LEXICONS: dict[str, Lexicon] = {}


def shared_lexicon(lemmatizer: str = DEFAULT_LEMMATIZER) -> Lexicon:
    lex = _LEXICONS.get(lemmatizer)
    if lex is None:
        lex = _LEXICONS[lemmatizer] = Lexicon.load(lemmatizer)
    return lex
