"""Memos: the analytic notes a researcher keeps beside her coding.

A memo belongs to the project, a document, a code or a coding (a segment and a code), as in
every QDA tool; it is shown where that thing is shown (``docs show``, ``quotes``, the review
screen), carried by the review sheet and exported with the codings. A decision's own ``note``
(written in the review or a sheet) is a memo on that coding too, so ``coding_memos`` reads both:
what an assistant wrote while reviewing is not lost from the exports.

    from qualcode.memos import add_memo, list_memos
    m = add_memo(project, "Lönen nämns nästan bara av chefer", code="lon")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from qualcode.errors import QualcodeError
from qualcode.i18n import t
from qualcode.store.db import now, transaction

KINDS = ("project", "document", "code", "coding")
CODER_ENV = "QUALCODE_CODER"   # the name a person reviews under (``review --coder``'s default)
SPAN_NOTE = re.compile(r"^span \d+:\d+$")   # qualcode.spans' note on the decisions a span records


@dataclass
class Memo:
    """A memo, or (``decision`` set, ``id`` None) the note a coder wrote with a verdict, which
    counts as a memo on that coding: its author is the coder, its time the decision's."""

    id: int | None
    kind: str
    doc: str | None
    code: str | None
    segment: int | None
    text: str
    author: str | None
    created_at: str
    updated_at: str
    decision: int | None = None

    @property
    def target(self) -> str:
        """How the memo's target is written in lists: 'project', 'doc:ID', 'code:ID', 'coding:SEG:CODE'."""
        if self.kind == "project":
            return "project"
        if self.kind == "document":
            return f"doc:{self.doc}"
        if self.kind == "code":
            return f"code:{self.code}"
        return f"coding:{self.segment}:{self.code}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "target": self.target, "doc": self.doc, "code": self.code,
                "segment": self.segment, "text": self.text, "author": self.author,
                "created_at": self.created_at, "updated_at": self.updated_at, "decision": self.decision}

    def describe(self, codebook: Any = None) -> str:
        """What the memo is about, in words of the run's language: "koden Lön", "dokumentet R06",
        "kodningen Lön i R06, segment 12" (a code by its label when ``codebook`` knows it); a
        reviewer's note says that it is one."""
        code = self.code
        if code and codebook is not None and code in codebook.by_id:
            code = codebook.by_id[code].label
        if self.kind == "project":
            text = t("memo.target.project")
        elif self.kind == "document":
            text = t("memo.target.document", doc=self.doc)
        elif self.kind == "code":
            text = t("memo.target.code", code=code)
        else:
            text = t("memo.target.coding", code=code, doc=self.doc, segment=self.segment)
        return t("memo.from_review", target=text) if self.decision is not None else text


def _target(project: Any, doc: str | None, code: str | None, segment: int | None
            ) -> tuple[str, str | None, str | None, int | None]:
    """(kind, doc, code, segment) from what the caller named; names are checked, codes resolved."""
    if segment is not None:
        if not code:
            raise QualcodeError("a memo on a coding names the segment and the code (--segment N --code C)")
        row = project.conn.execute("SELECT doc FROM segments WHERE id = ?", (segment,)).fetchone()
        if row is None:
            raise QualcodeError(f"unknown segment {segment}")
        if doc and doc != row[0]:
            raise QualcodeError(f"segment {segment} belongs to document {row[0]!r}, not {doc!r}")
        return "coding", row[0], project.codebook.resolve(code).id, segment
    if doc and code:
        raise QualcodeError("a memo is on a document or on a code; for one coding give --segment N --code C")
    if doc:
        project.check_documents([doc])
        return "document", doc, None, None
    if code:
        return "code", None, project.codebook.resolve(code).id, None
    return "project", None, None, None


