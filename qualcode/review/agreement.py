"""Agreement between coders, and between the machine and a coder.

What a unit is (the researcher must be able to say what kappa was computed over):

* A coder has *reviewed* a segment when they hold a current decision on it (any code, any
  verdict but retract). Only segments reviewed by the coders compared count — by both of two
  coders; with more coders, by at least two, the others' values being missing (which
  Krippendorff's alpha allows; Cohen's kappa is only given for two coders).
* ``unit="segment"`` (default), ``scale="presence"`` (default): a unit is a (segment, code)
  pair, within those segments, that some compared coder decided on or that carries a
  suggestion. Its value for a coder is 1 when the coder holds the code there (accepted or
  added) and 0 otherwise (rejected, retracted, or never coded on a segment they reviewed).
  This counts both "coded the same" and "both left the suggestion out" as agreement, and is
  what ``overall`` pools across codes and ``codes`` splits per code.
* ``unit="document"``: the same with (document, code) pairs — the unit of presence tallies
  ("22 av 30 intervjuer"), and the fair way to compare against a document-level gold list.
* ``scale="nominal"``: one unit per reviewed segment; its value is the set of the group's
  codes the coder holds there (e.g. the one area a choice answer names). Overall figures then
  answer "did the coders give the answer the same code?"; per-code rows stay presence.

* Machine against a coder (``machine_agreement``): the machine answers every code, silence
  being its "no", so there a unit is every (segment, code) pair on a segment the coder
  reviewed, for every code applicable to the segment's field.

Kappa is scikit-learn's ``cohen_kappa_score``, alpha the ``krippendorff`` package's nominal
alpha; an undefined statistic (e.g. both coders never used the code) is None, not 0 or 1.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from qualcode.errors import QualcodeError
from qualcode.review.decisions import CODED, check_coder, current_verdict, record
from qualcode.review.queue import Filter

UNITS = ("segment", "document")
SCALES = ("presence", "nominal")


# ----------------------------------------------------------------------------- the statistics

def cohen_kappa(a: Iterable[Any], b: Iterable[Any]) -> float | None:
    """Cohen's kappa of two coders' values over the same units; None when undefined."""
    from sklearn.metrics import cohen_kappa_score
    a, b = list(a), list(b)
    if not a:
        return None
    labels = sorted(set(a) | set(b), key=str)
    if len(labels) < 2:
        return None  # both coders used one single value: chance agreement is 1, kappa undefined
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(a, b, labels=labels)
    return None if k is None or math.isnan(k) else float(k)


def krippendorff_alpha(data: Any) -> float | None:
    """Nominal Krippendorff's alpha of a coders × units matrix (np.nan = missing); None when undefined."""
    import krippendorff
    matrix = np.asarray(data, dtype=float)
    if matrix.size == 0:
        return None
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            a = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    except ValueError:  # a single value in the whole domain
        return None
    return None if math.isnan(a) else float(a)


def summarize(values: list[list[Any]]) -> dict[str, Any]:
    """n, percent agreement, kappa (two coders) and alpha of per-coder value rows (None = missing)."""
    coders = len(values)
    n_units = len(values[0]) if values else 0
    pairable = [j for j in range(n_units) if sum(v[j] is not None for v in values) >= 2]
    agree = sum(1 for j in pairable if len({v[j] for v in values if v[j] is not None}) == 1)
    kappa = None
    if coders == 2:
        both = [j for j in pairable if values[0][j] is not None and values[1][j] is not None]
        kappa = cohen_kappa([values[0][j] for j in both], [values[1][j] for j in both])
    domain = sorted({x for v in values for x in v if x is not None}, key=str)
    index = {x: i for i, x in enumerate(domain)}
    matrix = [[np.nan if x is None else index[x] for x in v] for v in values]
    return {"n": len(pairable),
            "percent": 100.0 * agree / len(pairable) if pairable else None,
            "kappa": kappa,
            "alpha": krippendorff_alpha(matrix) if pairable else None}


# ----------------------------------------------------------------------------- what each coder did

@dataclass
class _Holdings:
    """The compared coders' current state, the suggestions, and the segments in scope."""

    coders: list[str]
    reviewed: dict[str, set[int]] = field(default_factory=dict)
    coded: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    decided: set[tuple[int, str]] = field(default_factory=set)
    suggested: dict[tuple[int, str], float] = field(default_factory=dict)
    segments: dict[int, Any] = field(default_factory=dict)  # id -> row (doc, field, position, text)
    codes: list[str] = field(default_factory=list)  # in codebook order


