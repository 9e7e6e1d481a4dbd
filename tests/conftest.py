"""Shared fixtures: a fresh project on the real codebook, and a CLI runner bound to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import Project

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "codebooks" / "handlingsplan.yaml"
CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"


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
