"""DOCX: a Word document with one real table per result, ready to paste into a report.

The report's document (``write_report_docx``) has a section per result under the document's own
heading styles (Heading 1/2, so Word's navigation pane and table of contents see them), each
table with a numbered caption above it ("Tabell 3. …") and each chart placed under its table
with a numbered caption below ("Figur 2. …"), in Word's Caption style.
Word has no formulas in table text, so cells go in as typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.report.formats.base import Content, FileFormat, Table, is_number

CHART_WIDTH_CM = 16      # A4 minus margins
CHART_MAX_HEIGHT_CM = 22


@dataclass
class DocSection:
    """A heading, its tables, and the charts drawn from them (image paths)."""

    heading: str
    tables: list[Table]
    charts: list[str] = field(default_factory=list)
    chart_titles: list[str] = field(default_factory=list)


def write_docx(tables: list[Table], path: str | Path) -> None:
    import docx
    d = docx.Document()
    for t in tables:
        if t.title:
            d.add_paragraph(t.title, style="Heading 3")
        _table(d, t)
        d.add_paragraph("")
    d.save(str(path))


def write_report_docx(title: str, intro: str, sections: list[DocSection], path: str | Path,
                      lang: str = "sv") -> dict[str, int]:
    """The whole report; returns how many tables and figures it numbered."""
    import docx
    from docx.shared import Cm
    words = ("Tabell", "Figur") if lang == "sv" else ("Table", "Figure")
    d = docx.Document()
    d.add_heading(title, level=1)
    if intro:
        d.add_paragraph(intro)
    n_tab = n_fig = 0
    for s in sections:
        d.add_heading(s.heading, level=2)
        for t in s.tables:
            n_tab += 1
            d.add_paragraph(f"{words[0]} {n_tab}. {t.title}", style="Caption")
            _table(d, t)
        for i, chart in enumerate(s.charts):
            n_fig += 1
            width, height = _fit(chart, Cm(CHART_WIDTH_CM), Cm(CHART_MAX_HEIGHT_CM))
            d.add_picture(chart, width=width, height=height)
            caption = s.chart_titles[i] if i < len(s.chart_titles) else s.heading
            d.add_paragraph(f"{words[1]} {n_fig}. {caption}", style="Caption")
    d.save(str(path))
    return {"tables": n_tab, "figures": n_fig}


def _fit(image: str, width: Any, max_height: Any) -> tuple[Any, Any]:
    """The page width, or less when the chart would be taller than the page allows."""
    from PIL import Image
    with Image.open(image) as img:
        w, h = img.size
    height = int(width * h / w)
    if height <= max_height:
        return width, height
    return int(max_height * w / h), max_height


def _table(d: Any, t: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    wt = d.add_table(rows=1, cols=len(t.columns))
    wt.style = "Table Grid"
    for j, c in enumerate(t.columns):
        wt.rows[0].cells[j].text = c
        for run in wt.rows[0].cells[j].paragraphs[0].runs:
            run.bold = True
    for raw, row in zip(t.rows, t.text_rows()):
        cells = wt.add_row().cells
        for j, v in enumerate(row):
            # a no-break space keeps "31 %" together: a share never wraps inside its cell
            cells[j].text = v.replace(" %", "\u00a0%")
            if is_number(raw[j]):
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if t.note:
        d.add_paragraph(t.note)


class Docx(FileFormat):
    def write(self, content: Content, out: str | Path) -> None:
        write_docx(content.as_tables(), out)
