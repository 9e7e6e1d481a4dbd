#!/usr/bin/env python3
"""Build qualcode/data/base_model.npz from corpora/training (reproducible: same corpus and seed,
same bytes) and print its leave-one-register-out figures.

    .venv/bin/python scripts/build_base_model.py [--check-only]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualcode.codebook import load_codebook  # noqa: E402
from qualcode.evaluation.outside import LABELS, score_passages  # noqa: E402
from qualcode.project import DEFAULT_CODEBOOK  # noqa: E402
from qualcode.suggest import base_model  # noqa: E402
from qualcode.suggest.base_model_source import lemma_texts_of  # noqa: E402

CORPUS = ROOT / "corpora" / "training"
REGISTERS = ("terse", "narrative", "colloquial", "formal", "survey")
SEED = 0
C = 4.0
MAX_FEATURES = 40000


def load_corpus() -> list[dict]:
    items = []
    for reg in REGISTERS:
        items += [json.loads(line) for line in open(CORPUS / f"{reg}.jsonl", encoding="utf-8") if line.strip()]
    return items


def gold(item: dict) -> set[str]:
    return {str(a) for a in item.get("areas", [])} | set(item.get("themes", []))


def fit(lemmas: list[str], raws: list[str], items: list[dict]):
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"\S+",
                            lowercase=False, max_features=MAX_FEATURES)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                            max_features=MAX_FEATURES)
    from scipy.sparse import hstack
    X = hstack([words.fit_transform(lemmas), chars.fit_transform(raws)]).tocsr()
    coef, intercept = [], []
    for lab in LABELS:
        y = np.array([lab in gold(it) for it in items])
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=SEED).fit(X, y)
        coef.append(m.coef_[0])
        intercept.append(m.intercept_[0])
    return words, chars, np.array(coef).T, np.array(intercept)


class Segments:
    """Each passage cut into segments as ``import notes`` cuts it (the model reads a document
    whole and line by line, ``base_model.read_unit``), with their lemma texts."""

    def __init__(self, items: list[dict]) -> None:
        from qualcode.ingest.segment import segment_notes
        self.of: list[list[int]] = []
        raws: list[str] = []
        for it in items:
            t = it["text"]
            spans = [(s.start, s.end) for s in segment_notes(t)] or [(0, len(t))]
            self.of.append(list(range(len(raws), len(raws) + len(spans))))
            raws += [t[a:b] for a, b in spans]
        self.raws = raws
        self.lemmas = lemma_texts_of(raws)


SEGMENTS: Segments | None = None


def logits(model: base_model.BaseModel, idx: list[int]) -> np.ndarray:
    """Decision values before calibration of passages ``idx``, each read as suggest reads it."""
    assert SEGMENTS is not None
    seg = [s for i in idx for s in SEGMENTS.of[i]]
    units = [k for k, i in enumerate(idx) for _ in SEGMENTS.of[i]]
    z_unit, _ = model.unit_logits([SEGMENTS.lemmas[s] for s in seg], [SEGMENTS.raws[s] for s in seg], units)
    return z_unit


def out_of_register(items: list[dict], lemmas: list[str], raws: list[str], registers: list[str],
                    idx: list[int]) -> np.ndarray:
    """Each passage's logits from a model that never saw its register: how the model meets a
    researcher's own notes, which is what the calibration must be fitted on. ``idx`` are the
    passages' positions in the whole corpus (for their segments)."""
    z = np.zeros((len(items), len(LABELS)))
    for reg in registers:
        tr = [i for i, it in enumerate(items) if it["register"] != reg]
        te = [i for i, it in enumerate(items) if it["register"] == reg]
        w, c, coef, b = fit([lemmas[i] for i in tr], [raws[i] for i in tr], [items[i] for i in tr])
        z[te] = logits(as_model(w, c, coef, b, "", "oof"), [idx[i] for i in te])
    return z


