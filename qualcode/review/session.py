"""The interactive review: one key per decision, each committed the moment it is pressed.

The loop reads keys from an injectable ``KeyReader`` — ``TerminalKeys`` puts a real terminal
in cbreak mode, ``ScriptedKeys`` replays a string in tests — and draws with rich. Nothing is
held in memory that is not already in the store: a decision is one committed transaction,
and where the reviewer stands is written to the project's meta table, so quitting, Ctrl-C, a
crash or a dead laptop lose nothing, and the next run starts where the last one stopped
(items skipped earlier come again at the end). Undo appends a decision restoring the verdict
that held before, so the log stays append-only; each key press is also kept in the coder's
undo journal (meta ``review_undo:<coder>``, the last JOURNAL presses), so that undo reaches back
past a restart.

Keys: y/Enter accept, n reject, c change to another code (= reject + add), a add a further
code, s skip, u undo, ? help, q quit. ``UncodedWalk`` walks segments the machine suggested
nothing for (a add, s/n/Enter next); ``ReconcileSession`` settles two coders' disagreements.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from qualcode.codebook import Code
from qualcode.review.decisions import (Detail, Filter, Item, check_coder, current_verdict, detail, is_pending, pending,
                        record, segment_context, uncoded_segments)
from qualcode.review.decisions import attributes as doc_attributes

ENTER, ESC, BACKSPACE = "enter", "esc", "backspace"


# ----------------------------------------------------------------------------- keys

class KeyReader(Protocol):
    def read_key(self) -> str:
        """One key: a character, or ``enter`` / ``esc`` / ``backspace``; EOFError when input ends."""


def _name(ch: str) -> str:
    if ch in ("\r", "\n"):
        return ENTER
    if ch in ("\x7f", "\x08"):
        return BACKSPACE
    if ch == "\x1b":
        return ESC
    if ch == "\x03":
        raise KeyboardInterrupt
    if ch == "\x04":
        raise EOFError
    return ch


class ScriptedKeys:
    """Keys from a string or list (tests, and piped input); EOFError when they run out."""

    def __init__(self, keys: Iterable[str]) -> None:
        # named keys stay whole; any other string is typed character by character
        self._keys: list[str] = []
        for k in ([keys] if isinstance(keys, str) else keys):
            self._keys.extend([k] if k in (ENTER, ESC, BACKSPACE) else list(k))

    def read_key(self) -> str:
        if not self._keys:
            raise EOFError
        k = self._keys.pop(0)
        return k if k in (ENTER, ESC, BACKSPACE) else _name(k)


class StreamKeys:
    """Keys from a non-terminal stream, one character at a time (``qualcode review < keys.txt``)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read_key(self) -> str:
        ch = self.stream.read(1)
        if not ch:
            raise EOFError
        return _name(ch)


