"""The learned-model source: what ``qualcode learn`` trained on the project's decisions.

It predicts again everywhere when the models (or the groups and codes they apply to) changed
since the stored rows were made, and otherwise only for the segments this run tokenized; its
state row (``MODEL_STATE``) is written after the rows it describes.
"""

from __future__ import annotations

from qualcode.suggest.base import RunContext
from qualcode.suggest.freshness import models_before


class ModelSource:
    name = "model"
    owns = "model:%"

    def prepare(self, ctx: RunContext) -> int:
        self.models = models_before(ctx.project, ctx.incremental, bool(ctx.tokenized))
        return 0

    def run(self, ctx: RunContext) -> None:
        if self.models is None:
            return
        from qualcode.suggest.model.predict import MODEL_STATE, model_suggestions  # only when a model exists
        fingerprint, current = self.models
        if not current:
            m = model_suggestions(ctx.project, docs=ctx.wanted_docs, codes=ctx.wanted_codes)
        elif ctx.tokenized:
            m = model_suggestions(ctx.project, segments=list(ctx.tokenized))
            with ctx.project.transaction():
                ctx.conn.execute("INSERT OR REPLACE INTO suggest_state(field, code, fingerprint) VALUES (?,?,?)",
                                 (*MODEL_STATE, fingerprint))
        else:
            return
        ctx.summary.model_suggestions, ctx.summary.models = m.suggestions, m.models
        ctx.summary.add(self.name, m.suggestions, m.confident, m.by_code)
