"""The rule source: the codebook's patterns over each segment's cached token stream.

Segments without tokens of the current pipeline are tokenized (spaCy) and get every code of
their field; on the others only the codes whose rules changed since the field was last
suggested are matched again (``freshness.plan_fields``). Work is done in batches, each one
transaction that stores the new token streams and replaces the batch's rule suggestions, so
an interrupted run leaves every segment either as it was or fully re-suggested.
"""

from __future__ import annotations

import json
import multiprocessing
from typing import Any, Iterator

from qualcode.nlp.pipeline import Pipeline, TokenStream, choose_pipeline
from qualcode.nlp.tokens import load_types, type_rows
from qualcode.store.suggestions import replace_suggestions
from qualcode.suggest.base import RunContext
from qualcode.suggest.freshness import has_work, plan_fields, save_rule_state
from qualcode.suggest.model.features import stream_words
from qualcode.suggest.rules import RuleSet
from qualcode.suggest.settings import lemmatizer_setting, model_setting, rule_scores


class RuleSource:
    name = "rules"
    owns = "rule:%"

    def prepare(self, ctx: RunContext) -> int:
        lemmatizer = lemmatizer_setting(ctx.project)
        self.choice = choose_pipeline(ctx.model, None if ctx.model else model_setting(ctx.project), lemmatizer)
        self.lemmatizer = lemmatizer
        ctx.summary.pipeline = self.choice.identity
        self.scores = rule_scores(ctx.conn, ctx.codebook)
        self.plans = plan_fields(ctx.codebook, ctx.groups, self.scores, ctx.wanted_codes, ctx.state)
        self.rulesets: dict[tuple[str, ...], RuleSet] = {}
        # the segments to look at, with their cached token blobs (only blobs of this pipeline
        # count): every segment of a field with something to redo, elsewhere those not yet
        # tokenized by this pipeline
        read_all = sorted(n for n, pl in self.plans.items() if has_work(pl))
        sql = ("SELECT s.id, s.field, s.start, s.text, CASE WHEN t.pipeline = ? THEN t.data END "
               "FROM segments s LEFT JOIN segment_tokens t ON t.segment = s.id "
               "WHERE s.field IN (SELECT value FROM json_each(?)) AND s.retired = 0 "
               "AND (s.field IN (SELECT value FROM json_each(?)) OR t.pipeline IS NOT ?)")
        args: list[Any] = [self.choice.identity, json.dumps(sorted(self.plans)), json.dumps(read_all),
                           self.choice.identity]
        if ctx.wanted_docs is not None:
            sql += " AND s.doc IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(ctx.wanted_docs))
        cur = ctx.conn.cursor()
        cur.row_factory = None  # plain tuples: a million sqlite3.Row objects cost seconds
        rows = cur.execute(sql + " ORDER BY s.doc, s.field, s.position", args).fetchall()
        self.todo = [(r[0], r[1], r[2], r[3], None) for r in rows if r[4] is None]
        self.cached: dict[str, list[tuple]] = {}
        for r in rows:
            if r[4] is not None:
                self.cached.setdefault(r[1], []).append(r)
        ctx.tokenized[:] = [r[0] for r in self.todo]
        return len(self.todo) + sum(len(v) for k, v in self.cached.items() if has_work(self.plans[k]))

    def ruleset(self, ctx: RunContext, ids: list[str]) -> RuleSet:
        key = tuple(ids)
        rs = self.rulesets.get(key)
        if rs is None:
            rs = self.rulesets[key] = RuleSet(ctx.codebook, ids, self.scores)
        return rs

    def run(self, ctx: RunContext) -> None:
        if self.todo or self.cached:
            _STORED.clear()
            _STORED.update(load_types(ctx.conn))  # what cached streams refer to, and what need not be stored again
        tokenized_fields = {r[1] for r in self.todo}
        if self.todo:  # segments new to this pipeline: tokenize, and every code of their field
            pipe = Pipeline(self.choice, self.lemmatizer)
            ctx.summary.say(self.choice.notice)
            self._apply(ctx, self.todo, {f: self.ruleset(ctx, self.plans[f].codes) for f in tokenized_fields},
                        sorted(ctx.wanted_codes) if ctx.wanted_codes is not None else None, pipe)
        self.todo = []
        for fld, frows in self.cached.items():  # cached segments: only the codes whose rules changed
            plan = self.plans[fld]
            if has_work(plan):
                ctx.summary.rematched[fld] = list(plan.rematch)
                self._apply(ctx, frows, {fld: self.ruleset(ctx, plan.rematch)}, plan.store_filter, None)
        self.cached = {}
        save_rule_state(ctx.project, self.plans, ctx.wanted_codes, ctx.wanted_docs, tokenized_fields)

    def _apply(self, ctx: RunContext, rows: list[tuple], by_field: dict[str, RuleSet],
               store_filter: list[str] | None, pipe: Pipeline | None) -> None:
        conn = ctx.conn
        code_filter = json.dumps(store_filter) if store_filter is not None else None
        batches = [rows[i:i + ctx.batch_size] for i in range(0, len(rows), ctx.batch_size)]
        context = (by_field, pipe, self.choice.identity, ctx.version, ctx.stamp, frozenset(ctx.lemma_fields))
        for ids, fresh, out, types, lemmas in _run_batches(batches, context, ctx.jobs if pipe is not None else 1):
            ctx.lemma_texts.update(lemmas)
            with ctx.project.transaction():
                if types:  # before the streams that use them
                    conn.executemany("INSERT OR IGNORE INTO token_types(id, form, lemma, parts) VALUES (?,?,?,?)",
                                     types)
                if fresh:
                    conn.executemany("INSERT OR REPLACE INTO segment_tokens(segment, pipeline, data) "
                                     "VALUES (?,?,?)", fresh)
                replace_suggestions(conn, ids, out, "source LIKE 'rule:%'", code_filter, ctx.version)
            ctx.summary.rule_suggestions += len(out)
            ctx.summary.count_rows(self.name, out)
            ctx.summary.tokenized += len(fresh)
            ctx.summary.cached += len(ids) - len(fresh)
            ctx.tick(len(ids))


