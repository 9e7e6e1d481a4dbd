"""qualcode's benchmark: throughput and peak memory of every stage, at growing scale.

Scaled material is generated in the demo corpus's style: survey responses whose choice cells
and open answers are drawn from the corpus's own answers (1k, 10k, 100k respondents), and
interview notes rebuilt from the corpus's sentences (144 up to 10k notes). Each stage runs in
a fresh subprocess, so its peak RSS is its own. In the same run the reference limits are
measured on the same text: spaCy's tokenizer alone, tokenizer + lookup lemmatizer, and a naive
regex keyword search (what simple tools' text-search autocoding does).

    python scripts/bench.py                 # full run, writes BENCHMARKS.md and bench.json
    python scripts/bench.py --smoke         # small sizes, for CI (no thresholds)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
CHOICES = ["langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3"]
OPEN = ["fraga_2a", "fraga_2b", "fraga_2c"]
WORD_RE = re.compile(r"\w+")

# ----------------------------------------------------------------------------- material


def corpus_material() -> dict[str, list[str]]:
    """The corpus's own texts, to resample: choice cells, open answers, note sentences."""
    from qualcode.importers.notes import split_front_matter
    from qualcode.segment import segment_notes
    rows = list(csv.DictReader(open(CORPUS / "survey_ht2018.csv", encoding="utf-8")))
    choices = [r[c] for r in rows for c in CHOICES]
    answers = [r[c] for r in rows for c in OPEN if r[c] and r[c] != "#NULL!"]
    notes = []
    for f in sorted((CORPUS / "notes").glob("*.md")):
        body, meta = split_front_matter(f.read_text(encoding="utf-8"), str(f))
        notes.append((meta, [body[s.start:s.end] for s in segment_notes(body)]))
    return {"choices": choices, "answers": answers, "notes": notes}


def write_survey(path: Path, n: int, material: dict, seed: int = 1) -> int:
    """n respondents; returns the number of words in their text cells."""
    rnd = random.Random(seed)
    words = 0
    roles, areas = ["chef", "medarbetare"], ["BOU", "Ek", "Funk", "Psyk", "Vuxen", "Äldre", ""]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["respondent", "roll", "verksamhet", *CHOICES, *OPEN])
        for i in range(n):
            cells = [rnd.choice(material["choices"]) for _ in CHOICES]
            answers = [rnd.choice(material["answers"]) for _ in OPEN]
            words += sum(len(WORD_RE.findall(x)) for x in cells + answers)
            w.writerow([f"R{i:06d}", rnd.choice(roles), rnd.choice(areas), *cells, *answers])
    return words


