"""Making suggestions: token streams (cached), codebook rules, and the choice normaliser.

``suggest`` is what ``qualcode suggest`` runs. Notes and open answers go through the rules;
choice cells through ``ChoiceNormaliser``. Work is done in batches, each batch one
transaction that stores the new token streams and replaces the batch's earlier
suggestions of the same kind, so an interrupted run leaves every segment either as it was
or fully re-suggested. Token streams are reused whenever the segment was tokenized by the
same pipeline, so after a codebook edit no spaCy runs at all.

Scores: a pattern's codebook weight until reviewers have judged MIN_JUDGED of its
suggestions, then its measured precision (accepted / judged), so that among suggestions
scored about s about a fraction s is accepted.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Iterator

from qualcode.errors import QualcodeError
from qualcode.fields import CONFIDENT, RULE_KINDS, check_codes, check_docs, choice_group, field_groups
from qualcode.nlp.pipeline import DEFAULT_LEMMATIZER, LEMMATIZERS, Pipeline, PipelineChoice, TokenStream, choose_pipeline
from qualcode.suggest.freshness import choice_fingerprints, has_work, models_before, plan_fields, read_state, save_state
from qualcode.suggest.rules import RuleSet
from qualcode.store.db import now
from qualcode.nlp.tokens import load_types, type_rows

MIN_JUDGED = 10        # judged suggestions before a pattern's precision replaces its weight
BATCH = 5000           # segments per transaction (and per job of a worker)


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
    current: int = 0          # segments whose suggestions were up to date and left alone
    rematched: dict[str, list[str]] = field(default_factory=dict)  # field -> codes re-applied to cached tokens

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------------------- settings

def model_setting(project: Any) -> str | None:
    return project.meta("nlp_model")


def lemmatizer_setting(project: Any) -> str:
    value = project.meta("nlp_lemmatizer") or DEFAULT_LEMMATIZER
    if value not in LEMMATIZERS:
        raise QualcodeError(f"project setting nlp_lemmatizer={value!r} is not one of {', '.join(LEMMATIZERS)}")
    return value


def pipeline_choice(project: Any, model: str | None = None) -> PipelineChoice:
    return choose_pipeline(model, model_setting(project), lemmatizer_setting(project))


# ----------------------------------------------------------------------------- scopes


def measured_precision(conn: Any, min_judged: int = MIN_JUDGED) -> dict[str, float]:
    """Pattern label -> accepted/judged over the current verdicts on its suggestions."""
    out = {}
    for source, accepted, judged in conn.execute(
            "SELECT suggestion_source, SUM(verdict = 'accept'), COUNT(*) FROM current_decisions "
            "WHERE suggestion_source LIKE 'rule:%' AND verdict IN ('accept', 'reject') "
            "GROUP BY suggestion_source"):
        if judged >= min_judged:
            out[source[len("rule:"):]] = accepted / judged
    return out



# ----------------------------------------------------------------------------- the run

def suggest(project: Any, docs: Iterable[str] | None = None, codes: Iterable[str] | None = None,
            model: str | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None, batch_size: int = BATCH, jobs: int = 1,
            force: bool = False) -> SuggestSummary:
    """Bring the stored suggestions of the segments in scope (all by default) up to date.

    Segments with no cached tokens of this pipeline get every code of their field. On the
    others only what changed is redone: the codes whose rules changed since the field was last
    suggested (``suggest_state``), and the choice fields whose code group changed. ``docs``,
    ``codes`` and ``force`` redo everything in their scope.
    ``jobs`` > 1 tokenizes and applies the rules in that many worker processes (forked, so
    they share the loaded lexicon); this process only reads and writes the project.
    """
    if jobs < 1:
        raise QualcodeError(f"jobs must be at least 1 (got {jobs})")
    with _no_gc():
        return _suggest(project, docs, codes, model, progress, on_total, batch_size, jobs, force)


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a run. A run allocates millions of small lists and
    tuples (tokens, hits, rows) and keeps a lot alive (the segment rows, per-run memos, the
    lexicon), so the collector kept rescanning live objects (decoding the cached streams of 1M
    words took 1.8 s with it, 0.6 s without). What a run creates is freed by reference counting;
    the collector resumes after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _suggest(project: Any, docs: Iterable[str] | None, codes: Iterable[str] | None, model: str | None,
             progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None, batch_size: int,
             jobs: int, force: bool) -> SuggestSummary:
    refreshed = project.refresh_codebook()
    cb = project.codebook
    conn = project.conn
    wanted_codes = check_codes(cb, codes)
    wanted_docs = check_docs(project.conn, docs)
    lemmatizer = lemmatizer_setting(project)
    choice = choose_pipeline(model, model_setting(project), lemmatizer)
    summary = SuggestSummary(choice.identity, None, cb.version, refreshed[1] if refreshed else [])
    fields = project.fields()
    groups = field_groups(cb, fields)
    scores = measured_precision(conn)
    # --docs and --codes redo what they name whatever the state says (--docs leaves the state alone)
    incremental = not force and wanted_docs is None and wanted_codes is None
    state = read_state(conn) if incremental else None
    plans = plan_fields(cb, groups, scores, wanted_codes, state)
    choice_fps = choice_fingerprints(cb, fields)
    for name, f in fields.items():
        group = choice_group(f)
        if f["kind"] == "choice" and group not in cb.groups:
            raise QualcodeError(f"choice field {name!r} is bound to group {group!r}, which the codebook does not have")
    redo_choice = {name for name, fp in choice_fps.items()
                   if not incremental or (state or {}).get(name, {}).get("") != fp}
    # choice cells are read row by row only in a run narrowed to some documents or codes;
    # otherwise a whole field at a time, by distinct text (_redo_choice_field)
    scoped = wanted_docs is not None or wanted_codes is not None
    read_all = sorted([n for n, pl in plans.items() if has_work(pl)] + (sorted(redo_choice) if scoped else []))

    # one query for the segments to look at, with their cached token blobs (only blobs of this
    # pipeline count): every segment of a field with something to redo, elsewhere those not yet
    # tokenized by this pipeline
    sql = ("SELECT s.id, s.field, s.start, s.text, f.kind, f.code_group, "
           "CASE WHEN t.pipeline = ? THEN t.data END "
           "FROM segments s JOIN fields f ON f.name = s.field "
           "LEFT JOIN segment_tokens t ON t.segment = s.id "
           "WHERE s.field IN (SELECT value FROM json_each(?)) AND s.retired = 0 "
           "AND (s.field IN (SELECT value FROM json_each(?)) OR t.pipeline IS NOT ?)")
    looked_at = sorted(set(plans) | (redo_choice if scoped else set()))
    args: list[Any] = [choice.identity, json.dumps(looked_at), json.dumps(read_all), choice.identity]
    if wanted_docs is not None:
        sql += " AND s.doc IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(wanted_docs))
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: a million sqlite3.Row objects cost seconds
    rows = cur.execute(sql + " ORDER BY s.doc, s.field, s.position", args).fetchall()
    todo_rows = [(r[0], r[1], r[2], r[3], None) for r in rows if r[4] in RULE_KINDS and r[6] is None]
    cached_rows: dict[str, list[tuple]] = {}
    for r in rows:
        if r[4] in RULE_KINDS and r[6] is not None:
            cached_rows.setdefault(r[1], []).append((r[0], r[1], r[2], r[3], r[6]))
    choice_rows = [r for r in rows if r[4] == "choice"]
    del rows
    n_cached = sum(len(v) for k, v in cached_rows.items() if has_work(plans[k]))
    whole_choice = {} if scoped else {f: n for f, n in conn.execute(
        "SELECT field, COUNT(*) FROM segments WHERE retired = 0 AND field IN (SELECT value FROM json_each(?)) "
        "GROUP BY field", (json.dumps(sorted(redo_choice)),))}
    summary.segments = len(todo_rows) + n_cached + len(choice_rows) + sum(whole_choice.values())
    summary.current = _live_segments(conn, wanted_docs) - summary.segments
    if on_total:
        on_total(summary.segments)
    version, stamp = summary.codebook_version, now()
    rulesets: dict[tuple[str, ...], RuleSet] = {}

    def ruleset(ids: list[str]) -> RuleSet:
        key = tuple(ids)
        rs = rulesets.get(key)
        if rs is None:
            rs = rulesets[key] = RuleSet(cb, ids, scores)
        return rs

    def run(rows: list[tuple], by_field: dict[str, RuleSet], store_filter: list[str] | None,
            pipe: Pipeline | None) -> None:
        code_filter = json.dumps(store_filter) if store_filter is not None else None
        batches = [rows[i:i + batch_size] for i in range(0, len(rows), batch_size)]
        for ids, fresh, out, types in _run_batches(batches, (by_field, pipe, choice.identity, version, stamp),
                                                   jobs if pipe is not None else 1):
            with project.transaction():
                if types:  # before the streams that use them
                    conn.executemany("INSERT OR IGNORE INTO token_types(id, form, lemma, parts) VALUES (?,?,?,?)",
                                     types)
                if fresh:
                    conn.executemany("INSERT OR REPLACE INTO segment_tokens(segment, pipeline, data) "
                                     "VALUES (?,?,?)", fresh)
                _store(conn, ids, out, "source LIKE 'rule:%'", code_filter, version)
            summary.rule_suggestions += len(out)
            _count(summary, out)
            summary.tokenized += len(fresh)
            summary.cached += len(ids) - len(fresh)
            if progress:
                progress(len(ids))

    if todo_rows or n_cached:
        _STORED.clear()
        _STORED.update(load_types(conn))  # what cached streams refer to, and what need not be stored again
    models = models_before(project, incremental, bool(todo_rows))
    # segments new to this pipeline: tokenize, and every code of their field
    tokenized_fields = {r[1] for r in todo_rows}
    tokenized_ids = [r[0] for r in todo_rows]
    if todo_rows:
        pipe = Pipeline(choice, lemmatizer)
        summary.notice = choice.notice
        run(todo_rows, {f: ruleset(plans[f].codes) for f in tokenized_fields},
            sorted(wanted_codes) if wanted_codes is not None else None, pipe)
    del todo_rows
    # cached segments: only the codes whose rules changed, field by field
    for fld, frows in cached_rows.items():
        plan = plans[fld]
        if has_work(plan):
            summary.rematched[fld] = list(plan.rematch)
            run(frows, {fld: ruleset(plan.rematch)}, plan.store_filter, None)
    del cached_rows

    normalisers: dict[str, Any] = {}
    memos: dict[str, dict[str, tuple | None]] = {}  # per group: cell text -> row tail

    def normaliser(group: str) -> Any:  # one per group and run, so its per-text cache serves every field
        if group not in normalisers:
            from qualcode.suggest import choices
            normalisers[group] = choices.ChoiceNormaliser(cb, group)
        return normalisers[group]

    for fld, n in whole_choice.items():
        group = choice_group(fields[fld])
        with project.transaction():
            made = _redo_choice_field(conn, fld, normaliser(group), memos.setdefault(group, {}), version, stamp)
        for code, (k, sure) in made.items():
            summary.choice_suggestions += k
            summary.confident += sure
            summary.by_code[code] = summary.by_code.get(code, 0) + k
        if progress:
            progress(n)
    by_choice_field: dict[str, list[Any]] = {}
    for r in choice_rows:
        by_choice_field.setdefault(r[1], []).append(r)
    code_filter = json.dumps(sorted(wanted_codes)) if wanted_codes is not None else None
    for fld, frows in by_choice_field.items():
        group = frows[0][5] or choice_group({})
        for i in range(0, len(frows), batch_size):
            batch = frows[i:i + batch_size]
            out = _choice_rows(normaliser(group), batch, wanted_codes, version, stamp, memos.setdefault(group, {}))
            with project.transaction():
                _store(conn, [r[0] for r in batch], out, "source = 'choice'", code_filter, version)
            summary.choice_suggestions += len(out)
            _count(summary, out)
            if progress:
                progress(len(batch))

    save_state(project, plans, choice_fps, redo_choice, wanted_codes, wanted_docs, tokenized_fields)
    if models is not None:
        # a model learned from the decisions suggests beside the rules (qualcode learn): again
        # everywhere when the models (or what they apply to) changed, else on new segments only
        from qualcode.suggest.model.learn import MODEL_STATE, model_suggestions
        fingerprint, current = models
        if not current:
            m = model_suggestions(project, docs=wanted_docs, codes=wanted_codes)
        elif tokenized_ids:
            m = model_suggestions(project, segments=tokenized_ids)
            with project.transaction():
                conn.execute("INSERT OR REPLACE INTO suggest_state(field, code, fingerprint) VALUES (?,?,?)",
                             (*MODEL_STATE, fingerprint))
        else:
            m = None
        if m is not None:
            summary.model_suggestions, summary.models = m.suggestions, m.models
            summary.confident += m.confident
            for code, k in m.by_code.items():
                summary.by_code[code] = summary.by_code.get(code, 0) + k
    return summary


def _redo_choice_field(conn: Any, fld: str, norm: Any, memo: dict[str, tuple | None], version: str,
                       stamp: str) -> dict[str, list[int]]:
    """Bring a whole choice field's suggestions up to date, one distinct cell text at a time.

    A choice suggestion depends on the cell's text only, and a field of 100k cells holds a few
    hundred distinct texts: each is read by the normaliser once, compared with what its cells
    hold now (one grouped query), and only the cells of texts whose reading changed are
    rewritten, in SQL. Returns, per code, the field's suggestions afterwards and how many of
    them are confident."""
    cells: dict[str, int] = {}
    old: dict[str, tuple | None] = {}
    mixed: set[str] = set()  # cells of one text that hold different suggestions (or some none)
    for text, code, score, reason, candidates, n in conn.execute(
            "SELECT g.text, s.code, s.score, s.reason, s.candidates, COUNT(*) FROM segments g "
            "LEFT JOIN suggestions s ON s.segment = g.id AND s.source = 'choice' "
            "WHERE g.field = ? AND g.retired = 0 GROUP BY 1, 2, 3, 4, 5", (fld,)):
        if text in cells:
            mixed.add(text)
        cells[text] = cells.get(text, 0) + n
        old[text] = (code, "choice", score, reason, candidates) if code is not None else None
    new = {text: _choice_tail(norm, text, None, memo) for text in cells}
    changed = [(text, *(tail or (None,) * 5)) for text, tail in new.items() if text in mixed or old[text] != tail]
    if changed:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS qc_choice_tails (text TEXT PRIMARY KEY, code TEXT, "
                     "source TEXT, score REAL, reason TEXT, candidates TEXT)")
        conn.execute("DELETE FROM temp.qc_choice_tails")
        conn.executemany("INSERT INTO temp.qc_choice_tails VALUES (?,?,?,?,?,?)", changed)
        conn.execute("DELETE FROM suggestions WHERE source = 'choice' AND segment IN (SELECT g.id FROM segments g "
                     "JOIN temp.qc_choice_tails t ON t.text = g.text WHERE g.field = ? AND g.retired = 0)", (fld,))
        conn.execute(f"INSERT INTO suggestions({_COLS}) SELECT g.id, t.code, t.source, t.score, g.start, "
                     f"g.start + length(g.text), 0, t.reason, t.candidates, ?, ? FROM segments g "
                     f"JOIN temp.qc_choice_tails t ON t.text = g.text "
                     f"WHERE g.field = ? AND g.retired = 0 AND t.code IS NOT NULL", (version, stamp, fld))
        conn.execute("DELETE FROM temp.qc_choice_tails")
    made: dict[str, list[int]] = {}
    for text, n in cells.items():
        tail = new[text]
        if tail:
            counts = made.setdefault(tail[0], [0, 0])
            counts[0] += n
            counts[1] += n if tail[2] >= CONFIDENT else 0
    return made


def _live_segments(conn: Any, docs: list[str] | None) -> int:
    if docs is None:
        return conn.execute("SELECT COUNT(*) FROM segments WHERE retired = 0").fetchone()[0]
    return conn.execute("SELECT COUNT(*) FROM segments WHERE retired = 0 AND doc IN (SELECT value FROM json_each(?))",
                        (json.dumps(docs),)).fetchone()[0]


def _count(summary: SuggestSummary, out: list[tuple]) -> None:
    for row in out:
        summary.by_code[row[1]] = summary.by_code.get(row[1], 0) + 1
        summary.confident += row[3] >= CONFIDENT


def outdated(project: Any) -> dict[str, Any]:
    """What the next ``suggest`` would redo, found without doing it (``qualcode status``).

    The codebook is the file as it is now, if it was edited since it was loaded (suggest
    reloads it); nothing is written. Fields never suggested count all their codes."""
    try:
        on_disk = project.edited_codebook()
    except QualcodeError:  # a broken edit: suggest will name the problem
        on_disk = None
    cb = on_disk or project.codebook
    conn = project.conn
    fields = project.fields()
    state = read_state(conn)
    plans = plan_fields(cb, field_groups(cb, fields), measured_precision(conn), None, state)
    try:
        identity = pipeline_choice(project).identity
    except QualcodeError:  # a pipeline setting that no longer loads: suggest will say so; count the untokenized
        identity = ""
    rule_fields = sorted(plans)
    new = conn.execute(
        "SELECT COUNT(*) FROM segments s LEFT JOIN segment_tokens t ON t.segment = s.id WHERE s.retired = 0 "
        "AND s.field IN (SELECT value FROM json_each(?)) AND t.pipeline IS NOT ?",
        (json.dumps(rule_fields), identity)).fetchone()[0]
    choice_fields = sorted(name for name, fp in choice_fingerprints(cb, fields).items()
                           if state.get(name, {}).get("") != fp)
    models = models_before(project, True, False)
    return {"codebook_edited": on_disk is not None,
            "new_segments": new,
            "codes": {name: plan.rematch for name, plan in plans.items() if plan.rematch},
            "choice_fields": choice_fields,
            "models": None if models is None else not models[1]}


# what forked workers inherit: (rule set per field, pipeline, pipeline identity, codebook version, stamp)
_CONTEXT: tuple[dict[str, RuleSet], Pipeline | None, str, str, str] | None = None


def _run_batches(batches: list[list[tuple]], context: tuple,
                 jobs: int) -> Iterator[tuple[list[int], list, list, list]]:
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


def _work_batch(batch: list[tuple]) -> tuple[list[int], list, list, list]:
    """Tokenize what has no cached stream, then apply the rules; pure computation, no SQL.

    Returns (segment ids, fresh token rows, suggestion rows, token types to store). Identical
    texts are common (survey cells such as "Nej" or "Vet ej", repeated note lines), and a
    text's tokens and hits in a field depend on nothing else, so each distinct text is
    tokenized, encoded and matched once per run (``_BLOBS``, ``_HITS``).
    """
    assert _CONTEXT is not None
    by_field, pipe, identity, version, stamp = _CONTEXT
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
    return [r[0] for r in batch], fresh, out, types


_STORED: set[int] = set()  # token type ids the project holds (or this run has sent to it)


def _choice_rows(norm: Any, rows: list[tuple], wanted_codes: set[str] | None, version: str, stamp: str,
                 memo: dict[str, tuple | None] | None = None) -> list:
    """Suggestion rows for choice cells. Cells repeat a lot, so each distinct text's row tail
    is made once per run (``memo``)."""
    memo = {} if memo is None else memo
    out = []
    for seg, _, start, text, *_ in rows:
        tail = _choice_tail(norm, text, wanted_codes, memo)
        if tail is not None:
            code, source, score, reason, candidates = tail
            out.append((seg, code, source, score, start, start + len(text), 0, reason, candidates, version, stamp))
    return out


def _choice_tail(norm: Any, text: str, wanted_codes: set[str] | None, memo: dict[str, tuple | None]) -> tuple | None:
    """(code, source, score, reason, candidates as JSON) of a cell's text, None if it names no code
    (in scope); memoised per text."""
    tail = memo.get(text, _MISSING)
    if tail is _MISSING:
        res = norm.normalise(text)
        tail = None if res.code is None else (res.code, "choice", float(res.score), res.reason,
                                              json.dumps(list(res.candidates), ensure_ascii=False))
        if len(memo) < 500_000:
            memo[text] = tail
    if tail is not None and wanted_codes is not None and tail[0] not in wanted_codes:
        return None
    return tail


_MISSING: Any = object()


_COLS = "segment, code, source, score, start, end, negated, reason, candidates, codebook_version, created_at"


def _store(conn: Any, ids: list[int], out: list[tuple], source_sql: str, code_filter: str | None,
           version: str) -> None:
    """Make the stored suggestions of these segments (of one kind, and codes in scope) equal ``out``.

    Only what changed is written: a re-suggest after a small codebook edit leaves most rows as
    they were, and rewriting a million identical rows (and their two indexes) would cost more
    than computing them. Unchanged rows get the new codebook version, since they were made
    under it too.
    """
    sql = (f"SELECT id, segment, code, source, score, start, end, negated, reason, candidates, codebook_version "
           f"FROM suggestions WHERE {source_sql} AND segment IN (SELECT value FROM json_each(?))")
    args: list[Any] = [json.dumps(ids)]
    if code_filter is not None:
        sql += " AND code IN (SELECT value FROM json_each(?))"
        args.append(code_filter)
    new = {(r[0], r[1], r[2]): r for r in out}
    gone, restamp = [], []
    cur = conn.cursor()
    cur.row_factory = None
    for row in cur.execute(sql, args):
        r = new.get((row[1], row[2], row[3]))
        if r is None:
            gone.append(row[0])
        elif (r[3], r[4], r[5], r[6], r[7], r[8]) == tuple(row[4:10]):
            del new[(row[1], row[2], row[3])]
            if row[10] != version:
                restamp.append(row[0])
    if gone:
        conn.execute("DELETE FROM suggestions WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(gone),))
    if restamp:
        conn.execute("UPDATE suggestions SET codebook_version = ? WHERE id IN (SELECT value FROM json_each(?))",
                     (version, json.dumps(restamp)))
    if new:
        conn.executemany(
            f"INSERT INTO suggestions({_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(segment, code, source) "
            f"DO UPDATE SET score = excluded.score, start = excluded.start, end = excluded.end, "
            f"negated = excluded.negated, reason = excluded.reason, candidates = excluded.candidates, "
            f"codebook_version = excluded.codebook_version, created_at = excluded.created_at", list(new.values()))


# ----------------------------------------------------------------------------- reading

EXPORT_FIELDS = ("doc", "field", "segment", "start", "end", "text", "code", "number", "group", "score",
                 "source", "negated")


def list_suggestions(project: Any, doc: str | None = None, code: str | None = None, min_score: float = 0.0,
                     source: str | None = None, pending: bool = False) -> list[dict[str, Any]]:
    """Suggestions of live segments in document order, as the export's records."""
    if code is not None:
        project.codebook.get(code)
    sql = ("SELECT g.doc, g.field, s.segment, s.start, s.end, g.text, s.code, c.number, c.grp AS \"group\", "
           "s.score, s.source, s.negated, s.reason, s.candidates FROM suggestions s "
           "JOIN segments g ON g.id = s.segment AND g.retired = 0 LEFT JOIN codes c ON c.id = s.code "
           "WHERE s.score >= ?")
    args: list[Any] = [min_score]
    if doc is not None:
        sql += " AND g.doc = ?"
        args.append(doc)
    if code is not None:
        sql += " AND s.code = ?"
        args.append(code)
    if source is not None:
        sql += " AND (s.source = ? OR s.source LIKE ?)"
        args += [source, source.rstrip("%") + "%" if source.endswith("%") else source]
    if pending:
        sql += (" AND NOT EXISTS (SELECT 1 FROM current_decisions d WHERE d.segment = s.segment "
                "AND d.code = s.code AND d.verdict != 'retract')")
    sql += " ORDER BY g.doc, g.field, g.position, s.score DESC, s.code"
    out = []
    for r in project.conn.execute(sql, args):
        d = dict(r)
        d["negated"] = bool(d["negated"])
        out.append(d)
    return out


