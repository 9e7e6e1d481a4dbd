"""The coded survey as an SPSS ``.sav`` (or Stata ``.dta``) file, for the statistician.

One row per respondent: the id, the attributes (with their value labels when the import had
them), each choice field as a number 1–14 (the plan's numbering) with the areas as value labels
and declared user-missing codes for Ej svar (99: no area coded in an answer cell) and Ej granskad
(98: an answer with area suggestions nobody has decided on yet, as the tallies count it), and one 0/1
variable per code of each open question (1 = the answer carries the code; empty when the
respondent left the question empty or answered only "-"). Variable labels come from the study's labels and the codebook.
Only validated codings count, as in every tally.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.tally.codings import counting, prepare
from qualcode.variables import titles, value_labels

NO_ANSWER_CODE = 99   # Ej svar, declared user-missing
NOT_REVIEWED_CODE = 98  # Ej granskad: answered, not yet coded; declared user-missing


def respondent_frame(project: Project, *, coder: str | None = None, include_suggestions: bool = False,
                     lang: str = "sv") -> tuple[Any, dict[str, Any]]:
    """The DataFrame and the SPSS metadata (column labels, value labels, missing ranges)."""
    import pandas as pd
    docs = project.documents(kind="response")
    if not docs:
        raise QualcodeError("no survey responses in the project to export")
    ids = [d["id"] for d in docs]
    names = _Names()
    data: dict[str, list[Any]] = {names.take("id"): ids}
    meta: dict[str, Any] = {"column_labels": {"id": "Respondent"}, "variable_value_labels": {}, "missing_ranges": {}}
    _attributes(project, docs, data, meta, names)
    src = prepare(project.conn, counting(project, coder, include_suggestions))
    coded = _codings(project, src)
    cells = _cells(project)
    answers = _cells(project, with_answer=True)
    fields = project.fields()
    labels = titles(project.conn, fields)
    for field, info in sorted(fields.items()):
        if info["kind"] == "choice":
            _choice_column(project, src, field, labels[field], ids, (cells, coded), data, meta, names, lang)
        elif info["kind"] == "text":
            _code_columns(project, field, labels[field], ids, answers, coded, data, meta, names)
    return pd.DataFrame(data), meta


def write_spss(project: Project, path: str | Path, **kw: Any) -> Path:
    """Write ``.sav`` or ``.dta`` (by suffix); a failed write leaves no file behind."""
    import pyreadstat
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".sav", ".dta"):
        raise QualcodeError(f"the file must end in .sav or .dta, not {p.suffix or '(none)'!r}", where=str(p))
    df, meta = respondent_frame(project, **kw)
    _fit_labels(meta, 256 if suffix == ".sav" else 80, 120 if suffix == ".sav" else 32_000)
    tmp = p.with_name(p.name + ".part")
    try:
        if suffix == ".sav":
            pyreadstat.write_sav(df, str(tmp), **meta)
        else:  # Stata has no user-missing ranges; Ej svar stays a labelled value
            pyreadstat.write_dta(df, str(tmp), column_labels=meta["column_labels"],
                                 variable_value_labels=meta["variable_value_labels"])
        tmp.replace(p)
    finally:
        tmp.unlink(missing_ok=True)
    return p


def _fit_labels(meta: dict[str, Any], variable: int, value: int) -> None:
    """Cut labels to what the format holds (SPSS: 256 and 120 characters; Stata: 80)."""
    meta["column_labels"] = {k: v if len(v) <= variable else v[:variable - 1] + "…"
                             for k, v in meta["column_labels"].items()}
    for labels in meta["variable_value_labels"].values():
        for k, v in labels.items():
            labels[k] = v if len(v) <= value else v[:value - 1] + "…"


class _Names:
    """SPSS variable names: a letter first, letters, digits and _ only, at most 64, unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        from qualcode.report.names import ascii_slug
        base = ascii_slug(name)[:60] or "v"
        base = base if base[0].isalpha() else "v_" + base
        out, n = base, 2
        while out.lower() in self.used:
            out, n = f"{base}_{n}", n + 1
        self.used.add(out.lower())
        return out


