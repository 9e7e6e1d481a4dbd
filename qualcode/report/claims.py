"""Check the figures of a draft report against the project's tallies.

The researcher lists what her report prints (a YAML file, one claim per figure or table) and
qualcode recomputes each from the validated codes. Every printed cell is compared: counts
exactly, percents at the precision they were printed with ("4,3" → one decimal, "0" → whole).
A claim marked ``inconsistent`` documents a known error of the printed report; it never fails,
and is shown as "report inconsistency: printed X, data Y (reason)". When it also says what
the data ``supported``, those values are checked instead, so the known error stays pinned.

Claim kinds (see tests/fixtures/published_figures.yaml)::

    {kind: presence, code, where: {round: vt2017}, documents: 22, of: 30, [percent: 73], [field|kind]}
    {kind: choice_table, field, rows: {1: [5, 4.3], …}, no_answer: [2, 1.7], total: 117, [missing: 0]}
    {kind: choice_total, fields: [...], number: 2 | code: introduktion, count: 66}
    {kind: mentions, field, code, count, [where]}
    {kind: attribute_count, attribute, value, count, [percent], [total], [where: {kind: response}]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualcode import tally as T
from qualcode.errors import QualcodeError
from qualcode.project import Project

KINDS = ("presence", "choice_table", "choice_total", "mentions", "attribute_count")


@dataclass
class Cell:
    """One printed figure and what the data gives."""

    label: str
    published: Any
    computed: Any
    ok: bool


@dataclass
class ClaimResult:
    id: str
    kind: str
    text: str
    status: str                 # ok | failed | inconsistent
    cells: list[Cell] = field(default_factory=list)
    reason: str = ""            # the claim's `inconsistent` explanation
    supported_cells: list[Cell] = field(default_factory=list)  # checks against `supported`, if given

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def inconsistent(self) -> str:
        """The report's own error this claim documents ("" unless the claim holds as documented)."""
        return self.reason if self.status == "inconsistent" else ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "text": self.text, "status": self.status, "reason": self.reason,
                "cells": [c.__dict__ for c in self.cells],
                "supported": [c.__dict__ for c in self.supported_cells]}


def load_claims(path: str | Path) -> tuple[str, list[dict[str, Any]]]:
    p = Path(path)
    if not p.is_file():
        raise QualcodeError("claims file not found", where=str(p))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise QualcodeError(f"{line}not valid YAML ({getattr(e, 'problem', e)})", where=str(p)) from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise QualcodeError("expected a mapping with a 'claims' list", where=str(p))
    claims = data["claims"]
    for i, c in enumerate(claims, start=1):
        if not isinstance(c, dict) or "kind" not in c:
            raise QualcodeError(f"claim {i} has no 'kind'", where=str(p))
        if c["kind"] not in KINDS:
            raise QualcodeError(f"claim {c.get('id', i)}: unknown kind {c['kind']!r} (known: {', '.join(KINDS)})",
                                where=str(p))
    return str(data.get("source", "")), claims


def check_claims(project: Project, path: str | Path, coder: str | None = None) -> list[ClaimResult]:
    """Recompute every claim of the file; the results say which printed figures hold."""
    _, claims = load_claims(path)
    checker = _Checker(project, coder, str(path))
    return [checker.check(c, i) for i, c in enumerate(claims, start=1)]


