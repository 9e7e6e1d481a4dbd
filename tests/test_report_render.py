"""The demo report as its reader sees it: index.html rendered by headless Chromium (Debian's
package), every chart loaded and no chart over 2,000 px tall; and in every chart file each
series has a colour of its own.

The demo runs once per session (conftest ``demo_out``, about 20 s); the render itself takes about a second.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qualcode.report.charts import COLORS

MAX_CHART_PX = 2000
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# a private profile and no network: the check renders local files and nothing else
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES_SCRIPT = ("<script>addEventListener('load', () => { const p = document.createElement('pre'); "
                "p.id = 'qc-sizes'; p.textContent = JSON.stringify([...document.images].map(i => "
                "[i.getAttribute('src'), i.naturalWidth, i.naturalHeight, i.height])); "
                "document.body.appendChild(p); });</script>")


@pytest.fixture
def demo_report(demo_out: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo report (conftest ``demo_out``, which asserts the demo
    exited 0): the render check writes a page beside index.html, and the shared one stays as it was."""
    assert (demo_out / "rapport" / "index.html").is_file()
    return Path(shutil.copytree(demo_out / "rapport", tmp_path / "rapport"))


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
                          check=True, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(BROWSER is None, reason="headless Chromium (Debian's chromium package) is not installed")
def test_demo_report_renders_in_headless_chromium_with_charts_under_2000_px(demo_report: Path,
                                                                            tmp_path: Path) -> None:
    index = (demo_report / "index.html").read_text(encoding="utf-8")
    check = demo_report / "render_check.html"     # beside index.html, so the charts' paths resolve
    check.write_text(index.replace("</body>", SIZES_SCRIPT + "</body>"), encoding="utf-8")
    try:
        dom = _chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", check.as_uri()).stdout
    finally:
        check.unlink()
    m = re.search(r'<pre id="qc-sizes">(.*?)</pre>', dom, re.S)
    assert m, "the page did not finish loading in Chromium"
    images = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    charts = sorted(p.relative_to(demo_report).as_posix() for p in (demo_report / "charts").glob("*.png"))
    assert sorted(src for src, *_ in images) == charts and len(charts) >= 10
    for src, width, height, shown in images:
        assert width > 0, f"{src} did not load"
        assert height <= MAX_CHART_PX and shown <= MAX_CHART_PX, f"{src} is {width} × {height} px"

    shot = tmp_path / "index.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", (demo_report / "index.html").as_uri())
    from PIL import Image
    img = Image.open(shot)
    assert img.size == (1280, 2000) and img.convert("L").getextrema()[0] < 100   # drawn, not a blank page


def test_demo_report_charts_never_repeat_a_colour(demo_report: Path) -> None:
    from PIL import Image
    palette = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in COLORS}
    charts = list((demo_report / "charts").glob("*.png"))
    assert charts
    for p in charts:
        img = Image.open(p)
        series = int(img.info["Series"])
        assert img.size[1] <= MAX_CHART_PX and series <= len(COLORS), p.name
        used = {c for _, c in img.convert("RGB").getcolors(maxcolors=1 << 22) if c in palette}
        if series > 1:   # each series in the legend and its bars: one palette colour each, none shared
            assert len(used) == series, (p.name, series, used)
        else:
            assert len(used) <= 1, p.name
