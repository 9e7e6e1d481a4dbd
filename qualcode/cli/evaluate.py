"""``qualcode evaluate GOLD``: suggestions measured on labelled outside text, in a fresh project."""

from __future__ import annotations

import click

from qualcode.cli.options import Table, emit, output_options
from qualcode.errors import QualcodeError
from qualcode.evaluation.learn_half import learn_gain
from qualcode.evaluation.outside import evaluate_choices, evaluate_passages, read_gold


@click.command()
@click.argument("gold", type=click.Path(dir_okay=False))
@click.option("--codebook", type=click.Path(dir_okay=False), default=None,
              help="Codebook YAML (default: the shipped handlingsplan codebook).")
@click.option("--misses", is_flag=True, help="List each item whose suggestions differ from the gold.")
@click.option("--no-base-model", "no_base", is_flag=True, help="Rules (and choices) alone, without the base model.")
@click.option("--learn-half", is_flag=True,
              help="Review every other passage from its gold, learn, and score the other half before and after.")
@output_options(formats=("table", "json", "md", "csv"))
def evaluate(gold: str, codebook: str | None, misses: bool, no_base: bool, learn_half: bool, fmt: str,
             output: str | None) -> None:
    """Score suggestions against a gold file (JSON Lines as in ../shared/dev: passages with
    areas/themes, or free-text area answers with area/ambiguous), in a fresh temporary project."""
    kind, items = read_gold(gold)
    if learn_half:
        if kind != "passages":
            raise QualcodeError("--learn-half needs passages (areas/themes), not free-text answers")
        g = learn_gain(items, codebook)
        rows = [[name, r.precision, r.recall, r.f1] for name, r in
                (("rules + base model", g.before), ("+ learn on the reviewed half", g.after))]
        emit(fmt, output, data=g.to_json(), tables=[Table(
            f"{gold}: learn on {g.trained_on} reviewed passages ({g.decisions} decisions), scored on the other "
            f"{g.measured_on}; F1 {g.gain:+.3f}", ["suggestions", "precision", "recall", "F1"], rows,
            formats={c: "float3" for c in ("precision", "recall", "F1")}, decimal_comma=False)])
        return
    if kind == "passages":
        r = evaluate_passages(items, codebook, base_model=not no_base)
        data = r.to_json() if misses else {k: v for k, v in r.to_json().items() if k != "misses"}
        tables = [Table(f"{gold}: {r.items} passages", ["precision", "recall", "F1"],
                        [[r.precision, r.recall, r.f1]], formats={c: "float3" for c in ("precision", "recall", "F1")},
                        decimal_comma=False),
                  Table("per label", ["label", "gold", "precision", "recall", "F1", "kappa"],
                        [[lab["label"], lab["gold"], lab["precision"], lab["recall"], lab["f1"], lab["kappa"]]
                         for lab in r.labels], formats={c: "float3" for c in ("precision", "recall", "F1", "kappa")},
                        decimal_comma=False)]
        if r.registers:
            tables.append(Table("per register", ["register", "passages", "precision", "recall", "F1"],
                                [[g["register"], g["passages"], g["precision"], g["recall"], g["f1"]] for g in r.registers],
                                formats={c: "float3" for c in ("precision", "recall", "F1")}, decimal_comma=False))
        tables.append(reliability_table("reliability of the fused scores (score bin against share the gold "
                                        "confirms)", r.reliability))
        if misses:
            tables.append(Table("misses", ["id", "missed", "extra", "text"],
                                [[m["id"], " ".join(m["missed"]), " ".join(m["extra"]), m["text"]] for m in r.misses]))
    else:
        c = evaluate_choices(items, codebook)
        data = c.to_json() if misses else {k: v for k, v in c.to_json().items() if k != "misses"}
        tables = [Table(f"{gold}: {c.clear} clear answers, {c.ambiguous} ambiguous",
                        ["right", "top-90 % right", "ambiguous below median"],
                        [[c.right, c.top90_right, c.ambiguous_below_median]],
                        formats={c_: "float3" for c_ in ("right", "top-90 % right", "ambiguous below median")},
                        decimal_comma=False),
                  reliability_table("reliability (score bin against share right)", c.reliability)]
        if misses:
            tables.append(Table("misses", ["id", "text", "gold", "got", "score", "reason"],
                                [[m["id"], m["text"], m["gold"], m["got"], m["score"], m["reason"]] for m in c.misses]))
    emit(fmt, output, data=data, tables=tables)


COMMANDS = [evaluate]


def reliability_table(title: str, bins: list[dict]) -> Table:
    """Bins with their 95 % interval and how far share and interval lie outside the bin's range:
    a reader can tell a small bin's noise from a miscalibration."""
    return Table(title, ["bin", "n", "right", "95 % interval", "off", "interval off"],
                 [[b["bin"], b["n"], b["right"], f"{b['low']:.2f}–{b['high']:.2f}", b["off"], b["interval_off"]]
                  for b in bins], formats={"right": "float3", "off": "float3", "interval off": "float3"},
                 decimal_comma=False)
