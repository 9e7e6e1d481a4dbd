"""Writing a project as REFI-QDA: ``.qdpx`` (project.qde + sources) and ``.qdc`` (the codebook).

What goes where:

- each code group is a parent Code (not codable), its codes below it, a code's ``parent`` nesting
  it further; the qualcode id, group and number travel in a last line of the Description
  (``qualcode: id=lon group=tema``), so that an import here gets the same ids back while other
  tools show the description as it is; one colour per group;
- coders are Users; each document is a TextSource whose plain text is the document's text (a
  survey response: one line per answered field, ``field: answer``), stored UTF-8 exactly as
  held, so offsets (Unicode code points, as the standard counts them) match;
- every validated coding is a Coding on a PlainTextSelection: a segment coding covers the
  segment, a span coding its own span (the segment decisions a span made are not exported
  twice);
- document attributes are Variables, and each document a Case holding its values;
- memos (the ``memos`` table, when there is one) are Notes referred to from what they are on.

GUIDs are uuid5 of the project's creation stamp and the thing's id, so two exports of one
project agree and a tool that re-imports it can recognise what it has seen.
"""

from __future__ import annotations

import importlib.metadata
import io
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from qualcode.errors import QualcodeError
from qualcode.exchange import refi_xml as X
from qualcode.spans import SPAN_NOTE, current_spans

PALETTE = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
           "#BCBD22", "#17BECF"]
ID_LINE = "qualcode:"


@dataclass
class DocText:
    """A document's plain text and where each field's coordinates start in it."""
    text: str
    base: dict[str, int] = field(default_factory=dict)


@dataclass
class ExportSummary:
    codes: int = 0
    documents: int = 0
    codings: int = 0
    users: int = 0
    notes: int = 0

    def line(self, path: str) -> str:
        return (f"wrote {path}: {self.codes} codes, {self.documents} documents, {self.codings} codings, "
                f"{self.users} coders, {self.notes} notes")


def project_key(project: Any) -> str:
    return project.meta("created_at") or project.path


def _origin() -> str:
    try:
        return f"qualcode {importlib.metadata.version('qualcode')}"
    except importlib.metadata.PackageNotFoundError:
        return "qualcode"


def id_line(code_id: str, group: str, number: int | None = None) -> str:
    return f"{ID_LINE} id={code_id} group={group}" + (f" number={number}" if number is not None else "")


def _description(text: str, tail: str) -> str:
    return f"{text}\n{tail}" if text else tail


def codebook_element(project: Any, ns: str, notes: dict[tuple, list[str]] | None = None) -> ET.Element:
    """<Codes> with the groups as parent codes; ``notes`` maps ('code', id) to Note GUIDs."""
    cb, key = project.codebook, project_key(project)
    codes = ET.Element(f"{{{ns}}}Codes")
    for i, (gid, group) in enumerate(cb.groups.items() or {}):
        colour = PALETTE[i % len(PALETTE)]
        g = ET.SubElement(codes, f"{{{ns}}}Code", guid=X.guid(key, "group", gid), name=group.label or gid,
                          isCodable="false", color=colour)
        ET.SubElement(g, f"{{{ns}}}Description").text = _description(group.description, f"{ID_LINE} group={gid}")
        _code_children(project, g, ns, gid, None, colour, notes or {})
    ungrouped = [c for c in cb.codes if c.group not in cb.groups and c.parent is None]
    for c in ungrouped:
        _code_element(project, codes, ns, c, PALETTE[0], notes or {})
    return codes


def _code_children(project: Any, parent_el: ET.Element, ns: str, group: str, parent: str | None, colour: str,
                   notes: dict[tuple, list[str]]) -> None:
    for c in project.codebook.codes:
        if c.group == group and c.parent == parent:
            _code_element(project, parent_el, ns, c, colour, notes)


def _code_element(project: Any, parent_el: ET.Element, ns: str, c: Any, colour: str,
                  notes: dict[tuple, list[str]]) -> None:
    el = ET.SubElement(parent_el, f"{{{ns}}}Code", guid=code_guid(project, c.id), name=c.label,
                       isCodable="true", color=colour)
    ET.SubElement(el, f"{{{ns}}}Description").text = _description(c.description, id_line(c.id, c.group, c.number))
    if ns == X.PROJECT_NS:
        for n in notes.get(("code", c.id), []):
            ET.SubElement(el, f"{{{ns}}}NoteRef", targetGUID=n)
    _code_children(project, el, ns, c.group, c.id, colour, notes)


