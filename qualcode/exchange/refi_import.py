"""Reading a REFI-QDA project (.qdpx) into a new qualcode project, and a codebook (.qdc) into YAML.

Everything is read and checked before anything is written: the zip (every entry's path must
stay inside the archive's folder), project.qde (hardened parse, then the official schema, whose
first error is named with its line), every source (a referenced file that is missing is an
error) and every coding (offsets outside the source's text are an error). Only then are the
codebook YAML and the project written; if that fails, both are removed again, so a failed
import leaves nothing behind.

Sources become interview documents (field ``notes``, segmented as notes are), their plain text
kept exactly, so the standard's offsets (Unicode code points) are ours. A source whose plain
text is empty but has a Word file (NVivo exports both) is read from the Word file. Codings
become span codings by their Users (decisions on the segments they overlap, so tallies count
them); variables of a source or of a case it belongs to become attributes. What qualcode does
not keep (picture, PDF, audio and video sources, graphs, sets of sources, links, notes) is
reported one line each.
"""

from __future__ import annotations

import posixpath
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree as ET

from qualcode.errors import QualcodeError
from qualcode.exchange import refi_xml as X
from qualcode.exchange.refi_codes import CodeTree, project_codes, read_codes, slug
from qualcode.exchange.refi_xml import child, children, local

MAX_ENTRY_BYTES = 200 * 1024 * 1024
NOT_KEPT = {"PictureSource": "picture sources", "PDFSource": "PDF sources", "AudioSource": "audio sources",
            "VideoSource": "video sources", "Graphs": "graphs", "Sets": "sets", "Links": "links",
            "Notes": "notes (memos)"}


@dataclass
class Source:
    doc: str
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    codings: list[tuple[int, int, str, str]] = field(default_factory=list)   # start, end, code id, coder


@dataclass
class RefiProject:
    codes: CodeTree
    sources: list[Source]
    not_kept: list[str]

    @property
    def n_codings(self) -> int:
        return sum(len(s.codings) for s in self.sources)


def _zip_names(zf: zipfile.ZipFile, where: str) -> dict[str, zipfile.ZipInfo]:
    out = {}
    for info in zf.infolist():
        name = info.filename.replace("\\", "/")
        norm = posixpath.normpath(name)
        if name.startswith("/") or norm == ".." or norm.startswith("../") or ":" in PurePosixPath(norm).parts[0]:
            raise QualcodeError(f"refused: zip entry {info.filename!r} points outside the archive's folder", where=where)
        if info.file_size > MAX_ENTRY_BYTES:
            raise QualcodeError(f"refused: zip entry {info.filename!r} is larger than 200 MB", where=where)
        out[norm] = info
    return out


def read_qdpx(path: str | Path) -> RefiProject:
    """Read and check a whole .qdpx; raises QualcodeError naming the first problem."""
    where = str(path)
    if not Path(path).is_file():
        raise QualcodeError("no such file", where=where)
    if not zipfile.is_zipfile(path):
        raise QualcodeError("not a REFI-QDA project: a .qdpx is a zip archive, and this file is not one", where=where)
    with zipfile.ZipFile(path) as zf:
        names = _zip_names(zf, where)
        qde = next((n for n in names if n.lower() == "project.qde"), None)
        if qde is None:
            raise QualcodeError("not a REFI-QDA project: the archive holds no project.qde", where=where)
        data = zf.read(names[qde])
        root = X.parse(data, f"{where}:project.qde")
        X.validate(data, "project", f"{where}:project.qde")
        return _read_project(root, lambda p: zf.read(names[p]) if p in names else None, Path(path), where)


def _read_project(root: ET.Element, read: Any, path: Path, where: str) -> RefiProject:
    codes = project_codes(root, path.stem)
    users = {u.get("guid", "").strip("{}").upper(): _coder_name(u) for u in _all(root, "Users", "User")}
    variables = {v.get("guid", "").strip("{}").upper(): v.get("name", "") for v in _all(root, "Variables", "Variable")}
    case_values = _case_values(root, variables)
    not_kept = list(codes.not_kept)
    sources: list[Source] = []
    taken: set[str] = set()
    srcs_el = child(root, "Sources")
    counts: dict[str, int] = {}
    for el in list(srcs_el) if srcs_el is not None else []:
        tag = local(el.tag)
        if tag != "TextSource":
            counts[tag] = counts.get(tag, 0) + 1
            continue
        sources.append(_source(el, read, path, where, codes, users, variables, case_values, taken))
    for tag, n in counts.items():
        not_kept.append(f"{n} {NOT_KEPT.get(tag, tag)} (qualcode keeps text sources only)")
    for tag in ("Graphs", "Sets", "Links", "Notes"):
        el = child(root, tag)
        if el is not None:
            not_kept.append(f"{len(list(el))} {NOT_KEPT[tag]} (not kept by qualcode)")
    return RefiProject(codes, sources, not_kept)


def _all(root: ET.Element, outer: str, inner: str) -> list[ET.Element]:
    el = child(root, outer)
    return children(el, inner) if el is not None else []


def _coder_name(user: ET.Element) -> str:
    name = (user.get("name") or user.get("id") or "refi").strip()
    return " ".join(name.replace(",", " ").split()) or "refi"


def _case_values(root: ET.Element, variables: dict[str, str]) -> dict[str, dict[str, str]]:
    """source GUID -> attributes given to it through the Cases it belongs to."""
    out: dict[str, dict[str, str]] = {}
    for case in _all(root, "Cases", "Case"):
        values = _values(case, variables)
        for ref in children(case, "SourceRef"):
            out.setdefault(ref.get("targetGUID", "").strip("{}").upper(), {}).update(values)
    return out


