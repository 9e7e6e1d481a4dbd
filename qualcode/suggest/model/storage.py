"""Models in the project file as plain data: JSON and NumPy arrays, never pickles.

A project file is data, never instructions (DESIGN.md): unpickling runs code, so a model is
stored as numbers that loading can only read. Beside its version and training summary, a row
of ``models`` holds:

- ``spec``, JSON: ``format`` (``FORMAT``), ``group``, ``meta`` (seed, classifier, …);
  ``features``, per analyzer its parameters and its vocabulary in column order; ``codes``, per
  code the intercept and the sigmoid's A and B of each calibration fold; ``arrays``, the name,
  dtype and shape of each array in ``blob``.
- ``blob``, those arrays one after another as ``np.save`` writes them: the word IDF, the
  character IDF (when the model has character n-grams) and the weights, one row per code and
  fold in the order of ``codes``. They are read back with ``np.load(allow_pickle=False)``.

The same model gives the same bytes (no time or row id inside), so retraining on the same
decisions and seed stores what was there. Rows written by older qualcode versions (no ``spec``,
``blob`` a pickle) are refused, never unpickled.
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterable

import numpy as np

from qualcode.errors import QualcodeError
from qualcode.store.db import now
from qualcode.suggest.model.features import CHAR_NGRAMS, FEATURE_VERSION, TOKEN, WORD_NGRAMS, Featurizer, Tfidf
from qualcode.suggest.model.linear import CodeWeights, GroupModel

FORMAT = "qualcode-linear-model/1"
KEEP_MODELS = 3        # models kept per group (older ones are deleted when a new one is stored)
OLD_FORMAT = ("this project holds a model in the old pickled format, which qualcode no longer loads because "
              "unpickling can run code; run 'qualcode learn --force' to train it again")
ANALYZERS = {  # what ``features.Tfidf`` computes; a stored model must say the same
    "word": {"token_pattern": TOKEN.pattern, "lowercase": False, "ngram_range": list(WORD_NGRAMS),
             "sublinear_tf": True, "smooth_idf": True, "norm": "l2"},
    "char_wb": {"lowercase": True, "ngram_range": list(CHAR_NGRAMS), "sublinear_tf": True, "smooth_idf": True,
                "norm": "l2"},
}
_LATEST = ("FROM models m JOIN (SELECT grp, MAX(id) AS id FROM models GROUP BY grp) l ON l.id = m.id "
           "ORDER BY m.grp")  # each group's newest model
# whether a row's spec is in FORMAT (bind FORMAT); CASE, because json_extract raises on malformed
# JSON and SQLite does not promise to short-circuit AND
_READABLE = "(CASE WHEN json_valid({0}) THEN json_extract({0}, '$.format') IS ? ELSE 0 END)"


# ----------------------------------------------------------------------------- encoding

def encode(model: GroupModel) -> tuple[str, bytes]:
    """(spec JSON, blob of .npy arrays) for a model."""
    f = model.featurizer
    tables = [("words", f.words)] + ([("chars", f.chars)] if f.chars is not None else [])
    arrays = [(f"{name}.idf", t.idf) for name, t in tables]
    arrays.append(("coef", np.vstack([w.coef for w in model.weights.values()]).astype(np.float64)))
    spec = {
        "format": FORMAT, "group": model.group, "meta": {k: v for k, v in model.meta.items() if k != "version"},
        "features": {name: {"analyzer": t.kind, **ANALYZERS[t.kind], "vocabulary": t.vocabulary} for name, t in tables},
        "codes": [{"code": c, "intercept": w.intercept.tolist(), "a": w.a.tolist(), "b": w.b.tolist()}
                  for c, w in model.weights.items()],
        "arrays": [{"name": n, "dtype": a.dtype.str, "shape": list(a.shape)} for n, a in arrays],
    }
    buf = io.BytesIO()
    for _, a in arrays:
        np.save(buf, np.ascontiguousarray(a), allow_pickle=False)
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":")), buf.getvalue()


def decode(spec_text: str | None, blob: bytes, version: str) -> GroupModel:
    """The model of a stored row; QualcodeError for anything but what ``encode`` writes."""
    if spec_text is None or (isinstance(blob, bytes) and blob[:1] == b"\x80"):  # a pickle (protocol 2+)
        raise QualcodeError(OLD_FORMAT)
    try:
        if not isinstance(spec_text, str) or not isinstance(blob, bytes):
            raise TypeError("spec is not text or the arrays are not bytes")
        spec = json.loads(spec_text)
        if not isinstance(spec, dict) or spec.get("format") != FORMAT:
            raise ValueError(f"format {spec.get('format') if isinstance(spec, dict) else None!r}, not {FORMAT!r}")
        arrays = _read_arrays(spec["arrays"], blob)
        model = _model(spec, arrays)
    except (ValueError, KeyError, TypeError, IndexError, OSError, EOFError) as e:
        raise QualcodeError(f"stored model {version} cannot be read ({e}); "
                            f"run 'qualcode learn --force' to train it again") from None
    if model.meta.get("feature_version") != FEATURE_VERSION:
        raise QualcodeError(f"stored model {version} was made by another qualcode; "
                            f"run 'qualcode learn --force' to train it again")
    model.meta["version"] = version
    return model


def _read_arrays(declared: list[dict[str, Any]], blob: bytes) -> dict[str, np.ndarray]:
    buf = io.BytesIO(blob)
    out = {}
    for d in declared:
        a = np.load(buf, allow_pickle=False)
        if a.dtype.str != d["dtype"] or list(a.shape) != d["shape"] or a.dtype.kind != "f":
            raise ValueError(f"array {d['name']} is {a.dtype.str} {list(a.shape)}, "
                             f"not {d['dtype']} {d['shape']}")
        if not np.isfinite(a).all():
            raise ValueError(f"array {d['name']} holds a value that is not a finite number")
        out[d["name"]] = a
    if buf.read(1):
        raise ValueError("bytes after the declared arrays")
    return out


def _model(spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> GroupModel:
    tables = {}
    for name in ("words", "chars"):
        f = spec["features"].get(name)
        if f is None:
            continue
        params = {k: v for k, v in f.items() if k not in ("analyzer", "vocabulary")}
        if f["analyzer"] not in ANALYZERS or params != ANALYZERS[f["analyzer"]]:
            raise ValueError(f"{name}: analyzer {f['analyzer']!r} with {params} is not one qualcode computes")
        tables[name] = Tfidf(f["analyzer"], [str(t) for t in f["vocabulary"]], arrays[f"{name}.idf"])
    featurizer = Featurizer(tables["words"], tables.get("chars"))
    coef = arrays["coef"]
    if coef.shape[1] != featurizer.n_features:
        raise ValueError(f"{coef.shape[1]} weights per row for {featurizer.n_features} features")
    weights, row = {}, 0
    for c in spec["codes"]:
        n = len(c["intercept"])
        if not n or len(c["a"]) != n or len(c["b"]) != n or row + n > coef.shape[0]:
            raise ValueError(f"code {c.get('code')!r}: folds do not match the weights")
        weights[str(c["code"])] = CodeWeights(coef[row:row + n], np.asarray(c["intercept"], dtype=np.float64),
                                              np.asarray(c["a"], dtype=np.float64),
                                              np.asarray(c["b"], dtype=np.float64))
        row += n
    if row != coef.shape[0]:
        raise ValueError(f"{coef.shape[0]} weight rows for {row} folds")
    return GroupModel(str(spec["group"]), featurizer, weights, dict(spec["meta"]))


# ----------------------------------------------------------------------------- the models table

def store_model(project: Any, model: GroupModel, data_hash: str, n_segments: int, metrics: dict[str, Any]) -> str:
    """Insert a group's new model (inside the caller's transaction); its version.

    Keeps the group's ``KEEP_MODELS`` newest rows and drops every row no qualcode can load any
    more (old pickles), so that after a retrain no pickled payload stays in the file."""
    conn = project.conn
    n = (conn.execute("SELECT MAX(id) FROM models").fetchone()[0] or 0) + 1
    version = f"m{n}-{data_hash[:8]}"
    spec, blob = encode(model)
    conn.execute("INSERT INTO models(id, grp, version, data_hash, trained_at, n_segments, metrics, blob, spec) "
                 "VALUES (?,?,?,?,?,?,?,?,?)",
                 (n, model.group, version, data_hash, now(), n_segments,
                  json.dumps(metrics | {"version": version}, ensure_ascii=False), blob, spec))
    conn.execute("DELETE FROM models WHERE grp = ? AND id NOT IN "
                 "(SELECT id FROM models WHERE grp = ? ORDER BY id DESC LIMIT ?)",
                 (model.group, model.group, KEEP_MODELS))
    conn.execute(f"DELETE FROM models WHERE NOT {_READABLE.format('spec')}", (FORMAT,))
    model.meta["version"] = version
    return version


def latest_row(project: Any, group: str) -> Any:
    """The group's newest row (without its arrays), with ``readable``: whether it is in ``FORMAT``."""
    return project.conn.execute(
        f"SELECT id, grp, version, data_hash, metrics, {_READABLE.format('spec')} AS readable "
        "FROM models WHERE grp = ? ORDER BY id DESC LIMIT 1", (FORMAT, group)).fetchone()


