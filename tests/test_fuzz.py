"""Seeded-random fuzz over every reader: notes (.md/.txt/.docx), survey (CSV/XLSX), codebook
YAML, and review sheets (through the CLI). Each generated input is a seed of one hostile class
(alias bombs, deep nesting, tags, control bytes, broken encodings, entity bombs, zip bombs,
catastrophic regexes …) or a valid file, mutated a few times at the byte or XML level.

For every input: no traceback (success or a one-line QualcodeError only), under 10 s, and on
refusal the project file is byte for byte as before. A codebook the loader accepts must also
compile into the rules ``suggest`` runs: ``codebook validate`` and ``suggest`` accept the same
codebooks. The seed is fixed, so a failure names an input that reproduces. Run with ``-s`` to
see the counts.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import random
import re
import signal
import time
import zipfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from qualcode import Project, QualcodeError
from qualcode.cli import main
from qualcode.codebook import load_codebook

from .conftest import CODEBOOK

SEED = 20240611
MAX_SECONDS = 10
MAX_INPUT = 1_500_000
COUNTS: Counter = Counter()
REASONS: Counter = Counter()  # (reader, the error without file, line and numbers)


# ----------------------------------------------------------------------------- running one case

def db_hash(db: Path, collect: bool = False) -> str:
    """The project file's bytes and its WAL's. ``collect``: first close connections that earlier
    in-process CLI runs left for the garbage collector (closing one checkpoints the WAL)."""
    if collect:
        gc.collect()
    h = hashlib.sha256()
    for p in (db, Path(f"{db}-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


@contextmanager
def deadline(seconds: int):
    def expire(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def attempt(reader: str, data: bytes, run: Callable[[], None], db: Path | None = None, collect: bool = False) -> None:
    """Run one case; anything but success or a one-line QualcodeError fails with the input shown."""
    before = db_hash(db, collect) if db is not None else None
    started = time.monotonic()
    try:
        with deadline(MAX_SECONDS):
            run()
        outcome = "accepted"
    except QualcodeError as e:
        outcome = "refused"
        assert "\n" not in str(e), f"{reader}: error of several lines {str(e)!r} for input {data[:300]!r}"
        REASONS[reader, re.sub(r"\d+", "N", str(e).removeprefix(f"{e.where}: " if e.where else "").split(" (")[0])[:70]] += 1
    except Exception as e:  # noqa: BLE001 - the point: report which input broke which reader
        raise AssertionError(f"{reader}: {type(e).__name__}: {e} for input {data[:300]!r}") from e
    took = time.monotonic() - started
    assert took < MAX_SECONDS, f"{reader}: {took:.1f} s for input {data[:300]!r}"
    if outcome == "refused" and db is not None:
        assert db_hash(db, collect) == before, f"{reader}: project changed by a refused input {data[:300]!r}"
    COUNTS[reader, outcome] += 1


def mutate(rnd: random.Random, data: bytes, words: list[bytes]) -> bytes:
    """One to four byte-level edits: flip, insert a hostile word, delete, repeat, truncate."""
    out = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        pos = rnd.randint(0, len(out))
        op = rnd.randrange(7)
        if op == 0 and out:
            out[min(pos, len(out) - 1)] = rnd.randrange(256)
        elif op == 1:
            out[pos:pos] = rnd.choice(words)
        elif op == 2:
            del out[pos:pos + rnd.randint(1, 40)]
        elif op == 3:
            out[pos:pos] = bytes(out[pos:pos + rnd.randint(1, 30)]) * rnd.randint(2, 200)
        elif op == 4 and rnd.random() < 0.3:
            del out[pos:]
        elif op == 5:
            out[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        else:
            out[pos:pos] = rnd.choice(words) * rnd.randint(2, 60)
    return bytes(out[:MAX_INPUT])


VALUES = [b"[a]", b"[[a]]", b"{x: 1}", b"'(a+)+$'", b"'(x|y)*'", b"!!binary QQ==", b"*a", b"&a x", b'"\\x07"', b"",
          b"null", b"yes", b"12", b"-3.5", b"2017-01-01", b"[{LOWER: a, OP: '+'}, {LOWER: b, OP: '*'}]",
          b"[{POS: NOUN}]", b"[{LOWER: {REGEX: '^a'}}]", b"[{LOWER: a, OP: '{99}'}]", b"x" * 10_001, b"'  '",
          b"b", b"a", b"tema", b"fokusomrade", "lön".encode(), "[lön, lokal]".encode(), b"1.5", b"0"]


def mutate_lines(rnd: random.Random, data: bytes) -> bytes:
    """A valid-looking edit: one ``key: value`` line gets another value, or a line is repeated or dropped."""
    lines = data.split(b"\n")
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randrange(len(lines))
        op = rnd.random()
        if op < 0.7 and b": " in lines[i]:
            lines[i] = lines[i].split(b": ", 1)[0] + b": " + rnd.choice(VALUES)
        elif op < 0.85:
            lines.insert(i, lines[i])
        else:
            del lines[i]
    return b"\n".join(lines)


def generate(rnd: random.Random, seeds: list[bytes], words: list[bytes], n: int) -> list[bytes]:
    """Every seed as it is, then mutants of random seeds up to ``n`` inputs."""
    return seeds + [mutate(rnd, rnd.choice(seeds), words) for _ in range(n - len(seeds))]


# ----------------------------------------------------------------------------- seeds

YAML_WORDS = [b"&a ", b"*a", b"&b [*a, *a, *a, *a]", b"!!python/object/apply:os.system [ls] ", b"!!binary ",
              b"!!set ", b"!foo ", b"[", b"]", b"{", b"}", b"? ", b": ", b"- ", b"<<: *a\n", b"1: x\n", b"yes: x\n",
              b"\n---\n", b"---", b"\x00", b"\x07", b"\t", b'"\\x07"', b'"\\u0085"', b"\xef\xbb\xbf", b"\xff\xfe",
              b"\xe4", b"\xc3", b"\x85", b"x" * 12_000, b"id: [a, b]\n", b"id: {a: 1}\n", b"\n  - [[[[[[[[[[[",
              b"'", b'"', b"#", b"|\n  ", b">\n  ", b"%YAML 1.1\n", b"\r", b"\r\n", b"  ", b"\n"]
TEXT_WORDS = YAML_WORDS + [b". ", b"... ", b"t.ex. ", b"bitr. ", b"\n\n", b"- ", b"* ", b"1. ", b"# ", b"\xe2\x80\xa6",
                           b"\xc3\xa5", b"\xe5", b"\x81", "Lönen. ".encode("cp1252")]
CSV_WORDS = [b";", b",", b"\t", b'"', b'""', b"\n", b"\r", b"\r\n", b"\x00", b"id", b"q", b"roll", b"#NULL!",
             b"\xff\xfe", b"\xef\xbb\xbf", b"\xe4", b"\x81", b"\xc3", b"x" * 140_000, b";;;;;;;;", b'"a\nb"',
             b"\x1b", b"\x7f"]
XML_WORDS = [b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
             b'<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&a;", b"&b;", b"&x;", b"<", b">", b"/>",
             b'<dimension ref="A1:XFD1048576"/>', b'<row r="1048577">', b'<c r="XFD5" t="inlineStr"><is><t>x</t></is></c>',
             b'<c r="ZZZZ9"><v>1</v></c>', b'<row r="99999999999">', b't="s"', b"<v>99999</v>", b"<v>1e309</v>",
             b"<v>-</v>", b'<c t="d"><v>x</v></c>', b"</row>", b"<row>", b'<si><t>x</t></si>', b"\x00", b"\xff",
             b'<w:p><w:r><w:t>x</w:t></w:r></w:p>', b"<w:tab/>", b'<w:br/>', b"</w:body>", b'xml:space="preserve"']

NOTE = """---
id: n1
round: vt2017
group: medarbetare
verksamhet: [äldre, barn och unga]
date: 2017-03-01
---
# Gruppintervju

