"""The codebook: codes, their groups and the patterns the rules look for, read from YAML.

The YAML file is the researcher's document, so every problem in it is reported with the file
and line it sits on. The codebook's version is the hash of its content; suggestions and
decisions record it so that a table can always be traced to the codebook it was made under.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from qualcode.errors import QualcodeError
from qualcode.names import did_you_mean, find_codebook, fold_name
from qualcode.ingest.text_files import read_text
from qualcode.matcher_check import check_matcher
from qualcode.safe_regex import check_regex
from qualcode.safe_yaml import BaseLoader, load_yaml

PATTERN_KINDS = ("lemma", "part", "phrase", "regex", "matcher")
AREA_GROUP = "fokusomrade"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
WORD_RE = re.compile(r"[\wåäöÅÄÖéÉ]+")  # a lemma, part or phrase must hold a word (as the rules split them)


@dataclass(frozen=True)
class Pattern:
    """One thing the rules look for, e.g. ``{lemma: administratör}``.

    ``kind`` is one of PATTERN_KINDS; ``value`` is a string (a list of token dicts for
    ``matcher``). ``near`` lists lemmas of which one must occur in the same segment,
    ``unless`` lemmas that veto the match when they occur in the same segment.
    """

    kind: str
    value: Any
    weight: float = 0.8
    near: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    line: int = 0

    @property
    def label(self) -> str:
        """The name a suggestion's source carries: ``rule:<label>``."""
        if self.kind == "matcher":  # by content, not line: an edit elsewhere must not rename it
            return "matcher=" + json.dumps(self.value, ensure_ascii=False, separators=(",", ":"))
        return f"{self.kind}={self.value}"


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    group: str
    number: int | None = None
    short: str = ""
    parent: str | None = None
    description: str = ""
    includes: str = ""
    excludes: str = ""
    aliases: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    line: int = 0

    def content_key(self) -> str:
        """Everything about the code that rules and the choice normaliser read, as one stable
        string. Line numbers are left out, so that editing one code does not make every code
        below it look changed."""
        def pat(p: Pattern) -> list:
            return [p.kind, p.value, p.weight, list(p.near), list(p.unless), p.label]
        return json.dumps([self.id, self.label, self.group, self.number, self.short, self.parent, self.description,
                           self.includes, self.excludes, list(self.aliases), [pat(p) for p in self.patterns],
                           [pat(p) for p in self.exclude]], ensure_ascii=False, sort_keys=True, default=str)

    @property
    def title(self) -> str:
        """The label as the report's tables print it: ``6. Administrativt stöd …``."""
        return f"{self.number}. {self.label}" if self.number is not None else self.label


@dataclass(frozen=True)
class Group:
    """A family of codes. ``fields`` names the survey columns the group belongs to (the
    categories of one open question); a group without fields applies to notes and to every
    open field not claimed by another group."""

    id: str
    label: str
    description: str = ""
    fields: tuple[str, ...] = ()


@dataclass
class Codebook:
    name: str
    groups: dict[str, Group]
    codes: list[Code]
    version: str
    path: str | None = None
    content: str = ""
    abbreviations: dict[str, str] = field(default_factory=dict)  # short form -> the word(s) it stands for
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code id -> words that mean it
    by_id: dict[str, Code] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.codes}

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.by_id

    def get(self, code_id: str) -> Code:
        """The code with exactly this id; an unknown id is refused with the nearest names."""
        try:
            return self.by_id[code_id]
        except KeyError:
            raise QualcodeError(f"unknown code {code_id!r} (not in codebook {self.name!r})"
                                f"{did_you_mean(code_id, self.codes)}") from None

    def resolve(self, name: str) -> Code:
        """The code a person means by ``name``: its id or its label, in any case, with å/ä/ö
        written or not ("Lön", "lon", "LÖN"). Forgiving on purpose, since people type what the
        tables print; an unknown or ambiguous name is refused with the candidates."""
        if name in self.by_id:
            return self.by_id[name]
        key = fold_name(name)
        hits = [c for c in self.codes if key in (fold_name(c.id), fold_name(c.label))]
        if len(hits) > 1:
            hits = [c for c in hits if key == fold_name(c.id)] or hits
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise QualcodeError(f"code {name!r} is ambiguous: {', '.join(f'{c.id} ({c.label})' for c in hits)}")
        raise QualcodeError(f"unknown code {name!r} (not in codebook {self.name!r}){did_you_mean(name, self.codes)}")

    def in_group(self, group: str) -> list[Code]:
        """Codes of one group in codebook order (plan order for the areas)."""
        return [c for c in self.codes if c.group == group]

    def by_number(self, group: str = AREA_GROUP) -> dict[int, Code]:
        return {c.number: c for c in self.in_group(group) if c.number is not None}

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "codes": [
                {"id": c.id, "label": c.label, "group": c.group, "number": c.number,
                 "short": c.short, "parent": c.parent, "aliases": list(c.aliases),
                 "patterns": len(c.patterns)}
                for c in self.codes
            ],
        }


