"""REFI-QDA codes -> a qualcode codebook (YAML), for ``import qdpx`` and ``import qdc``.

A code qualcode exported carries its id, group and number in a last Description line
(``qualcode: id=lon group=tema``) and gets them back. A code from another tool gets an id made
from its name (lower case, å/ä/ö folded, other characters as ``_``, unique). A top-level code
that is not codable and has codes below it is a group (that is how qualcode exports groups);
the Sets of an ATLAS.ti or MAXQDA codebook are groups too; any other code lands in the group
``koder``. A code below another codable code keeps it as its ``parent``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import yaml

from qualcode.exchange.refi_xml import child, children, text_of

DEFAULT_GROUP = "koder"
_ID_LINE = re.compile(r"^qualcode:((?:\s+\w+=\S+)+)\s*$", re.M)


@dataclass
class CodeTree:
    """What an import takes from the codes: YAML-ready groups and codes, GUID -> code id."""
    name: str
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: list[dict[str, Any]] = field(default_factory=list)
    by_guid: dict[str, str] = field(default_factory=dict)
    not_kept: list[str] = field(default_factory=list)
    colours: int = 0

    def yaml_text(self) -> str:
        groups = self.groups or {DEFAULT_GROUP: {"label": "Koder"}}
        data = {"name": self.name, "groups": groups, "codes": self.codes}
        head = "# Codebook imported from a REFI-QDA file by 'qualcode import'; edit it as any codebook.\n"
        return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    return s if s and s[0].isalpha() else f"k_{s}" if s else "kod"


def _unique(base: str, taken: set[str]) -> str:
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}_{n}", n + 1
    taken.add(cid)
    return cid


def _split_description(text: str) -> tuple[str, dict[str, str]]:
    m = _ID_LINE.search(text or "")
    if not m:
        return " ".join((text or "").split()), {}
    keys = dict(kv.split("=", 1) for kv in m.group(1).split())
    rest = (text[:m.start()] + text[m.end():]).strip()
    return " ".join(rest.split()), keys


def read_codes(codes_el: ET.Element | None, name: str, sets_el: ET.Element | None = None) -> CodeTree:
    tree = CodeTree(name)
    taken: set[str] = set()
    for top in children(codes_el, "Code") if codes_el is not None else []:
        desc, keys = _split_description(text_of(top, "Description"))
        is_group = top.get("isCodable") == "false" and children(top, "Code")
        if is_group and "id" not in keys:
            gid = keys.get("group") or slug(top.get("name", ""))
            tree.groups.setdefault(gid, {"label": top.get("name") or gid, **({"description": desc} if desc else {})})
            for c in children(top, "Code"):
                _code(tree, c, gid, None, taken)
        else:
            _code(tree, top, None, None, taken)
    if sets_el is not None:
        _sets(tree, sets_el)
    if any(c["group"] == DEFAULT_GROUP for c in tree.codes):
        tree.groups.setdefault(DEFAULT_GROUP, {"label": "Koder"})
    if tree.colours:
        tree.not_kept.append(f"colours of {tree.colours} codes (a qualcode codebook has no colours)")
    return tree


def _code(tree: CodeTree, el: ET.Element, group: str | None, parent: str | None, taken: set[str]) -> None:
    desc, keys = _split_description(text_of(el, "Description"))
    cid = _unique(keys.get("id") or slug(el.get("name", "")), taken)
    grp = keys.get("group") or group or DEFAULT_GROUP
    if grp not in tree.groups and grp != DEFAULT_GROUP:
        tree.groups[grp] = {"label": grp}
    entry: dict[str, Any] = {"id": cid, "label": el.get("name") or cid, "group": grp}
    if keys.get("number", "").isdigit():
        entry["number"] = int(keys["number"])
    if parent:
        entry["parent"] = parent
    if desc:
        entry["description"] = desc
    tree.codes.append(entry)
    tree.by_guid[el.get("guid", "").strip("{}").upper()] = cid
    tree.colours += el.get("color") is not None
    for c in children(el, "Code"):
        _code(tree, c, grp, cid, taken)


def _sets(tree: CodeTree, sets_el: ET.Element) -> None:
    """A codebook's Sets (ATLAS.ti, MAXQDA code groups) become groups; a code in several sets
    stays in the first, and the others are reported."""
    by_id = {c["id"]: c for c in tree.codes}
    for s in children(sets_el, "Set"):
        gid = slug(s.get("name", "set"))
        tree.groups.setdefault(gid, {"label": s.get("name") or gid})
        desc = text_of(s, "Description")
        if desc:
            tree.groups[gid]["description"] = " ".join(desc.split())
        for m in children(s, "MemberCode"):
            cid = tree.by_guid.get(m.get("guid", "").strip("{}").upper())
            if cid is None:
                continue
            code = by_id[cid]
            if code["group"] == DEFAULT_GROUP and "parent" not in code:
                code["group"] = gid
            elif code["group"] != gid:
                tree.not_kept.append(f"code {cid} is also in set {s.get('name')!r} (kept in group {code['group']})")


def codebook_name(root: ET.Element, fallback: str) -> str:
    return root.get("name") or root.get("origin") or fallback


def project_codes(root: ET.Element, fallback: str) -> CodeTree:
    cb = child(root, "CodeBook")
    return read_codes(child(cb, "Codes") if cb is not None else None, codebook_name(root, fallback))
