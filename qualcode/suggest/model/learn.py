"""Learned suggestions: a linear model per code group, trained on what reviewers validated.

Rules find what the codebook's words name; researchers say the same thing in many other
ways. ``learn`` turns the decisions into training data — per code group, the segments a coder
reviewed, each labelled with the codes it holds in that group — and fits one calibrated
binary classifier per code (one-vs-rest). ``model_suggestions`` writes its predictions into
``suggestions`` as source ``model:<version>`` beside the rule and choice rows, so review,
tallies and the evaluation see every source; ``fused_scores`` (and the ``fused_suggestions``
view) combine them per (segment, code).

Training units and labels. A unit is a segment on which the chosen coder(s) hold any
non-retract decision, or which a coder walked past in ``review --uncoded`` without adding a
code (before that walk's cursor). Accepted and added codes are positives; rejected
suggestions and every other code of the group are negatives. With several coders, a
(segment, code) on which they disagree is *contradictory* and is left out of that code's
training (counted and reported), as are segments whose identical text carries both verdicts.

Features. Lemmas (with compound parts: "lönefrågan" -> lön, fråga) from the cached token
stream — the lower-cased words when a segment has none — as TF-IDF unigrams and bigrams,
plus TF-IDF character n-grams (3–5, within word boundaries), which reach into Swedish
compounds the lemmatizer does not split. The field's kind is one more token, because a
sentence of interview notes and a survey comment on the same theme are worded differently.
IDF is fitted on all units (unsupervised; no labels leak into cross-validation).

Classifier. ``LinearSVC`` (balanced class weights) wrapped in ``CalibratedClassifierCV``
(sigmoid, 3 stratified folds), one per code. Measured on the demo corpus with
``scripts/eval_learn.py --compare-classifiers`` (gold of half the interviews and comments as
decisions, F1 on the other half): it matched calibrated ``LogisticRegression`` (notes +0.073
vs +0.071 over rules alone) while training in about 60 % of the time, which keeps 20k
validated segments well inside the 30 s budget; ``SGDClassifier`` was faster still but lost
precision. Balanced weights keep rare codes from collapsing to "never"; the sigmoid
calibration makes the score mean what DESIGN.md says: among suggestions scored about s,
about a fraction s is accepted.
Everything that is random takes the seed, so the same decisions and seed give the same model.

Fusion. ``fused`` score = the maximum over sources, not a noisy-OR: the model is trained on
what the rules found, so the two are strongly dependent, and a noisy-OR (which assumes
independence) would push every agreeing pair towards 1 beyond the precision either has shown.
The maximum keeps each source's calibrated meaning and is what ``review`` (``MAX(score)``)
and ``evaluate.compare`` (any row >= 0.5) already use.

The model is pickled into the project file (table ``models``). Unpickling runs code, so only
open project files you trust — as with any file that holds a trained model.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from qualcode.errors import QualcodeError
from qualcode.fields import check_codes, check_docs, field_groups
from qualcode.nlp.tokens import TokenStream, load_types
from qualcode.store.db import now

SEED = 0
MIN_POSITIVES = 5      # fewer positive (or negative) examples than this: the code is not learned
CV_FOLDS = 3           # folds for the printed precision/recall/F1 and for calibration
MIN_SCORE = 0.3        # model rows below this are not stored (below 0.5 they are hints)
from qualcode.fields import CONFIDENT  # noqa: E402  (one threshold for every source)
KEEP_MODELS = 3        # models kept per group (older ones are deleted when a new one is stored)
FEATURE_VERSION = 1    # bump when the features change: older models must be retrained
CLASSIFIERS = ("logreg", "svm", "sgd")
DEFAULT_CLASSIFIER = "svm"
_WORD = re.compile(r"\w+")


# ----------------------------------------------------------------------------- training data

@dataclass
class TrainingSet:
    """One code group's units: segment ids, feature texts and per-code labels (1, 0, or None = unknown)."""

    group: str
    codes: list[str]
    segments: list[int] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (lemma document, raw text)
    text_hashes: list[str] = field(default_factory=list)
    labels: dict[str, list[int | None]] = field(default_factory=dict)
    contradictory: int = 0

    def __len__(self) -> int:
        return len(self.segments)

    def counts(self, code: str) -> tuple[int, int]:
        ys = self.labels[code]
        return sum(1 for y in ys if y == 1), sum(1 for y in ys if y == 0)

    def subset(self, idx: Sequence[int]) -> "TrainingSet":
        return TrainingSet(self.group, self.codes, [self.segments[i] for i in idx], [self.docs[i] for i in idx],
                           [self.texts[i] for i in idx], [self.text_hashes[i] for i in idx],
                           {c: [ys[i] for i in idx] for c, ys in self.labels.items()}, self.contradictory)

    def data_hash(self, settings: dict[str, Any]) -> str:
        """What the model is a function of: the texts, the labels and the settings."""
        h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
        for i in sorted(range(len(self)), key=lambda i: self.segments[i]):
            h.update(f"{self.segments[i]}:{self.text_hashes[i]}:{self.texts[i][0]}".encode())
            h.update(json.dumps([self.labels[c][i] for c in self.codes]).encode())
        return h.hexdigest()


