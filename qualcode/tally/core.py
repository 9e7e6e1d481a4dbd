"""Tallies: the counts and tables a researcher prints, computed from validated codes.

Why SQL: a survey of 100k respondents with six choice columns is 600k segments; every tally
is a few GROUP BY queries over ``latest_decisions`` (the coder's current coding, carrying each
segment's doc and field, with partial indexes per field and code), so the big counts never join
segments; only a preview (``--include-suggestions``) builds temporary tables. Python only shapes
the small result. Choice (6 fields) + presence over 100k responses: 0.6 s (scripts/bench.py).

What counts (DESIGN.md "What counts in a tally"):

- presence: a document counts once for a code if any of its segments carries it; the
  denominator is the number of documents in the group, of the kind that has the field
  (interviews for notes, respondents with an answer cell for a survey field);
- mentions: the number of coded segments;
- choice: per alternative column, respondents per area in plan order, Ej svar (blank cell
  or no validated area code) and system-missing (no cell at all) kept apart; percent of the
  valid total (respondents with a cell, Ej svar included), rounded half up as SPSS prints it.

Every result carries ``unreviewed``: the suggestions in its scope that the counting coder has
not decided on, so a reader knows whether the table is final.
"""

from __future__ import annotations

import re

import sqlite3
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Sequence

from qualcode.codebook import AREA_GROUP, Code
from qualcode.errors import QualcodeError
from qualcode.report.formats import Table
from qualcode.project import Project

PREVIEW_THRESHOLD = 0.5
CONSENSUS_CODER = "consensus"

LABELS = {
    "sv": {"count": "Antal", "percent": "Procent", "no_answer": "Ej svar", "total": "Total",
           "missing": "Systembortfall", "code": "Kod", "number": "Nr", "documents": "Dokument",
           "of": "av", "mentions": "Nämns", "row_pct": "Rad-%", "col_pct": "Kol-%", "totals": "Totalt",
           "unknown": "(saknas)", "unreviewed": "ogranskade förslag", "all": "Alla",
           "value": "Värde", "doc": "Dokument", "field": "Fält", "text": "Text", "segment": "Segment",
           "combined": "Antal gånger nämnt (alla alternativ)", "preview": "FÖRHANDSVISNING: förslag med poäng ≥ 0,5 räknade som godkända",
           "double": "svar bär två eller fler validerade områdeskoder; varje kod räknas, så summan av raderna överstiger Total",
           "interview": ("intervjun", "intervjuerna"), "response": ("svaret", "svaren"),
           "raised": "togs upp i", "the": "de"},
    "en": {"count": "Count", "percent": "Percent", "no_answer": "No answer", "total": "Total",
           "missing": "Missing", "code": "Code", "number": "No", "documents": "Documents",
           "of": "of", "mentions": "Mentions", "row_pct": "Row %", "col_pct": "Col %", "totals": "Total",
           "unknown": "(missing)", "unreviewed": "unreviewed suggestions", "all": "All",
           "value": "Value", "doc": "Document", "field": "Field", "text": "Text", "segment": "Segment",
           "combined": "Times named (all alternatives)", "preview": "PREVIEW: suggestions scoring ≥ 0.5 counted as accepted",
           "double": "answers carry two or more validated area codes; each is counted, so the rows sum to more than Total",
           "interview": ("interview", "interviews"), "response": ("answer", "answers"),
           "raised": "was raised in", "the": "the"},
}


def labels(lang: str) -> dict[str, Any]:
    if lang not in LABELS:
        raise QualcodeError(f"unknown language {lang!r} (use sv or en)")
    return LABELS[lang]


def percent(count: int, total: int, decimals: int = 1) -> float | None:
    """count/total × 100 rounded half up, as SPSS and a person round (4.2735 → 4.3, 0.85 → 0.9)."""
    if not total:
        return None
    q = Decimal(count * 100) / Decimal(total)
    return float(q.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def format_number(value: float | None, decimals: int = 1, lang: str = "sv") -> str:
    if value is None:
        return ""
    s = f"{value:.{decimals}f}"
    return s.replace(".", ",") if lang == "sv" else s


# ----------------------------------------------------------------------------- what counts

def resolve_coder(project: Project, coder: str | None = None) -> str | None:
    """The coder whose codings count: named, else the consensus, else the only coder.

    None when nobody has decided anything yet (every count is then 0 and ``unreviewed`` says why).
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
    """The rule a tally counts by; ``prepare`` turns it into SQL."""

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


def _coders(conn: sqlite3.Connection) -> list[str]:
    """Everyone who decided anything, by hopping along latest_decisions' key (a DISTINCT over the
    decision log reads every row: 40 ms on a 100k-response survey)."""
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
    suggestion was reviewed. Both may include retired segments: queries add ``_live``.
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
    its partial indexes' WHERE clauses so that SQLite uses them. Only a preview
    (``--include-suggestions``) or a project without decisions materialises temp tables.
    """
    conn.execute("DROP TABLE IF EXISTS temp._tcur")
    conn.execute("DROP TABLE IF EXISTS temp._tc")
    if rule.coder is not None and not rule.include_suggestions:
        q = _quote(rule.coder)
        return Source("latest_decisions", f"t.coder = {q} AND t.verdict IN ('accept', 'add')",
                      "latest_decisions", f"d.coder = {q}", "INDEXED BY latest_decisions_cells")
    cols = "segment, code, verdict, doc, field"
    if rule.coder is not None:
        conn.execute(f"CREATE TEMP TABLE _tcur AS SELECT {cols} FROM latest_decisions WHERE coder = ?", (rule.coder,))
    else:
        conn.execute(f"CREATE TEMP TABLE _tcur AS SELECT {cols} FROM latest_decisions WHERE verdict != 'retract'")
    conn.execute("CREATE INDEX temp._tcur_key ON _tcur(code, segment)")
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
    return Source("_tc", "1", "_tcur", "1", "INDEXED BY _tc_cells")


