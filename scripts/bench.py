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
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
CHOICES = ["langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3"]
OPEN = ["fraga_2a", "fraga_2b", "fraga_2c"]
WORD_RE = re.compile(r"\w+")

# ----------------------------------------------------------------------------- material


def corpus_material() -> dict[str, list[str]]:
    """The corpus's own texts, to resample: choice cells, open answers, note sentences."""
    from qualcode.ingest.notes import split_front_matter
    from qualcode.ingest.segment import segment_notes
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


def note_sentences(material: dict, n: int, seed: int = 2) -> list[tuple[dict, list[str]]]:
    """n notes rebuilt from the corpus's notes, sentences shuffled within a note. Each sentence
    gets a reference number of its own ("(12.3)"), so that no sentence repeats: real notes do
    not repeat sentences, and qualcode memoises repeated texts within a run."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        meta, sentences = material["notes"][i % len(material["notes"])]
        sentences = [_numbered(s, f"{i}.{k}") for k, s in enumerate(sentences)]
        rnd.shuffle(sentences)
        out.append((meta, sentences))
    return out


def _numbered(sentence: str, ref: str) -> str:
    end = len(sentence.rstrip(".!?…\"'”»"))
    return f"{sentence[:end]} ({ref}){sentence[end:]}"


def write_notes(folder: Path, n: int, material: dict, seed: int = 2) -> int:
    """The notes of ``note_sentences`` written as .md files; returns their number of words."""
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i, (meta, sentences) in enumerate(note_sentences(material, n, seed)):
        paras = [" ".join(sentences[j:j + 4]) for j in range(0, len(sentences), 4)]
        words += sum(len(WORD_RE.findall(s)) for s in sentences)
        front = f"---\nid: bench-{i:05d}\nround: {meta.get('round')}\ngroup: {meta.get('group')}\nsdf: {meta.get('sdf')}\n---\n"
        (folder / f"bench-{i:05d}.md").write_text(front + "\n\n".join(paras) + "\n", encoding="utf-8")
    return words


# ----------------------------------------------------------------------------- stages
# Each stage: (workdir, size, material) -> dict with "seconds" and "items"/"words". Work that
# only prepares a stage (writing files, importing before a suggest) is done before the clock.


def _project(work: Path, name: str, base_model: bool = False):
    """A fresh project. The base model is off unless a stage asks for it, so that the rule
    stages stay comparable with earlier runs; ``suggest_notes_base`` measures it."""
    from qualcode import Project
    db = work / f"{name}.db"
    for s in ("", "-wal", "-shm"):
        Path(str(db) + s).unlink(missing_ok=True)
    p = Project.init(db, CODEBOOK)
    if not base_model:
        p.set_meta("base_model", "off")
    return p


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


def stage_import_long_paragraph(work: Path, n: int, material: dict) -> dict:
    """One note whose text is a single paragraph of n sentences: the sentence splitter must stay
    linear in length (it was quadratic: 4,000 sentences took 30 s)."""
    folder = work / f"paragraph-{n}"
    folder.mkdir(exist_ok=True)
    sentences = [s for _, note in note_sentences(material, max(1, n // 8)) for s in note][:n]
    while len(sentences) < n:
        sentences += sentences[: n - len(sentences)]
    text = " ".join(sentences)
    (folder / "lang.md").write_text(f"---\nid: lang\n---\n\n{text}\n", encoding="utf-8")
    p = _project(work, f"paragraph-{n}")
    t = time.perf_counter()
    p.import_notes(folder)
    return {"seconds": time.perf_counter() - t, "items": n, "words": len(WORD_RE.findall(text))}


def _notes_project(work: Path, n: int, material: dict, name: str, base_model: bool = False):
    folder = work / f"notes-{n}"
    words = write_notes(folder, n, material)
    p = _project(work, name, base_model)
    p.import_notes(folder)
    return p, words


def stage_suggest_notes(work: Path, n: int, material: dict, jobs: int = 1, base_model: bool = False) -> dict:
    """NLP + rules on notes (+ the base model when asked): the first suggest, with no cached tokens."""
    from qualcode.suggest.run import suggest
    p, words = _notes_project(work, n, material, "suggest-notes", base_model)
    kwargs = {"jobs": jobs} if jobs != 1 else {}
    t = time.perf_counter()
    suggest(p, **kwargs)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def stage_resuggest_notes(work: Path, n: int, material: dict, force: bool = False) -> dict:
    """Re-suggest after a codebook edit: tokens come from the cache, spaCy does not run. Only
    the edited code is applied again, unless ``force`` (every code, as after an edit of all)."""
    p, words = _notes_project(work, n, material, "resuggest-notes")
    return {"seconds": _timed_resuggest(p, work, force), "items": n, "words": words}


def _timed_resuggest(p, work: Path, force: bool = False) -> float:
    """Suggest, edit the codebook, and time the second suggest (served from the token cache)."""
    from qualcode.suggest.run import suggest
    suggest(p)
    edited = work / "edited.yaml"
    edited.write_text(edited_codebook(), encoding="utf-8")
    p.load_codebook(edited)
    t = time.perf_counter()
    suggest(p, force=force)
    return time.perf_counter() - t


def edited_codebook() -> str:
    """The codebook with one pattern added to its first code: a typical small edit, which changes
    the code's rules (so every segment is re-matched) and some suggestions."""
    text = CODEBOOK.read_text(encoding="utf-8")
    marker = "    patterns:\n"
    at = text.find(marker)
    if at < 0:  # no patterns block to extend: a comment still makes a new codebook version
        return text + "\n# edited for the benchmark\n"
    at += len(marker)
    return text[:at] + "      - part: kaffe\n" + text[at:]


