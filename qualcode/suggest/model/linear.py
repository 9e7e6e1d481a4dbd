"""A trained group model as plain numbers, and prediction from them with NumPy.

Each code is a calibrated linear classifier: per calibration fold, a weight vector, an
intercept and the fold's Platt sigmoid (A, B). Its probability is the mean over the folds of
``1 / (1 + exp(A·(w·x + c) + B))`` — what ``CalibratedClassifierCV(method="sigmoid").predict_proba``
computes — so the score keeps the calibrated meaning DESIGN.md asks for: among suggestions scored
about s, about a fraction s is accepted. Nothing here needs scikit-learn, so applying a model
(``suggest``) does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from qualcode.suggest.model.features import Featurizer


@dataclass
class CodeWeights:
    """One code's folds: ``coef`` (folds × features), ``intercept``, and sigmoid ``a``, ``b`` per fold."""

    coef: np.ndarray
    intercept: np.ndarray
    a: np.ndarray
    b: np.ndarray

    @property
    def folds(self) -> int:
        return len(self.intercept)


class GroupModel:
    """One group's featurizer and per-code calibrated linear classifiers."""

    def __init__(self, group: str, featurizer: Featurizer, codes: dict[str, CodeWeights], meta: dict[str, Any]):
        self.group = group
        self.featurizer = featurizer
        self.weights = codes
        self.meta = meta
        self._names: list[str] | None = None
        self._mean: dict[str, np.ndarray] = {}
        self._stacked: np.ndarray | None = None   # features × every code's folds, for one product

    @property
    def codes(self) -> list[str]:
        return list(self.weights)

    def predict(self, texts: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
        """Code -> calibrated probability per text."""
        if not texts:
            return {c: np.zeros(0) for c in self.weights}
        return self.predict_matrix(self.featurizer.transform(texts))

    def predict_matrix(self, X: Any) -> dict[str, np.ndarray]:
        """``predict`` for texts already featurized (``featurizer.transform``)."""
        from scipy.special import expit
        if not self.weights:
            return {}
        if self._stacked is None:
            self._stacked = np.ascontiguousarray(np.vstack([w.coef for w in self.weights.values()]).T)
        decisions = np.asarray(X @ self._stacked)
        out, k = {}, 0
        for code, w in self.weights.items():
            total = np.zeros(X.shape[0])
            for f in range(w.folds):
                total += expit(-(w.a[f] * (decisions[:, k + f] + w.intercept[f]) + w.b[f]))
            out[code] = total / w.folds
            k += w.folds
        return out

    def evidence(self, code: str, text: tuple[str, str], top: int = 3) -> list[str]:
        """The features of one text that speak most for ``code`` (for the review's 'why')."""
        return self.evidence_row(code, self.featurizer.transform([text]), 0, top)

    def evidence_row(self, code: str, X: Any, i: int, top: int = 3) -> list[str]:
        """``evidence`` for row ``i`` of an already featurized matrix: explaining every
        suggestion of a run must not featurize each text again."""
        w = self.mean_weights(code)
        a, b = X.indptr[i], X.indptr[i + 1]
        idx = X.indices[a:b]
        contrib = X.data[a:b] * w[idx]
        order = np.argsort(-contrib)
        names = self.feature_names()
        return [names[idx[k]] for k in order[:top] if contrib[k] > 0 and not names[idx[k]].startswith("__")]

    def mean_weights(self, code: str) -> np.ndarray:
        """The code's linear weights averaged over the calibration folds."""
        if code not in self._mean:
            self._mean[code] = self.weights[code].coef.mean(axis=0)
        return self._mean[code]

    def feature_names(self) -> list[str]:
        if self._names is None:
            self._names = self.featurizer.feature_names()
        return self._names
