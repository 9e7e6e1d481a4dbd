#!/usr/bin/env python
"""Do learned suggestions help? Rules alone against rules + model on documents nobody reviewed.

On the demo corpus: import, ``suggest`` (rules and choices), record the gold as the decisions of
coder ``facit`` for a deterministic half of the interview notes and of the 2016–17 survey
comments (every other document in id order) — the demo's review sheet, in which an answer the
gold leaves uncoded and no rule touched is rejected for every code of its group, so ``learn``
sees it as a reviewed negative — ``learn`` from those decisions, apply the model,
and compare document-level F1 on the other half (notes: per interview; comments: per answer
cell) — first with the rule rows only, then with rule and model rows (score >= 0.5 either way,
as ``qualcode.evaluate.compare`` reads them). Prints the margin, the false positives of each,
and how many model-only suggestions (no confident rule row for that unit and code) the gold
confirms.

    python scripts/eval_learn.py [--seed N] [--compare-classifiers] [--curve F.png] [--bench] [--check]

``--bench`` runs ``benchmark()``: training on 20k validated segments and predicting for 100k
segments of the corpus's own sentences (repeated to size), with the wall-clock times.
``--check`` exits 1 unless rules + model beat rules alone over both materials together.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.review.sheet_import import import_decisions  # noqa: E402
from qualcode.evaluation.demo import COMMENT_FIELDS, GOLD_CODER, NOTE_GROUPS, build_project, gold_sets, write_gold_decisions  # noqa: E402
from qualcode.evaluation.gold import Scores, compare  # noqa: E402
from qualcode.suggest.model.curve import learning_curve, plot_curve  # noqa: E402
from qualcode.suggest.model.learn import learn  # noqa: E402
from qualcode.suggest.model.predict import model_suggestions  # noqa: E402
from qualcode.suggest.run import suggest  # noqa: E402


def halves(ids: list[str]) -> tuple[set[str], set[str]]:
    """Every other id in sorted order: both halves span all rounds, districts and groups."""
    ids = sorted(ids)
    return set(ids[0::2]), set(ids[1::2])


def _units(p, docs: set[str], fields: list[str], by_field: bool) -> list[tuple[str, ...]]:
    sql = (f"SELECT DISTINCT doc, field FROM segments WHERE retired = 0 "
           f"AND field IN ({','.join('?' * len(fields))})")
    return sorted({(d, f) if by_field else (d,) for d, f in p.conn.execute(sql, fields) if d in docs})


def _predicted(p, fields: list[str], groups: list[str] | None, model: bool, by_field: bool) -> dict:
    sql = ("SELECT g.doc, g.field, s.code, c.grp FROM suggestions s JOIN segments g ON g.id = s.segment "
           "JOIN codes c ON c.id = s.code WHERE g.retired = 0 AND s.score >= 0.5 "
           f"AND s.source {'' if model else 'NOT '}LIKE 'model:%' AND g.field IN ({','.join('?' * len(fields))})")
    out: dict = {}
    for doc, fld, code, grp in p.conn.execute(sql, fields):
        if groups is None or grp in groups:
            out.setdefault((doc, fld) if by_field else (doc,), set()).add(code)
    return out


def run(seed: int = 0, classifier: str = "svm", curve: Path | None = None, say=print,
        show_false: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        p = build_project(Path(tmp) / "eval.db", say=lambda s: None)
        suggest(p)
        gold = gold_sets()
        notes_docs = [d["id"] for d in p.documents(kind="interview")]
        comment_docs = sorted({r[0] for r in p.conn.execute(
            f"SELECT DISTINCT doc FROM segments WHERE field IN ({','.join('?' * len(COMMENT_FIELDS))})",
            COMMENT_FIELDS)})
        n_train, n_test = halves(notes_docs)
        c_train, c_test = halves(comment_docs)
        train_docs = n_train | c_train

        # the gold of the training half as coder facit's decisions (the demo's own review sheet)
        sheet = Path(tmp) / "facit.csv"
        write_gold_decisions(p, gold, sheet)
        seg_doc = {r[0]: r[1] for r in p.conn.execute("SELECT id, doc FROM segments")}
        with open(sheet, encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f)
                    if (r["doc"] or seg_doc[int(r["segment"])]) in train_docs]
        rows = list({tuple(r.items()): r for r in rows}.values())  # one row per decision, however many sources
        import_decisions(p, rows)
        say(f"recorded the gold of {len(n_train)} interviews and {len(c_train)} comment respondents as "
            f"{GOLD_CODER}'s decisions ({len(rows)} rows); held out {len(n_test)} interviews and "
            f"{len(c_test)} respondents")

        materials = {
            "notes": dict(gold=gold["notes"], fields=["notes"], groups=NOTE_GROUPS, by_field=False,
                          units=_units(p, n_test, ["notes"], False)),
            "comments": dict(gold=gold["comments"], fields=COMMENT_FIELDS, groups=None, by_field=True,
                             units=_units(p, c_test, COMMENT_FIELDS, True)),
        }
        before = {k: compare(p, m["gold"], fields=m["fields"], groups=m["groups"], by_field=m["by_field"],
                             units=m["units"]) for k, m in materials.items()}

        t0 = time.perf_counter()
        summary = learn(p, coder=GOLD_CODER, seed=seed, classifier=classifier)
        t_learn = time.perf_counter() - t0
        for g in summary.groups:
            learned = [m for m in g.codes if m.learned]
            say(f"learned {g.group}: {g.version} from {g.n_segments} segments, {len(learned)} codes "
                f"(mean cross-validated F1 {sum(m.f1 or 0 for m in learned) / max(len(learned), 1):.3f}); "
                f"too few examples: {', '.join(m.code for m in g.too_few) or 'none'}")
        applied = model_suggestions(p, docs=n_test | c_test)
        say(f"trained in {t_learn:.1f} s; model suggestions on held-out documents: {applied.suggestions} "
            f"({applied.confident} with score >= 0.5) in {applied.seconds:.1f} s")

        after = {k: compare(p, m["gold"], fields=m["fields"], groups=m["groups"], by_field=m["by_field"],
                            units=m["units"]) for k, m in materials.items()}
        result = {}
        say(f"\n{'material':10} {'units':>5}  {'rules F1':>8} {'P':>6} {'R':>6}  {'rules+model F1':>14} "
            f"{'P':>6} {'R':>6}  {'margin':>7}  {'FP':>7}  model-only confirmed/claimed")
        for k, m in materials.items():
            rules_pred = _predicted(p, m["fields"], m["groups"], False, m["by_field"])
            model_pred = _predicted(p, m["fields"], m["groups"], True, m["by_field"])
            confirmed = claimed = 0
            codes = p.codebook.by_id
            wrong = []
            for unit in m["units"]:
                gold_codes = {c for c in m["gold"].get(unit, set())
                              if m["groups"] is None or (c in codes and codes[c].group in m["groups"])}
                only = model_pred.get(unit, set()) - rules_pred.get(unit, set())
                claimed += len(only)
                confirmed += len(only & gold_codes)
                wrong += [(unit, c, sorted(gold_codes)) for c in sorted(only - gold_codes)]
            if show_false:
                for unit, code, gold_codes in wrong:
                    text = p.conn.execute(
                        "SELECT group_concat(text, ' ') FROM segments WHERE doc = ? AND field = ? AND retired = 0",
                        (unit[0], unit[1] if len(unit) > 1 else "notes")).fetchone()[0] or ""
                    say(f"  model-only false positive {'/'.join(unit)}: {code} (gold: {', '.join(gold_codes) or '-'})"
                        f"  {text[:100]!r}")
            b, a = before[k].overall, after[k].overall
            result[k] = {"units": before[k].units, "rules": b.to_json(), "rules_model": a.to_json(),
                         "margin": round(a.f1 - b.f1, 4), "model_only_confirmed": confirmed,
                         "model_only_claimed": claimed}
            say(f"{k:10} {before[k].units:>5}  {b.f1:8.3f} {b.precision:6.3f} {b.recall:6.3f}  {a.f1:14.3f} "
                f"{a.precision:6.3f} {a.recall:6.3f}  {a.f1 - b.f1:+7.3f}  {f'{b.fp}→{a.fp}':>7}  "
                f"{confirmed}/{claimed}")
        both_b = _merge(before.values())
        both_a = _merge(after.values())
        result["overall"] = {"rules_f1": round(both_b.f1, 4), "rules_model_f1": round(both_a.f1, 4),
                             "margin": round(both_a.f1 - both_b.f1, 4),
                             "model_only_confirmed": sum(result[k]["model_only_confirmed"] for k in materials)}
        say(f"{'both':10} {'':>5}  {both_b.f1:8.3f} {'':>6} {'':>6}  {both_a.f1:14.3f} {'':>6} {'':>6}  "
            f"{both_a.f1 - both_b.f1:+7.3f}  {f'{both_b.fp}→{both_a.fp}':>7}  "
            f"{result['overall']['model_only_confirmed']} confirmed")
        say(f"\nmargin (rules+model − rules, document-level F1 on the held-out half): "
            f"notes {result['notes']['margin']:+.3f}, comments {result['comments']['margin']:+.3f}, "
            f"overall {result['overall']['margin']:+.3f}; model-only suggestions confirmed by the gold: "
            f"{result['overall']['model_only_confirmed']}")
        if curve is not None:
            points = learning_curve(p, coder=GOLD_CODER, seed=seed, classifier=classifier)
            plot_curve(points, curve)
            for g, pts in points.items():
                say(f"curve {g}: " + ", ".join(f"{n}→{f:.2f}" for n, f in pts))
            say(f"learning curve written to {curve}")
        p.close()
        return result


def _merge(comparisons) -> Scores:
    s = Scores()
    for c in comparisons:
        s.tp += c.overall.tp
        s.fp += c.overall.fp
        s.fn += c.overall.fn
    return s


def benchmark(train_n: int = 20_000, predict_n: int = 100_000, seed: int = 0, classifier: str = "svm",
              say=print) -> dict:
    """Train on ``train_n`` validated segments and predict for ``predict_n`` segments; time both.

    The segments are the demo corpus's own sentences and comments with their gold-derived
    labels, repeated with a varying prefix word until there are enough (so texts differ)."""
    import numpy as np
    from qualcode.suggest.model.classifier import fit_group
    from qualcode.suggest.model.training import TrainingSet, training_sets
    with tempfile.TemporaryDirectory() as tmp:
        p = build_project(Path(tmp) / "bench.db", say=lambda s: None)
        suggest(p)
        gold = gold_sets()
        sheet = Path(tmp) / "facit.csv"
        write_gold_decisions(p, gold, sheet)
        with open(sheet, encoding="utf-8") as f:
            import_decisions(p, list({tuple(r.items()): r for r in csv.DictReader(f)}.values()))
        base = training_sets(p, GOLD_CODER)
        p.close()
    src = max(base.values(), key=len)  # the biggest group (tema: notes + comments)
    rng = np.random.default_rng(seed)
    fillers = ["också", "dessutom", "vidare", "enligt gruppen", "sa någon", "menade flera", "alltså", "ju"]

    def grow(n: int) -> TrainingSet:
        idx = rng.integers(0, len(src), size=n)
        ts = src.subset(list(idx))
        ts.segments = list(range(n))
        ts.texts = [(f"{t[0]} {fillers[i % len(fillers)]} v{i % 997}", f"{t[1]} {fillers[i % len(fillers)]}")
                    for i, t in enumerate(ts.texts)]
        return ts

    train = grow(train_n)
    t0 = time.perf_counter()
    model, metrics = fit_group(train, seed=seed, classifier=classifier, cross_validate=False)
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    model, _ = fit_group(train, seed=seed, classifier=classifier, cross_validate=True)
    t_train_cv = time.perf_counter() - t0
    texts = grow(predict_n).texts
    t0 = time.perf_counter()
    probs = model.predict(texts)
    t_predict = time.perf_counter() - t0
    out = {"group": src.group, "codes": len(model.codes), "train_segments": train_n,
           "train_seconds": round(t_train, 2), "train_with_cv_seconds": round(t_train_cv, 2),
           "predict_segments": predict_n, "predict_seconds": round(t_predict, 2),
           "predicted_rows": int(sum((p >= 0.5).sum() for p in probs.values()))}
    say(f"benchmark ({src.group}, {len(model.codes)} codes): training on {train_n} segments "
        f"{t_train:.1f} s (target < 30 s; with cross-validated metrics {t_train_cv:.1f} s); "
        f"predicting for {predict_n} segments {t_predict:.1f} s (target < 10 s)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--classifier", default="svm", choices=["logreg", "svm", "sgd"])
    ap.add_argument("--compare-classifiers", action="store_true")
    ap.add_argument("--curve", type=Path, default=None, help="also draw the learning curve to this PNG/SVG")
    ap.add_argument("--bench", action="store_true", help="run the training/prediction benchmark")
    ap.add_argument("--check", action="store_true", help="exit 1 unless rules+model beat rules overall")
    ap.add_argument("--false-positives", action="store_true",
                    help="list the model-only suggestions the gold does not have (unit, code, text)")
    args = ap.parse_args()
    if args.compare_classifiers:
        for kind in ("logreg", "svm", "sgd"):
            print(f"\n=== {kind}")
            run(args.seed, kind)
        return 0
    result = run(args.seed, args.classifier, args.curve, show_false=args.false_positives)
    if args.bench:
        benchmark(seed=args.seed, classifier=args.classifier)
    if args.check and not result["overall"]["margin"] > 0:
        print("FAIL: rules + model do not beat rules alone on the held-out half")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
