"""Decoding a user's text file: UTF-8 (with or without BOM) or the cp1252 Excel writes."""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise QualcodeError("file not found", where=str(path)) from None
    except OSError as e:
        raise QualcodeError(f"cannot read file ({e.strerror})", where=str(path)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").replace("\r\n", "\n")
    if b"\x00" in raw:
        raise QualcodeError("not a text file (binary content, or UTF-16 without BOM); save it as UTF-8",
                            where=str(path))
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252").replace("\r\n", "\n")
    except UnicodeDecodeError as e:
        raise QualcodeError(f"unknown text encoding (neither UTF-8 nor cp1252: byte {raw[e.start]:#x} at {e.start});"
                            " save it as UTF-8", where=str(path)) from None
