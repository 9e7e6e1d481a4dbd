"""Markdown tables, pasted into a report or rendered by a wiki.

Markdown passes HTML through, so text from the data (an answer, a quote, an attribute value) is
HTML-escaped: a ``<script>`` in a survey answer must not run in the page that shows the table.
"""

from __future__ import annotations

import html
from typing import Any

from qualcode.report.formats.base import Content, Table, TextFormat


def markdown_text(value: Any) -> str:
    """Data as Markdown prose: HTML escaped, so it shows as typed."""
    return html.escape(str(value), quote=False)


def _cell(text: str) -> str:
    # a pipe would end the cell and a line break the row
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(t: Table) -> str:
    out = [f"### {markdown_text(t.title)}\n"] if t.title else []
    out.append("| " + " | ".join(_cell(c) for c in t.columns) + " |")
    out.append("|" + "|".join("---:" if n else "---" for n in t.numeric_columns()) + "|")
    for row in t.text_rows():
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    if t.note:
        out.append(f"\n{markdown_text(t.note)}")
    return "\n".join(out) + "\n"


class Markdown(TextFormat):
    def render(self, content: Content) -> str:
        return "\n".join(markdown_table(t) for t in content.as_tables())