def stage_suggest_survey(work: Path, n: int, material: dict) -> dict:
    from qualcode.suggest.run import suggest
    p, words = _survey_project(work, n, material, "suggest-survey")
    t = time.perf_counter()
    suggest(p)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words}


def stage_resuggest_survey(work: Path, n: int, material: dict, force: bool = False) -> dict:
    """Re-suggest a whole survey after a codebook edit (token cache; the edit is in the area
    group, so the choice normaliser reads every choice cell again)."""
    p, words = _survey_project(work, n, material, "resuggest-survey")
    return {"seconds": _timed_resuggest(p, work, force), "items": n, "words": words}


def stage_model_suggestions(work: Path, n: int, material: dict) -> dict:
    """Predicting with learned models (qualcode.learn): notes suggested, every rule suggestion
    accepted as the bench coder's decision, one model per group learned; only prediction is timed."""
    from qualcode.suggest.model import learn
    from qualcode.suggest.run import suggest
    p, words = _notes_project(work, n, material, "model")
    suggest(p)
    with p.transaction() as c:
        c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at, origin) "
                  "SELECT segment, code, 'bench', 'accept', '2026-01-01', 'bulk' FROM suggestions")
    learn.learn(p, coder="bench", cross_validate=False)
    t = time.perf_counter()
    summary = learn.model_suggestions(p)
    return {"seconds": time.perf_counter() - t, "items": n, "words": words, "suggestions": summary.suggestions}


def stage_choices(work: Path, n: int, material: dict) -> dict:
    """The choice normaliser alone over n × 6 cells."""
    from qualcode.suggest.choices import ChoiceNormaliser
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
    from qualcode.suggest.run import suggest
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
    return [s for _, sentences in note_sentences(material, n_notes) for s in sentences]


def limit_tokenizer(work: Path, n: int, material: dict) -> dict:
    texts = _texts(material, n)
    t0 = time.perf_counter()
    import spacy
    nlp = spacy.blank("sv")
    t = time.perf_counter()
    words = sum(len(d) for d in nlp.tokenizer.pipe(texts, batch_size=1000))
    return {"seconds": time.perf_counter() - t, "setup_seconds": t - t0, "items": n,
            "words": sum(len(WORD_RE.findall(x)) for x in texts), "tokens": words}


def limit_lemmatizer(work: Path, n: int, material: dict) -> dict:
    """The throughput limit the suggest targets are stated against: spaCy's tokenizer and lookup
    lemmatizer (the same table qualcode uses), timed without its one-off setup (spaCy import,
    table load), which is reported separately as setup_seconds."""
    texts = _texts(material, n)
    t0 = time.perf_counter()
    import spacy
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=1000):
        pass
    return {"seconds": time.perf_counter() - t, "setup_seconds": t - t0, "items": n,
            "words": sum(len(WORD_RE.findall(x)) for x in texts)}


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
    "import_long_paragraph": stage_import_long_paragraph,
    "suggest_notes": stage_suggest_notes,
    "suggest_notes_2jobs": lambda w, n, m: stage_suggest_notes(w, n, m, jobs=2),
    "suggest_notes_base": lambda w, n, m: stage_suggest_notes(w, n, m, base_model=True),
    "resuggest_notes": stage_resuggest_notes,
    "resuggest_notes_force": lambda w, n, m: stage_resuggest_notes(w, n, m, force=True),
    "suggest_survey": stage_suggest_survey,
    "resuggest_survey": stage_resuggest_survey,
    "choices": stage_choices,
    "tally": stage_tally,
    "limit_tokenizer": limit_tokenizer,
    "limit_tokenizer_lemmatizer": limit_lemmatizer,
    "limit_regex": limit_regex,
    "model_suggestions": stage_model_suggestions,
}