Gruppen har fått två administratörer. De tar hand om fakturor, bl.a. avgifter.

Vi tog upp:
- lönen. Den är låg.
- lokalerna
"""
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefg", "bcdefgh"))


def note_seeds() -> list[bytes]:
    fm = lambda y: ("---\n" + y + "---\nLönen är låg. Lokalerna är trånga.\n").encode()  # noqa: E731
    return [NOTE.encode(), NOTE.encode("cp1252"), b"\xff\xfe" + NOTE.encode("utf-16-le"),
            (b"\xff\xfe" + NOTE.encode("utf-16-le"))[:-1], NOTE.encode() + b"\xe4", fm(BOMB), fm("id: &r [*r]\n"),
            fm("id: x\nr: " + "[" * 30 + "]" * 30 + "\n"), fm("id: x\n2017: vt\n"), fm("id: !!binary aGVq\n"),
            fm('id: x\nr: "a\\x07b"\n'), fm("id: x\nr: " + "x" * 10_001 + "\n"), fm("id: x\nr: a\nr: b\n"),
            fm("id: [a, b]\n"), fm("id: {a: b}\n"), fm("id: x\nr: [[a], b]\n"), fm("id: x\nr: {a: b}\n"),
            b"abc\x00def", ("Mening nummer ett. " * 3000).encode(), b"---\nid: x\n"]


def csv_seeds() -> list[bytes]:
    good = "id;roll;q\nR1;chef;Lönen är låg.\nR2;medarbetare;\nR3;chef;#NULL!\n"
    return [good.encode(), good.encode("cp1252"), b"\xef\xbb\xbf" + good.encode(), b"\xff\xfe" + good.encode("utf-16-le"),
            (b"\xff\xfe" + good.encode("utf-16-le"))[:-1], good.encode() + b"\xe4\n", b"id;roll;q;q\nR1;a;b;c\n",
            b"id;roll;q\nR1;a;b\x00c\n", ("id;roll;q\nR1;chef;" + "x" * 200_000 + "\n").encode(),
            b'id;roll;q\nR1;"chef;a\n', b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"", b"id,roll,q\nR1,chef,\"a\"\"b\"\n"]


def codebook_seeds() -> list[bytes]:
    good = (Path(__file__).parent / "test_hostile_inputs.py").read_text(encoding="utf-8") \
        .split('GOOD = """\\\n')[1].split('"""')[0]
    swaps = [("label: B\n", "label: B\n    parent: [a]\n"), ("label: B\n", "label: [B]\n"),
             ("- lemma: lön", "- regex: '(a+)+$'"), ("- lemma: lön", "- regex: '(?:x|y)*z'"),
             ("- lemma: lön", "- regex: '\\bgäng(et)?\\b'"), ("- lemma: lön", "- matcher: [{POS: NOUN}]"),
             ("- lemma: lön", "- matcher: [{LOWER: a, OP: '{1000000000}'}]"),
             ("- lemma: lön", "- matcher: [{LOWER: lönen}, {IS_PUNCT: true, OP: '?'}]"),
             ("- lemma: lön", "- matcher: [{LOWER: {REGEX: '^lö'}}, {LENGTH: {'>=': 2}}]"),
             ("- lemma: lön", "- phrase: '!!!'"), ("label: A\n", "label: A\n    parent: b\n"),
             ("name: t\n", "name: t\n" + BOMB), ("label: A\n", "label: !!python/object:os.system A\n"),
             ("label: B\n", "label: B\n    1: x\n"), ("label: B\n", "label: B\n    patterns: &p [lön]\n    exclude: *p\n")]
    return [good.encode()] + [good.replace(*s).encode() for s in swaps] + [CODEBOOK.read_bytes()]


# ----------------------------------------------------------------------------- office files

def _parts(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: z.read(n) for n in z.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def xlsx_template() -> dict[str, bytes]:
    from openpyxl import Workbook
    wb = Workbook()
    for row in (["id", "roll", "q"], ["R1", "chef", "Lönen är låg."], ["R2", "medarbetare", None], ["R3", 3, 2.5]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return _parts(buf.getvalue())


def docx_template() -> dict[str, bytes]:
    import docx
    d = docx.Document()
    d.add_paragraph("Lönen är låg. Lokalerna är trånga.")
    d.add_paragraph("- mentorer")
    buf = io.BytesIO()
    d.save(buf)
    return _parts(buf.getvalue())


def office_inputs(rnd: random.Random, parts: dict[str, bytes], main_part: str, n: int) -> list[bytes]:
    """Mutate the main XML part (most cases), another part, or the zip's own bytes."""
    out = [_zip(parts)]
    while len(out) < n:
        p = dict(parts)
        roll = rnd.random()
        if roll < 0.1:
            out.append(mutate(rnd, out[0], XML_WORDS))
            continue
        name = main_part if roll < 0.75 else rnd.choice(sorted(p))
        p[name] = mutate(rnd, p[name], XML_WORDS)
        if rnd.random() < 0.05:
            p["zeros.bin"] = bytes(rnd.randint(1, 4) * 2**20)
        out.append(_zip(p))
    return out