def _groups_by_field(project: Any) -> dict[str, list[str]]:
    """The groups the rules suggest in each field, plus every group whose codes a coder has
    given to that field's segments: reviewers know better than the field's binding (interview
    notes carry themes too, even when a survey question has claimed the theme group)."""
    out = {f: list(gs) for f, gs in field_groups(project.codebook, project.fields()).items()}
    kinds = _field_kinds(project)
    for fld, grp in project.conn.execute(
            "SELECT DISTINCT g.field, c.grp FROM codings k JOIN segments g ON g.id = k.segment "
            "JOIN codes c ON c.id = k.code ORDER BY g.field, c.grp"):
        if kinds.get(fld) in ("notes", "text") and grp not in out.setdefault(fld, []):
            out[fld].append(grp)
    return out


def _field_kinds(project: Any) -> dict[str, str]:
    return {name: f["kind"] for name, f in project.fields().items()}


def feature_texts(project: Any, rows: Sequence[Any]) -> list[tuple[str, str]]:
    """(lemma document, raw text) per segment row (needs ``id``, ``field``, ``text``)."""
    kinds = _field_kinds(project)
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
            ts = TokenStream.decode(data)
            for lemma, parts in zip(ts.lemmas, ts.parts):
                if _WORD.match(lemma):
                    words.append(lemma.lower())
                if parts:  # compound parts, so "lönefrågan" also says "lön" and "fråga"
                    words.extend(p for p in parts.split("+") if len(p) >= 3)
        else:
            words.extend(_WORD.findall(r["text"].lower()))
        out.append((" ".join(words), r["text"].lower()))
    return out


def _walked(project: Any, coder: str | None) -> set[int]:
    """Segments without suggestions that a coder's ``review --uncoded`` walk has passed."""
    out: set[int] = set()
    for key, raw in project.conn.execute("SELECT key, value FROM meta WHERE key LIKE 'uncoded_cursor:%'"):
        who = key.split(":", 1)[1]
        if coder is not None and who != coder:
            continue
        try:
            doc, fld, pos = json.loads(raw)
        except (ValueError, TypeError):
            continue
        for (seg,) in project.conn.execute(
                "SELECT g.id FROM segments g WHERE g.retired = 0 AND trim(g.text) != '' "
                "AND (g.doc < ? OR (g.doc = ? AND (g.field < ? OR (g.field = ? AND g.position < ?)))) "
                "AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.segment = g.id)",
                (doc, doc, fld, fld, pos)):
            out.add(seg)
    return out


