"""An import's report as a person reads it, in the run's language.

``ImportReport`` (``qualcode.ingest.write``) holds what an import changes as numbers and ids; its
own ``summary``/``headline``/``warnings`` stay English, because error messages (which are English
throughout) and scripts quote them. What ``qualcode import notes|survey`` prints for the user to
read (the counts, the plan of a dry run, what needs consent, the next step) comes from here, from
the catalogue, so that a Swedish run says it in Swedish and an English run in English. Reports are
read by their fields only, so any object with the same fields will do.
"""

from __future__ import annotations

from typing import Any

from qualcode.i18n import t

__all__ = ["import_headline", "import_summary", "import_warnings", "kind_name", "next_after_import"]


def kind_name(kind: str) -> str:
    """A document kind as the run's language names it (``interview`` -> intervjuer); an unknown
    kind as itself."""
    key = f"status.kind.{kind}"
    try:
        return t(key)
    except KeyError:
        return kind


def examples(ids: list[str], n: int = 3) -> str:
    """The first ``n`` ids, and how many there are in all when there are more."""
    return ", ".join(ids[:n]) + (t("import.examples_more", n=len(ids)) if len(ids) > n else "")


def import_summary(report: Any) -> str:
    """One line: documents new/changed/unchanged, segments added (and, when documents changed,
    kept/restored/retired/removed), removed documents left out; marked when nothing was written."""
    line = t("import.summary", source=report.source, new=len(report.added), changed=len(report.changed),
             unchanged=len(report.unchanged), added=report.segments_added)
    if report.changed:
        line += t("import.segments_changed", kept=report.segments_kept, restored=report.segments_restored,
                  retired=report.segments_retired, deleted=report.segments_deleted)
    if report.left_removed:
        line += t("import.left_removed", n=len(report.left_removed))
    return t("import.dry_run", line=line) if report.dry_run else line


def _kinds(pair: str) -> tuple[str, str]:
    """``"interview to response"`` (how the report keys a change of kind) -> the two kinds' names."""
    old, _, new = pair.partition(" to ")
    return kind_name(old), kind_name(new)


def import_headline(report: Any) -> str:
    """What needs the user's consent, in one line."""
    parts = []
    if report.segments_retired:
        parts.append(t("import.would_retire", n=report.segments_retired, docs=len(report.retired_documents)))
    for pair, docs in report.other_source.items():
        parts.append(t("import.would_replace", n=len(docs), pair=pair))
    for pair, docs in report.kind_changed.items():
        old, new = _kinds(pair)
        parts.append(t("import.would_change_kind", n=len(docs), old=old, new=new))
    return t("import.headline", parts="; ".join(parts))


def import_warnings(report: Any) -> list[str]:
    """The plan's changes that need consent, one line each with examples."""
    lines = []
    if report.segments_retired:
        fields = ", ".join(f"{f} {n}" for f, n in sorted(report.retired_fields.items()))
        lines.append(t("import.warn_retire", n=report.segments_retired, docs=len(report.retired_documents),
                       examples=examples(report.retired_documents), fields=fields))
    for pair, docs in report.other_source.items():
        lines.append(t("import.warn_replace", n=len(docs), pair=pair, examples=examples(docs)))
    for pair, docs in report.kind_changed.items():
        old, new = _kinds(pair)
        lines.append(t("import.warn_kind", n=len(docs), old=old, new=new, examples=examples(docs)))
    return lines


def next_after_import(report: Any) -> str | None:
    """The step after an import that brought new text: suggest codes for it. None after an
    import that changed nothing, or a dry run (the next step is then the real import)."""
    if report.dry_run or not (report.segments_added or report.segments_restored or report.changed):
        return None
    return t("cli.next_steps", steps=t("status.suggest"))
