"""Learned suggestions: a linear model per code group, trained on what reviewers validated.

Rules find what the codebook's words name; researchers say the same thing in many other
ways. ``learn`` turns the decisions into training data — per code group, the segments a coder
reviewed, each labelled with the codes it holds in that group (``training``) — and fits one
calibrated binary classifier per code (``classifier``) over TF-IDF features (``features``). The
models are stored as plain data (``storage``); ``predict`` writes their suggestions beside the
rule and choice rows, and ``curve`` draws how F1 grows with the validated segments.

A group whose training data and settings hash like its newest stored model keeps that model,
so running ``learn`` again after no new decisions stores nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from qualcode.errors import QualcodeError
from qualcode.suggest.model.classifier import (
    CLASSIFIERS,
    DEFAULT_CLASSIFIER,
    MIN_POSITIVES,
    SEED,
    CodeMetrics,
    fit_group,
    sklearn_version,
)
from qualcode.suggest.model.features import FEATURE_VERSION
from qualcode.suggest.model.linear import GroupModel
from qualcode.suggest.model.predict import model_suggestions
from qualcode.suggest.model.storage import latest_row, store_model
from qualcode.suggest.model.training import TrainingSet, training_sets

# training_sets and model_suggestions are reached here too (scripts/bench.py, tests/test_demo.py)
__all__ = ["GroupResult", "LearnSummary", "learn", "model_suggestions", "training_sets"]


@dataclass
class GroupResult:
    group: str
    version: str | None
    n_segments: int
    data_hash: str
    unchanged: bool
    contradictory: int
    codes: list[CodeMetrics]
    seconds: float = 0.0

    @property
    def too_few(self) -> list[CodeMetrics]:
        return [m for m in self.codes if not m.learned]

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "version": self.version, "n_segments": self.n_segments,
                "data_hash": self.data_hash, "unchanged": self.unchanged, "contradictory": self.contradictory,
                "seconds": round(self.seconds, 2), "codes": [m.to_json() for m in self.codes],
                "too_few": [m.code for m in self.too_few]}


@dataclass
class LearnSummary:
    coder: str | None
    seed: int
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def contradictory(self) -> int:
        return sum(g.contradictory for g in self.groups)

    def to_json(self) -> dict[str, Any]:
        return {"coder": self.coder, "seed": self.seed, "contradictory": self.contradictory,
                "groups": [g.to_json() for g in self.groups]}


def learn(project: Any, coder: str | None = None, groups: Iterable[str] | None = None, *, seed: int = SEED,
          classifier: str = DEFAULT_CLASSIFIER, min_examples: int = MIN_POSITIVES, cross_validate: bool = True,
          force: bool = False, progress: Callable[[int], None] | None = None,
          on_total: Callable[[int], None] | None = None) -> LearnSummary:
    """Train and store one model per code group from the decisions; all groups in one transaction.

    Steps are codes: ``on_total`` hears how many codes the groups hold before training starts,
    and ``progress`` the number of a group's codes once that group is done (a caller's bar then
    shows time left; the library never prints). A group whose training data (and settings) hash like its latest stored model keeps that
    model unless ``force`` (or unless that model is in a format this qualcode no longer loads).
    Raises QualcodeError when no group has a code with enough examples.
    """
    if classifier not in CLASSIFIERS:
        raise QualcodeError(f"classifier {classifier!r} must be one of {', '.join(CLASSIFIERS)}")
    if min_examples < 2:
        raise QualcodeError(f"--min-examples {min_examples} must be at least 2")
    sets = training_sets(project, coder, groups)
    if not sets:
        raise QualcodeError("nothing to learn from: the reviewed segments belong to no notes or open-answer "
                            "field with a code group")
    summary = LearnSummary(coder, seed)
    settings = {"seed": seed, "classifier": classifier, "min_examples": min_examples,
                "feature_version": FEATURE_VERSION, "sklearn": sklearn_version()}
    fitted: list[tuple[GroupResult, GroupModel]] = []
    if on_total:
        on_total(sum(len(ts.codes) for ts in sets.values()))
    for grp in sorted(sets):
        res, model = _train_group(project, sets[grp], settings, force, cross_validate)
        if progress:
            progress(len(sets[grp].codes))
        summary.groups.append(res)
        if model is not None:
            fitted.append((res, model))
    if not fitted and not any(g.unchanged and g.version for g in summary.groups):
        raise QualcodeError(f"too few examples to learn any code ({_too_few(summary)}); validate more segments first")
    with project.transaction():
        for res, model in fitted:
            res.version = store_model(project, model, res.data_hash, res.n_segments, res.to_json())
    return summary


def _train_group(project: Any, ts: TrainingSet, settings: dict[str, Any], force: bool,
                 cross_validate: bool) -> tuple[GroupResult, GroupModel | None]:
    """The group's result, and its new model (None: kept the stored one, or nothing learnable)."""
    t0 = time.perf_counter()
    data_hash = ts.data_hash(settings)
    latest = latest_row(project, ts.group)
    if latest is not None and latest["readable"] and latest["data_hash"] == data_hash and not force:
        stored = json.loads(latest["metrics"])
        return GroupResult(ts.group, latest["version"], len(ts), data_hash, True, ts.contradictory,
                           [CodeMetrics(**m) for m in stored["codes"]]), None
    model, metrics = fit_group(ts, seed=settings["seed"], classifier=settings["classifier"],
                               min_examples=settings["min_examples"], cross_validate=cross_validate)
    return GroupResult(ts.group, None, len(ts), data_hash, False, ts.contradictory, metrics,
                       time.perf_counter() - t0), model


def _too_few(summary: LearnSummary) -> str:
    return "; ".join(f"{g.group}: " + ", ".join(f"{m.code} {m.why_not}" for m in g.too_few[:4]) +
                     (" …" if len(g.too_few) > 4 else "") for g in summary.groups)