def add_memo(project: Any, text: str, *, doc: str | None = None, code: str | None = None,
             segment: int | None = None, author: str | None = None) -> Memo:
    """Store a memo on the project (nothing named), a document, a code, or a coding (segment + code)."""
    text = (text or "").strip()
    if not text:
        raise QualcodeError("a memo needs some text")
    kind, doc, code, segment = _target(project, doc, code, segment)
    stamp = now()
    with transaction(project.conn) as c:
        cur = c.execute("INSERT INTO memos (kind, doc, code, segment, text, author, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (kind, doc, code, segment, text, author, stamp, stamp))
    return get_memo(project, int(cur.lastrowid))


def default_author() -> str | None:
    """Who is writing a memo when nobody said (``memo add`` without ``--author``).

    First $QUALCODE_CODER: the name this person's review decisions are recorded under, so that
    her memos and her codings carry one name in every list, export and agreement table (a team
    sets it once per person; a login name such as "u1234567" or "root" in a container means
    nothing to the other coders). Then the login name, by ``getpass.getuser()`` (LOGNAME, USER,
    LNAME, USERNAME, then the password database), which names the person on a personal machine
    even when $USER is unset (cron, containers, some IDEs). When both fail: None, stored as no
    author and shown as "okänd skribent"/"unknown author" in the run's language, rather than a
    made-up name that would pass for a real coder (and would be in one language for ever)."""
    import getpass
    import os
    named = (os.environ.get(CODER_ENV) or "").strip()
    if named:
        return named
    try:
        login = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no variable set and no password entry for the uid
        return None
    return login or None


def author_name(memo: Memo) -> str:
    """The memo's author as a list shows it: the name, or "unknown" in the run's language."""
    return memo.author or t("memo.unknown_author")


def get_memo(project: Any, memo_id: int) -> Memo:
    row = project.conn.execute("SELECT * FROM memos WHERE id = ?", (memo_id,)).fetchone()
    if row is None:
        ids = [str(r[0]) for r in project.conn.execute("SELECT id FROM memos ORDER BY id DESC LIMIT 10")]
        raise QualcodeError(f"no memo {memo_id} (memos: {', '.join(ids) or 'none yet'})")
    return Memo(**dict(row))


def edit_memo(project: Any, memo_id: int, text: str) -> Memo:
    """Replace a memo's text (an empty text is refused: remove a memo with ``delete_memo``)."""
    get_memo(project, memo_id)
    text = (text or "").strip()
    if not text:
        raise QualcodeError("a memo needs some text (to remove it: qualcode memo delete ID)")
    with transaction(project.conn) as c:
        c.execute("UPDATE memos SET text = ?, updated_at = ? WHERE id = ?", (text, now(), memo_id))
    return get_memo(project, memo_id)


def delete_memo(project: Any, memo_id: int) -> None:
    get_memo(project, memo_id)
    with transaction(project.conn) as c:
        c.execute("DELETE FROM memos WHERE id = ?", (memo_id,))


def list_memos(project: Any, *, kind: str | None = None, doc: str | None = None, code: str | None = None,
               segment: int | None = None, notes: bool = True) -> list[Memo]:
    """Memos, oldest first, optionally only of one kind or about one document, code or segment.
    ``doc`` also finds the memos on that document's codings; ``code`` those on its codings.
    With ``notes`` the notes written with a verdict (review screen or sheet) come too, as memos
    on their coding, since that is what they are (README: "counts as a memo on that coding")."""
    if kind and kind not in KINDS:
        raise QualcodeError(f"unknown memo kind {kind!r} (kinds: {', '.join(KINDS)})")
    if doc:
        project.check_documents([doc])
    code_id = project.codebook.resolve(code).id if code else None
    conds, args = [], []
    for column, value in (("kind", kind), ("doc", doc), ("code", code_id), ("segment", segment)):
        if value is not None:
            conds.append(f"{column} = ?")
            args.append(value)
    sql = "SELECT * FROM memos" + (" WHERE " + " AND ".join(conds) if conds else "") + " ORDER BY id"
    memos = [Memo(**dict(r)) for r in project.conn.execute(sql, args)]
    if notes and kind in (None, "coding"):
        memos += review_notes(project, doc=doc, code=code_id, segment=segment)
        memos.sort(key=lambda m: m.created_at)   # stable: memos keep their order among themselves
    return memos


def review_notes(project: Any, *, doc: str | None = None, code: str | None = None,
                 segment: int | None = None, coder: str | None = None) -> list[Memo]:
    """The notes of the latest decisions (every coder's, or ``coder``'s), as coding memos
    (``decision`` set, no id); the mark a span coding leaves on its segments is not a note a
    person wrote."""
    sql = ("SELECT d.id, l.segment, l.code, l.doc, l.coder, d.note, d.made_at FROM latest_decisions l "
           "JOIN decisions d ON d.id = l.decision WHERE d.note IS NOT NULL AND d.note != ''")
    args: list[Any] = []
    for column, value in (("l.doc", doc), ("l.code", code), ("l.segment", segment), ("l.coder", coder or None)):
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    return [Memo(id=None, kind="coding", doc=d, code=c, segment=seg, text=note, author=coder, created_at=made,
                 updated_at=made, decision=did)
            for did, seg, c, d, coder, note, made in project.conn.execute(sql + " ORDER BY d.id", args)
            if not SPAN_NOTE.match(note)]


def coding_memos(project: Any, coder: str | None = None) -> dict[tuple[int, str], list[str]]:
    """(segment, code) -> the texts written about that coding: memos on it, then the note of the
    coder's latest decision on it (every coder's when ``coder`` is None)."""
    out: dict[tuple[int, str], list[str]] = {}
    for seg, code, text in project.conn.execute(
            "SELECT segment, code, text FROM memos WHERE kind = 'coding' ORDER BY id"):
        out.setdefault((seg, code), []).append(text)
    for note in review_notes(project, coder=coder):
        texts = out.setdefault((note.segment, note.code), [])
        if note.text not in texts:
            texts.append(note.text)
    return out


def memo_texts(memos: Iterable[Memo]) -> str:
    """Several memos in one cell or line."""
    return " | ".join(m.text for m in memos)


def segment_memo_lines(project: Any, segment: int, doc: str) -> list[str]:
    """What the review screen shows under a segment: memos on its document and on its codings."""
    rows = project.conn.execute(
        "SELECT kind, code, text FROM memos WHERE (kind = 'document' AND doc = ?) OR "
        "(kind = 'coding' AND segment = ?) ORDER BY id", (doc, segment)).fetchall()
    return [f"{t('review.memo_document') if kind == 'document' else code}: {text}" for kind, code, text in rows]
