"""The memo command: analytic notes on the project, a document, a code or a coding."""

from __future__ import annotations

import click

from qualcode.cli.options import (
    State,
    SubGroup,
    Table,
    csv_style_option,
    emit,
    output_options,
    pass_state,
    sheet_style,
)
from qualcode.errors import QualcodeError
from qualcode.i18n import t
from qualcode.memos import (
    KINDS,
    add_memo,
    author_name,
    default_author,
    delete_memo,
    edit_memo,
    get_memo,
    list_memos,
)

TARGET_HELP = "Nothing named: a memo on the project."


def _editor_text(initial: str = "") -> str | None:
    """The text written in $EDITOR (None when the editor was closed without saving)."""
    try:
        return click.edit(initial, extension=".md", require_save=True)
    except click.UsageError as e:
        raise QualcodeError(f"{e}; give the text with --text") from None


@click.group(cls=SubGroup)
def memo() -> None:
    """Memos on the project, a document, a code or a coding: add, edit, list, show, delete."""


@memo.command("add")
@click.option("--doc", default=None, help="A memo on this document.")
@click.option("--code", default=None, help="A memo on this code (id or label); with --segment, on that coding.")
@click.option("--segment", type=int, default=None, help="With --code: a memo on the coding of CODE on segment N.")
@click.option("--text", default=None, help="The memo's text (else $EDITOR opens).")
@click.option("--author", default=None,
              help="Who wrote it (default: $QUALCODE_CODER, else your login name).")
@pass_state
def memo_add(state: State, doc: str | None, code: str | None, segment: int | None, text: str | None,
             author: str | None) -> None:
    """Write a memo. Nothing named: on the project; --doc, --code, or --segment N --code C."""
    if text is None:
        text = _editor_text()
        if text is None:
            raise QualcodeError("no memo written (the editor was closed without saving)")
    m = add_memo(state.project, text, doc=doc, code=code, segment=segment,
                 author=(author or "").strip() or default_author())
    click.echo(t("memo.added", id=m.id, target=m.describe(state.project.codebook)))


@memo.command("edit")
@click.argument("memo_id", type=int, metavar="ID")
@click.option("--text", default=None, help="The new text (else the memo opens in $EDITOR).")
@pass_state
def memo_edit(state: State, memo_id: int, text: str | None) -> None:
    """Change a memo's text, in $EDITOR or with --text."""
    p = state.project
    old = get_memo(p, memo_id)
    if text is None:
        text = _editor_text(old.text + "\n")
        if text is None or text.strip() == old.text:
            click.echo(t("memo.unchanged", id=memo_id))
            return
    edit_memo(p, memo_id, text)
    click.echo(t("memo.edited", id=memo_id))


@memo.command("delete")
@click.argument("memo_id", type=int, metavar="ID")
@pass_state
def memo_delete(state: State, memo_id: int) -> None:
    """Remove a memo."""
    delete_memo(state.project, memo_id)
    click.echo(t("memo.deleted", id=memo_id))


@memo.command("list")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only memos of this kind.")
@click.option("--doc", default=None, help="Memos on this document and its codings.")
@click.option("--code", default=None, help="Memos on this code and its codings.")
@csv_style_option
@output_options(formats=("table", "json", "jsonl", "csv", "md", "xlsx"))
@pass_state
def memo_list(state: State, kind: str | None, doc: str | None, code: str | None, fmt: str, output: str | None,
              csv_style: str | None) -> None:
    """The memos, oldest first, with the notes written with a verdict (a memo on that coding)."""
    memos = list_memos(state.project, kind=kind, doc=doc, code=code)
    if fmt == "jsonl":
        emit(fmt, output, records=(m.to_json() for m in memos))
        return
    if not memos and fmt == "table" and not output:   # one line, not an empty table
        named = [f"--{k} {v}" for k, v in (("kind", kind), ("doc", doc), ("code", code)) if v]
        click.echo(t("memo.none_found", filters=", ".join(named)) if named else t("memo.none"))
        return
    cols = t("memo.columns").split("|")
    cb = state.project.codebook
    table = Table(t("memo.table"), cols,
                  [[m.id, m.describe(cb), m.text, author_name(m), m.updated_at] for m in memos])
    emit(fmt, output, data={"memos": [m.to_json() for m in memos]}, tables=[table], csv_style=sheet_style(csv_style))


@memo.command("show")
@click.argument("memo_id", type=int, metavar="ID")
@pass_state
def memo_show(state: State, memo_id: int) -> None:
    """One memo in full."""
    m = get_memo(state.project, memo_id)
    click.echo(f"memo {m.id} · {m.describe(state.project.codebook)} · {author_name(m)} · {m.updated_at}\n\n{m.text}")


COMMANDS = [memo]