def _codes_on(conn: sqlite3.Connection, src: Source, fields: Sequence[str]) -> set[str]:
    """The codes the counting coder gave in these fields (retired segments included), found by
    hopping from code to code along the (field, code) index: a few dozen lookups, no scan."""
    found: set[str] = set()
    step = (f"SELECT MIN(t.code) FROM {src.codings} t WHERE {src.coded} AND t.field = ? AND t.code > ?")
    for f in fields:
        code = ""
        while (code := conn.execute(step, (f, code)).fetchone()[0]) is not None:
            found.add(code)
    return found


def _live(conn: sqlite3.Connection, column: str) -> str:
    """A condition keeping ``column`` (a segment id) to live segments: empty when nothing is
    retired (the usual case), else a NOT IN over the few retired ids (a partial index)."""
    if conn.execute("SELECT 1 FROM segments WHERE retired = 1 LIMIT 1").fetchone():
        return f" AND {column} NOT IN (SELECT id FROM segments WHERE retired = 1)"
    return ""


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _unreviewed(conn: sqlite3.Connection, src: Source, fields: Sequence[str] | None, codes: Iterable[str] | None,
                *, kind: str | None = None, where: dict[str, str] | None = None) -> int:
    """Suggestions in scope on which the counting coder has no standing verdict.

    The suggested (code, segment) pairs minus the decided ones is an EXCEPT of two streams that
    both come sorted from indexes (suggestions_code, latest_decisions' key), which SQLite merges
    without a lookup per suggestion; only the pairs left over are checked against the scope
    (live segment, field, documents), so a fully reviewed survey costs two index scans.
    """
    cs, cd, args = "", "", []
    if codes is not None:
        codes = list(codes)
        cs = f" WHERE code IN ({_marks(codes)})"
        cd = f" AND d.code IN ({_marks(codes)})"
        args = [*codes, *codes]
    _, conds, _, cargs = _segment_filter((), where, "s")
    # the scope check is a correlated EXISTS: a join here makes SQLite drop the ORDER BY that
    # lets it merge the EXCEPT (it then sorts both sides into a temp b-tree, 3× slower)
    sql = (f"SELECT COUNT(*) FROM (SELECT code, segment FROM suggestions{cs} EXCEPT "
           f"SELECT d.code, d.segment FROM {src.verdicts} d WHERE {src.decided} AND d.verdict != 'retract'{cd} "
           "ORDER BY 1, 2) u WHERE EXISTS (SELECT 1 FROM segments s WHERE s.id = u.segment AND s.retired = 0")
    if fields is not None:
        sql += f" AND s.field IN ({_marks(fields)})"
        args += list(fields)
    if kind:
        sql += " AND EXISTS (SELECT 1 FROM documents kd WHERE kd.id = s.doc AND kd.kind = ?)"
        args.append(kind)
    return conn.execute(sql + conds + ")", [*args, *cargs]).fetchone()[0]


# ----------------------------------------------------------------------------- scope

def _docs_sql(kind: str | None, where: dict[str, str] | None, by: Sequence[str],
              require_fields: Sequence[str] | None = None) -> tuple[str, list[Any]]:
    """SELECT doc, b0, b1 … for the documents in scope, with their grouping attribute values.

    ``where`` values match exactly; an empty value matches a blank or absent attribute, and the
    key ``kind`` filters on the document kind. ``require_fields`` keeps only documents with a
    live segment in one of those fields (respondents who were asked the question).
    """
    cols = ["d.id AS doc"] + [f"a{i}.value AS b{i}" for i in range(len(by))]
    joins, conds, args = [], [], []
    for i, attr in enumerate(by):
        joins.append(f"LEFT JOIN attributes a{i} ON a{i}.doc = d.id AND a{i}.name = ?")
        args.append(attr)
    where = dict(where or {})
    if "kind" in where:
        wkind = where.pop("kind")
        if kind and wkind != kind:
            conds.append("0")
        kind = wkind
    if kind:
        conds.append("d.kind = ?")
        args.append(kind)
    for attr, value in where.items():
        if value == "":
            conds.append("NOT EXISTS (SELECT 1 FROM attributes w WHERE w.doc = d.id AND w.name = ? "
                         "AND w.value IS NOT NULL AND w.value != '')")
            args.append(attr)
        else:
            conds.append("EXISTS (SELECT 1 FROM attributes w WHERE w.doc = d.id AND w.name = ? AND w.value = ?)")
            args += [attr, value]
    if require_fields:
        conds.append(f"EXISTS (SELECT 1 FROM segments r WHERE r.doc = d.id AND r.retired = 0 "
                     f"AND r.field IN ({','.join('?' * len(require_fields))}))")
        args += list(require_fields)
    sql = f"SELECT {', '.join(cols)} FROM documents d {' '.join(joins)}"
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    return sql, args


