"""Horizontal bar charts for the report: legible at A4 text width, Swedish labels, PNG or SVG.

Horizontal because the labels are the plan's long area names; they are wrapped, not shrunk.
The figure is 16 cm wide (A4 minus margins) and grows with the number of bars, so a pasted
chart keeps 8–9 pt text. Matplotlib runs headless (Agg), as on a server or in CI.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any, Callable, Sequence

from qualcode.errors import QualcodeError
from qualcode.tally.labels import group_label, row_title
from qualcode.tally.labels import percent as percent_of

A4_TEXT_WIDTH_IN = 16 / 2.54
DPI = 150
MAX_HEIGHT_IN = 1880 / DPI        # no chart taller than a page: under 2,000 px at 150 dpi, legend included
# Okabe & Ito's colour-blind-safe palette (black, the labels' colour, swapped for Tol's wine): a chart never
# shows more series than colours, so no two series share one
COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255"]
MAX_SERIES = len(COLORS)


def _wrap(label: str, width: int = 48) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def bar_chart(path: str | Path, categories: Sequence[str], series: dict[str, Sequence[float]], *,
              title: str = "", xlabel: str = "", stacked: bool = False, percent: bool = False,
              decimal_comma: bool = True) -> list[Path]:
    """Draw categories top-down as horizontal bars; one series = plain bars, several = grouped or
    stacked (stacked when the bar's length, the combined total, is what the reader compares).

    A chart stays legible at any size: past ``MAX_SERIES`` series each series gets a chart of
    its own (small multiples, one file each), and categories that would make a chart taller than
    a page continue in the next one. The first file is ``path``, the others ``path`` with ``_2``,
    ``_3`` … before the suffix; all are returned."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise QualcodeError(f"chart file must end in .png or .svg, not {path.suffix or '(none)'!r}", where=str(path))
    names = list(series)
    groups = [[n] for n in names] if len(names) > MAX_SERIES else [names]
    jobs = []
    for group in groups:
        sub = {n: series[n] for n in group}
        sub_title = title if len(groups) == 1 else ": ".join(x for x in (title, group[0]) if x)
        for lo, hi in _pages(categories, len(group), stacked or len(group) == 1, sub_title):
            jobs.append((sub_title, list(categories[lo:hi]), {n: list(v[lo:hi]) for n, v in sub.items()}))
    out = []
    for i, (t, cats, ser) in enumerate(jobs, start=1):
        target = path if i == 1 else path.with_name(f"{path.stem}_{i}{path.suffix}")
        out.append(_draw(target, cats, ser, title=t, xlabel=xlabel, stacked=stacked, percent=percent,
                         decimal_comma=decimal_comma))
    return out


def _pages(categories: Sequence[str], n_series: int, single: bool, title: str) -> list[tuple[int, int]]:
    """Ranges of categories, each short enough for one page-high chart."""
    wrapped = [_wrap(c, 56) for c in categories]
    pages, lo = [], 0
    while lo < len(wrapped) or not pages:
        hi = lo + 1
        while hi < len(wrapped) and _height(wrapped[lo:hi + 1], n_series, single, title) <= MAX_HEIGHT_IN:
            hi += 1
        pages.append((lo, min(hi, len(wrapped))))
        lo = hi
    return pages


def _draw(path: Path, categories: list[str], series: dict[str, list[float]], *, title: str, xlabel: str,
          stacked: bool, percent: bool, decimal_comma: bool) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(series)
    wrapped = [_wrap(c, 56) for c in categories]
    single = stacked or len(names) == 1
    height = min(_height(wrapped, len(names), single, title), MAX_HEIGHT_IN)
    fig, ax = plt.subplots(figsize=(A4_TEXT_WIDTH_IN, height), dpi=DPI)
    fmt = (lambda v: (f"{v:.0f} %" if decimal_comma else f"{v:.0f}%")) if percent else (lambda v: f"{v:g}")
    if single:
        top = _draw_one_bar_each(ax, series, len(categories), fmt, stacked)
    else:
        top = _draw_grouped(ax, series, len(categories), fmt)
    _style(ax, wrapped, top, title=title, xlabel=xlabel, percent=percent, decimal_comma=decimal_comma,
           legend=len(names) > 1)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    # a PNG says how many series it draws, so a check of the file can count their colours
    meta = {"Series": str(len(names))} if path.suffix.lower() == ".png" else None
    fig.savefig(path, format=path.suffix.lower()[1:], bbox_inches="tight", pad_inches=0.1, metadata=meta)
    plt.close(fig)
    return path


def _height(wrapped: list[str], n_series: int, single: bool, title: str) -> float:
    """Inches: the figure grows with the bars, so labels keep their 8 pt instead of shrinking."""
    max_lines = max([w.count("\n") + 1 for w in wrapped] or [1])
    per_bar = 0.28 if single else 0.16 * n_series + 0.08
    per_row = max(per_bar, 0.14 * max_lines + 0.06)   # rows are evenly spaced: the tallest label sets the pitch
    return max(2.0, 0.9 + len(wrapped) * per_row + (0.3 if n_series > 1 else 0) + (0.3 if title else 0))


def _draw_one_bar_each(ax: Any, series: dict[str, Sequence[float]], n: int, fmt: Callable[[float], str],
                       stacked: bool) -> float:
    """One bar per category (the series stacked, or a single series); returns the longest bar."""
    ypos = list(range(n))
    names = list(series)
    left = [0.0] * n
    for i, name in enumerate(names):
        vals = [float(v or 0) for v in series[name]]
        bars = ax.barh(ypos, vals, left=left if stacked else None, height=0.65, color=COLORS[i % len(COLORS)],
                       label=name)
        if not stacked:
            for b, v in zip(bars, vals):
                ax.text(b.get_width(), b.get_y() + b.get_height() / 2, " " + fmt(v), va="center", fontsize=8,
                        clip_on=False)
        left = [a + b for a, b in zip(left, vals)]
    if stacked:
        for y, v in zip(ypos, left):
            ax.text(v, y, " " + fmt(v), va="center", fontsize=8, clip_on=False)
        return max(left)
    return max([float(v or 0) for v in series[names[0]]] or [0])


def _draw_grouped(ax: Any, series: dict[str, Sequence[float]], n: int, fmt: Callable[[float], str]) -> float:
    """Side-by-side bars per category, one per series; returns the longest bar."""
    names = list(series)
    h = 0.8 / len(names)
    top = 0.0
    for i, name in enumerate(names):
        vals = [float(v or 0) for v in series[name]]
        pos = [y - 0.4 + h * (i + 0.5) for y in range(n)]
        bars = ax.barh(pos, vals, height=h, color=COLORS[i % len(COLORS)], label=name)
        for b, v in zip(bars, vals):
            ax.text(b.get_width(), b.get_y() + b.get_height() / 2, " " + fmt(v), va="center", fontsize=6.5,
                    clip_on=False)
        top = max([top, *vals])
    return top


def _style(ax: Any, wrapped: list[str], top: float, *, title: str, xlabel: str, percent: bool,
           decimal_comma: bool, legend: bool) -> None:
    ax.set_yticks(list(range(len(wrapped))))
    ax.set_yticklabels(wrapped, fontsize=8)
    ax.invert_yaxis()
    # room right of the longest bar for its value label ("100 %"): values are never cut
    ax.set_xlim(0, (top or 1) * 1.2 if not percent else max(100, top or 1) * 1.15)
    ax.tick_params(axis="x", labelsize=8)
    if decimal_comma:
        from matplotlib.ticker import FuncFormatter
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",")))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    if title:
        ax.set_title(_wrap(title, 80), fontsize=10, loc="left")
    if legend:
        ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=2,
                  bbox_to_anchor=(0, -0.4 / ax.figure.get_figheight()))   # below the bars, never over them