# ----------------------------------------------------------------------------- loading

CODE_KEYS = ("id", "label", "group", "number", "short", "parent", "description", "includes", "excludes",
             "aliases", "patterns", "exclude")
TOP_KEYS = ("name", "language", "description", "version", "groups", "codes", "abbreviations", "synonyms")
PATTERN_OPTIONS = ("weight", "near", "unless")


class _LineLoader(BaseLoader):
    """A safe loader that remembers the line of every mapping (``safe_yaml`` has refused
    duplicate and non-string keys before it runs)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = loader.construct_mapping(node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def content_version(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file, or a shipped codebook by name (``find_codebook``);
    raise QualcodeError naming file and line."""
    path = find_codebook(path)
    return parse_codebook(read_text(path), str(path))


def parse_codebook(content: str, where: str = "<codebook>") -> Codebook:
    """Validate everything ``suggest`` will rely on, so that a codebook this accepts never fails
    later (``codebook validate`` and ``suggest`` both come through here)."""
    data = load_yaml(content, where, loader=_LineLoader)
    return _build(data, content, where)


def _fail(where: str, line: int, message: str) -> QualcodeError:
    return QualcodeError(message, where=f"{where}:{line}")


def _text(d: dict, key: str, where: str, owner: str = "") -> str:
    """A text field: a string (or a number written bare); a list or mapping is an error."""
    v = d.get(key, "")
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        raise _fail(where, d.get("__line__", 1), f"{owner}{key} must be text, not a {_kind(v)}")
    return str(v).strip()


def _kind(v: Any) -> str:
    return "mapping" if isinstance(v, dict) else "list" if isinstance(v, list) else type(v).__name__


def _unknown_keys(d: dict, known: tuple[str, ...], where: str, owner: str) -> None:
    unknown = [k for k in d if k not in known and k != "__line__"]
    if unknown:
        raise _fail(where, d.get("__line__", 1), f"{owner}unknown key {', '.join(map(repr, unknown))} "
                    f"(known: {', '.join(known)})")


def _build(data: Any, content: str, where: str) -> Codebook:
    if not isinstance(data, dict):
        raise _fail(where, 1, "a codebook must be a mapping with 'codes:'")
    _unknown_keys(data, TOP_KEYS, where, "")
    codes_raw = data.get("codes")
    if not isinstance(codes_raw, list) or not codes_raw:
        raise _fail(where, data.get("__line__", 1), "the codebook has no 'codes:' list")
    groups = _groups(data, where)
    codes: list[Code] = []
    seen: dict[str, int] = {}
    numbers: dict[tuple[str, int], int] = {}
    for raw in codes_raw:
        if not isinstance(raw, dict):
            raise _fail(where, data.get("__line__", 1), f"each code must be a mapping, got {_kind(raw)} {raw!r:.60}")
        code = _code(raw, where, groups)
        if code.id in seen:
            raise _fail(where, code.line, f"duplicate code id {code.id!r} (first on line {seen[code.id]})")
        seen[code.id] = code.line
        if code.number is not None:
            if (code.group, code.number) in numbers:
                raise _fail(where, code.line, f"code {code.id!r}: number {code.number} already used on line "
                            f"{numbers[code.group, code.number]}")
            numbers[code.group, code.number] = code.line
        groups.setdefault(code.group, Group(code.group, code.group))
        codes.append(code)
    _check_parents(codes, where)
    abbreviations = _abbreviations(data, where)
    synonyms = _synonyms(data, where, seen)
    codes = [replace(c, patterns=c.patterns + tuple(_synonym_pattern(w, data.get("__line__", 1)) for w in synonyms[c.id]))
             if c.id in synonyms else c for c in codes]
    name = _text(data, "name", where) or Path(where.split(":")[0]).stem
    return Codebook(name=name, groups=groups, codes=codes, version=content_version(content),
                    path=where, content=content, abbreviations=abbreviations, synonyms=synonyms)