def _segment_filter(by: Sequence[str], where: dict[str, str] | None,
                    alias: str = "s") -> tuple[str, str, list[Any], list[Any]]:
    """Joins (grouping attributes a0, a1 …) and conditions on ``{alias}.doc`` for a query over
    segments or codings.

    Counting straight from the codings avoids a documents CTE in the big join; the field already
    fixes the document kind.
    """
    joins = " ".join(f"LEFT JOIN attributes a{i} ON a{i}.doc = {alias}.doc AND a{i}.name = ?" for i in range(len(by)))
    conds, cargs = "", []
    for attr, value in (where or {}).items():
        if attr == "kind":
            conds += f" AND EXISTS (SELECT 1 FROM documents wd WHERE wd.id = {alias}.doc AND wd.kind = ?)"
            cargs.append(value)
        elif value == "":
            conds += (f" AND NOT EXISTS (SELECT 1 FROM attributes w WHERE w.doc = {alias}.doc AND w.name = ? "
                      "AND w.value IS NOT NULL AND w.value != '')")
            cargs.append(attr)
        else:
            conds += f" AND EXISTS (SELECT 1 FROM attributes w WHERE w.doc = {alias}.doc AND w.name = ? AND w.value = ?)"
            cargs += [attr, value]
    return joins, conds, list(by), cargs


def check_attributes(project: Project, names: Iterable[str]) -> None:
    """Refuse an attribute name the project has no value of, naming those it has (one line)."""
    # hop along the (name, value) index instead of reading all 100k × names rows
    known = {r[0] for r in project.conn.execute(
        "WITH RECURSIVE n(name) AS (SELECT MIN(name) FROM attributes UNION ALL "
        "SELECT (SELECT MIN(name) FROM attributes WHERE name > n.name) FROM n WHERE n.name IS NOT NULL) "
        "SELECT name FROM n WHERE name IS NOT NULL")}
    for n in names:
        if n != "kind" and n not in known:
            raise QualcodeError(f"unknown attribute {n!r} (known: {', '.join(sorted(known)) or 'none'})")


def _check_fields(project: Project, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    known = project.fields()
    for f in fields:
        if f not in known:
            raise QualcodeError(f"unknown field {f!r} (known: {', '.join(sorted(known)) or 'none imported'})")
    return known


def _field_kind(project: Project, fields: Sequence[str]) -> str:
    """Notes belong to interviews, survey columns (text, choice) to responses."""
    known = project.fields()
    kinds = {"interview" if known[f]["kind"] == "notes" else "response" for f in fields}
    if len(kinds) > 1:
        raise QualcodeError(f"fields {', '.join(fields)} belong to both interviews and survey responses; "
                            "tally them separately")
    return kinds.pop() if kinds else "response"


def _scope(project: Project, fields: Sequence[str] | None, kind: str | None) -> tuple[str, list[str], bool]:
    """(document kind, fields, whether the denominator needs a cell in the field).

    Default: the interviews' notes if the project has interviews, else every survey field.
    """
    known = _check_fields(project, fields or [])
    if fields:
        fkind = _field_kind(project, fields)
        if kind and kind != fkind:
            raise QualcodeError(f"field {fields[0]!r} belongs to {fkind} documents, not {kind}")
        needs_cell = any(known[f]["kind"] != "notes" for f in fields)
        return fkind, list(fields), needs_cell
    if kind is None:
        has_interviews = project.conn.execute("SELECT 1 FROM documents WHERE kind = 'interview' LIMIT 1").fetchone()
        kind = "interview" if has_interviews else "response"
    names = [f for f, d in project.fields().items() if (d["kind"] == "notes") == (kind == "interview")]
    return kind, names, False


def _codes(project: Project, src: Source, groups: Sequence[str] | None, code: Sequence[str] | None,
           fields: Sequence[str]) -> list[Code]:
    """The codes a table lists: named codes, else the named groups, else every group in use in scope."""
    cb = project.codebook
    if code:
        return [cb.get(c) for c in code]
    if groups:
        for g in groups:
            if g not in cb.groups:
                raise QualcodeError(f"unknown code group {g!r} (known: {', '.join(cb.groups)})")
        return [c for c in cb.codes if c.group in groups]
    if not fields:
        return list(cb.codes)
    # per code an EXISTS that stops at the first hit, instead of listing every coded segment
    fm = _marks(fields) or "NULL"
    used = {r[0] for r in project.conn.execute(
        f"SELECT DISTINCT c.grp FROM codes c WHERE EXISTS (SELECT 1 FROM {src.codings} t WHERE {src.coded} "
        f"AND t.code = c.id AND t.field IN ({fm})) OR EXISTS (SELECT 1 FROM suggestions g "
        f"CROSS JOIN segments s ON s.id = g.segment WHERE g.code = c.id AND s.field IN ({fm}))",
        [*fields, *fields])}
    chosen = [c for c in cb.codes if c.group in used]
    return chosen or list(cb.codes)


def _code_row(c: Code) -> dict[str, Any]:
    return {"code": c.id, "number": c.number, "label": c.label}


# ----------------------------------------------------------------------------- presence

@dataclass
class Presence:
    kind: str
    by: list[str]
    rows: list[dict[str, Any]]           # code, number, label, group, documents, of
    totals: list[dict[str, Any]]         # the same over all groups (group {})
    groups: list[dict[str, Any]]         # group, of
    unreviewed: int
    counting: Counting
    fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "unreviewed": self.unreviewed}


