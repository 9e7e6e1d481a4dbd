"""What a ``suggest`` run must redo, and the record of what the stored suggestions were made from.

A code's rule suggestions on a segment depend on the segment's tokens and on that code's own
patterns, exclusions and scores, never on another code; a choice cell's suggestion depends on its
text and on its code group; a model suggestion on the segment's words and on the models. So the
project keeps, in ``suggest_state``, a fingerprint per (field, code) of the rules
(``rules.code_fingerprint``), one per choice field of its group (``choices.group_fingerprint``, code
``''``) and one of the learned models (``learn.models_fingerprint``, row ``learn.MODEL_STATE``). A
run compares them with the codebook and models it has now and redoes only what differs; segments
without cached tokens of the current pipeline (new ones, and those an import moved) always get
everything. The state is written only after the work it describes is stored, so an interrupted
run leaves the state behind the suggestions, never ahead of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from qualcode.suggest.choices import group_fingerprint
from qualcode.codebook import Codebook
from qualcode.fields import choice_group
from qualcode.suggest.rules import code_fingerprint


@dataclass
class FieldPlan:
    """What a run does in one notes/text field."""

    codes: list[str]               # the field's codes in scope: what uncached segments get
    fingerprints: dict[str, str]   # code -> fingerprint of its rules now
    rematch: list[str]             # codes to apply again to segments with cached tokens
    store_filter: list[str] | None  # codes whose stored suggestions those segments replace (None: all)


def read_state(conn: Any) -> dict[str, dict[str, str]]:
    state: dict[str, dict[str, str]] = {}
    for fld, code, fp in conn.execute("SELECT field, code, fingerprint FROM suggest_state"):
        state.setdefault(fld, {})[code] = fp
    return state


def plan_fields(cb: Codebook, groups: dict[str, list[str]], scores: dict[str, float], wanted_codes: set[str] | None,
                state: dict[str, dict[str, str]] | None) -> dict[str, FieldPlan]:
    """Per rule field: which codes to re-match on cached tokens. ``state`` None: all of them."""
    plans = {}
    for name, grps in groups.items():
        field_codes = [c for c in cb.codes if c.group in grps]
        fps = {c.id: code_fingerprint(c, scores, cb.abbreviations) for c in field_codes if wanted_codes is None or c.id in wanted_codes}
        everything = sorted(wanted_codes) if wanted_codes is not None else None
        stored = state.get(name) if state is not None else None
        if not stored:  # never suggested here (or a forced run): everything in scope
            plans[name] = FieldPlan(list(fps), fps, list(fps), everything)
            continue
        changed = [c for c, fp in fps.items() if stored.get(c) != fp]
        known = {c.id for c in field_codes}
        removed = [c for c in stored if c and c not in known] if wanted_codes is None else []
        plans[name] = FieldPlan(list(fps), fps, changed, changed + removed)
    return plans


def models_before(project: Any, incremental: bool, tokenizing: bool) -> tuple[str, bool] | None:
    """(fingerprint, whether the stored model rows are current) before a run; None without a model.

    A run that tokenizes new segments forgets that the model rows are current until it has
    predicted for those segments too (or, narrowed to some codes or documents, for good), so
    that no segment is left without them by an interrupted or narrowed run.
    """
    if project.conn.execute("SELECT 1 FROM models LIMIT 1").fetchone() is None:
        return None
    from qualcode.suggest.model.predict import MODEL_STATE, models_fingerprint
    fingerprint = models_fingerprint(project)
    row = project.conn.execute("SELECT fingerprint FROM suggest_state WHERE field = ? AND code = ?",
                               MODEL_STATE).fetchone()
    current = incremental and row is not None and row[0] == fingerprint
    if tokenizing and row is not None:
        with project.transaction():
            project.conn.execute("DELETE FROM suggest_state WHERE field = ? AND code = ?", MODEL_STATE)
    return fingerprint or "", current


def choice_fingerprints(cb: Codebook, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Choice field -> fingerprint of its code group (fields bound to a group the codebook lacks
    are left out; suggest refuses them)."""
    out = {}
    for name, f in fields.items():
        group = choice_group(f)
        if f["kind"] == "choice" and group in cb.groups:
            out[name] = group_fingerprint(cb, group)
    return out


def has_work(plan: FieldPlan) -> bool:
    """Whether a field's cached segments need the rules again (some code to redo or to drop)."""
    return plan.store_filter is None or bool(plan.store_filter)


def save_rule_state(project: Any, plans: dict[str, FieldPlan], wanted_codes: set[str] | None,
                    wanted_docs: list[str] | None, tokenized_fields: set[str]) -> None:
    """Record what each rule field's suggestions are now computed from, once the whole field is done.

    Segments first tokenized in a run narrowed to some codes lack the other codes'
    suggestions, so those codes' state is dropped and the next run fills them in."""
    rows: list[tuple[str, str, str]] = []
    stale: list[tuple[str, str]] = []
    for fld, plan in plans.items():
        if wanted_codes is not None and fld in tokenized_fields:
            stale.append((fld, json.dumps(sorted(wanted_codes))))
        if wanted_docs is None:
            rows += [(fld, code, fp) for code, fp in plan.fingerprints.items()]
    with project.transaction() as c:
        for fld, keep in stale:
            c.execute("DELETE FROM suggest_state WHERE field = ? AND code NOT IN (SELECT value FROM json_each(?))",
                      (fld, keep))
        if wanted_docs is None and wanted_codes is None:  # codes no longer in a field go too
            c.executemany("DELETE FROM suggest_state WHERE field = ? AND code != ''", [(f,) for f in plans])
        _upsert(c, rows)


def save_choice_state(project: Any, fingerprints: dict[str, str], redone: set[str]) -> None:
    """Record the code group each redone choice field was read against (whole fields only)."""
    with project.transaction() as c:
        _upsert(c, [(fld, "", fp) for fld, fp in fingerprints.items() if fld in redone])


def _upsert(c: Any, rows: list[tuple[str, str, str]]) -> None:
    c.executemany("INSERT INTO suggest_state(field, code, fingerprint) VALUES (?,?,?) "
                  "ON CONFLICT(field, code) DO UPDATE SET fingerprint = excluded.fingerprint", rows)
