"""Hostile input, one class at a time, through the CLI: one clear error line, exit 1, no
traceback, and the project file byte for byte as before. What must still work (a sheet that
only claims to be huge, a cell of any length, cp1252 and UTF-16 text) is checked beside it."""

from __future__ import annotations

import gc
import hashlib
import io
import os
import signal
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import CODEBOOK

NOTE_BODY = "# Intervju\n\nLönen är för låg. Lokalerna är trånga.\n"


def db_hash(db: Path) -> str:
    """The project file's bytes (and its WAL's). Connections left open by earlier in-process CLI
    runs are closed first, since closing one checkpoints the WAL into the file at a GC's whim."""
    gc.collect()
    h = hashlib.sha256()
    for p in (db, Path(f"{db}-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def proj(cli, project_path: Path, tmp_path: Path) -> Path:
    """A project holding one note, so that 'unchanged' means something."""
    assert cli("init", "--codebook", str(CODEBOOK)).exit_code == 0
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "n0.md").write_text("---\nid: n0\n---\n" + NOTE_BODY, encoding="utf-8")
    assert cli("import", "notes", str(seed)).exit_code == 0
    return project_path


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: a read that blocks (a FIFO) is the bug these tests look for."""
    def expire(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def refused(cli, db: Path, *args: str, words: str) -> str:
    before = db_hash(db)
    with deadline(10):
        r = cli(*args)
    out = r.output.lstrip("\n")  # suggest's progress display may leave an empty line before the error
    assert r.exit_code == 1, r.output
    assert out.startswith("Error: ") and out.count("\n") == 1, r.output
    assert words in out, r.output
    assert db_hash(db) == before
    return out


def note_folder(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return folder


def front(yaml_text: str) -> bytes:
    return ("---\n" + yaml_text + "---\n" + NOTE_BODY).encode("utf-8")


BOMB_YAML = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefg", "bcdefgh"))


@pytest.mark.parametrize("yaml_text, line, words", [
    (BOMB_YAML, 7, "expands to more than"),
    ("id: x\nr: &r [*r]\n", 3, "alias *r refers to itself"),
    ("id: x\nr: " + "[" * 40 + "]" * 40 + "\n", 3, "nested more than 20 levels"),
    ("id: x\n2017: vt\n", 3, "key '2017' is read as a number"),
    ("id: x\nr: !!python/object/apply:os.system [ls]\n", 3, "tag '!!python/object/apply:os.system' is not allowed"),
    ("id: x\nr: !!binary aGVq\n", 3, "tag '!!binary' is not allowed"),
    ('id: x\nr: "a\\x07b"\n', 3, "control character U+0007 in a value"),
    ("id: x\nr: " + "x" * 10_001 + "\n", 3, "longer than 10000 characters"),
    ("id: x\nround: vt\nround: ht\n", 4, "duplicate key 'round' (first on line 3)"),
])
def test_hostile_front_matter_is_one_line_with_file_and_line(cli, proj: Path, tmp_path: Path, yaml_text, line, words):
    folder = note_folder(tmp_path, "n1.md", front(yaml_text))
    out = refused(cli, proj, "import", "notes", str(folder), words=words)
    assert f"n1.md:{line}: front matter: " in out


@pytest.mark.parametrize("yaml_text, words", [
    ("id: [a, b]\n", "the note's id must be one value, not a list"),
    ("id: {a: b}\n", "the note's id must be one value, not a mapping"),
    ("id: x\nverksamhet: [[a], b]\n", "attribute 'verksamhet' holds a list or mapping inside a list"),
    ("id: x\nverksamhet: {a: b}\n", "attribute 'verksamhet' is a mapping"),
])
def test_note_id_or_attribute_of_the_wrong_shape_is_refused(cli, proj: Path, tmp_path: Path, yaml_text, words):
    refused(cli, proj, "import", "notes", str(note_folder(tmp_path, "n1.md", front(yaml_text))), words=words)


GOOD = """\
name: t
groups:
  tema: {label: Teman}
codes:
  - id: a
    group: tema
    label: A
  - id: b
    group: tema
    label: B
    patterns:
      - lemma: lön
"""


@pytest.mark.parametrize("change, line, words", [
    (("label: B\n", "label: B\n    parent: [a]\n"), 8, "code 'b': parent must be one code id, not a list"),
    (("label: B\n", "label: [B]\n"), 8, "code 'b': label must be text, not a list"),
    (("name: t\n", "name: t\nx: &x [1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 8)}]\n" for a, b in zip("xyzuvw", "yzuvwq"))), 7, "expands to more than"),
    (("label: A\n", "label: !!binary QQ==\n"), 7, "tag '!!binary' is not allowed"),
    (("label: B\n", "label: B\n    pattern: [lön]\n"), 8, "unknown key 'pattern'"),
    (("- lemma: lön", "- regex: '(a+)+$'"), 12, "exponential time"),
    (("- lemma: lön", "- regex: '(?:lön|löne)*x'"), 12, "exponential time"),
    (("- lemma: lön", "- matcher: [{POS: NOUN}]"), 12, "bad matcher pattern ([E155]"),
    (("- lemma: lön", "- matcher: [{LOWER: a, OP: '{1000000000}'}]"), 12, "repeats more than 10 times"),
    (("- lemma: lön", "- matcher: [{LOWER: {REGEX: '(a|b)+$'}}]"), 12, "exponential time"),
])
def test_hostile_codebook_is_refused_by_validate_and_load_alike(cli, proj: Path, tmp_path: Path, change, line, words):
    f = tmp_path / "cb.yaml"
    f.write_text(GOOD.replace(*change), encoding="utf-8")
    validate = refused(cli, proj, "codebook", "validate", str(f), words=words)
    assert f"cb.yaml:{line}: " in validate
    assert refused(cli, proj, "codebook", "load", str(f), words=words) == validate


def test_suggest_refuses_an_edited_codebook_exactly_as_validate_does(cli, project_path: Path, tmp_path: Path):
    f = tmp_path / "cb.yaml"
    f.write_text(GOOD.replace("- lemma: lön", "- matcher: [{LOWER: lönen}, {IS_PUNCT: true, OP: '?'}]"),
                 encoding="utf-8")
    assert cli("codebook", "validate", str(f)).exit_code == 0
    assert cli("init", "--codebook", str(f)).exit_code == 0
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.md").write_text("Lönen är låg.\n", encoding="utf-8")
    assert cli("import", "notes", str(tmp_path / "in")).exit_code == 0
    assert cli("suggest").exit_code == 0
    f.write_text(GOOD.replace("- lemma: lön", "- matcher: [{POS: NOUN}]"), encoding="utf-8")
    validate = refused(cli, project_path, "codebook", "validate", str(f), words="bad matcher pattern")
    assert refused(cli, project_path, "suggest", words="bad matcher pattern") == validate


def office_file(path: Path, parts: dict[str, bytes]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def xlsx_parts(rows: list[list[str]]) -> dict[str, bytes]:
    from openpyxl import Workbook
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    z = zipfile.ZipFile(buf)
    return {n: z.read(n) for n in z.namelist()}


ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
               '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
SHEET = "xl/worksheets/sheet1.xml"


def _with_dtd(xml: bytes, dtd: str, entity: str) -> bytes:
    body = xml.decode("utf-8").split("?>", 1)[-1]
    return (dtd + body.replace("Lönen", entity, 1)).encode("utf-8")


@pytest.mark.parametrize("part, dtd, entity", [(SHEET, ENTITY_BOMB, "&c;"), (SHEET, XXE, "&x;"),
                                               ("xl/workbook.xml", XXE, "")])
def test_xlsx_with_entities_is_refused(cli, proj: Path, tmp_path: Path, part, dtd, entity):
    parts = xlsx_parts([["id", "q"], ["R1", "Lönen"]])
    parts[part] = _with_dtd(parts[part], dtd, entity)
    f = office_file(tmp_path / "s.xlsx", parts)
    refused(cli, proj, "import", "survey", str(f), "--id", "id", "--text", "q", words="declares a DTD or entities")


def test_xlsx_zip_bomb_and_rows_past_excels_limit_are_refused(cli, proj: Path, tmp_path: Path, monkeypatch):
    from qualcode.ingest import office_zip
    monkeypatch.setattr(office_zip, "MAX_UNPACKED_BYTES", 2 * 2**20)  # the real limit is 200 MB
    parts = xlsx_parts([["id", "q"], ["R1", "Lönen"]])
    bomb = office_file(tmp_path / "bomb.xlsx", {**parts, "xl/media/zeros.bin": bytes(3 * 2**20)})
    refused(cli, proj, "import", "survey", str(bomb), "--id", "id", "--text", "q", words="unpacks to 3 MB")
    far = dict(parts)
    far[SHEET] = far[SHEET].replace(b"</sheetData>", b'<row r="2000000"><c r="A2000000" t="inlineStr">'
                                                     b'<is><t>x</t></is></c></row></sheetData>')
    f = office_file(tmp_path / "far.xlsx", far)
    refused(cli, proj, "import", "survey", str(f), "--id", "id", "--text", "q", words="more than 1048576 rows")


def test_xlsx_claiming_the_whole_grid_reads_only_its_rows(cli, proj: Path, tmp_path: Path):
    parts = xlsx_parts([["id", "q"], ["R1", "Lönen"], ["R2", "Lokaler"]])
    sheet = parts[SHEET].decode("utf-8")
    start = sheet.index("<dimension ")
    parts[SHEET] = (sheet[:start] + '<dimension ref="A1:XFD1048576"/>' + sheet[sheet.index("/>", start) + 2:]).encode()
    f = office_file(tmp_path / "claim.xlsx", parts)
    with deadline(10):
        r = cli("import", "survey", str(f), "--id", "id", "--text", "q")
    assert r.exit_code == 0 and "2 nya" in r.output, r.output


@pytest.mark.parametrize("dtd, entity", [(ENTITY_BOMB, "&c;"), (XXE, "&x;")])
def test_docx_with_entities_is_refused(cli, proj: Path, tmp_path: Path, dtd, entity):
    import docx
    d = docx.Document()
    d.add_paragraph("Lönen är låg.")
    buf = io.BytesIO()
    d.save(buf)
    z = zipfile.ZipFile(buf)
    parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = _with_dtd(parts["word/document.xml"], dtd, entity)
    folder = tmp_path / "word"
    folder.mkdir()
    office_file(folder / "n.docx", parts)
    refused(cli, proj, "import", "notes", str(folder), words="declares a DTD or entities")


@pytest.mark.parametrize("content, words", [
    (b"id;q;x;x\nR1;a;b;c\n", "duplicate column name 'x' (columns 3 and 4)"),
    (b"id;q\nR1;a\x00b\n", "not a text file (a NUL byte at offset 9"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
    (b"id;q\nR1;a\x1bb\n", "control character U+001B on line 2"),
])
def test_csv_that_is_not_a_table_is_refused(cli, proj: Path, tmp_path: Path, content, words):
    f = tmp_path / "s.csv"
    f.write_bytes(content)
    refused(cli, proj, "import", "survey", str(f), "--id", "id", "--text", "q", words=words)


def test_csv_cell_of_any_length_imports(cli, proj: Path, tmp_path: Path):
    f = tmp_path / "long.csv"
    f.write_text("id;q\nR1;" + "lång " * 100_000 + "\n", encoding="utf-8")
    r = cli("import", "survey", str(f), "--id", "id", "--text", "q")
    assert r.exit_code == 0 and "1 nya" in r.output, r.output


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe" + "Lönen är låg.".encode("utf-16-le")[:-1], "broken UTF-16 text (truncated"),
    ("Lönen är låg. Väldigt låg.".encode() + b" \xe4 ", "not valid UTF-8: byte 0xe4 at offset 32 (line 1)"),
    (b"L\x81nen", "neither UTF-8 nor cp1252: byte 0x81 at offset 1"),
])
def test_text_in_no_single_encoding_is_refused(cli, proj: Path, tmp_path: Path, content, words):
    refused(cli, proj, "import", "notes", str(note_folder(tmp_path, "n1.md", content)), words=words)


@pytest.mark.parametrize("encode", [lambda t: t.encode("cp1252"), lambda t: b"\xef\xbb\xbf" + t.encode(),
                                    lambda t: b"\xff\xfe" + t.encode("utf-16-le")])
def test_whole_file_encodings_read_the_same_text(cli, proj: Path, tmp_path: Path, encode):
    assert cli("import", "notes", str(note_folder(tmp_path, "n1.md", encode("Lönen är låg. Ärendet."))))\
        .exit_code == 0
    r = cli("docs", "show", "n1", "--format", "json")
    assert '"Lönen är låg."' in r.output and '"Ärendet."' in r.output


def test_a_fifo_or_folder_instead_of_a_file_is_refused_without_hanging(cli, proj: Path, tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    os.mkfifo(folder / "x.md")
    refused(cli, proj, "import", "notes", str(folder), words="x.md: not a regular file (a FIFO)")
    os.mkfifo(tmp_path / "s.csv")
    refused(cli, proj, "import", "survey", str(tmp_path / "s.csv"), "--id", "id", words="not a regular file")
    (tmp_path / "d.csv").mkdir()
    refused(cli, proj, "import", "survey", str(tmp_path / "d.csv"), "--id", "id", words="d.csv")
    os.mkfifo(tmp_path / "cb.yaml")
    refused(cli, proj, "codebook", "load", str(tmp_path / "cb.yaml"), words="not a regular file")
