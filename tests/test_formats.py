"""Export formats: the registry ``emit`` dispatches through, and exports that never run a cell.

A survey answer such as ``=HYPERLINK(…)`` or ``@cmd`` is data; a spreadsheet that opens the
export must show it, not evaluate it (OWASP CSV injection), and a page that renders the
Markdown must not run a ``<script>`` from an answer.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from qualcode import Project, QualcodeError
from qualcode.report import formats
from qualcode.report.formats import FORMATS, Content, FileFormat, Table, TextFormat, emit, render_text

from .test_tally import build, seg

FORMULAS = ["=1+1", "+SUM(A1)", "@cmd", "-2+3", "\tx", "\rx"]


def formula_table() -> Table:
    rows: list[list[Any]] = [[v, i, -2, -1.5] for i, v in enumerate(FORMULAS)]
    return Table("=title", ["=col", "n", "neg", "negf"], rows, note="@note")


# ----------------------------------------------------------------------------- the registry

class Shout(TextFormat):
    """A made-up format: table titles in capitals, one a line."""

    def render(self, content: Content) -> str:
        return "".join(t.title.upper() + "!\n" for t in content.as_tables())


class Tally(FileFormat):
    """A made-up file format: the number of rows, written to the path."""

    def write(self, content: Content, out: str | Path) -> None:
        Path(out).write_text(str(sum(len(t.rows) for t in content.as_tables())), encoding="utf-8")


def test_emit_uses_a_registered_format(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setitem(FORMATS, "shout", Shout())
    tables = [Table("langst_1", ["", "Antal"], [["a", 1]]), Table("langst_2", ["", "Antal"], [])]
    emit("shout", None, tables=tables)
    assert capsys.readouterr().out == "LANGST_1!\nLANGST_2!\n"
    out = tmp_path / "t.shout"
    emit("shout", str(out), tables=tables)
    assert out.read_text(encoding="utf-8") == "LANGST_1!\nLANGST_2!\n"
    assert render_text("shout", tables=tables) == "LANGST_1!\nLANGST_2!\n"


def test_a_file_format_needs_a_path(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setitem(FORMATS, "count", Tally())
    with pytest.raises(QualcodeError, match="--format count needs -o FILE"):
        emit("count", None, records=[{"a": 1}])
    emit("count", str(tmp_path / "n.txt"), records=[{"a": 1}, {"a": 2}])
    assert (tmp_path / "n.txt").read_text(encoding="utf-8") == "2"
    with pytest.raises(QualcodeError, match="writes a file"):
        render_text("count", records=[])


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(QualcodeError, match=r"unknown format 'pdf' \(known: table, csv"):
        emit("pdf", None, data={})


def test_format_lists_come_from_the_registry() -> None:
    assert formats.TEXT_FORMATS == ("table", "csv", "json", "jsonl", "md")
    assert formats.FILE_FORMATS == ("xlsx", "docx")
    assert set(FORMATS) == set(formats.TEXT_FORMATS + formats.FILE_FORMATS)


def test_records_become_a_table_for_table_formats() -> None:
    records = [{"doc": "r1", "n": 2}, {"doc": "r2", "n": None}]
    assert render_text("csv", records=records) == "doc,n\nr1,2\nr2,\n"
    assert [json.loads(x) for x in render_text("jsonl", records=records).splitlines()] == records
    assert json.loads(render_text("json", records=records)) == records


# ----------------------------------------------------------------------------- formulas stay text

def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:   # newline="": a CR inside a cell stays a CR
        return list(csv.reader(f))


def check_csv(path: Path) -> None:
    rows = _read_csv(path)
    assert rows[0] == ["'=col", "n", "neg", "negf"]
    for i, v in enumerate(FORMULAS):
        # OWASP: a leading apostrophe, which Excel shows as text and does not print
        assert rows[1 + i] == ["'" + v, str(i), "-2", "-1.5"]   # numbers stay numbers


def check_xlsx(path: Path) -> None:
    from openpyxl import load_workbook
    ws = load_workbook(path).worksheets[0]
    assert ws["A1"].value == "=title" and ws["A1"].data_type == "s"
    assert ws["A3"].value == "=col" and ws["A3"].data_type == "s"
    for i, v in enumerate(FORMULAS):
        r = 4 + i
        cell = ws.cell(r, 1)
        assert (cell.value, cell.data_type) == (v, "s")
        assert cell.quotePrefix                        # Excel keeps it text even after an edit
        assert (ws.cell(r, 3).value, ws.cell(r, 3).data_type) == (-2, "n")
        assert (ws.cell(r, 4).value, ws.cell(r, 4).data_type) == (-1.5, "n")


def check_docx(path: Path) -> None:
    import docx
    cells = [[c.text for c in row.cells] for row in docx.Document(str(path)).tables[0].rows]
    assert [r[0] for r in cells[1:]] == [v.replace("\r", "\n") for v in FORMULAS]  # Word's line break


def check_json(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [r["=col"] for r in data] == FORMULAS and data[0]["neg"] == -2


def check_jsonl(path: Path) -> None:
    data = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["=col"] for r in data] == FORMULAS and data[0]["neg"] == -2


def check_md(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "### =title" in text and "| =col | n | neg | negf |" in text
    for v in ("=1+1", "+SUM(A1)", "@cmd", "-2+3"):
        assert f"| {v} | " in text


def check_table(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for v in ("=1+1", "+SUM(A1)", "@cmd", "-2+3"):
        assert v in text


CHECKS: dict[str, Callable[[Path], None]] = {
    "csv": check_csv, "xlsx": check_xlsx, "docx": check_docx, "json": check_json, "jsonl": check_jsonl,
    "md": check_md, "table": check_table,
}


def test_every_format_has_a_check() -> None:
    assert set(CHECKS) == set(FORMATS)


@pytest.mark.parametrize("fmt", list(CHECKS))
def test_formulas_are_written_as_text(fmt: str, tmp_path: Path) -> None:
    t = formula_table()
    records = [dict(zip(t.columns, row)) for row in t.rows]
    out = tmp_path / f"out.{fmt}"
    emit(fmt, str(out), tables=[t], data=records, records=records if fmt == "jsonl" else None)
    CHECKS[fmt](out)


def test_quotes_export_keeps_an_answer_as_text(project: Project, cli, tmp_path: Path) -> None:
    """End to end: an answer typed as a formula, quoted to CSV and XLSX."""
    build(project)
    with project.transaction() as c:
        c.execute("UPDATE segments SET text = ? WHERE id = ?", ("=HYPERLINK(\"http://x\")", seg(project, "r1", "fraga_2a")))
    r = cli("quotes", "--code", "f2a_rutiner", "--format", "csv")
    assert r.exit_code == 0, r.output
    texts = [row[-1] for row in csv.reader(io.StringIO(r.output), delimiter=";")]
    assert "'=HYPERLINK(\"http://x\")" in texts
    out = tmp_path / "q.xlsx"
    cli("quotes", "--code", "f2a_rutiner", "--format", "xlsx", "-o", str(out))
    from openpyxl import load_workbook
    cells = [c for row in load_workbook(out).worksheets[0].iter_rows() for c in row]
    hit = [c for c in cells if c.value == "=HYPERLINK(\"http://x\")"]
    assert hit and all(c.data_type == "s" for c in hit)


def test_xlsx_drops_control_characters(tmp_path: Path) -> None:
    """openpyxl refuses a control character; a quote pasted from a PDF can hold one."""
    from openpyxl import load_workbook
    out = tmp_path / "c.xlsx"
    emit("xlsx", str(out), tables=[Table("t", ["text"], [["a\x01b\x0bc"]])])
    assert load_workbook(out).worksheets[0]["A4"].value == "abc"


def test_terminal_table_shows_brackets_as_typed() -> None:
    """Rich markup is off: "[/b]" in a quote is text, not a closing tag (which would raise)."""
    text = render_text("table", tables=[Table("[b]t[/b]", ["x"], [["[/b] see [1] :x:"]])])
    assert "[/b] see [1] :x:" in text and "[b]t[/b]" in text


# ----------------------------------------------------------------------------- HTML stays text

def test_markdown_escapes_html() -> None:
    t = Table("<b>title</b>", ["<i>col</i>"], [["<script>alert(1)</script>"], ["a | b & c"]], note="<img src=x>")
    md = render_text("md", tables=[t])
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "### &lt;b&gt;title&lt;/b&gt;" in md and "| &lt;i&gt;col&lt;/i&gt; |" in md
    assert "&lt;img src=x&gt;" in md and "a \\| b &amp; c" in md


def test_report_index_escapes_html(project: Project, cli, tmp_path: Path) -> None:
    build(project)
    with project.transaction() as c:
        c.execute("UPDATE attributes SET value = '<script>alert(1)</script>' "
                  "WHERE name = 'verksamhet' AND value = 'Ek'")
    out = tmp_path / "rapport"
    r = cli("report", "-o", str(out))
    assert r.exit_code == 0, r.output
    for name in ("index.md", "index.html", "enkatsvar_per_verksamhet.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert "<script>" not in text, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, name
