"""Boxed text tables for a person at a terminal (rich).

On a terminal the table fits its width; piped or redirected there is no width to fit, so labels
are never squeezed (160 columns); a file gets a fixed 120 so it reads the same everywhere.
Markup and emoji codes are off: a quote containing ``[/b]`` or ``:x:`` is data, not styling.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, TextIO

from qualcode.report.formats.base import Content, Table, TextFormat


def rich_table(t: Table) -> Any:
    from rich.table import Table as RichTable
    rt = RichTable(title=t.title or None, caption=t.note or None, title_justify="left")
    text_rows = t.text_rows()
    for i, (c, numeric) in enumerate(zip(t.columns, t.numeric_columns())):
        # short cells ("22 av 30 (73 %)", "4,3") never wrap, so long labels take the wrapping
        longest = max([len(r[i]) for r in text_rows] or [0])
        rt.add_column(c, justify="right" if numeric else "left", overflow="fold", no_wrap=longest <= 24)
    for row in text_rows:
        rt.add_row(*row)
    return rt


def _console(file: TextIO, **kw: Any) -> Any:
    from rich.console import Console
    return Console(file=file, markup=False, emoji=False, **kw)


class RichText(TextFormat):
    def render(self, content: Content) -> str:
        console = _console(io.StringIO(), width=120, force_terminal=False)
        for t in content.as_tables():
            console.print(rich_table(t))
        return console.file.getvalue()

    def write(self, content: Content, out: TextIO | str | Path) -> None:
        if isinstance(out, (str, Path)):
            super().write(content, out)
            return
        console = _console(out)
        if not console.is_terminal:
            console = _console(out, width=160)
        for t in content.as_tables():
            console.print(rich_table(t))
