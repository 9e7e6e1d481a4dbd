"""The base model: a linear model per label, trained once on ``corpora/training`` and shipped
with the codebook it was labelled under, so a project's first ``suggest`` already reaches
paraphrase that the rules' words do not name.

It is plain data (``qualcode/data/base_model.npz``, loaded with ``allow_pickle=False``):
the n-gram vocabularies and IDF of two TF-IDF views (words: lemmas and compound parts, uni-
and bigrams; characters: 3–5-grams within words), and per label the coefficients and the
intercept of a logistic regression. Prediction re-does the TF-IDF transform in NumPy, so
loading a model can never run code. ``scripts/build_base_model.py`` builds it reproducibly
(same corpus and seed, same bytes) and prints its leave-one-register-out figures.

The model reads a whole notes document, or one survey cell, since it was trained on whole
passages; a label it gives a document lands on the segment whose own text scores highest
for that label, so a reviewer sees the sentence that carries it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from qualcode.errors import QualcodeError

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "base_model.npz"
WORD = re.compile(r"\w+")


def word_ngrams(words: Sequence[str]) -> list[str]:
    return list(words) + [f"{a} {b}" for a, b in zip(words, words[1:])]


def char_ngrams(text: str) -> list[str]:
    """sklearn's ``char_wb`` 3–5-grams: each word padded with one space on each side."""
    out = []
    for w in text.lower().split():
        w = f" {w} "
        for n in (3, 4, 5):
            out += [w[i:i + n] for i in range(len(w) - n + 1)]
    return out


def tfidf_row(grams: Iterable[str], index: dict[str, int], idf: np.ndarray, offset: int,
              cols: list[int], vals: list[float]) -> None:
    """Sublinear TF × IDF, L2-normalised, as sklearn's TfidfVectorizer does; appended in place."""
    counts: dict[int, int] = {}
    for g in grams:
        j = index.get(g)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    if not counts:
        return
    js = list(counts)
    v = np.array([(1.0 + math.log(counts[j])) * idf[j] for j in js])
    v /= np.linalg.norm(v) or 1.0
    cols += [offset + j for j in js]
    vals += v.tolist()


@dataclass
class BaseModel:
    labels: list[str]
    codebook: str                       # the codebook fingerprint it was trained under
    version: str
    words: dict[str, int]
    chars: dict[str, int]
    idf_words: np.ndarray
    idf_chars: np.ndarray
    coef: np.ndarray                    # features × labels
    intercept: np.ndarray
    calibration: np.ndarray | None = None  # 2 × labels: a, b of sigmoid(a·z + b) over the raw logit z
    label_f1: dict[str, float] | None = None  # per label, F1 on registers it was not trained on

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "BaseModel":
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
                words, chars = json.loads(bytes(z["words"]).decode("utf-8")), json.loads(bytes(z["chars"]).decode("utf-8"))
                return cls(meta["labels"], meta["codebook"], meta["version"],
                           {w: i for i, w in enumerate(words)}, {c: i for i, c in enumerate(chars)},
                           z["idf_words"].astype(np.float64), z["idf_chars"].astype(np.float64),
                           z["coef"].astype(np.float64), z["intercept"].astype(np.float64),
                           z["calibration"].astype(np.float64) if "calibration" in z.files else None,
                           meta.get("label_f1"))
        except (OSError, ValueError, KeyError) as e:
            raise QualcodeError(f"cannot read the base model {path}: {e}") from None

    def probabilities(self, lemma_texts: Sequence[str], raw_texts: Sequence[str]) -> np.ndarray:
        """texts × labels probabilities."""
        nw = len(self.words)
        out = np.zeros((len(raw_texts), len(self.labels)))
        for i, (lem, raw) in enumerate(zip(lemma_texts, raw_texts)):
            cols: list[int] = []
            vals: list[float] = []
            tfidf_row(word_ngrams(lem.split()), self.words, self.idf_words, 0, cols, vals)
            tfidf_row(char_ngrams(raw), self.chars, self.idf_chars, nw, cols, vals)
            z = ((np.array(vals) @ self.coef[cols]) if cols else np.zeros(len(self.labels))) + self.intercept
            if self.calibration is not None:
                z = self.calibration[0] * z + self.calibration[1]
            out[i] = 1.0 / (1.0 + np.exp(-z))
        return out


def save(path: Path, *, labels: list[str], codebook: str, version: str, words: list[str], chars: list[str],
         idf_words: np.ndarray, idf_chars: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
         calibration: np.ndarray, label_f1: dict[str, float]) -> None:
    meta = json.dumps({"labels": labels, "codebook": codebook, "version": version, "label_f1": label_f1},
                      ensure_ascii=False, sort_keys=True)
    arrays = {"meta": np.frombuffer(meta.encode("utf-8"), dtype=np.uint8),
              "words": np.frombuffer(json.dumps(words, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
              "chars": np.frombuffer(json.dumps(chars, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
              "idf_words": idf_words.astype(np.float32), "idf_chars": idf_chars.astype(np.float32),
              "coef": coef.astype(np.float32), "intercept": intercept.astype(np.float32),
              "calibration": calibration.astype(np.float32)}
    with open(path, "wb") as f:
        np.savez_compressed(f, **arrays)


def codebook_fingerprint(codebook: object) -> str:
    """What the model's labels mean: the codebook's label codes (areas by number, theme ids).
    Wording and patterns may change; a renumbered or removed area or theme skips the model."""
    import hashlib
    keys = sorted(f"{c.id}:{c.number}:{c.group}" for c in codebook.codes  # type: ignore[attr-defined]
                  if c.number is not None and 1 <= c.number <= 13 or c.id in THEMES)
    return hashlib.sha1("\n".join(keys).encode("utf-8")).hexdigest()[:16]


THEMES = ("lokaler", "omorganisation", "lon", "personalomsattning", "arbetsbelastning")
