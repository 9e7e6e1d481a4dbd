"""A crosstab by an attribute with many values is printed on a terminal in parts that fit its
width (row labels repeated, each value's columns kept together, short headers and a legend),
never squeezed into one-letter columns; the files (CSV, XLSX, JSON) keep the one wide table."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from qualcode import Project
from qualcode import tally as T
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord
from qualcode.report.formats import Table
from qualcode.report.formats.table import parts, print_table
from qualcode.review.decisions import record

DISTRICTS = ["Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Liljeholmen", "Hässelby-Vällingby",
             "Kungsholmen", "Norrmalm", "Rinkeby-Kista", "Skarpnäck", "Skärholmen", "Spånga-Tensta", "Södermalm"]


@pytest.fixture
def districts(project: Project) -> Project:
    docs = []
    for i, sdf in enumerate(DISTRICTS):
        text = "Vi har fått en administratör."
        docs.append(DocumentRecord(f"i{i}", "interview", f"i{i}.md", {"sdf": sdf},
                                   [SegmentRecord("notes", 0, len(text), text)], text))
    project._import(ImportBatch("notes", docs, {"notes": ("notes", None)}))
    for i, s in enumerate(project.segments(field="notes")):
        record(project, s["segment"], "adm_stod_handlaggare" if i % 2 else "lokaler", "anna", "add")
    return project


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_wide_crosstab_prints_in_parts_that_fit_the_terminal(districts: Project, cli) -> None:
    out = cli("tally", "crosstab", "--by", "sdf", "--group", "fokusomrade").stdout   # not a terminal: 160 wide
    lines = _lines(out)
    assert max(len(line) for line in lines) <= 160
    titles = [line for line in lines if line.startswith("Korstabell")]
    assert len(titles) >= 2 and titles[0].endswith(f"(1/{len(titles)})")
    heads = [line for line in lines if line.startswith("┃ Nr")]
    assert len(heads) == len(titles) and all("┃ Kod" in h for h in heads)        # row labels in every part
    for sdf in DISTRICTS:                                                       # each name whole, once
        assert sum(f" {sdf} (n=1) " in h for h in heads) == 1, sdf
    assert all(h.count("Rad-%") == h.count("(n=") - ("Totalt" in h) for h in heads)   # a value's columns stay together
    assert out.count("Per värde: antal, % av kolumnens n, Rad-% av radens summa.") == 1
    assert out.count("ogranskade förslag") == 1 and out.index("ogranskade förslag") > out.rindex("┃ Nr")


def test_files_keep_the_one_wide_table(districts: Project, cli) -> None:
    text = cli("tally", "crosstab", "--by", "sdf", "--group", "fokusomrade", "-f", "csv").stdout
    head = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(head) == 2 + 3 * len(DISTRICTS) + 2 and "Bromma %" in head and "Bromma Rad-%" in head
    data = json.loads(cli("tally", "crosstab", "--by", "sdf", "--group", "fokusomrade", "-f", "json").stdout)
    assert len(data["columns"]) == len(DISTRICTS)


def test_english_short_headers_and_legend(districts: Project, cli) -> None:
    out = cli("--lang", "en", "tally", "crosstab", "--by", "sdf", "--group", "fokusomrade").stdout
    assert "Per value: count, % of the column's n, Row % of the row's total." in out
    assert "┃ Row % ┃" in out and "Bromma %" not in out


def test_a_narrow_terminal_gets_more_parts(districts: Project) -> None:
    table = T.crosstab_tables(T.crosstab(districts, by="sdf", groups=["fokusomrade"]), "sv")[0]
    buf = io.StringIO()
    console = Console(file=buf, width=80, markup=False, emoji=False)
    print_table(console, table)
    lines = _lines(buf.getvalue())
    assert max(len(line) for line in lines) <= 80
    assert len([line for line in lines if line.startswith("Korstabell")]) > len(parts(table, 160))


def test_a_table_that_fits_is_printed_as_before() -> None:
    t = Table("Liten", ["Kod", "vt2017 (n=5)", "vt2017 %"], [["Lön", 3, 60.0]])
    assert parts(t, 120) is None
    buf = io.StringIO()
    print_table(Console(file=buf, width=120, markup=False, emoji=False), t)
    assert "vt2017 %" in buf.getvalue() and "(1/" not in buf.getvalue()


def test_any_wide_table_splits_keeping_its_first_column() -> None:
    cols = ["Kod"] + [f"Kolumn nummer {i}" for i in range(20)]
    t = Table("Bred", cols, [["Lön"] + list(range(20))])
    split = parts(t, 100)
    assert split and all(p[0] == 0 for p in split) and sorted({i for p in split for i in p}) == list(range(21))