# what forked workers inherit: (rule set per field, pipeline, pipeline identity, codebook version, stamp,
# the fields whose lemma words a later source reads)
_CONTEXT: tuple[dict[str, RuleSet], Pipeline | None, str, str, str, frozenset[str]] | None = None


def _run_batches(batches: list[list[tuple]], context: tuple,
                 jobs: int) -> Iterator[tuple[list[int], list, list, list, list]]:
    """What ``_work_batch`` returns, per batch, in order."""
    global _CONTEXT
    _CONTEXT = context
    _BLOBS.clear()
    _HITS.clear()
    try:
        if jobs > 1 and len(batches) > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(min(jobs, len(batches))) as pool:
                yield from pool.imap(_work_batch, batches)
        else:
            for batch in batches:
                yield _work_batch(batch)
    finally:
        _CONTEXT = None
        _BLOBS.clear()
        _HITS.clear()


MEMO_MAX = 200_000  # distinct texts remembered per run (blobs and hits: ~1 kB each at most)
_BLOBS: dict[str, bytes] = {}                   # text -> its encoded token stream, this run
_HITS: dict[tuple[str, str], list[tuple]] = {}  # (field, text) -> its hits as row middles, this run


def _work_batch(batch: list[tuple]) -> tuple[list[int], list, list, list, list]:
    """Tokenize what has no cached stream, then apply the rules; pure computation, no SQL.

    Returns (segment ids, fresh token rows, suggestion rows, token types to store, (segment,
    lemma text) of the segments tokenized here, for the base model). Identical
    texts are common (survey cells such as "Nej" or "Vet ej", repeated note lines), and a
    text's tokens and hits in a field depend on nothing else, so each distinct text is
    tokenized, encoded and matched once per run (``_BLOBS``, ``_HITS``).
    """
    assert _CONTEXT is not None
    by_field, pipe, identity, version, stamp, lemma_fields = _CONTEXT
    streams: dict[str, TokenStream] = {}
    fresh: list[tuple[int, str, bytes]] = []
    types: list[tuple] = []
    todo = [r for r in batch if r[4] is None]
    if todo:
        assert pipe is not None
        new = list(dict.fromkeys(r[3] for r in todo if r[3] not in _BLOBS))
        blobs: dict[str, bytes] = {}
        seen: set[int] = set()
        for text, stream in zip(new, pipe.process(new)):
            streams[text] = stream
            blobs[text] = stream.encode()
            seen.update(stream.ids)
        seen -= _STORED
        _STORED.update(seen)
        types = type_rows(seen)
        if len(_BLOBS) < MEMO_MAX:
            _BLOBS.update(blobs)
        fresh = [(r[0], identity, blobs.get(r[3]) or _BLOBS[r[3]]) for r in todo]
    out = []
    for seg, fld, start, text, data in batch:
        hits = _HITS.get((fld, text))
        if hits is None:
            stream = streams.get(text)
            if stream is None:
                stream = TokenStream.decode(data if data is not None else _BLOBS[text])
            hits = [(h.code, h.source, h.score, h.start, h.end, int(h.negated), h.reason)
                    for h in by_field[fld].apply(stream, text)]
            if len(_HITS) < MEMO_MAX:
                _HITS[(fld, text)] = hits
        for code, source, score, a, b, neg, reason in hits:
            out.append((seg, code, source, score, start + a, start + b, neg, reason, None, version, stamp))
    # what the base model reads of each segment tokenized here, while its stream is at hand
    lemma_of: dict[str, str] = {}
    lemmas = []
    for r in todo:
        if r[1] in lemma_fields and r[3] in streams:
            if r[3] not in lemma_of:
                lemma_of[r[3]] = " ".join(stream_words(streams[r[3]]))
            lemmas.append((r[0], lemma_of[r[3]]))
    return [r[0] for r in batch], fresh, out, types, lemmas


_STORED: set[int] = set()  # token type ids the project holds (or this run has sent to it)
