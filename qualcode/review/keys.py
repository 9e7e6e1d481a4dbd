"""Where the interactive sessions get their keys from: one ``read_key()`` call per key press.

The sessions never touch the terminal themselves, so tests drive them with ``ScriptedKeys``,
a pipe drives them with ``StreamKeys`` (``qualcode review < keys.txt``), and a person with
``TerminalKeys``, which puts the terminal in cbreak mode and restores it on exit.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import Any, Iterable, Protocol

ENTER, ESC, BACKSPACE = "enter", "esc", "backspace"
NAMED = (ENTER, ESC, BACKSPACE)


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
            self._keys.extend([k] if k in NAMED else list(k))

    def read_key(self) -> str:
        if not self._keys:
            raise EOFError
        k = self._keys.pop(0)
        return k if k in NAMED else _name(k)


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