def code_guid(project: Any, code_id: str) -> str:
    return X.guid(project_key(project), "code", code_id)


def write_qdc(project: Any, path: str | Path) -> ExportSummary:
    """The codebook alone as a REFI-QDA Codebook file, validated before it is written."""
    root = ET.Element(f"{{{X.CODEBOOK_NS}}}CodeBook", origin=_origin())
    root.append(codebook_element(project, X.CODEBOOK_NS))
    data = X.to_bytes(_default_ns(root, X.CODEBOOK_NS))
    X.validate(data, "codebook", "the .qdc qualcode wrote (a bug)")
    _atomic_write(Path(path), data)
    return ExportSummary(codes=len(project.codebook.codes))


def document_text(conn: sqlite3.Connection, doc: str) -> DocText:
    """The plain text a document is exported as, and each field's offset into it."""
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()
    kinds = {r[0]: r[1] for r in conn.execute("SELECT name, kind FROM fields")}
    segs = conn.execute("SELECT field, text FROM segments WHERE doc = ? AND retired = 0 ORDER BY field, position",
                        (doc,)).fetchall()
    fields = list(dict.fromkeys(r[0] for r in segs))
    if row[0] is not None and all(kinds.get(f) == "notes" for f in fields):
        return DocText(row[0], {f: 0 for f in fields})
    out, base = [], {}
    pos = 0
    for f in fields:
        cell = next(r[1] for r in segs if r[0] == f)
        prefix = f"{f}: "
        base[f] = pos + len(prefix)
        out.append(prefix + cell)
        pos += len(prefix) + len(cell) + 1
    return DocText("\n".join(out), base)


