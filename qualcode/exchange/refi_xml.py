"""QDA-XML (REFI-QDA) as files: namespaces, stable GUIDs, hardened parsing, schema validation.

Every file qualcode writes is checked against the official schemas (vendored in ``schemas/``
under REFI's MIT licence), and every file it reads is checked before anything is taken from
it. Reading refuses a DTD outright (defusedxml), so entity bombs and external entities never
expand; the schema check then runs on an lxml tree that resolves nothing, so its first error
can name its line.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from qualcode.errors import QualcodeError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
MAX_XML_BYTES = 200 * 1024 * 1024
# the namespace of qualcode's GUIDs: uuid5(this, "<project key>/<kind>/<id>")
QUALCODE_NS = uuid.UUID("4b0f5b0e-8d3c-5c1e-9a57-7175616c636f")


def guid(project_key: str, kind: str, key: str) -> str:
    """A GUID that is the same every time the same thing of the same project is exported."""
    return str(uuid.uuid5(QUALCODE_NS, f"{project_key}/{kind}/{key}")).upper()


@cache
def schema(kind: str) -> Any:
    """The official schema, ``project`` or ``codebook`` (xmlschema is loaded only when needed)."""
    import xmlschema
    return xmlschema.XMLSchema(str(SCHEMAS / f"{kind}.xsd"))


def schema_errors(data: bytes, kind: str, limit: int = 1) -> list[str]:
    """The first ``limit`` schema errors of a document, each as "line N: what is wrong"."""
    import lxml.etree as LE
    parser = LE.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        tree = LE.fromstring(data, parser)
    except LE.XMLSyntaxError as e:
        return [f"line {e.lineno}: not well-formed XML ({e.msg})"]
    out = []
    for err in schema(kind).iter_errors(tree):
        reason = " ".join(str(err.reason or err.message).split())
        out.append(f"line {err.sourceline}: {err.path}: {reason[:200]}")
        if len(out) >= limit:
            break
    return out


def validate(data: bytes, kind: str, where: str) -> None:
    """Refuse a document that does not conform to the official schema, naming its first error."""
    errors = schema_errors(data, kind)
    if errors:
        raise QualcodeError(f"does not conform to the REFI-QDA {kind} schema: {errors[0]}", where=where)


def parse(data: bytes, where: str) -> ET.Element:
    """The root element, parsed by defusedxml: a DTD, entity or external reference is refused."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException
    if len(data) > MAX_XML_BYTES:
        raise QualcodeError(f"the XML is larger than {MAX_XML_BYTES // 2**20} MB; refused", where=where)
    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise QualcodeError(f"refused: the XML declares a DTD or entities ({type(e).__name__}); "
                            "a REFI-QDA file needs none", where=where) from None
    except ET.ParseError as e:
        raise QualcodeError(f"not well-formed XML ({e})", where=where) from None


def local(tag: str) -> str:
    """``{urn:…}Code`` -> ``Code``."""
    return tag.rsplit("}", 1)[-1]


def children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == name]


def child(el: ET.Element, name: str) -> ET.Element | None:
    found = children(el, name)
    return found[0] if found else None


def text_of(el: ET.Element, name: str) -> str:
    c = child(el, name)
    return (c.text or "") if c is not None else ""


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
