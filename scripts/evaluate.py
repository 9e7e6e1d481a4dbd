"""Pre-review accuracy of qualcode's suggestions on the demo corpus.

Builds a fresh project from the corpus, runs ``suggest`` and prints, for the interview notes
(document level, areas and themes), the survey's choice cells and open answers (cell level),
how the suggestions compare with the gold codes: precision, recall, F1 and how many a reviewer
would accept, reject and add; per code with ``--per-code``.

    python scripts/evaluate.py [--corpus DIR] [--per-code] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from rich.console import Console

from qualcode.evaluation.demo import CORPUS, build_project, gold_sets, pre_review_accuracy, print_comparisons
from qualcode.suggest.run import suggest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--per-code", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = ap.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        p = build_project(Path(tmp) / "eval.db", args.corpus, say=lambda s: None)
        suggest(p)
        comparisons = pre_review_accuracy(p, gold_sets(args.corpus))
        p.close()
    print_comparisons(console, comparisons)
    if args.per_code:
        for name, c in comparisons.items():
            console.print(f"[bold]{name}[/] per code")
            for code, s in sorted(c.per_code.items()):
                console.print(f"  {code:28} P {s.precision:.3f}  R {s.recall:.3f}  tp {s.tp:4} fp {s.fp:4} fn {s.fn:4}")
    if args.json:
        args.json.write_text(json.dumps({k: {"units": c.units, "exact": c.units_exact, **c.overall.to_json(),
                                             "per_code": {code: s.to_json() for code, s in c.per_code.items()}}
                                         for k, c in comparisons.items()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