def validated_codings(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every coder's validated codings: segment codings (not those a span made) and spans,
    each with doc, field, start, end, code, coder and segment (None for a span)."""
    rows = conn.execute(
        "SELECT l.coder, l.code, s.id AS segment, s.doc, s.field, s.start, s.end, d.note, d.made_at "
        "FROM latest_decisions l JOIN decisions d ON d.id = l.decision JOIN segments s ON s.id = l.segment "
        "WHERE l.verdict IN ('accept', 'add') AND s.retired = 0 "
        "AND s.doc NOT IN (SELECT doc FROM removed_documents) ORDER BY s.doc, s.start, l.code, l.coder")
    out = [dict(r) for r in rows if not (r["note"] or "").startswith(SPAN_NOTE)]
    removed = {r[0] for r in conn.execute("SELECT doc FROM removed_documents")}
    out += [dict(s.to_json(), segment=None, made_at=None) for s in current_spans(conn) if s.doc not in removed]
    return out


def _default_ns(root: ET.Element, ns: str) -> ET.Element:
    ET.register_namespace("", ns)
    return root


def _memos(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'memos'").fetchone() is None:
        return []
    return [dict(r) for r in conn.execute("SELECT * FROM memos ORDER BY id")]


class _Builder:
    """Builds project.qde and the source files of one export."""

    def __init__(self, project: Any) -> None:
        self.p, self.conn, self.key = project, project.conn, project_key(project)
        self.ns = X.PROJECT_NS
        self.summary = ExportSummary()
        self.sources: dict[str, str] = {}      # zip path -> text
        self.memos = _memos(self.conn)
        self.note_refs: dict[tuple, list[str]] = {}
        for m in self.memos:
            target = {"project": ("project",), "document": ("document", m.get("doc")),
                      "code": ("code", m.get("code")), "coding": ("coding", m.get("segment"), m.get("code"))}
            self.note_refs.setdefault(target.get(m["kind"], ("project",)), []).append(self.guid("note", m["id"]))

    def E(self, parent: ET.Element | None, tag: str, **attrs: Any) -> ET.Element:
        attrs = {k: str(v) for k, v in attrs.items() if v is not None}
        name = f"{{{self.ns}}}{tag}"
        return ET.Element(name, attrs) if parent is None else ET.SubElement(parent, name, attrs)

    def guid(self, kind: str, key: Any) -> str:
        return X.guid(self.key, kind, str(key))

    def build(self) -> ET.Element:
        root = self.E(None, "Project", name=Path(self.p.path).stem, origin=_origin())
        codings = validated_codings(self.conn)
        users = sorted({c["coder"] for c in codings})
        if users:
            ul = self.E(root, "Users")
            for u in users:
                self.E(ul, "User", guid=self.guid("user", u), name=u)
        cb = self.E(root, "CodeBook")
        cb.append(codebook_element(self.p, self.ns, self.note_refs))
        self.summary.codes, self.summary.users = len(self.p.codebook.codes), len(users)
        docs = self.p.documents()
        self._variables(root, docs)
        srcs = self.E(root, "Sources") if docs else None
        for d in docs:
            self._source(srcs, d, [c for c in codings if c["doc"] == d["id"]])
        self._notes(root)
        return root

    def _variables(self, root: ET.Element, docs: list[dict[str, Any]]) -> None:
        names = sorted({k for d in docs for k, v in d["attributes"].items() if v is not None})
        if not names:
            return
        vs = self.E(root, "Variables")
        for n in names:
            self.E(vs, "Variable", guid=self.guid("variable", n), name=n, typeOfVariable="Text")
        cases = self.E(root, "Cases")
        for d in docs:
            case = self.E(cases, "Case", guid=self.guid("case", d["id"]), name=d["id"])
            for n, v in sorted(d["attributes"].items()):
                if v is None:
                    continue
                vv = self.E(case, "VariableValue")
                self.E(vv, "VariableRef", targetGUID=self.guid("variable", n))
                self.E(vv, "TextValue").text = v
            self.E(case, "SourceRef", targetGUID=self.guid("source", d["id"]))

    def _source(self, parent: ET.Element, d: dict[str, Any], codings: list[dict[str, Any]]) -> None:
        sg = self.guid("source", d["id"])
        dt = document_text(self.conn, d["id"])
        self.sources[f"sources/{sg}.txt"] = dt.text
        src = self.E(parent, "TextSource", guid=sg, name=d["id"], plainTextPath=f"internal://{sg}.txt")
        selections: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for c in codings:
            a = dt.base[c["field"]] + c["start"]
            selections.setdefault((a, dt.base[c["field"]] + c["end"]), []).append(c)
        for (a, b), cs in sorted(selections.items()):
            sel = self.E(src, "PlainTextSelection", guid=self.guid("selection", f"{d['id']}:{a}:{b}"),
                         name=_selection_name(dt.text, a, b), startPosition=a, endPosition=b)
            for c in cs:
                coding = self.E(sel, "Coding", guid=self.guid("coding", f"{d['id']}:{a}:{b}:{c['code']}:{c['coder']}"),
                                creatingUser=self.guid("user", c["coder"]))
                self.E(coding, "CodeRef", targetGUID=code_guid(self.p, c["code"]))
                self.summary.codings += 1
            for c in cs:
                for n in self.note_refs.get(("coding", c["segment"], c["code"]), []) if c["segment"] else []:
                    self.E(sel, "NoteRef", targetGUID=n)
        for n in self.note_refs.get(("document", d["id"]), []):
            self.E(src, "NoteRef", targetGUID=n)
        self.summary.documents += 1

    def _notes(self, root: ET.Element) -> None:
        if not self.memos:
            return
        notes = self.E(root, "Notes")
        for m in self.memos:
            note = self.E(notes, "Note", guid=self.guid("note", m["id"]), name=f"memo {m['id']} ({m['kind']})")
            self.E(note, "PlainTextContent").text = m.get("text") or ""
            self.summary.notes += 1
        for n in self.note_refs.get(("project",), []):
            self.E(root, "NoteRef", targetGUID=n)


def _selection_name(text: str, a: int, b: int) -> str:
    """"line:N the words": the words for a reader; the line first because qc 1.7 places a coding
    by a name starting "line:N" (its offset-to-line lookup puts every other coding on line 0)."""
    return f"line:{text.count(chr(10), 0, a)} {' '.join(text[a:b].split())[:60]}"


def build_qdpx(project: Any) -> tuple[bytes, dict[str, str], ExportSummary]:
    """project.qde (validated against the Project schema), the source texts, and what is in them."""
    b = _Builder(project)
    root = _default_ns(b.build(), X.PROJECT_NS)
    data = X.to_bytes(root)
    X.validate(data, "project", "the project.qde qualcode wrote (a bug)")
    return data, b.sources, b.summary


def write_qdpx(project: Any, path: str | Path) -> ExportSummary:
    """The project as a REFI-QDA ``.qdpx`` (a zip of project.qde and sources/), written whole or not at all."""
    data, sources, summary = build_qdpx(project)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", data)
        for name, text in sources.items():
            zf.writestr(name, text.encode("utf-8"))
    _atomic_write(Path(path), buf.getvalue())
    return summary


def _atomic_write(path: Path, data: bytes) -> None:
    if not path.absolute().parent.is_dir():
        raise QualcodeError(f"cannot write {path}: folder {path.absolute().parent} does not exist")
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
