"""Reading suggestions back: the list and export of what is stored, why a segment got its
suggestions, and what the next run would redo (``qualcode status``)."""

from __future__ import annotations

import json
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.fields import field_groups
from qualcode.nlp.pipeline import Pipeline
from qualcode.nlp.tokens import TokenStream, load_types
from qualcode.suggest.freshness import choice_fingerprints, models_before, plan_fields, read_state
from qualcode.suggest.rules import RuleSet
from qualcode.suggest.settings import lemmatizer_setting, pipeline_choice, rule_scores


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
    plans = plan_fields(cb, field_groups(cb, fields), rule_scores(conn, cb), None, state)
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
    return {"base_model": base_model_state(project, cb),
            "codebook_edited": on_disk is not None,
            "new_segments": new,
            "codes": {name: plan.rematch for name, plan in plans.items() if plan.rematch},
            "choice_fields": choice_fields,
            "models": None if models is None else not models[1]}


EXPORT_FIELDS = ("doc", "field", "segment", "start", "end", "text", "code", "number", "group", "score",
                 "source", "negated")


def list_suggestions(project: Any, doc: str | None = None, code: str | None = None, min_score: float = 0.0,
                     source: str | None = None, pending: bool = False) -> list[dict[str, Any]]:
    """Suggestions of live segments in document order, as the export's records."""
    if code is not None:
        code = project.codebook.resolve(code).id  # id or label, as a person types it
    sql = ("SELECT g.doc, g.field, s.segment, s.start, s.end, g.text, g.start AS seg_start, s.code, c.number, "
           "c.grp AS \"group\", "
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
        seg_start = d.pop("seg_start")
        d["evidence"] = "" if d["start"] is None else d["text"][d["start"] - seg_start:d["end"] - seg_start]
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
    rs = RuleSet(cb, [c.id for c in cb.codes if c.group in groups], rule_scores(project.conn, cb))
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


def base_model_state(project: Any, codebook: Any) -> dict[str, Any]:
    """Whether the shipped base model suggests in this project, and why not when it does not."""
    from qualcode.suggest import base_model
    from qualcode.suggest.base_model_source import shipped_model
    model = shipped_model()
    n = project.conn.execute("SELECT COUNT(*) FROM suggestions WHERE source LIKE 'base:%'").fetchone()[0]
    if model is None:
        return {"version": None, "state": "missing", "suggestions": n}
    if project.meta("base_model") == "off":
        state = "off"
    elif base_model.codebook_fingerprint(codebook) != model.codebook:
        state = "skipped: the codebook's areas or themes differ from the ones it was trained on"
    else:
        state = "on"
    return {"version": model.version, "state": state, "suggestions": n}
