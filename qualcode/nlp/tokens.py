"""The token cache: each segment's tokens stored as ids of token types, in one small blob.

A token type is what the rules know about a word: its lower-cased form, its lemma and its
compound parts ("lönefrågan", "lönefråga", "lön+fråga"). A project stores each type once
(table ``token_types``) and each segment's stream (``segment_tokens``) as the ids of its
tokens' types plus their character offsets. Writing a stream is then two array copies and
reading it two more, and the rules look each distinct type up once per rule set, by an int,
instead of splitting strings per token. A type's id is a 64-bit hash of its three strings, so
forked workers give the same word the same id without talking to each other (a collision
between two of a project's types has a chance of about 1e-8 per million types).

Blob format qc4: ``b"QC4\\0"``, n (uint32), n type ids (int64), 2n offsets (uint32: start,
end of each token in the segment text), all little-endian. The string formats qc1–qc3 of
earlier versions are still read (``learn`` reads whatever tokens a project holds).
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from operator import attrgetter
from typing import Any, Iterable

FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o",
                      "Å": "a", "Ä": "a", "Ö": "o", "É": "e"})

SEP, _REC, PART, _TOK = "\x1f", "\x1e", "+", "\x1d"  # field separators of the cached blob; PART joins compound parts
_MAGIC = b"QC4\x00"
_MAGIC3 = b"QC3\x00"  # keys, offsets, folded token records, then raw texts that differ
_MAGIC2 = b"QC2\x00"  # keys, offsets, raw texts, then folded texts that differ
_LITTLE = sys.byteorder == "little"


def fold(s: str) -> str:
    """Lower-case without Swedish diacritics: how every key is compared ("Lönen" ~ "lonen")."""
    return s.lower().translate(FOLD)


class TokenType:
    """One distinct (form, lemma, parts), with the folded spellings the rules compare."""

    __slots__ = ("id", "form", "lemma", "parts", "ff", "lf", "pf", "keys")

    def __init__(self, tid: int, form: str, lemma: str, parts: str) -> None:
        self.id, self.form, self.lemma, self.parts = tid, form, lemma, parts
        self.ff, self.lf, self.pf = form.translate(FOLD), lemma.translate(FOLD), parts.translate(FOLD)
        keys = {self.ff, self.lf, *(self.pf.split(PART) if self.pf else ())}
        keys.discard("")
        self.keys = frozenset(keys)


TYPES: dict[int, TokenType] = {}   # every type this process has made or read, by id
_IDS: dict[str, int] = {}          # "form\x1dlemma\x1dparts" -> id


def type_id(form: str, lemma: str, parts: str) -> int:
    """The id of a token type, registering the type on first sight."""
    record = f"{form}{_TOK}{lemma}{_TOK}{parts}"
    tid = _IDS.get(record)
    if tid is None:
        tid = int.from_bytes(hashlib.blake2b(record.encode("utf-8"), digest_size=8).digest(), "little", signed=True)
        _IDS[record] = tid
        TYPES.setdefault(tid, TokenType(tid, form, lemma, parts))
    return tid


def load_types(conn: Any, ids: Iterable[int] | None = None) -> set[int]:
    """Read a project's token types (all, or these ids) into ``TYPES``; returns the ids read."""
    if ids is None:
        rows = conn.execute("SELECT id, form, lemma, parts FROM token_types")
    else:
        rows = conn.execute("SELECT id, form, lemma, parts FROM token_types WHERE id IN (SELECT value FROM json_each(?))",
                            (json.dumps(sorted(set(ids))),))
    seen = set()
    for tid, form, lemma, parts in rows:
        seen.add(tid)
        if tid not in TYPES:
            TYPES[tid] = TokenType(tid, form, lemma, parts)
            _IDS[f"{form}{_TOK}{lemma}{_TOK}{parts}"] = tid
    return seen


def type_rows(ids: Iterable[int]) -> list[tuple[int, str, str, str]]:
    """Rows for ``token_types`` (id, form, lemma, parts)."""
    return [(tid, t.form, t.lemma, t.parts) for tid in ids for t in (TYPES[tid],)]


_GETTERS = {name: attrgetter(name) for name in TokenType.__slots__}