def write_notes(folder: Path, n: int, material: dict, seed: int = 2) -> int:
    """n notes rebuilt from the corpus's notes (sentences shuffled within a note); returns words."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        meta, sentences = material["notes"][i % len(material["notes"])]
        sentences = sentences[:]
        rnd.shuffle(sentences)
        paras = [" ".join(sentences[j:j + 4]) for j in range(0, len(sentences), 4)]
        words += sum(len(WORD_RE.findall(s)) for s in sentences)
        front = f"---\nid: bench-{i:05d}\nround: {meta.get('round')}\ngroup: {meta.get('group')}\nsdf: {meta.get('sdf')}\n---\n"
        (folder / f"bench-{i:05d}.md").write_text(front + "\n\n".join(paras) + "\n", encoding="utf-8")
    return words


# ----------------------------------------------------------------------------- stages
# Each stage: (workdir, size, material) -> dict with "seconds" and "items"/"words". Work that
# only prepares a stage (writing files, importing before a suggest) is done before the clock.


def _project(work: Path, name: str):
    from qualcode import Project
    db = work / f"{name}.db"
    for s in ("", "-wal", "-shm"):
        Path(str(db) + s).unlink(missing_ok=True)
    return Project.init(db, CODEBOOK)


def _survey_project(work: Path, n: int, material: dict, name: str):
    csv_path = work / f"survey-{n}.csv"
    words = write_survey(csv_path, n, material) if not csv_path.exists() else _count_words_csv(csv_path)
    p = _project(work, name)
    p.import_survey(csv_path, id_column="respondent", attributes=["roll", "verksamhet"], choices=CHOICES,
                    texts=OPEN, field_groups={"fraga_2a": "fraga2a", "fraga_2b": "fraga2b", "fraga_2c": "fraga2c"})
    return p, words


def _count_words_csv(path: Path) -> int:
    words = 0
    for r in csv.DictReader(open(path, encoding="utf-8")):
        words += sum(len(WORD_RE.findall(r[c])) for c in CHOICES + OPEN)
    return words


def stage_import_survey(work: Path, n: int, material: dict) -> dict:
    csv_path = work / f"survey-{n}.csv"
    words = write_survey(csv_path, n, material)
    p = _project(work, "import")
    t = time.perf_counter()
    p.import_survey(csv_path, id_column="respondent", attributes=["roll", "verksamhet"], choices=CHOICES, texts=OPEN)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def stage_import_notes(work: Path, n: int, material: dict) -> dict:
    folder = work / f"notes-{n}"
    words = write_notes(folder, n, material)
    p = _project(work, "import-notes")
    t = time.perf_counter()
    p.import_notes(folder)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def _notes_project(work: Path, n: int, material: dict, name: str):
    folder = work / f"notes-{n}"
    words = write_notes(folder, n, material)
    p = _project(work, name)
    p.import_notes(folder)
    return p, words


def stage_suggest_notes(work: Path, n: int, material: dict, jobs: int = 1) -> dict:
    """NLP + rules on notes: the first suggest, with no cached tokens."""
    from qualcode.suggest import suggest
    p, words = _notes_project(work, n, material, "suggest-notes")
    kwargs = {"jobs": jobs} if jobs != 1 else {}
    t = time.perf_counter()
    suggest(p, **kwargs)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def stage_resuggest_notes(work: Path, n: int, material: dict) -> dict:
    """Re-suggest after a codebook edit: tokens come from the cache, spaCy does not run."""
    from qualcode.suggest import suggest
    p, words = _notes_project(work, n, material, "resuggest-notes")
    suggest(p)
    edited = work / "edited.yaml"
    text = CODEBOOK.read_text(encoding="utf-8")
    edited.write_text(text.replace("# ---------------------------------------------------------------- teman",
                                   "# edited for the benchmark\n  # ---------------------------------------------------------------- teman"),
                      encoding="utf-8")
    p.load_codebook(edited)
    t = time.perf_counter()
    suggest(p)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def stage_suggest_survey(work: Path, n: int, material: dict) -> dict:
    from qualcode.suggest import suggest
    p, words = _survey_project(work, n, material, "suggest-survey")
    t = time.perf_counter()
    suggest(p)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def stage_choices(work: Path, n: int, material: dict) -> dict:
    """The choice normaliser alone over n × 6 cells."""
    from qualcode.choices import ChoiceNormaliser
    from qualcode.codebook import load_codebook
    rnd = random.Random(3)
    cells = [rnd.choice(material["choices"]) for _ in range(n * len(CHOICES))]
    norm = ChoiceNormaliser(load_codebook(CODEBOOK))
    t = time.perf_counter()
    norm.normalise_many(cells)
    return {"seconds": time.perf_counter() - t, "items": len(cells)}


def stage_tally(work: Path, n: int, material: dict) -> dict:
    """Presence and choice tallies over n responses × 6 choice fields, all suggestions accepted."""
    from qualcode import tally
    from qualcode.suggest import suggest
    p, _ = _survey_project(work, n, material, "tally")
    suggest(p)
    with p.transaction() as c:
        c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at, origin) "
                  "SELECT segment, code, 'bench', 'accept', '2026-01-01', 'bulk' FROM suggestions")
    t = time.perf_counter()
    tally.choice(p, CHOICES, coder="bench")
    t_choice = time.perf_counter() - t
    t = time.perf_counter()
    tally.presence(p, by=["roll"], groups=["fraga2a"], coder="bench")
    t_presence = time.perf_counter() - t
    return {"seconds": t_choice + t_presence, "items": n, "choice_seconds": t_choice, "presence_seconds": t_presence}


def _texts(material: dict, n_notes: int) -> list[str]:
    return [s for i in range(n_notes) for s in material["notes"][i % len(material["notes"])][1]]


def limit_tokenizer(work: Path, n: int, material: dict) -> dict:
    import spacy
    texts = _texts(material, n)
    nlp = spacy.blank("sv")
    t = time.perf_counter()
    words = sum(len(d) for d in nlp.tokenizer.pipe(texts, batch_size=1000))
    return {"seconds": time.perf_counter() - t, "items": n, "words": sum(len(WORD_RE.findall(x)) for x in texts),
            "tokens": words}


def limit_lemmatizer(work: Path, n: int, material: dict) -> dict:
    import spacy
    texts = _texts(material, n)
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=1000):
        pass
    return {"seconds": time.perf_counter() - t, "items": n, "words": sum(len(WORD_RE.findall(x)) for x in texts)}


def limit_regex(work: Path, n: int, material: dict) -> dict:
    """Naive keyword autocoding: one regex of every alias and short label, over the same text."""
    from qualcode.codebook import load_codebook
    cb = load_codebook(CODEBOOK)
    words = sorted({w.lower() for c in cb.codes for w in (*c.aliases, c.short) if w}, key=len, reverse=True)
    rx = re.compile("|".join(re.escape(w) for w in words))
    texts = _texts(material, n)
    t = time.perf_counter()
    hits = sum(len(rx.findall(x.lower())) for x in texts)
    return {"seconds": time.perf_counter() - t, "items": n, "words": sum(len(WORD_RE.findall(x)) for x in texts),
            "hits": hits}


STAGES: dict[str, Callable[..., dict]] = {
    "import_survey": stage_import_survey,
    "import_notes": stage_import_notes,
    "suggest_notes": stage_suggest_notes,
    "suggest_notes_2jobs": lambda w, n, m: stage_suggest_notes(w, n, m, jobs=2),
    "resuggest_notes": stage_resuggest_notes,
    "suggest_survey": stage_suggest_survey,
    "choices": stage_choices,
    "tally": stage_tally,
    "limit_tokenizer": limit_tokenizer,
    "limit_tokenizer_lemmatizer": limit_lemmatizer,
    "limit_regex": limit_regex,
}

# (stage, sizes) for a full run and for the CI smoke run
PLAN_FULL = [
    ("import_survey", [1_000, 10_000, 100_000]),
    ("import_notes", [144, 1_000, 10_000]),
    ("limit_tokenizer", [144, 4_000]),
    ("limit_tokenizer_lemmatizer", [144, 4_000]),
    ("limit_regex", [144, 4_000]),
    ("suggest_notes", [144, 4_000]),
    ("suggest_notes_2jobs", [4_000]),
    ("resuggest_notes", [144, 4_000]),
    ("choices", [1_000, 10_000, 100_000]),
    ("suggest_survey", [1_000, 10_000, 100_000]),
    ("tally", [1_000, 10_000, 100_000]),
]
PLAN_SMOKE = [(stage, sizes[:1]) for stage, sizes in PLAN_FULL]


def run_stage(stage: str, size: int, work: Path) -> dict:
    material = corpus_material()
    result = STAGES[stage](work, size, material)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure(stage: str, size: int, work: Path) -> dict:
    """Run one stage in a fresh interpreter so that its peak RSS is its own."""
    env = {**os.environ, "QUALCODE_BENCH": "1"}
    proc = subprocess.run([sys.executable, __file__, "--stage", stage, "--size", str(size), "--work", str(work)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rate(r: dict, key: str) -> float | None:
    return r[key] / r["seconds"] if r.get(key) and r.get("seconds") else None


def report(results: list[dict], out_md: Path, out_json: Path, smoke: bool) -> None:
    limits = {r["size"]: r for r in results if r["stage"] == "limit_tokenizer_lemmatizer" and "error" not in r}
    for r in results:
        ref = limits.get(r["size"])
        if r["stage"].startswith(("suggest_notes", "resuggest_notes")) and ref and "error" not in r:
            r["ratio_to_tokenizer_lemmatizer"] = round(rate(r, "words") / rate(ref, "words"), 3)
    lines = ["# Benchmarks", "",
             f"Measured by `scripts/bench.py{' --smoke' if smoke else ''}` on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}. One process per stage (peak RSS is the stage's own); "
             "one core unless the stage says 2 jobs.", "",
             "| stage | size | seconds | items/s | words/s | peak RSS MB | ratio to tokenizer+lemmatizer |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['stage']} | {r['size']} | error: {r['error']} | | | | |")
            continue
        ir, wr = rate(r, "items"), rate(r, "words")
        lines.append(f"| {r['stage']} | {r['size']:,} | {r['seconds']:.2f} | {ir:,.0f} | "
                     f"{'' if wr is None else f'{wr:,.0f}'} | {r['rss_mb']:.0f} | "
                     f"{r.get('ratio_to_tokenizer_lemmatizer', '')} |")
    lines += ["", "Sizes are respondents for survey stages, notes for note stages, respondents × 6 cells for "
              "`choices`. `limit_*` are the reference limits on the same note text; `resuggest_notes` re-applies "
              "an edited codebook from the token cache."]
    out_md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description="qualcode benchmark")
    ap.add_argument("--smoke", action="store_true", help="smallest sizes only (CI)")
    ap.add_argument("--only", nargs="*", help="run only these stages")
    ap.add_argument("--md", type=Path, default=None, help="Markdown report (default BENCHMARKS.md, smoke: none)")
    ap.add_argument("--json", type=Path, default=None, help="JSON figures (default bench.json beside the report)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.size, args.work)))
        return
    plan = PLAN_SMOKE if args.smoke else PLAN_FULL
    if args.only:
        plan = [(s, z) for s, z in plan if s in args.only]
    results = []
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        for stage, sizes in plan:
            for size in sizes:
                work = Path(tmp) / f"{stage}-{size}"
                work.mkdir()
                r = {"stage": stage, "size": size, **measure(stage, size, work)}
                results.append(r)
                shown = f"{r['seconds']:.2f} s, {r['rss_mb']:.0f} MB" if "error" not in r else r["error"]
                print(f"{stage:28} {size:>8,}  {shown}", flush=True)
    md = args.md or (Path(tempfile.gettempdir()) / "BENCHMARKS-smoke.md" if args.smoke else ROOT / "BENCHMARKS.md")
    report(results, md, args.json or md.with_name("bench.json" if not args.smoke else "bench-smoke.json"), args.smoke)
    print(f"wrote {md}")
    if any("error" in r for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
