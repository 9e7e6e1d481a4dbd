#!/usr/bin/env python3
"""Measure each codebook pattern's precision on the labelled training corpus and ship it as the
pattern's score (qualcode/data/rule_priors.json), so a rule's score means what it says from the
first suggest, before reviewers have judged it (their judgement replaces it after MIN_JUDGED).

A pattern is right in a passage when the passage's gold carries the pattern's code (document level,
the five themes and areas 1–13; codes outside them keep their weight). The estimate is shrunk
toward the codebook weight: (right + K·weight) / (fired + K), and kept only for patterns that fired
in at least MIN_FIRED passages.

    .venv/bin/python scripts/calibrate_rules.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualcode.evaluation.outside import passages_project  # noqa: E402
from qualcode.evaluation.outside import label_of  # noqa: E402
from qualcode.suggest import base_model  # noqa: E402
from qualcode.suggest.listing import list_suggestions  # noqa: E402
from qualcode.suggest.run import suggest  # noqa: E402
from qualcode.suggest import settings  # noqa: E402
from qualcode.suggest.settings import PRIORS_FILE, prior_key  # noqa: E402

CORPUS = ROOT / "corpora" / "training"
REGISTERS = ("terse", "narrative", "colloquial", "formal", "survey")
K = 4.0
MIN_FIRED = 3


def main() -> None:
    items = [json.loads(line) for reg in REGISTERS for line in open(CORPUS / f"{reg}.jsonl", encoding="utf-8")
             if line.strip()]
    gold = {str(it["id"]): {str(a) for a in it["areas"]} | set(it["themes"]) for it in items}
    # measured under the codebook's weights, not the priors being replaced: which pattern is a
    # segment's best evidence depends on the scores, and measuring under the last priors made
    # each run's figures depend on the run before (they never settled)
    settings._priors_table.cache_clear()
    settings._priors_table = lambda: {}  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        p = passages_project(items, Path(tmp), None, base_model=False)
        suggest(p)
        rows = list_suggestions(p)
        cb = p.codebook
        p.close()
    fired: dict[str, set[str]] = defaultdict(set)
    right: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if not r["source"].startswith("rule:") or label_of(r) is None:
            continue
        key = f"{r['code']}\x1f{r['source'][len('rule:'):]}"
        fired[key].add(r["doc"])
        if label_of(r) in gold[r["doc"]]:
            right[key].add(r["doc"])
    weight = {f"{c.id}\x1f{p.label}": p.weight for c in cb.codes for p in c.patterns}
    priors = {}
    for key, docs in sorted(fired.items()):
        if len(docs) >= MIN_FIRED and key in weight:
            code, label = key.split("\x1f", 1)
            priors[prior_key(code, label, weight[key])] = [
                round((len(right[key]) + K * weight[key]) / (len(docs) + K), 3), len(docs)]
    PRIORS_FILE.write_text(json.dumps({"codebook": base_model.codebook_fingerprint(cb), "k": K,
                                       "min_fired": MIN_FIRED, "priors": priors}, ensure_ascii=False, indent=1,
                                      sort_keys=True) + "\n", encoding="utf-8")
    low = sorted((v[0], " ".join(k.split("\x1f")[:2])) for k, v in priors.items() if v[0] < 0.5)
    print(f"{len(priors)} patterns measured on {len(items)} passages; {len(low)} now below 0.5 (hints):")
    for score, key in low[:30]:
        print(f"  {score:.2f}  {key}")


if __name__ == "__main__":
    main()