def presence(project: Project, *, by: Sequence[str] = (), groups: Sequence[str] | None = None,
             codes: Sequence[str] | None = None, where: dict[str, str] | None = None,
             fields: Sequence[str] | None = None, kind: str | None = None, coder: str | None = None,
             include_suggestions: bool = False) -> Presence:
    """For each code and group: in how many of the group's documents it occurs ("22 av 30")."""
    by = list(by)
    check_attributes(project, [*by, *(where or {})])
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    kind, fields, needs_cell = _scope(project, fields, kind)
    code_list = _codes(project, src, groups, codes, fields)
    docs_sql, docs_args = _docs_sql(kind, where, by, fields if needs_cell else None)
    denominators = _group_sizes(conn, kind, by, docs_sql, docs_args, simple=not where and not needs_cell)
    group_keys = sorted((r[:-1] for r in denominators if r[-1] or not by), key=_none_last)
    of = {r[:-1]: r[-1] for r in denominators}
    marks = _marks(fields) or "NULL"
    ids = [c.id for c in code_list]
    numer: dict[tuple, int] = {}
    joins, conds, jargs, cargs = _segment_filter(by, where, "t")
    avals = "".join(f"a{i}.value, " for i in range(len(by)))
    # groups partition the documents (one value per attribute), so totals are sums over groups
    for r in conn.execute(
            f"SELECT {avals}t.code, COUNT(DISTINCT t.doc) FROM {src.codings} t {joins} "
            f"WHERE {src.coded} AND t.field IN ({marks}) AND t.code IN ({_marks(ids)}){_live(conn, 't.segment')}{conds} "
            f"GROUP BY {avals}t.code", [*jargs, *fields, *ids, *cargs]):
        r = tuple(r)
        numer[(r[:-2], r[-2])] = r[-1]
    total_numer: dict[str, int] = {}
    for (g, c), n in numer.items():
        if g in of:
            total_numer[c] = total_numer.get(c, 0) + n
    all_docs = sum(of.values())
    rows, totals = [], []
    for c in code_list:
        for key in group_keys:
            rows.append({**_code_row(c), "group": dict(zip(by, key)),
                         "documents": numer.get((tuple(key), c.id), 0), "of": of.get(tuple(key), 0)})
        totals.append({**_code_row(c), "group": {}, "documents": total_numer.get(c.id, 0), "of": all_docs})
    # a suggestion's segment is a live cell in one of the fields, so its document has the kind
    # and (if needed) the cell the denominator asks for: only ``where`` narrows further
    unrev = _unreviewed(conn, src, fields, ids, where=where)
    return Presence(kind, by, rows, totals, [{"group": dict(zip(by, k)), "of": of[tuple(k)]} for k in group_keys],
                    unrev, rule, fields)


def _group_sizes(conn: sqlite3.Connection, kind: str, by: Sequence[str], docs_sql: str, docs_args: list[Any],
                 *, simple: bool) -> list[tuple]:
    """(b0, b1 …, documents) per group of the documents in scope.

    The common case (grouping by one attribute, every document of the kind, nothing else
    narrowing) is read off the attributes' (name, value) index; documents without the attribute
    join the blank group, as they would in the LEFT JOIN. Otherwise every document's attributes
    are looked up.
    """
    if simple and len(by) == 1 and not conn.execute(
            "SELECT 1 FROM documents WHERE kind != ? LIMIT 1", (kind,)).fetchone():
        total = conn.execute("SELECT COUNT(*) FROM documents WHERE kind = ?", (kind,)).fetchone()[0]
        sizes = dict(conn.execute("SELECT value, COUNT(*) FROM attributes WHERE name = ? GROUP BY value", (by[0],)))
        sizes.pop(None, None)
        blank = total - sum(sizes.values())   # a NULL value or no row at all
        if blank:
            sizes[None] = blank
        return [(v, n) for v, n in sizes.items()]
    bcols = [f"b{i}" for i in range(len(by))]
    gsel = ", ".join(bcols)
    return [tuple(r) for r in conn.execute(
        f"WITH docs AS ({docs_sql}) SELECT {gsel + ', ' if gsel else ''}COUNT(*) FROM docs "
        f"{'GROUP BY ' + gsel if gsel else ''}", docs_args)]


_TERM_RE = re.compile(r"^(vt|ht)\s*(\d{4})$", re.IGNORECASE)
_NUM_RE = re.compile(r"(\d+)")


def _value_order(v: str | None) -> tuple:
    """Attribute values in the order a reader expects: terms chronologically (vt2017 after
    ht2016), numbers numerically (2 before 10), blanks last."""
    if v is None:
        return (2,)
    term = _TERM_RE.match(v)
    if term:
        return (0, int(term.group(2)), term.group(1).lower() == "ht")
    return (1, tuple(int(p) if p.isdigit() else p.lower() for p in _NUM_RE.split(v)))


def _none_last(key: tuple) -> tuple:
    return tuple(_value_order(v) for v in key)


def group_label(group: dict[str, Any], lang: str = "sv") -> str:
    if not group:
        return labels(lang)["all"]
    return " / ".join(labels(lang)["unknown"] if v is None else str(v) for v in group.values())


def presence_cell(k: int, n: int, lang: str = "sv") -> str:
    p = percent(k, n, 0)
    pct = "–" if p is None else (f"{p:.0f} %" if lang == "sv" else f"{p:.0f}%")
    return f"{k} {labels(lang)['of']} {n} ({pct})"


def presence_sentence(row: dict[str, Any], kind: str, lang: str = "sv") -> str:
    """"Administrativt stöd … togs upp i 22 av de 30 intervjuerna (73 %)." """
    L = labels(lang)
    k, n = row["documents"], row["of"]
    p = percent(k, n, 0)
    pct = "" if p is None else (f" ({p:.0f} %)" if lang == "sv" else f" ({p:.0f}%)")
    noun = L[kind][1] if n != 1 else L[kind][0]
    the = L["the"] if n != 1 else ("den" if lang == "sv" else "the")
    prefix = "" if not row["group"] else f"{group_label(row['group'], lang)}: "
    return f"{prefix}{row['label']} {L['raised']} {k} {L['of']} {the} {n} {noun}{pct}."


