"""The learning curve: how F1 on documents held out grows with the validated segments trained on.

It answers "is validating more worth it?". Whole documents are held out, because the sentences
of one interview are not independent. The only module of the model that draws, so matplotlib
is loaded only when a curve is asked for.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import matplotlib

from qualcode.errors import QualcodeError
from qualcode.fields import CONFIDENT
from qualcode.suggest.model.classifier import DEFAULT_CLASSIFIER, MIN_POSITIVES, SEED, fit_group
from qualcode.suggest.model.linear import GroupModel
from qualcode.suggest.model.training import TrainingSet, training_sets

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend that needs no display)
from matplotlib.ticker import NullFormatter, ScalarFormatter  # noqa: E402


def learning_curve(project: Any, coder: str | None = None, *, seed: int = SEED, steps: int = 6,
                   holdout: float = 0.25, classifier: str = DEFAULT_CLASSIFIER,
                   min_examples: int = MIN_POSITIVES) -> dict[str, list[tuple[int, float]]]:
    """Per group, micro F1 on a fixed held-out quarter against the number of validated segments
    trained on (random subsets of the rest, growing geometrically)."""
    out: dict[str, list[tuple[int, float]]] = {}
    for grp, ts in sorted(training_sets(project, coder).items()):
        points = _group_curve(ts, seed=seed, steps=steps, holdout=holdout, classifier=classifier,
                              min_examples=min_examples)
        if points:
            out[grp] = points
    if not out:
        raise QualcodeError("too few validated segments for a learning curve; validate more segments first")
    return out


def _group_curve(ts: TrainingSet, *, seed: int, steps: int, holdout: float, classifier: str,
                 min_examples: int) -> list[tuple[int, float]]:
    docs = sorted(set(ts.docs))
    random.Random(seed).shuffle(docs)
    test_docs = set(docs[:max(1, int(len(docs) * holdout))])
    test = [i for i, d in enumerate(ts.docs) if d in test_docs]
    train = [i for i, d in enumerate(ts.docs) if d not in test_docs]
    random.Random(seed + 1).shuffle(train)
    if len(train) < 2 * min_examples or not test:
        return []
    sizes = sorted({int(round(len(train) ** (k / steps))) for k in range(1, steps + 1)} | {len(train)})
    test_set = ts.subset(test)
    points = []
    for n in (n for n in sizes if n >= 2 * min_examples):
        model, _ = fit_group(ts.subset(train[:n]), seed=seed, classifier=classifier, min_examples=min_examples,
                             cross_validate=False)
        points.append((n, micro_f1(model, test_set)))
    return points


def micro_f1(model: GroupModel | None, ts: TrainingSet) -> float:
    """F1 over every (unit, code) with a known label, a code counted as given from CONFIDENT."""
    tp = fp = fn = 0
    probs = model.predict(ts.texts) if model is not None else {}
    for c in ts.codes:
        p = probs.get(c)
        for i, y in enumerate(ts.labels[c]):
            if y is None:
                continue
            hit = p is not None and p[i] >= CONFIDENT
            tp += hit and y == 1
            fp += hit and y == 0
            fn += (not hit) and y == 1
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def plot_curve(curve: dict[str, list[tuple[int, float]]], path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise QualcodeError(f"curve file must end in .png or .svg, not {path.suffix or '(none)'!r}", where=str(path))
    fig, ax = plt.subplots(figsize=(16 / 2.54, 9 / 2.54))
    for grp, points in curve.items():
        ax.plot([n for n, _ in points], [f for _, f in points], marker="o", label=grp)
    ax.set_xscale("log")
    ax.set_xticks(sorted({n for points in curve.values() for n, _ in points}))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(axis="x", labelsize=7)
    ax.set_ylim(0, 1)
    ax.set_xlabel("validerade segment i träningen")
    ax.set_ylabel("F1 (mikro, utelämnade dokument)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path
