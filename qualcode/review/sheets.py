"""Review sheets (XLSX/CSV): the spreadsheet way into the decision log, written and read.

``export_sheet`` writes one row per pending (segment, code) with a verdict column to fill in
(in XLSX with drop-downs for the verdict and the corrected code); ``read_sheet`` reads a
filled-in sheet back as plain rows for ``sheet_import``. Segment texts are survey answers and
interview sentences, so a text that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``,
tab, CR at the start) is written as an explicit string cell in XLSX and behind an apostrophe
in CSV, which ``read_sheet`` takes off again: the sheet never runs what a respondent wrote.

A sheet is written in the run's language (``qualcode.i18n``): its column headers, verdict words,
sheet names and numbers in CSV (``poäng`` 0,95 in Swedish). Rows are built with the language-free
column ids of ``SHEET_COLUMNS``; ``read_sheet`` maps the headers of either language (and the
English ids older sheets were written with) back to those ids, and ``canonical_verdict`` does the
same for the verdict words, so a sheet imports whatever language wrote it or reads it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.i18n import LANGUAGES, language, number, t
from qualcode.ingest.sheets import read_table
from qualcode.memos import coding_memos
from qualcode.report.formats import looks_like_formula
from qualcode.report.formats.xlsx import put
from qualcode.review.decisions import SHEET_VERDICTS, check_coder, current_verdict
from qualcode.review.queue import Filter, detail, pending, suggested_items
from qualcode.review.reasons import reason_text

CODES_COLUMNS = ["id", "number", "label", "group"]
ALIASES = {"corrected code": "corrected_code", "corrected": "corrected_code"}  # headers older sheets accepted
SHEET_COLUMNS = ["segment", "doc", "field", "code", "number", "label", "verdict", "corrected_code", "note", "memo", "coder",
                 "score", "source", "negated", "reason", "candidates", "context_before", "text", "context_after"]
FILL_IN = ("verdict", "corrected_code", "note")
WRAPPED = ("text", "context_before", "context_after", "reason")
WIDTHS = {"text": 70, "context_before": 40, "context_after": 40, "reason": 40, "label": 40, "source": 24,
          "verdict": 10, "corrected_code": 22, "note": 24}


# ----------------------------------------------------------------------------- the words of a sheet

def column_name(column: str, lang: str | None = None) -> str:
    """The header a column id is written under in ``lang`` (attribute columns keep their names)."""
    return column if column.startswith("attr:") else t(f"sheet.col.{column}", lang)


def verdict_word(verdict: str, lang: str | None = None) -> str:
    """accept/reject/add as the sheet writes it in ``lang`` (acceptera/avvisa/lägg till in Swedish)."""
    return t(f"sheet.verdict.{verdict}", lang)


def _fold(word: str) -> str:
    return " ".join(word.strip().lower().replace("_", " ").split())


def _words(ids: list[str] | tuple[str, ...], key: str) -> dict[str, str]:
    """Every language's word for each id (and the id itself), folded, mapped to the id."""
    out = {_fold(i): i for i in ids}
    for i in ids:
        for lang in LANGUAGES:
            out.setdefault(_fold(t(key.format(i), lang)), i)
    return out


def canonical_column(header: str) -> str:
    """The column id a header of either language (or an older sheet's) stands for; other headers
    (attributes, columns someone added) come back lower-cased as they are."""
    folded = _fold(header)
    known = _words(SHEET_COLUMNS, "sheet.col.{}")
    if folded in known:
        return known[folded]
    return ALIASES.get(folded, header.strip().lower())


def canonical_verdict(word: str) -> str:
    """accept/reject/add for a verdict written in either language ('' for a blank cell); an
    unknown word comes back folded, for the importer to refuse."""
    folded = _fold(word)
    return _words(SHEET_VERDICTS, "sheet.verdict.{}").get(folded, folded)


def verdict_choices(lang: str | None = None) -> str:
    """'acceptera, avvisa eller lägg till': the verdicts as a person is told them."""
    words = [verdict_word(v, lang) for v in SHEET_VERDICTS]
    return f"{', '.join(words[:-1])} {t('sheet.or', lang)} {words[-1]}"


# ----------------------------------------------------------------------------- export

def sheet_rows(project: Any, coder: str, filt: Filter | None = None, *, include_decided: bool = False
               ) -> list[dict[str, Any]]:
    """One row per (segment, code) suggestion; pending ones, or all with their current verdict."""
    coder = check_coder(coder)
    items = suggested_items(project, filt) if include_decided else pending(project, coder, filt)
    cb = project.codebook
    memos = coding_memos(project)
    out = []
    for it in items:
        d = detail(project, it, coder)
        code = cb.get(it.code)
        verdict = current_verdict(project.conn, it.segment, it.code, coder) if include_decided else None
        row: dict[str, Any] = {
            "segment": it.segment, "doc": it.doc, "field": it.field, "code": it.code, "number": code.number,
            "label": code.label, "verdict": verdict if verdict in SHEET_VERDICTS else None, "corrected_code": None,
            "note": None, "memo": " | ".join(memos.get((it.segment, it.code), [])) or None, "coder": coder, "score": round(it.score, 4), "source": ", ".join(it.sources),
            "negated": bool(d.negated), "reason": d.reason,
            "candidates": ", ".join(d.candidates), "context_before": d.before, "text": it.text,
            "context_after": d.after,
        }
        for k, v in d.attributes.items():
            row[f"attr:{k}"] = v
        out.append(row)
    return out