def _abbreviations(data: dict, where: str) -> dict[str, str]:
    """``abbreviations: {hl: handläggare, bitr: biträdande}``: plain words, no patterns."""
    raw = data.get("abbreviations") or {}
    line = data.get("__line__", 1)
    if not isinstance(raw, dict):
        raise _fail(where, line, f"abbreviations must map a short form to its word, got {_kind(raw)}")
    out = {}
    for short, full in raw.items():
        if short == "__line__":
            continue
        if not isinstance(full, str) or not WORD_RE.search(full) or not WORD_RE.search(str(short)):
            raise _fail(where, line, f"abbreviation {short!r} must map to a word, got {full!r:.40}")
        out[str(short).lower().rstrip(".")] = full.lower().strip()
    return out


def _synonyms(data: dict, where: str, known: dict[str, int]) -> dict[str, tuple[str, ...]]:
    """``synonyms: {medhandlaggarskap: [dubbelbemanning, två och två]}``: words that mean a code."""
    raw = data.get("synonyms") or {}
    line = data.get("__line__", 1)
    if not isinstance(raw, dict):
        raise _fail(where, line, f"synonyms must map a code id to a list of words, got {_kind(raw)}")
    out = {}
    for cid, words in raw.items():
        if cid == "__line__":
            continue
        if cid not in known:
            raise _fail(where, line, f"synonyms for unknown code {cid!r}")
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) and WORD_RE.search(w) for w in words):
            raise _fail(where, line, f"synonyms of {cid!r} must be a list of words")
        out[cid] = tuple(w.strip() for w in words)
    return out


def _synonym_pattern(word: str, line: int) -> Pattern:
    return Pattern("phrase" if " " in word else "lemma", word, 0.8, line=line)


def _groups(data: dict, where: str) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    groups_raw = data.get("groups") or {}
    if not isinstance(groups_raw, dict):
        raise _fail(where, data.get("__line__", 1), "'groups:' must be a mapping")
    for gid, g in groups_raw.items():
        if gid == "__line__":
            continue
        if isinstance(g, list):
            raise _fail(where, groups_raw.get("__line__", 1), f"group {gid!r} must be a mapping or a label, not a list")
        g = g if isinstance(g, dict) else {"label": "" if g is None else str(g)}
        owner = f"group {gid!r}: "
        _unknown_keys(g, ("label", "description", "fields"), where, owner)
        fields = g.get("fields") or []
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise _fail(where, g.get("__line__", 1), f"{owner}fields must be a list of column names")
        groups[gid] = Group(gid, _text(g, "label", where, owner) or gid, _text(g, "description", where, owner),
                            tuple(fields))
    return groups


def _code(raw: dict, where: str, groups: dict[str, Group]) -> Code:
    line = raw.get("__line__", 0)
    cid = raw.get("id")
    if not isinstance(cid, str) or not _ID_RE.fullmatch(cid):
        raise _fail(where, line, f"code id {cid!r:.60} must be a slug: lower-case letters, digits, _")
    owner = f"code {cid!r}: "
    _unknown_keys(raw, CODE_KEYS, where, owner)
    label = _text(raw, "label", where, owner)
    if not label:
        raise _fail(where, line, f"code {cid!r} has no label")
    group = _text(raw, "group", where, owner)
    if not group:
        raise _fail(where, line, f"code {cid!r} has no group")
    if groups and group not in groups:
        raise _fail(where, line, f"code {cid!r} names unknown group {group!r} (known: {', '.join(groups)})")
    number = raw.get("number")
    if number is not None:
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 99:
            raise _fail(where, line, f"code {cid!r}: number {number!r:.40} out of range 1-99")
        if group == AREA_GROUP and number > 14:
            raise _fail(where, line, f"code {cid!r}: focus-area number {number} out of range 1-14")
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise _fail(where, line, f"code {cid!r}: parent must be one code id, not a {_kind(parent)}")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) and not isinstance(a, bool)
                                                for a in aliases):
        raise _fail(where, line, f"code {cid!r}: aliases must be a list of strings")
    return Code(
        id=cid, label=label, group=group, number=number,
        short=_text(raw, "short", where, owner) or label[0].lower() + label[1:],
        parent=parent.strip() if parent is not None else None,
        description=" ".join(_text(raw, "description", where, owner).split()),
        includes=_text(raw, "includes", where, owner), excludes=_text(raw, "excludes", where, owner),
        aliases=tuple(str(a) for a in aliases),
        patterns=tuple(_patterns(raw.get("patterns"), cid, line, where)),
        exclude=tuple(_patterns(raw.get("exclude"), cid, line, where)),
        line=line,
    )


