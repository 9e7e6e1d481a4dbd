"""A document as coded: its text segment by segment, with the codes in the margin.

What a researcher reads when she opens a document in a QDA tool: the text, the codes that
stand (validated by the counting coder, or coded on an exact span), the machine's suggestions
nobody has decided on (marked apart: a suggestion is not a finding), the document's attributes
and the memos on it and its codings. ``document_view`` gathers it as data (also the JSON of
``docs show --format json``); ``render_document`` draws it with rich.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table as RichTable
from rich.text import Text

from qualcode.i18n import t
from qualcode.ingest.report_text import kind_name
from qualcode.memos import coding_memos, list_memos
from qualcode.tally.codings import resolve_coder


def document_view(project: Any, doc: str, *, coder: str | None = None) -> dict[str, Any]:
    """The document with, per segment, ``codes`` (validated), ``suggested`` (undecided), the
    span codings and memos; ``coder`` defaults to the tallies' (consensus or the only coder)."""
    d = project.document(doc)
    conn = project.conn
    who = resolve_coder(project, coder)
    coded: dict[int, list[str]] = {}
    decided: set[tuple[int, str]] = set()
    if who is not None:
        for seg, code, verdict in conn.execute(
                "SELECT segment, code, verdict FROM latest_decisions WHERE coder = ? AND doc = ?", (who, doc)):
            decided.add((seg, code))
            if verdict in ("accept", "add"):
                coded.setdefault(seg, []).append(code)
    suggested: dict[int, list[str]] = {}
    for seg, code in conn.execute(
            "SELECT DISTINCT g.segment, g.code FROM suggestions g JOIN segments s ON s.id = g.segment "
            "WHERE s.doc = ? AND g.score >= 0 ORDER BY g.score DESC", (doc,)):
        if (seg, code) not in decided:
            suggested.setdefault(seg, []).append(code)
    memos = coding_memos(project, who)
    for s in d["segments"]:
        sid = s["segment"]
        s["codes"] = sorted(coded.get(sid, []))
        s["suggested"] = sorted(suggested.get(sid, []))
        s["memos"] = {c: texts for (seg, c), texts in memos.items() if seg == sid}
    d["coder"] = who
    from qualcode.variables import titles
    d["field_titles"] = titles(conn, sorted({s["field"] for s in d["segments"]}))
    d["spans"] = _spans(project, doc, who)
    d["memos"] = [m.to_json() for m in list_memos(project, kind="document", doc=doc)]
    return d


def _spans(project: Any, doc: str, coder: str | None) -> list[dict[str, Any]]:
    if coder is None or not project.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'span_codings'").fetchone():
        return []
    from qualcode.spans import current_spans, field_texts
    texts = field_texts(project.conn, doc)
    return [{**s.to_json(), "text": texts.get(s.field, "")[s.start:s.end]}
            for s in current_spans(project.conn, doc=doc, coder=coder)]


def render_document(view: dict[str, Any], codebook: Any) -> Group:
    """Rich renderable: header, attributes, the segments with their codes, spans and memos."""
    parts: list[Any] = [Text.assemble((view["id"], "bold"), f" ({kind_name(view['kind'])})",
                                      (" " + t("docs.removed"), "red") if view.get("removed") else "")]
    if view["attributes"]:
        parts.append(Text(f"{t('docs.attributes')}: " + " · ".join(f"{k}={v if v is not None else ''}"
                                                                    for k, v in view["attributes"].items()),
                          style="dim"))
    parts.append(Text.from_markup(t("docs.legend", coder=view["coder"] or "–")))
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(justify="right", style="dim")
    fields = _show_fields(view)
    if fields:  # a respondent's cells: which question each answer is
        grid.add_column(style="bold")
    grid.add_column(ratio=3)
    grid.add_column(ratio=1)
    for s in view["segments"]:
        margin = Text()
        for c in s["codes"]:
            margin.append(f" {_name(codebook, c)} ", style="reverse bold cyan")
            margin.append(" ")
        for c in s["suggested"]:
            margin.append(f"{_name(codebook, c)}? ", style="dim italic")
        body = Text(s["text"])
        for c, texts in s["memos"].items():
            body.append(f"\n  ✎ {c}: {' | '.join(texts)}", style="magenta")
        cells = [str(s["segment"])] + ([fields[s["field"]]] if fields else []) + [body, margin]
        grid.add_row(*cells)
    parts.append(grid)
    for sp in view["spans"]:
        parts.append(Text.assemble(("  ❝", "cyan"), sp["text"], ("❞ ", "cyan"),
                                   (f" {_name(codebook, sp['code'])} ", "reverse bold cyan"),
                                   f" [{sp['start']}:{sp['end']}]", (f"  ✎ {sp['memo']}" if sp["memo"] else "",
                                                                     "magenta")))
    if view["memos"]:
        parts.append(Text(t("docs.memos"), style="bold"))
        parts += [Text(f"  ✎ [{m['id']}] {m['text']}", style="magenta") for m in view["memos"]]
    return Group(*parts)


def _show_fields(view: dict[str, Any]) -> dict[str, str]:
    """Field -> how its cells are headed, when the document has fields to tell apart (a survey
    response: an answer means little without its question); empty for a note, all one field.
    A field with a label (``--label``, an SPSS variable label) shows it after its name."""
    names = {s["field"] for s in view["segments"]}
    if view["kind"] == "interview" and len(names) <= 1:
        return {}
    titles = view.get("field_titles") or {}
    return {n: n if titles.get(n, n) == n else f"{n} ({titles[n]})" for n in names}


def _name(codebook: Any, code: str) -> str:
    c = codebook.by_id.get(code)
    return c.label if c else code