def latest_versions(project: Any) -> list[tuple[str, str]]:
    """(group, version) of each group's newest model."""
    return [(r[0], r[1]) for r in project.conn.execute(f"SELECT m.grp, m.version {_LATEST}")]


def latest_precision(project: Any) -> dict[tuple[str, str], float]:
    """(group, code) -> the cross-validated precision of the newest model's confident rows,
    where ``learn`` measured it."""
    out = {}
    for grp, metrics in project.conn.execute(f"SELECT m.grp, m.metrics {_LATEST}"):
        try:
            rows = json.loads(metrics).get("codes", [])
        except (ValueError, AttributeError):
            continue
        for r in rows:
            if isinstance(r, dict) and r.get("learned") and isinstance(r.get("precision"), (int, float)):
                out[(grp, str(r.get("code")))] = float(r["precision"])
    return out


def check_models(project: Any) -> None:
    """Refuse, without loading anything, a project whose newest models are not in ``FORMAT``."""
    for row in project.conn.execute(
            f"SELECT m.version, m.spec IS NULL OR substr(m.blob, 1, 1) = x'80' AS pickled, "
            f"{_READABLE.format('m.spec')} AS ok {_LATEST}",
            (FORMAT,)):
        if row["pickled"]:
            raise QualcodeError(OLD_FORMAT)
        if not row["ok"]:
            raise QualcodeError(f"stored model {row['version']} is not in the format this qualcode reads; "
                                f"run 'qualcode learn --force' to train it again")


def load_models(project: Any, groups: Iterable[str] | None = None) -> dict[str, GroupModel]:
    """The latest stored model of each group."""
    check_models(project)
    wanted = set(groups) if groups is not None else None
    out = {}
    for row in project.conn.execute(f"SELECT m.grp, m.version, m.spec, m.blob {_LATEST}"):
        if wanted is None or row["grp"] in wanted:
            out[row["grp"]] = decode(row["spec"], row["blob"], row["version"])
    return out


def list_models(project: Any) -> list[dict[str, Any]]:
    return [{"group": r["grp"], "version": r["version"], "trained_at": r["trained_at"],
             "n_segments": r["n_segments"], "data_hash": r["data_hash"], "metrics": json.loads(r["metrics"])}
            for r in project.conn.execute("SELECT id, grp, version, trained_at, n_segments, data_hash, metrics "
                                          "FROM models ORDER BY grp, id DESC")]
