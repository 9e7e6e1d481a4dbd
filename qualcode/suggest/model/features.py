"""What the model reads of a segment, and TF-IDF computed from plain numbers.

Lemmas (with compound parts: "lönefrågan" -> lön, fråga) from the cached token stream — the
lower-cased words when a segment has none — as TF-IDF unigrams and bigrams, plus TF-IDF
character n-grams (3–5, within word boundaries), which reach into Swedish compounds the
lemmatizer does not split. The field's kind is one more token, because a sentence of interview
notes and a survey comment on the same theme are worded differently. IDF is fitted on all units
(unsupervised; no labels leak into cross-validation).

scikit-learn fits the vocabularies and IDF weights; ``Tfidf`` then computes the same matrix as
``TfidfVectorizer.transform`` from those numbers alone (a vocabulary list and an IDF array), so a
stored model is data that loading cannot turn into running code. The arithmetic follows
scikit-learn's step by step (float32 counts, ``log(tf) + 1``, IDF, L2 norm summed in double), so
both give the same matrix; ``tests/test_model_storage.py`` compares them.
"""

from __future__ import annotations

import json
import re
from itertools import chain
from typing import Any, Sequence

import numpy as np

from qualcode.nlp.tokens import TYPES, TokenStream, load_types

FEATURE_VERSION = 1    # bump when the features change: older models must be retrained
WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\S+")   # the word analyzer's token pattern: the lemma documents are space-joined
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
CHAR_MIN_DF = 2
CHAR_MAX_FEATURES = 200_000


def field_kinds(project: Any) -> dict[str, str]:
    return {name: f["kind"] for name, f in project.fields().items()}


def feature_texts(project: Any, rows: Sequence[Any]) -> list[tuple[str, str]]:
    """(lemma document, raw text) per segment row (needs ``id``, ``field``, ``text``)."""
    kinds = field_kinds(project)
    load_types(project.conn)  # what the cached streams' type ids stand for
    streams: dict[int, bytes] = {}
    ids = [r["id"] for r in rows]
    for i in range(0, len(ids), 20000):
        for seg, data in project.conn.execute(
                "SELECT segment, data FROM segment_tokens WHERE segment IN (SELECT value FROM json_each(?))",
                (json.dumps(ids[i:i + 20000]),)):
            streams[seg] = data
    out = []
    for r in rows:
        data = streams.get(r["id"])
        words: list[str] = [f"__{kinds.get(r['field'], 'text')}"]
        if data is not None:
            words += stream_words(TokenStream.decode(data))
        else:
            words.extend(WORD.findall(r["text"].lower()))
        out.append((" ".join(words), r["text"].lower()))
    return out


def stream_words(ts: TokenStream) -> list[str]:
    """The lemmas of a token stream's words and the parts of its compounds (so "lönefrågan" also
    says "lön" and "fråga"): what the models read instead of the surface text. Worked out once
    per token type (a type id is a hash of its strings, so the memo holds across projects)."""
    memo = _TYPE_WORDS
    words: list[str] = []
    for tid in ts.ids:
        w = memo.get(tid)
        if w is None:
            try:
                w = memo[tid] = _type_words(TYPES[tid].lemma, TYPES[tid].parts)
            except KeyError:
                raise LookupError(f"token type {tid} is not loaded (qualcode.tokens.load_types)") from None
        words += w
    return words


_TYPE_WORDS: dict[int, tuple[str, ...]] = {}


def _type_words(lemma: str, parts: str) -> tuple[str, ...]:
    own = (lemma.lower(),) if WORD.match(lemma) else ()
    return own + tuple(p for p in parts.split("+") if len(p) >= 3) if parts else own


