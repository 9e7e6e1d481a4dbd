"""Coding a selection: a quoted phrase, a span across two segments, removing it; tallies count spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode import spans
from qualcode.errors import QualcodeError

NOTE = """---
id: n1
round: vt2017
---
Lönen är för låg för alla. Vi har bytt lokaler två gånger i år.

- kontorslandskapet är stökigt
- lönen diskuteras ofta
"""


@pytest.fixture
def coded(project, tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n1.md").write_text(NOTE, encoding="utf-8")
    project.import_notes(folder)
    return project


def _presence(cli, code: str) -> int:
    out = json.loads(cli("tally", "presence", "--code", code, "--format", "json").output)
    return out["rows"][0]["documents"]


def test_a_quoted_phrase_is_coded_where_it_stands_and_counts(coded, cli) -> None:
    coded.close()
    r = cli("code", "n1", "lokaler", "--quote", "bytt lokaler", "--coder", "anna")
    assert r.exit_code == 0, r.output
    assert "'bytt lokaler'" in r.output
    assert _presence(cli, "lokaler") == 1
    from qualcode import Project
    with Project.open(coded.path) as p:
        [s] = spans.current_spans(p.conn, "n1")
        text = p.document("n1")["text"]
        assert text[s.start:s.end] == "bytt lokaler" and s.coder == "anna"


def test_an_ambiguous_quote_lists_the_candidates_with_offsets(coded, cli) -> None:
    coded.close()
    r = cli("code", "n1", "lon", "--quote", "ön", "--coder", "anna")
    assert r.exit_code == 1
    assert "occurs" in r.output or "occurs" in (r.stderr if hasattr(r, "stderr") else "")


def test_an_ambiguous_quote_is_refused_by_the_library(coded) -> None:
    with pytest.raises(QualcodeError, match=r"occurs 2 times.*notes \d+:\d+"):
        spans.find_quote(coded.conn, "n1", "önen")
    with pytest.raises(QualcodeError, match="does not occur"):
        spans.find_quote(coded.conn, "n1", "saknas helt")


def test_a_span_across_two_segments_codes_both_and_removal_takes_it_off(coded) -> None:
    text = coded.document("n1")["text"]
    a = text.index("för alla")
    b = text.index("två gånger") + len("två gånger")
    segs = spans.overlapping_segments(coded.conn, "n1", "notes", a, b)
    assert len(segs) == 2
    spans.add_span(coded, "n1", a, b, "Lokaler", "anna")       # a label is accepted where the id is
    coded_segs = {r[0] for r in coded.conn.execute("SELECT segment FROM codings WHERE code = 'lokaler'")}
    assert coded_segs == set(segs)
    spans.remove_span(coded, "n1", a, b, "lokaler", "anna")
    assert spans.current_spans(coded.conn, "n1") == []
    assert coded.conn.execute("SELECT COUNT(*) FROM codings WHERE code = 'lokaler'").fetchone()[0] == 0


def test_removing_a_span_keeps_a_coding_made_otherwise(coded) -> None:
    seg = coded.segments(doc="n1")[0]["segment"]
    from qualcode.review.decisions import code_segment
    code_segment(coded, seg, "lon", "anna")
    spans.add_span(coded, "n1", 0, 5, "lon", "anna")
    spans.remove_span(coded, "n1", 0, 5, "lon", "anna")
    assert coded.conn.execute("SELECT COUNT(*) FROM codings WHERE code = 'lon'").fetchone()[0] == 1


def test_remove_through_the_cli_and_bad_spans(coded, cli) -> None:
    coded.close()
    assert cli("code", "n1", "lon", "--span", "0:5", "--coder", "anna").exit_code == 0
    assert _presence(cli, "lon") == 1
    r = cli("code", "n1", "lon", "--span", "0:5", "--coder", "anna", "--remove")
    assert r.exit_code == 0 and "tog bort lon" in r.output
    assert cli("code", "n1", "lon", "--span", "0:5", "--coder", "anna", "--remove").exit_code == 1
    assert cli("code", "n1", "lon", "--span", "5:99999", "--coder", "anna").exit_code == 1
    assert cli("code", "nx", "lon", "--span", "0:5", "--coder", "anna").exit_code == 1


def test_the_segment_form_still_works(coded, cli) -> None:
    seg = coded.segments(doc="n1")[1]["segment"]
    coded.close()
    r = cli("code", str(seg), "lokaler", "--coder", "anna")
    assert r.exit_code == 0 and f"segment {seg}: kodade lokaler" in r.output