def presence_tables(result: Presence, lang: str = "sv") -> list[Table]:
    """Codes × groups, each cell "k av n (p %)", with a total column when grouped."""
    L = labels(lang)
    cols = [L["number"], L["code"]]
    groups = [g["group"] for g in result.groups]
    cols += [f"{group_label(g['group'], lang)} (n={g['of']})" for g in result.groups]
    if result.by:
        cols.append(f"{L['totals']} (n={result.totals[0]['of'] if result.totals else 0})")
    cells: dict[tuple[str, str], dict] = {(r["code"], group_label(r["group"], lang)): r for r in result.rows}
    rows = []
    for t in result.totals:
        row: list[Any] = [t["number"], t["label"]]
        for g in groups:
            r = cells[(t["code"], group_label(g, lang))]
            row.append(presence_cell(r["documents"], r["of"], lang))
        if result.by:
            row.append(presence_cell(t["documents"], t["of"], lang))
        if not result.by:
            row = [t["number"], t["label"], presence_cell(t["documents"], t["of"], lang)]
        rows.append(row)
    if not result.by:
        cols = [L["number"], L["code"], f"{L['documents']} (n={result.totals[0]['of'] if result.totals else 0})"]
    title = f"{_kind_noun(result.kind, lang)}: {'förekomst per kod' if lang == 'sv' else 'presence by code'}"
    if result.by:
        title += f" ({', '.join(result.by)})"
    return [Table(title, cols, rows, note=note_line(result.unreviewed, result.counting, lang))]


def _kind_noun(kind: str, lang: str) -> str:
    return {"sv": {"interview": "Intervjuer", "response": "Enkätsvar"},
            "en": {"interview": "Interviews", "response": "Survey answers"}}[lang][kind]


def note_line(unreviewed: int, rule: Counting, lang: str, extra: str = "") -> str:
    L = labels(lang)
    parts = [rule.describe(lang), f"{L['unreviewed']}: {unreviewed}"]
    if extra:
        parts.append(extra)
    return "; ".join(parts)


# ----------------------------------------------------------------------------- mentions

@dataclass
class Mentions:
    by: list[str]
    rows: list[dict[str, Any]]    # code, number, label, group, count
    unreviewed: int
    counting: Counting
    fields: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "unreviewed": self.unreviewed}


def mentions(project: Project, *, groups: Sequence[str] | None = None, codes: Sequence[str] | None = None,
             fields: Sequence[str] | None = None, by: Sequence[str] = (), where: dict[str, str] | None = None,
             kind: str | None = None, coder: str | None = None, include_suggestions: bool = False) -> Mentions:
    """How many coded segments name each code ("nämns 22 gånger"), most named first."""
    by = list(by)
    check_attributes(project, [*by, *(where or {})])
    known = _check_fields(project, fields or [])
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    fields = list(fields) if fields else list(known)
    code_list = _codes(project, src, groups, codes, fields)
    docs_sql, docs_args = _docs_sql(kind, where, by, fields if by else None)
    bcols = [f"docs.b{i}" for i in range(len(by))]
    marks = _marks(fields) or "NULL"
    ids = [c.id for c in code_list]
    joins, conds, jargs, cargs = _segment_filter(by, where, "t")
    if kind:
        conds += " AND EXISTS (SELECT 1 FROM documents kd WHERE kd.id = t.doc AND kd.kind = ?)"
        cargs.append(kind)
    avals = "".join(f"a{i}.value, " for i in range(len(by)))
    counts: dict[tuple, int] = {}
    for r in conn.execute(
            f"SELECT {avals}t.code, COUNT(*) FROM {src.codings} t {joins} "
            f"WHERE {src.coded} AND t.field IN ({marks}) AND t.code IN ({_marks(ids)}){_live(conn, 't.segment')}{conds} "
            f"GROUP BY {avals}t.code", [*jargs, *fields, *ids, *cargs]):
        r = tuple(r)
        counts[(r[:-2], r[-2])] = r[-1]
    if by:
        keys = sorted({tuple(r) for r in conn.execute(
            f"WITH docs AS ({docs_sql}) SELECT DISTINCT {', '.join(bcols)} FROM docs", docs_args)}, key=_none_last)
    else:
        keys = [()]
    order = {c.id: i for i, c in enumerate(code_list)}
    rows = []
    for key in keys:
        block = [{**_code_row(c), "group": dict(zip(by, key)), "count": counts.get((key, c.id), 0)} for c in code_list]
        block.sort(key=lambda r: (-r["count"], order[r["code"]]))
        rows += block
    unrev = _unreviewed(conn, src, fields, ids, kind=kind, where=where)
    return Mentions(by, rows, unrev, rule, fields)


def mentions_tables(result: Mentions, lang: str = "sv") -> list[Table]:
    L = labels(lang)
    tables = []
    groups: dict[str, list[dict]] = {}
    for r in result.rows:
        groups.setdefault(group_label(r["group"], lang) if result.by else "", []).append(r)
    for g, rows in groups.items():
        title = f"{L['mentions']}: {', '.join(result.fields)}" + (f" – {g}" if g else "")
        tables.append(Table(title, [L["number"], L["code"], L["mentions"]],
                            [[r["number"], r["label"], r["count"]] for r in rows],
                            note=note_line(result.unreviewed, result.counting, lang)))
    return tables


# ----------------------------------------------------------------------------- choice

@dataclass
class Choice:
    # field, rows[code, number, label, count, percent], no_answer, no_answer_percent, missing, total
    tables: list[dict[str, Any]]
    combined: list[dict[str, Any]]   # code, number, label, count
    unreviewed: int
    counting: Counting
    double_coded: dict[str, int] = field(default_factory=dict)   # field -> cells with two or more area codes
    code_group: str = AREA_GROUP

    def to_json(self) -> dict[str, Any]:
        out = {"tables": [dict(t) for t in self.tables], "combined": self.combined, "unreviewed": self.unreviewed}
        for t in out["tables"]:
            n = self.double_coded.get(t["field"])
            if n:
                t["double_coded"] = n
                t["note"] = f"{n} {LABELS['en']['double']}"
        return out