def _check_parents(codes: list[Code], where: str) -> None:
    by_id = {c.id: c for c in codes}
    for c in codes:
        if c.parent is None:
            continue
        if c.parent not in by_id:
            raise _fail(where, c.line, f"code {c.id!r} names unknown parent {c.parent!r}")
        chain, p = {c.id}, by_id[c.parent]
        while p is not None:
            if p.id in chain:
                raise _fail(where, c.line, f"code {c.id!r}: its parents loop back to {p.id!r}")
            chain.add(p.id)
            p = by_id.get(p.parent) if p.parent else None


def _patterns(raw: Any, cid: str, line: int, where: str) -> Iterable[Pattern]:
    if raw is None:
        return
    if not isinstance(raw, list):
        raise _fail(where, line, f"code {cid!r}: patterns must be a list")
    for p in raw:
        if isinstance(p, str):  # shorthand: a bare word is a lemma pattern
            p = {"lemma": p, "__line__": line}
        if not isinstance(p, dict):
            raise _fail(where, line, f"code {cid!r}: bad pattern {p!r:.60}")
        pline = p.get("__line__", line)
        kinds = [k for k in PATTERN_KINDS if k in p]
        unknown = [k for k in p if k not in PATTERN_KINDS and k not in PATTERN_OPTIONS and k != "__line__"]
        if len(kinds) != 1 or unknown:
            raise _fail(where, pline, f"code {cid!r}: bad pattern: give exactly one of "
                        f"{', '.join(PATTERN_KINDS)} (plus weight, near, unless); got {', '.join(k for k in p if k != '__line__')}")
        kind = kinds[0]
        value = _pattern_value(kind, p[kind], f"{where}:{pline}", f"code {cid!r}: bad pattern: ")
        weight = p.get("weight", 0.8)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
            raise _fail(where, pline, f"code {cid!r}: bad pattern: weight {weight!r:.40} must be in (0, 1]")
        near, unless = p.get("near", []), p.get("unless", [])
        for name, lst in (("near", near), ("unless", unless)):
            if not isinstance(lst, list) or not all(isinstance(x, str) and x.strip() for x in lst):
                raise _fail(where, pline, f"code {cid!r}: bad pattern: {name} must be a list of words")
        yield Pattern(kind, value, float(weight), tuple(w.lower() for w in near),
                      tuple(w.lower() for w in unless), pline)


def _pattern_value(kind: str, value: Any, where: str, owner: str) -> Any:
    """The pattern's value as the rules will use it, after the checks the rules would fail on."""
    if kind == "matcher":
        if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
            raise QualcodeError(f"{owner}matcher must be a list of token mappings", where=where)
        tokens = _without_lines(value)
        check_matcher(tokens, where, owner)
        return tokens
    if not isinstance(value, str) or not value.strip():
        raise QualcodeError(f"{owner}{kind} must be a non-empty string", where=where)
    value = value.strip()
    if kind == "regex":
        check_regex(value, where, owner)
        return value
    if not WORD_RE.search(value):
        raise QualcodeError(f"{owner}{kind} {value!r:.60} has no words", where=where)
    return value.lower()


def _without_lines(obj: Any) -> Any:
    """A matcher pattern as spaCy wants it: the loader's ``__line__`` keys removed at every depth."""
    if isinstance(obj, dict):
        return {k: _without_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_without_lines(v) for v in obj]
    return obj


# ----------------------------------------------------------------------------- diff

def diff_codebooks(old: Codebook, new: Codebook) -> list[str]:
    """Human-readable lines saying what changed between two codebook versions."""
    lines: list[str] = []
    for cid in old.by_id.keys() - new.by_id.keys():
        lines.append(f"- removed {cid} ({old.by_id[cid].label})")
    for c in new.codes:
        o = old.by_id.get(c.id)
        if o is None:
            lines.append(f"+ added {c.id} ({c.label})")
            continue
        for attr in ("label", "group", "number", "short", "parent", "description", "aliases"):
            if getattr(o, attr) != getattr(c, attr):
                lines.append(f"~ {c.id}: {attr} {getattr(o, attr)!r} -> {getattr(c, attr)!r}")
        op = {(p.kind, str(p.value), p.weight, p.near, p.unless) for p in o.patterns + o.exclude}
        np_ = {(p.kind, str(p.value), p.weight, p.near, p.unless) for p in c.patterns + c.exclude}
        for p in sorted(np_ - op):
            lines.append(f"~ {c.id}: + pattern {p[0]}={p[1]}")
        for p in sorted(op - np_):
            lines.append(f"~ {c.id}: - pattern {p[0]}={p[1]}")
    return lines
