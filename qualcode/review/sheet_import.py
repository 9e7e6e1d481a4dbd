"""Recording a filled-in review sheet: every row checked first, then all of it or nothing.

A sheet can be wrong in many ways a person would not see at a glance: a column renamed or
deleted, a code or verdict mistyped, a segment number that is not there, a text edited, the
same decision twice. Each is a ``QualcodeError`` naming the row, raised before anything is
written, so a refused sheet leaves the project as it was and can be fixed and imported again.
Rows may name a document (and field) instead of a segment, for document-level codes such as
a researcher's gold list; see ``resolve_document_row`` for where such a code lands. A sheet
whose rows show segment texts but lost its ``segment`` column is refused rather than routed
by document: its verdicts are about those sentences, not about the document. Headers and
verdict words may be in Swedish or English, whichever language wrote the sheet
(``sheets.canonical_column`` / ``canonical_verdict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from qualcode.errors import QualcodeError
from qualcode.i18n import t
from qualcode.review.decisions import (
    SHEET_VERDICTS,
    check_coder,
    current_verdict,
    record,
)
from qualcode.review.sheets import Rows, canonical_column, canonical_verdict, read_sheet, verdict_choices, verdict_word


@dataclass
class ImportSummary:
    source: str
    rows: int = 0
    recorded: int = 0
    unchanged: int = 0
    blank: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    coders: list[str] = field(default_factory=list)

    def summary(self, lang: str | None = None) -> str:
        """One line for a person, in ``lang`` (default: the run's language)."""
        v = ", ".join(f"{verdict_word(k, lang)} {n}" for k, n in sorted(self.verdicts.items())) or t("sheet.none", lang)
        return t("sheet.summary", lang, source=self.source, rows=self.rows, recorded=self.recorded, verdicts=v,
                 coders=", ".join(self.coders) or t("sheet.nobody", lang), unchanged=self.unchanged, blank=self.blank)

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Planned:
    """One decision a sheet row asks for (a corrected code makes two of one row)."""

    line: int
    segment: int
    code: str
    coder: str
    verdict: str
    note: str | None


def import_decisions(project: Any, source: str | Path | Iterable[Mapping[str, Any]], *, coder: str | None = None,
                     origin: str = "import") -> ImportSummary:
    """Record the verdicts of a review sheet (a file, or rows as dicts) in one transaction.

    Columns: ``segment`` (or ``doc`` + optional ``field``), ``code``, ``verdict``
    (accept|reject|add; blank = not decided yet, skipped), ``coder`` (or the ``coder``
    argument), optional ``corrected_code`` (the suggested code is rejected and this one added),
    ``note``, and ``text`` (checked against the stored segment, so a sheet whose texts were
    edited is refused; a blank text cell, cleared by a person or dropped by a spreadsheet
    program, is no edit). Rows that repeat a coder's current verdict are counted as unchanged,
    so importing the same sheet twice records nothing the second time.
    """
    from_file = isinstance(source, (str, Path))
    if isinstance(source, (str, Path)):
        rows, columns, where = read_sheet(source)
    else:
        rows = [(i, {canonical_column(str(k)): v for k, v in r.items()}) for i, r in enumerate(source, start=1)]
        columns, where = sorted(set().union(*(r.keys() for _, r in rows))), "rows"
    default_coder = check_coder(coder) if coder else None
    if rows or from_file:  # an empty list of rows has no columns to check
        check_columns(set(columns), where, has_coder=default_coder is not None)
    summary = ImportSummary(where, rows=len(rows))
    plan = plan_rows(project, rows, where, default_coder, summary)
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


def check_columns(columns: set[str], where: str, *, has_coder: bool) -> None:
    """Refuse a sheet that lacks a column its rows need, naming the column."""
    missing = []
    if "segment" not in columns and ("doc" not in columns or "text" in columns):
        # rows that show a segment's text are about that segment; routing them by document
        # would put the verdicts on whichever sentence the document's best suggestion is in
        missing.append("segment")
    missing += [c for c in ("code", "verdict") if c not in columns]
    if "coder" not in columns and not has_coder:
        missing.append("coder (or --coder)")
    if missing:
        raise QualcodeError(f"missing column(s): {', '.join(missing)}", where=where)


def plan_rows(project: Any, rows: Rows, where: str, default_coder: str | None,
              summary: ImportSummary) -> list[Planned]:
    """Check every row and turn it into decisions, touching nothing: all errors come before any write."""
    plan: list[Planned] = []
    first: dict[tuple[int, str, str], int] = {}
    for line, row in rows:
        def fail(msg: str, line: int = line) -> QualcodeError:
            return QualcodeError(f"row {line}: {msg}", where=where)

        planned = _plan_row(project, row, default_coder, fail)
        if planned is None:
            summary.blank += 1
            continue
        for p in planned:
            p.line = line
            key = (p.segment, p.code, p.coder)
            if key in first:
                raise fail(f"segment {p.segment}, code {p.code}, coder {p.coder} is decided again "
                           f"(first on row {first[key]})")
            first[key] = line
        plan.extend(planned)
    return plan


def _plan_row(project: Any, row: Mapping[str, Any], default_coder: str | None,
              fail: Callable[[str], QualcodeError]) -> list[Planned] | None:
    """The decisions of one row (None for a row without a verdict)."""
    verdict = canonical_verdict(cell(row, "verdict"))
    if not verdict:
        return None
    if verdict not in SHEET_VERDICTS:
        raise fail(f"verdict {verdict!r} must be one of {', '.join(SHEET_VERDICTS)} (sv: {verdict_choices('sv')})")
    cb = project.codebook
    code = cell(row, "code")
    if not code:
        raise fail("no code")
    if code not in cb:
        raise fail(f"unknown code {code!r} (not in codebook {cb.name!r})")
    corrected = cell(row, "corrected_code", "corrected code", "corrected")
    if corrected and corrected not in cb:
        raise fail(f"unknown corrected code {corrected!r} (not in codebook {cb.name!r})")
    try:
        who = check_coder(cell(row, "coder") or default_coder)
    except QualcodeError as e:
        raise fail(str(e)) from None
    note = cell(row, "note") or None
    segments = _row_segments(project, row, code, verdict, fail)
    if corrected and corrected != code:
        if verdict == "add":
            raise fail("corrected_code goes with accept or reject of the suggested code, not with add")
        return [p for s in segments for p in (Planned(0, s, code, who, "reject", note),
                                               Planned(0, s, corrected, who, "add", note))]
    return [Planned(0, s, code, who, verdict, note) for s in segments]


def _row_segments(project: Any, row: Mapping[str, Any], code: str, verdict: str,
                  fail: Callable[[str], QualcodeError]) -> list[int]:
    """The segment a row names (its text checked), or where its document-level code lands."""
    seg_cell = cell(row, "segment")
    if not seg_cell:
        doc = cell(row, "doc")
        if not doc or cell(row, "text"):
            raise fail("no segment" if doc else "neither segment nor doc given")
        return resolve_document_row(project, doc, cell(row, "field") or None, code, verdict, fail=fail)
    try:
        segment = int(seg_cell)
    except ValueError:
        raise fail(f"segment {seg_cell!r} is not a segment number") from None
    srow = project.conn.execute("SELECT text, retired FROM segments WHERE id = ?", (segment,)).fetchone()
    if srow is None:
        raise fail(f"unknown segment {segment}")
    if srow["retired"]:
        raise fail(f"segment {segment} is retired (no longer in its source document)")
    # a blank text cell (cleared, or dropped by a spreadsheet program) says nothing about the text;
    # only a text that is there and differs is an edit
    if cell(row, "text") and not _same_text(str(row["text"]), srow["text"]):
        raise fail(f"the text of segment {segment} was edited in the sheet; "
                   f"texts are shown for reading only (export a fresh sheet)")
    return [segment]


def _same_text(given: str, stored: str) -> bool:
    from openpyxl.cell.cell import (
        ILLEGAL_CHARACTERS_RE,  # the sheet writer drops these characters
    )
    return given.strip() == ILLEGAL_CHARACTERS_RE.sub("", stored).strip()


def cell(row: Mapping[str, Any], *names: str) -> str:
    """The first non-blank of these columns as text ('' if none); 12.0 from a spreadsheet reads 12."""
    for n in names:
        v = row.get(n)
        if v is not None and str(v).strip() != "":
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return str(v).strip()
    return ""


def resolve_document_row(project: Any, doc: str, field_name: str | None, code: str, verdict: str,
                         fail: Callable[[str], QualcodeError] = QualcodeError) -> list[int]:
    """Where a document-level code lands.

    A survey cell (doc, field) is one segment, so the code goes there. In notes, an accept or
    add lands on the document's segment with the highest-scoring suggestion of that code (the
    sentence the rules found), else on the first segment of the field; a reject applies to
    every segment of the document carrying a suggestion of that code (else the first segment),
    because "not in this interview" contradicts each of them.
    """
    conn = project.conn
    if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc,)).fetchone() is None:
        raise fail(f"unknown document {doc!r}")
    chosen = _document_field(project, doc, field_name, code, fail)
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


def _document_field(project: Any, doc: str, field_name: str | None, code: str,
                    fail: Callable[[str], QualcodeError]) -> str:
    """The field a document-level row means: the one named, else the one whose code group is the
    code's group, else the document's only field."""
    conn = project.conn
    fields = [r[0] for r in conn.execute(
        "SELECT DISTINCT field FROM segments WHERE doc = ? AND retired = 0 ORDER BY field", (doc,))]
    if field_name is not None:
        if field_name not in fields:
            raise fail(f"document {doc!r} has no field {field_name!r} (it has: {', '.join(fields) or 'none'})")
        return field_name
    group = project.codebook.get(code).group
    groups = {r[0]: r[1] for r in conn.execute("SELECT name, code_group FROM fields")}
    matching = [f for f in fields if groups.get(f) == group]
    if len(matching) == 1:
        return matching[0]
    if len(fields) == 1:
        return fields[0]
    raise fail(f"document {doc!r} has several fields ({', '.join(matching or fields)}); name one in the field column")