def choice(project: Project, fields: Sequence[str], *, where: dict[str, str] | None = None,
           code_group: str | None = None, coder: str | None = None, include_suggestions: bool = False) -> Choice:
    """SPSS-style frequency tables for alternative columns, and how often each area is named in all."""
    if not fields:
        raise QualcodeError("name at least one --field")
    known = _check_fields(project, fields)
    check_attributes(project, list(where or {}))
    cb = project.codebook
    groups = {code_group or known[f]["code_group"] or AREA_GROUP for f in fields}
    if len(groups) > 1:
        raise QualcodeError(f"fields {', '.join(fields)} are coded with different code groups ({', '.join(sorted(groups))})")
    group = groups.pop()
    if group not in cb.groups:
        raise QualcodeError(f"unknown code group {group!r} (known: {', '.join(cb.groups)})")
    area_codes = cb.in_group(group)
    area_ids = [c.id for c in area_codes]
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    fmarks, cmarks = _marks(fields), _marks(area_ids)
    # --where narrows the respondents: conditions on each row's document (none in the usual case)
    _, conds, _, cargs = _segment_filter((), where, "s")
    answered = dict(conn.execute(
        f"SELECT s.field, COUNT(*) FROM segments s WHERE s.retired = 0 AND s.field IN ({fmarks}){conds} "
        "GROUP BY s.field", [*fields, *cargs]).fetchall())
    # the questionnaire's respondents: those with a cell in any choice column of this code group
    # (so answers from another survey, e.g. earlier comment rounds, are not system-missing here)
    sibling = sorted({f for f, d in known.items() if d["kind"] == "choice" and (d["code_group"] or AREA_GROUP) == group}
                     | set(fields))
    pop_sql, pop_args = _docs_sql("response", where, (), sibling)
    population = conn.execute(f"WITH docs AS ({pop_sql}) SELECT COUNT(*) FROM docs", pop_args).fetchone()[0]
    # the codings: straight from the coder's rows (field and doc are on them), no join
    _, tconds, _, targs = _segment_filter((), where, "t")
    scope = (f"{src.coded} AND t.field IN ({fmarks}) AND t.code IN ({cmarks}){_live(conn, 't.segment')}{tconds}")
    sargs = [*fields, *area_ids, *targs]
    counts: dict[tuple[str, str], int] = {(r[0], r[1]): r[2] for r in conn.execute(
        f"SELECT t.field, t.code, COUNT(*) FROM {src.codings} t WHERE {scope} GROUP BY t.field, t.code", sargs)}
    # coded cells per field (read in cell order, so DISTINCT needs no sort); a cell carrying two
    # or more area codes is rare, and only a field where codes outnumber cells is searched for them
    # Without the code filter when the coder put only this group's codes on these columns (the
    # usual case, checked by hopping over the distinct codes in the index): the per-row IN test
    # would be half the cost.
    cell_scope, cell_args = scope, sargs
    if _codes_on(conn, src, fields) <= set(area_ids):
        cell_scope = f"{src.coded} AND t.field IN ({fmarks}){_live(conn, 't.segment')}{tconds}"
        cell_args = [*fields, *targs]
    cells = dict(conn.execute(
        f"SELECT t.field, COUNT(DISTINCT t.segment) FROM {src.codings} t {src.cells} WHERE {cell_scope} "
        "GROUP BY t.field", cell_args).fetchall())
    extra: dict[str, int] = {}
    doubles: dict[str, int] = {}
    for f in fields:
        extra[f] = sum(n for (ff, _), n in counts.items() if ff == f) - cells.get(f, 0)
        if extra[f]:
            doubles[f] = conn.execute(
                f"SELECT COUNT(*) FROM (SELECT t.segment FROM {src.codings} t {src.cells} WHERE {scope} AND t.field = ? "
                "GROUP BY t.segment HAVING COUNT(*) > 1)", [*sargs, f]).fetchone()[0]
    tables = []
    for f in fields:
        total = answered.get(f, 0)
        coded = sum(n for (ff, _), n in counts.items() if ff == f) - extra.get(f, 0)
        no_answer = total - coded
        rows = [{**_code_row(c), "count": counts.get((f, c.id), 0), "percent": percent(counts.get((f, c.id), 0), total)}
                for c in area_codes]
        tables.append({"field": f, "rows": rows, "no_answer": no_answer, "no_answer_percent": percent(no_answer, total),
                       "missing": population - total, "total": total})
    order = {c.id: i for i, c in enumerate(area_codes)}
    combined = [{**_code_row(c), "count": sum(counts.get((f, c.id), 0) for f in fields)} for c in area_codes]
    combined.sort(key=lambda r: (-r["count"], order[r["code"]]))
    unrev = _unreviewed(conn, src, fields, area_ids, where=where)
    return Choice(tables, combined, unrev, rule, {f: n for f, n in doubles.items() if n}, group)


def choice_tables(result: Choice, lang: str = "sv", titles: dict[str, str] | None = None) -> list[Table]:
    """One table per field as the report prints it (area rows in plan order, Ej svar, Total), then the totals."""
    L = labels(lang)
    out = []
    for t in result.tables:
        rows: list[list[Any]] = [[row_title(r), r["count"], r["percent"]] for r in t["rows"]]
        rows.append([L["no_answer"], t["no_answer"], t["no_answer_percent"]])
        rows.append([L["total"], t["total"], 100.0 if t["total"] else None])
        notes = [f"{L['missing']}: {t['missing']}"]
        if result.double_coded.get(t["field"]):
            notes.append(f"{result.double_coded[t['field']]} {L['double']}")
        notes.append(note_line(result.unreviewed, result.counting, lang))
        title = (titles or {}).get(t["field"], t["field"])
        out.append(Table(title, ["", L["count"], L["percent"]], rows, note="; ".join(notes),
                         formats={L["percent"]: "percent1"}, decimal_comma=lang == "sv"))
    if len(result.tables) > 1:
        fields = ", ".join(t["field"] for t in result.tables)
        out.append(Table(f"{L['combined']}: {fields}", ["", L["count"]],
                         [[row_title(r), r["count"]] for r in result.combined],
                         note=note_line(result.unreviewed, result.counting, lang), decimal_comma=lang == "sv"))
    return out


