"""The tally and report packages as their callers see them: one idea per module, and the names
callers use reachable from ``qualcode.tally`` and ``qualcode.report.formats``.

tests/test_layering.py checks the whole package (no cycles, click only in the CLI, no private
cross-imports, functions under 60 lines); this adds the tighter module size of these folders.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p for pkg in ("tally", "report") for p in (ROOT / "qualcode" / pkg).rglob("*.py"))
MAX_MODULE_LINES = 400


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_module_is_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


def test_the_big_files_are_gone() -> None:
    assert not (ROOT / "qualcode" / "tally" / "core.py").exists()
    assert not (ROOT / "qualcode" / "report" / "formats.py").exists()


def test_tally_api() -> None:
    from qualcode import tally
    for name in tally.__all__:
        assert hasattr(tally, name), name
    # the functions, not the modules of the same name, are what callers get
    for name in ("presence", "mentions", "choice", "crosstab", "quotes", "labels"):
        assert callable(getattr(tally, name)), name


def test_formats_api() -> None:
    from qualcode.report import formats
    for name in ("Table", "emit", "render_text", "markdown_table", "write_xlsx", "write_docx", "TEXT_FORMATS",
                 "FILE_FORMATS", "FORMATS", "looks_like_formula"):
        assert hasattr(formats, name), name
