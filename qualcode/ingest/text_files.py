"""Reading a user's file, and deciding its text encoding once for the whole file.

A path may name a FIFO, a device or a folder, and opening one of those for reading can block
forever; so a file is opened without blocking and must turn out to be a regular file before a
byte is read. The encoding is decided for the whole file, never byte by byte: UTF-8 (with or
without BOM), UTF-16 with a BOM, or cp1252 (what Excel writes) when the file is not UTF-8. A file
that is UTF-8 but for a few stray bytes is refused, naming the first one: reading it as cp1252
would turn every å, ä and ö of the note into mojibake, and dropping the bytes would change a quote.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from qualcode.errors import QualcodeError

MAX_FILE_BYTES = 512 * 1024 * 1024
# control characters no text file holds (tab, line breaks, vertical tab and form feed are text)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The content of a regular file of at most ``limit`` bytes; anything else is one clear error."""
    where = str(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise QualcodeError("file not found", where=where) from None
    except IsADirectoryError:
        raise QualcodeError("is a folder, not a file", where=where) from None
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        raise QualcodeError(f"cannot open file ({getattr(e, 'strerror', None) or e})", where=where) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise QualcodeError("is a folder, not a file", where=where)
        raise QualcodeError(f"not a regular file (a {_kind(mode)}); give the path of a file", where=where)
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise QualcodeError(f"cannot read file ({e.strerror or e})", where=where) from None
    if len(data) > limit:
        raise QualcodeError(f"file is larger than {limit // 2**20} MB", where=where)
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):
        if test(mode):
            return name
    return "special file"


def read_text(path: str | Path) -> str:
    """A text file's content with line ends made ``\\n``, in the encoding the whole file is in."""
    return decode_text(read_bytes(path), str(path))


def decode_text(raw: bytes, where: str) -> str:
    """Decode a whole file's bytes (see the module's docstring for the rules)."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise QualcodeError("UTF-32 text is not supported; save it as UTF-8", where=where)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            text = raw[2:].decode(codec)
        except UnicodeDecodeError as e:
            raise QualcodeError(f"broken UTF-16 text (truncated or invalid at byte {e.start + 2}); save it as UTF-8",
                                where=where) from None
    elif b"\x00" in raw:
        raise QualcodeError(f"not a text file (a NUL byte at offset {raw.index(0)}: binary content, or UTF-16 "
                            "without BOM); save it as UTF-8", where=where)
    else:
        text = _utf8_or_cp1252(raw, where)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_text(text, where)
    return text


def _utf8_or_cp1252(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad = e.start
    high = len(raw) - len(raw.translate(None, _HIGH_BYTES))
    in_sequences = sum(map(len, _UTF8_SEQUENCE.findall(raw)))
    if in_sequences > high - in_sequences:  # mostly UTF-8: the invalid bytes are strays, not cp1252
        raise QualcodeError(f"not valid UTF-8: byte {raw[bad]:#04x} at offset {bad} (line {_line(raw, bad)}) in a "
                            "file that is otherwise UTF-8; fix that byte or save the file as UTF-8", where=where)
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as e:
        raise QualcodeError(f"unknown text encoding (neither UTF-8 nor cp1252: byte {raw[e.start]:#04x} at offset "
                            f"{e.start}, line {_line(raw, e.start)}); save it as UTF-8", where=where) from None


def _line(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def check_text(text: str, where: str) -> None:
    """Refuse text holding a control character: it is binary content, or a file broken in transit."""
    m = _CONTROL_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise QualcodeError(f"control character U+{ord(m.group()):04X} on line {line}: not a text file "
                            "(binary content?)", where=where)
