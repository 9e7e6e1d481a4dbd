"""How good are the suggestions? Compare them with a gold standard before anyone reviews them.

The gold is what a careful coder decided: document-level codes for interview notes
(``doc,code``) and cell-level codes for survey answers (``doc,field,code``). The figures say how
much work the suggestions leave a reviewer: what she would accept, reject and have to add.
Suggestions scored below ``min_score`` are hints, not claims, and do not count as predictions.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from qualcode.errors import QualcodeError
from qualcode.project import Project


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Comparison:
    """Set-against-set comparison per unit (a document, or a survey cell)."""
    overall: Scores = field(default_factory=Scores)
    per_code: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    units: int = 0
    units_exact: int = 0  # units where the suggestions equal the gold exactly

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.units += 1
        self.units_exact += predicted == gold
        for c in predicted & gold:
            self.overall.tp += 1
            self.per_code[c].tp += 1
        for c in predicted - gold:
            self.overall.fp += 1
            self.per_code[c].fp += 1
        for c in gold - predicted:
            self.overall.fn += 1
            self.per_code[c].fn += 1


def read_gold(path: str | Path, with_field: bool) -> dict[tuple[str, ...], set[str]]:
    """``doc,code`` (documents) or ``doc,field,code`` (cells) → {unit: codes}."""
    p = Path(path)
    if not p.is_file():
        raise QualcodeError("gold file not found", where=str(p))
    out: dict[tuple[str, ...], set[str]] = defaultdict(set)
    with open(p, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        need = ["doc", "field", "code"] if with_field else ["doc", "code"]
        if reader.fieldnames is None or any(n not in reader.fieldnames for n in need):
            raise QualcodeError(f"gold needs columns {', '.join(need)}; found {reader.fieldnames}", where=str(p))
        for row in reader:
            key = (row["doc"], row["field"]) if with_field else (row["doc"],)
            out[key].add(row["code"])
    return out


def suggested(project: Project, *, fields: Iterable[str], groups: Iterable[str] | None = None,
              min_score: float = 0.5, by_field: bool) -> dict[tuple[str, ...], set[str]]:
    """What the suggestions claim, per document or per (document, field)."""
    fields = list(fields)
    groups = list(groups) if groups else None
    sql = ("SELECT g.doc, g.field, s.code, c.grp FROM suggestions s JOIN segments g ON g.id = s.segment "
           "JOIN codes c ON c.id = s.code WHERE g.retired = 0 AND s.score >= ? "
           f"AND g.field IN ({','.join('?' * len(fields))})")
    out: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for doc, fld, code, grp in project.conn.execute(sql, [min_score, *fields]):
        if groups is None or grp in groups:
            out[(doc, fld) if by_field else (doc,)].add(code)
    return out


def compare(project: Project, gold: dict[tuple[str, ...], set[str]], *, fields: Iterable[str],
            groups: Iterable[str] | None = None, min_score: float = 0.5, by_field: bool,
            units: Iterable[tuple[str, ...]] | None = None) -> Comparison:
    """Compare suggestions with gold over ``units`` (default: every unit that has the fields)."""
    fields = list(fields)
    groups_set = set(groups) if groups else None
    pred = suggested(project, fields=fields, groups=groups, min_score=min_score, by_field=by_field)
    if units is None:
        sql = (f"SELECT DISTINCT doc, field FROM segments WHERE retired = 0 "
               f"AND field IN ({','.join('?' * len(fields))})")
        units = sorted({(d, f) if by_field else (d,) for d, f in project.conn.execute(sql, fields)})
    codes = project.codebook.by_id
    cmp = Comparison()
    for unit in units:
        g = {c for c in gold.get(unit, set()) if groups_set is None or (c in codes and codes[c].group in groups_set)}
        cmp.add(pred.get(unit, set()), g)
    return cmp