NOTES_1M = 5_400  # notes rebuilt from the demo corpus average ~186 words: 5,400 notes ≈ 1M words

# (stage, sizes) for a full run and for the CI smoke run
PLAN_FULL = [
    ("import_survey", [1_000, 10_000, 100_000]),
    ("import_notes", [144, 1_000, 10_000]),
    ("import_long_paragraph", [1_000, 8_000]),
    ("limit_tokenizer", [144, NOTES_1M]),
    ("limit_tokenizer_lemmatizer", [144, NOTES_1M]),
    ("limit_regex", [144, NOTES_1M]),
    ("suggest_notes", [144, NOTES_1M]),
    ("suggest_notes_2jobs", [144, NOTES_1M]),
    ("suggest_notes_base", [144, NOTES_1M]),
    ("resuggest_notes", [144, NOTES_1M]),
    ("resuggest_notes_force", [144, NOTES_1M]),
    ("choices", [1_000, 10_000, 100_000]),
    ("suggest_survey", [1_000, 10_000, 100_000]),
    ("resuggest_survey", [1_000, 100_000]),
    ("tally", [1_000, 10_000, 100_000]),
    ("model_suggestions", [144, 1_000]),
]
PLAN_SMOKE = [(stage, sizes[:1]) for stage, sizes in PLAN_FULL]


def run_stage(stage: str, size: int, work: Path) -> dict:
    material = corpus_material()
    result = STAGES[stage](work, size, material)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if children:  # worker processes (suggest --jobs): the largest one's peak
        result["worker_rss_mb"] = children
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


def _find(results: list[dict], stage: str, size: int | None = None) -> dict | None:
    rows = [r for r in results if r["stage"] == stage and "error" not in r and (size is None or r["size"] == size)]
    return max(rows, key=lambda r: r["size"]) if rows else None


