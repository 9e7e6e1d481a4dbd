"""The choice source: free-text area answers ("p6 adm stöd") read by ``ChoiceNormaliser``.

A choice suggestion depends on the cell's text and its field's code group only, so a field is
redone when its group's fingerprint changed or an import touched its cells, and then per
distinct text (a field of 100k cells holds a few hundred), in SQL.
"""

from __future__ import annotations

import json
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.fields import CONFIDENT, choice_group
from qualcode.store.suggestions import COLUMNS, replace_suggestions
from qualcode.suggest import choices
from qualcode.suggest.base import RunContext
from qualcode.suggest.freshness import choice_fingerprints, save_choice_state


class ChoiceSource:
    name = "choice"
    owns = "choice"

    def prepare(self, ctx: RunContext) -> int:
        for name, f in ctx.fields.items():
            if f["kind"] == "choice" and choice_group(f) not in ctx.codebook.groups:
                raise QualcodeError(f"choice field {name!r} is bound to group {choice_group(f)!r}, "
                                    "which the codebook does not have")
        self.fingerprints = choice_fingerprints(ctx.codebook, ctx.fields)
        self.redo = {name for name, fp in self.fingerprints.items()
                     if not ctx.incremental or (ctx.state or {}).get(name, {}).get("") != fp}
        self.normalisers: dict[str, Any] = {}
        self.memos: dict[str, dict[str, tuple | None]] = {}  # per group: cell text -> row tail
        conn = ctx.conn
        if ctx.scoped:
            # read row by row only in a run narrowed to some documents or codes
            sql = ("SELECT s.id, s.field, s.start, s.text FROM segments s WHERE s.retired = 0 "
                   "AND s.field IN (SELECT value FROM json_each(?))")
            args: list[Any] = [json.dumps(sorted(self.redo))]
            if ctx.wanted_docs is not None:
                sql += " AND s.doc IN (SELECT value FROM json_each(?))"
                args.append(json.dumps(ctx.wanted_docs))
            cur = conn.cursor()
            cur.row_factory = None
            self.rows = cur.execute(sql + " ORDER BY s.doc, s.field, s.position", args).fetchall()
            self.whole: dict[str, int] = {}
            return len(self.rows)
        self.rows = []
        self.whole = {f: n for f, n in conn.execute(
            "SELECT field, COUNT(*) FROM segments WHERE retired = 0 AND field IN (SELECT value FROM json_each(?)) "
            "GROUP BY field", (json.dumps(sorted(self.redo)),))}
        return sum(self.whole.values())

    def normaliser(self, ctx: RunContext, group: str) -> Any:
        """One per group and run, so its per-text cache serves every field of the group."""
        if group not in self.normalisers:
            self.normalisers[group] = choices.ChoiceNormaliser(ctx.codebook, group)
        return self.normalisers[group]

    def run(self, ctx: RunContext) -> None:
        for fld, n in self.whole.items():
            group = choice_group(ctx.fields[fld])
            with ctx.project.transaction():
                made = _redo_choice_field(ctx.conn, fld, self.normaliser(ctx, group),
                                          self.memos.setdefault(group, {}), ctx.version, ctx.stamp)
            ctx.summary.choice_suggestions += sum(k for k, _ in made.values())
            ctx.summary.add(self.name, sum(k for k, _ in made.values()), sum(s for _, s in made.values()),
                            {code: k for code, (k, _) in made.items()})
            ctx.tick(n)
        by_field: dict[str, list[Any]] = {}
        for r in self.rows:
            by_field.setdefault(r[1], []).append(r)
        code_filter = json.dumps(sorted(ctx.wanted_codes)) if ctx.wanted_codes is not None else None
        for fld, frows in by_field.items():
            group = choice_group(ctx.fields[fld])
            for i in range(0, len(frows), ctx.batch_size):
                batch = frows[i:i + ctx.batch_size]
                out = _choice_rows(self.normaliser(ctx, group), batch, ctx.wanted_codes, ctx.version, ctx.stamp,
                                   self.memos.setdefault(group, {}))
                with ctx.project.transaction():
                    replace_suggestions(ctx.conn, [r[0] for r in batch], out, "source = 'choice'", code_filter,
                                        ctx.version)
                ctx.summary.choice_suggestions += len(out)
                ctx.summary.count_rows(self.name, out)
                ctx.tick(len(batch))
        if not ctx.scoped:
            save_choice_state(ctx.project, self.fingerprints, self.redo)



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
        conn.execute(f"INSERT INTO suggestions({COLUMNS}) SELECT g.id, t.code, t.source, t.score, g.start, "
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
