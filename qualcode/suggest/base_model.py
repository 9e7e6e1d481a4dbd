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
from typing import Any, Sequence

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
    fusion: np.ndarray | None = None       # weights over fusion_features, then the intercept

    def fused(self, p: np.ndarray, rule_scores: np.ndarray) -> np.ndarray:
        """The probability that a label the model gives is right (``p``, any shape), knowing the
        best score the rules gave it in the same unit (``rule_scores``, 0 where they did not
        find it). Fitted out of register on
        the training corpus: a label a confident rule also found (about 0.7 and up) is right
        more often than the model alone says; one no rule found, less often (on outside notes
        the model alone at 0.5–0.8 was right about a third of the time); and one only a weak
        rule (a hint) touched, less often still: the weak patterns fire mostly where the label
        is absent."""
        if self.fusion is None:
            return p
        return 1.0 / (1.0 + np.exp(-(fusion_features(np.log(np.clip(p, 1e-9, 1 - 1e-9) /
                                                            np.clip(1 - p, 1e-9, 1)), rule_scores)
                                     @ self.fusion[:-1] + self.fusion[-1])))

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
                           meta.get("label_f1"),
                           z["fusion"].astype(np.float64) if "fusion" in z.files else None)
        except (OSError, ValueError, KeyError) as e:
            raise QualcodeError(f"cannot read the base model {path}: {e}") from None

    def logits(self, lemma_texts: Sequence[str], raw_texts: Sequence[str]) -> np.ndarray:
        """texts × labels decision values before calibration, from the TF-IDF that
        ``model.features`` computes exactly as scikit-learn does (the model was fitted on it)."""
        words, chars = self._tfidf
        return self._decide(words.counts(lemma_texts), chars.counts(raw_texts))

    def unit_logits(self, lemma_texts: Sequence[str], raw_texts: Sequence[str],
                    units: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(units × labels, texts × labels) decision values: each unit read as the model reads a
        document (``read_unit``), and each of its texts alone. ``units[i]`` is the unit of text
        i, texts of a unit adjacent. Terms are counted once per text and summed per unit, plus
        the word bigrams that span two texts of a unit: the same figures as on the joined texts."""
        from scipy.sparse import csr_matrix
        words, chars = self._tfidf
        seg_words, seg_chars = words.counts(lemma_texts), chars.counts(raw_texts)
        n_units = (max(units) + 1) if len(units) else 0
        join = csr_matrix((np.ones(len(units), dtype=np.float32), (np.asarray(units), np.arange(len(units)))),
                          shape=(n_units, len(units)))
        # products of CSR matrices hold no duplicates; their column order does not matter here
        unit_words = (join @ seg_words + words.count_terms(_boundary_bigrams(lemma_texts, units, n_units))).tocsr()
        unit_chars = (join @ seg_chars).tocsr()
        z_seg = self._decide(seg_words.copy(), seg_chars.copy())
        return read_unit(self._decide(unit_words, unit_chars), z_seg, units), z_seg

    def unit_probabilities(self, lemma_texts: Sequence[str], raw_texts: Sequence[str],
                           units: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """``unit_logits`` as calibrated probabilities."""
        z_unit, z_seg = self.unit_logits(lemma_texts, raw_texts, units)
        return self._squash(z_unit), self._squash(z_seg)

    def _decide(self, word_counts: Any, char_counts: Any) -> np.ndarray:
        """Decision values from term counts (weighed here, in place)."""
        from scipy.sparse import hstack
        words, chars = self._tfidf
        x = hstack([words.weigh(word_counts), chars.weigh(char_counts)], format="csr")
        return np.asarray(x @ self.coef) + self.intercept

    def _squash(self, z: np.ndarray) -> np.ndarray:
        if self.calibration is not None:
            z = self.calibration[0] * z + self.calibration[1]
        return 1.0 / (1.0 + np.exp(-z))

    @cached_property
    def _tfidf(self) -> tuple[Tfidf, Tfidf]:
        return (Tfidf("word", sorted(self.words, key=self.words.get), self.idf_words),
                Tfidf("char_wb", sorted(self.chars, key=self.chars.get), self.idf_chars))


def fusion_features(z: np.ndarray, rule_scores: np.ndarray) -> np.ndarray:
    """(..., 3): the calibrated logit of the model, whether the rules found the label, and the
    logit of their score (0 where they did not): what ``BaseModel.fused`` weighs and the build
    script fits."""
    found = rule_scores > 0.0
    r = np.clip(rule_scores, 1e-3, 1 - 1e-3)
    return np.stack([z, found.astype(float), np.where(found, np.log(r / (1 - r)), 0.0)], axis=-1)


def read_unit(z_unit: np.ndarray, z_seg: np.ndarray, units: Sequence[int]) -> np.ndarray:
    """A document's decision value per label: the larger of the document read whole and its
    best sentence or line read alone. A note of bullet lines about six topics dilutes each
    topic's words in the whole (its TF-IDF row is unit length), so the whole says little about
    any one of them; the line that is about it says it plainly. Leaving out the terse register
    and training on the other four, F1 on the terse notes rose from 0.71 to 0.87 this way."""
    out = np.array(z_unit, copy=True)
    if len(units):
        np.maximum.at(out, np.asarray(units), z_seg)
    return out


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
         calibration: np.ndarray, label_f1: dict[str, float], fusion: np.ndarray | None = None) -> None:
    meta = json.dumps({"labels": labels, "codebook": codebook, "version": version, "label_f1": label_f1},
                      ensure_ascii=False, sort_keys=True)
    arrays = {"meta": np.frombuffer(meta.encode("utf-8"), dtype=np.uint8),
              "words": np.frombuffer(json.dumps(words, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
              "chars": np.frombuffer(json.dumps(chars, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
              "idf_words": idf_words.astype(np.float32), "idf_chars": idf_chars.astype(np.float32),
              "coef": coef.astype(np.float32), "intercept": intercept.astype(np.float32),
              "calibration": calibration.astype(np.float32)}
    if fusion is not None:
        arrays["fusion"] = fusion.astype(np.float32)
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
