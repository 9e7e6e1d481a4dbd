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
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np

from qualcode.errors import QualcodeError
from qualcode.suggest.model.features import Tfidf

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "base_model.npz"


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
        """texts × labels probabilities, from the TF-IDF that ``model.features`` computes exactly
        as scikit-learn does (the model was fitted on scikit-learn's)."""
        from scipy.sparse import hstack
        words, chars = self._tfidf
        z = hstack([words.transform(lemma_texts), chars.transform(raw_texts)], format="csr") @ self.coef
        return self._squash(np.asarray(z) + self.intercept)

    def unit_probabilities(self, lemma_texts: Sequence[str], raw_texts: Sequence[str],
                           units: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(units × labels, texts × labels): each unit read whole, as the model was trained (its
        texts space-joined in order), and each text alone; ``units[i]`` is the unit of text i,
        texts of a unit adjacent. Terms are counted once per text and summed per unit, plus the
        word bigrams that span two texts of a unit: the same figures as ``probabilities`` on
        the joined texts, at half the cost."""
        from scipy.sparse import csr_matrix, hstack
        words, chars = self._tfidf
        seg_words, seg_chars = words.counts(lemma_texts), chars.counts(raw_texts)
        n_units = (max(units) + 1) if len(units) else 0
        join = csr_matrix((np.ones(len(units), dtype=np.float32), (np.asarray(units), np.arange(len(units)))),
                          shape=(n_units, len(units)))
        unit_words = (join @ seg_words + words.count_terms(_boundary_bigrams(lemma_texts, units, n_units))).tocsr()
        unit_words.sum_duplicates()
        unit_chars = (join @ seg_chars).tocsr()
        unit_chars.sum_duplicates()
        out = []
        for w, c in ((unit_words, unit_chars), (seg_words, seg_chars)):
            z = np.asarray(hstack([words.weigh(w), chars.weigh(c)], format="csr") @ self.coef) + self.intercept
            out.append(self._squash(z))
        return out[0], out[1]

    def _squash(self, z: np.ndarray) -> np.ndarray:
        if self.calibration is not None:
            z = self.calibration[0] * z + self.calibration[1]
        return 1.0 / (1.0 + np.exp(-z))

    @cached_property
    def _tfidf(self) -> tuple[Tfidf, Tfidf]:
        return (Tfidf("word", sorted(self.words, key=self.words.get), self.idf_words),
                Tfidf("char_wb", sorted(self.chars, key=self.chars.get), self.idf_chars))


def _boundary_bigrams(texts: Sequence[str], units: Sequence[int], n_units: int) -> list[list[str]]:
    """Per unit, the word bigrams a space-joined unit has across the edges of its texts."""
    out: list[list[str]] = [[] for _ in range(n_units)]
    last: dict[int, str] = {}
    for text, unit in zip(texts, units):
        tokens = text.split()
        if not tokens:
            continue
        if unit in last:
            out[unit].append(f"{last[unit]} {tokens[0]}")
        last[unit] = tokens[-1]
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