# ----------------------------------------------------------------------------- the tests

@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    p = Project.init(folder / "fuzz.db", CODEBOOK)
    (folder / "seed").mkdir()
    (folder / "seed" / "s.md").write_text("---\nid: seed\n---\nLönen är låg. Lokalerna är trånga.\n", encoding="utf-8")
    p.import_notes(folder / "seed")
    p.close()
    return folder / "fuzz.db"


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    for (reader, outcome), n in sorted(COUNTS.items()):
        print(f"\nfuzz {reader:14} {outcome:9} {n:5}", end="")
        if outcome == "refused":
            for (r, why), k in sorted(REASONS.items(), key=lambda x: -x[1]):
                if r == reader and k > 1:
                    print(f"\n    {k:4}  {why}", end="")
    print(f"\nfuzz total {sum(COUNTS.values())} generated inputs run")


def test_fuzz_notes_text(fuzz_project: Path, tmp_path: Path):
    rnd = random.Random(SEED)
    p = Project.open(fuzz_project)
    for i, data in enumerate(generate(rnd, note_seeds(), TEXT_WORDS, 380)):
        folder = tmp_path / f"n{i}"
        folder.mkdir()
        name = "note.md" if i % 3 else "note.txt"
        kind = rnd.random()
        if kind < 0.02:
            os.mkfifo(folder / name)
        elif kind < 0.03:
            (folder / name).mkdir()
            (folder / name / "inner.md").write_bytes(data)
        else:
            (folder / name).write_bytes(data)
        attempt("notes .md/.txt", data, lambda folder=folder: p.import_notes(folder, confirm=True), fuzz_project)
    p.close()


