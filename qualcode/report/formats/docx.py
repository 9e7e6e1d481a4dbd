"""DOCX: a Word document with one real table per result, ready to paste into a report.

Word has no formulas in table text, so cells go in as typed."""

from __future__ import annotations

from pathlib import Path

from qualcode.report.formats.base import Content, FileFormat, Table, is_number


def write_docx(tables: list[Table], path: str | Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    d = docx.Document()
    for t in tables:
        if t.title:
            d.add_paragraph(t.title, style="Heading 3")
        wt = d.add_table(rows=1, cols=len(t.columns))
        wt.style = "Table Grid"
        for j, c in enumerate(t.columns):
            wt.rows[0].cells[j].text = c
            for run in wt.rows[0].cells[j].paragraphs[0].runs:
                run.bold = True
        for raw, row in zip(t.rows, t.text_rows()):
            cells = wt.add_row().cells
            for j, v in enumerate(row):
                cells[j].text = v
                if is_number(raw[j]):
                    cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if t.note:
            d.add_paragraph(t.note)
        d.add_paragraph("")
    d.save(str(path))


class Docx(FileFormat):
    def write(self, content: Content, out: str | Path) -> None:
        write_docx(content.as_tables(), out)
