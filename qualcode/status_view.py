"""``qualcode status`` as a person reads it: the project's numbers as titled tables, and the next step.

``Project.status()`` gathers the numbers (and is the JSON of ``status -f json``, whose keys stay
English for scripts); this module words them in the run's language from the catalogue. It also
keeps the tables short enough to read: an attribute with many values (a date per interview) is
one row with its count and a few examples, not a hundred rows, since status is what a researcher
glances at between steps; ``docs list`` and the JSON still have every value.
"""

from __future__ import annotations

from typing import Any

from qualcode.errors import QualcodeError
from qualcode.i18n import t
from qualcode.ingest.report_text import kind_name
from qualcode.report.formats.base import Table

__all__ = ["MAX_VALUES", "codebook_error", "next_step", "status_tables"]

MAX_VALUES = 20  # an attribute with more distinct values is summarised in one row


def _columns(key: str) -> list[str]:
    return t(key).split("|")


def _base_model_state(state: str) -> str:
    """The base model's state (``on``, ``off``, ``missing``, ``skipped: …``) in the run's language."""
    key = "status.base." + state.split(":", 1)[0]
    try:
        return t(key)
    except KeyError:
        return state


def codebook_error(project: Any) -> str | None:
    """Why the project's codebook file, as it is on disk now, cannot be loaded (the one line
    ``suggest`` would fail with, naming file and line), or None when it loads or is unchanged.
    ``status`` says it so that the next step is to fix the file, not a ``suggest`` that fails."""
    try:
        project.edited_codebook()
    except QualcodeError as e:
        return str(e)
    return None


def _project_table(s: dict[str, Any]) -> Table:
    cb, base = s["codebook"], s["suggest"]["base_model"]
    rows = [
        [t("status.file"), s["project"]],
        [t("status.codebook"), t("status.codebook_value", name=cb["name"], codes=cb["codes"], version=cb["version"])],
        [t("status.suggestions"), s["suggestions"]],
        [t("status.pending"), s["pending"]],
        [t("status.base_model"), t("status.base_value", version=base["version"] or "-",
                                   state=_base_model_state(base["state"]), n=base["suggestions"])],
    ]
    if s.get("codebook_error"):
        rows.insert(2, [t("status.codebook_error"), s["codebook_error"]])
    return Table(t("status.project"), ["", ""], rows)


def _short(value: str, width: int = 30) -> str:
    return value if len(value) <= width else value[:width - 1].rstrip() + "…"


def _attribute_rows(attributes: dict[str, dict[str, int]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for name, values in attributes.items():
        if len(values) > MAX_VALUES:
            shown = "; ".join(_short(v) if v else t("review.blank") for v in list(values)[:3])
            rows.append([name, t("status.many_values", n=len(values), examples=shown), sum(values.values())])
        else:
            rows += [[name, v or t("review.blank"), n] for v, n in values.items()]
    return rows


def _todo_rows(todo: dict[str, Any], suggested_fields: set[str], broken: bool = False) -> list[list[Any]]:
    """What the next ``suggest`` would redo. A field never suggested has only new segments, so
    listing its codes as changed would mislead; a pattern's score follows the reviewers' verdicts
    once ten of its suggestions are judged, so reviewing alone makes stored scores outdated."""
    rows: list[list[Any]] = [[t("status.todo_new"), todo["new_segments"]]]
    for fld, codes in todo["codes"].items():
        if fld in suggested_fields:
            rows.append([t("status.todo_codes", field=fld),
                         ", ".join(codes[:6]) + (f" … ({len(codes)})" if len(codes) > 6 else "")])
    rows += [[t("status.todo_choice", field=fld), t("status.todo_choice_why")] for fld in todo["choice_fields"]]
    if todo["models"]:
        rows.append([t("status.todo_models"), t("status.todo_models_why")])
    if broken:
        rows.insert(0, [t("status.todo_codebook"), t("status.todo_codebook_broken")])
    elif todo["codebook_edited"]:
        rows.insert(0, [t("status.todo_codebook"), t("status.todo_codebook_why")])
    if len(rows) == 1 and not todo["new_segments"]:
        rows = [[t("status.todo_current"), t("status.todo_current_why")]]
    return rows


def status_tables(s: dict[str, Any], suggested_fields: set[str]) -> list[Table]:
    """The status (``Project.status()`` with ``next`` filled in) as the tables ``status`` prints;
    ``suggested_fields`` are the fields ``suggest`` has run on."""
    documents = [[kind_name(k), v] for k, v in s["documents"].items()]
    if s["removed_documents"]:
        documents.append([t("status.removed"), s["removed_documents"]])
    coders = [[c, d["decisions"], d["coded"]] for c, d in s["coders"].items()]
    tables = [
        _project_table(s),
        Table(t("status.documents"), _columns("status.documents_columns"), documents),
        Table(t("status.segments"), _columns("status.segments_columns"), [[k, v] for k, v in s["segments"].items()]),
        Table(t("status.attributes"), _columns("status.attributes_columns"), _attribute_rows(s["attributes"])),
        Table(t("status.coders"), _columns("status.coders_columns"), coders) if coders else
        Table(t("status.coders"), ["", ""], [["–", t("status.no_coders")]]),
        Table(t("status.todo"), ["", ""], _todo_rows(s["suggest"], suggested_fields, bool(s.get("codebook_error")))),
        Table(t("status.next"), ["", ""], [["→", s["next"]]]),
    ]
    return tables


def next_step(s: dict[str, Any]) -> str:
    """What a user should do next, from the status: fix a broken codebook file, else import,
    suggest, review, then tally."""
    todo = s["suggest"]
    if s.get("codebook_error"):   # suggest, review's queue and codebook load would all stop on it
        path = s["codebook"].get("path") or "?"
        return t("status.fix_codebook", path=path)
    if not any(s["documents"].values()):
        return t("status.import")
    if todo["new_segments"] or (not s["suggestions"] and not s["coders"]):
        return t("status.suggest")
    if s["pending"]:
        return t("status.review")
    return t("status.tally")