def _holdings(project: Any, coders: list[str], group: str | None, filt: Filter | None) -> _Holdings:
    conn = project.conn
    cb = project.codebook
    if group and group not in cb.groups:
        raise QualcodeError(f"unknown code group {group!r} (known: {', '.join(cb.groups)})")
    known = set(project.coders())
    for c in coders:
        if c not in known:
            raise QualcodeError(f"coder {c!r} has made no decisions (coders: {', '.join(sorted(known)) or 'none'})")
    filt = filt or Filter()
    if filt.where or filt.doc or filt.field:
        filt.check(project)
    h = _Holdings(coders, codes=[c.id for c in cb.codes if group is None or c.group == group])
    in_scope = set(h.codes)
    cond, args = Filter(doc=filt.doc, field=filt.field, where=filt.where).sql(seg="g")
    for r in conn.execute(f"SELECT g.id, g.doc, g.field, g.position, g.text FROM segments g "
                          f"WHERE g.retired = 0 AND {cond}", args):
        h.segments[r["id"]] = r
    marks = ",".join("?" * len(coders))
    rows = conn.execute(f"""
        SELECT d.segment, d.code, d.coder, d.verdict FROM decisions d
        JOIN (SELECT MAX(id) AS id FROM decisions WHERE coder IN ({marks}) GROUP BY segment, code, coder) m
          ON m.id = d.id""", coders)
    for c in coders:
        h.reviewed[c], h.coded[c] = set(), set()
    for seg, code, coder, verdict in rows:
        if verdict == "retract" or seg not in h.segments:
            continue
        h.reviewed[coder].add(seg)  # any code counts: the coder looked at this segment
        if code not in in_scope:
            continue
        h.decided.add((seg, code))
        if verdict in CODED:
            h.coded[coder].add((seg, code))
    for seg, code, score in conn.execute("SELECT segment, code, MAX(score) FROM suggestions GROUP BY segment, code"):
        if seg in h.segments and code in in_scope:
            h.suggested[(seg, code)] = score
    return h


def _scope_segments(h: _Holdings) -> list[int]:
    """Segments reviewed by all of two coders, or by at least two of more."""
    need = 2 if len(h.coders) > 2 else len(h.coders)
    segs = [s for s in h.segments if sum(s in h.reviewed[c] for c in h.coders) >= need]
    return sorted(segs, key=lambda s: (h.segments[s]["doc"], h.segments[s]["field"], h.segments[s]["position"]))


def presence_units(project: Any, coders: list[str], *, group: str | None = None, unit: str = "segment",
                   filt: Filter | None = None) -> list[dict[str, Any]]:
    """The units defined in the module docstring, each with every coder's value (1, 0 or None)."""
    if unit not in UNITS:
        raise QualcodeError(f"unit {unit!r} must be one of {', '.join(UNITS)}")
    h = _holdings(project, coders, group, filt)
    order = {c: i for i, c in enumerate(h.codes)}
    segs = _scope_segments(h)
    if unit == "segment":
        out = []
        for s in segs:
            row = h.segments[s]
            codes = {c for c in h.codes if (s, c) in h.suggested or (s, c) in h.decided}
            for c in sorted(codes, key=order.__getitem__):
                out.append({"segment": s, "doc": row["doc"], "field": row["field"], "text": row["text"], "code": c,
                            "suggested": (s, c) in h.suggested,
                            "values": {k: (1 if (s, c) in h.coded[k] else 0) if s in h.reviewed[k] else None
                                       for k in coders}})
        return out
    # document units
    docs_reviewed = {k: {h.segments[s]["doc"] for s in h.reviewed[k]} for k in coders}
    need = 2 if len(coders) > 2 else len(coders)
    docs = sorted({h.segments[s]["doc"] for s in h.segments
                   if sum(h.segments[s]["doc"] in docs_reviewed[k] for k in coders) >= need})
    doc_set = set(docs)
    touched: dict[str, set[str]] = {d: set() for d in docs}
    for (s, c) in list(h.suggested) + list(h.decided):
        d = h.segments[s]["doc"]
        if d in doc_set:
            touched[d].add(c)
    coded_docs = {k: {(h.segments[s]["doc"], c) for (s, c) in h.coded[k]} for k in coders}
    suggested_docs = {(h.segments[s]["doc"], c) for (s, c) in h.suggested}
    out = []
    for d in docs:
        for c in sorted(touched[d], key=order.__getitem__):
            out.append({"segment": None, "doc": d, "field": None, "text": "", "code": c,
                        "suggested": (d, c) in suggested_docs,
                        "values": {k: (1 if (d, c) in coded_docs[k] else 0) if d in docs_reviewed[k] else None
                                   for k in coders}})
    return out


