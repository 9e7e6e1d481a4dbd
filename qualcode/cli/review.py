"""Commands for turning suggestions into codes: review (+ accept/export/import), code, agreement, reconcile."""

from __future__ import annotations

import click

from qualcode.cli.options import (
    State,
    SubGroup,
    Table,
    csv_style_option,
    emit,
    output_options,
    parse_where,
    pass_state,
    sheet_style,
)
from qualcode.errors import QualcodeError
from qualcode.i18n import language, t
from qualcode.memos import CODER_ENV
from qualcode.review.agreement import (
    UNITS,
    adopt_agreements,
    machine_agreement,
    parse_coders,
)
from qualcode.review.agreement import agreement as agreement_stats
from qualcode.review.decisions import check_coder, code_segment
from qualcode.review.queue import ORDERS, Filter, accept_above, pending
from qualcode.review.sheet_import import import_decisions
from qualcode.review.sheets import export_sheet



def filter_options(f):
    """--code/--group/--doc/--field/--where, shared by review and its subcommands."""
    f = click.option("--where", "where", multiple=True, metavar="ATTR=VALUE",
                     help="Only documents with this attribute value; repeatable.")(f)
    f = click.option("--field", "field_", default=None, help="Only segments of this field.")(f)
    f = click.option("--doc", default=None, help="Only this document.")(f)
    f = click.option("--group", default=None, help="Only codes of this group.")(f)
    f = click.option("--code", "codes", multiple=True, help="Only this code; repeatable.")(f)
    return f


def coder_option(required: bool = True):
    return click.option("--coder", envvar=CODER_ENV, required=required, default=None,
                        help=f"Who is deciding (default: ${CODER_ENV}).")


def _filter(state: State, codes, group, doc, field_, where) -> Filter:
    from qualcode.suggest.model.storage import check_models
    check_models(state.project)  # a project file with a pickled model is refused before anything runs
    return Filter.make(codes=codes, group=group, doc=doc, field=field_, where=parse_where(where)).check(state.project)


@click.group(cls=SubGroup, invoke_without_command=True)
@coder_option(required=False)
@filter_options
@click.option("--order", type=click.Choice(ORDERS), default="document", show_default=True,
              help="document order, lowest score first, or most uncertain (score nearest 0.5) first.")
@click.option("--uncoded", is_flag=True, help="Walk segments without any suggestion, to code what was missed.")
@pass_state
@click.pass_context
def review(ctx: click.Context, state: State, coder: str | None, codes, group, doc, field_, where, order: str,
           uncoded: bool) -> None:
    """Review pending suggestions in the terminal, one key per decision (y n c a s u ? q).

    Every key press is saved at once; quit any time and the next run resumes where you stopped.
    """
    if ctx.invoked_subcommand is not None:
        return
    from qualcode.review.session import Review
    from qualcode.review.uncoded import UncodedWalk
    coder = check_coder(coder)
    filt = _filter(state, codes, group, doc, field_, where)
    keys = _keys()
    if uncoded:
        with keys:
            UncodedWalk(state.project, coder, filt=filt, keys=keys.reader).run()
        return
    with keys:
        Review(state.project, coder, filt=filt, order=order, keys=keys.reader).run()


class _Keys:
    """The terminal's key reader as a context manager (cbreak on, restored on exit)."""

    def __init__(self) -> None:
        from qualcode.review.keys import default_keys
        self.reader = default_keys()

    def __enter__(self) -> "_Keys":
        if hasattr(self.reader, "__enter__"):
            self.reader.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if hasattr(self.reader, "__exit__"):
            self.reader.__exit__(*exc)


def _keys() -> _Keys:
    return _Keys()


@review.command("accept")
@coder_option()
@click.option("--min-score", type=float, required=True, help="Accept pending suggestions scoring at least this.")
@filter_options
@click.option("--dry-run", is_flag=True, help="Only say how many would be accepted.")
@pass_state
def review_accept(state: State, coder: str, min_score: float, codes, group, doc, field_, where, dry_run: bool) -> None:
    """Bulk-accept pending suggestions above a score (recorded with origin 'bulk')."""
    filt = _filter(state, codes, group, doc, field_, where)
    if dry_run:
        n = sum(1 for it in pending(state.project, check_coder(coder), filt) if it.score >= min_score)
        click.echo(t("review.would_accept", n=n, score=_score(min_score), coder=coder))
        return
    n = accept_above(state.project, coder, min_score, filt)
    left = len(pending(state.project, coder, filt))
    click.echo(t("review.accepted", n=n, score=_score(min_score), coder=coder, left=left))


