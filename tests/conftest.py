"""Shared fixtures: a fresh project on the real codebook, a CLI runner bound to it, and the demo
pipeline's output, run once per session (it takes about 20 s) and shared by every module that
only reads it."""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"


@pytest.fixture(autouse=True)
def _language_of_the_run():
    """Every test starts in the default language: a CLI call with --lang sets it for the process."""
    import os
    from qualcode.i18n import set_language
    set_language(os.environ.get("QUALCODE_LANG") or "sv")
    yield
    set_language(os.environ.get("QUALCODE_LANG") or "sv")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def project(project_path: Path) -> Project:
    p = Project.init(project_path, CODEBOOK)
    yield p
    p.close()


@pytest.fixture
def cli(project_path: Path):
    """Invoke ``qualcode --project <tmp> ARGS``; returns click's Result."""
    from qualcode.cli import main
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, ["--project", str(project_path), *args], input=input, catch_exceptions=False)
    return run


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its SHA-256, to notice a test that changed the shared demo.
    SQLite's -shm index and an empty -wal (left by a connection still open) hold no data and are
    left out; a -wal with pages in it is a write and counts."""
    gc.collect()    # connections nobody closed (a CLI call's project) close and checkpoint here
    return {f.relative_to(folder).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*"))
            if f.is_file() and not f.name.endswith("-shm") and not (f.name.endswith("-wal") and not f.stat().st_size)}


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``qualcode demo --out`` wrote: qualcode.db, facit.csv and rapport/. Shared by the
    whole session, so read it only; a test that writes must work on ``demo_project_copy``. At the
    end of the session the folder must be byte for byte as the demo left it."""
    from qualcode.cli import main
    out = tmp_path_factory.mktemp("demo")
    r = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output[-3000:]
    assert "0 failed" in r.output
    before = _fingerprint(out)
    yield out
    after = _fingerprint(out)
    assert after == before, ("a test changed the shared demo output (use demo_project_copy to write): "
                             f"{sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))}")


@pytest.fixture
def demo_project_copy(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project for a test that writes to it. Copied through SQLite's
    backup, read-only on the source, so that a -wal beside the original is included and nothing
    is written beside the shared file."""
    src_path = demo_out / "qualcode.db"
    dst_path = tmp_path / "qualcode.db"
    mode = "mode=ro" if Path(f"{src_path}-wal").exists() else "immutable=1"
    src = sqlite3.connect(f"{src_path.resolve().as_uri()}?{mode}", uri=True)
    dst = sqlite3.connect(dst_path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return dst_path