class TerminalKeys:
    """Single key presses from a terminal in cbreak mode (no echo, no line buffering).

    Ctrl-C still raises KeyboardInterrupt; the terminal is restored on exit even then.
    """

    def __init__(self, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self._saved: Any = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def __enter__(self) -> "TerminalKeys":
        import termios
        import tty
        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        import termios
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def read_key(self) -> str:
        import select
        while True:
            b = os.read(self.fd, 1)
            if not b:
                raise EOFError
            ch = self._decoder.decode(b)
            if not ch:
                continue  # the middle of a multi-byte character
            if ch == "\x1b":  # swallow the rest of an escape sequence: an arrow key is not Esc
                sequence = False
                while select.select([self.fd], [], [], 0.02)[0]:
                    os.read(self.fd, 1)
                    sequence = True
                if sequence:
                    return "sequence"
            return _name(ch)


def default_keys() -> Any:
    """A terminal reader when stdin is a terminal, else a stream reader."""
    if sys.stdin.isatty():
        return TerminalKeys()
    return StreamKeys(sys.stdin)


# ----------------------------------------------------------------------------- shared screen parts

HELP = """[b]Tangenter[/b]
  [b]y[/b] / [b]Enter[/b]  acceptera förslaget (accept)
  [b]n[/b]          avvisa förslaget (reject)
  [b]c[/b]          byt till en annan kod (förslaget avvisas, den valda koden läggs till)
  [b]a[/b]          lägg till ytterligare en kod på segmentet
  [b]s[/b]          hoppa över (kommer igen nästa gång)
  [b]u[/b]          ångra senaste åtgärden
  [b]?[/b]          den här hjälpen
  [b]q[/b]          avsluta (allt som är beslutat är redan sparat)
Kodväljaren: skriv numret i listan, kodens id eller en del av etiketten, Enter; Esc avbryter."""

KEYLINE = ("[b]y[/b]/Enter acceptera · [b]n[/b] avvisa · [b]c[/b] byt kod · [b]a[/b] lägg till kod · "
           "[b]s[/b] hoppa över · [b]u[/b] ångra · [b]?[/b] hjälp · [b]q[/b] avsluta")


class _Screen:
    """Drawing and the code picker, shared by the review, the uncoded walk and reconcile."""

    def __init__(self, project: Any, coder: str, keys: Any, console: Console | None) -> None:
        self.project = project
        self.coder = check_coder(coder)
        self.keys = keys
        self.console = console or Console(highlight=False)

    def key(self) -> str:
        return self.keys.read_key()

    def segment_text(self, text: str, span: tuple[int, int] | None) -> Text:
        t = Text(text if text else "(tomt svar)", style="" if text else "dim italic")
        if span and text:
            t.stylize("bold black on yellow", span[0], span[1])
        return t

    def segment_panel(self, segment: int, doc: str, field_: str, text: str, span: tuple[int, int] | None,
                      before: str, after: str, attrs: dict[str, Any]) -> Panel:
        body = []
        if before:
            body.append(Text("… " + before, style="dim"))
        body.append(self.segment_text(text, span))
        if after:
            body.append(Text(after + " …", style="dim"))
        attr_line = " · ".join(f"{k}={v if v is not None else '(tomt)'}" for k, v in attrs.items())
        return Panel(Group(*body), title=f"[b]{doc}[/b] · fält {field_} · segment {segment}",
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
            answer = self.read_line("kod (nummer, id eller del av etiketten; Esc avbryter): ")
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
                self.console.print(f"[red]ingen kod passar {answer!r}[/red]")
                continue
            self.console.print(Text.assemble("→ ", self.code_line(code), "   Enter/y = välj, annan tangent = försök igen"))
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

    def wait_help(self) -> None:
        self.console.print(Panel(HELP, title="Hjälp", title_align="left"))
        self.console.print("[dim]tryck valfri tangent …[/dim]")
        self.key()

    def save_cursor(self, name: str, key: list[Any]) -> None:
        with self.project.transaction():
            self.project.set_meta(name, json.dumps(key, ensure_ascii=False))

    def load_cursor(self, name: str) -> list[Any] | None:
        raw = self.project.meta(name)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None


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
        if all(any(w.startswith(t) for w in words) for t in words_q):
            score += 50
        if names[0].startswith(q) or names[2].startswith(q):
            score += 10
        if c.id in prefer:
            score += 10
        if score > best_score:
            best, best_score = c, score
    return best


def _rotate(items: list[Any], keys: list[list[Any]], cursor: list[Any] | None) -> list[Any]:
    """Start at the first item at or after the cursor; earlier (skipped) ones come last."""
    if not cursor:
        return items
    try:
        start = next((i for i, k in enumerate(keys) if k >= cursor), len(items))
    except TypeError:  # a cursor from another kind of order
        return items
    return items[start:] + items[:start]


# ----------------------------------------------------------------------------- the review loop

@dataclass
class Stats:
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    changed: int = 0
    added: int = 0
    skipped: int = 0
    undone: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected + self.changed

    def line(self) -> str:
        return (f"accepterade {self.accepted} · avvisade {self.rejected} · bytta {self.changed} · "
                f"tillagda {self.added} · överhoppade {self.skipped}")


JOURNAL = 200  # key presses per coder that undo can reach back to across sessions


@dataclass
class _Action:
    kind: str  # accept, reject, change, add, skip
    index: int  # where in the queue to stand after undoing it
    before: list[tuple[int, str, str | None]] = field(default_factory=list)  # (segment, code, verdict before)


class Review:
    """Walk a coder's pending suggestions; ``run()`` returns what was done."""

    def __init__(self, project: Any, coder: str, *, filt: Filter | None = None, order: str = "document",
                 keys: Any = None, console: Console | None = None) -> None:
        self.screen = _Screen(project, coder, keys or default_keys(), console)
        self.project = project
        self.coder = self.screen.coder
        self.filt = filt or Filter()
        self.order = order
        self.cursor_name = f"review_cursor:{self.coder}:{order}"
        self.stats = Stats()
        self.history: list[_Action] = []
        self.journal_name = f"review_undo:{self.coder}"
        self.queue: list[Item] = []

    # ---- recording
    def _decide(self, kind: str, index: int, changes: list[tuple[int, str, str]]) -> None:
        """Record the decisions of one key press in one transaction, remembering what they replace
        (in this session, and in the coder's undo journal, so that undo reaches past a restart)."""
        conn = self.project.conn
        action = _Action(kind, index)
        with self.project.transaction():
            for segment, code, verdict in changes:
                action.before.append((segment, code, current_verdict(conn, segment, code, self.coder)))
                record(self.project, segment, code, self.coder, verdict, origin="review")
            journal = self._journal()
            journal.append({"kind": kind, "before": action.before})
            self.project.set_meta(self.journal_name, json.dumps(journal[-JOURNAL:], ensure_ascii=False))
        self.history.append(action)
        setattr(self.stats, _STAT[kind], getattr(self.stats, _STAT[kind]) + 1)

    def _journal(self) -> list[dict[str, Any]]:
        try:
            journal = json.loads(self.project.meta(self.journal_name) or "[]")
        except ValueError:
            return []
        return journal if isinstance(journal, list) else []

    def _restore(self, before: list) -> None:
        """Put back the verdicts one key press replaced, and drop it from the journal (one transaction)."""
        with self.project.transaction():
            for segment, code, verdict in reversed(before):
                restore = verdict if verdict not in (None, "retract") else "retract"
                record(self.project, segment, code, self.coder, restore, origin="review")
            journal = self._journal()
            if journal and [list(b) for b in journal[-1].get("before", [])] == [list(b) for b in before]:
                self.project.set_meta(self.journal_name, json.dumps(journal[:-1], ensure_ascii=False))

    def _undo(self, at: int = 0) -> int | None:
        """Undo the last action: of this session, else the last decision of an earlier session
        (from the journal), whose item is then put back in the queue at ``at``. Returns the
        queue index to go back to, None when there is nothing to undo."""
        if self.history:
            action = self.history.pop()
            if action.before:
                self._restore(action.before)
            setattr(self.stats, _STAT[action.kind], getattr(self.stats, _STAT[action.kind]) - 1)
            self.stats.undone += 1
            return action.index
        journal = self._journal()
        if not journal:
            return None
        before = [tuple(b) for b in journal[-1].get("before", [])]
        self._restore(before)
        self.stats.undone += 1
        again = {(segment, code) for segment, code, _ in before}
        back = [it for it in pending(self.project, self.coder, self.filt, self.order) if (it.segment, it.code) in again]
        self.queue[at:at] = back[:1]
        return at

    # ---- drawing
    def render(self, item: Item, d: Detail, message: str = "") -> None:
        c = self.screen.console
        cb = self.project.codebook
        c.clear()
        done = self.stats.decided
        c.print(Text.assemble(("Granskning", "bold"), f" · kodare {self.coder} · {done}/{self.stats.total} · ",
                              self.stats.line()))
        width = min(60, c.width)
        filled = round(width * done / self.stats.total) if self.stats.total else width
        c.print(Text.assemble(("━" * filled, "green"), ("━" * (width - filled), "grey37")))
        c.print(self.screen.segment_panel(item.segment, item.doc, item.field, item.text, d.span, d.before, d.after,
                                          d.attributes))
        code = cb.get(item.code)
        c.print(Text.assemble("Förslag: ", self.screen.code_line(code),
                              f"   poäng {item.score:.2f} · källa {', '.join(item.sources)}"))
        if code.description:
            desc = code.description if len(code.description) <= 240 else code.description[:237] + "…"
            c.print(Text(desc, style="italic"))
        if d.negated:
            c.print("[bold red]⚠ NEGERAT:[/bold red] belägget står i en nekande fras "
                    "(t.ex. \"inget …\", \"saknas\") — acceptera bara om koden ändå gäller")
        if d.reason:
            c.print(f"[b]Skäl:[/b] {d.reason}")
        if d.candidates:
            titles = [cb.by_id[x].title if x in cb else x for x in d.candidates]
            c.print(f"[b]Kandidater:[/b] {' | '.join(titles)}")
        others = [x for x in d.coded if x != item.code]
        if others:
            c.print(f"[b]Redan kodat här:[/b] {', '.join(cb.by_id[x].title if x in cb else x for x in others)}")
        if message:
            c.print(message)
        c.print(KEYLINE)

    # ---- the loop
    def run(self) -> Stats:
        items = pending(self.project, self.coder, self.filt, self.order)
        queue = self.queue = _rotate(items, [it.key(self.order) for it in items],
                                     self.screen.load_cursor(self.cursor_name))
        self.stats.total = len(queue)
        # fsync each commit: a decision must survive a power cut, not only a crash
        self.project.conn.execute("PRAGMA synchronous=FULL")
        c = self.screen.console
        i, message = 0, ""
        try:
            while True:
                while i < len(queue) and not is_pending(self.project, self.coder, queue[i].segment, queue[i].code):
                    i += 1
                if i >= len(queue):
                    c.print(f"[bold green]Inga fler förslag att granska.[/bold green] {self.stats.line()}")
                    if not self.history and not self._journal():
                        break
                    c.print("[b]u[/b] ångra · annan tangent avslutar")
                    if self.key() == "u":
                        back = self._undo(at=i)
                        i = back if back is not None else 0
                        continue
                    break
                item = queue[i]
                self.screen.save_cursor(self.cursor_name, item.key(self.order))
                self.render(item, detail(self.project, item, self.coder), message)
                message = ""
                k = self.key()
                if k in ("y", "Y", ENTER):
                    self._decide("accept", i, [(item.segment, item.code, "accept")])
                    i += 1
                elif k in ("n", "N"):
                    self._decide("reject", i, [(item.segment, item.code, "reject")])
                    i += 1
                elif k in ("c", "C"):
                    group = self._field_group(item) or self.project.codebook.get(item.code).group
                    new = self.screen.pick_code(group, f"Byt {item.code} mot …")
                    if new is None or new == item.code:
                        message = "[dim]ingen ändring[/dim]"
                        continue
                    self._decide("change", i, [(item.segment, item.code, "reject"), (item.segment, new, "add")])
                    i += 1
                elif k in ("a", "A"):
                    group = self._field_group(item) or self.project.codebook.get(item.code).group
                    new = self.screen.pick_code(group, "Lägg till kod …")
                    if new is None:
                        continue
                    if new == item.code:  # adding the suggested code is accepting it
                        self._decide("accept", i, [(item.segment, item.code, "accept")])
                        i += 1
                        continue
                    if current_verdict(self.project.conn, item.segment, new, self.coder) in ("accept", "add"):
                        message = f"[dim]{new} är redan kodad här[/dim]"
                        continue
                    self._decide("add", i, [(item.segment, new, "add")])
                    message = f"[green]lade till {new}[/green]"
                elif k in ("s", "S"):
                    self.history.append(_Action("skip", i))
                    self.stats.skipped += 1
                    i += 1
                elif k in ("u", "U"):
                    earlier = not self.history
                    back = self._undo(at=i)
                    if back is None:
                        message = "[dim]inget att ångra[/dim]"
                    else:
                        i = back
                        message = "[yellow]ångrat[/yellow]" + (" (ett beslut från en tidigare omgång)" if earlier else "")
                elif k == "?":
                    self.screen.wait_help()
                elif k in ("q", "Q"):
                    break
                else:
                    message = f"[red]okänd tangent {k!r}[/red] — ? visar hjälpen, q avslutar"
        except EOFError:
            pass
        c.print(f"Sparat. {self.stats.line()}")
        return self.stats

    def key(self) -> str:
        return self.screen.key()

    def _field_group(self, item: Item) -> str | None:
        row = self.project.conn.execute("SELECT code_group FROM fields WHERE name = ?", (item.field,)).fetchone()
        return row[0] if row else None


_STAT = {"accept": "accepted", "reject": "rejected", "change": "changed", "add": "added", "skip": "skipped"}


# ----------------------------------------------------------------------------- segments without suggestions

class UncodedWalk:
    """Walk segments the machine found nothing in; code what it missed with ``a``."""

    def __init__(self, project: Any, coder: str, *, filt: Filter | None = None, keys: Any = None,
                 console: Console | None = None) -> None:
        self.screen = _Screen(project, coder, keys or default_keys(), console)
        self.project = project
        self.coder = self.screen.coder
        self.filt = filt or Filter()
        self.cursor_name = f"uncoded_cursor:{self.coder}"
        self.added: list[tuple[int, str]] = []

    def run(self) -> int:
        segs = uncoded_segments(self.project, self.coder, self.filt)
        keys = [[s["doc"], s["field"], s["position"]] for s in segs]
        queue = _rotate(list(zip(segs, keys)), keys, self.screen.load_cursor(self.cursor_name))
        self.project.conn.execute("PRAGMA synchronous=FULL")
        c = self.screen.console
        i, message, seen = 0, "", 0
        history: list[tuple[int, int, str | None]] = []  # (queue index, segment, code added or None)
        try:
            while i < len(queue):
                seg, key = queue[i]
                self.screen.save_cursor(self.cursor_name, key)
                before, after = segment_context(self.project.conn, seg["segment"])
                c.clear()
                c.print(Text.assemble(("Okodade segment", "bold"), f" · kodare {self.coder} · {i + 1}/{len(queue)} · "
                                      f"tillagda {len(self.added)}"))
                c.print(self.screen.segment_panel(seg["segment"], seg["doc"], seg["field"], seg["text"], None,
                                                  before, after, doc_attributes(self.project.conn, seg["doc"])))
                coded = [r[0] for r in self.project.conn.execute(
                    "SELECT code FROM codings WHERE segment = ? AND coder = ?", (seg["segment"], self.coder))]
                if coded:
                    c.print(f"[b]Kodat här:[/b] {', '.join(coded)}")
                if message:
                    c.print(message)
                    message = ""
                c.print("[b]a[/b] lägg till kod · [b]s[/b]/[b]n[/b]/Enter nästa · [b]u[/b] ångra · "
                        "[b]?[/b] hjälp · [b]q[/b] avsluta")
                k = self.screen.key()
                if k in ("a", "A"):
                    fg = self.project.conn.execute("SELECT code_group FROM fields WHERE name = ?",
                                                   (seg["field"],)).fetchone()
                    new = self.screen.pick_code(fg[0] if fg else None, "Lägg till kod …")
                    if new is None or new in coded:
                        continue
                    record(self.project, seg["segment"], new, self.coder, "add", origin="manual")
                    self.added.append((seg["segment"], new))
                    history.append((i, seg["segment"], new))
                    message = f"[green]lade till {new}[/green]"
                elif k in ("s", "S", "n", "N", ENTER):
                    history.append((i, seg["segment"], None))
                    i += 1
                    seen += 1
                elif k in ("u", "U"):
                    if not history:
                        message = "[dim]inget att ångra i den här omgången[/dim]"
                        continue
                    i, segment, code = history.pop()
                    if code is not None:
                        record(self.project, segment, code, self.coder, "retract", origin="manual")
                        self.added.remove((segment, code))
                    message = "[yellow]ångrat[/yellow]"
                elif k == "?":
                    self.screen.wait_help()
                elif k in ("q", "Q"):
                    break
        except EOFError:
            pass
        c.print(f"Sparat. {len(self.added)} koder tillagda.")
        return len(self.added)


# ----------------------------------------------------------------------------- reconcile

class ReconcileSession:
    """Settle each disagreement between two coders into a consensus coder, one key each.

    y: the code applies · n: it does not · 1/2: take the first/second coder's view ·
    s skip · u undo · q quit. Settled units are not asked again, so a rerun resumes.
    """

    def __init__(self, project: Any, coders: list[str], as_coder: str, *, group: str | None = None,
                 keys: Any = None, console: Console | None = None,
                 units: Callable[[], list[dict[str, Any]]] | None = None) -> None:
        self.screen = _Screen(project, as_coder, keys or default_keys(), console)
        self.project = project
        self.coders = coders
        self.as_coder = self.screen.coder
        self.group = group
        self._units = units
        self.settled = 0

    def run(self) -> int:
        from qualcode.review.agreement import disagreements_for_reconcile
        units = self._units() if self._units else disagreements_for_reconcile(
            self.project, self.coders, self.as_coder, group=self.group)
        self.project.conn.execute("PRAGMA synchronous=FULL")
        c = self.screen.console
        cb = self.project.codebook
        i, message = 0, ""
        history: list[tuple[int, int, str, str | None]] = []
        try:
            while True:
                while i < len(units) and current_verdict(self.project.conn, units[i]["segment"], units[i]["code"],
                                                         self.as_coder) not in (None, "retract"):
                    i += 1
                if i >= len(units):
                    c.print("[bold green]Alla oenigheter är avgjorda.[/bold green]")
                    break
                u = units[i]
                before, after = segment_context(self.project.conn, u["segment"])
                c.clear()
                c.print(Text.assemble(("Samkodning", "bold"), f" → {self.as_coder} · {i + 1}/{len(units)} · "
                                      f"avgjorda {self.settled}"))
                c.print(self.screen.segment_panel(u["segment"], u["doc"], u["field"], u["text"], None, before, after,
                                                  doc_attributes(self.project.conn, u["doc"])))
                c.print(Text.assemble("Kod: ", self.screen.code_line(cb.get(u["code"]))))
                for n, coder in enumerate(self.coders, start=1):
                    v = u["values"].get(coder)
                    c.print(f"  [b]{n}[/b] {coder}: {'kodat' if v == 1 else 'inte kodat' if v == 0 else '–'}")
                if message:
                    c.print(message)
                    message = ""
                c.print("[b]y[/b] koden gäller · [b]n[/b] gäller inte · [b]1[/b]/[b]2[/b] välj kodarens · "
                        "[b]s[/b] hoppa över · [b]u[/b] ångra · [b]q[/b] avsluta")
                k = self.screen.key()
                applies: bool | None = None
                if k in ("y", "Y", ENTER):
                    applies = True
                elif k in ("n", "N"):
                    applies = False
                elif k.isdigit() and 1 <= int(k) <= len(self.coders):
                    applies = u["values"].get(self.coders[int(k) - 1]) == 1
                elif k in ("s", "S"):
                    i += 1
                    continue
                elif k in ("u", "U"):
                    if not history:
                        message = "[dim]inget att ångra[/dim]"
                        continue
                    i, segment, code, prev = history.pop()
                    record(self.project, segment, code, self.as_coder,
                           prev if prev not in (None, "retract") else "retract", origin="reconcile")
                    self.settled -= 1
                    continue
                elif k in ("q", "Q"):
                    break
                else:
                    message = f"[red]okänd tangent {k!r}[/red]"
                    continue
                prev = current_verdict(self.project.conn, u["segment"], u["code"], self.as_coder)
                verdict = ("accept" if u["suggested"] else "add") if applies else "reject"
                record(self.project, u["segment"], u["code"], self.as_coder, verdict, origin="reconcile")
                history.append((i, u["segment"], u["code"], prev))
                self.settled += 1
                i += 1
        except EOFError:
            pass
        c.print(f"Sparat. {self.settled} avgjorda.")
        return self.settled
