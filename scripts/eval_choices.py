"""Measure the choice normaliser against a corpus's gold, and its throughput.

    python scripts/eval_choices.py [--corpus DIR] [--codebook FILE] [--bench [N]]

Prints accuracy before review (every cell, no-answer cells included: a cell without a gold
row is right only if read as no answer), the share of cells scored above BULK_THRESHOLD and
the accuracy among them, a calibration table by score band (what BULK_THRESHOLD was chosen
from), and the list of errors. Without a corpus it falls back to the hand-written cells of
tests/test_choices.py so the figures can still be read.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.suggest.choices import BULK_THRESHOLD, ChoiceNormaliser  # noqa: E402
from qualcode.codebook import load_codebook  # noqa: E402

DEFAULT_CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"
DEFAULT_CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
CHOICE_FIELDS = ("langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3")
_ID_COLUMNS = ("doc", "id", "respondent", "resp_id", "respondent_id", "svar_id", "lopnr")


def load_cells(corpus: Path) -> list[tuple[str, str, str, str | None]]:
    """(doc, field, cell, gold code or None) for every choice cell of the survey."""
    survey = corpus / "survey_ht2018.csv"
    gold_path = corpus / "gold" / "survey_ht2018.csv"
    with survey.open(encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        rows = list(csv.DictReader(fh, dialect=dialect))
    if not rows:
        return []
    header = list(rows[0])
    id_col = next((c for c in header if c.strip().lower() in _ID_COLUMNS), header[0])
    fields = [f for f in header if f in CHOICE_FIELDS] or [f for f in header if f.startswith(("langst", "behov"))]
    gold: dict[tuple[str, str], str] = {}
    with gold_path.open(encoding="utf-8-sig", newline="") as fh:
        for g in csv.DictReader(fh):
            gold[(g["doc"].strip(), g["field"].strip())] = g["code"].strip()
    gold_docs = {d for d, _ in gold}
    out = []
    for row in rows:
        rid = row[id_col].strip()
        doc = rid if rid in gold_docs else next((d for d in gold_docs if d.endswith(("/" + rid, ":" + rid))), rid)
        for f in fields:
            cell = (row.get(f) or "")
            if cell.strip() == "#NULL!":
                continue
            out.append((doc, f, cell, gold.get((doc, f))))
    return out


def cases_from_tests() -> list[tuple[str, str, str, str | None]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_choices import CASES  # type: ignore[import-not-found]

    return [(f"case{i}", "cell", cell, code) for i, (cell, code, flag, _) in enumerate(CASES)
            if code is not None or flag in ("no_answer", "invalid_number")]


def evaluate(cells: list[tuple[str, str, str, str | None]], norm: ChoiceNormaliser,
             threshold: float = BULK_THRESHOLD, show: int = 80) -> dict[str, float]:
    results = norm.normalise_many(c for _, _, c, _ in cells)
    n = len(cells)
    right = [r.code == g for (_, _, _, g), r in zip(cells, results)]
    above = [r.score > threshold for r in results]
    n_above = sum(above)
    right_above = sum(1 for a, ok in zip(above, right) if a and ok)
    stats = {
        "cells": n,
        "accuracy": sum(right) / n if n else 0.0,
        "share_above": n_above / n if n else 0.0,
        "accuracy_above": right_above / n_above if n_above else 0.0,
    }
    print(f"cells {n}  (no-answer gold {sum(1 for c in cells if c[3] is None)})")
    print(f"accuracy before review      {stats['accuracy']:.2%}")
    print(f"share above {threshold:<5}          {stats['share_above']:.2%}  ({n_above})")
    print(f"accuracy above threshold    {stats['accuracy_above']:.2%}  "
          f"({n_above - right_above} wrong)")

    print("\ncalibration (score band: cells, right)")
    bands: dict[float, list[bool]] = defaultdict(list)
    for r, ok in zip(results, right):
        bands[min(0.95, int(r.score * 20) / 20)].append(ok)
    for b in sorted(bands):
        v = bands[b]
        print(f"  {b:.2f}-{b + 0.05:.2f}  {len(v):6d}  {sum(v) / len(v):.1%}")

    print("\nby flag (cells, right)")
    flagc: dict[str, list[bool]] = defaultdict(list)
    for r, ok in zip(results, right):
        for f in r.flags or ("-",):
            flagc[f].append(ok)
    for f, v in sorted(flagc.items()):
        print(f"  {f:22} {len(v):6d}  {sum(v) / len(v):.1%}")

    errors: Counter[tuple[str, str | None, str | None, float, str]] = Counter()
    for (_, _, cell, g), r in zip(cells, results):
        if r.code != g:
            errors[(cell.strip(), g, r.code, r.score, r.reason)] += 1
    print(f"\nerrors ({sum(errors.values())} cells, {len(errors)} distinct): cell | gold -> got (score) reason")
    for (cell, g, got, score, reason), k in errors.most_common(show):
        mark = "!!" if score > threshold else "  "
        print(f" {mark} {k:4d}x {cell!r:40} | {g} -> {got} ({score}) {reason}")
    return stats


def bench_choices(n: int = 100_000, codebook: Path = DEFAULT_CODEBOOK, seed: int = 1) -> float:
    """Cells per second on a survey-like stream: mostly repeats, some fresh typos."""
    rng = random.Random(seed)
    cb = load_codebook(codebook)
    base = ["6", "p. 6", "punkt 3", "nr. 9", "13)", "intro/mentorskap", "adm stöd hl", "medhandlaggarskap",
            "fler kollegor", "-", "se ovan", "samma", "", "administrativt stöd", "intro och adm stöd",
            "handledning", "lokaler", "Regelbunden fortbildning", "vet ej", "stöd"]
    base += [c.label for c in cb.in_group("fokusomrade")] + [a for c in cb.in_group("fokusomrade") for a in c.aliases]
    letters = "abdefghiklmnoprstuvåäö"

    def typo(s: str) -> str:
        if len(s) < 4:
            return s
        i = rng.randrange(len(s))
        op = rng.random()
        if op < 0.4:
            return s[:i] + s[i + 1:]
        if op < 0.8:
            return s[:i] + rng.choice(letters) + s[i + 1:]
        return s[:i] + rng.choice(letters) + s[i:]

    cells = [typo(rng.choice(base)) if rng.random() < 0.2 else rng.choice(base) for _ in range(n)]
    norm = ChoiceNormaliser(cb)  # a fresh normaliser: the cache starts empty
    t0 = time.perf_counter()
    norm.normalise_many(cells)
    dt = time.perf_counter() - t0
    print(f"bench: {n} cells ({len(set(cells))} distinct) in {dt:.2f} s = {n / dt:,.0f} cells/s")
    return n / dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK)
    ap.add_argument("--threshold", type=float, default=BULK_THRESHOLD)
    ap.add_argument("--bench", type=int, nargs="?", const=100_000, default=None,
                    help="also measure throughput on N synthetic cells (default 100000)")
    ap.add_argument("--show", type=int, default=80, help="how many distinct errors to list")
    a = ap.parse_args(argv)
    norm = ChoiceNormaliser(load_codebook(a.codebook))
    if (a.corpus / "survey_ht2018.csv").exists() and (a.corpus / "gold" / "survey_ht2018.csv").exists():
        print(f"corpus {a.corpus}")
        evaluate(load_cells(a.corpus), norm, a.threshold, a.show)
    else:
        print(f"no survey/gold under {a.corpus}; using the hand-written cells of tests/test_choices.py")
        evaluate(cases_from_tests(), norm, a.threshold, a.show)
    if a.bench:
        print()
        bench_choices(a.bench, a.codebook)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
