"""Learned models as plain data: the NumPy predictor equals scikit-learn, storage round-trips to the
same bytes, and a project file holding a pickle (the old format) is refused without unpickling it."""

from __future__ import annotations

import ast
import io
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from qualcode import Project
from qualcode.errors import QualcodeError
from qualcode.suggest.model.classifier import code_weights, fit_group, make_classifier
from qualcode.suggest.model.features import (
    CHAR_MAX_FEATURES,
    CHAR_MIN_DF,
    CHAR_NGRAMS,
    TOKEN,
    WORD_NGRAMS,
    Featurizer,
    fit_featurizer,
)
from qualcode.suggest.model.linear import CodeWeights, GroupModel
from qualcode.suggest.model.storage import OLD_FORMAT, decode, encode, load_models
from qualcode.suggest.model.training import TrainingSet

PACKAGE = Path(__file__).resolve().parents[1] / "qualcode"

THEMES = {
    "lokaler": ["vi sitter trångt i kontorslandskapet", "skrivborden räcker inte", "ventilationen är usel",
                "lokalerna är slitna och trånga", "det saknas samtalsrum"],
    "stress": ["jag hinner aldrig ta rast", "för många ärenden per handläggare", "stressen är enorm",
               "arbetsbelastningen är hög", "övertiden växer"],
}
OTHER = ["inget att tillägga", "vet ej", "bra chefer", "trivs med kollegorna", "ingen kommentar"]


def _training_set(n: int = 60) -> TrainingSet:
    ts = TrainingSet("tema", list(THEMES))
    ts.labels = {c: [] for c in THEMES}
    for i in range(n):
        code = list(THEMES)[i % 3] if i % 3 < 2 else None
        phrase = THEMES[code][i % 5] if code else OTHER[i % 5]
        raw = f"{phrase} {OTHER[(i // 3) % 5]} nr{i % 7}"
        ts.segments.append(i)
        ts.docs.append(f"d{i}")
        ts.texts.append((f"__text {raw}", raw))
        ts.text_hashes.append(f"h{i}")
        for c in THEMES:
            ts.labels[c].append(1 if c == code else 0)
    return ts


NEW_TEXTS = [("__text stressen i lokalerna", "Stressen i LOKALERNA, ärligt talat!"),
             ("__text okänt ord", "xyzzy"), ("", ""), ("__text a b a b a", "a b  a\tb İstanbul å"),
             ("__notes kontorslandskapet kontorslandskapet", "kontorslandskapet kontorslandskapet")]


def _sklearn_matrix(train: list[tuple[str, str]], texts: list[tuple[str, str]]):
    """The features as scikit-learn's own vectorizers compute them."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
    words = TfidfVectorizer(analyzer="word", token_pattern=TOKEN.pattern, lowercase=False, ngram_range=WORD_NGRAMS,
                            sublinear_tf=True, dtype=np.float32).fit([t[0] for t in train])
    chars = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=CHAR_MIN_DF,
                            max_features=CHAR_MAX_FEATURES, dtype=np.float32).fit([t[1] for t in train])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(chars.transform([t[1] for t in train]))
    return hstack([words.transform([t[0] for t in texts]),
                   tfidf.transform(chars.transform([t[1] for t in texts]))], format="csr")


def test_the_numpy_featurizer_computes_sklearns_tfidf() -> None:
    ts = _training_set()
    featurizer, X_train = fit_featurizer(ts.texts)
    assert featurizer.chars is not None
    mine = featurizer.transform(ts.texts + NEW_TEXTS)
    theirs = _sklearn_matrix(ts.texts, ts.texts + NEW_TEXTS)
    assert mine.shape == theirs.shape and mine.dtype == np.float32
    assert abs(mine - theirs).max() <= 1e-7
    assert (mine != theirs).nnz == 0   # the same arithmetic: equal, not merely close
    assert abs(featurizer.transform(ts.texts) - X_train).max() <= 1e-7
    assert mine[len(ts.texts) + 2].nnz == 0   # an empty text has no features, and no crash


@pytest.mark.parametrize("kind", ["svm", "logreg", "sgd"])
def test_the_numpy_predictor_equals_sklearns_predict_proba(kind: str) -> None:
    ts = _training_set()
    featurizer, X = fit_featurizer(ts.texts)
    clf = make_classifier(kind, seed=1).fit(X, np.array(ts.labels["lokaler"]))
    model = GroupModel("tema", featurizer, {"lokaler": code_weights(clf)}, {})
    texts = ts.texts[:10] + NEW_TEXTS
    ours = model.predict(texts)["lokaler"]
    theirs = clf.predict_proba(_sklearn_matrix(ts.texts, texts))[:, 1]
    assert np.abs(ours - theirs).max() <= 1e-6
    assert ours.min() < 0.3 and ours.max() > 0.7   # a test over probabilities that differ


def test_a_model_round_trips_through_plain_data_to_the_same_bytes_and_predictions() -> None:
    model, _ = fit_group(_training_set(), seed=2, cross_validate=False)
    spec, blob = encode(model)
    assert blob[:6] == b"\x93NUMPY" and json.loads(spec)["format"].startswith("qualcode-linear-model/")
    back = decode(spec, blob, "m7-abc")
    assert back.meta["version"] == "m7-abc" and back.codes == model.codes
    for code, p in model.predict(NEW_TEXTS).items():
        assert np.array_equal(back.predict(NEW_TEXTS)[code], p)
    assert back.evidence("lokaler", NEW_TEXTS[0]) == model.evidence("lokaler", NEW_TEXTS[0])
    assert encode(back) == (spec, blob)
    # the same data and seed give the same bytes; another seed gives another model
    again, _ = fit_group(_training_set(), seed=2, cross_validate=False)
    assert encode(again) == (spec, blob)
    assert encode(fit_group(_training_set(), seed=5, cross_validate=False)[0])[1] != blob


def test_a_model_without_character_ngrams_round_trips() -> None:
    ts = _training_set(60).subset(range(3))
    featurizer, _ = fit_featurizer(ts.texts)
    assert featurizer.chars is None
    weights = CodeWeights(np.linspace(-1, 1, featurizer.n_features)[None, :], np.array([0.1]), np.array([-2.0]),
                          np.array([0.3]))
    model = GroupModel("tema", featurizer, {"lokaler": weights}, {"feature_version": 1})
    back = decode(*encode(model), "m1-x")
    assert isinstance(back.featurizer, Featurizer) and back.featurizer.chars is None
    assert np.array_equal(back.predict(ts.texts)["lokaler"], model.predict(ts.texts)["lokaler"])


class Payload:
    """What an attacker would plant: unpickling it creates the file ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def _plant(project: Project, blob: bytes, spec: str | None = None, grp: str = "tema") -> None:
    project.conn.execute("INSERT INTO models(grp, version, data_hash, trained_at, n_segments, metrics, blob, spec) "
                         "VALUES (?, 'm1-0000', 'x', '2020-01-01', 10, '{\"codes\": []}', ?, ?)", (grp, blob, spec))