def targets(results: list[dict]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for every target of the benchmark issue that this run measured."""
    out: list[tuple[str, str, bool | None]] = []
    limit = _find(results, "limit_tokenizer_lemmatizer")
    lim = rate(limit, "words") if limit else None

    def add(name: str, value: str, ok: bool | None) -> None:
        out.append((name, value, ok))

    for stage, label in (("suggest_notes", "suggest notes, 1 job"), ("suggest_notes_2jobs", "suggest notes, 2 jobs")):
        r = _find(results, stage)
        if r and lim:
            ratio = rate(r, "words") / lim
            add(f"{label}, {r['words']:,} words: ≥ 0.5 × tokenizer+lemmatizer", f"{ratio:.2f} ×", ratio >= 0.5)
    for stage, label in (("resuggest_notes", "re-suggest notes after a codebook edit"),
                         ("resuggest_notes_force", "re-suggest notes, every code applied again (--force)")):
        r = _find(results, stage)
        if r:
            add(f"{label}, {r['words']:,} words: < 3 s", f"{r['seconds']:.2f} s",
                r["seconds"] < 3 if r["words"] >= 1_000_000 else None)
    r = _find(results, "suggest_survey", 100_000)
    if r and lim:
        ratio = rate(r, "words") / lim
        add("suggest survey, 100k responses: ≥ 0.5 × tokenizer+lemmatizer", f"{ratio:.2f} ×", ratio >= 0.5)
    r = _find(results, "resuggest_survey", 100_000)
    if r:
        w = rate(r, "words") or 0
        add("re-suggest survey after a codebook edit, 100k responses: ≥ 2M words/s", f"{w / 1e6:.2f} M words/s",
            w >= 2e6)
    r = _find(results, "import_survey", 100_000)
    if r:
        add("import survey, 100k responses: < 20 s", f"{r['seconds']:.1f} s", r["seconds"] < 20)
    r = _find(results, "tally", 100_000)
    if r:
        add("tallies (choice + presence), 100k responses: < 1 s", f"{r['seconds']:.2f} s", r["seconds"] < 1)
    peak = [r for r in results if "error" not in r and r["size"] == 100_000]
    if peak:
        top = max(peak, key=lambda r: r["rss_mb"])
        add("peak RSS at 100k responses: < 1.5 GB", f"{top['rss_mb']:.0f} MB ({top['stage']})", top["rss_mb"] < 1536)
        small = {r["stage"]: r for r in results if "error" not in r and r["size"] == 10_000}
        growth = [(r["stage"], (r["rss_mb"] - small[r["stage"]]["rss_mb"]) / max(small[r["stage"]]["rss_mb"], 1))
                  for r in peak if r["stage"] in small]
        if growth:
            worst = max(growth, key=lambda g: g[1])
            add("RSS grows no faster than the corpus (10k → 100k, ×10 data)",
                f"worst +{worst[1] * 100:.0f} % ({worst[0]})", worst[1] < 9)
    return out


def report(results: list[dict], out_md: Path, out_json: Path, smoke: bool) -> None:
    limits = {r["size"]: r for r in results if r["stage"] == "limit_tokenizer_lemmatizer" and "error" not in r}
    for r in results:
        ref = limits.get(r["size"])
        if r["stage"].startswith(("suggest_notes", "resuggest_notes")) and ref and "error" not in r:
            r["ratio_to_tokenizer_lemmatizer"] = round(rate(r, "words") / rate(ref, "words"), 3)
            with_setup = ref["words"] / (ref["seconds"] + ref.get("setup_seconds", 0))
            r["ratio_to_tokenizer_lemmatizer_with_setup"] = round(rate(r, "words") / with_setup, 3)
    lines = ["# Benchmarks", "",
             f"Measured by `scripts/bench.py{' --smoke' if smoke else ''}` on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}. One process per stage (peak RSS is the stage's own; workers of "
             "a 2-job stage are shown separately); one core unless the stage says 2 jobs. Suggest and import "
             "times are end to end (spaCy import, lexicon and codebook load included); the `limit_*` stages "
             "are timed without their setup, which is listed as `setup s`.", ""]
    found = targets(results)
    if found:
        lines += ["## Targets", "", "| target | measured | met |", "|---|---:|:---:|"]
        for name, value, ok in found:
            lines.append(f"| {name} | {value} | {'–' if ok is None else ('yes' if ok else '**no**')} |")
        lines.append("")
    lines += ["## All stages", "",
              "| stage | size | seconds | setup s | items/s | words/s | peak RSS MB | worker RSS MB "
              "| × tok+lemma | × tok+lemma incl. setup |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['stage']} | {r['size']} | error: {r['error']} | | | | | | | |")
            continue
        ir, wr = rate(r, "items"), rate(r, "words")
        setup = f"{r['setup_seconds']:.2f}" if "setup_seconds" in r else ""
        worker = f"{r['worker_rss_mb']:.0f}" if "worker_rss_mb" in r else ""
        lines.append(f"| {r['stage']} | {r['size']:,} | {r['seconds']:.2f} | {setup} | {ir:,.0f} | "
                     f"{'' if wr is None else f'{wr:,.0f}'} | {r['rss_mb']:.0f} | {worker} | "
                     f"{r.get('ratio_to_tokenizer_lemmatizer', '')} | "
                     f"{r.get('ratio_to_tokenizer_lemmatizer_with_setup', '')} |")
    lines += ["", "Sizes are respondents for survey stages, notes for note stages (5,400 notes ≈ 1M words), "
              "respondents × 6 cells for `choices`. Words are `\\w+` runs in the text cells (choice cells "
              "included for survey stages). `limit_*` are the reference limits on the same note text; the "
              "survey targets compare with the largest `limit_tokenizer_lemmatizer`. `resuggest_*` re-suggests "
              "after one pattern was added to the first code: only that code is applied again (from the token "
              "cache); `resuggest_notes_force` applies every code again, as after an edit of all of them. The material is resampled from the "
              "demo corpus, so it repeats word forms more than real text would: per-form caches (lemmas, "
              "compound splits) are warmer here than on a real 1M-word corpus. Whole texts: every note "
              "sentence carries a reference number of its own, so no sentence repeats (as in real notes), "
              "while survey cells repeat as resampled (`suggest` handles each distinct text once per run, and "
              "identical cells are common in real surveys too, though less so for open answers)."]
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