def word_terms(doc: str) -> list[str]:
    """scikit-learn's word analyzer with ``token_pattern=r"\\S+"``, no lower-casing, uni- and bigrams."""
    tokens = TOKEN.findall(doc)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def char_wb_terms(word: str) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams (3–5) of one whitespace-free word, padded with a space:
    every n-gram of each length in turn, and a padded word no longer than n once, as itself,
    after which the longer lengths add nothing (scikit-learn's ``_char_wb_ngrams``)."""
    w = f" {word} "
    size = len(w)
    out: list[str] = []
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        if size <= n:
            out.append(w)
            break
        out += [w[i:i + n] for i in range(size - n + 1)]
    return out


WORD_CACHE_MAX = 200_000  # distinct words whose n-gram columns a Tfidf remembers


class Tfidf:
    """One analyzer's TF-IDF (sublinear tf, smoothed IDF, L2 rows) from its vocabulary and IDF.

    ``kind`` is ``"word"`` (terms of a lemma document) or ``"char_wb"`` (n-grams of a lower-cased
    text). Character n-grams within word boundaries of a text are the sum of those of its words,
    so they are looked up once per distinct word: segments repeat their words."""

    def __init__(self, kind: str, vocabulary: list[str], idf: np.ndarray) -> None:
        if kind not in ("word", "char_wb"):
            raise ValueError(f"unknown analyzer {kind!r}")
        if len(vocabulary) != len(idf):
            raise ValueError(f"{kind}: {len(vocabulary)} terms but {len(idf)} IDF weights")
        self.kind = kind
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float32)
        self.index = {t: i for i, t in enumerate(vocabulary)}

    def __len__(self) -> int:
        return len(self.vocabulary)

    def counts(self, docs: Sequence[str]) -> Any:
        """The term-count matrix (float32 CSR, sorted indices), as CountVectorizer makes it."""
        index = self.index
        if self.kind == "word":
            get = index.get
            return _count_matrix([[c for c in map(get, word_terms(doc)) if c is not None] for doc in docs], len(self))
        words: dict[str, int] = {}
        per_doc = [[words.setdefault(w, len(words)) for w in doc.lower().split()] for doc in docs]
        per_word = _count_matrix([self._char_columns(w) for w in words], len(self))
        m = (_count_matrix(per_doc, max(len(words), 1)) @ per_word).tocsr()
        m.sum_duplicates()  # sorts the indices, as CountVectorizer's are
        return m

    def _char_columns(self, word: str) -> list[int]:
        """A word's n-gram columns, remembered: the same words recur in every batch of notes."""
        cache = self.__dict__.setdefault("_columns", {})
        cols = cache.get(word)
        if cols is None:
            cols = [c for c in map(self.index.get, char_wb_terms(word)) if c is not None]
            if len(cache) < WORD_CACHE_MAX:
                cache[word] = cols
        return cols

    def count_terms(self, rows: Sequence[Sequence[str]]) -> Any:
        """The count matrix of given terms per row (terms outside the vocabulary dropped)."""
        index = self.index
        return _count_matrix([[index[t] for t in row if t in index] for row in rows], len(self))

    def transform(self, docs: Sequence[str]) -> Any:
        return self.weigh(self.counts(docs))

    def weigh(self, m: Any) -> Any:
        """TF-IDF rows from a count matrix (changed in place): counts can be summed first, so a
        document's rows can be built from its sentences' without reading its text again."""
        np.log(m.data, out=m.data)
        m.data += np.float32(1.0)
        m.data *= self.idf[m.indices]
        _normalise_rows(m)
        return m


def _normalise_rows(m: Any, block: int = 4096) -> None:
    """Scale each row of a float32 CSR matrix to unit length, in place and as scikit-learn does:
    float squares summed in row order in double, each value divided by the root. In blocks of
    rows, so that the temporaries stay small however many segments there are."""
    for start in range(0, m.shape[0], block):
        ptr = m.indptr[start:start + block + 1]
        a, b = ptr[0], ptr[-1]
        data = m.data[a:b]
        rows = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
        norms = np.sqrt(np.bincount(rows, weights=(data * data).astype(np.float64), minlength=len(ptr) - 1))
        norms[norms == 0.0] = 1.0
        m.data[a:b] = data / norms[rows]


def _count_matrix(rows: list[list[int]], width: int) -> Any:
    """How often each column id occurs per row: float32 CSR, indices sorted."""
    from scipy.sparse import csr_matrix
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    cols = np.fromiter(chain.from_iterable(rows), dtype=np.int32, count=int(indptr[-1]))
    m = csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(len(rows), width))
    m.sum_duplicates()
    return m


class Featurizer:
    """TF-IDF over lemmas (uni- and bigrams) beside TF-IDF over character n-grams (None when a
    training set was too small to have any character n-gram in two texts)."""

    def __init__(self, words: Tfidf, chars: Tfidf | None) -> None:
        self.words = words
        self.chars = chars

    @property
    def n_features(self) -> int:
        return len(self.words) + (len(self.chars) if self.chars is not None else 0)

    def transform(self, texts: Sequence[tuple[str, str]]) -> Any:
        from scipy.sparse import hstack
        a = self.words.transform([t[0] for t in texts])
        if self.chars is None:
            return a.tocsr()
        return hstack([a, self.chars.transform([t[1] for t in texts])], format="csr")

    def feature_names(self) -> list[str]:
        names = list(self.words.vocabulary)
        if self.chars is not None:
            names += [f"«{n}»" for n in self.chars.vocabulary]
        return names


def fit_featurizer(texts: Sequence[tuple[str, str]]) -> tuple[Featurizer, Any]:
    """Fit vocabularies and IDF with scikit-learn; the featurizer and the training matrix."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
    words = TfidfVectorizer(analyzer="word", token_pattern=TOKEN.pattern, lowercase=False, ngram_range=WORD_NGRAMS,
                            min_df=1, sublinear_tf=True, dtype=np.float32)
    a = words.fit_transform([t[0] for t in texts])
    word_tfidf = Tfidf("word", list(words.get_feature_names_out()), words.idf_)
    if not has_chars(texts):
        return Featurizer(word_tfidf, None), a.tocsr()
    chars = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=CHAR_MIN_DF,
                            max_features=CHAR_MAX_FEATURES, dtype=np.float32)
    char_idf = TfidfTransformer(sublinear_tf=True)
    b = char_idf.fit_transform(chars.fit_transform([t[1] for t in texts]))
    char_tfidf = Tfidf("char_wb", list(chars.get_feature_names_out()), char_idf.idf_)
    return Featurizer(word_tfidf, char_tfidf), hstack([a, b], format="csr")


def has_chars(texts: Sequence[tuple[str, str]]) -> bool:
    """char n-grams with min_df=2 need at least two texts sharing one; tiny sets go without."""
    return len(texts) >= 4 and sum(len(t[1]) >= 3 for t in texts) >= 2
