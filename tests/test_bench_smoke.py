"""The benchmark harness keeps working: a smoke run of its cheapest stages exits 0 and writes
its report (no thresholds: timings on CI machines mean nothing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke_runs_and_writes_its_report(tmp_path):
    md, js = tmp_path / "BENCH.md", tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--smoke", "--only", "import_survey",
                           "tally", "choices", "--md", str(md), "--json", str(js)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(js.read_text(encoding="utf-8"))
    assert {r["stage"] for r in results} == {"import_survey", "tally", "choices"}
    assert all("error" not in r and r["seconds"] > 0 and r["rss_mb"] > 0 for r in results)
    text = md.read_text(encoding="utf-8")
    assert "| import_survey | 1,000 |" in text and "| tally | 1,000 |" in text
