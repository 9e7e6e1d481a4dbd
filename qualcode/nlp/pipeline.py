"""The Swedish NLP layer: which spaCy pipeline runs, lemmas, compound parts, and the token cache.

Rules match lemmas and compound parts, and Swedish writes compounds as one word
("lönefrågan", "arbetslokalerna", "avgiftsadministratören"), so a plain lemmatizer is not
enough: every token also carries the parts it is made of. A trained ``sv_core_news_*``
pipeline is used when one is installed or named (``--model``, project setting
``nlp_model``); otherwise ``spacy.blank("sv")`` with our lexicon-backed lemmatizer and a
sentencizer, and a one-line notice says so. Both paths end in the same compound component.

The lexicon is the Swedish lookup table of ``spacy-lookups-data`` (660 000 forms; it lists
only forms that differ from their lemma, so the set of its lemmas counts as known words too).
Measured against ``simplemma`` by ``scripts/eval_rules.py --lemmatizers`` on the demo notes
(after the corrections in ``_LEMMA_FIXES``): 49/50 hand-checked domain forms right for both, and
the same rule precision/recall (0.922 / 0.908). The lookup table is kept as the default because
the compound splitter needs a form dictionary anyway, so one table serves both and loads once;
``simplemma`` stays selectable (project setting ``nlp_lemmatizer``). Forms the table does not
know are tried without diacritics ("lonen" -> lön), as compounds (left part + lemma of a
known head) and finally with a light suffix stripper, so a lemma is never just "unknown".

Each segment's tokens are cached in the project as ids of token types (``qualcode.tokens``),
so re-applying an edited codebook never runs spaCy. For the blank pipeline only spaCy's
tokenizer runs, with lexemes that compute only the lower-case form; each distinct
lower-cased form is looked up once per process and becomes a type id.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from qualcode.errors import QualcodeError
from qualcode.i18n import t
from qualcode.nlp.lexicon import DEFAULT_LEMMATIZER, LEMMATIZERS, Lexicon, shared_lexicon, strip_suffix  # noqa: F401
from qualcode.nlp.tokens import FOLD, TokenStream, fold, type_id

__all__ = ["FOLD", "TokenStream", "fold"]  # re-exported: where the rest of qualcode finds them

CACHE_FORMAT = "qc4.3"  # blob layout (qualcode.tokens) . lexicon logic: bump either when it changes
TRAINED_PACKAGES = ("sv_core_news_lg", "sv_core_news_md", "sv_core_news_sm")

def _register_components() -> None:
    from spacy.language import Language

    if Language.has_factory("qualcode_lemmatizer"):
        return

    @Language.factory("qualcode_lemmatizer", default_config={"lemmatizer": DEFAULT_LEMMATIZER, "overwrite": False})
    def make_lemmatizer(nlp: Any, name: str, lemmatizer: str, overwrite: bool) -> Callable:
        lex = shared_lexicon(lemmatizer)
        strings = nlp.vocab.strings

        cache: dict[int, int] = {}  # hash of the lower-cased form -> hash of its lemma

        def lemmatize(doc: Any) -> Any:
            # whole-column arrays: no Token object per token on this path
            import numpy
            from spacy.attrs import LEMMA, LOWER
            if not len(doc):
                return doc
            arr = doc.to_array([LOWER, LEMMA])
            col = arr[:, 1].copy()
            changed = False
            for i, (low, lem) in enumerate(arr.tolist()):
                if overwrite or not lem:
                    h = cache.get(low)
                    if h is None:
                        h = cache[low] = strings.add(lex.lemma(strings[low]))
                    col[i] = h
                    changed = True
            if changed:
                doc.from_array([LEMMA], numpy.asarray(col, dtype="uint64").reshape(-1, 1))
            return doc
        return lemmatize

    @Language.factory("qualcode_compounds", default_config={"lemmatizer": DEFAULT_LEMMATIZER})
    def make_compounds(nlp: Any, name: str, lemmatizer: str) -> Callable:
        from spacy.tokens import Doc
        if not Doc.has_extension("qc_parts"):
            Doc.set_extension("qc_parts", default=None)
        lex = shared_lexicon(lemmatizer)

        cache: dict[int, str] = {}
        strings = nlp.vocab.strings

        def compounds(doc: Any) -> Any:
            from spacy.attrs import LOWER
            out = []
            for low in doc.to_array([LOWER]).tolist() if len(doc) else ():
                p = cache.get(low)
                if p is None:
                    p = cache[low] = lex.parts(_clean(strings[low]))
                out.append(p)
            doc._.qc_parts = out
            return doc
        return compounds



def _clean(form: str) -> str:
    """"kompetens-" (as in "kompetens- och utvecklingsforum") is the word kompetens."""
    return form.strip("-–") or form


# ----------------------------------------------------------------------------- pipelines

@dataclass
class PipelineChoice:
    """Which pipeline a run uses, known without loading it (the cache key)."""

    kind: str          # "trained" | "blank"
    name: str          # package name, path, or "blank"
    identity: str      # what segment_tokens.pipeline holds
    notice: str


def choose_pipeline(model: str | None = None, setting: str | None = None,
                    lemmatizer: str = DEFAULT_LEMMATIZER) -> PipelineChoice:
    """``model`` (from --model) wins, then the project setting, then an installed
    sv_core_news_* package, then the blank fallback."""
    name = model or setting
    if name:
        return _trained_choice(name, lemmatizer)
    if not os.environ.get("QUALCODE_NO_TRAINED"):
        for pkg in TRAINED_PACKAGES:
            if _installed(pkg):  # without importing spaCy (a second), which a cached re-suggest never needs
                return _trained_choice(pkg, lemmatizer)
    identity = f"blank-sv+{lemmatizer}+compounds/{CACHE_FORMAT}"
    lem = t("suggest.lemmatizer.lookup" if lemmatizer == "lookup" else "suggest.lemmatizer.simplemma")
    return PipelineChoice("blank", "blank", identity, t("suggest.nlp_blank", lemmatizer=lem))


def _installed(package: str) -> bool:
    try:
        importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _trained_choice(name: str, lemmatizer: str) -> PipelineChoice:
    path = Path(name)
    if path.exists():
        meta_file = path / "meta.json"
        if not meta_file.is_file():
            raise QualcodeError("not a spaCy pipeline directory (no meta.json)", where=str(path))
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise QualcodeError(f"unreadable meta.json ({e})", where=str(path)) from None
        label = f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')}"
        identity = f"path:{path.resolve()}:{label}:{int(meta_file.stat().st_mtime)}+{lemmatizer}/{CACHE_FORMAT}"
        return PipelineChoice("trained", str(path), identity, t("suggest.nlp_trained_path", name=label, path=path))
    import spacy.util
    if not spacy.util.is_package(name):
        raise QualcodeError(f"spaCy pipeline {name!r} is neither an installed package nor a directory "
                            f"(install it, or give the path of a saved pipeline)")
    version = importlib.metadata.version(name)
    return PipelineChoice("trained", name, f"pkg:{name}-{version}+{lemmatizer}/{CACHE_FORMAT}",
                          t("suggest.nlp_trained", name=f"{name} {version}"))


class Pipeline:
    """A loaded spaCy pipeline that turns segment texts into TokenStreams."""

    def __init__(self, choice: PipelineChoice, lemmatizer: str = DEFAULT_LEMMATIZER) -> None:
        import spacy
        _register_components()
        self.choice = choice
        if choice.kind == "blank":
            nlp = spacy.blank("sv")
            _lean_lexemes(nlp.vocab)
            nlp.add_pipe("sentencizer")
            nlp.add_pipe("qualcode_lemmatizer", config={"lemmatizer": lemmatizer})
        else:
            try:
                nlp = spacy.load(choice.name)
            except Exception as e:  # spaCy raises many kinds for a broken pipeline
                raise QualcodeError(f"cannot load spaCy pipeline ({type(e).__name__}: {str(e).splitlines()[0]})",
                                    where=choice.name) from None
            if not any(n in nlp.pipe_names for n in ("lemmatizer", "trainable_lemmatizer")):
                nlp.add_pipe("qualcode_lemmatizer", config={"lemmatizer": lemmatizer})
            else:  # a trained lemmatizer may leave unknown forms empty: fill only those
                nlp.add_pipe("qualcode_lemmatizer", config={"lemmatizer": lemmatizer, "overwrite": False})
        nlp.add_pipe("qualcode_compounds", config={"lemmatizer": lemmatizer})
        self.nlp = nlp
        self.lemmatizer = lemmatizer

    @property
    def identity(self) -> str:
        return self.choice.identity

    def process(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[TokenStream]:
        if self.choice.kind == "blank":
            # the blank pipeline's components only look words up: run the tokenizer alone and map
            # each distinct lower-cased form once (no Token object, no component call per Doc)
            yield from self._process_blank(texts, batch_size)
            return
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield stream_from_doc(doc)

    def _process_blank(self, texts: Iterable[str], batch_size: int) -> Iterator[TokenStream]:
        from spacy.attrs import IDX, LENGTH, LOWER
        lex = shared_lexicon(self.lemmatizer)
        strings = self.nlp.vocab.strings
        entries = _ENTRIES.setdefault(self.lemmatizer, {})
        get = entries.get
        cols = [LOWER, IDX, LENGTH]

        def miss(h: int) -> int:
            low = strings[h]
            if low.isspace():
                tid = _SPACE  # whitespace runs are tokens to spaCy, not to the rules
            elif not any(map(str.isalpha, low)):  # numbers, dates, punctuation: no lemma to look up
                tid = type_id(_clean(low), low, "")
            else:
                form = _clean(low)
                tid = type_id(form, lex.lemma(low).lower(), lex.parts(form))
            entries[h] = tid
            return tid

        for doc in self.nlp.tokenizer.pipe(texts, batch_size=batch_size):
            if not len(doc):
                yield TokenStream.from_ids(array("q"), array("I"))
                continue
            arr = doc.to_array(cols)
            ids = [get(h) or miss(h) for h in arr[:, 0].tolist()]
            if _SPACE in ids:
                keep = [i != _SPACE for i in ids]
                ids = [i for i in ids if i != _SPACE]
                arr = arr[keep]
            offs = array("I")
            offs.frombytes(_offsets(arr))
            yield TokenStream.from_ids(array("q", ids), offs)


_SPACE = 1 << 64  # not a type id (those are signed 64-bit): marks a whitespace token


def _lean_lexemes(vocab: Any) -> None:
    """Compute only the lexeme attributes the blank path reads (the lower-case form and
    whether it is space). spaCy otherwise runs two dozen Python functions (shape, like_url,
    like_num, stop word …) for every word form it has not seen, which in notes full of names,
    dates and reference numbers was a fifth of the tokenizer's time."""
    from spacy.attrs import IS_SPACE, LOWER
    getters = vocab.lex_attr_getters or {}
    vocab.lex_attr_getters = {attr: f for attr, f in getters.items() if attr in (LOWER, IS_SPACE)}