class _Checker:
    def __init__(self, project: Project, coder: str | None, where: str) -> None:
        self.project = project
        self.coder = coder
        self.where = where
        self._choice_cache: dict[tuple, T.Choice] = {}

    def check(self, claim: dict[str, Any], index: int) -> ClaimResult:
        cid = str(claim.get("id", f"claim {index}"))
        try:
            compute = getattr(self, "_" + claim["kind"])
            cells = compute(claim)
            supported_cells: list[Cell] = []
            if isinstance(claim.get("supported"), dict):
                supported_cells = compute(_merge(claim, claim["supported"]))
        except QualcodeError as e:
            raise QualcodeError(f"claim {cid}: {e}", where=self.where) from None
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise QualcodeError(f"claim {cid}: malformed ({type(e).__name__}: {e})", where=self.where) from None
        reason = str(claim.get("inconsistent") or "")
        if reason:
            status = "failed" if supported_cells and not all(c.ok for c in supported_cells) else "inconsistent"
        else:
            status = "ok" if all(c.ok for c in cells) else "failed"
        return ClaimResult(cid, claim["kind"], str(claim.get("text", "")), status, cells, reason, supported_cells)

    # -------------------------------------------------------------- kinds
    def _presence(self, c: dict[str, Any]) -> list[Cell]:
        where = {k: str(v) for k, v in (c.get("where") or {}).items()}
        kind = where.pop("kind", None) or c.get("kind_of_documents")
        fields = [c["field"]] if c.get("field") else None
        res = T.presence(self.project, codes=[c["code"]], where=where, fields=fields, kind=kind, coder=self.coder)
        row = res.totals[0]
        cells = [_count("documents", c.get("documents"), row["documents"]),
                 _count("of", c.get("of"), row["of"])]
        if c.get("percent") is not None:
            cells.append(_pct("percent", c["percent"], row["documents"], row["of"]))
        return [x for x in cells if x is not None]

    def _choice(self, fields: list[str], c: dict[str, Any]) -> T.Choice:
        where = {k: str(v) for k, v in (c.get("where") or {}).items() if k != "kind"}
        key = (tuple(fields), tuple(sorted(where.items())))
        if key not in self._choice_cache:
            self._choice_cache[key] = T.choice(self.project, fields, where=where, coder=self.coder)
        return self._choice_cache[key]

    def _choice_table(self, c: dict[str, Any]) -> list[Cell]:
        table = self._choice([c["field"]], c).tables[0]
        by_number = {r["number"]: r for r in table["rows"]}
        by_code = {r["code"]: r for r in table["rows"]}
        total = table["total"]
        cells: list[Cell] = []
        for key, printed in (c.get("rows") or {}).items():
            row = by_code.get(key) if isinstance(key, str) and not key.isdigit() else by_number.get(int(key))
            if row is None:
                raise QualcodeError(f"no area {key!r} in the table of {c['field']}")
            count, pct = _pair(printed)
            count = 0 if count is None else count     # a blank printed cell: SPSS leaves empty categories out
            pct = 0 if pct is None and isinstance(printed, (list, tuple)) and len(printed) > 1 else pct
            name = f"{row['number']}. {row['label']}" if row["number"] is not None else row["label"]
            cells.append(_count(f"{name}: Antal", count, row["count"]))
            if pct is not None:
                cells.append(_pct(f"{name}: Procent", pct, row["count"], total))
        if c.get("no_answer") is not None:
            count, pct = _pair(c["no_answer"])
            cells.append(_count("Ej svar: Antal", count, table["no_answer"]))
            if pct is not None:
                cells.append(_pct("Ej svar: Procent", pct, table["no_answer"], total))
        for name, key in (("Total", "total"), ("Systembortfall", "missing")):
            if c.get(key) is not None:
                cells.append(_count(name, c[key], table[key]))
        if table.get("not_reviewed"):   # a printed table has none: its answers were all decided
            cells.append(Cell("Ej granskade (svar utan beslut; inte slutgiltigt)", 0, table["not_reviewed"], False))
        return [x for x in cells if x is not None]

    def _choice_total(self, c: dict[str, Any]) -> list[Cell]:
        combined = self._choice(list(c["fields"]), c).combined
        if c.get("code"):
            row = next((r for r in combined if r["code"] == c["code"]), None)
        else:
            row = next((r for r in combined if r["number"] == int(c["number"])), None)
        if row is None:
            raise QualcodeError(f"no area {c.get('code') or c.get('number')!r} among {', '.join(c['fields'])}")
        return [_count(f"{row['number']}. {row['label']}: gånger", c["count"], row["count"])]

    def _mentions(self, c: dict[str, Any]) -> list[Cell]:
        where = {k: str(v) for k, v in (c.get("where") or {}).items()}
        fields = [c["field"]] if c.get("field") else None
        res = T.mentions(self.project, codes=[c["code"]], fields=fields, where=where, coder=self.coder)
        return [_count(f"{c['code']}: nämns", c["count"], res.rows[0]["count"])]

    def _attribute_count(self, c: dict[str, Any]) -> list[Cell]:
        where = {k: str(v) for k, v in (c.get("where") or {}).items()}
        kind = where.pop("kind", None)
        res = T.attribute_counts(self.project, c["attribute"], kind=kind, where=where)
        wanted = c.get("value")
        blank = wanted is None or str(wanted) in ("", "Okänt", "okänt", "Unknown")
        row = next((r for r in res["rows"] if (r["value"] is None if blank else r["value"] == str(wanted))), None)
        count = row["count"] if row else 0
        cells = [_count(f"{c['attribute']}={wanted}", c.get("count"), count)]
        if c.get("percent") is not None:
            cells.append(_pct(f"{c['attribute']}={wanted}: Procent", c["percent"], count, res["total"]))
        if c.get("total") is not None:
            cells.append(_count("Total", c["total"], res["total"]))
        return [x for x in cells if x is not None]


