"""A real REFI-QDA client: the ``qualitative-coding`` package (qc), in a virtual environment of its own.

qc pins older rich and click, so it gets its own venv (made once per machine and kept in the
temp folder; spaCy and the other heavy packages are seen through a .pth to qualcode's venv, so
the set-up takes seconds). Round trip: qualcode export -> qc init --import -> qc export ->
qualcode import keeps codes, their hierarchy, the sources and the coded spans (qc codes whole
lines, so a span comes back as the lines holding it). The two project files in qc's wheel, one
written by NVivo and qc's demo, import with every code and coding and export again without
losing one. Part of the normal suite; skipped with a message only when qc cannot be installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner
from xml.etree import ElementTree as ET

from qualcode import Project, spans
from qualcode.cli import main

QC_VERSION = "1.7.8"
FIXTURES = Path(__file__).parent / "fixtures" / "refi"
NS = {"q": "urn:QDA-XML:project:1.0"}
NOTE = """---
id: n1
round: vt2017
---
Lönen är för låg för alla. Vi har bytt lokaler två gånger i år.

Kontorslandskapet är stökigt och det är svårt att koncentrera sig.
"""


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / "python"


@pytest.fixture(scope="module")
def qc() -> Path:
    """The qc command in its own venv (made once, reused while it works)."""
    venv = Path(tempfile.gettempdir()) / f"qualcode-test-qc-{QC_VERSION}"
    exe = venv / "bin" / "qc"
    if not exe.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
            vsp = subprocess.run([str(_venv_python(venv)), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip()
            # qualcode's packages (spaCy, numpy …) behind qc's own: qc's pins of rich and click win
            Path(vsp, "zz_qualcode_site.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
            subprocess.run([str(_venv_python(venv)), "-m", "pip", "install", "-q",
                            f"qualitative-coding=={QC_VERSION}"], check=True, capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError) as e:
            detail = getattr(e, "stderr", b"") or b""
            pytest.skip(f"qualitative-coding {QC_VERSION} cannot be installed in its own venv here "
                        f"({type(e).__name__}: {detail.decode(errors='replace').strip()[-200:]})")
    return exe


def _qc(qc: Path, cwd: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONBREAKPOINT": "0"}
    r = subprocess.run([str(qc), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]


def _shipped(qc: Path, rel: str) -> Path:
    out = subprocess.run([str(qc.parent / "python"), "-c", "import importlib.util as u; "
                          "print(u.find_spec('qualitative_coding').submodule_search_locations[0])"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()) / rel


def _qualcode(project: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def _counts(qdpx: Path) -> tuple[int, int]:
    root = ET.fromstring(zipfile.ZipFile(qdpx).read("project.qde"))
    codable = [c for c in root.findall(".//q:Code", NS) if c.get("isCodable") == "true"]
    return len(codable), len(root.findall(".//q:Coding", NS))


def _tree(p: Project) -> set[tuple[str, str | None]]:
    by_id = {c.id: c for c in p.codebook.codes}
    return {(c.label, by_id[c.parent].label if c.parent else None) for c in p.codebook.codes}


def test_round_trip_through_qc_keeps_codes_hierarchy_sources_and_spans(qc, tmp_path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n1.md").write_text(NOTE, encoding="utf-8")
    with Project.init(tmp_path / "a.db", Path(__file__).parent.parent / "codebooks" / "handlingsplan.yaml") as p:
        p.import_notes(tmp_path / "notes")
        text = p.document("n1")["text"]
        a = text.index("bytt lokaler")
        spans.add_span(p, "n1", a, a + 12, "lokaler", "anna")
        spans.add_span(p, "n1", text.index("Kontors"), text.index("svårt"), "arbetsbelastning", "bo")
        original = [(s.start, s.end, p.codebook.get(s.code).label, s.coder) for s in spans.current_spans(p.conn)]
        groups = {g.label for g in p.codebook.groups.values()}
        by_id = {c.id: c for c in p.codebook.codes}
        tree = {(c.label, by_id[c.parent].label if c.parent else p.codebook.groups[c.group].label)
                for c in p.codebook.codes}
    assert _qualcode(tmp_path / "a.db", "export", "qdpx", str(tmp_path / "a.qdpx")).exit_code == 0
    (tmp_path / "qcproj").mkdir()
    _qc(qc, tmp_path / "qcproj", "init", "--import", str(tmp_path / "a.qdpx"))
    _qc(qc, tmp_path / "qcproj", "export", str(tmp_path / "qc.qdpx"))
    r = _qualcode(tmp_path / "b.db", "import", "qdpx", str(tmp_path / "qc.qdpx"))
    assert r.exit_code == 0, r.output
    with Project.open(tmp_path / "b.db") as p:
        back = _tree(p)
        assert {lab for lab, _ in back} == {lab for lab, _ in tree} | groups        # groups come back as codes
        assert tree <= back                                                        # every code under its parent
        [doc] = p.documents()
        assert Path(doc["id"]).stem == "n1" and p.document(doc["id"])["text"] == text
        got = [(s.start, s.end, p.codebook.get(s.code).label, s.coder) for s in spans.current_spans(p.conn)]
    for a, b, label, coder in original:       # qc codes lines: each span comes back inside a coded line
        assert any(x <= a and b <= y and lab == label and c == coder for x, y, lab, c in got), (a, b, label, got)


@pytest.mark.parametrize("shipped", ["qualitative_coding/demo.qdpx", "qualitative_coding/refi_qda/nvivo_project.qdpx"])
def test_files_written_by_qc_and_nvivo_import_and_export_without_loss(qc, tmp_path, shipped) -> None:
    src = _shipped(qc, shipped.split("/", 1)[1])
    r = _qualcode(tmp_path / "p.db", "import", "qdpx", str(src))
    assert r.exit_code == 0, r.output
    n_codes, n_codings = _counts(src)
    with Project.open(tmp_path / "p.db") as p:
        assert len(p.codebook.codes) == n_codes
        assert len(spans.current_spans(p.conn)) == n_codings
        texts = [p.document(d["id"])["text"] for d in p.documents()]
        assert len(texts) == 2
        if "demo" in shipped:           # NVivo's two sources are empty, in the .txt and the .docx alike
            assert sorted(map(len, texts)) == sorted(len(zipfile.ZipFile(src).read(f"sources/{n}").decode("utf-8"))
                                                     for n in ("board_2017.txt", "admin-1.txt"))
    assert _qualcode(tmp_path / "p.db", "export", "qdpx", str(tmp_path / "again.qdpx")).exit_code == 0
    xmlschema.XMLSchema(str(FIXTURES / "project.xsd")).validate(zipfile.ZipFile(tmp_path / "again.qdpx").read("project.qde"))
    assert _counts(tmp_path / "again.qdpx") == (n_codes, n_codings)
