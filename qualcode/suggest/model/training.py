"""Training data: per code group, the segments reviewers validated and the codes each holds.

A unit is a segment on which the chosen coder(s) hold any non-retract decision, or which a
coder walked past in ``review --uncoded`` without adding a code (before that walk's cursor).
Accepted and added codes are positives; rejected suggestions and every other code of the group
are negatives. With several coders, a (segment, code) on which they disagree is *contradictory*
and is left out of that code's training (counted and reported), as are segments whose identical
text carries both verdicts.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from qualcode.errors import QualcodeError
from qualcode.fields import field_groups
from qualcode.suggest.model.features import feature_texts, field_kinds


@dataclass
class TrainingSet:
    """One code group's units: segment ids, feature texts and per-code labels (1, 0, or None = unknown)."""

    group: str
    codes: list[str]
    segments: list[int] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (lemma document, raw text)
    text_hashes: list[str] = field(default_factory=list)
    labels: dict[str, list[int | None]] = field(default_factory=dict)
    contradictory: int = 0

    def __len__(self) -> int:
        return len(self.segments)

    def counts(self, code: str) -> tuple[int, int]:
        ys = self.labels[code]
        return sum(1 for y in ys if y == 1), sum(1 for y in ys if y == 0)

    def subset(self, idx: Sequence[int]) -> "TrainingSet":
        return TrainingSet(self.group, self.codes, [self.segments[i] for i in idx], [self.docs[i] for i in idx],
                           [self.texts[i] for i in idx], [self.text_hashes[i] for i in idx],
                           {c: [ys[i] for i in idx] for c, ys in self.labels.items()}, self.contradictory)

    def data_hash(self, settings: dict[str, Any]) -> str:
        """What the model is a function of: the texts, the labels and the settings."""
        h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
        for i in sorted(range(len(self)), key=lambda i: self.segments[i]):
            h.update(f"{self.segments[i]}:{self.text_hashes[i]}:{self.texts[i][0]}".encode())
            h.update(json.dumps([self.labels[c][i] for c in self.codes]).encode())
        return h.hexdigest()

    def add(self, row: Any, text: tuple[str, str], verdicts: dict[tuple[int, str], set[bool]]) -> None:
        """One reviewed segment; a code both accepted and rejected on it is unknown (None)."""
        self.segments.append(row["id"])
        self.docs.append(row["doc"])
        self.texts.append(text)
        self.text_hashes.append(row["text_hash"])
        for c in self.codes:
            v = verdicts.get((row["id"], c))
            if v is not None and len(v) > 1:
                self.contradictory += 1
                self.labels[c].append(None)
            else:
                self.labels[c].append(1 if v == {True} else 0)


def groups_by_field(project: Any) -> dict[str, list[str]]:
    """The groups the rules suggest in each field, plus every group whose codes a coder has
    given to that field's segments: reviewers know better than the field's binding (interview
    notes carry themes too, even when a survey question has claimed the theme group)."""
    out = {f: list(gs) for f, gs in field_groups(project.codebook, project.fields()).items()}
    kinds = field_kinds(project)
    for fld, grp in project.conn.execute(
            "SELECT DISTINCT g.field, c.grp FROM codings k JOIN segments g ON g.id = k.segment "
            "JOIN codes c ON c.id = k.code ORDER BY g.field, c.grp"):
        if kinds.get(fld) in ("notes", "text") and grp not in out.setdefault(fld, []):
            out[fld].append(grp)
    return out


def walked(project: Any, coder: str | None) -> set[int]:
    """Segments without suggestions that a coder's ``review --uncoded`` walk has passed."""
    from qualcode.review.queue import cursors   # the review keeps the walk's place; only it knows the format
    out: set[int] = set()
    for who, (doc, fld, pos) in cursors(project.conn).items():
        if coder is not None and who != coder:
            continue
        for (seg,) in project.conn.execute(
                "SELECT g.id FROM segments g WHERE g.retired = 0 AND trim(g.text) != '' "
                "AND (g.doc < ? OR (g.doc = ? AND (g.field < ? OR (g.field = ? AND g.position < ?)))) "
                "AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.segment = g.id)",
                (doc, doc, fld, fld, pos)):
            out.add(seg)
    return out


