"""YAML a person wrote (a codebook, a note's front matter), read so that no file costs more than it looks.

PyYAML's safe loader runs no code, but it still follows aliases (a dozen lines can expand to a
billion values, or refer to themselves), nests as deep as the file says, takes ``1:`` or ``yes:``
for keys that are numbers and booleans, and keeps the last of two equal keys. Before the file is
loaded, its event stream is walked once (libyaml, no recursion) and every such thing is refused
with one line naming the file and line: the expanded size and depth are counted through aliases,
keys must be plain strings and unique, tags other than the plain types are refused, as are
control characters and overlong values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from qualcode.errors import QualcodeError

MAX_DEPTH = 20           # nesting levels, counting scalars, with aliases expanded
MAX_ALIASES = 100
MAX_NODES = 200_000      # values, with aliases expanded
MAX_SCALAR = 10_000      # characters in one value
BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
# what YAML calls printable, less the C1 controls (NEL included): anything else is refused
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RESOLVER = yaml.resolver.Resolver()
_KINDS = {_STD + "int": "a number", _STD + "float": "a number", _STD + "bool": "a yes/no value",
          _STD + "null": "an empty value", _STD + "timestamp": "a date"}


def _short(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def load_yaml(text: str, where: str, *, first_line: int = 1, loader: type = BaseLoader,
              max_scalar: int = MAX_SCALAR, label: str = "YAML error") -> Any:
    """Load ``text`` (which starts on line ``first_line`` of the file ``where``) after the checks."""
    bad = _UNPRINTABLE.search(text)
    if bad:
        line = first_line + text.count("\n", 0, bad.start())
        raise QualcodeError(f"{label}: control character U+{ord(bad.group()):04X} is not allowed",
                            where=f"{where}:{line}")
    try:
        _Walk(where, first_line, max_scalar, label).run(text)
        return yaml.load(text, Loader=loader)  # noqa: S506 - callers pass SafeLoader subclasses
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = first_line + (mark.line if mark else 0)
        raise QualcodeError(f"{label}: {e.problem or e.context or e}", where=f"{where}:{line}") from None
    except yaml.YAMLError as e:  # a reader error: carries a position, not a mark
        pos = getattr(e, "position", None)
        line = first_line + (text.count("\n", 0, pos) if isinstance(pos, int) else 0)
        raise QualcodeError(f"{label}: {str(e).splitlines()[0]}", where=f"{where}:{line}") from None


@dataclass
class _Node:
    """A collection being read: its expanded size and depth so far, and the keys it holds."""

    is_map: bool
    anchor: str | None
    nodes: int = 1
    depth: int = 1
    key_next: bool = True
    keys: dict[str, int] = field(default_factory=dict)


class _Walk:
    def __init__(self, where: str, first_line: int, max_scalar: int, label: str) -> None:
        self.where, self.first_line, self.max_scalar, self.label = where, first_line, max_scalar, label
        self.stack: list[_Node] = []
        self.anchors: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, expanded depth)
        self.aliases = 0
        self.line = first_line

    def fail(self, message: str) -> QualcodeError:
        return QualcodeError(f"{self.label}: {message}", where=f"{self.where}:{self.line}")

    def run(self, text: str) -> None:
        for event in yaml.parse(text, Loader=BaseLoader):
            self.line = self.first_line + event.start_mark.line
            if isinstance(event, yaml.AliasEvent):
                self.alias(event.anchor)
            elif isinstance(event, yaml.ScalarEvent):
                self.scalar(event)
            elif isinstance(event, yaml.CollectionStartEvent):
                self.check_tag(event.tag)
                if self.stack and self.stack[-1].is_map and self.stack[-1].key_next:
                    raise self.fail("a key must be a plain word, not a list or mapping")
                self.stack.append(_Node(isinstance(event, yaml.MappingStartEvent), event.anchor))
                if len(self.stack) > MAX_DEPTH:
                    raise self.fail(f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                node = self.stack.pop()
                self.done(node.anchor, node.nodes, node.depth)

    def alias(self, anchor: str) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise self.fail(f"more than {MAX_ALIASES} aliases (*name)")
        if anchor not in self.anchors:
            inside = any(n.anchor == anchor for n in self.stack)
            raise self.fail(f"alias *{anchor} refers to {'itself' if inside else 'no anchor defined above it'}")
        if self.stack and self.stack[-1].is_map and self.stack[-1].key_next:
            raise self.fail(f"alias *{anchor} used as a key")
        self.done(None, *self.anchors[anchor])

    def scalar(self, event: yaml.ScalarEvent) -> None:
        self.check_tag(event.tag)
        value = event.value
        if len(value) > self.max_scalar:
            raise self.fail(f"a value longer than {self.max_scalar} characters")
        bad = _UNPRINTABLE.search(value) if event.style == '"' else None  # only escapes can make one
        if bad:
            raise self.fail(f"control character U+{ord(bad.group()):04X} in a value")
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key_next:
            tag = event.tag or (_RESOLVER.resolve(yaml.ScalarNode, value, event.implicit)
                                if event.implicit[0] else _STD + "str")
            if tag not in (_STD + "str", _STD + "merge"):
                kind = _KINDS.get(tag, _short(tag))
                raise self.fail(f"key {value!r:.40} is read as {kind}, not a name; put it in quotes")
            if value in top.keys:
                raise self.fail(f"duplicate key {value!r} (first on line {top.keys[value]})")
            top.keys[value] = self.line
        self.done(event.anchor, 1, 1)

    def check_tag(self, tag: str | None) -> None:
        if tag is not None and tag not in _ALLOWED_TAGS:
            raise self.fail(f"tag {_short(tag)!r:.80} is not allowed (plain text, numbers, lists and mappings only)")

    def done(self, anchor: str | None, nodes: int, depth: int) -> None:
        """A value is complete: add its expanded size and depth to the collection holding it."""
        if anchor is not None:
            self.anchors[anchor] = (nodes, depth)
        if not self.stack:
            return
        top = self.stack[-1]
        top.nodes += nodes
        top.depth = max(top.depth, depth + 1)
        if top.nodes > MAX_NODES:
            raise self.fail(f"the file expands to more than {MAX_NODES} values (aliases repeat what they name)")
        if len(self.stack) - 1 + top.depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep")
        if top.is_map:
            top.key_next = not top.key_next