# ----------------------------------------------------------------------------- coder against coder

def parse_coders(text: str) -> list[str]:
    coders = [check_coder(c) for c in text.split(",") if c.strip()]
    if len(coders) < 2:
        raise QualcodeError(f"--coders needs at least two names separated by commas, got {text!r}")
    if len(set(coders)) != len(coders):
        raise QualcodeError(f"--coders names a coder twice: {text!r}")
    return coders


def agreement(project: Any, coders: list[str], *, group: str | None = None, unit: str = "segment",
              scale: str = "presence", filt: Filter | None = None) -> dict[str, Any]:
    """Overall and per-code agreement, plus the list of disagreements (see the module docstring)."""
    if scale not in SCALES:
        raise QualcodeError(f"scale {scale!r} must be one of {', '.join(SCALES)}")
    if len(coders) < 2:
        raise QualcodeError("agreement needs at least two coders")
    units = presence_units(project, coders, group=group, unit=unit, filt=filt)
    cb = project.codebook
    by_code: dict[str, list[dict[str, Any]]] = {}
    for u in units:
        by_code.setdefault(u["code"], []).append(u)
    codes = []
    for c in cb.codes:
        us = by_code.get(c.id)
        if not us:
            continue
        stats = summarize([[u["values"][k] for u in us] for k in coders])
        codes.append({"code": c.id, "number": c.number, "label": c.label, "group": c.group, **stats,
                      "coded": {k: sum(1 for u in us if u["values"][k] == 1) for k in coders}})
    if scale == "presence":
        overall = summarize([[u["values"][k] for u in units] for k in coders])
    else:
        overall = summarize(_nominal_values(project, coders, group, unit, filt))
    disagreements = [{"doc": u["doc"], "field": u["field"], "segment": u["segment"], "code": u["code"],
                      "values": u["values"], "text": u["text"]}
                     for u in units if len({v for v in u["values"].values() if v is not None}) > 1]
    return {"coders": coders, "unit": unit, "scale": scale, "group": group, "overall": overall, "codes": codes,
            "disagreements": disagreements}


def _nominal_values(project: Any, coders: list[str], group: str | None, unit: str,
                    filt: Filter | None) -> list[list[Any]]:
    """Per coder, per reviewed segment (or document): the set of codes held, as one nominal value."""
    h = _holdings(project, coders, group, filt)
    if unit == "segment":
        keys = _scope_segments(h)
        reviewed = h.reviewed
        held = {k: {s: set() for s in h.reviewed[k]} for k in coders}
        for k in coders:
            for s, c in h.coded[k]:
                held[k].setdefault(s, set()).add(c)
    else:
        reviewed = {k: {h.segments[s]["doc"] for s in h.reviewed[k]} for k in coders}
        need = 2 if len(coders) > 2 else len(coders)
        keys = sorted({d for k in coders for d in reviewed[k] if sum(d in reviewed[j] for j in coders) >= need})
        held = {k: {} for k in coders}
        for k in coders:
            for s, c in h.coded[k]:
                held[k].setdefault(h.segments[s]["doc"], set()).add(c)
    return [["+".join(sorted(held[k].get(x, ()))) if x in reviewed[k] else None for x in keys] for k in coders]


# ----------------------------------------------------------------------------- machine against coder

