"""REFI-QDA exchange: schema-valid exports with exact offsets, stable GUIDs, a qualcode round trip,
codebooks with Sets, and bad files refused with one line and nothing left behind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema
from xml.etree import ElementTree as ET

from qualcode import Project, spans
from qualcode.review.decisions import code_segment

FIXTURES = Path(__file__).parent / "fixtures" / "refi"
NS = {"q": "urn:QDA-XML:project:1.0"}
NOTE = ("---\r\nid: n1\r\nround: vt2017\r\nsdf: Älvsjö\r\n---\r\nLönen är för låg för alla 😀. Vi har bytt lokaler "
        "två gånger i år.\r\n\r\n- kontorslandskapet är stökigt 👎\r\n- löneöversynen drar ut på tiden\r\n")


@pytest.fixture(scope="module")
def schemas():
    return xmlschema.XMLSchema(str(FIXTURES / "project.xsd")), xmlschema.XMLSchema(str(FIXTURES / "codebook.xsd"))


@pytest.fixture
def coded(project, tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "n1.md").write_bytes(NOTE.encode("utf-8"))
    project.import_notes(folder)
    text = project.document("n1")["text"]
    a = text.index("bytt lokaler")
    spans.add_span(project, "n1", a, a + len("bytt lokaler"), "lokaler", "anna")
    spans.add_span(project, "n1", text.index("😀"), text.index("stökigt") + 7, "arbetsbelastning", "anna")
    code_segment(project, project.segments(doc="n1")[-1]["segment"], "lon", "bo")
    return project


def _qde(path: Path) -> tuple[bytes, zipfile.ZipFile]:
    zf = zipfile.ZipFile(path)
    return zf.read("project.qde"), zf


def test_export_is_schema_valid_with_exact_code_point_offsets(coded, cli, tmp_path, schemas) -> None:
    text = coded.document("n1")["text"]
    coded.close()
    out = tmp_path / "p.qdpx"
    r = cli("export", "qdpx", str(out))
    assert r.exit_code == 0 and "3 codings" in r.output
    data, zf = _qde(out)
    schemas[0].validate(data)
    root = ET.fromstring(data)
    src = root.find(".//q:TextSource", NS)
    plain = zf.read("sources/" + src.get("plainTextPath").split("//")[1]).decode("utf-8")
    assert plain == text and "😀" in plain      # (the notes reader turns CRLF into LF; see the import test)
    got = {plain[int(s.get("startPosition")):int(s.get("endPosition"))] for s in src.findall("q:PlainTextSelection", NS)}
    assert "bytt lokaler" in got and any(g.startswith("😀") and g.endswith("stökigt") for g in got)
    assert "löneöversynen drar ut på tiden" in got
    case_values = {v.find("q:TextValue", NS).text for v in root.findall(".//q:Case/q:VariableValue", NS)}
    assert {"vt2017", "Älvsjö"} <= case_values
    groups = [c for c in root.find(".//q:Codes", NS) if c.get("isCodable") == "false"]
    assert groups and all(len(g.findall("q:Code", NS)) for g in groups)


def test_guids_are_stable_across_exports_and_the_codebook_validates(coded, cli, tmp_path, schemas) -> None:
    coded.close()
    cli("export", "qdpx", str(tmp_path / "a.qdpx"))
    cli("export", "qdpx", str(tmp_path / "b.qdpx"))
    assert _qde(tmp_path / "a.qdpx")[0] == _qde(tmp_path / "b.qdpx")[0]
    assert cli("export", "qdc", str(tmp_path / "c.qdc")).exit_code == 0
    schemas[1].validate(str(tmp_path / "c.qdc"))


def test_qualcode_round_trip_keeps_ids_groups_and_spans(coded, cli, tmp_path) -> None:
    before = {(s.start, s.end, s.code, s.coder) for s in spans.current_spans(coded.conn)}
    seg = coded.segments(doc="n1")[-1]
    before.add((seg["start"], seg["end"], "lon", "bo"))
    groups = {c.id: (c.group, c.parent) for c in coded.codebook.codes}
    coded.close()
    cli("export", "qdpx", str(tmp_path / "p.qdpx"))
    from qualcode.cli import main
    from click.testing import CliRunner
    r = CliRunner().invoke(main, ["--project", str(tmp_path / "back.db"), "import", "qdpx", str(tmp_path / "p.qdpx")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "back.yaml").is_file()
    with Project.open(tmp_path / "back.db") as p:
        assert {c.id: (c.group, c.parent) for c in p.codebook.codes} == groups
        assert {(s.start, s.end, s.code, s.coder) for s in spans.current_spans(p.conn)} == before
        assert p.document("n1")["attributes"]["sdf"] == "Älvsjö"
        assert p.conn.execute("SELECT COUNT(*) FROM codings WHERE code = 'lokaler' AND coder = 'anna'").fetchone()[0]


ATLAS_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti Win 23.4.0">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Lön och villkor" color="#46AA00" isCodable="true">
      <Description>Om lönen</Description>
    </Code>
    <Code guid="2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Lokaler" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="3FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Arbetsmiljö">
      <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"/>
      <MemberCode guid="2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_a_codebook_with_sets_becomes_groups(cli, tmp_path) -> None:
    (tmp_path / "a.qdc").write_text(ATLAS_QDC, encoding="utf-8")
    r = cli("import", "qdc", str(tmp_path / "a.qdc"), "-o", str(tmp_path / "cb.yaml"))
    assert r.exit_code == 0, r.output
    assert "colours" in r.output
    from qualcode.codebook import load_codebook
    cb = load_codebook(tmp_path / "cb.yaml")
    assert {c.id: c.group for c in cb.codes} == {"lon_och_villkor": "arbetsmiljo", "lokaler": "arbetsmiljo"}
    assert cb.get("lon_och_villkor").description == "Om lönen"


def _zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


QDE = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x">\n'
       '<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="A" isCodable="true"/></Codes>'
       '</CodeBook>\n<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" name="s1" '
       'plainTextPath="internal://s1.txt">{sel}</TextSource></Sources>\n</Project>')
SEL = ('<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="{a}" endPosition="{b}">'
       '<Coding guid="44444444-4444-4444-4444-444444444444"><CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/>'
       '</Coding></PlainTextSelection>')
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>')


@pytest.mark.parametrize("name, entries, message", [
    ("not a zip", None, "not one"),
    ("schema", {"project.qde": QDE.replace('isCodable="true"', 'isCodable="maybe"').format(sel=""),
                "sources/s1.txt": "Hej"}, "schema: line 3"),
    ("zip slip", {"project.qde": QDE.format(sel=""), "../evil.txt": "x"}, "outside the archive"),
    ("entity bomb", {"project.qde": BOMB}, "DTD or entities"),
    ("missing source", {"project.qde": QDE.format(sel="")}, "not in the archive"),
    ("offsets", {"project.qde": QDE.format(sel=SEL.format(a=2, b=99)), "sources/s1.txt": "Hej då"},
     "outside its text"),
])
def test_bad_files_are_refused_with_one_line_and_nothing_left(cli, tmp_path, project_path, name, entries,
                                                               message) -> None:
    f = tmp_path / "bad.qdpx"
    if entries is None:
        f.write_text("just text", encoding="utf-8")
    else:
        _zip(f, entries)
    r = cli("import", "qdpx", str(f))
    assert r.exit_code == 1
    err = r.output.strip()
    assert message in err and len(err.splitlines()) == 1, err
    assert not project_path.exists() and not project_path.with_suffix(".yaml").exists()


def test_a_good_small_file_imports_with_coders_and_spans(cli, tmp_path, project_path) -> None:
    text = "Hej\r\nå 😀 där"          # CRLF, å and an emoji before the coded words: code points count
    a = text.index("där")
    f = _zip(tmp_path / "ok.qdpx", {"project.qde": QDE.format(sel=SEL.format(a=a, b=a + 3)),
                                    "sources/s1.txt": text.encode("utf-8")})
    r = cli("import", "qdpx", str(f))
    assert r.exit_code == 0, r.output
    with Project.open(project_path) as p:
        [s] = spans.current_spans(p.conn)
        assert (s.doc, s.start, s.end, s.code, s.coder) == ("s1", a, a + 3, "a", "refi")
        assert p.document("s1")["text"][s.start:s.end] == "där"
    r = cli("export", "qdpx", str(tmp_path / "again.qdpx"))
    data = zipfile.ZipFile(tmp_path / "again.qdpx").read("project.qde")
    sel = ET.fromstring(data).find(".//q:PlainTextSelection", NS)
    assert (int(sel.get("startPosition")), int(sel.get("endPosition"))) == (a, a + 3)
