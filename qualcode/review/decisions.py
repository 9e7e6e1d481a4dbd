"""Decisions: who coded what, when, under which codebook — and the queue of what is still open.

The ``decisions`` table is append-only: nothing is ever updated or deleted, so the log says
exactly who decided what and when, and an undo is just one more row (``retract``, or the
verdict that held before). The current state of (segment, code) for a coder is the latest row.
A suggestion is *pending* for a coder while that coder has no current decision on it other
than a retract. Every recording call here commits on its own (or joins the caller's
transaction), so a reviewer who quits, crashes or loses power loses nothing already decided.

Review sheets (XLSX/CSV) are the spreadsheet way into the same log: ``export_sheet`` writes
one row per pending (segment, code) with a verdict column to fill in; ``import_decisions``
reads it back, checks every row first (unknown code or segment, edited text, duplicate rows,
bad verdicts are errors naming the row) and then writes all of it in one transaction or
nothing. Rows may name a document (and field) instead of a segment, for document-level codes
such as a researcher's gold list; see ``resolve_document_row`` for where such a code lands.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from qualcode.errors import QualcodeError
from qualcode.store.db import now

VERDICTS = ("accept", "reject", "add", "retract")
SHEET_VERDICTS = ("accept", "reject", "add")
ORIGINS = ("review", "bulk", "import", "manual", "reconcile")
ORDERS = ("document", "score", "uncertainty")
CODED = ("accept", "add")

# the latest verdict of one coder on one (segment, code); uses the decisions_key index
_CURRENT_SQL = ("SELECT verdict FROM decisions WHERE segment = ? AND code = ? AND coder = ? "
                "ORDER BY id DESC LIMIT 1")


# ----------------------------------------------------------------------------- filters

@dataclass(frozen=True)
class Filter:
    """Which suggestions a review, a bulk accept or a sheet covers.

    ``where`` holds document attributes (``round=vt2017``); all parts must match.
    """

    codes: tuple[str, ...] = ()
    group: str | None = None
    doc: str | None = None
    field: str | None = None
    where: tuple[tuple[str, str], ...] = ()

    @classmethod
    def make(cls, *, codes: Iterable[str] = (), group: str | None = None, doc: str | None = None,
             field: str | None = None, where: Mapping[str, str] | None = None) -> "Filter":
        return cls(tuple(codes), group, doc, field, tuple(sorted((where or {}).items())))

    def check(self, project: Any) -> None:
        """Refuse filters that can only be typos, rather than silently showing nothing."""
        cb = project.codebook
        for c in self.codes:
            cb.get(c)
        if self.group and self.group not in cb.groups:
            raise QualcodeError(f"unknown code group {self.group!r} (known: {', '.join(cb.groups)})")
        if self.field and self.field not in project.fields():
            raise QualcodeError(f"unknown field {self.field!r} (known: {', '.join(sorted(project.fields()))})")
        if self.doc and project.conn.execute("SELECT 1 FROM documents WHERE id = ?", (self.doc,)).fetchone() is None:
            raise QualcodeError(f"unknown document {self.doc!r}")
        names = {r[0] for r in project.conn.execute("SELECT DISTINCT name FROM attributes")}
        for k, _ in self.where:
            if k not in names:
                raise QualcodeError(f"unknown attribute {k!r} in --where (known: {', '.join(sorted(names))})")

    def sql(self, seg: str = "g", code: str = "s.code") -> tuple[str, list[Any]]:
        """An SQL condition over a segments alias and a code column."""
        parts: list[str] = []
        args: list[Any] = []
        if self.codes:
            parts.append(f"{code} IN ({','.join('?' * len(self.codes))})")
            args.extend(self.codes)
        if self.group:
            parts.append(f"{code} IN (SELECT id FROM codes WHERE grp = ?)")
            args.append(self.group)
        if self.doc:
            parts.append(f"{seg}.doc = ?")
            args.append(self.doc)
        if self.field:
            parts.append(f"{seg}.field = ?")
            args.append(self.field)
        for k, v in self.where:
            parts.append(f"EXISTS (SELECT 1 FROM attributes a WHERE a.doc = {seg}.doc AND a.name = ? AND a.value = ?)")
            args.extend([k, v])
        return (" AND ".join(parts) or "1"), args


# ----------------------------------------------------------------------------- recording

def check_coder(coder: str | None) -> str:
    """Coder names appear in ``--coders A,B`` lists and sheet cells, so keep them plain."""
    name = (coder or "").strip()
    if not name:
        raise QualcodeError("a coder name is needed (--coder NAME or $QUALCODE_CODER)")
    if any(ch in name for ch in ",\n\t"):
        raise QualcodeError(f"coder name {name!r} must not contain commas, tabs or newlines")
    return name


def best_suggestion(conn: sqlite3.Connection, segment: int, code: str) -> sqlite3.Row | None:
    """The highest-scoring suggestion of ``code`` on ``segment`` (what a decision answers)."""
    return conn.execute("SELECT * FROM suggestions WHERE segment = ? AND code = ? ORDER BY score DESC, source LIMIT 1",
                        (segment, code)).fetchone()


def current_verdict(conn: sqlite3.Connection, segment: int, code: str, coder: str) -> str | None:
    row = conn.execute(_CURRENT_SQL, (segment, code, coder)).fetchone()
    return row[0] if row else None


def record(project: Any, segment: int, code: str, coder: str, verdict: str, *, origin: str = "review",
           note: str | None = None, suggestion_source: str | None = None, score: float | None = None) -> int:
    """Append one decision and commit it (or join the caller's transaction); return its id.

    The suggestion it answers (source, score) is looked up when not given, so the log can
    later say which rule produced what a reviewer rejected.
    """
    if verdict not in VERDICTS:
        raise QualcodeError(f"verdict {verdict!r} must be one of {', '.join(VERDICTS)}")
    if origin not in ORIGINS:
        raise QualcodeError(f"origin {origin!r} must be one of {', '.join(ORIGINS)}")
    coder = check_coder(coder)
    if verdict != "retract":
        project.codebook.get(code)
    conn = project.conn
    with project.transaction():
        seg = conn.execute("SELECT retired FROM segments WHERE id = ?", (segment,)).fetchone()
        if seg is None:
            raise QualcodeError(f"unknown segment {segment}")
        if suggestion_source is None and score is None:
            s = best_suggestion(conn, segment, code)
            if s is not None:
                suggestion_source, score = s["source"], s["score"]
        cur = conn.execute(
            "INSERT INTO decisions(segment, code, coder, verdict, made_at, note, origin, suggestion_source, score, "
            "codebook_version) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (segment, code, coder, verdict, now(), note, origin, suggestion_source, score, project.codebook.version))
        return int(cur.lastrowid)


def code_segment(project: Any, segment: int, code: str, coder: str, *, verdict: str = "add",
                 note: str | None = None) -> int:
    """Code one segment by hand (what the machine missed); refuses retired segments."""
    row = project.conn.execute("SELECT retired FROM segments WHERE id = ?", (segment,)).fetchone()
    if row is None:
        raise QualcodeError(f"unknown segment {segment}")
    if row[0]:
        raise QualcodeError(f"segment {segment} is retired (no longer in its source document)")
    return record(project, segment, code, coder, verdict, origin="manual", note=note)


# ----------------------------------------------------------------------------- the pending queue

@dataclass
class Item:
    """One pending (segment, code): what a reviewer says yes or no to."""

    segment: int
    code: str
    score: float
    sources: list[str]
    doc: str
    field: str
    position: int
    code_position: int
    text: str

    def key(self, order: str) -> list[Any]:
        """Sort key for an order; JSON-able, so a review can resume after the last item seen."""
        base = [self.doc, self.field, self.position, self.code_position, self.code]
        if order == "score":
            return [round(self.score, 6)] + base
        if order == "uncertainty":
            return [round(abs(self.score - 0.5), 6)] + base
        return base


def _pending_sql(filt: Filter) -> tuple[str, list[Any]]:
    cond, args = filt.sql()
    sql = f"""
        SELECT s.segment, s.code, MAX(s.score) AS score, group_concat(s.source, '|') AS sources,
               g.doc, g.field, g.position, c.position AS code_position, g.text
        FROM suggestions s
        JOIN segments g ON g.id = s.segment AND g.retired = 0
        JOIN codes c ON c.id = s.code
        WHERE COALESCE((SELECT d.verdict FROM decisions d WHERE d.segment = s.segment AND d.code = s.code
                        AND d.coder = ? ORDER BY d.id DESC LIMIT 1), 'retract') = 'retract'
          AND {cond}
        GROUP BY s.segment, s.code"""
    return sql, args


def pending(project: Any, coder: str, filt: Filter | None = None, order: str = "document") -> list[Item]:
    """Pending suggestions for ``coder`` in review order (document, lowest score, or uncertainty)."""
    if order not in ORDERS:
        raise QualcodeError(f"order {order!r} must be one of {', '.join(ORDERS)}")
    filt = filt or Filter()
    sql, args = _pending_sql(filt)
    items = [Item(r["segment"], r["code"], r["score"], sorted(set(r["sources"].split("|"))), r["doc"], r["field"],
                  r["position"], r["code_position"], r["text"])
             for r in project.conn.execute(sql, [coder] + args)]
    items.sort(key=lambda it: it.key(order))
    return items


def is_pending(project: Any, coder: str, segment: int, code: str) -> bool:
    return current_verdict(project.conn, segment, code, coder) in (None, "retract")


def accept_above(project: Any, coder: str, min_score: float, filt: Filter | None = None) -> int:
    """Accept every pending suggestion scoring at least ``min_score``, in one transaction.

    Recorded with origin ``bulk`` so that agreement and audits can tell these apart from
    decisions a person looked at.
    """
    coder = check_coder(coder)
    if not 0.0 <= min_score <= 1.0:
        raise QualcodeError(f"--min-score {min_score} must be between 0 and 1")
    items = [it for it in pending(project, coder, filt) if it.score >= min_score]
    with project.transaction():
        for it in items:
            record(project, it.segment, it.code, coder, "accept", origin="bulk")
    return len(items)


def uncoded_segments(project: Any, coder: str, filt: Filter | None = None) -> list[dict[str, Any]]:
    """Segments with text but no suggestion at all and no decision by ``coder``: what the machine missed."""
    filt = filt or Filter()
    cond, args = Filter(doc=filt.doc, field=filt.field, where=filt.where).sql(seg="g")
    rows = project.conn.execute(f"""
        SELECT g.id AS segment, g.doc, g.field, g.position, g.text FROM segments g
        WHERE g.retired = 0 AND trim(g.text) != ''
          AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.segment = g.id)
          AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.segment = g.id AND d.coder = ?)
          AND {cond}
        ORDER BY g.doc, g.field, g.position""", [coder] + args)
    return [dict(r) for r in rows]


# ----------------------------------------------------------------------------- what a reviewer sees

def segment_context(conn: sqlite3.Connection, segment: int) -> tuple[str, str]:
    """The segment before and after in the same document field ('' at the edges)."""
    row = conn.execute("SELECT doc, field, position FROM segments WHERE id = ?", (segment,)).fetchone()
    if row is None:
        return "", ""
    before = conn.execute("SELECT text FROM segments WHERE doc = ? AND field = ? AND position < ? AND retired = 0 "
                          "ORDER BY position DESC LIMIT 1", (row[0], row[1], row[2])).fetchone()
    after = conn.execute("SELECT text FROM segments WHERE doc = ? AND field = ? AND position > ? AND retired = 0 "
                         "ORDER BY position LIMIT 1", (row[0], row[1], row[2])).fetchone()
    return (before[0] if before else ""), (after[0] if after else "")


def attributes(conn: sqlite3.Connection, doc: str) -> dict[str, str | None]:
    return {r[0]: r[1] for r in conn.execute("SELECT name, value FROM attributes WHERE doc = ? ORDER BY name", (doc,))}


def evidence_span(seg_start: int, seg_end: int, text: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """The evidence as offsets into the segment text, whether stored document- or segment-relative."""
    if start is None or end is None or end <= start:
        return None
    if seg_start <= start and end <= seg_end and seg_end - seg_start == len(text):
        return start - seg_start, end - seg_start
    if 0 <= start and end <= len(text):
        return start, end
    return None


@dataclass
class Detail:
    """Everything the review screen and the review sheet show about one pending item."""

    item: Item
    before: str
    after: str
    attributes: dict[str, str | None]
    span: tuple[int, int] | None
    negated: bool
    reason: str
    candidates: list[str]
    coded: list[str]  # codes the coder already holds on this segment


def detail(project: Any, item: Item, coder: str) -> Detail:
    conn = project.conn
    seg = conn.execute("SELECT start, end, text FROM segments WHERE id = ?", (item.segment,)).fetchone()
    best = best_suggestion(conn, item.segment, item.code)
    span = negated = None
    reason, candidates = "", []
    if best is not None:
        span = evidence_span(seg["start"], seg["end"], seg["text"], best["start"], best["end"])
        negated = bool(best["negated"])
        reason = best["reason"] or ""
        candidates = _candidates(best["candidates"])
    before, after = segment_context(conn, item.segment)
    coded = [r[0] for r in conn.execute(
        "SELECT code FROM codings WHERE segment = ? AND coder = ? ORDER BY code", (item.segment, coder))]
    return Detail(item, before, after, attributes(conn, item.doc), span, bool(negated), reason, candidates, coded)


def _candidates(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


# ----------------------------------------------------------------------------- review sheets: export

SHEET_NAME = "Granskning"
CODES_SHEET = "Koder"
SHEET_COLUMNS = ["segment", "doc", "field", "code", "number", "label", "verdict", "corrected_code", "note", "coder",
                 "score", "source", "negated", "reason", "candidates", "context_before", "text", "context_after"]


def sheet_rows(project: Any, coder: str, filt: Filter | None = None, *, include_decided: bool = False
               ) -> list[dict[str, Any]]:
    """One row per (segment, code) suggestion; pending ones, or all with their current verdict."""
    coder = check_coder(coder)
    filt = filt or Filter()
    if include_decided:
        cond, args = filt.sql()
        rows = project.conn.execute(f"""
            SELECT s.segment, s.code, MAX(s.score) AS score, group_concat(s.source, '|') AS sources,
                   g.doc, g.field, g.position, c.position AS code_position, g.text
            FROM suggestions s JOIN segments g ON g.id = s.segment AND g.retired = 0 JOIN codes c ON c.id = s.code
            WHERE {cond} GROUP BY s.segment, s.code""", args)
        items = [Item(r["segment"], r["code"], r["score"], sorted(set(r["sources"].split("|"))), r["doc"], r["field"],
                      r["position"], r["code_position"], r["text"]) for r in rows]
        items.sort(key=lambda it: it.key("document"))
    else:
        items = pending(project, coder, filt)
    cb = project.codebook
    out = []
    for it in items:
        d = detail(project, it, coder)
        code = cb.get(it.code)
        verdict = current_verdict(project.conn, it.segment, it.code, coder) if include_decided else None
        row: dict[str, Any] = {
            "segment": it.segment, "doc": it.doc, "field": it.field, "code": it.code, "number": code.number,
            "label": code.label, "verdict": verdict if verdict in SHEET_VERDICTS else None, "corrected_code": None,
            "note": None, "coder": coder, "score": round(it.score, 4), "source": ", ".join(it.sources),
            "negated": "ja" if d.negated else "", "reason": d.reason,
            "candidates": ", ".join(d.candidates), "context_before": d.before, "text": it.text,
            "context_after": d.after,
        }
        for k, v in d.attributes.items():
            row[f"attr:{k}"] = v
        out.append(row)
    return out


def export_sheet(project: Any, coder: str, path: str | Path, filt: Filter | None = None, *,
                 include_decided: bool = False) -> int:
    """Write a review sheet (.xlsx with drop-downs, or .csv); return the number of rows."""
    rows = sheet_rows(project, coder, filt, include_decided=include_decided)
    attr_cols = sorted({k for r in rows for k in r if k.startswith("attr:")})
    columns = SHEET_COLUMNS + attr_cols
    p = Path(path)
    if p.suffix.lower() == ".csv":
        with open(p, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns)
            for r in rows:
                w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        return len(rows)
    if p.suffix.lower() != ".xlsx":
        raise QualcodeError("a review sheet is written as .xlsx or .csv", where=str(p))
    _write_xlsx(project, p, columns, rows)
    return len(rows)


def _write_xlsx(project: Any, path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    for j, c in enumerate(columns, start=1):
        ws.cell(1, j, c).font = Font(bold=True)
    for i, r in enumerate(rows, start=2):
        for j, c in enumerate(columns, start=1):
            v = r.get(c)
            if isinstance(v, str):
                v = ILLEGAL_CHARACTERS_RE.sub("", v)
            cell = ws.cell(i, j, v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # a text that looks like a formula stays text
            if c in ("text", "context_before", "context_after", "reason"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    # the codes sheet feeds the corrected-code drop-down (inline lists are capped at 255 chars)
    codes = wb.create_sheet(CODES_SHEET)
    for j, h in enumerate(["id", "number", "label", "group"], start=1):
        codes.cell(1, j, h).font = Font(bold=True)
    cb = project.codebook
    for i, c in enumerate(cb.codes, start=2):
        codes.cell(i, 1, c.id)
        codes.cell(i, 2, c.number)
        codes.cell(i, 3, c.label)
        codes.cell(i, 4, c.group)
    last = max(len(rows) + 1, 2)
    col = {c: ws.cell(1, j).column_letter for j, c in enumerate(columns, start=1)}
    dv = DataValidation(type="list", formula1='"' + ",".join(SHEET_VERDICTS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="verdict", error="accept, reject or add")
    dv.add(f"{col['verdict']}2:{col['verdict']}{last}")
    ws.add_data_validation(dv)
    dv2 = DataValidation(type="list", formula1=f"{CODES_SHEET}!$A$2:$A${len(cb.codes) + 1}", allow_blank=True,
                         showErrorMessage=True, errorTitle="corrected_code", error="a code id from the Koder sheet")
    dv2.add(f"{col['corrected_code']}2:{col['corrected_code']}{last}")
    ws.add_data_validation(dv2)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for c in ("verdict", "corrected_code", "note"):
        for i in range(2, last + 1):
            ws[f"{col[c]}{i}"].fill = fill
    widths = {"text": 70, "context_before": 40, "context_after": 40, "reason": 40, "label": 40, "source": 24,
              "verdict": 10, "corrected_code": 22, "note": 24}
    for c, letter in col.items():
        ws.column_dimensions[letter].width = widths.get(c, 12)
    ws.freeze_panes = "H2"
    wb.save(path)


# ----------------------------------------------------------------------------- review sheets: import

@dataclass
class ImportSummary:
    source: str
    rows: int = 0
    recorded: int = 0
    unchanged: int = 0
    blank: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    coders: list[str] = field(default_factory=list)

    def summary(self) -> str:
        v = ", ".join(f"{k} {n}" for k, n in sorted(self.verdicts.items())) or "none"
        return (f"{self.source}: {self.rows} rows; {self.recorded} decisions recorded ({v}) for "
                f"{', '.join(self.coders) or 'nobody'}; {self.unchanged} unchanged, {self.blank} without verdict")

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class _Planned:
    line: int
    segment: int
    code: str
    coder: str
    verdict: str
    note: str | None


def read_sheet(path: str | Path) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    """Rows of a review sheet as (line number, {column: value}) with lower-cased column names."""
    p = Path(path)
    if not p.is_file():
        raise QualcodeError("file not found", where=str(p))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook
        try:
            wb = load_workbook(p, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise QualcodeError(f"not a readable XLSX file ({e})", where=str(p)) from None
        ws = wb[SHEET_NAME] if SHEET_NAME in wb.sheetnames else wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None) or ()
        names = [str(h).strip().lower() if h is not None else "" for h in header]
        rows = []
        for i, values in enumerate(it, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            rows.append((i, {n: v for n, v in zip(names, values) if n}))
        wb.close()
        return rows, str(p)
    if suffix in (".csv", ".txt"):
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = next(reader, [])
        names = [h.strip().lower() for h in header]
        rows = []
        for i, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                raise QualcodeError(f"row {i} has {len(values)} cells but the header has {len(names)}",
                                    where=str(p))
            rows.append((i, dict(zip(names, values))))
        return rows, str(p)
    raise QualcodeError("a review sheet must be .xlsx or .csv", where=str(p))


def _cell(row: Mapping[str, Any], *names: str) -> str:
    for n in names:
        v = row.get(n)
        if v is not None and str(v).strip() != "":
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return str(v).strip()
    return ""


def import_decisions(project: Any, source: str | Path | Iterable[Mapping[str, Any]], *, coder: str | None = None,
                     origin: str = "import") -> ImportSummary:
    """Record the verdicts of a review sheet (a file, or rows as dicts) in one transaction.

    Columns: ``segment`` (or ``doc`` + optional ``field``), ``code``, ``verdict``
    (accept|reject|add; blank = not decided yet, skipped), ``coder`` (or the ``coder``
    argument), optional ``corrected_code`` (the suggested code is rejected and this one added),
    ``note``, and ``text`` (checked against the stored segment, so a sheet whose texts were
    edited is refused). Rows that repeat a coder's current verdict are counted as unchanged,
    so importing the same sheet twice records nothing the second time.
    """
    if isinstance(source, (str, Path)):
        rows, where = read_sheet(source)
    else:
        rows, where = [(i, {str(k).strip().lower(): v for k, v in r.items()})
                       for i, r in enumerate(source, start=1)], "rows"
    default_coder = check_coder(coder) if coder else None
    summary = ImportSummary(where, rows=len(rows))
    if rows:
        cols = set().union(*(r.keys() for _, r in rows))
        missing = [c for c in ("code", "verdict") if c not in cols]
        if "segment" not in cols and "doc" not in cols:
            missing.insert(0, "segment (or doc)")
        if "coder" not in cols and default_coder is None:
            missing.append("coder (or --coder)")
        if missing:
            raise QualcodeError(f"missing column(s): {', '.join(missing)}", where=where)
    plan = _plan(project, rows, where, default_coder, summary)
    seen: dict[tuple[int, str, str], int] = {}
    for p in plan:
        key = (p.segment, p.code, p.coder)
        if key in seen:
            raise QualcodeError(f"row {p.line}: segment {p.segment}, code {p.code}, coder {p.coder} is decided "
                                f"again (first on row {seen[key]})", where=where)
        seen[key] = p.line
    with project.transaction():
        for p in plan:
            if current_verdict(project.conn, p.segment, p.code, p.coder) == p.verdict and not p.note:
                summary.unchanged += 1
                continue
            record(project, p.segment, p.code, p.coder, p.verdict, origin=origin, note=p.note)
            summary.recorded += 1
            summary.verdicts[p.verdict] = summary.verdicts.get(p.verdict, 0) + 1
            if p.coder not in summary.coders:
                summary.coders.append(p.coder)
    return summary


def _plan(project: Any, rows: list[tuple[int, dict[str, Any]]], where: str, default_coder: str | None,
          summary: ImportSummary) -> list[_Planned]:
    """Check every row and turn it into decisions, touching nothing: all errors come before any write."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    conn = project.conn
    cb = project.codebook
    plan: list[_Planned] = []
    for line, row in rows:
        def fail(msg: str) -> QualcodeError:
            return QualcodeError(f"row {line}: {msg}", where=where)

        verdict = _cell(row, "verdict").lower()
        if not verdict:
            summary.blank += 1
            continue
        if verdict not in SHEET_VERDICTS:
            raise fail(f"verdict {verdict!r} must be one of {', '.join(SHEET_VERDICTS)}")
        code = _cell(row, "code")
        if not code:
            raise fail("no code")
        if code not in cb:
            raise fail(f"unknown code {code!r} (not in codebook {cb.name!r})")
        corrected = _cell(row, "corrected_code", "corrected code", "corrected")
        if corrected and corrected not in cb:
            raise fail(f"unknown corrected code {corrected!r} (not in codebook {cb.name!r})")
        coder_cell = _cell(row, "coder")
        try:
            who = check_coder(coder_cell or default_coder)
        except QualcodeError as e:
            raise fail(str(e)) from None
        note = _cell(row, "note") or None
        seg_cell = _cell(row, "segment")
        if seg_cell:
            try:
                segment = int(seg_cell)
            except ValueError:
                raise fail(f"segment {seg_cell!r} is not a segment number") from None
            srow = conn.execute("SELECT text, retired FROM segments WHERE id = ?", (segment,)).fetchone()
            if srow is None:
                raise fail(f"unknown segment {segment}")
            if srow["retired"]:
                raise fail(f"segment {segment} is retired (no longer in its source document)")
            if "text" in row and row["text"] is not None:
                given = str(row["text"])
                stored = ILLEGAL_CHARACTERS_RE.sub("", srow["text"])
                if given.strip() != stored.strip():
                    raise fail(f"the text of segment {segment} was edited in the sheet; "
                               f"texts are shown for reading only (export a fresh sheet)")
            segments = [segment]
        else:
            doc = _cell(row, "doc")
            if not doc:
                raise fail("neither segment nor doc given")
            segments = resolve_document_row(project, doc, _cell(row, "field") or None, code, verdict,
                                            fail=fail)
        if corrected and corrected != code:
            if verdict == "add":
                raise fail("corrected_code goes with accept or reject of the suggested code, not with add")
            for s in segments:
                plan.append(_Planned(line, s, code, who, "reject", note))
                plan.append(_Planned(line, s, corrected, who, "add", note))
        else:
            plan.extend(_Planned(line, s, code, who, verdict, note) for s in segments)
    return plan


