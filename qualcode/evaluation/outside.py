"""Suggestions measured on labelled text nobody tuned the codebook for, as a new user gets them.

A gold file in the format of ``../shared/dev`` (JSON Lines: ``id``, ``text`` and ``areas`` +
``themes`` for passages; ``text``, ``area``, ``ambiguous`` for free-text area answers) is
imported into a fresh temporary project with the given codebook and suggested there, so the
figures are those a researcher would see on her own notes. Passages are scored at document
level over areas 1–13 and the themes, counting suggestions scored at or above 0.5; answers by
the best-scored area, with the share right among the most confident 90 % and a reliability
table (score bins against the share right), since a score must mean what it says.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.fields import CONFIDENT

THEMES = ("lokaler", "omorganisation", "lon", "personalomsattning", "arbetsbelastning")
LABELS: tuple[str, ...] = tuple(str(n) for n in range(1, 14)) + THEMES


def read_gold(path: str | Path) -> tuple[str, list[dict[str, Any]]]:
    """The items of a gold file and its kind: ``passages`` or ``choices``."""
    items = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        items.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise QualcodeError(f"{path}:{n}: not a JSON line ({e.msg})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise QualcodeError(f"cannot read gold file {path}: {e}") from None
    if not items:
        raise QualcodeError(f"{path}: no items")
    if all("area" in it and "text" in it for it in items):
        return "choices", items
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict) or not {"id", "text"} <= set(it) or not ("areas" in it or "themes" in it):
            raise QualcodeError(f"{path}: item {n} needs id, text and areas/themes (or text and area for answers)")
    return "passages", items


@dataclass
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def to_json(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = 2 * p * r / (p + r) if p and r else 0.0 if p is not None and r is not None else None
        return {"label": self.label, "gold": self.tp + self.fn, "precision": p, "recall": r, "f1": f1,
                "kappa": kappa(self.tp, self.fp, self.fn, self.tn)}


def kappa(tp: int, fp: int, fn: int, tn: int) -> float | None:
    n = tp + fp + fn + tn
    if not n:
        return None
    po = (tp + tn) / n
    pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


@dataclass
class PassageReport:
    items: int
    precision: float
    recall: float
    f1: float
    labels: list[dict[str, Any]]
    misses: list[dict[str, Any]] = field(default_factory=list)
    reliability: list[dict[str, Any]] = field(default_factory=list)
    registers: list[dict[str, Any]] = field(default_factory=list)  # when the gold names each passage's register

    def to_json(self) -> dict[str, Any]:
        return {"kind": "passages", "items": self.items, "precision": self.precision, "recall": self.recall,
                "f1": self.f1, "labels": self.labels, "reliability": self.reliability, "registers": self.registers,
                "misses": self.misses}


def label_of(row: dict[str, Any]) -> str | None:
    number, code = row.get("number"), row.get("code")
    return str(number) if number is not None and 1 <= int(number) <= 13 else code if code in THEMES else None


def fused_scores(rows: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    """(document, label) -> the highest score any source gave it (the fused score)."""
    out: dict[tuple[str, str], float] = {}
    for s in rows:
        lab = label_of(s)
        if lab is not None:
            key = (s["doc"], lab)
            out[key] = max(out.get(key, 0.0), float(s.get("score") or 0.0))
    return out



def passage_reliability(items: list[dict[str, Any]], fused: dict[tuple[str, str], float]) -> list[dict[str, Any]]:
    """Score bins of the fused (document, label) scores against the share the gold confirms."""
    gold = {str(it["id"]): {str(a) for a in it.get("areas", [])} | set(it.get("themes", [])) for it in items}
    pairs = [(score, lab in gold.get(doc, set())) for (doc, lab), score in fused.items() if doc in gold]
    return _reliability(pairs)


def score_passages(items: list[dict[str, Any]], predicted: dict[str, set[str]]) -> PassageReport:
    scores = {lab: LabelScore(lab) for lab in LABELS}
    misses = []
    by_register: dict[str, list[int]] = {}  # register -> [passages, tp, fp, fn], in the file's order
    for it in items:
        gold = {str(a) for a in it.get("areas", [])} | set(it.get("themes", []))
        pred = predicted.get(str(it["id"]), set()) & set(LABELS)
        if it.get("register"):
            counts = by_register.setdefault(str(it["register"]), [0, 0, 0, 0])
            for k, v in enumerate((1, len(gold & pred), len(pred - gold), len(gold - pred))):
                counts[k] += v
        for lab, sc in scores.items():
            g, p = lab in gold, lab in pred
            sc.tp += g and p
            sc.fp += p and not g
            sc.fn += g and not p
            sc.tn += not g and not p
        if gold != pred:
            misses.append({"id": it["id"], "missed": sorted(gold - pred), "extra": sorted(pred - gold),
                           "text": it["text"]})
    tp, fp, fn = (sum(getattr(s, k) for s in scores.values()) for k in ("tp", "fp", "fn"))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return PassageReport(len(items), p, r, 2 * p * r / (p + r) if p + r else 0.0,
                         [s.to_json() for s in scores.values()], misses,
                         registers=[_register_row(reg, *c) for reg, c in by_register.items()])


def _register_row(register: str, n: int, tp: int, fp: int, fn: int) -> dict[str, Any]:
    """One register's micro figures: the weakest kind of text is what a new user should expect."""
    return {"register": register, "passages": n, "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None}


def evaluate_passages(items: list[dict[str, Any]], codebook: str | Path | None = None,
                      base_model: bool = True) -> PassageReport:
    """Import the passages as notes into a fresh temporary project, suggest, and score."""
    fused = suggest_scores(items, codebook, base_model)
    report = score_passages(items, at_least(fused, CONFIDENT))
    report.reliability = passage_reliability(items, fused)
    return report


def at_least(fused: dict[tuple[str, str], float], min_score: float) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (doc, lab), score in fused.items():
        if score >= min_score:
            out.setdefault(doc, set()).add(lab)
    return out


def suggest_passages(items: list[dict[str, Any]], codebook: str | Path | None = None) -> dict[str, set[str]]:
    """The labels a fresh project suggests (score >= 0.5) for each passage, by id."""
    return at_least(suggest_scores(items, codebook), CONFIDENT)


def passages_project(items: list[dict[str, Any]], folder: Path, codebook: str | Path | None = None,
                     base_model: bool = True) -> Any:
    """A new project in ``folder`` holding each passage as one note, its id the passage's."""
    from qualcode.project import Project
    notes = folder / "notes"
    notes.mkdir()
    for i, it in enumerate(items):
        doc_id = json.dumps(str(it["id"]), ensure_ascii=False)
        (notes / f"{i:06d}.md").write_text(f"---\nid: {doc_id}\n---\n\n{it['text']}\n", encoding="utf-8")
    p = Project.init(folder / "passages.db", codebook)
    if not base_model:
        p.set_meta("base_model", "off")
    p.import_notes(notes)
    return p


def suggest_scores(items: list[dict[str, Any]], codebook: str | Path | None = None,
                   base_model: bool = True) -> dict[tuple[str, str], float]:
    """The fused score of each (passage, label) a fresh project suggests."""
    from qualcode.project import Project
    from qualcode.suggest.listing import list_suggestions
    from qualcode.suggest.run import suggest
    with tempfile.TemporaryDirectory() as tmp:
        p = passages_project(items, Path(tmp), codebook, base_model)
        try:
            suggest(p)
            rows = list_suggestions(p)
        finally:
            p.close()
    return fused_scores(rows)


@dataclass
class ChoiceReport:
    clear: int
    right: float
    top90_right: float
    ambiguous: int
    ambiguous_below_median: float | None
    reliability: list[dict[str, Any]]
    misses: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "choices", **{k: getattr(self, k) for k in self.__dataclass_fields__}}


BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


def evaluate_choices(items: list[dict[str, Any]], codebook: str | Path | None = None) -> ChoiceReport:
    """Read each answer with the choice normaliser of a fresh project's codebook, and score."""
    from qualcode.codebook import load_codebook
    from qualcode.project import DEFAULT_CODEBOOK
    from qualcode.suggest.choices import ChoiceNormaliser
    cb = load_codebook(codebook or DEFAULT_CODEBOOK)
    norm = ChoiceNormaliser(cb)
    number = {c.id: c.number for c in cb.codes}
    clear, amb, misses = [], [], []
    for it in items:
        res = norm.normalise(str(it["text"]))
        got = number.get(res.code) if res.code is not None else None
        score = float(res.score) if res.code is not None else 1.0
        right = got == it.get("area")
        (amb if it.get("ambiguous") else clear).append((score, right))
        if not it.get("ambiguous") and not right:
            misses.append({"id": it.get("id"), "text": it["text"], "gold": it.get("area"), "got": got,
                           "score": round(score, 3), "reason": res.reason})
    return ChoiceReport(len(clear), _share(clear), _top90(clear), len(amb), _below_median(clear, amb),
                        _reliability(clear), misses)


def _share(pairs: list[tuple[float, bool]]) -> float:
    return sum(r for _, r in pairs) / len(pairs) if pairs else 0.0


def _top90(pairs: list[tuple[float, bool]]) -> float:
    ranked = sorted(pairs, key=lambda p: -p[0])
    return _share(ranked[: max(1, round(0.9 * len(ranked)))]) if ranked else 0.0


def _below_median(clear: list[tuple[float, bool]], amb: list[tuple[float, bool]]) -> float | None:
    right = sorted(s for s, r in clear if r)
    if not amb or not right:
        return None
    median = right[len(right) // 2]
    return sum(s < median for s, _ in amb) / len(amb)


def _reliability(pairs: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Per score bin: how many, the share right, its Wilson 95 % interval, and ``off``: how far the
    share lies outside the bin's own range (0 inside it). A bin of ten items has an interval
    about ±0.3 wide, so ``off`` of a small bin says little unless the interval misses the range
    too (``interval_off``, the same distance for the nearest end of the interval)."""
    from scipy.stats import binomtest
    out = []
    for lo, hi in zip(BINS, BINS[1:]):
        inside = [r for s, r in pairs if lo <= s < hi]
        if inside:
            right = _share([(0, r) for r in inside])
            ci = binomtest(sum(inside), len(inside)).proportion_ci(method="wilson")
            top = min(hi, 1.0)
            out.append({"bin": f"{lo:.2f}–{top:.2f}", "n": len(inside), "right": right,
                        "low": round(ci.low, 3), "high": round(ci.high, 3),
                        "off": round(max(lo - right, right - top, 0.0), 3),
                        "interval_off": round(max(lo - ci.high, ci.low - top, 0.0), 3)})
    return out


def passages_to_csv(report: PassageReport, path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["label", "gold", "precision", "recall", "f1", "kappa"])
        for lab in report.labels:
            w.writerow([lab[k] for k in ("label", "gold", "precision", "recall", "f1", "kappa")])
