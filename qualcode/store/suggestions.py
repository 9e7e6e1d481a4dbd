"""Writing a source's suggestions: one statement shape for every source, so their rows can never
disagree on columns, and only the rows that changed are written."""

from __future__ import annotations

import json
from typing import Any

COLUMNS = "segment, code, source, score, start, end, negated, reason, candidates, codebook_version, created_at"


def replace_suggestions(conn: Any, ids: list[int], out: list[tuple], source_sql: str, code_filter: str | None,
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
            f"INSERT INTO suggestions({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(segment, code, source) "
            f"DO UPDATE SET score = excluded.score, start = excluded.start, end = excluded.end, "
            f"negated = excluded.negated, reason = excluded.reason, candidates = excluded.candidates, "
            f"codebook_version = excluded.codebook_version, created_at = excluded.created_at", list(new.values()))
