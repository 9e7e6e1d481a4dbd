"""The base-model source: ``base:<version>`` rows from the model shipped with the codebook.

It reads each notes document whole (and each open-answer cell), as it was trained, and puts
each label it gives on the segment of that unit whose own text scores highest for the label.
It redoes the units that hold segments this run tokenized, and every unit when the model or
the codebook's labels changed (state row ``STATE``); a codebook whose areas or themes no longer
match the model's skips it with a one-line notice.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from qualcode.codebook import AREA_GROUP
from qualcode.i18n import t
from qualcode.nlp.tokens import TokenStream, load_types
from qualcode.store.suggestions import replace_suggestions
from qualcode.suggest import base_model
from qualcode.suggest.base import RunContext
from qualcode.suggest.model.features import stream_words
from qualcode.suggest.negation import undiscussed_flags

STATE = ("__base__", "")
MIN_SCORE = 0.3   # rows below this are not stored (below 0.5 they are hints)


@lru_cache(maxsize=1)
def shipped_model() -> base_model.BaseModel | None:
    return base_model.BaseModel.load() if base_model.MODEL_FILE.exists() else None


def lemma_texts_of(texts: Sequence[str]) -> list[str]:
    """Lemmas and compound parts of raw texts through the blank pipeline (for training)."""
    from qualcode.nlp.pipeline import Pipeline, choose_pipeline
    pipe = Pipeline(choose_pipeline(None, None, "lookup"), "lookup")
    return [" ".join(stream_words(s)) for s in pipe.process(list(texts))]


class BaseModelSource:
    name = "base"
    owns = "base:%"

    def prepare(self, ctx: RunContext) -> int:
        self.units: list[tuple[str, str]] = []
        self.drop = False
        model = shipped_model()
        if model is None or ctx.project.meta("base_model") == "off":
            self.drop = True
            return 0
        self.model = model
        self.codes = label_codes(ctx.codebook)
        self.label_codes = [self.codes.get(lab) for lab in model.labels]  # code id per model column, or None
        if base_model.codebook_fingerprint(ctx.codebook) != model.codebook:
            ctx.summary.say(t("suggest.base_skipped", version=model.version))
            self.drop = True  # its earlier rows no longer mean what they said
            return 0
        fields = sorted(f for f, groups in ctx.groups.items() if set(groups) & {AREA_GROUP, "tema"})
        ctx.lemma_fields.update(fields)  # the rules' pass hands over what it reads of these
        self.taken = handed_over(ctx.project, model, self.codes)
        self.group_of = {c.id: c.group for c in ctx.codebook.codes}
        self.fingerprint = json.dumps([model.version, model.codebook, fields, sorted(self.codes.items()),
                                       sorted(self.taken), ctx.codebook.version])
        from qualcode.suggest.rules import RuleSet
        self.vetoes = RuleSet(ctx.codebook, list(self.codes.values()), {}, exclusions_only=True)
        self.excluding = {r.code for r in self.vetoes.rules}  # codes that have exclusion patterns at all
        stored = (ctx.state or {}).get(STATE[0], {}).get(STATE[1])
        everything = not ctx.incremental or stored != self.fingerprint
        sql = ("SELECT DISTINCT doc, field FROM segments WHERE retired = 0 AND field IN (SELECT value FROM json_each(?))")
        args: list[Any] = [json.dumps(fields)]
        if ctx.wanted_docs is not None:
            sql += " AND doc IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(ctx.wanted_docs))
        self.everything = everything and ctx.wanted_docs is None
        self.all_units = [tuple(r) for r in ctx.conn.execute(sql, args)]
        self.all_docs = everything
        return 0

    def run(self, ctx: RunContext) -> None:
        if self.drop:
            with ctx.project.transaction():
                ctx.conn.execute("DELETE FROM suggestions WHERE source LIKE 'base:%'")
                ctx.conn.execute("DELETE FROM suggest_state WHERE field = ? AND code = ?", STATE)
            return
        if not hasattr(self, "all_units"):
            return
        units = self.all_units
        if not self.all_docs:
            touched = {tuple(r) for r in ctx.conn.execute(
                "SELECT DISTINCT doc, field FROM segments WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(ctx.tokenized)),))}
            units = [u for u in units if u in touched]
        if not units:
            return
        load_types(ctx.conn)
        source = f"base:{self.model.version}"
        for i in range(0, len(units), 500):
            self._units(ctx, units[i:i + 500], source)
        if ctx.wanted_docs is None and ctx.wanted_codes is None:
            with ctx.project.transaction():
                ctx.conn.execute("INSERT OR REPLACE INTO suggest_state(field, code, fingerprint) VALUES (?,?,?)",
                                 (*STATE, self.fingerprint))

    def _units(self, ctx: RunContext, units: list[tuple[str, str]], source: str) -> None:
        wanted = set(units)
        rows = [r for r in ctx.conn.execute(
            "SELECT s.id, s.doc, s.field, s.start, s.text, t.data FROM segments s "
            "LEFT JOIN segment_tokens t ON t.segment = s.id WHERE s.retired = 0 AND "
            "s.doc IN (SELECT value FROM json_each(?)) ORDER BY s.doc, s.field, s.position",
            (json.dumps(sorted({d for d, _ in units})),)) if (r[1], r[2]) in wanted]
        unit_index: dict[tuple[str, str], int] = {}
        units_segs: list[list[Any]] = []
        for r in rows:
            k = unit_index.setdefault((r[1], r[2]), len(units_segs))
            if k == len(units_segs):
                units_segs.append([])
            units_segs[k].append(r)
        known = ctx.lemma_texts  # what the rules' pass read of the segments it tokenized this run
        words = [known[r[0]] if r[0] in known else " ".join(stream_words(TokenStream.decode(r[5])))
                 if r[5] is not None else r[4].lower() for r in rows]
        # one prediction per unit (as trained), and per segment, to put a label on its sentence
        probs, each = self.model.unit_probabilities(words, [r[4] for r in rows],
                                                    [unit_index[(r[1], r[2])] for r in rows])
        at = {r[0]: k for k, r in enumerate(rows)}
        column = {code: j for j, code in enumerate(self.label_codes)}
        rules = np.zeros_like(probs)  # per unit and label, the rules' best score (this run's rows)
        for seg, code, score in ctx.conn.execute(
                "SELECT segment, code, MAX(score) FROM suggestions WHERE source LIKE 'rule:%' "
                "AND segment IN (SELECT value FROM json_each(?)) GROUP BY segment, code",
                (json.dumps([r[0] for r in rows]),)):
            if code in column:
                r = rows[at[seg]]
                u, j = unit_index[(r[1], r[2])], column[code]
                rules[u, j] = max(rules[u, j], float(score or 0.0))
        fused = self._fused(ctx, [segs[0][2] for segs in units_segs], probs, rules)
        vetoed: dict[int, set[str]] = {}
        quiet: dict[int, bool] = {}
        out = []
        start = 0
        for i, segs in enumerate(units_segs):
            labels = np.nonzero(fused[i] >= MIN_SCORE)[0]
            carrier = start + each[start:start + len(segs)].argmax(axis=0)  # the sentence that carries each label
            start += len(segs)
            for j in labels:
                seg, code, p = rows[carrier[j]], self.label_codes[j], float(fused[i, j])
                if ctx.wanted_codes is not None and code not in ctx.wanted_codes:
                    continue
                if rules[i, j] == 0.0 and seg[5] is not None and self._undiscussed(seg, quiet):
                    continue  # "lön: ej diskuterat": the note says the topic was not talked about
                if seg[5] is not None and code in self.excluding:
                    if seg[0] not in vetoed:
                        vetoed[seg[0]] = self.vetoes.vetoed_codes(TokenStream.decode(seg[5]), seg[4])
                    if code in vetoed[seg[0]]:
                        continue  # the codebook's exclusions (an observer student, a room change) hold for the model too
                out.append((seg[0], code, source, round(p, 4), seg[3], seg[3] + len(seg[4]), 0,
                            f"basmodell {self.model.version}, p={p:.2f}", None, ctx.version, ctx.stamp))
        ids = [r[0] for r in rows]
        code_filter = json.dumps(sorted(ctx.wanted_codes)) if ctx.wanted_codes is not None else None
        with ctx.project.transaction():
            replace_suggestions(ctx.conn, ids, out, "source LIKE 'base:%'", code_filter, ctx.version)
        ctx.summary.count_rows(self.name, out)

    @staticmethod
    def _undiscussed(seg: Any, memo: dict[int, bool]) -> bool:
        """Whether a segment says a topic was not discussed (remembered per segment)."""
        if seg[0] not in memo:
            memo[seg[0]] = any(undiscussed_flags(TokenStream.decode(seg[5]).folded_forms))
        return memo[seg[0]]

    def _fused(self, ctx: RunContext, fields: list[str], probs: Any, rules: Any) -> Any:
        """Units × labels: the model's probability fused with the rules' best score for the code
        there, and -1 where the label may not be given: codes outside the field's own groups,
        codes a project model has taken over, and a probability too low to matter."""
        allowed: dict[str, Any] = {}
        for fld in set(fields):
            groups = set(ctx.groups.get(fld, ()))  # a field bound to one group gets only its codes
            allowed[fld] = np.array([code is not None and self.group_of[code] in groups and code not in self.taken
                                     for code in self.label_codes])
        mask = np.array([allowed[f] for f in fields]).reshape(probs.shape) & (probs >= MIN_SCORE / 4)
        return np.where(mask, self.model.fused(probs, rules), -1.0)


def handed_over(project: Any, model: base_model.BaseModel, codes: dict[str, str]) -> set[str]:
    """Codes the project's own model has taken over from the base model.

    The rule is a comparison of two measured figures, code by code: the project model's
    cross-validated F1 on the project's own decisions (``learn``'s metrics) against the base
    model's F1 for that label on registers it was not trained on (leave-one-register-out, measured
    when it was built). Once the project's model does at least as well on her text as the base
    model does on text it never saw, the base model steps back for that code; until then both
    suggest and the fused score is their maximum."""
    base_f1 = model.label_f1
    if not base_f1:
        return set()
    by_code = {cid: lab for lab, cid in codes.items()}
    taken = set()
    for (metrics,) in project.conn.execute(
            "SELECT metrics FROM models m WHERE id = (SELECT MAX(id) FROM models WHERE grp = m.grp)"):
        try:
            rows = json.loads(metrics).get("codes", [])
        except (ValueError, AttributeError):
            continue
        for r in rows:
            lab = by_code.get(r.get("code"))
            if lab is not None and r.get("f1") is not None and r["f1"] >= base_f1.get(lab, 1.0):
                taken.add(r["code"])
    return taken


def deferring_codes(project: Any) -> set[str]:
    """Codes on which the project's own model still defers to the base model: those the base
    model covers in this project and the project model has not taken over (``handed_over``).
    Its rows for them are hints until it has shown, in cross-validation on her decisions, that
    it does as well as the base model does on text it never saw: trained on a few documents it
    is sure of itself and often wrong (measured with ``qualcode evaluate --learn-half``)."""
    model = shipped_model()
    if model is None or project.meta("base_model") == "off" or \
            base_model.codebook_fingerprint(project.codebook) != model.codebook:
        return set()
    codes = label_codes(project.codebook)
    return set(codes.values()) - handed_over(project, model, codes)


def label_codes(codebook: Any) -> dict[str, str]:
    """Model label ("6", "lokaler") -> the codebook's code id."""
    out = {}
    for c in codebook.codes:
        if c.group == AREA_GROUP and c.number is not None and 1 <= c.number <= 13:
            out[str(c.number)] = c.id
        elif c.id in base_model.THEMES:
            out[c.id] = c.id
    return out