def resolve_document_row(project: Any, doc: str, field_name: str | None, code: str, verdict: str,
                         fail: Any = QualcodeError) -> list[int]:
    """Where a document-level code lands.

    A survey cell (doc, field) is one segment, so the code goes there. In notes, an accept or
    add lands on the document's segment with the highest-scoring suggestion of that code (the
    sentence the rules found), else on the first segment of the field; a reject applies to
    every segment of the document carrying a suggestion of that code (else the first segment),
    because "not in this interview" contradicts each of them. Without a field, the field is the
    one whose code group is the code's group, else the document's only field.
    """
    conn = project.conn
    if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc,)).fetchone() is None:
        raise fail(f"unknown document {doc!r}")
    fields = [r[0] for r in conn.execute(
        "SELECT DISTINCT field FROM segments WHERE doc = ? AND retired = 0 ORDER BY field", (doc,))]
    if field_name is not None:
        if field_name not in fields:
            raise fail(f"document {doc!r} has no field {field_name!r} (it has: {', '.join(fields) or 'none'})")
        chosen = field_name
    else:
        group = project.codebook.get(code).group
        groups = {r[0]: r[1] for r in conn.execute("SELECT name, code_group FROM fields")}
        matching = [f for f in fields if groups.get(f) == group]
        if len(matching) == 1:
            chosen = matching[0]
        elif len(fields) == 1:
            chosen = fields[0]
        else:
            raise fail(f"document {doc!r} has several fields ({', '.join(matching or fields)}); "
                       f"name one in the field column")
    suggested = [r[0] for r in conn.execute(
        "SELECT g.id FROM segments g JOIN suggestions s ON s.segment = g.id AND s.code = ? "
        "WHERE g.doc = ? AND g.field = ? AND g.retired = 0 GROUP BY g.id ORDER BY MAX(s.score) DESC, g.position",
        (code, doc, chosen))]
    if verdict == "reject" and suggested:
        return sorted(suggested)
    if suggested:
        return [suggested[0]]
    first = conn.execute("SELECT id FROM segments WHERE doc = ? AND field = ? AND retired = 0 ORDER BY position LIMIT 1",
                         (doc, chosen)).fetchone()
    return [first[0]]


def decision_log(project: Any, coder: str | None = None) -> Iterator[dict[str, Any]]:
    """The append-only log, oldest first (for audits: who decided what, when, under which codebook)."""
    sql = "SELECT * FROM decisions"
    args: Sequence[Any] = ()
    if coder:
        sql += " WHERE coder = ?"
        args = (coder,)
    for r in project.conn.execute(sql + " ORDER BY id", args):
        yield dict(r)