def test_a_pickled_model_is_refused_and_never_unpickled(cli, project: Project, tmp_path: Path) -> None:
    probe, marker = tmp_path / "probe", tmp_path / "marker"
    pickle.loads(pickle.dumps(Payload(probe)))   # the payload does what it says when unpickled …
    assert probe.exists()
    _plant(project, pickle.dumps(Payload(marker), protocol=pickle.HIGHEST_PROTOCOL))
    for command in (["status"], ["suggest"], ["review", "accept", "--coder", "anna", "--min-score", "0.9"],
                    ["learn", "--apply-only"]):
        r = cli(*command)
        assert r.exit_code == 1, (command, r.output)
        assert r.output.strip().splitlines() == [f"Error: {OLD_FORMAT}"], command
    with pytest.raises(QualcodeError, match="old pickled format"):
        load_models(project)
    assert not marker.exists()                   # … and qualcode never unpickled it


@pytest.mark.parametrize("damage", ["object_array", "not_json", "other_format", "truncated"])
def test_a_model_that_is_not_the_expected_json_and_npy_is_refused(project: Project, tmp_path: Path,
                                                                  damage: str) -> None:
    marker = tmp_path / "marker"
    spec, blob = encode(fit_group(_training_set(), seed=0, cross_validate=False)[0])
    if damage == "object_array":   # an .npy that only unpickling could read
        buf = io.BytesIO()
        np.save(buf, np.array([Payload(marker)], dtype=object), allow_pickle=True)
        blob = buf.getvalue() + blob
    elif damage == "not_json":
        spec = spec[:-10]
    elif damage == "other_format":
        spec = spec.replace("qualcode-linear-model/1", "qualcode-linear-model/99")
    else:
        blob = blob[:len(blob) // 2]
    _plant(project, blob, spec)
    with pytest.raises(QualcodeError, match="m1-0000.*qualcode learn --force"):
        load_models(project)
    assert not marker.exists()


def test_no_module_of_the_package_unpickles() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in ("pickle", "cPickle", "dill", "joblib") for n in names):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.keyword) and node.arg == "allow_pickle" and not (
                    isinstance(node.value, ast.Constant) and node.value.value is False):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.value.lineno} allow_pickle")
    assert offenders == []


def test_a_bad_curve_file_is_refused_before_any_model_is_stored(cli, project: Project) -> None:
    r = cli("learn", "--coder", "anna", "--curve", "kurva.gif")
    assert r.exit_code == 1 and ".png or .svg" in r.output
    assert project.conn.execute("SELECT COUNT(*) FROM models").fetchone()[0] == 0