class TokenStream:
    """One segment's tokens: type ids and character offsets relative to the segment text
    (``offsets[2*i]``, ``offsets[2*i+1]``). Forms, lemmas, parts and their folded spellings
    are lists made from the types on first use."""

    __slots__ = ("ids", "offsets", "_lists")

    def __init__(self, forms: list[str], lemmas: list[str], parts: list[str], offsets: array | list[int]) -> None:
        self.ids = array("q", map(type_id, forms, lemmas, parts))
        self.offsets = offsets if isinstance(offsets, array) and offsets.typecode == "I" else array("I", offsets)
        self._lists: dict[str, list] = {}

    @classmethod
    def from_ids(cls, ids: array, offsets: array) -> "TokenStream":
        s = cls.__new__(cls)
        s.ids, s.offsets, s._lists = ids, offsets, {}
        return s

    def __len__(self) -> int:
        return len(self.ids)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenStream) and (self.forms, self.lemmas, self.parts, list(self.offsets)) == \
            (other.forms, other.lemmas, other.parts, list(other.offsets))

    def span(self, i: int) -> tuple[int, int]:
        return self.offsets[2 * i], self.offsets[2 * i + 1]

    def _list(self, name: str) -> list:
        out = self._lists.get(name)
        if out is None:
            try:
                out = self._lists[name] = list(map(_GETTERS[name], map(TYPES.__getitem__, self.ids)))
            except KeyError as e:
                raise LookupError(f"token type {e} is not loaded (qualcode.tokens.load_types)") from None
        return out

    forms = property(lambda self: self._list("form"), doc="lower-cased forms")
    lemmas = property(lambda self: self._list("lemma"))
    parts = property(lambda self: self._list("parts"), doc='"+"-joined compound parts, "" when none')
    folded_forms = property(lambda self: self._list("ff"))
    folded_lemmas = property(lambda self: self._list("lf"))
    folded_parts = property(lambda self: self._list("pf"))

    @property
    def keys(self) -> frozenset[str]:
        """Every folded form, lemma and compound part of the segment."""
        return frozenset().union(*self._list("keys"))

    def encode(self) -> bytes:
        ids, offs = self.ids, self.offsets
        if not _LITTLE:
            ids, offs = array("q", ids), array("I", offs)
            ids.byteswap()
            offs.byteswap()
        return b"".join((_MAGIC, len(ids).to_bytes(4, "little"), ids.tobytes(), offs.tobytes()))

    @classmethod
    def decode(cls, data: bytes) -> "TokenStream":
        """A stream from its cache blob; its types must be in ``TYPES`` before its words are read."""
        if data[:4] != _MAGIC:
            return cls(*_decode_strings(data))
        n = int.from_bytes(data[4:8], "little")
        ids, offs = array("q"), array("I")
        ids.frombytes(data[8:8 + 8 * n])
        offs.frombytes(data[8 + 8 * n:8 + 16 * n])
        if not _LITTLE:
            ids.byteswap()
            offs.byteswap()
        return cls.from_ids(ids, offs)


def _decode_strings(data: bytes) -> tuple[list[str], list[str], list[str], array]:
    """(forms, lemmas, parts, offsets) of a blob in format qc1, qc2 or qc3."""
    magic = data[:4]
    if magic in (_MAGIC2, _MAGIC3):
        n = int.from_bytes(data[4:8], "little")
        klen = int.from_bytes(data[8:12], "little")
        flags = data[12]
        offs_at = 13 + klen
    else:  # qc1: n, offsets, then the three lists
        n = int.from_bytes(data[:4], "little")
        flags, offs_at = -1, 4
    body_at = offs_at + 8 * n
    offs = array("I")
    offs.frombytes(data[offs_at:body_at])
    if not _LITTLE:
        offs.byteswap()
    if n == 0:
        return [], [], [], offs
    texts = data[body_at:].decode("utf-8").split(_REC)
    if magic == _MAGIC3:  # folded records first, raw lists only where folding changed them
        flat = texts[0].replace(_TOK, SEP).split(SEP)
        folded = [flat[0::3], flat[1::3], flat[2::3]]
        rest = iter(texts[1:])
        raw = [next(rest).split(SEP) if flags & (1 << bit) else folded[bit] for bit in range(3)]
    else:
        raw = [t.split(SEP) for t in texts[:3]]
    return raw[0], raw[1], raw[2], offs
