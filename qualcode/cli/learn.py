"""``qualcode learn``: train the suggestion model on validated codes, apply it, draw its learning curve."""

from __future__ import annotations

import click

from qualcode.errors import QualcodeError

from qualcode.cli.options import (
    State,
    Table,
    csv_style_option,
    emit,
    output_options,
    pass_state,
    progress_bar,
    sheet_style,
    split_values,
)
from qualcode.i18n import t
from qualcode.suggest.model.classifier import CLASSIFIERS, DEFAULT_CLASSIFIER, MIN_POSITIVES, SEED
from qualcode.suggest.model.learn import LearnSummary
from qualcode.suggest.model.learn import learn as run_learn
from qualcode.suggest.model.predict import MIN_SCORE, model_suggestions
from qualcode.suggest.model.storage import list_models


@click.command()
@click.option("--coder", default=None, help="Learn from this coder's decisions (default: all coders; "
                                            "codes they disagree on are left out).")
@click.option("--group", "groups", multiple=True, help="Only this code group (comma-separated or repeated).")
@click.option("--seed", type=int, default=SEED, show_default=True, help="Seed for every random step.")
@click.option("--classifier", type=click.Choice(CLASSIFIERS), default=DEFAULT_CLASSIFIER, show_default=True)
@click.option("--min-examples", type=int, default=MIN_POSITIVES, show_default=True,
              help="Positive and negative examples a code needs to be learned.")
@click.option("--no-cv", is_flag=True, help="Skip the cross-validated precision/recall/F1 (faster).")
@click.option("--force", is_flag=True, help="Retrain even when the training data has not changed.")
@click.option("--apply", "apply_", is_flag=True, help="Then store the model's suggestions for all segments.")
@click.option("--apply-only", is_flag=True, help="Only apply the stored models (no training).")
@click.option("--docs", "docs", multiple=True, help="With --apply: only these documents.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=MIN_SCORE, show_default=True,
              help="With --apply: store model suggestions scoring at least this.")
@click.option("--curve", type=click.Path(dir_okay=False), default=None, metavar="F.png",
              help="Draw F1 against the number of validated segments (PNG or SVG).")
@click.option("--list", "list_", is_flag=True, help="List the stored models and stop.")
@csv_style_option
@output_options(formats=("table", "json", "md", "csv"))
@pass_state
def learn(state: State, coder: str | None, groups: tuple[str, ...], seed: int, classifier: str, min_examples: int,
          no_cv: bool, force: bool, apply_: bool, apply_only: bool, docs: tuple[str, ...], min_score: float,
          curve: str | None, list_: bool, fmt: str, output: str | None, csv_style: str | None) -> None:
    """Train a model per code group on the validated codes; print cross-validated precision, recall, F1.

    Accepted and added codes are positives; rejected suggestions and the other codes of a
    reviewed segment are negatives. With --apply its suggestions (source model:<version>) join
    the rule suggestions for review.
    """
    if curve:  # every argument is checked before anything is trained or stored
        from pathlib import Path
        if Path(curve).suffix.lower() not in (".png", ".svg"):
            raise QualcodeError(f"--curve {curve}: the file must end in .png or .svg")
        if not Path(curve).absolute().parent.is_dir():
            raise QualcodeError(f"--curve {curve}: folder {Path(curve).absolute().parent} does not exist")
    project = state.project
    if list_:
        models = list_models(project)
        emit(fmt, output, data=models, tables=[Table("Modeller", ["grupp", "version", "tränad", "segment"],
                                                     [[m["group"], m["version"], m["trained_at"], m["n_segments"]]
                                                      for m in models])], csv_style=sheet_style(csv_style))
        return
    data: dict = {}
    tables: list[Table] = []
    if not apply_only:
        with progress_bar(t("progress.learn")) as bar:  # steps: the codes of every group
            task = bar.add_task("learn", total=None)
            summary = run_learn(project, coder, split_values(groups), seed=seed, classifier=classifier,
                                min_examples=min_examples, cross_validate=not no_cv, force=force,
                                on_total=lambda n: bar.update(task, total=n), progress=lambda n: bar.advance(task, n))
        data["learn"] = summary.to_json()
        tables += _learn_tables(summary)
        if summary.contradictory:
            click.echo(f"{summary.contradictory} contradictory examples (coders disagree, or the same text "
                       f"coded both ways) were left out", err=True)
    if apply_ or apply_only:
        s = model_suggestions(project, docs=split_values(docs), min_score=min_score)
        data["apply"] = s.to_json()
        tables.append(Table("Modellförslag", ["", ""], [
            ["modeller", ", ".join(f"{g}: {v}" for g, v in s.models.items())], ["segment", s.segments],
            ["förslag", s.suggestions], ["med poäng ≥ 0,5", s.confident], ["ersatta", s.removed]]))
    if curve:
        from qualcode.suggest.model.curve import learning_curve, plot_curve  # matplotlib: only for a curve
        points = learning_curve(project, coder, seed=seed, classifier=classifier, min_examples=min_examples)
        plot_curve(points, curve)
        data["curve"] = {g: [{"segments": n, "f1": round(f, 4)} for n, f in pts] for g, pts in points.items()}
        tables.append(Table("Inlärningskurva (F1 på utelämnade dokument)", ["grupp", "segment", "F1"],
                            [[g, n, f] for g, pts in points.items() for n, f in pts], formats={"F1": "float3"},
                            note=f"diagram: {curve}"))
    emit(fmt, output, data=data, tables=tables, csv_style=sheet_style(csv_style))


def _learn_tables(summary: LearnSummary) -> list[Table]:
    out = []
    for g in summary.groups:
        state = "oförändrad, behålls" if g.unchanged else "ny"
        title = (f"{g.group}: modell {g.version or '(ingen)'} ({state}), {g.n_segments} validerade segment"
                 + (f", {g.contradictory} motsägelsefulla utelämnade" if g.contradictory else ""))
        rows = [[m.code, m.positives, m.negatives, m.precision, m.recall, m.f1] for m in g.codes if m.learned]
        too_few = [f"{m.code} ({m.why_not})" for m in g.too_few]
        note = ("för få exempel för att lära: " + "; ".join(too_few)) if too_few else ""
        out.append(Table(title, ["kod", "positiva", "negativa", "precision", "recall", "F1"], rows,
                         formats={"precision": "float3", "recall": "float3", "F1": "float3"}, note=note))
    return out


COMMANDS = [learn]