def _score(value: float) -> str:
    """A score as the user typed it, with the run's decimal mark (0,9 in Swedish)."""
    text = f"{value:g}"
    return text.replace(".", ",") if language() == "sv" else text


@review.command("export")
@coder_option()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="F.xlsx (or .csv).")
@filter_options
@click.option("--all", "include_decided", is_flag=True, help="Also suggestions already decided (verdict filled in).")
@pass_state
def review_export(state: State, coder: str, output: str, codes, group, doc, field_, where,
                  include_decided: bool) -> None:
    """Write a review sheet: one row per suggestion, verdict and corrected-code columns to fill in."""
    filt = _filter(state, codes, group, doc, field_, where)
    n = export_sheet(state.project, coder, output, filt, include_decided=include_decided)
    click.echo(t("sheet.written", n=n, path=output))


@review.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--coder", envvar=CODER_ENV, default=None, help="Coder for rows without a coder cell.")
@output_options(formats=("table", "json"))
@pass_state
def review_import(state: State, file: str, coder: str | None, fmt: str, output: str | None) -> None:
    """Record a filled-in review sheet (.xlsx/.csv: segment or doc[+field], code, verdict, coder), all or nothing."""
    summary = import_decisions(state.project, file, coder=coder)
    if fmt == "json":
        emit(fmt, output, data=summary.to_json())
    else:
        click.echo(summary.summary())


@click.command("code")
@click.argument("target", metavar="SEGMENT|DOC")
@click.argument("code")
@coder_option()
@click.option("--quote", default=None, help="Code these exact words of DOC (they must occur once).")
@click.option("--span", "span", default=None, metavar="START:END", help="Code this character span of DOC.")
@click.option("--field", "field_", default=None, help="With --quote/--span: the field of DOC (a survey column).")
@click.option("--note", default=None, help="Why (kept with the decision or span).")
@click.option("--remove", is_flag=True, help="Take the code off instead (a reject, or the span removed).")
@pass_state
def code_cmd(state: State, target: str, code: str, coder: str, quote: str | None, span: str | None,
             field_: str | None, note: str | None, remove: bool) -> None:
    """Code a segment by hand (what the machine missed), or a selection of a document:
    'qualcode code DOC CODE --quote "the words"' or '--span START:END'; --remove takes it off."""
    from qualcode import spans
    if quote is None and span is None:
        if not target.isdigit():
            raise QualcodeError(f"{target!r} is not a segment number; to code part of a document give "
                                "--quote \"the words\" or --span START:END")
        code_segment(state.project, int(target), code, coder, verdict="reject" if remove else "add", note=note)
        click.echo(t("code.removed" if remove else "code.coded", segment=target, code=code, coder=coder))
        return
    if quote is not None and span is not None:
        raise QualcodeError("give --quote or --span, not both")
    p = state.project
    p.check_documents([target])
    if quote is not None:
        field_, start, end = spans.find_quote(p.conn, target, quote, field_)
    else:
        start, end = spans.parse_span(span)
    if remove:
        s = spans.remove_span(p, target, start, end, code, coder, field=field_)
    else:
        s = spans.add_span(p, target, start, end, code, coder, field=field_, memo=note)
    text = spans.field_texts(p.conn, target)[s.field][s.start:s.end]
    click.echo(t("code.span_removed" if remove else "code.span_coded", doc=target, field=s.field, start=s.start,
                 end=s.end, code=s.code, coder=coder, text=repr(text)))


@click.command()
@click.option("--coders", default=None, help="Two or more coders, comma-separated: A,B.")
@click.option("--machine", is_flag=True, help="Compare the suggestions with one --coder instead.")
@coder_option(required=False)
@click.option("--group", default=None, help="Only codes of this group.")
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Only these documents; repeatable.")
@click.option("--unit", type=click.Choice(UNITS), default="segment", show_default=True,
              help="(segment, code) or (document, code) pairs.")
@click.option("--nominal", is_flag=True, help="Overall: one nominal value per segment (the set of codes given).")
@click.option("--min-score", type=float, default=0.5, show_default=True,
              help="With --machine: a suggestion counts as the machine's yes from this score.")