def export_sheet(project: Any, coder: str, path: str | Path, filt: Filter | None = None, *,
                 include_decided: bool = False, lang: str | None = None) -> int:
    """Write a review sheet (.xlsx with drop-downs, or .csv) in ``lang`` (default: the run's
    language); return the number of rows."""
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".xlsx"):
        raise QualcodeError("a review sheet is written as .xlsx or .csv", where=str(p))
    lang = lang or language()
    rows = [_shown(r, lang) for r in sheet_rows(project, coder, filt, include_decided=include_decided)]
    columns = SHEET_COLUMNS + sorted({k for r in rows for k in r if k.startswith("attr:")})
    if p.suffix.lower() == ".csv":
        with open(p, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow([column_name(c, lang) for c in columns])
            for r in rows:
                w.writerow([_csv_cell(r.get(c), lang) for c in columns])
    else:
        _write_xlsx(project, p, columns, rows, lang)
    return len(rows)


def _shown(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A row's verdict and negation flag in the words of ``lang``."""
    out = dict(row)
    if out.get("verdict"):
        out["verdict"] = verdict_word(out["verdict"], lang)
    out["negated"] = t("sheet.yes", lang) if out.get("negated") else ""
    out["reason"] = reason_text(out.get("reason"), lang)
    return out


def _csv_cell(value: Any, lang: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):  # a score: 0,95 in Swedish; trailing zeros dropped as before
        text = number(value, 4, lang).rstrip("0")
        return text[:-1] if text.endswith((",", ".")) else text
    return "'" + value if looks_like_formula(value) else value




def _write_xlsx(project: Any, path: Path, columns: list[str], rows: list[dict[str, Any]], lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    wb = Workbook()
    ws = wb.active
    ws.title = t("sheet.name", lang)
    for j, c in enumerate(columns, start=1):
        put(ws, 1, j, column_name(c, lang)).font = Font(bold=True)
    for i, r in enumerate(rows, start=2):
        for j, c in enumerate(columns, start=1):
            cell = put(ws, i, j, r.get(c))
            if c in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _write_codes(wb, project.codebook, lang)
    col = {c: ws.cell(1, j).column_letter for j, c in enumerate(columns, start=1)}
    _add_drop_downs(ws, col, last=max(len(rows) + 1, 2), n_codes=len(project.codebook.codes), lang=lang)
    for c, letter in col.items():
        ws.column_dimensions[letter].width = WIDTHS.get(c, 12)
    ws.freeze_panes = "H2"
    wb.save(path)


def _write_codes(wb: Any, codebook: Any, lang: str) -> None:
    """The codes sheet feeds the corrected-code drop-down (inline lists are capped at 255 chars)."""
    from openpyxl.styles import Font
    codes = wb.create_sheet(t("sheet.codes_name", lang))
    for j, h in enumerate(CODES_COLUMNS, start=1):
        codes.cell(1, j, column_name(h, lang)).font = Font(bold=True)
    for i, c in enumerate(codebook.codes, start=2):
        for j, v in enumerate([c.id, c.number, c.label, c.group], start=1):
            put(codes, i, j, v)


def _add_drop_downs(ws: Any, col: dict[str, str], *, last: int, n_codes: int, lang: str) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    words = ",".join(verdict_word(v, lang) for v in SHEET_VERDICTS)
    dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showErrorMessage=True,
                        errorTitle=column_name("verdict", lang), error=verdict_choices(lang))
    dv.add(f"{col['verdict']}2:{col['verdict']}{last}")
    ws.add_data_validation(dv)
    codes_sheet = t("sheet.codes_name", lang)
    dv2 = DataValidation(type="list", formula1=f"{codes_sheet}!$A$2:$A${n_codes + 1}", allow_blank=True,
                         showErrorMessage=True, errorTitle=column_name("corrected_code", lang),
                         error=t("sheet.code_error", lang, sheet=codes_sheet))
    dv2.add(f"{col['corrected_code']}2:{col['corrected_code']}{last}")
    ws.add_data_validation(dv2)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for c in FILL_IN:
        for i in range(2, last + 1):
            ws[f"{col[c]}{i}"].fill = fill


# ----------------------------------------------------------------------------- reading back

Rows = list[tuple[int, dict[str, Any]]]


def read_sheet(path: str | Path) -> tuple[Rows, list[str], str]:
    """A review sheet's rows as (line number, {column id: value}), its column ids (headers of
    either language mapped to ``SHEET_COLUMNS``' ids, others lower-cased), and where it came from
    (for messages). Blank rows are left out. The file is read by the importers' hardened table
    reader (encodings, NUL bytes, cells of any length, XML bombs)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt"):
        raise QualcodeError("a review sheet must be .xlsx or .csv", where=str(p))
    table = read_table(p, prefer_sheet=t("sheet.name"))  # else the first sheet, where every sheet has it
    names = [canonical_column(h) if h.strip() else "" for h in table.header]
    unquote = _uncsv if suffix != ".xlsx" else str
    rows = []
    for i, values in table.rows:
        if len(values) > len(names):
            raise QualcodeError(f"row {i} has {len(values)} cells but the header has {len(names)}", where=str(p))
        rows.append((i, {n: unquote(v) for n, v in zip(names, values) if n}))
    return rows, [n for n in names if n], str(p)


def _uncsv(value: str) -> str:
    """Take off the apostrophe ``export_sheet`` put before a formula-like text."""
    return value[1:] if value.startswith("'") and looks_like_formula(value[1:]) else value
