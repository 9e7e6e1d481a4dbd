"""Which codes a field gets, and the checks of a run's scope: one place for rules every step shares.

Notes and open fields get the general code groups; a choice field codes against its bound
group, the plan's areas unless the import said otherwise. Suggest, learn, tally and the demo
all ask here, so a field can never be coded against one group and counted against another.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from qualcode.codebook import AREA_GROUP, Codebook
from qualcode.errors import QualcodeError

RULE_KINDS = ("notes", "text")   # field kinds whose segments the rules and models read
CONFIDENT = 0.5                  # below this a suggestion is a hint, not a claim (DESIGN.md)


def choice_group(field: dict[str, Any]) -> str:
    """The code group a choice field's answers are read against."""
    return field.get("code_group") or AREA_GROUP


def field_groups(codebook: Codebook, fields: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Which code groups the rules suggest in each notes/text field.

    A text field bound to a group at import (``--field-group fraga_2a=fraga2a``) or named in a
    group's ``fields:`` in the codebook gets that group's codes; notes and other open fields get
    the general groups, those that declare no fields (binding a general group such as ``tema``
    to a comment column does not take it away from the notes).
    """
    declared = {f: g.id for g in codebook.groups.values() for f in g.fields}
    general = [g.id for g in codebook.groups.values() if not g.fields]
    out = {}
    for name, f in fields.items():
        if f["kind"] not in RULE_KINDS:
            continue
        own = (f.get("code_group") if f["kind"] == "text" else None) or declared.get(name)
        out[name] = [own] if own else general
    return out


def check_codes(codebook: Codebook, codes: Iterable[str] | None) -> set[str] | None:
    """The codes a run is narrowed to, each checked against the codebook (None: all)."""
    if codes is None:
        return None
    return {codebook.resolve(c.strip()).id for c in codes if c.strip()}  # id or label, as a person types it


def check_docs(conn: Any, docs: Iterable[str] | None) -> list[str] | None:
    """The documents a run is narrowed to, each checked to exist (None: all)."""
    if docs is None:
        return None
    wanted = sorted({d.strip() for d in docs if d.strip()})
    known = {r[0] for r in conn.execute(
        "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(wanted),))}
    missing = [d for d in wanted if d not in known]
    if missing:
        raise QualcodeError(f"unknown document{'s' if len(missing) > 1 else ''} {', '.join(missing[:5])}")
    return wanted
