"""Agreement between the training corpus's labels and its blind second labelling, per label.

The second coder saw only the passages' text and ../shared/CODING.md (not the corpus files),
so this is the corpus's inter-coder reliability. Run after the corpus changes:

    python scripts/second_labelling.py
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "training"
LABELS = [str(i) for i in range(1, 14)] + ["lokaler", "omorganisation", "lon", "personalomsattning", "arbetsbelastning"]


def label_set(row: dict) -> set[str]:
    return {str(a) for a in row.get("areas", [])} | set(row.get("themes", []))


def kappa(pairs: list[tuple[bool, bool]]) -> tuple[int, int, float, float]:
    """(first positives, second positives, observed agreement, Cohen's kappa) of one label."""
    n = len(pairs)
    first, second = sum(a for a, _ in pairs), sum(b for _, b in pairs)
    po = sum(a == b for a, b in pairs) / n
    pe = (first * second + (n - first) * (n - second)) / (n * n)
    return first, second, po, 1.0 if pe == 1 else (po - pe) / (1 - pe)


def main() -> None:
    first = {}
    for path in sorted(CORPUS.glob("*.jsonl")):
        if path.name not in ("choices.jsonl", "second_labels.jsonl"):
            first.update((r["id"], r) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()))
    second = [json.loads(line) for line in (CORPUS / "second_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    print(f"{len(second)} passages labelled twice; identical label sets "
          f"{sum(label_set(first[s['id']]) == label_set(s) for s in second)}")
    print("| label | positives (1st/2nd) | agreement | kappa |\n|---|---|---|---|")
    kappas = []
    for label in LABELS:
        f, s, po, k = kappa([(label in label_set(first[r["id"]]), label in label_set(r)) for r in second])
        kappas.append(k)
        print(f"| {label} | {f}/{s} | {po:.3f} | {k:.2f} |")
    print(f"mean kappa {sum(kappas) / len(kappas):.2f}")


if __name__ == "__main__":
    main()
