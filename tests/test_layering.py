"""The package's structure as a contract: folders follow the data flow, imports only run downhill.

The import graph is read from the source (imports inside functions included, since those are
the ones that hide cycles), so a new cycle fails here before anyone notices it at run time.
What a library user pays for an import is checked in a fresh interpreter, in the manner of
click's own import test.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qualcode"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in its body)."""
    modules = {module_name(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != mod and t.startswith(root.name):
                    graph[mod].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), ignoring the edges from a
    package's __init__ to its own submodules (a package that registers its parts)."""
    edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_a_cycle_introduced_on_purpose_is_found(tmp_path: Path) -> None:
    copy = tmp_path / "qualcode"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "tally" / "zz_cycle.py").write_text("from qualcode.fields import field_groups\n", encoding="utf-8")
    fields = copy / "fields.py"
    fields.write_text(fields.read_text(encoding="utf-8") + "\n\ndef _late():\n    from qualcode.tally import zz_cycle\n",
                      encoding="utf-8")
    assert ["qualcode.fields", "qualcode.tally.zz_cycle"] in cycles(import_graph(copy))


def test_only_the_cli_imports_click() -> None:
    offenders = sorted(mod for mod, names in _third_party_imports() if "click" in names
                       and not mod.startswith("qualcode.cli"))
    assert offenders == []


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qualcode"):
                offenders += [f"{path.relative_to(PACKAGE)}: {a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert offenders == []


def test_modules_and_functions_stay_small() -> None:
    big_modules, big_functions = [], []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            big_modules.append(f"{path.relative_to(PACKAGE)} ({text.count(chr(10))})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    big_functions.append(f"{path.relative_to(PACKAGE)}:{node.name} ({n})")
    assert big_modules == [] and big_functions == []


def _third_party_imports() -> list[tuple[str, set[str]]]:
    out = []
    for path in PACKAGE.rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names.add((node.module or "").split(".")[0])
        out.append((module_name(PACKAGE, path), names))
    return out


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("statement, must_not_load", [
    ("import qualcode", {"click", "sklearn", "matplotlib", "spacy", "qualcode.cli"}),
    ("import qualcode.tally", {"click", "sklearn", "matplotlib", "spacy", "qualcode.suggest", "qualcode.review",
                               "qualcode.cli"}),
    ("import qualcode.suggest.run", {"click", "sklearn", "matplotlib", "qualcode.tally", "qualcode.report",
                                     "qualcode.review", "qualcode.cli"}),
    ("import qualcode.review.decisions", {"click", "sklearn", "matplotlib", "spacy", "qualcode.suggest.run",
                                          "qualcode.cli"}),
])
def test_what_an_import_loads(statement: str, must_not_load: set[str]) -> None:
    """Each step loads what it needs and not the steps after it: ``import qualcode.tally`` must not
    pull in the CLI, scikit-learn or spaCy (an analyst counting codes pays for none of them)."""
    loaded = _loaded_after(statement)
    assert sorted(loaded & must_not_load) == []