def _merge(claim: dict[str, Any], supported: dict[str, Any]) -> dict[str, Any]:
    """The claim with ``supported`` laid over it; ``supported`` lists only the keys (and rows) that differ."""
    out = dict(claim)
    for k, v in supported.items():
        out[k] = {**claim[k], **v} if isinstance(v, dict) and isinstance(claim.get(k), dict) else v
    return out


def _pair(printed: Any) -> tuple[Any, Any]:
    if isinstance(printed, (list, tuple)):
        return (printed[0] if printed else None), (printed[1] if len(printed) > 1 else None)
    return printed, None


def _count(name: str, printed: Any, computed: int) -> Cell | None:
    if printed is None:
        return None
    value = 0 if printed == "" else int(printed)
    return Cell(name, value, computed, value == computed)


def _decimals(printed: Any) -> int:
    if isinstance(printed, int):
        return 0
    text = f"{printed}" if not isinstance(printed, str) else printed.replace(",", ".")
    return len(text.split(".", 1)[1]) if "." in text else 0


def _pct(name: str, printed: Any, count: int, total: int) -> Cell:
    """Compare at the printed precision: 4.3 is checked to one decimal, 73 to a whole percent."""
    value = float(str(printed).replace(",", ".").rstrip("%").strip() or 0)
    decimals = _decimals(printed)
    computed = T.percent(count, total, decimals)
    return Cell(name, printed, computed, computed is not None and abs(computed - value) < 10 ** -(decimals + 3))


def _show(v: Any, lang: str) -> str:
    if isinstance(v, float):
        s = f"{v:.{max(_decimals(v), 1)}f}" if v != int(v) else f"{v:.1f}"
        return s.replace(".", ",") if lang == "sv" else s
    return str(v)


def render_results(results: list[ClaimResult], lang: str = "sv") -> str:
    """✓ per holding claim; otherwise each differing cell with the computed value."""
    lines = []
    for r in results:
        head = f"{r.id} ({r.kind})" + (f": {r.text}" if r.text else "")
        bad = [c for c in r.cells if not c.ok]
        if r.status == "ok":
            lines.append(f"✓ {head}")
        elif r.status == "inconsistent":
            if not bad:
                lines.append(f"✓ {head} (marked inconsistent, but the data agree with the print: {r.reason})")
            for c in bad:
                lines.append(f"! {r.id}: report inconsistency: {c.label} printed {_show(c.published, lang)}, "
                             f"data {_show(c.computed, lang)} ({r.reason})")
            if r.supported_cells:
                lines.append(f"  ✓ {r.id}: the data give what the claim says they support")
        else:
            lines.append(f"✗ {head}")
            for c in bad:
                lines.append(f"    {c.label}: printed {_show(c.published, lang)}, computed {_show(c.computed, lang)}")
            for c in (x for x in r.supported_cells if not x.ok):
                lines.append(f"    (supported) {c.label}: expected {_show(c.published, lang)}, "
                             f"computed {_show(c.computed, lang)}")
    ok = sum(r.status == "ok" for r in results)
    inc = sum(r.status == "inconsistent" for r in results)
    failed = sum(r.status == "failed" for r in results)
    lines.append(f"{ok} ✓, {inc} known report inconsistencies, {failed} failed, of {len(results)} claims")
    return "\n".join(lines) + "\n"