@csv_style_option
@output_options(formats=("table", "json", "csv", "md", "xlsx"))
@pass_state
def agreement(state: State, coders: str | None, machine: bool, coder: str | None, group: str | None, where,
              unit: str, nominal: bool, min_score: float, fmt: str, output: str | None,
              csv_style: str | None) -> None:
    """Agreement between coders (percent, Cohen's kappa, Krippendorff's alpha), or machine vs a coder.

    A unit is a (segment, code) pair that either coder decided on or that has a suggestion, on
    segments both coders reviewed; its value is coded / not coded. See qualcode/agreement.py.
    """
    filt = Filter.make(where=parse_where(where))
    if machine:
        if not coder:
            raise QualcodeError("--machine needs --coder NAME (the human the suggestions are compared with)")
        data = machine_agreement(state.project, coder, min_score=min_score, group=group, filt=filt)
        o = data["overall"]
        cols = ["kod", "nr", "n", "tp", "fp", "fn", "precision", "recall", "F1", "kappa"]
        t1 = Table(f"Förslag mot {coder} (poäng ≥ {min_score}; {data['segments']} granskade segment)", cols,
                   [[c["code"], c["number"], c["n"], c["tp"], c["fp"], c["fn"], c["precision"], c["recall"], c["f1"],
                     c["kappa"]] for c in data["codes"]]
                   + [["totalt", None, o["n"], o["tp"], o["fp"], o["fn"], o["precision"], o["recall"], o["f1"],
                       o["kappa"]]],
                   formats={k: "float3" for k in ("precision", "recall", "F1", "kappa")}, decimal_comma=False)
        t2 = Table("Per regel (flest falska träffar först)",
                   ["källa", "kod", "förslag", "tp", "fp", "precision", "recall", "F1", "kappa"],
                   [[r["source"], r["code"], r["suggestions"], r["tp"], r["fp"], r["precision"], r["recall"], r["f1"],
                     r["kappa"]] for r in data["rules"]],
                   formats={k: "float3" for k in ("precision", "recall", "F1", "kappa")}, decimal_comma=False)
        emit(fmt, output, data=data, tables=[t1, t2], csv_style=sheet_style(csv_style))
        return
    if not coders:
        raise QualcodeError("give --coders A,B (or --machine --coder A)")
    names = parse_coders(coders)
    data = agreement_stats(state.project, names, group=group, unit=unit, scale="nominal" if nominal else "presence",
                           filt=filt)
    o = data["overall"]
    f3 = {"kappa": "float3", "alpha": "float3", "procent": "percent1"}
    t1 = Table(f"Överensstämmelse {' / '.join(names)} (enhet: {unit}; {o['n']} enheter)",
               ["kod", "nr", "n", "procent", "kappa", "alpha"] + [f"kodat {k}" for k in names],
               [[c["code"], c["number"], c["n"], c["percent"], c["kappa"], c["alpha"]]
                + [c["coded"][k] for k in names] for c in data["codes"]]
               + [["totalt", None, o["n"], o["percent"], o["kappa"], o["alpha"]] + [None] * len(names)],
               formats=f3)
    tables = [t1]
    if data["disagreements"]:
        tables.append(Table(f"Oenigheter ({len(data['disagreements'])})", ["dokument", "segment", "kod"] + names
                            + ["text"],
                            [[d["doc"], d["segment"], d["code"]]
                             + ["ja" if d["values"][k] == 1 else "nej" if d["values"][k] == 0 else "–" for k in names]
                             + [d["text"]] for d in data["disagreements"]]))
    emit(fmt, output, data=data, tables=tables, csv_style=sheet_style(csv_style))


@click.command()
@click.option("--coders", required=True, help="The two coders to reconcile: A,B.")
@click.option("--as", "as_coder", required=True, help="Name of the consensus coder to write.")
@click.option("--group", default=None, help="Only codes of this group.")
@pass_state
def reconcile(state: State, coders: str, as_coder: str, group: str | None) -> None:
    """Settle the coders' disagreements one key at a time into a consensus coder (agreements copied)."""
    from qualcode.review.reconcile import ReconcileSession
    names = parse_coders(coders)
    adopted = adopt_agreements(state.project, names, as_coder, group=group)
    click.echo(t("reconcile.adopted", n=adopted, coder=as_coder))
    keys = _keys()
    with keys:
        ReconcileSession(state.project, names, as_coder, group=group, keys=keys.reader).run()


COMMANDS = [review, code_cmd, agreement, reconcile]