def _attributes(project: Project, docs: list[dict], data: dict, meta: dict, names: _Names) -> None:
    attrs = sorted({k for d in docs for k in d["attributes"]})
    labels = titles(project.conn, attrs)
    for a in attrs:
        col = names.take(a)
        values = [d["attributes"].get(a) for d in docs]
        meta["column_labels"][col] = labels[a]
        pairs = value_labels(project.conn, a)
        codes = {lab: v for v, lab in pairs}
        if pairs and all(re.fullmatch(r"-?\d+", v) for v, _ in pairs) and all(x is None or x in codes for x in values):
            data[col] = [float(codes[x]) if x is not None else None for x in values]
            meta["variable_value_labels"][col] = {float(v): lab for v, lab in pairs}
        else:
            data[col] = [x if x is not None else "" for x in values]


def _codings(project: Project, src: Any) -> dict[tuple[str, str], set[str]]:
    """(doc, field) -> the codes that count."""
    out: dict[tuple[str, str], set[str]] = {}
    for doc, field, code in project.conn.execute(
            f"SELECT s.doc, s.field, t.code FROM {src.codings} t JOIN segments s ON s.id = t.segment "
            f"AND s.retired = 0 WHERE {src.coded}"):
        out.setdefault((doc, field), set()).add(code)
    return out


def _cells(project: Project, with_answer: bool = False) -> set[tuple[str, str]]:
    """(doc, field) of the live cells; ``with_answer``: only those holding an answer (an open
    question left empty or answered "-" is missing, not 0 for every code)."""
    from qualcode.tally.scope import answered
    cond = f" AND {answered('s')}" if with_answer else ""
    return {(r[0], r[1]) for r in project.conn.execute(
        f"SELECT DISTINCT s.doc, s.field FROM segments s WHERE s.retired = 0{cond}")}


def _choice_column(project: Project, src: Any, field: str, label: str, ids: list[str], known: tuple[set, dict],
                   data: dict, meta: dict, names: _Names, lang: str) -> None:
    """The first area coded in each answer; else Ej granskad while an area suggestion waits for a
    decision (as ``tally choice`` counts it), else Ej svar; empty where there is no cell."""
    from qualcode.fields import choice_group
    from qualcode.tally.choice import not_reviewed_cells
    cells, coded = known
    group = choice_group(project.fields()[field])
    areas = [c for c in project.codebook.codes if c.group == group and c.number is not None]
    number = {c.id: c.number for c in areas}
    pending = not_reviewed_cells(project.conn, src, [field], [c.id for c in project.codebook.in_group(group)])
    col = names.take(field)
    values: list[Any] = []
    for doc in ids:
        found = sorted(number[c] for c in coded.get((doc, field), ()) if c in number)
        values.append(float(found[0]) if found else None if (doc, field) not in cells else
                      float(NOT_REVIEWED_CODE) if (doc, field) in pending else float(NO_ANSWER_CODE))
    data[col] = values
    meta["column_labels"][col] = label
    no_answer, not_reviewed = ("Ej svar", "Ej granskad") if lang == "sv" else ("No answer", "Not reviewed")
    meta["variable_value_labels"][col] = {**{float(c.number): c.label for c in areas},
                                          float(NOT_REVIEWED_CODE): not_reviewed, float(NO_ANSWER_CODE): no_answer}
    meta["missing_ranges"][col] = [NOT_REVIEWED_CODE, NO_ANSWER_CODE]


def _code_columns(project: Project, field: str, label: str, ids: list[str], cells: set, coded: dict, data: dict,
                  meta: dict, names: _Names) -> None:
    from qualcode.fields import field_groups
    groups = field_groups(project.codebook, project.fields()).get(field, [])
    for code in (c for c in project.codebook.codes if c.group in groups):
        col = names.take(f"{field}_{code.id}")
        data[col] = [(1.0 if code.id in coded.get((doc, field), ()) else 0.0) if (doc, field) in cells else None
                     for doc in ids]
        meta["column_labels"][col] = f"{label}: {code.label}"
        meta["variable_value_labels"][col] = {0.0: "Nej", 1.0: "Ja"}