def machine_agreement(project: Any, coder: str, *, min_score: float = 0.5, group: str | None = None,
                      filt: Filter | None = None) -> dict[str, Any]:
    """Precision, recall, F1 and kappa of the suggestions against one coder, per code and per rule.

    The machine answers every code for every segment (silence is its "no"), so here a unit is
    each (segment, code) pair on a segment the coder reviewed, for every code that applies to
    the segment's field: the field's code group (survey columns), else the groups of the codes
    suggested or decided on that field (notes). The machine says yes when a suggestion scores
    at least ``min_score`` (below 0.5 a suggestion is a hint, not a claim). Per rule, a
    (source, code) row asks the same of that one source alone, over its code's units; rules
    are listed by false positives, most first, so the rule to fix comes first.
    """
    coder = check_coder(coder)
    h = _holdings(project, [coder], group, filt)
    segs = [s for s in h.segments if s in h.reviewed[coder]]
    seg_set = set(segs)
    cb = project.codebook
    field_group = {name: f["code_group"] for name, f in project.fields().items()}
    used: dict[str, set[str]] = {}
    for (s, c) in list(h.suggested) + list(h.decided):
        used.setdefault(h.segments[s]["field"], set()).add(cb.get(c).group)
    by_field: dict[str, list[str]] = {}
    for name in {h.segments[s]["field"] for s in segs}:
        groups = {field_group[name]} if field_group.get(name) else used.get(name, set())
        by_field[name] = [c for c in h.codes if cb.get(c).group in groups]
    units = sorted({(s, c) for s in segs for c in by_field[h.segments[s]["field"]]}
                   | {(s, c) for (s, c) in h.decided})
    human = {u: int(u in h.coded[coder]) for u in units}
    machine = {u: int(h.suggested.get(u, -1.0) >= min_score) for u in units}
    by_code: dict[str, list[tuple[int, str]]] = {}
    for u in units:
        by_code.setdefault(u[1], []).append(u)
    codes = []
    for c in cb.codes:
        us = by_code.get(c.id)
        if us:
            codes.append({"code": c.id, "number": c.number, "label": c.label,
                          **_binary([human[u] for u in us], [machine[u] for u in us])})
    # per rule: which sources fired where
    fired: dict[tuple[str, str], set[int]] = {}
    counts: dict[tuple[str, str], int] = {}
    for seg, code, source, score in project.conn.execute("SELECT segment, code, source, score FROM suggestions"):
        if seg in seg_set and code in by_code and score >= min_score:
            fired.setdefault((source, code), set()).add(seg)
            counts[(source, code)] = counts.get((source, code), 0) + 1
    rules = []
    for (source, code), hit in fired.items():
        us = by_code[code]
        stats = _binary([human[u] for u in us], [int(u[0] in hit) for u in us])
        rules.append({"source": source, "code": code, "suggestions": counts[(source, code)], **stats})
    rules.sort(key=lambda r: (-r["fp"], r["precision"] if r["precision"] is not None else 0, r["source"]))
    overall = _binary([human[u] for u in units], [machine[u] for u in units])
    return {"coder": coder, "min_score": min_score, "group": group, "segments": len(segs), "overall": overall,
            "codes": codes, "rules": rules}


def _binary(truth: list[int], pred: list[int]) -> dict[str, Any]:
    from sklearn.metrics import precision_recall_fscore_support
    tp = sum(1 for t, p in zip(truth, pred) if t and p)
    fp = sum(1 for t, p in zip(truth, pred) if p and not t)
    fn = sum(1 for t, p in zip(truth, pred) if t and not p)
    precision = recall = f1 = None
    if truth:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, r, f, _ = precision_recall_fscore_support(truth, pred, average="binary", pos_label=1,
                                                         labels=[0, 1], zero_division=np.nan)
        precision, recall, f1 = (None if math.isnan(x) else float(x) for x in (p, r, f))
    return {"n": len(truth), "tp": tp, "fp": fp, "fn": fn, "tn": len(truth) - tp - fp - fn,
            "precision": precision, "recall": recall, "f1": f1, "kappa": cohen_kappa(truth, pred)}


# ----------------------------------------------------------------------------- reconcile

def adopt_agreements(project: Any, coders: list[str], as_coder: str, *, group: str | None = None) -> int:
    """Give the consensus coder every unit the coders agree on (one transaction); return how many.

    Units the consensus coder already decided are left alone, so this is safe to rerun.
    """
    as_coder = check_coder(as_coder)
    if as_coder in coders:
        raise QualcodeError(f"--as {as_coder!r} must be a new name, not one of the coders compared")
    n = 0
    units = presence_units(project, coders, group=group)
    with project.transaction():
        for u in units:
            vals = {v for v in u["values"].values() if v is not None}
            if len(vals) != 1 or current_verdict(project.conn, u["segment"], u["code"], as_coder) not in (None, "retract"):
                continue
            verdict = ("accept" if u["suggested"] else "add") if vals == {1} else "reject"
            record(project, u["segment"], u["code"], as_coder, verdict, origin="reconcile",
                   note=f"agreed by {', '.join(coders)}")
            n += 1
    return n


def disagreements_for_reconcile(project: Any, coders: list[str], as_coder: str, *,
                                group: str | None = None) -> list[dict[str, Any]]:
    """The segment units the coders disagree on, in document order (what reconcile asks about)."""
    return [u for u in presence_units(project, coders, group=group)
            if len({v for v in u["values"].values() if v is not None}) > 1]
