"""Boxed text tables for a person at a terminal (rich).

On a terminal the table fits its width; piped or redirected there is no width to fit, so labels
are never squeezed (160 columns); a file gets a fixed 120 so it reads the same everywhere.
Markup and emoji codes are off: a quote containing ``[/b]`` or ``:x:`` is data, not styling.

A table with more columns than the width holds (a crosstab by an attribute with 14 values has
46) is not squeezed into one-letter columns: it is printed in parts of whole column groups that
fit, each part repeating the row labels, with the table's short headers and a legend for them
(``Table.key_columns``, ``blocks``, ``short_columns``, ``legend``). Only the terminal does this;
CSV, XLSX and the other files keep the one wide table.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, TextIO

from qualcode.report.formats.base import Content, Table, TextFormat

WRAP_AT = 24        # a column with longer cells may wrap; shorter ones (numbers, "22 av 30 (73 %)") never do
LABEL_WIDTH = 30    # the width a wrapping column (row labels) needs to stay readable
BORDER = 3          # a column's padding and rule


def rich_table(t: Table, columns: list[int] | None = None, headers: list[str] | None = None,
               title: str | None = None, caption: str | None = None) -> Any:
    """The table (or the ``columns`` of it, by index) as a rich table."""
    from rich.table import Table as RichTable
    idx = list(range(len(t.columns))) if columns is None else columns
    heads = headers or t.columns
    rt = RichTable(title=(t.title if title is None else title) or None,
                   caption=(t.note if caption is None else caption) or None, title_justify="left",
                   caption_justify="center" if columns is None else "left")
    text_rows = t.text_rows()
    numeric = t.numeric_columns()
    for i in idx:
        # short cells never wrap, so long labels take the wrapping
        longest = max([len(r[i]) for r in text_rows] or [0])
        rt.add_column(heads[i], justify="right" if numeric[i] else "left", overflow="fold", no_wrap=longest <= WRAP_AT)
    for row in text_rows:
        rt.add_row(*(row[i] for i in idx))
    return rt


def _needed(t: Table, headers: list[str]) -> list[int]:
    """Per column the width it reads well in: a column that never wraps its longest cell and its
    header; one that may wrap (row labels) ``LABEL_WIDTH``, or its longest word if wider."""
    rows = t.text_rows()
    out = []
    for i, head in enumerate(headers):
        longest = max([len(r[i]) for r in rows] or [0])
        if longest > WRAP_AT:
            word = max([len(w) for r in rows for w in r[i].split()] + [len(w) for w in head.split()] or [0])
            out.append(BORDER + max(word, LABEL_WIDTH))
        else:
            out.append(BORDER + max(longest, len(head)))
    return out


def parts(t: Table, width: int) -> list[list[int]] | None:
    """The column indexes of each part a table too wide for ``width`` is printed in (the key
    columns first in every part), or None when it fits as it is."""
    if sum(_needed(t, t.columns)) + 1 <= width or len(t.columns) < 2:
        return None
    heads = t.short_columns or t.columns
    need = _needed(t, heads)
    keys = list(range(t.key_columns or 1))
    blocks, start = [], len(keys)
    for size in t.blocks or []:
        blocks.append(list(range(start, min(start + size, len(heads)))))
        start += size
    blocks += [[i] for i in range(start, len(heads))]
    room = width - 1 - sum(need[i] for i in keys)
    out: list[list[int]] = []
    used = 0
    for block in (b for b in blocks if b):
        w = sum(need[i] for i in block)
        if out and used + w <= room:
            out[-1] += block
            used += w
        else:
            out.append(list(block))
            used = w
    return [keys + p for p in out]


def print_table(console: Any, t: Table) -> None:
    """Print ``t`` whole when it fits the console, else in parts that do (see the module)."""
    split = parts(t, console.width)
    if split is None:
        console.print(rich_table(t))
        return
    heads = t.short_columns or t.columns
    for n, cols in enumerate(split, start=1):
        last = n == len(split)
        note = "\n".join(x for x in (t.legend if t.short_columns else "", t.note) if x) if last else ""
        title = f"{t.title} ({n}/{len(split)})".strip() if len(split) > 1 else t.title
        console.print(rich_table(t, cols, heads, title=title, caption=note))


def _console(file: TextIO, **kw: Any) -> Any:
    from rich.console import Console
    return Console(file=file, markup=False, emoji=False, **kw)


class RichText(TextFormat):
    def render(self, content: Content) -> str:
        console = _console(io.StringIO(), width=120, force_terminal=False)
        for t in content.as_tables():
            print_table(console, t)
        return console.file.getvalue()

    def write(self, content: Content, out: TextIO | str | Path) -> None:
        if isinstance(out, (str, Path)):
            super().write(content, out)
            return
        console = _console(out)
        if not console.is_terminal:
            console = _console(out, width=160)
        for t in content.as_tables():
            print_table(console, t)
