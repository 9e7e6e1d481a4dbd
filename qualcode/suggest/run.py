"""``qualcode suggest``: bring the stored suggestions up to date, source by source.

The run reads the codebook (reloading an edited file), the fields and what the stored
suggestions were computed from (``suggest_state``), then lets each registered source
(``base.SOURCES``: rules, choices, the learned model …) decide what it must redo and do it in
transactions of its own. Scores: a pattern's prior (its precision on the training corpus, or
its codebook weight) blended with its acceptance rate in her own reviews as they arrive
(``settings.blended``), so that among suggestions scored about s about a fraction s is accepted.
"""

from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from qualcode.errors import QualcodeError
from qualcode.fields import check_codes, check_docs, field_groups
from qualcode.store.db import now
from qualcode.suggest import sources  # noqa: F401  (registers the built-in sources)
from qualcode.suggest.base import SOURCES, RunContext, SuggestSummary
from qualcode.suggest.freshness import read_state

BATCH = 5000           # segments per transaction (and per job of a worker)

__all__ = ["suggest", "SuggestSummary", "BATCH"]


def suggest(project: Any, docs: Iterable[str] | None = None, codes: Iterable[str] | None = None,
            model: str | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None, batch_size: int = BATCH, jobs: int = 1,
            force: bool = False) -> SuggestSummary:
    """Bring the stored suggestions of the segments in scope (all by default) up to date.

    Segments with no cached tokens of this pipeline get every code of their field. On the
    others only what changed is redone: the codes whose rules changed since the field was last
    suggested, the choice fields whose code group changed, the model rows when the models did.
    ``docs``, ``codes`` and ``force`` redo everything in their scope (``docs`` leaves the state
    alone). ``jobs`` > 1 tokenizes and applies the rules in that many forked worker processes;
    this process only reads and writes the project.
    """
    if jobs < 1:
        raise QualcodeError(f"jobs must be at least 1 (got {jobs})")
    with _no_gc():
        ctx = _context(project, docs, codes, model, progress, batch_size, jobs, force)
        sources = [factory() for factory in SOURCES]
        planned = [s.prepare(ctx) for s in sources]  # every source checks its scope before anything is written
        ctx.summary.segments = sum(planned)
        ctx.summary.current = _live_segments(ctx) - ctx.summary.segments
        if on_total:
            on_total(ctx.summary.segments)
        for source in sources:
            source.run(ctx)
        return ctx.summary


def _context(project: Any, docs: Iterable[str] | None, codes: Iterable[str] | None, model: str | None,
             progress: Callable[[int], None] | None, batch_size: int, jobs: int, force: bool) -> RunContext:
    refreshed = project.refresh_codebook()
    cb = project.codebook
    wanted_codes = check_codes(cb, codes)
    wanted_docs = check_docs(project.conn, docs)
    fields = project.fields()
    incremental = not force and wanted_docs is None and wanted_codes is None
    summary = SuggestSummary("", None, cb.version, refreshed[1] if refreshed else [])
    return RunContext(project=project, codebook=cb, fields=fields, groups=field_groups(cb, fields),
                      wanted_codes=wanted_codes, wanted_docs=wanted_docs, incremental=incremental,
                      state=read_state(project.conn) if incremental else None, summary=summary,
                      version=cb.version, stamp=now(), batch_size=batch_size, jobs=jobs, model=model,
                      progress=progress)


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a run. A run allocates millions of small lists and
    tuples (tokens, hits, rows) and keeps a lot alive (the segment rows, per-run memos, the
    lexicon), so the collector kept rescanning live objects. What a run creates is freed by
    reference counting; the collector resumes after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _live_segments(ctx: RunContext) -> int:
    if ctx.wanted_docs is None:
        return ctx.conn.execute("SELECT COUNT(*) FROM segments WHERE retired = 0").fetchone()[0]
    return ctx.conn.execute("SELECT COUNT(*) FROM segments WHERE retired = 0 AND doc IN "
                            "(SELECT value FROM json_each(?))", (json.dumps(ctx.wanted_docs),)).fetchone()[0]
