"""``qualcode demo``: the whole path from raw Swedish text to the report's published tables.

It runs on the reconstructed study in ``corpora/handlingsplan-2016-2018`` exactly as a user
would: import, suggest, see how much a reviewer would have to correct, record the gold codes as
the decisions of a coder named ``facit`` through the same review-import path an assistant's
spreadsheet takes, tally, and check every published figure against the tallies. The exit
status is 0 only if every figure that the data can support reproduces.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.table import Table as RichTable

from qualcode.fields import choice_group, field_groups
from qualcode.errors import QualcodeError
from qualcode.evaluation.gold import Comparison, compare, read_gold
from qualcode.project import Project

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpora" / "handlingsplan-2016-2018"
CLAIMS = REPO / "tests" / "fixtures" / "published_figures.yaml"
CODEBOOK = REPO / "codebooks" / "handlingsplan.yaml"
GOLD_CODER = "facit"

CHOICE_FIELDS = ["langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3"]
OPEN_FIELDS = {"fraga_2a": "fraga2a", "fraga_2b": "fraga2b", "fraga_2c": "fraga2c"}
COMMENT_FIELDS = ["kommentar_a", "kommentar_b", "kommentar_c", "trivs"]
NOTE_GROUPS = ["fokusomrade", "tema"]


@dataclass
class DemoResult:
    project: Path
    claims_ok: int
    claims_failed: int
    inconsistencies: int

    @property
    def ok(self) -> bool:
        return self.claims_failed == 0 and self.claims_ok > 0


def build_project(path: Path, corpus: Path = CORPUS, say: Callable[[str], None] = print) -> Project:
    """Create a project at ``path`` and import the demo corpus into it."""
    if path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    p = Project.init(path, CODEBOOK)
    say(p.import_notes(corpus / "notes").summary())
    say(p.import_survey(corpus / "survey_ht2018.csv", id_column="respondent",
                        attributes=["sdf", "roll", "verksamhet"], choices=CHOICE_FIELDS,
                        texts=list(OPEN_FIELDS), field_groups=OPEN_FIELDS, constants={"enkat": "ht2018"}).summary())
    comments = corpus / "survey_2016_2017.csv"
    if comments.exists():
        say(p.import_survey(comments, id_column="id", attributes=["omgang", "verksamhet"], texts=COMMENT_FIELDS,
                            field_groups={f: "tema" for f in COMMENT_FIELDS},
                            constants={"enkat": "2016-2017"}).summary())
    return p


def gold_sets(corpus: Path = CORPUS) -> dict[str, dict]:
    gold = {"notes": read_gold(corpus / "gold" / "notes.csv", with_field=False),
            "survey": read_gold(corpus / "gold" / "survey_ht2018.csv", with_field=True)}
    comments = corpus / "gold" / "survey_2016_2017.csv"
    if comments.exists():
        gold["comments"] = read_gold(comments, with_field=True)
    sentences = corpus / "gold" / "notes_sentences.csv"
    if sentences.exists():
        gold["sentences"] = read_sentence_gold(sentences)
    return gold


def read_sentence_gold(path: Path) -> dict[tuple[str, str], set[str]]:
    """``doc,sentence,code`` → {(doc, sentence text): codes}: which sentence a code was written into."""
    out: dict[tuple[str, str], set[str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault((row["doc"], row["sentence"]), set()).add(row["code"])
    return out


def pre_review_accuracy(p: Project, gold: dict[str, dict]) -> dict[str, Comparison]:
    """The suggestions against the gold, before anyone has looked at them."""
    out = {"notes": compare(p, gold["notes"], fields=["notes"], groups=NOTE_GROUPS, by_field=False),
           "choices": compare(p, gold["survey"], fields=CHOICE_FIELDS, by_field=True),
           "open answers": compare(p, gold["survey"], fields=list(OPEN_FIELDS), by_field=True)}
    if "comments" in gold:
        out["comments 2016–17"] = compare(p, gold["comments"], fields=COMMENT_FIELDS, by_field=True)
    return out


def write_gold_decisions(p: Project, gold: dict[str, dict], out: Path) -> int:
    """The gold as a review sheet, as a careful assistant would fill it in: accept or reject
    each suggested code (once per segment, whichever sources suggested it), and add what none
    suggested. Notes are judged sentence by sentence where the corpus says which sentence
    carries a code; document-level gold without a matching sentence is added as a document row.

    A survey answer the gold leaves uncoded and no suggestion touched is rejected for every
    code of its field's groups — how an assistant's sheet says "I read this and nothing
    applies" — so that ``learn`` counts it as a reviewed negative. Tallies count accepted and
    added codes only, so no table changes."""
    sheet = _GoldSheet(p, gold)
    sheet.judge_suggestions()
    sheet.add_missing()
    sheet.reject_untouched_cells()
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["segment", "doc", "field", "code", "verdict", "coder"])
        w.writeheader()
        w.writerows(sheet.rows)
    return len(sheet.rows)


class _GoldSheet:
    def __init__(self, p: Project, gold: dict[str, dict]) -> None:
        self.p, self.gold, self.fields = p, gold, p.fields()
        self.sentence_gold = gold.get("sentences", {})
        self.notes_segments = {(r[1], r[2]): r[0] for r in p.conn.execute(
            "SELECT id, doc, text FROM segments WHERE field = 'notes' AND retired = 0")}
        self.cell_segments: dict[tuple[str, str], int] = {}   # a survey cell is one segment
        self.answered: set[int] = set()                        # ... with something written in it
        for seg, doc, fld, blank in p.conn.execute(
                "SELECT id, doc, field, trim(text) = '' FROM segments WHERE field != 'notes' AND retired = 0"):
            self.cell_segments[(doc, fld)] = seg
            if not blank:
                self.answered.add(seg)
        self.rows: list[dict[str, str]] = []
        self.decided: set[tuple[int, str]] = set()
        self.covered: set[tuple[str, str]] = set()  # (doc, code) of notes already coded on some sentence

    def row(self, verdict: str, code: str, segment: int | str = "", doc: str = "", field: str = "") -> None:
        self.rows.append({"segment": str(segment), "doc": doc, "field": field, "code": code, "verdict": verdict,
                          "coder": GOLD_CODER})

    def judge_suggestions(self) -> None:
        for seg, doc, fld, text, code in self.p.conn.execute(
                "SELECT DISTINCT s.segment, g.doc, g.field, g.text, s.code FROM suggestions s "
                "JOIN segments g ON g.id = s.segment WHERE g.retired = 0 ORDER BY s.segment, s.code"):
            notes = self.fields[fld]["kind"] == "notes"
            if notes:
                truth = self.sentence_gold.get((doc, text)) if self.sentence_gold else self.gold["notes"].get((doc,))
            else:
                source = _cell_gold(self.gold, fld)
                if source is None:
                    continue
                truth = source.get((doc, fld))
            accepted = code in (truth or set())
            self.row("accept" if accepted else "reject", code, seg)
            self.decided.add((seg, code))
            if accepted and notes:
                self.covered.add((doc, code))

    def add_missing(self) -> None:
        for (doc, text), codes in sorted(self.sentence_gold.items()):
            seg = self.notes_segments.get((doc, text))
            for code in sorted(codes):
                if seg is None:
                    continue
                self.covered.add((doc, code))
                if (seg, code) not in self.decided:
                    self.row("add", code, seg)
        for (doc,), codes in sorted(self.gold["notes"].items()):
            for code in sorted(codes):
                if (doc, code) not in self.covered:
                    self.row("add", code, doc=doc, field="notes")
        for key in ("survey", "comments"):
            for (doc, fld), codes in sorted(self.gold.get(key, {}).items()):
                seg = self.cell_segments.get((doc, fld))
                for code in sorted(codes):
                    if seg is None or (seg, code) not in self.decided:
                        self.row("add", code, doc=doc, field=fld)

    def reject_untouched_cells(self) -> None:
        suggested = {seg for seg, _ in self.decided}
        groups = field_groups(self.p.codebook, self.fields)
        for (doc, fld), seg in sorted(self.cell_segments.items()):
            source = _cell_gold(self.gold, fld)
            if source is None or source.get((doc, fld)) or seg in suggested or seg not in self.answered:
                continue
            for grp in groups.get(fld) or [choice_group(self.fields[fld])]:
                for code in self.p.codebook.in_group(grp):
                    self.row("reject", code.id, seg)


def _cell_gold(gold: dict[str, dict], field: str) -> dict | None:
    if field in CHOICE_FIELDS or field in OPEN_FIELDS:
        return gold["survey"]
    if field in COMMENT_FIELDS:
        return gold.get("comments")
    return None


def run(out: Path | None = None, corpus: Path = CORPUS, claims: Path = CLAIMS,
        console: Console | None = None) -> DemoResult:
    from qualcode.report.claims import check_claims
    from qualcode.review.sheet_import import import_decisions
    from qualcode.suggest.run import suggest

    console = console or Console(width=None if sys.stdout.isatty() else 120)
    workdir = Path(out) if out else Path(tempfile.mkdtemp(prefix="qualcode-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "qualcode.db"
    if not (corpus / "notes").is_dir():
        raise QualcodeError("demo corpus not found", where=str(corpus))

    console.rule("1. Import")
    p = build_project(db, corpus, say=console.print)

    console.rule("2. Suggest")
    s = suggest(p)
    console.print(s.notice)
    console.print(f"{s.rule_suggestions} rule suggestions and {s.choice_suggestions} choice suggestions on "
                  f"{s.segments} segments ({s.tokenized} analysed by spaCy, {s.cached} from the token cache)")

    console.rule("3. Suggestions against the gold, before review")
    gold = gold_sets(corpus)
    print_comparisons(console, pre_review_accuracy(p, gold))

    console.rule(f"4. Record the gold as coder '{GOLD_CODER}' (review import)")
    sheet = workdir / "facit.csv"
    write_gold_decisions(p, gold, sheet)
    console.print(import_decisions(p, sheet).summary())

    console.rule("5. Tallies against the published figures")
    results = check_claims(p, claims, coder=GOLD_CODER)
    ok, failed, inconsistent = print_claims(console, results)

    console.rule("6. Report files")
    from qualcode.report.build import build_report
    rep = build_report(p, workdir / "rapport", coder=GOLD_CODER)
    console.print(f"{len(rep.tables)} tables and {len(rep.charts)} charts (PNG) in {workdir / 'rapport'}; "
                  f"open {rep.index_html} or tabeller.xlsx / tabeller.docx there")
    console.rule("Result")
    verdict = "[green]every published figure the data supports is reproduced[/]" if failed == 0 else \
        f"[red]{failed} published figures are NOT reproduced[/]"
    console.print(f"{ok} figures reproduced, {failed} failed, {inconsistent} inconsistencies in the report "
                  f"(reported, not counted as failures): {verdict}")
    console.print(f"The demo project is {db}; explore it with: qualcode --project {db} status")
    p.close()
    return DemoResult(db, ok, failed, inconsistent)


def print_comparisons(console: Console, comparisons: dict[str, Comparison]) -> None:
    t = RichTable(title="Suggestions before review (score ≥ 0.5) against the gold", title_justify="left")
    for col in ("material", "units", "exactly right", "precision", "recall", "F1", "to accept", "to reject",
                "to add"):
        t.add_column(col, justify="left" if col == "material" else "right")
    for name, c in comparisons.items():
        o = c.overall
        t.add_row(name, str(c.units), f"{c.units_exact} ({100 * c.units_exact / max(c.units, 1):.1f} %)",
                  f"{o.precision:.3f}", f"{o.recall:.3f}", f"{o.f1:.3f}", str(o.tp), str(o.fp), str(o.fn))
    console.print(t)


def print_claims(console: Console, results: list) -> tuple[int, int, int]:
    """Print each published figure beside the reproduced one; return (ok, failed, inconsistent)."""
    t = RichTable(title="Published figures (seed 004) against the tallies", title_justify="left")
    for col in ("claim", "what the report says", "published", "reproduced", ""):
        t.add_column(col, overflow="fold")
    ok = failed = inconsistent = 0
    for r in results:
        for cell in r.cells:
            mark = "✓" if cell.ok else ("≠ report" if r.inconsistent else "✗")
            t.add_row(r.id, cell.label, str(cell.published), str(cell.computed), mark)
        if r.inconsistent:
            inconsistent += 1
        elif r.ok:
            ok += 1
        else:
            failed += 1
    console.print(t)
    notes = [r for r in results if r.inconsistent]
    if notes:
        console.print("[bold]The report's own inconsistencies[/]")
        for r in notes:
            console.print(f"- {r.id}: {r.inconsistent}")
    return ok, failed, inconsistent
