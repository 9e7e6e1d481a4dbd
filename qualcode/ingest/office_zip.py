"""Checking an .xlsx or .docx before a parser sees it: both are zip archives of XML parts.

A zip can claim to unpack to gigabytes from a few kilobytes, and an XML part can declare
entities that expand a billion-fold (or read /etc/passwd). Excel and Word never write a DTD, so
any part that has one is refused, through defusedxml, before openpyxl or python-docx parse the
file; and the archive's declared sizes are capped before anything is unpacked. The file is read
once into memory and handed on from there, so it cannot change between the check and the parse.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from qualcode.errors import QualcodeError
from qualcode.ingest.text_files import read_bytes

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_PACKED_BYTES = 100 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# what reading a broken archive entry can raise: bad CRC or header, bad deflate data, an unknown
# compression method, an encrypted entry, a truncated file
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError, ValueError)


def checked_office_file(path: str | Path, what: str) -> io.BytesIO:
    """The file's bytes, once its archive and XML parts passed the checks; ``what`` names the
    kind of file ("Excel", "Word") in the error."""
    where = str(path)
    raw = read_bytes(path, MAX_PACKED_BYTES)
    if raw.startswith(_OLE_MAGIC):
        raise QualcodeError(f"an old-style or password-protected {what} file; save it without a password in the "
                            "current format (.xlsx/.docx)", where=where)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except _ZIP_ERRORS as e:
        raise QualcodeError(f"not a readable {what} file (not a zip archive: {e})", where=where) from None
    if len(entries) > MAX_ENTRIES:
        raise QualcodeError(f"not a {what} file: the archive has {len(entries)} parts", where=where)
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise QualcodeError(f"the {what} file unpacks to {unpacked // 2**20} MB, more than the "
                            f"{MAX_UNPACKED_BYTES // 2**20} MB limit", where=where)
    for entry in entries:
        if entry.file_size and entry.filename.lower().endswith(_XML_SUFFIXES):
            _check_part(archive, entry, where)
    return io.BytesIO(raw)


def _check_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, where: str) -> None:
    """Parse up to the part's root element with every DTD forbidden (a DTD comes before the root)."""
    try:
        with archive.open(entry) as stream:
            for _ in iterparse(stream, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException as e:
        raise QualcodeError(f"refused: part {entry.filename} declares a DTD or entities ({type(e).__name__}), "
                            "which Office never writes", where=where) from None
    except ParseError as e:
        raise QualcodeError(f"broken XML in part {entry.filename} ({e})", where=where) from None
    except _ZIP_ERRORS as e:
        raise QualcodeError(f"broken archive entry {entry.filename} ({type(e).__name__}: {e})", where=where) from None
