"""What the interactive sessions draw, and the code picker they share.

Rich renders to any console, so tests read the screen from a string buffer. The picker takes a
code by its number in the list shown, its id, or a piece of its label ("adm chef"), with a
fuzzy match for typos; since the terminal is in cbreak mode (no echo), ``read_line`` is a
small line editor over single keys.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from qualcode.codebook import Code
from qualcode.i18n import t
from qualcode.memos import segment_memo_lines
from qualcode.review.decisions import check_coder
from qualcode.review.keys import BACKSPACE, ENTER, ESC, default_keys



class Message:
    """A catalogue message looked up when it is drawn, so that a constant imported before the
    run's language was chosen still speaks that language (rich renders it through ``__rich__``)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __str__(self) -> str:
        return t(self.key)

    def __rich__(self) -> Text:
        return Text.from_markup(t(self.key))


# shown when another session of the same coder has the segment on screen (qualcode.review.claims)
TAKEN = Message("review.taken")
HELP = Message("review.help")
KEYLINE = Message("review.keyline")


class Screen:
    """Drawing and the code picker, shared by the review, the uncoded walk and reconcile."""

    def __init__(self, project: Any, coder: str, keys: Any, console: Console | None) -> None:
        self.project = project
        self.coder = check_coder(coder)
        self.keys = keys or default_keys()
        self.console = console or Console(highlight=False)

    def key(self) -> str:
        return self.keys.read_key()

    def segment_text(self, text: str, span: tuple[int, int] | None) -> Text:
        shown = Text(text if text else t("review.empty_answer"), style="" if text else "dim italic")
        if span and text:
            shown.stylize("bold black on yellow", span[0], span[1])
        return shown

    def segment_panel(self, segment: int, doc: str, field_: str, text: str, span: tuple[int, int] | None,
                      before: str, after: str, attrs: dict[str, Any]) -> Panel:
        body = []
        if before:
            body.append(Text("… " + before, style="dim"))
        body.append(self.segment_text(text, span))
        if after:
            body.append(Text(after + " …", style="dim"))
        for line in segment_memo_lines(self.project, segment, doc):
            body.append(Text.assemble((t("review.memo") + ": ", "bold magenta"), line))
        blank = t("review.blank")
        attr_line = " · ".join(f"{k}={v if v is not None else blank}" for k, v in attrs.items())
        return Panel(Group(*body), title=t("review.panel_title", doc=doc, field=field_, segment=segment),
                     subtitle=attr_line or None, title_align="left", subtitle_align="left")

    def code_line(self, code: Code) -> Text:
        return Text.assemble((code.title, "bold cyan"), f"  [{code.id}, {code.group}]")

    def picker_codes(self, group: str | None) -> list[Code]:
        cb = self.project.codebook
        return cb.in_group(group) if group and cb.in_group(group) else list(cb.codes)

    def pick_code(self, group: str | None, prompt: str) -> str | None:
        """Choose a code by its number in the list, its id, or a fuzzy piece of its label."""
        codes = self.picker_codes(group)
        cb = self.project.codebook
        table = RichTable.grid(padding=(0, 2))
        table.add_column(justify="right", style="bold")
        table.add_column()
        for i, c in enumerate(codes, start=1):
            table.add_row(str(i), f"{c.label} [dim]({c.id})[/dim]")
        self.console.print(Panel(table, title=prompt, title_align="left"))
        while True:
            answer = self.read_line(t("review.picker_prompt"))
            if answer is None:
                return None
            answer = answer.strip()
            if not answer:
                continue
            if answer.isdigit() and 1 <= int(answer) <= len(codes):
                return codes[int(answer) - 1].id
            if answer in cb:
                return answer
            code = match_code(cb.codes, answer, prefer={c.id for c in codes})
            if code is None:
                self.console.print(t("review.no_code_fits", answer=answer))
                continue
            self.console.print(Text.assemble("→ ", self.code_line(code), t("review.confirm_pick")))
            if self.key() in (ENTER, "y", "Y"):
                return code.id

    def read_line(self, prompt: str) -> str | None:
        """A small line editor on top of single keys (the terminal does not echo in cbreak mode)."""
        out = self.console.file
        out.write(prompt)
        out.flush()
        buf = ""
        while True:
            k = self.key()
            if k == ENTER:
                out.write("\n")
                out.flush()
                return buf
            if k == ESC:
                out.write("\n")
                out.flush()
                return None
            if k == BACKSPACE:
                if buf:
                    buf = buf[:-1]
                    out.write("\b \b")
            elif len(k) == 1 and k.isprintable():
                buf += k
                out.write(k)
            out.flush()

    def field_group(self, field_: str) -> str | None:
        """The code group the picker starts from for a segment of this field."""
        return (self.project.fields().get(field_) or {}).get("code_group")

    def wait_help(self, key: str = "review.help") -> None:
        """The keys of the session on screen (the catalogue message ``key``); any key goes back."""
        self.console.print(Panel(t(key), title=t("review.help_title"), title_align="left"))
        self.console.print(t("review.any_key"))
        self.key()


def match_code(codes: list[Code], query: str, cutoff: float = 60, prefer: set[str] = frozenset()) -> Code | None:
    """The code a typed fragment means: every word a prefix of a word of its names wins
    ("adm chef" → Administrativt stöd till chefer), then a label or id starting with it, then
    the codes on show (``prefer``), else the best fuzzy match (typos)."""
    from rapidfuzz import fuzz, utils
    q = utils.default_process(query)
    if not q:
        return None
    words_q = q.split()
    best, best_score = None, cutoff
    for c in codes:
        names = [utils.default_process(n) for n in (c.label, c.short, c.id.replace("_", " "), *c.aliases)]
        words = {w for n in names for w in n.split()}
        score = max(fuzz.WRatio(q, n) for n in names)
        if all(any(w.startswith(part) for w in words) for part in words_q):
            score += 50
        if names[0].startswith(q) or names[2].startswith(q):
            score += 10
        if c.id in prefer:
            score += 10
        if score > best_score:
            best, best_score = c, score
    return best