def row_title(r: dict[str, Any]) -> str:
    return f"{r['number']}. {r['label']}" if r.get("number") is not None else r["label"]


# ----------------------------------------------------------------------------- attribute distribution

def attribute_counts(project: Project, attribute: str, *, kind: str | None = None,
                     where: dict[str, str] | None = None) -> dict[str, Any]:
    """How documents spread over an attribute's values (the report's Tabell 1); blank = None."""
    check_attributes(project, [attribute, *(where or {})])
    docs_sql, args = _docs_sql(kind, where, [attribute])
    rows = [(r[0], r[1]) for r in project.conn.execute(
        f"WITH docs AS ({docs_sql}) SELECT CASE WHEN b0 = '' THEN NULL ELSE b0 END AS v, COUNT(*) FROM docs "
        f"GROUP BY v", args)]
    rows.sort(key=lambda r: (r[0] is not None, r[0] or ""))
    total = sum(n for _, n in rows)
    return {"attribute": attribute, "rows": [{"value": v, "count": n, "percent": percent(n, total)} for v, n in rows],
            "total": total}


def attribute_table(result: dict[str, Any], lang: str = "sv", unknown: str | None = None) -> Table:
    L = labels(lang)
    unknown = unknown or ("Okänt" if lang == "sv" else "Unknown")
    rows = [[unknown if r["value"] is None else r["value"], r["count"], r["percent"]] for r in result["rows"]]
    rows.append([L["totals"], result["total"], 100.0 if result["total"] else None])
    return Table(result["attribute"], ["", L["count"], L["percent"]], rows, decimal_comma=lang == "sv")


# ----------------------------------------------------------------------------- crosstab

@dataclass
class Crosstab:
    by: str
    count: str
    rows: list[dict[str, Any]]     # code, number, label, group, count, row_percent, column_percent
    columns: list[dict[str, Any]]  # group, total, documents
    row_totals: list[dict[str, Any]]
    chi2: dict[str, Any] | None
    unreviewed: int
    counting: Counting

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "count": self.count, "rows": self.rows, "columns": self.columns,
                "row_totals": self.row_totals, "chi2": self.chi2, "unreviewed": self.unreviewed}


def crosstab(project: Project, *, by: str, groups: Sequence[str] | None = None, codes: Sequence[str] | None = None,
             fields: Sequence[str] | None = None, kind: str | None = None, where: dict[str, str] | None = None,
             count: str = "documents", chi2: bool = False, coder: str | None = None,
             include_suggestions: bool = False) -> Crosstab:
    """Codes × values of one attribute, with row and column percent and (on request) chi-square.

    Cells count documents (presence) or coded segments (``count="mentions"``); column percent
    is of the column's cell total, so a column sums to 100 % even when documents carry several codes.
    """
    if count not in ("documents", "mentions"):
        raise QualcodeError("--count must be documents or mentions")
    if count == "documents":
        res = presence(project, by=[by], groups=groups, codes=codes, where=where, fields=fields, kind=kind,
                       coder=coder, include_suggestions=include_suggestions)
        cells = [(r, r["documents"]) for r in res.rows]
        colinfo = {group_label(g["group"]): g["of"] for g in res.groups}
        unrev, rule = res.unreviewed, res.counting
    else:
        res = mentions(project, by=[by], groups=groups, codes=codes, fields=fields, where=where, kind=kind,
                       coder=coder, include_suggestions=include_suggestions)
        cells = [(r, r["count"]) for r in res.rows]
        colinfo = {}
        unrev, rule = res.unreviewed, res.counting
    col_keys: list[str] = []
    code_keys: list[str] = []
    meta: dict[str, dict] = {}
    matrix: dict[tuple[str, str], int] = {}
    groups_of: dict[str, dict] = {}
    for r, n in cells:
        g = group_label(r["group"])
        if g not in col_keys:
            col_keys.append(g)
            groups_of[g] = r["group"]
        if r["code"] not in code_keys:
            code_keys.append(r["code"])
            meta[r["code"]] = _code_row_from(r)
        matrix[(r["code"], g)] = n
    row_tot = {c: sum(matrix.get((c, g), 0) for g in col_keys) for c in code_keys}
    col_tot = {g: sum(matrix.get((c, g), 0) for c in code_keys) for g in col_keys}
    rows = [{**meta[c], "group": groups_of[g], "count": matrix.get((c, g), 0),
             "row_percent": percent(matrix.get((c, g), 0), row_tot[c]),
             "column_percent": percent(matrix.get((c, g), 0), col_tot[g])}
            for c in code_keys for g in col_keys]
    columns = [{"group": groups_of[g], "total": col_tot[g], "documents": colinfo.get(g)} for g in col_keys]
    row_totals = [{**meta[c], "count": row_tot[c]} for c in code_keys]
    stats = None
    if chi2:
        stats = _chi2([[matrix.get((c, g), 0) for g in col_keys] for c in code_keys])
    return Crosstab(by, count, rows, columns, row_totals, stats, unrev, rule)


