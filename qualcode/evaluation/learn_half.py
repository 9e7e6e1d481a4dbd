"""Does ``learn`` help on a researcher's own text? Half of a gold file reviewed, the other half measured.

The passages of a gold file (the format of ``../shared/dev``) are imported as notes into a fresh
project and suggested (rules and base model). Every other passage in id order is then reviewed
as a careful assistant would from its gold: each suggested code accepted or rejected, each code
the gold has and no suggestion found added to the document. ``learn`` trains on those
decisions, ``suggest`` runs again, and the other half is scored before and after, at document
level, as ``evaluate`` scores passages. The difference is what the project's own model adds to
rules + base model on text of the same hand that nobody reviewed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualcode.evaluation.outside import PassageReport, at_least, fused_scores, passages_project, score_passages

CODER = "facit"


@dataclass
class LearnGain:
    trained_on: int
    measured_on: int
    decisions: int
    before: PassageReport
    after: PassageReport

    @property
    def gain(self) -> float:
        return self.after.f1 - self.before.f1

    def to_json(self) -> dict[str, Any]:
        def short(r: PassageReport) -> dict[str, float]:
            return {"precision": round(r.precision, 4), "recall": round(r.recall, 4), "f1": round(r.f1, 4)}
        return {"trained_on": self.trained_on, "measured_on": self.measured_on, "decisions": self.decisions,
                "before": short(self.before), "after": short(self.after), "gain": round(self.gain, 4)}


def halves(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every other passage in id order: (reviewed, measured)."""
    ordered = sorted(items, key=lambda it: str(it["id"]))
    return ordered[0::2], ordered[1::2]


def learn_gain(items: list[dict[str, Any]], codebook: str | Path | None = None, seed: int = 0) -> LearnGain:
    """Rules + base model against rules + base model + ``learn`` on the other half's gold."""
    from qualcode.evaluation.outside import label_of
    from qualcode.review.sheet_import import import_decisions
    from qualcode.suggest.listing import list_suggestions
    from qualcode.suggest.model.learn import learn
    from qualcode.suggest.run import suggest
    train, test = halves(items)
    gold = {str(it["id"]): {str(a) for a in it.get("areas", [])} | set(it.get("themes", [])) for it in items}
    reviewed = {str(it["id"]) for it in train}
    with tempfile.TemporaryDirectory() as tmp:
        p = passages_project(items, Path(tmp), codebook)
        try:
            suggest(p)
            rows = list_suggestions(p)
            before = score_passages(test, at_least(fused_scores(rows), 0.5))
            label_code = {lab: c.id for c in p.codebook.codes for lab in [label_of({"number": c.number, "code": c.id})]
                          if lab is not None}
            sheet, found = [], set()
            for r in rows:
                lab = label_of(r)
                if r["doc"] not in reviewed or lab is None:
                    continue
                verdict = "accept" if lab in gold[r["doc"]] else "reject"
                sheet.append({"segment": r["segment"], "code": r["code"], "verdict": verdict, "coder": CODER})
                if verdict == "accept":
                    found.add((r["doc"], lab))
            for doc in sorted(reviewed):
                for lab in sorted(gold[doc]):
                    if (doc, lab) not in found and lab in label_code:
                        sheet.append({"doc": doc, "field": "notes", "code": label_code[lab], "verdict": "add",
                                      "coder": CODER})
            sheet = list({tuple(sorted(r.items())): r for r in sheet}.values())
            import_decisions(p, sheet)
            learn(p, coder=CODER, seed=seed)
            suggest(p)
            after = score_passages(test, at_least(fused_scores(list_suggestions(p)), 0.5))
        finally:
            p.close()
    return LearnGain(len(train), len(test), len(sheet), before, after)