def export_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in EXPORT_FIELDS} for r in rows]


def explain(project: Any, segment: int, model: str | None = None) -> dict[str, Any]:
    """Everything about one segment's rule suggestions: tokens, lemmas, parts, what fired."""
    row = project.conn.execute(
        "SELECT s.id, s.doc, s.field, s.start, s.end, s.text, f.kind, t.pipeline, t.data FROM segments s "
        "JOIN fields f ON f.name = s.field LEFT JOIN segment_tokens t ON t.segment = s.id WHERE s.id = ?",
        (segment,)).fetchone()
    if row is None:
        raise QualcodeError(f"unknown segment {segment}")
    cb = project.codebook
    choice = pipeline_choice(project, model)
    if row["data"] is not None and row["pipeline"] == choice.identity:
        stream, used = TokenStream.decode(row["data"]), "cache"
        load_types(project.conn, stream.ids)
    else:
        stream, used = next(iter(Pipeline(choice, lemmatizer_setting(project)).process([row["text"]]))), "pipeline"
    groups = field_groups(cb, project.fields()).get(row["field"], list(cb.groups))
    rs = RuleSet(cb, [c.id for c in cb.codes if c.group in groups], measured_precision(project.conn))
    ex = rs.explain(stream, row["text"])
    text = row["text"]
    return {
        "segment": row["id"], "doc": row["doc"], "field": row["field"], "text": text,
        "pipeline": choice.identity, "tokens_from": used, "groups": groups,
        "tokens": ex.tokens,
        "matches": [{"code": m.rule.code, "pattern": m.rule.label, "kind": m.rule.pattern.kind,
                     "line": m.rule.pattern.line, "weight": m.rule.pattern.weight, "score": m.rule.score,
                     "start": row["start"] + m.start, "end": row["start"] + m.end, "evidence": text[m.start:m.end],
                     "negated": m.negated, "vetoed_by": m.vetoed_by or None, "blocked": m.blocked or None}
                    for m in ex.matches],
        "suggestions": [{"code": h.code, "source": h.source, "score": h.score, "start": row["start"] + h.start,
                         "end": row["start"] + h.end, "negated": h.negated, "reason": h.reason} for h in ex.hits],
    }