def _offsets(arr: Any) -> bytes:
    import numpy
    out = numpy.empty((len(arr), 2), dtype=numpy.uint32)
    out[:, 0] = arr[:, 1]
    out[:, 1] = arr[:, 1] + arr[:, 2]
    return out.tobytes()


_ENTRIES: dict[str, dict[int, int]] = {}  # lemmatizer -> spaCy hash of a lower-cased form -> its type id
_STR_CACHE: dict[int, str] = {}


def stream_from_doc(doc: Any) -> TokenStream:
    """The cached form of a Doc, read column-wise (no Token object per token)."""
    from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, LOWER
    if not len(doc):
        return TokenStream([], [], [], array("I"))
    strings, cache = doc.vocab.strings, _STR_CACHE
    parts = doc._.qc_parts or [""] * len(doc)
    forms, lemmas, kept, offsets = [], [], [], array("I")
    for i, (low, lem, idx, length, space) in enumerate(doc.to_array([LOWER, LEMMA, IDX, LENGTH, IS_SPACE]).tolist()):
        if space:
            continue
        f = cache.get(low)
        if f is None:
            f = cache[low] = _clean(strings[low])
        lm = cache.get(-lem - 1) if lem else f
        if lm is None:
            lm = cache[-lem - 1] = strings[lem].lower()
        forms.append(f)
        lemmas.append(lm)
        kept.append(parts[i])
        offsets.append(idx)
        offsets.append(idx + length)
    return TokenStream(forms, lemmas, kept, offsets)