def _code_row_from(r: dict[str, Any]) -> dict[str, Any]:
    return {"code": r["code"], "number": r["number"], "label": r["label"]}


def _chi2(matrix: list[list[int]]) -> dict[str, Any]:
    """Pearson's chi-square on the non-empty rows and columns, with the usual expected-count warning."""
    import numpy as np
    from scipy.stats import chi2_contingency
    m = np.array(matrix, dtype=float) if matrix else np.zeros((0, 0))
    if m.size:
        m = m[m.sum(axis=1) > 0][:, m.sum(axis=0) > 0] if m.any() else np.zeros((0, 0))
    if m.ndim != 2 or m.shape[0] < 2 or m.shape[1] < 2:
        return {"chi2": None, "dof": 0, "p": None, "warning": "too few non-empty rows or columns for a chi-square test"}
    stat, p, dof, expected = chi2_contingency(m, correction=False)
    small = float((expected < 5).mean())
    warning = (f"{small:.0%} of expected counts are below 5; the test is unreliable" if small > 0.2 else "")
    return {"chi2": round(float(stat), 3), "dof": int(dof), "p": float(p), "n": int(m.sum()), "warning": warning}


def crosstab_tables(result: Crosstab, lang: str = "sv") -> list[Table]:
    L = labels(lang)
    cols_g = [group_label(c["group"], lang) for c in result.columns]
    columns = [L["number"], L["code"]]
    for g in cols_g:
        columns += [f"{g} {L['count']}", f"{g} {L['row_pct']}", f"{g} {L['col_pct']}"]
    columns.append(f"{L['totals']} {L['count']}")
    by_key = {(r["code"], group_label(r["group"], lang)): r for r in result.rows}
    rows = []
    for t in result.row_totals:
        row: list[Any] = [t["number"], t["label"]]
        for g in cols_g:
            r = by_key[(t["code"], g)]
            row += [r["count"], r["row_percent"], r["column_percent"]]
        row.append(t["count"])
        rows.append(row)
    total_row: list[Any] = ["", L["totals"]]
    grand = sum(c["total"] for c in result.columns)
    for c in result.columns:
        total_row += [c["total"], percent(c["total"], grand), 100.0 if c["total"] else None]
    total_row.append(grand)
    rows.append(total_row)
    note = note_line(result.unreviewed, result.counting, lang)
    if result.chi2 is not None:
        s = result.chi2
        if s["chi2"] is None:
            note += f"; χ²: {s['warning']}"
        else:
            note += (f"; χ² = {format_number(s['chi2'], 2, lang)}, df = {s['dof']}, p = {format_number(s['p'], 3, lang)}"
                     + (f" ({s['warning']})" if s["warning"] else ""))
    title = f"{'Korstabell' if lang == 'sv' else 'Crosstab'}: {'dokument' if result.count == 'documents' else L['mentions'].lower()} × {result.by}"
    return [Table(title, columns, rows, note=note, decimal_comma=lang == "sv")]


# ----------------------------------------------------------------------------- quotes

def quotes(project: Project, code: str, *, by: Sequence[str] = (), limit: int | None = None,
           fields: Sequence[str] | None = None, where: dict[str, str] | None = None, coder: str | None = None,
           include_suggestions: bool = False) -> list[dict[str, Any]]:
    """The segments coded with ``code``, with their documents' attributes, grouped for citing."""
    project.codebook.get(code)
    by = list(by)
    check_attributes(project, [*by, *(where or {})])
    _check_fields(project, fields or [])
    rule = counting(project, coder, include_suggestions)
    conn = project.conn
    src = prepare(conn, rule)
    docs_sql, args = _docs_sql(None, where, by)
    sql = (f"WITH docs AS ({docs_sql}) SELECT DISTINCT s.id, s.doc, s.field, s.position, s.text "
           f"{''.join(f', docs.b{i}' for i in range(len(by)))} FROM {src.codings} t "
           f"JOIN segments s ON s.id = t.segment AND s.retired = 0 JOIN docs ON docs.doc = s.doc "
           f"WHERE {src.coded} AND t.code = ?")
    args = [*args, code]
    if fields:
        sql += f" AND s.field IN ({','.join('?' * len(fields))})"
        args += list(fields)
    found = list(conn.execute(sql, args))
    attrs: dict[str, dict[str, str]] = {}
    docs = sorted({r[1] for r in found})
    for i in range(0, len(docs), 500):
        chunk = docs[i:i + 500]
        for d, n, v in conn.execute(f"SELECT doc, name, value FROM attributes WHERE doc IN ({','.join('?' * len(chunk))})",
                                    chunk):
            attrs.setdefault(d, {})[n] = v
    out = [{"segment": r[0], "doc": r[1], "field": r[2], "text": r[4], "group": dict(zip(by, tuple(r)[5:])),
            "attributes": attrs.get(r[1], {}), "_pos": r[3]} for r in found]
    out.sort(key=lambda q: (_none_last(tuple(q["group"].values())), q["doc"], q["field"], q["_pos"]))
    if limit is not None:
        kept, seen = [], {}
        for q in out:
            key = tuple(q["group"].values())
            seen[key] = seen.get(key, 0) + 1
            if seen[key] <= limit:
                kept.append(q)
        out = kept
    for q in out:
        del q["_pos"]
    return out


def quotes_table(code: Code, found: list[dict[str, Any]], lang: str = "sv") -> Table:
    L = labels(lang)
    names = sorted({k for q in found for k in q["attributes"]})
    rows = [[q["doc"], q["field"], q["segment"]] + [q["attributes"].get(n) for n in names] + [q["text"]] for q in found]
    return Table(f"{code.title} ({len(found)})", [L["doc"], L["field"], L["segment"], *names, L["text"]], rows)