def _values(el: ET.Element, variables: dict[str, str]) -> dict[str, str]:
    out = {}
    for vv in children(el, "VariableValue"):
        ref = child(vv, "VariableRef")
        name = variables.get((ref.get("targetGUID", "") if ref is not None else "").strip("{}").upper())
        value = next((c.text or "" for c in vv if local(c.tag) != "VariableRef"), "")
        if name:
            out[slug(name)] = value
    return out


def _source(el: ET.Element, read: Any, path: Path, where: str, codes: CodeTree, users: dict[str, str],
            variables: dict[str, str], case_values: dict[str, dict[str, str]], taken: set[str]) -> Source:
    sguid = el.get("guid", "").strip("{}").upper()
    name = el.get("name") or sguid
    doc = _unique_doc(name, taken)
    text = _source_text(el, read, path, where, name)
    attrs = {**case_values.get(sguid, {}), **_values(el, variables)}
    src = Source(doc, text, attrs)
    for sel in children(el, "PlainTextSelection"):
        a, b = int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))
        if not 0 <= a < b <= len(text):
            raise QualcodeError(f"source {name!r}: a coding at {a}:{b} lies outside its text (0:{len(text)})",
                                where=where)
        for coding in children(sel, "Coding"):
            src.codings.append((a, b, _code_ref(coding, codes, name, where), _user(coding, sel, users)))
    for coding in children(el, "Coding"):      # a coding of the whole source
        if text.strip():
            src.codings.append((0, len(text), _code_ref(coding, codes, name, where), _user(coding, el, users)))
    return src


def _unique_doc(name: str, taken: set[str]) -> str:
    base = " ".join(name.replace("/", "_").split())[:120] or "source"
    doc, n = base, 2
    while doc in taken:
        doc, n = f"{base}_{n}", n + 1
    taken.add(doc)
    return doc


def _code_ref(coding: ET.Element, codes: CodeTree, source: str, where: str) -> str:
    ref = child(coding, "CodeRef")
    target = (ref.get("targetGUID", "") if ref is not None else "").strip("{}").upper()
    if target not in codes.by_guid:
        raise QualcodeError(f"source {source!r}: a coding refers to code {target}, which the codebook lacks", where=where)
    return codes.by_guid[target]


def _user(coding: ET.Element, sel: ET.Element, users: dict[str, str]) -> str:
    g = (coding.get("creatingUser") or sel.get("creatingUser") or "").strip("{}").upper()
    return users.get(g, "refi")


def _source_text(el: ET.Element, read: Any, path: Path, where: str, name: str) -> str:
    """The plain text: inline, or the plainTextPath file (internal:// in the archive's sources/,
    else relative to the .qdpx's folder or absolute); blank with a Word richTextPath: the Word text."""
    inline = child(el, "PlainTextContent")
    if inline is not None:
        return inline.text or ""
    plain = el.get("plainTextPath")
    text = _decode(_read_ref(plain, read, path, where, name), where, name) if plain else ""
    rich = el.get("richTextPath")
    if not text.strip() and rich and rich.lower().endswith(".docx") and not children(el, "PlainTextSelection"):
        return _docx_text(_read_ref(rich, read, path, where, name), where)
    if not plain and not rich:
        raise QualcodeError(f"source {name!r} has neither text nor a path to it", where=where)
    return text


def _read_ref(ref: str, read: Any, path: Path, where: str, name: str) -> bytes:
    if ref.startswith("internal://"):
        rel = posixpath.normpath("sources/" + ref[len("internal://"):])
        if rel.startswith("../") or not rel.startswith("sources/"):
            raise QualcodeError(f"refused: source {name!r} points outside the archive ({ref})", where=where)
        data = read(rel)
        if data is None:
            raise QualcodeError(f"source {name!r}: {ref} is referenced but not in the archive", where=where)
        return data
    local_path = Path(ref[len("file://"):] if ref.startswith("file://") else ref)
    inside = posixpath.normpath("sources/" + ref)
    if not local_path.is_absolute() and inside.startswith("sources/") and read(inside) is not None:
        return read(inside)     # a bare file name that the writer (qc 1.3) put in the archive's sources/
    if not local_path.is_absolute():
        local_path = path.parent / local_path
    if not local_path.is_file():
        raise QualcodeError(f"source {name!r}: external file {local_path} is missing", where=where)
    return local_path.read_bytes()


def _decode(data: bytes, where: str, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QualcodeError(f"source {name!r}: the plain text is not UTF-8 as the standard requires", where=where) from None


def _docx_text(data: bytes, where: str) -> str:
    from qualcode.ingest.office_zip import checked_office_file
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "source.docx"
        f.write_bytes(data)
        stream = checked_office_file(f, "Word")
    import docx
    try:
        document = docx.Document(stream)
    except Exception as e:  # noqa: BLE001 - python-docx raises several types for a broken file
        raise QualcodeError(f"cannot read a Word source ({type(e).__name__})", where=where) from None
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def read_qdc(path: str | Path) -> CodeTree:
    """A REFI-QDA codebook file as a code tree (Sets become groups)."""
    where = str(path)
    if not Path(path).is_file():
        raise QualcodeError("no such file", where=where)
    data = Path(path).read_bytes()
    root = X.parse(data, where)
    X.validate(data, "codebook", where)
    return read_codes(child(root, "Codes"), root.get("origin") or Path(path).stem, child(root, "Sets"))