def platt(z: np.ndarray, items: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per label, the sigmoid (a, b) that turns logits into the share of passages that carry it."""
    a, b = np.ones(len(LABELS)), np.zeros(len(LABELS))
    for j, lab in enumerate(LABELS):
        y = np.array([lab in gold(it) for it in items])
        m = LogisticRegression(C=1e4, max_iter=1000).fit(z[:, [j]], y)
        a[j], b[j] = m.coef_[0][0], m.intercept_[0]
    return a, b


def rule_scores(items: list[dict]) -> list[dict[str, float]]:
    """Per passage, the best score the shipped codebook's rules give each label (hints too)."""
    import tempfile
    from qualcode.evaluation.outside import label_of, passages_project
    from qualcode.suggest.listing import list_suggestions
    from qualcode.suggest.run import suggest
    with tempfile.TemporaryDirectory() as tmp:
        p = passages_project(items, Path(tmp), None, base_model=False)
        suggest(p)
        found: dict[str, dict[str, float]] = {}
        for r in list_suggestions(p):
            lab = label_of(r)
            if r["source"].startswith("rule:") and lab is not None:
                d = found.setdefault(r["doc"], {})
                d[lab] = max(d.get(lab, 0.0), float(r["score"] or 0.0))
        p.close()
    return [found.get(str(it["id"]), {}) for it in items]


def fusion(z: np.ndarray, ca: np.ndarray, cb_: np.ndarray, items: list[dict], rules: list[dict[str, float]]) -> np.ndarray:
    """Weights of ``BaseModel.fused`` (calibrated logit, rules found it, logit of the rules' best
    score; intercept): fitted on the out-of-register logits of every label the model gives some
    weight (>= 0.1) or the rules name."""
    cal = z * ca + cb_
    r = np.array([[rules[k].get(lab, 0.0) for lab in LABELS] for k in range(len(items))])
    y = np.array([[lab in gold(it) for lab in LABELS] for it in items])
    keep = (cal >= np.log(0.1 / 0.9)) | (r > 0)
    xs, ys = base_model.fusion_features(cal, r)[keep], y[keep]
    m = LogisticRegression(C=1e4, max_iter=2000).fit(xs, ys)
    weights = np.append(m.coef_[0], m.intercept_[0])
    print(f"  fusion on {len(ys)} (passage, label) pairs: weights {np.round(weights, 3).tolist()}")
    return weights


def as_model(words, chars, coef, intercept, codebook: str, version: str) -> base_model.BaseModel:
    wv = sorted(words.vocabulary_, key=words.vocabulary_.get)
    cv = sorted(chars.vocabulary_, key=chars.vocabulary_.get)
    return base_model.BaseModel(list(LABELS), codebook, version, {w: i for i, w in enumerate(wv)},
                                {c: i for i, c in enumerate(cv)}, words.idf_, chars.idf_, coef, intercept)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check-only", action="store_true", help="print the figures, write nothing")
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()
    global SEGMENTS
    items = load_corpus()
    raws = [it["text"] for it in items]
    lemmas = lemma_texts_of(raws)
    SEGMENTS = Segments(items)
    cb = load_codebook(DEFAULT_CODEBOOK)
    print(f"{len(items)} passages; leave-one-register-out (calibrated on the other registers' out-of-register "
          f"scores, threshold {a.threshold}):")
    pooled: dict[str, set[str]] = {}
    for reg in REGISTERS:
        tr = [i for i, it in enumerate(items) if it["register"] != reg]
        te = [i for i, it in enumerate(items) if it["register"] == reg]
        inner = [r for r in REGISTERS if r != reg]
        z_tr = out_of_register([items[i] for i in tr], [lemmas[i] for i in tr], [raws[i] for i in tr], inner, tr)
        ca, cb_ = platt(z_tr, [items[i] for i in tr])
        w, c, coef, b = fit([lemmas[i] for i in tr], [raws[i] for i in tr], [items[i] for i in tr])
        z = logits(as_model(w, c, coef, b, "", "loro"), te)
        p = 1 / (1 + np.exp(-(z * ca + cb_)))
        pred = {str(items[i]["id"]): {LABELS[j] for j in np.nonzero(p[k] >= a.threshold)[0]} for k, i in enumerate(te)}
        pooled.update(pred)
        r = score_passages([items[i] for i in te], pred)
        print(f"  {reg:<11} n={len(te):>4}  P {r.precision:.3f}  R {r.recall:.3f}  micro-F1 {r.f1:.3f}", flush=True)
    loro = score_passages(items, pooled)
    label_f1 = {lab["label"]: round(lab["f1"] or 0.0, 4) for lab in loro.labels}
    print(f"  all         n={len(items):>4}  P {loro.precision:.3f}  R {loro.recall:.3f}  micro-F1 {loro.f1:.3f}")
    print("  per label F1: " + "  ".join(f"{k}:{v:.2f}" for k, v in label_f1.items()))
    if a.check_only:
        return
    z_all = out_of_register(items, lemmas, raws, list(REGISTERS), list(range(len(items))))
    ca, cb_ = platt(z_all, items)
    fused = fusion(z_all, ca, cb_, items, rule_scores(items))
    w, c, coef, b = fit(lemmas, raws, items)
    from qualcode.nlp import abbreviations, lexicon
    h = hashlib.sha1("".join(json.dumps(it, sort_keys=True, ensure_ascii=False) for it in items).encode())
    h.update(Path(DEFAULT_CODEBOOK).read_bytes())  # the rules the fusion was fitted beside
    for module_file in (__file__, base_model.__file__, lexicon.__file__, abbreviations.__file__):
        h.update(Path(module_file).read_bytes())  # what the model's features and training depend on
    digest = h.hexdigest()
    version = f"b1-{digest[:8]}"
    model = as_model(w, c, coef, b, base_model.codebook_fingerprint(cb), version)
    base_model.save(base_model.MODEL_FILE, labels=model.labels, codebook=model.codebook, version=version,
                    words=sorted(model.words, key=model.words.get), chars=sorted(model.chars, key=model.chars.get),
                    idf_words=model.idf_words, idf_chars=model.idf_chars, coef=model.coef, intercept=model.intercept,
                    calibration=np.vstack([ca, cb_]), label_f1=label_f1, fusion=fused)
    size = base_model.MODEL_FILE.stat().st_size
    print(f"wrote {base_model.MODEL_FILE.relative_to(ROOT)} ({size / 1e6:.1f} MB), version {version}")


if __name__ == "__main__":
    main()