def _segment_rows(project: Any, ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    ids = sorted(ids)
    for i in range(0, len(ids), 20000):
        rows += project.conn.execute(
            "SELECT id, doc, field, position, text, text_hash FROM segments "
            "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY doc, field, position",
            (json.dumps(ids[i:i + 20000]),)).fetchall()
    return rows


def training_sets(project: Any, coder: str | None = None, groups: Iterable[str] | None = None,
                  segments: Iterable[int] | None = None) -> dict[str, TrainingSet]:
    """Per code group, the reviewed segments and their labels (see the module docstring)."""
    cb = project.codebook
    if coder is not None and coder not in project.coders():
        known = ", ".join(project.coders()) or "none yet"
        raise QualcodeError(f"coder {coder!r} has made no decisions (coders: {known})")
    wanted_groups = list(groups) if groups is not None else None
    for g in wanted_groups or []:
        if g not in cb.groups:
            raise QualcodeError(f"unknown code group {g!r} (known: {', '.join(cb.groups)})")
    by_field = _groups_by_field(project)
    sql = ("SELECT d.segment, d.code, d.coder, d.verdict FROM current_decisions d "
           "JOIN segments g ON g.id = d.segment AND g.retired = 0 WHERE d.verdict != 'retract'")
    args: list[Any] = []
    if coder is not None:
        sql += " AND d.coder = ?"
        args.append(coder)
    verdicts: dict[tuple[int, str], set[bool]] = defaultdict(set)
    reviewed: set[int] = set()
    for seg, code, _who, verdict in project.conn.execute(sql, args):
        reviewed.add(seg)
        if code in cb:
            verdicts[(seg, code)].add(verdict in ("accept", "add"))
    reviewed |= _walked(project, coder)
    if segments is not None:
        reviewed &= set(segments)
    if not reviewed:
        who = f"coder {coder!r}" if coder else "any coder"
        raise QualcodeError(f"nothing to learn from: {who} has validated no segments yet "
                            f"(review some suggestions first: qualcode review)")
    rows = _segment_rows(project, reviewed)
    out: dict[str, TrainingSet] = {}
    for row, text in zip(rows, feature_texts(project, rows)):
        for grp in by_field.get(row["field"], []):
            if wanted_groups is not None and grp not in wanted_groups:
                continue
            ts = out.get(grp)
            if ts is None:
                ts = out[grp] = TrainingSet(grp, [c.id for c in cb.in_group(grp)])
                ts.labels = {c: [] for c in ts.codes}
            ts.segments.append(row["id"])
            ts.docs.append(row["doc"])
            ts.texts.append(text)
            ts.text_hashes.append(row["text_hash"])
            for c in ts.codes:
                v = verdicts.get((row["id"], c))
                if v is not None and len(v) > 1:
                    ts.contradictory += 1
                    ts.labels[c].append(None)
                else:
                    ts.labels[c].append(1 if v == {True} else 0)
    for ts in out.values():
        _mask_conflicting_texts(ts)
    return out


def _mask_conflicting_texts(ts: TrainingSet) -> None:
    """The same text labelled both ways for a code teaches nothing but noise: leave those out."""
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(ts.text_hashes):
        by_hash[h].append(i)
    for idx in by_hash.values():
        if len(idx) < 2:
            continue
        for c in ts.codes:
            ys = ts.labels[c]
            seen = {ys[i] for i in idx} - {None}
            if len(seen) > 1:
                for i in idx:
                    if ys[i] is not None:
                        ys[i] = None
                        ts.contradictory += 1


# ----------------------------------------------------------------------------- the model

class Featurizer:
    """TF-IDF over lemmas (uni- and bigrams) beside TF-IDF over character n-grams.

    Character n-grams within word boundaries (``char_wb``) of a text are the sum of those of
    its words, so ``transform`` computes them once per distinct word and sums them per text
    with one sparse product: the same matrix as ``TfidfVectorizer(analyzer="char_wb")``, about
    five times faster on 100k segments, because segments repeat their words."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
        self.words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2),
                                     min_df=1, sublinear_tf=True, dtype=np.float32)
        self.chars: Any = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=200_000,
                                          dtype=np.float32)
        self.char_tfidf = TfidfTransformer(sublinear_tf=True)

    def fit_transform(self, texts: Sequence[tuple[str, str]]) -> Any:
        from scipy.sparse import hstack
        a = self.words.fit_transform([t[0] for t in texts])
        if not _has_chars(texts):
            self.chars = None
            return a.tocsr()
        b = self.char_tfidf.fit_transform(self.chars.fit_transform([t[1] for t in texts]))
        return hstack([a, b], format="csr")

    def transform(self, texts: Sequence[tuple[str, str]]) -> Any:
        from scipy.sparse import hstack
        a = self.words.transform([t[0] for t in texts])
        if self.chars is None:
            return a.tocsr()
        return hstack([a, self.char_tfidf.transform(self._char_counts([t[1] for t in texts]))], format="csr")

    def _char_counts(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import csr_matrix
        index: dict[str, int] = {}
        indptr, cols = [0], []
        for text in texts:
            for w in text.split():
                cols.append(index.setdefault(w, len(index)))
            indptr.append(len(cols))
        per_text = csr_matrix((np.ones(len(cols), dtype=np.float32), np.array(cols, dtype=np.int64),
                               np.array(indptr, dtype=np.int64)), shape=(len(texts), max(len(index), 1)))
        per_word = self.chars.transform(list(index) or [""])
        return (per_text @ per_word).tocsr()

    def feature_names(self) -> list[str]:
        names = list(self.words.get_feature_names_out())
        if self.chars is not None:
            names += [f"«{n}»" for n in self.chars.get_feature_names_out()]
        return names


def _has_chars(texts: Sequence[tuple[str, str]]) -> bool:
    """char n-grams with min_df=2 need at least two texts sharing one; tiny sets go without."""
    return len(texts) >= 4 and sum(len(t[1]) >= 3 for t in texts) >= 2


def make_classifier(kind: str = DEFAULT_CLASSIFIER, seed: int = SEED, folds: int = CV_FOLDS) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC
    if kind == "logreg":
        base = LogisticRegression(C=10.0, solver="liblinear", class_weight="balanced", random_state=seed)
    elif kind == "svm":
        base = LinearSVC(C=0.5, class_weight="balanced", random_state=seed)
    elif kind == "sgd":
        base = SGDClassifier(loss="modified_huber", alpha=1e-4, class_weight="balanced", max_iter=30, tol=1e-4,
                             random_state=seed)
    else:
        raise QualcodeError(f"classifier {kind!r} must be one of {', '.join(CLASSIFIERS)}")
    return CalibratedClassifierCV(base, method="sigmoid", cv=StratifiedKFold(folds, shuffle=True, random_state=seed))


@dataclass
class CodeMetrics:
    code: str
    positives: int
    negatives: int
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    learned: bool = True
    why_not: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class GroupModel:
    """One group's featurizer and per-code calibrated classifiers; picklable."""

    def __init__(self, group: str, featurizer: Featurizer, classifiers: dict[str, Any], meta: dict[str, Any]):
        self.group = group
        self.featurizer = featurizer
        self.classifiers = classifiers
        self.meta = meta

    @property
    def codes(self) -> list[str]:
        return list(self.classifiers)

    def predict(self, texts: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
        """Code -> calibrated probability per text."""
        if not texts:
            return {c: np.zeros(0) for c in self.classifiers}
        return self.predict_matrix(self.featurizer.transform(texts))

    def predict_matrix(self, X: Any) -> dict[str, np.ndarray]:
        """``predict`` for texts already featurized (``featurizer.transform``)."""
        return {c: clf.predict_proba(X)[:, 1] for c, clf in self.classifiers.items()}

    def evidence(self, code: str, text: tuple[str, str], top: int = 3) -> list[str]:
        """The features of one text that speak most for ``code`` (for the review's 'why')."""
        return self.evidence_row(code, self.featurizer.transform([text]), 0, top)

    def evidence_row(self, code: str, X: Any, i: int, top: int = 3) -> list[str]:
        """``evidence`` for row ``i`` of an already featurized matrix: explaining every
        suggestion of a run must not featurize each text again."""
        w = self._weights(code)
        if w is None:
            return []
        a, b = X.indptr[i], X.indptr[i + 1]
        idx = X.indices[a:b]
        contrib = X.data[a:b] * w[idx]
        order = np.argsort(-contrib)
        names = self._names()
        return [names[idx[k]] for k in order[:top] if contrib[k] > 0 and not names[idx[k]].startswith("__")]

    def _weights(self, code: str) -> np.ndarray | None:
        """The code's linear weights, averaged over the calibration folds (None: not linear)."""
        cache = self.__dict__.setdefault("_weights_cache", {})
        if code not in cache:
            coefs = [getattr(c.estimator, "coef_", None) for c in self.classifiers[code].calibrated_classifiers_]
            coefs = [c for c in coefs if c is not None]
            cache[code] = np.mean([np.asarray(c).ravel() for c in coefs], axis=0) if coefs else None
        return cache[code]

    def _names(self) -> list[str]:
        if getattr(self, "_names_cache", None) is None:
            self._names_cache = self.featurizer.feature_names()
        return self._names_cache

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_names_cache", None)
        state.pop("_weights_cache", None)
        return state


def _learnable(ts: TrainingSet, code: str, min_examples: int) -> tuple[bool, str]:
    pos, neg = ts.counts(code)
    if pos < min_examples:
        return False, f"{pos} positive example{'s' if pos != 1 else ''} (needs {min_examples})"
    if neg < min_examples:
        return False, f"{neg} negative example{'s' if neg != 1 else ''} (needs {min_examples})"
    return True, ""


def fit_group(ts: TrainingSet, *, seed: int = SEED, classifier: str = DEFAULT_CLASSIFIER,
              min_examples: int = MIN_POSITIVES, cross_validate: bool = True) -> tuple[GroupModel | None,
                                                                                    list[CodeMetrics]]:
    """Fit one group's model; None when no code has enough examples (the metrics say why)."""
    metrics: list[CodeMetrics] = []
    todo = []
    for c in ts.codes:
        ok, why = _learnable(ts, c, min_examples)
        pos, neg = ts.counts(c)
        metrics.append(CodeMetrics(c, pos, neg, learned=ok, why_not=why))
        if ok:
            todo.append(c)
    if not todo:
        return None, metrics
    feat = Featurizer()
    X = feat.fit_transform(ts.texts)
    classifiers = {}
    by_code = {m.code: m for m in metrics}
    for c in todo:
        idx = np.array([i for i, y in enumerate(ts.labels[c]) if y is not None])
        y = np.array([ts.labels[c][i] for i in idx])
        Xc = X[idx]
        if cross_validate:
            p, r, f = _cross_validate(Xc, y, seed, classifier)
            by_code[c].precision, by_code[c].recall, by_code[c].f1 = p, r, f
        clf = make_classifier(classifier, seed)
        clf.fit(Xc, y)
        classifiers[c] = clf
    meta = {"group": ts.group, "seed": seed, "classifier": classifier, "n_segments": len(ts),
            "feature_version": FEATURE_VERSION, "sklearn": _sklearn_version()}
    return GroupModel(ts.group, feat, classifiers, meta), metrics


def _cross_validate(X: Any, y: np.ndarray, seed: int, classifier: str) -> tuple[float, float, float]:
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    # outer folds must leave each inner calibration fold a few positives
    folds = max(2, min(CV_FOLDS, int(min(np.bincount(y, minlength=2)) // CV_FOLDS)))
    inner = max(2, min(CV_FOLDS, int(min(np.bincount(y, minlength=2)) * (folds - 1) // folds // 2)))
    proba = cross_val_predict(make_classifier(classifier, seed, inner), X, y,
                              cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
                              method="predict_proba")[:, 1]
    p, r, f, _ = precision_recall_fscore_support(y, proba >= CONFIDENT, average="binary", zero_division=0)
    return round(float(p), 4), round(float(r), 4), round(float(f), 4)


def _sklearn_version() -> str:
    import sklearn
    return sklearn.__version__


# ----------------------------------------------------------------------------- learn (train + store)

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
          force: bool = False, progress: Callable[[str], None] | None = None) -> LearnSummary:
    """Train and store one model per code group from the decisions; all groups in one transaction.

    A group whose training data (and settings) hash like its latest stored model keeps that
    model unless ``force``. Raises QualcodeError when no group has a code with enough examples.
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
                "feature_version": FEATURE_VERSION, "sklearn": _sklearn_version()}
    fitted: list[tuple[GroupResult, GroupModel]] = []
    for grp in sorted(sets):
        ts = sets[grp]
        if progress:
            progress(grp)
        t0 = time.perf_counter()
        data_hash = ts.data_hash(settings)
        latest = _latest_row(project, grp)
        if latest is not None and latest["data_hash"] == data_hash and not force:
            stored = json.loads(latest["metrics"])
            res = GroupResult(grp, latest["version"], len(ts), data_hash, True, ts.contradictory,
                              [CodeMetrics(**m) for m in stored["codes"]])
            summary.groups.append(res)
            continue
        model, metrics = fit_group(ts, seed=seed, classifier=classifier, min_examples=min_examples,
                                   cross_validate=cross_validate)
        res = GroupResult(grp, None, len(ts), data_hash, False, ts.contradictory, metrics,
                          time.perf_counter() - t0)
        summary.groups.append(res)
        if model is not None:
            fitted.append((res, model))
    if not fitted and not any(g.unchanged and g.version for g in summary.groups):
        lines = "; ".join(f"{g.group}: " + ", ".join(f"{m.code} {m.why_not}" for m in g.too_few[:4]) +
                          (" …" if len(g.too_few) > 4 else "") for g in summary.groups)
        raise QualcodeError(f"too few examples to learn any code ({lines}); validate more segments first")
    with project.transaction():
        for res, model in fitted:
            res.version = _store(project, res, model)
    return summary


def _latest_row(project: Any, group: str) -> Any:
    return project.conn.execute("SELECT * FROM models WHERE grp = ? ORDER BY id DESC LIMIT 1", (group,)).fetchone()


def _store(project: Any, res: GroupResult, model: GroupModel) -> str:
    conn = project.conn
    n = (conn.execute("SELECT MAX(id) FROM models").fetchone()[0] or 0) + 1
    version = f"m{n}-{res.data_hash[:8]}"
    model.meta["version"] = version
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    conn.execute("INSERT INTO models(id, grp, version, data_hash, trained_at, n_segments, metrics, blob) "
                 "VALUES (?,?,?,?,?,?,?,?)",
                 (n, res.group, version, res.data_hash, now(), res.n_segments,
                  json.dumps(res.to_json() | {"version": version}, ensure_ascii=False), blob))
    conn.execute("DELETE FROM models WHERE grp = ? AND id NOT IN "
                 "(SELECT id FROM models WHERE grp = ? ORDER BY id DESC LIMIT ?)", (res.group, res.group, KEEP_MODELS))
    return version


_LATEST_MODELS = ("FROM models m JOIN (SELECT grp, MAX(id) AS id FROM models GROUP BY grp) l ON l.id = m.id "
                  "ORDER BY m.grp")  # each group's newest model


def load_models(project: Any, groups: Iterable[str] | None = None) -> dict[str, GroupModel]:
    """The latest stored model of each group."""
    wanted = set(groups) if groups is not None else None
    out = {}
    for row in project.conn.execute(
            f"SELECT m.grp, m.version, m.blob {_LATEST_MODELS}"):
        if wanted is not None and row["grp"] not in wanted:
            continue
        try:
            model = pickle.loads(row["blob"])
        except Exception as e:  # an unreadable blob (other sklearn, damaged file): say what to do
            raise QualcodeError(f"stored model {row['version']} cannot be loaded ({type(e).__name__}); "
                                f"retrain it with 'qualcode learn --force'") from None
        if model.meta.get("feature_version") != FEATURE_VERSION:
            raise QualcodeError(f"stored model {row['version']} was made by another qualcode; "
                                f"retrain it with 'qualcode learn --force'")
        out[row["grp"]] = model
    return out


def list_models(project: Any) -> list[dict[str, Any]]:
    return [{"group": r["grp"], "version": r["version"], "trained_at": r["trained_at"],
             "n_segments": r["n_segments"], "data_hash": r["data_hash"], "metrics": json.loads(r["metrics"])}
            for r in project.conn.execute("SELECT * FROM models ORDER BY grp, id DESC")]


# ----------------------------------------------------------------------------- prediction

@dataclass
class ModelSummary:
    models: dict[str, str] = field(default_factory=dict)   # group -> version
    segments: int = 0
    suggestions: int = 0
    confident: int = 0
    removed: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


MODEL_STATE = ("*", "model")  # the suggest_state row: what the stored model rows were made from


def models_fingerprint(project: Any, by_field: dict[str, list[str]] | None = None) -> str | None:
    """What the model suggestions of a segment depend on besides its words: the latest model
    of each group, the groups each field gets (``by_field``, when the caller has them), the
    codebook's codes and the storing threshold. None when there is no model."""
    versions = [tuple(r) for r in project.conn.execute(f"SELECT m.grp, m.version {_LATEST_MODELS}")]
    if not versions:
        return None
    by_field = _groups_by_field(project) if by_field is None else by_field
    data = [versions, sorted(by_field.items()), sorted(project.codebook.by_id), MIN_SCORE, FEATURE_VERSION]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def model_suggestions(project: Any, docs: Iterable[str] | None = None, codes: Iterable[str] | None = None,
                      min_score: float = MIN_SCORE, *, explain: bool = True,
                      segments: Iterable[int] | None = None) -> ModelSummary:
    """Predict with each group's latest model and store rows ``model:<version>`` (one transaction).

    Earlier model rows for the segments and codes in scope are replaced. Segments that
    ``suggest`` has not tokenized yet use their lower-cased words as features. A run over
    everything with the default threshold records ``models_fingerprint`` in ``suggest_state``,
    so that ``suggest`` predicts again only where something changed.
    """
    if not 0.0 <= min_score <= 1.0:
        raise QualcodeError(f"--min-score {min_score} must be between 0 and 1")
    t0 = time.perf_counter()
    wanted_codes = check_codes(project.codebook, codes)
    wanted_docs = check_docs(project.conn, docs)
    models = load_models(project)
    if not models:
        raise QualcodeError("no model yet; train one with 'qualcode learn'")
    summary = ModelSummary({g: m.meta["version"] for g, m in models.items()})
    by_field = _groups_by_field(project)
    sql = ("SELECT id, doc, field, position, text, text_hash FROM segments WHERE retired = 0 AND trim(text) != ''"
           " AND field IN (SELECT value FROM json_each(?))")
    args: list[Any] = [json.dumps(sorted(by_field))]
    if wanted_docs is not None:
        sql += " AND doc IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(wanted_docs))
    if segments is not None:
        sql += " AND id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(set(segments))))
    rows = project.conn.execute(sql + " ORDER BY doc, field, position", args).fetchall()
    summary.segments = len(rows)
    texts = feature_texts(project, rows)
    text_of = {r["id"]: t for r, t in zip(rows, texts)}
    stamp, version_cb = now(), project.codebook.version
    out: list[tuple[Any, ...]] = []
    for grp, model in models.items():
        mine = [i for i, r in enumerate(rows) if grp in by_field.get(r["field"], ())]
        source = f"model:{model.meta['version']}"
        if not mine:
            continue
        X = model.featurizer.transform([texts[i] for i in mine])
        probs = model.predict_matrix(X)
        for code, p in probs.items():
            if code not in project.codebook or (wanted_codes is not None and code not in wanted_codes):
                continue
            for j in np.nonzero(p >= min_score)[0]:
                i = mine[j]
                why = model.evidence_row(code, X, j) if explain else []
                reason = f"modell {model.meta['version']}, p={p[j]:.2f}" + (f"; ord: {', '.join(why)}" if why else "")
                out.append((rows[i]["id"], code, source, round(float(p[j]), 4), None, None, 0, reason, None,
                            version_cb, stamp))
    seg_scope = sorted(text_of)
    with project.transaction():
        delete = "DELETE FROM suggestions WHERE source LIKE 'model:%' AND segment IN (SELECT value FROM json_each(?))"
        dargs: list[Any] = [json.dumps(seg_scope)]
        if wanted_codes is not None:
            delete += " AND code IN (SELECT value FROM json_each(?))"
            dargs.append(json.dumps(sorted(wanted_codes)))
        summary.removed = project.conn.execute(delete, dargs).rowcount
        project.conn.executemany(
            "INSERT INTO suggestions(segment, code, source, score, start, end, negated, reason, candidates, "
            "codebook_version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", out)
        if docs is None and codes is None and segments is None:
            if min_score == MIN_SCORE and explain:
                project.conn.execute("INSERT OR REPLACE INTO suggest_state(field, code, fingerprint) VALUES (?,?,?)",
                                     (*MODEL_STATE, models_fingerprint(project, by_field)))
            else:  # rows made otherwise than suggest would make them
                project.conn.execute("DELETE FROM suggest_state WHERE field = ? AND code = ?", MODEL_STATE)
    summary.suggestions = len(out)
    for row in out:
        summary.by_code[row[1]] = summary.by_code.get(row[1], 0) + 1
        summary.confident += row[3] >= CONFIDENT
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


# ----------------------------------------------------------------------------- fusion

@dataclass
class Fused:
    segment: int
    code: str
    score: float
    rule_score: float | None
    model_score: float | None
    sources: list[str]

    @property
    def origin(self) -> str:
        """'rule', 'model' or 'both' (rule here means any non-model source: rules and choices)."""
        if self.rule_score is not None and self.model_score is not None:
            return "both"
        return "model" if self.model_score is not None else "rule"


def fused_scores(project: Any, min_score: float = 0.0, doc: str | None = None) -> list[Fused]:
    """Per (segment, code): the fused (max) score, each kind's own score, and every source."""
    sql = ("SELECT f.segment, f.code, f.score, f.rule_score, f.model_score, f.sources FROM fused_suggestions f "
           "JOIN segments g ON g.id = f.segment AND g.retired = 0 WHERE f.score >= ?")
    args: list[Any] = [min_score]
    if doc is not None:
        sql += " AND g.doc = ?"
        args.append(doc)
    return [Fused(r[0], r[1], r[2], r[3], r[4], sorted(r[5].split("|")))
            for r in project.conn.execute(sql + " ORDER BY g.doc, g.field, g.position, f.code", args)]


# ----------------------------------------------------------------------------- learning curve

def learning_curve(project: Any, coder: str | None = None, *, seed: int = SEED, steps: int = 6,
                   holdout: float = 0.25, classifier: str = DEFAULT_CLASSIFIER,
                   min_examples: int = MIN_POSITIVES) -> dict[str, list[tuple[int, float]]]:
    """Per group, micro F1 on a fixed held-out quarter against the number of validated segments
    trained on (random subsets of the rest, growing geometrically)."""
    sets = training_sets(project, coder)
    out: dict[str, list[tuple[int, float]]] = {}
    for grp, ts in sorted(sets.items()):
        # hold out whole documents: sentences of one interview are not independent
        docs = sorted(set(ts.docs))
        random.Random(seed).shuffle(docs)
        test_docs = set(docs[:max(1, int(len(docs) * holdout))])
        test = [i for i, d in enumerate(ts.docs) if d in test_docs]
        train = [i for i, d in enumerate(ts.docs) if d not in test_docs]
        random.Random(seed + 1).shuffle(train)
        if len(train) < 2 * min_examples or not test:
            continue
        sizes = sorted({int(round(len(train) ** (k / steps))) for k in range(1, steps + 1)} | {len(train)})
        sizes = [n for n in sizes if n >= 2 * min_examples]
        points = []
        test_set = ts.subset(test)
        for n in sizes:
            model, _ = fit_group(ts.subset(train[:n]), seed=seed, classifier=classifier, min_examples=min_examples,
                                 cross_validate=False)
            points.append((n, _micro_f1(model, test_set)))
        if points:
            out[grp] = points
    if not out:
        raise QualcodeError("too few validated segments for a learning curve; validate more segments first")
    return out


def _micro_f1(model: GroupModel | None, ts: TrainingSet) -> float:
    tp = fp = fn = 0
    probs = model.predict(ts.texts) if model is not None else {}
    for c in ts.codes:
        ys = ts.labels[c]
        p = probs.get(c)
        for i, y in enumerate(ys):
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
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(16 / 2.54, 9 / 2.54))
    for grp, points in curve.items():
        ax.plot([n for n, _ in points], [f for _, f in points], marker="o", label=grp)
    ax.set_xscale("log")
    from matplotlib.ticker import NullFormatter, ScalarFormatter
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