def segment_rows(project: Any, ids: Iterable[int]) -> list[Any]:
    rows: list[Any] = []
    ids = sorted(ids)
    for i in range(0, len(ids), 20000):
        rows += project.conn.execute(
            "SELECT id, doc, field, position, text, text_hash FROM segments "
            "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY doc, field, position",
            (json.dumps(ids[i:i + 20000]),)).fetchall()
    return rows


def check_scope(project: Any, coder: str | None, groups: Iterable[str] | None) -> list[str] | None:
    """The wanted groups (None: all), after refusing an unknown coder or group."""
    cb = project.codebook
    if coder is not None and coder not in project.coders():
        known = ", ".join(project.coders()) or "none yet"
        raise QualcodeError(f"coder {coder!r} has made no decisions (coders: {known})")
    wanted = list(groups) if groups is not None else None
    for g in wanted or []:
        if g not in cb.groups:
            raise QualcodeError(f"unknown code group {g!r} (known: {', '.join(cb.groups)})")
    return wanted


def reviewed_verdicts(project: Any, coder: str | None) -> tuple[set[int], dict[tuple[int, str], set[bool]]]:
    """The reviewed segments, and per (segment, code) the verdicts given (True = coded)."""
    sql = ("SELECT d.segment, d.code, d.coder, d.verdict FROM current_decisions d "
           "JOIN segments g ON g.id = d.segment AND g.retired = 0 WHERE d.verdict != 'retract'")
    args: list[Any] = []
    if coder is not None:
        sql += " AND d.coder = ?"
        args.append(coder)
    verdicts: dict[tuple[int, str], set[bool]] = defaultdict(set)
    reviewed: set[int] = set()
    for seg, code, _who, verdict in project.conn.execute(sql, args):
        reviewed.add(seg)
        if code in project.codebook:
            verdicts[(seg, code)].add(verdict in ("accept", "add"))
    return reviewed | walked(project, coder), verdicts


def training_sets(project: Any, coder: str | None = None, groups: Iterable[str] | None = None,
                  segments: Iterable[int] | None = None) -> dict[str, TrainingSet]:
    """Per code group, the reviewed segments and their labels (see the module docstring)."""
    wanted_groups = check_scope(project, coder, groups)
    by_field = groups_by_field(project)
    reviewed, verdicts = reviewed_verdicts(project, coder)
    if segments is not None:
        reviewed &= set(segments)
    if not reviewed:
        who = f"coder {coder!r}" if coder else "any coder"
        raise QualcodeError(f"nothing to learn from: {who} has validated no segments yet "
                            f"(review some suggestions first: qualcode review)")
    rows = segment_rows(project, reviewed)
    out: dict[str, TrainingSet] = {}
    for row, text in zip(rows, feature_texts(project, rows)):
        for grp in by_field.get(row["field"], []):
            if wanted_groups is not None and grp not in wanted_groups:
                continue
            ts = out.get(grp)
            if ts is None:
                ts = out[grp] = TrainingSet(grp, [c.id for c in project.codebook.in_group(grp)])
                ts.labels = {c: [] for c in ts.codes}
            ts.add(row, text, verdicts)
    for ts in out.values():
        mask_conflicting_texts(ts)
    return out


def mask_conflicting_texts(ts: TrainingSet) -> None:
    """The same text labelled both ways for a code teaches nothing but noise: leave those out."""
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(ts.text_hashes):
        by_hash[h].append(i)
    for idx in by_hash.values():
        if len(idx) < 2:
            continue
        for c in ts.codes:
            ys = ts.labels[c]
            seen = {ys[i] for i in idx} - {None}
            if len(seen) > 1:
                for i in idx:
                    if ys[i] is not None:
                        ys[i] = None
                        ts.contradictory += 1
