"""Whose codings a tally counts, and where in the database it reads them.

Every count is a few GROUP BY queries over ``latest_decisions`` (the coder's current coding,
carrying each segment's doc and field, with partial indexes per field and code): a survey of
100k respondents with six choice columns is 600k segments, so the big counts must never join
segments or sort the decision log. Only a preview (``--include-suggestions``) builds temporary
tables; Python shapes the small result.

Every result also says how many suggestions in its scope the counting coder has not decided
on (``count_unreviewed``, printed by ``note_line``), so a reader knows whether the table is
final. Which codes a table lists (``table_codes``) depends on what was coded, so it lives here too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable, Sequence

from qualcode.codebook import Code
from qualcode.errors import QualcodeError
from qualcode.project import Project
from qualcode.tally.labels import labels
from qualcode.tally.scope import placeholders, segment_filter

PREVIEW_THRESHOLD = 0.5
CONSENSUS_CODER = "consensus"


def resolve_coder(project: Project, coder: str | None = None) -> str | None:
    """The coder whose codings count: named, else the consensus, else the only coder.

    Two coders' codings are never pooled (a segment both accepted would count twice); None when
    nobody has decided anything yet (every count is then 0 and ``unreviewed`` says why).
    """
    if coder:
        if not project.conn.execute("SELECT 1 FROM latest_decisions WHERE coder = ? LIMIT 1", (coder,)).fetchone():
            coders = _coders(project.conn)
            raise QualcodeError(f"no decisions by coder {coder!r} (coders: {', '.join(coders) or 'none yet'})")
        return coder
    named = project.meta("consensus_coder")
    if named:
        return named
    coders = _coders(project.conn)
    if CONSENSUS_CODER in coders:
        return CONSENSUS_CODER
    if len(coders) == 1:
        return coders[0]
    if not coders:
        return None
    raise QualcodeError(f"several coders ({', '.join(coders)}) and no consensus; choose one with --coder NAME "
                        f"or record a consensus coder")


@dataclass
class Counting:
    """The rule a tally counts by, kept on the result so its note can say what was counted."""

    coder: str | None
    include_suggestions: bool = False

    def describe(self, lang: str = "sv") -> str:
        who = self.coder or ("ingen kodare ännu" if lang == "sv" else "no coder yet")
        text = f"{'kodare' if lang == 'sv' else 'coder'}: {who}"
        if self.include_suggestions:
            text += "; " + labels(lang)["preview"]
        return text


def counting(project: Project, coder: str | None = None, include_suggestions: bool = False) -> Counting:
    return Counting(resolve_coder(project, coder), include_suggestions)


def note_line(unreviewed: int, rule: Counting, lang: str, extra: str = "") -> str:
    """Under every table: whose codings were counted and how many suggestions nobody has decided
    on yet, so a reader sees whether the figures are final."""
    L = labels(lang)
    parts = [rule.describe(lang), f"{L['unreviewed']}: {unreviewed}"]
    if extra:
        parts.append(extra)
    return "; ".join(parts)


def _coders(conn: sqlite3.Connection) -> list[str]:
    """Everyone who decided anything, by hopping along latest_decisions' key (a DISTINCT over the
    decision log would read every row)."""
    return [r[0] for r in conn.execute(
        "WITH RECURSIVE c(coder) AS (SELECT MIN(coder) FROM latest_decisions UNION ALL "
        "SELECT (SELECT MIN(coder) FROM latest_decisions WHERE coder > c.coder) FROM c WHERE c.coder IS NOT NULL) "
        "SELECT coder FROM c WHERE coder IS NOT NULL")]


@dataclass
class Source:
    """Where a tally reads, as SQL pieces for ``FROM {codings} t WHERE {coded}``.

    ``codings`` has columns segment, code, doc, field and holds each (segment, code) at most
    once, so queries count rows, not DISTINCT (which would sort 600k rows); ``verdicts``
    (aliased d, rows chosen by ``decided``) adds verdict: the standing decisions that say a
    suggestion was reviewed. Both may include retired segments: queries add ``live_only``.
    """

    codings: str
    coded: str
    verdicts: str
    decided: str
    cells: str = ""   # an INDEXED BY for reading codings in (field, segment) order


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def prepare(conn: sqlite3.Connection, rule: Counting) -> Source:
    """Say where the codings that count come from.

    A coder's current coding is read straight from ``latest_decisions`` (kept up to date by a
    trigger, keyed by coder, carrying each segment's doc and field), so no grouping of the
    decision log and no join with segments is needed; the conditions are spelled exactly as
    its partial indexes' WHERE clauses (hence the coder inlined, not bound) so that SQLite uses
    them. Only a preview (``--include-suggestions``) or a project without decisions materialises
    temp tables.
    """
    conn.execute("DROP TABLE IF EXISTS temp._tcur")
    conn.execute("DROP TABLE IF EXISTS temp._tc")
    if rule.coder is not None and not rule.include_suggestions:
        q = _quote(rule.coder)
        return Source("latest_decisions", f"t.coder = {q} AND t.verdict IN ('accept', 'add')",
                      "latest_decisions", f"d.coder = {q}", "INDEXED BY latest_decisions_cells")
    _current_verdicts(conn, rule)
    _counted_codings(conn, rule)
    return Source("_tc", "1", "_tcur", "1", "INDEXED BY _tc_cells")


def _current_verdicts(conn: sqlite3.Connection, rule: Counting) -> None:
    """temp._tcur: the standing verdicts that count (anyone's but retractions when there is no coder)."""
    cols = "segment, code, verdict, doc, field"
    if rule.coder is not None:
        conn.execute(f"CREATE TEMP TABLE _tcur AS SELECT {cols} FROM latest_decisions WHERE coder = ?", (rule.coder,))
    else:
        conn.execute(f"CREATE TEMP TABLE _tcur AS SELECT {cols} FROM latest_decisions WHERE verdict != 'retract'")
    conn.execute("CREATE INDEX temp._tcur_key ON _tcur(code, segment)")


def _counted_codings(conn: sqlite3.Connection, rule: Counting) -> None:
    """temp._tc: the coder's codings, plus in a preview the undecided suggestions scoring high enough."""
    if rule.coder is not None:
        conn.execute("CREATE TEMP TABLE _tc AS SELECT segment, code, doc, field FROM _tcur "
                     "WHERE verdict IN ('accept', 'add')")
    else:
        conn.execute("CREATE TEMP TABLE _tc (segment INTEGER, code TEXT, doc TEXT, field TEXT)")
    if rule.include_suggestions:
        conn.execute(
            "INSERT INTO _tc SELECT DISTINCT g.segment, g.code, s.doc, s.field FROM suggestions g "
            "JOIN segments s ON s.id = g.segment WHERE g.score >= ? "
            "AND NOT EXISTS (SELECT 1 FROM _tcur d WHERE d.segment = g.segment AND d.code = g.code "
            "AND d.verdict IN ('accept', 'add', 'reject'))", (PREVIEW_THRESHOLD,))
    # unique: the counting queries rely on each pair being there once
    conn.execute("CREATE UNIQUE INDEX temp._tc_key ON _tc(code, segment)")
    conn.execute("CREATE INDEX temp._tc_coded ON _tc(field, code, doc)")
    conn.execute("CREATE INDEX temp._tc_cells ON _tc(field, segment)")


def codes_given(conn: sqlite3.Connection, src: Source, fields: Sequence[str]) -> set[str]:
    """The codes the counting coder gave in these fields (retired segments included), found by
    hopping from code to code along the (field, code) index: a few dozen lookups, no scan."""
    found: set[str] = set()
    step = (f"SELECT MIN(t.code) FROM {src.codings} t WHERE {src.coded} AND t.field = ? AND t.code > ?")
    for f in fields:
        code = ""
        while (code := conn.execute(step, (f, code)).fetchone()[0]) is not None:
            found.add(code)
    return found


def live_only(conn: sqlite3.Connection, column: str) -> str:
    """A condition keeping ``column`` (a segment id) to live segments: empty when nothing is
    retired (the usual case), else a NOT IN over the few retired ids (a partial index)."""
    if conn.execute("SELECT 1 FROM segments WHERE retired = 1 LIMIT 1").fetchone():
        return f" AND {column} NOT IN (SELECT id FROM segments WHERE retired = 1)"
    return ""


def count_unreviewed(conn: sqlite3.Connection, src: Source, fields: Sequence[str] | None,
                     codes: Iterable[str] | None, *, kind: str | None = None,
                     where: dict[str, str] | None = None) -> int:
    """Suggestions in scope on which the counting coder has no standing verdict.

    The suggested (code, segment) pairs minus the decided ones is an EXCEPT of two streams that
    both come sorted from indexes (suggestions_code, latest_decisions' key), which SQLite merges
    without a lookup per suggestion; only the pairs left over are checked against the scope
    (live segment, field, documents), so a fully reviewed survey costs two index scans.
    """
    cs, cd, args = "", "", []
    if codes is not None:
        codes = list(codes)
        cs = f" WHERE code IN ({placeholders(codes)})"
        cd = f" AND d.code IN ({placeholders(codes)})"
        args = [*codes, *codes]
    _, conds, _, cargs = segment_filter((), where, "s")
    # the scope check is a correlated EXISTS: a join here makes SQLite drop the ORDER BY that
    # lets it merge the EXCEPT (it then sorts both sides into a temp b-tree, 3× slower)
    sql = (f"SELECT COUNT(*) FROM (SELECT code, segment FROM suggestions{cs} EXCEPT "
           f"SELECT d.code, d.segment FROM {src.verdicts} d WHERE {src.decided} AND d.verdict != 'retract'{cd} "
           "ORDER BY 1, 2) u WHERE EXISTS (SELECT 1 FROM segments s WHERE s.id = u.segment AND s.retired = 0")
    if fields is not None:
        sql += f" AND s.field IN ({placeholders(fields)})"
        args += list(fields)
    if kind:
        sql += " AND EXISTS (SELECT 1 FROM documents kd WHERE kd.id = s.doc AND kd.kind = ?)"
        args.append(kind)
    return conn.execute(sql + conds + ")", [*args, *cargs]).fetchone()[0]


def count_codings(conn: sqlite3.Connection, src: Source, by: Sequence[str], where: dict[str, str] | None,
                  fields: Sequence[str], codes: Sequence[str], *, what: str = "COUNT(*)",
                  kind: str | None = None) -> dict[tuple[tuple, str], int]:
    """(group values, code) → ``what`` over the counting coder's live codings in ``fields``.

    Grouped straight from the codings' own doc column (attributes a0, a1 … joined per row), so
    the big query never builds the documents in scope first.
    """
    joins, conds, jargs, cargs = segment_filter(by, where, "t")
    if kind:
        conds += " AND EXISTS (SELECT 1 FROM documents kd WHERE kd.id = t.doc AND kd.kind = ?)"
        cargs.append(kind)
    avals = "".join(f"a{i}.value, " for i in range(len(by)))
    out: dict[tuple[tuple, str], int] = {}
    for r in conn.execute(
            f"SELECT {avals}t.code, {what} FROM {src.codings} t {joins} "
            f"WHERE {src.coded} AND t.field IN ({placeholders(fields) or 'NULL'}) "
            f"AND t.code IN ({placeholders(codes)}){live_only(conn, 't.segment')}{conds} "
            f"GROUP BY {avals}t.code", [*jargs, *fields, *codes, *cargs]):
        r = tuple(r)
        out[(r[:-2], r[-2])] = r[-1]
    return out


def table_codes(project: Project, src: Source, groups: Sequence[str] | None, code: Sequence[str] | None,
                fields: Sequence[str]) -> list[Code]:
    """The codes a table lists: named codes, else the named groups, else every group in use in
    scope (so a survey's table does not list the interview themes as rows of zeros)."""
    cb = project.codebook
    if code:
        return [cb.resolve(c) for c in code]  # id or label, as a person types it
    if groups:
        for g in groups:
            if g not in cb.groups:
                raise QualcodeError(f"unknown code group {g!r} (known: {', '.join(cb.groups)})")
        return [c for c in cb.codes if c.group in groups]
    if not fields:
        return list(cb.codes)
    # per code an EXISTS that stops at the first hit, instead of listing every coded segment
    fm = placeholders(fields) or "NULL"
    used = {r[0] for r in project.conn.execute(
        f"SELECT DISTINCT c.grp FROM codes c WHERE EXISTS (SELECT 1 FROM {src.codings} t WHERE {src.coded} "
        f"AND t.code = c.id AND t.field IN ({fm})) OR EXISTS (SELECT 1 FROM suggestions g "
        f"CROSS JOIN segments s ON s.id = g.segment WHERE g.code = c.id AND s.field IN ({fm}))",
        [*fields, *fields])}
    chosen = [c for c in cb.codes if c.group in used]
    return chosen or list(cb.codes)
