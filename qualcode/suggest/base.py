"""The interface every suggestion source implements, and the registry ``suggest`` runs through.

A source (codebook rules, the choice normaliser, a learned model, a shipped base model) owns
the stored suggestions whose ``source`` matches its ``owns`` pattern and brings them up to date
for the segments of a run. The run itself (``run.py``) only reads the project's settings, builds
one ``RunContext`` and calls each registered source in order; adding a source is one module
with a class like these plus one ``register`` call, the built-in ones included (``llm``'s habit).
Order matters: the rules tokenize new segments, and later sources read the tokens they cached.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Protocol

from qualcode.codebook import Codebook
from qualcode.fields import CONFIDENT


@dataclass
class SuggestSummary:
    pipeline: str
    notice: str | None
    codebook_version: str
    codebook_changes: list[str] = field(default_factory=list)
    segments: int = 0
    tokenized: int = 0
    cached: int = 0
    rule_suggestions: int = 0
    choice_suggestions: int = 0
    model_suggestions: int = 0
    models: dict[str, str] = field(default_factory=dict)  # group -> model version used
    confident: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)  # source name -> suggestions it (re)made
    current: int = 0          # segments whose suggestions were up to date and left alone
    rematched: dict[str, list[str]] = field(default_factory=dict)  # field -> codes re-applied to cached tokens

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def say(self, line: str | None) -> None:
        """Add a one-line notice for the user (several sources may have one)."""
        if line:
            self.notice = f"{self.notice}\n{line}" if self.notice else line

    def count_rows(self, source: str, rows: list[tuple]) -> None:
        """Count stored rows (segment, code, source, score, ...) made by ``source``."""
        by_code: dict[str, int] = {}
        for row in rows:
            by_code[row[1]] = by_code.get(row[1], 0) + 1
        self.add(source, len(rows), sum(row[3] >= CONFIDENT for row in rows), by_code)

    def add(self, source: str, n: int, confident: int = 0, by_code: dict[str, int] | None = None) -> None:
        """Count what a source made (``n`` suggestions, ``confident`` of them at or above 0.5)."""
        self.by_source[source] = self.by_source.get(source, 0) + n
        self.confident += confident
        for code, k in (by_code or {}).items():
            self.by_code[code] = self.by_code.get(code, 0) + k


@dataclass
class RunContext:
    """What one ``suggest`` run knows, shared by its sources."""

    project: Any
    codebook: Codebook
    fields: dict[str, dict[str, Any]]      # field name -> {"kind", "code_group", ...}
    groups: dict[str, list[str]]           # notes/text field -> the code groups it gets
    wanted_codes: set[str] | None          # the run narrowed to these codes (None: all)
    wanted_docs: list[str] | None          # the run narrowed to these documents (None: all)
    incremental: bool                      # redo only what changed (not forced, not narrowed)
    state: dict[str, dict[str, str]] | None  # suggest_state as read at the start (None unless incremental)
    summary: SuggestSummary
    version: str                           # codebook version the run's rows are made under
    stamp: str                             # the run's time
    batch_size: int
    jobs: int
    model: str | None                      # --model: the spaCy pipeline asked for
    progress: Callable[[int], None] | None = None
    tokenized: list[int] = field(default_factory=list)  # segments this run tokenized for the first time
    lemma_texts: dict[int, str] = field(default_factory=dict)  # segment -> its lemma words, from the tokenizing source
    lemma_fields: set[str] = field(default_factory=set)  # fields whose lemma words a later source reads

    @property
    def conn(self) -> Any:
        return self.project.conn

    @property
    def scoped(self) -> bool:
        return self.wanted_docs is not None or self.wanted_codes is not None

    def tick(self, n: int) -> None:
        if self.progress:
            self.progress(n)


class Source(Protocol):
    """A maker of suggestions. ``prepare`` decides what the run must redo and returns how many
    segments that is (for the progress bar); ``run`` stores the new rows in transactions of its
    own and records what they were computed from, only after they are stored."""

    name: str   # how the summary, status and review name it
    owns: str   # SQL LIKE pattern of the ``suggestions.source`` values this source writes

    def prepare(self, ctx: RunContext) -> int: ...

    def run(self, ctx: RunContext) -> None: ...


SOURCES: list[Callable[[], Source]] = []


def register(factory: Callable[[], Source]) -> Callable[[], Source]:
    """Add a source (a class or factory making a fresh one per run) after those registered before."""
    if factory not in SOURCES:
        SOURCES.append(factory)
    return factory


def unregister(factory: Callable[[], Source]) -> None:
    SOURCES.remove(factory)