# ----------------------------------------------------------------------------- one chart per tally

def presence_chart(result, path: str | Path, lang: str = "sv", title: str = "") -> list[Path]:
    """Percent of documents per code; one bar per group when grouped."""
    cats = [t["label"] for t in result.totals]
    if result.by:
        series = {}
        for g in result.groups:
            name = f"{group_label(g['group'], lang)} (n={g['of']})"
            cells = {r["code"]: r for r in result.rows if r["group"] == g["group"]}
            series[name] = [percent_of(cells[t["code"]]["documents"], cells[t["code"]]["of"], 0) or 0 for t in result.totals]
    else:
        n = result.totals[0]["of"] if result.totals else 0
        series = {f"n={n}": [percent_of(t["documents"], t["of"], 0) or 0 for t in result.totals]}
    xlabel = "Andel dokument (%)" if lang == "sv" else "Share of documents (%)"
    return bar_chart(path, cats, series, title=title, xlabel=xlabel, percent=True, decimal_comma=lang == "sv")


def mentions_chart(result, path: str | Path, lang: str = "sv", title: str = "") -> list[Path]:
    if result.by:
        order = []
        for r in result.rows:
            if r["label"] not in order:
                order.append(r["label"])
        series: dict[str, list[float]] = {}
        for r in result.rows:
            series.setdefault(group_label(r["group"], lang), [0.0] * len(order))[order.index(r["label"])] = r["count"]
        cats = order
    else:
        cats = [r["label"] for r in result.rows]
        series = {"": [r["count"] for r in result.rows]}
    xlabel = "Antal gånger nämnt" if lang == "sv" else "Times mentioned"
    return bar_chart(path, cats, series, title=title, xlabel=xlabel, decimal_comma=lang == "sv")


def choice_chart(result, path: str | Path, lang: str = "sv", title: str = "") -> list[Path]:
    """Areas in plan order; with several alternatives, stacked so the bar is the combined total."""
    first = result.tables[0]["rows"] if result.tables else []
    cats = [row_title(r) for r in first]
    alt = "alternativ" if lang == "sv" else "alternative"
    names = [t["field"] for t in result.tables]
    stems = {re.sub(r"[_\-\s]*\d+$", "", n) for n in names}
    if len(names) > 1 and len(stems) == 1 and all(re.search(r"\d+$", n) for n in names):
        names = [alt + " " + re.search(r"(\d+)$", n).group(1) for n in names]
    series = {name: [r["count"] for r in t["rows"]] for name, t in zip(names, result.tables)}
    xlabel = "Antal" if lang == "sv" else "Count"
    return bar_chart(path, cats, series, title=title, xlabel=xlabel, stacked=len(result.tables) > 1,
                     decimal_comma=lang == "sv")