def test_fuzz_notes_docx(fuzz_project: Path, tmp_path: Path):
    rnd = random.Random(SEED + 1)
    p = Project.open(fuzz_project)
    for i, data in enumerate(office_inputs(rnd, docx_template(), "word/document.xml", 80)):
        folder = tmp_path / f"d{i}"
        folder.mkdir()
        (folder / "note.docx").write_bytes(data)
        attempt("notes .docx", data, lambda folder=folder: p.import_notes(folder, confirm=True), fuzz_project)
    p.close()


def test_fuzz_survey_csv(fuzz_project: Path, tmp_path: Path):
    rnd = random.Random(SEED + 2)
    p = Project.open(fuzz_project)
    for i, data in enumerate(generate(rnd, csv_seeds(), CSV_WORDS, 300)):
        f = tmp_path / f"s{i}.csv"
        f.write_bytes(data)
        attempt("survey CSV", data, lambda f=f: p.import_survey(f, id_column="id", attributes=["roll"], texts=["q"], confirm=True),
                fuzz_project)
    p.close()


def test_fuzz_survey_xlsx(fuzz_project: Path, tmp_path: Path):
    rnd = random.Random(SEED + 3)
    p = Project.open(fuzz_project)
    for i, data in enumerate(office_inputs(rnd, xlsx_template(), "xl/worksheets/sheet1.xml", 150)):
        f = tmp_path / f"s{i}.xlsx"
        f.write_bytes(data)
        attempt("survey XLSX", data, lambda f=f: p.import_survey(f, id_column="id", attributes=["roll"], texts=["q"], confirm=True),
                fuzz_project)
    p.close()


def test_fuzz_codebook_yaml(tmp_path: Path):
    """Through ``load_codebook`` (what ``codebook validate`` runs); an accepted codebook must also
    compile into rules, and every tenth input goes through ``Project.load_codebook`` (on a project
    of its own: an accepted one becomes that project's codebook)."""
    from qualcode.suggest.rules import RuleSet
    rnd = random.Random(SEED + 4)
    db = tmp_path / "codebooks.db"
    p = Project.init(db, CODEBOOK)
    seeds = codebook_seeds()
    inputs = generate(rnd, seeds, YAML_WORDS, 150)
    inputs += [mutate_lines(rnd, rnd.choice(seeds)) for _ in range(150)]
    for i, data in enumerate(inputs):
        f = tmp_path / f"cb{i}.yaml"
        f.write_bytes(data)

        def run(f: Path = f, i: int = i) -> None:
            RuleSet(load_codebook(f))
            if i % 10 == 0:
                p.load_codebook(f)
        attempt("codebook YAML", data, run, db if i % 10 == 0 else None)
    p.close()


def test_fuzz_review_sheet_through_the_cli(fuzz_project: Path, tmp_path: Path):
    rnd = random.Random(SEED + 5)
    with Project.open(fuzz_project) as p:
        seg = p.segments()[0]["segment"]
    good = f"segment,code,verdict,coder,note\n{seg},lon,accept,anna,\n{seg},lokaler,reject,anna,ok\n"
    seeds = [good.encode(), good.encode("cp1252"), good.encode() + b"\x00", good.encode() + b"x" * 200_000,
             good.replace("anna", "\x81nna").encode("latin-1"), b"segment,segment,code\n1,2,lon\n",
             (b"\xff\xfe" + good.encode("utf-16-le"))[:-1]]
    runner = CliRunner()
    for i, data in enumerate(generate(rnd, seeds, CSV_WORDS, 60)):
        f = tmp_path / f"r{i}.csv"
        f.write_bytes(data)

        def run(f: Path = f) -> None:
            r = runner.invoke(main, ["--project", str(fuzz_project), "review", "import", str(f)])
            if r.exit_code != 0 and not (r.exit_code == 1 and isinstance(r.exception, SystemExit)):
                raise r.exception or AssertionError(r.output)
            if r.exit_code == 1:
                assert r.output.lstrip("\n").startswith("Error: ") and r.output.strip().count("\n") == 0, r.output
                message = r.output.strip().removeprefix("Error: ")
                raise QualcodeError(message.removeprefix(f"{f}: "), where=str(f))
        attempt("review CSV", data, run, fuzz_project, collect=True)
