"""Every message of the catalogue: key -> {"sv": …, "en": …}.

Keys are grouped by where they are shown (``error``/``cli`` for the command line, ``review``
for the review screen, ``memo``, ``docs``, ``status``). Rich markup is allowed; ``{name}``
fields are filled by ``qualcode.i18n.t``.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ command line
    # the bodies of error messages are not yet in the catalogue (they are English), so the prefix
    # stays in the bodies' language; scripts and tests also read it: switch it with the bodies
    "error.prefix": {"sv": "Error", "en": "Error"},
    "cli.interrupted": {"sv": "Avbrutet; allt som sparades före detta finns kvar.",
                        "en": "Interrupted; everything committed before this point is kept."},
    "cli.wrote": {"sv": "skrev {path}", "en": "wrote {path}"},
    "cli.created": {"sv": "skapade {path} med kodboken {name!r} ({codes} koder, version {version})",
                    "en": "created {path} with codebook {name!r} ({codes} codes, version {version})"},
    "cli.next_steps": {"sv": "Nästa steg: {steps}", "en": "Next: {steps}"},
    # ------------------------------------------------------------------ status
    "status.next": {"sv": "nästa steg", "en": "next step"},
    "status.import": {"sv": "importera anteckningar eller en enkät: qualcode import notes MAPP | "
                            "qualcode import survey FIL --id KOLUMN",
                      "en": "import notes or a survey: qualcode import notes FOLDER | "
                            "qualcode import survey FILE --id COLUMN"},
    "status.suggest": {"sv": "föreslå koder: qualcode suggest", "en": "suggest codes: qualcode suggest"},
    "status.review": {"sv": "granska förslagen: qualcode review --coder NAMN",
                      "en": "review the suggestions: qualcode review --coder NAME"},
    "status.tally": {"sv": "räkna: qualcode tally presence --by ATTRIBUT",
                     "en": "count: qualcode tally presence --by ATTRIBUTE"},
    # ------------------------------------------------------------------ review screen
    "review.taken": {"sv": "[yellow]segmentet är öppet i en annan granskning av samma kodare; hoppade över[/yellow]",
                     "en": "[yellow]the segment is open in another review by the same coder; skipped[/yellow]"},
    "review.help": {
        "sv": "[b]Tangenter[/b]\n"
              "  [b]y[/b] / [b]Enter[/b]  acceptera förslaget (accept)\n"
              "  [b]n[/b]          avvisa förslaget (reject)\n"
              "  [b]c[/b]          byt till en annan kod (förslaget avvisas, den valda koden läggs till)\n"
              "  [b]a[/b]          lägg till ytterligare en kod på segmentet\n"
              "  [b]s[/b]          hoppa över (kommer igen nästa gång)\n"
              "  [b]u[/b]          ångra senaste åtgärden\n"
              "  [b]?[/b]          den här hjälpen\n"
              "  [b]q[/b]          avsluta (allt som är beslutat är redan sparat)\n"
              "Kodväljaren: skriv numret i listan, kodens id eller en del av etiketten, Enter; Esc avbryter.",
        "en": "[b]Keys[/b]\n"
              "  [b]y[/b] / [b]Enter[/b]  accept the suggestion\n"
              "  [b]n[/b]          reject the suggestion\n"
              "  [b]c[/b]          change to another code (the suggestion is rejected, the chosen code added)\n"
              "  [b]a[/b]          add a further code to the segment\n"
              "  [b]s[/b]          skip (comes back next time)\n"
              "  [b]u[/b]          undo the last action\n"
              "  [b]?[/b]          this help\n"
              "  [b]q[/b]          quit (everything decided is already saved)\n"
              "Code picker: type the number in the list, the code's id or a piece of its label, Enter; Esc cancels."},
    "review.keyline": {
        "sv": "[b]y[/b]/Enter acceptera · [b]n[/b] avvisa · [b]c[/b] byt kod · [b]a[/b] lägg till kod · "
              "[b]s[/b] hoppa över · [b]u[/b] ångra · [b]?[/b] hjälp · [b]q[/b] avsluta",
        "en": "[b]y[/b]/Enter accept · [b]n[/b] reject · [b]c[/b] change code · [b]a[/b] add code · "
              "[b]s[/b] skip · [b]u[/b] undo · [b]?[/b] help · [b]q[/b] quit"},
    "review.help_title": {"sv": "Hjälp", "en": "Help"},
    "review.any_key": {"sv": "[dim]tryck valfri tangent …[/dim]", "en": "[dim]press any key …[/dim]"},
    "review.empty_answer": {"sv": "(tomt svar)", "en": "(empty answer)"},
    "review.blank": {"sv": "(tomt)", "en": "(blank)"},
    "review.panel_title": {"sv": "[b]{doc}[/b] · fält {field} · segment {segment}",
                           "en": "[b]{doc}[/b] · field {field} · segment {segment}"},
    "review.picker_prompt": {"sv": "kod (nummer, id eller del av etiketten; Esc avbryter): ",
                             "en": "code (number, id or part of the label; Esc cancels): "},
    "review.no_code_fits": {"sv": "[red]ingen kod passar {answer!r}[/red]", "en": "[red]no code fits {answer!r}[/red]"},
    "review.confirm_pick": {"sv": "   Enter/y = välj, annan tangent = försök igen",
                            "en": "   Enter/y = choose, any other key = try again"},
    "review.memo": {"sv": "Memo", "en": "Memo"},
    "review.memo_document": {"sv": "dokumentet", "en": "the document"},
    "review.title": {"sv": "Granskning", "en": "Review"},
    "review.coder": {"sv": "kodare {coder}", "en": "coder {coder}"},
    "review.suggestion": {"sv": "Förslag: ", "en": "Suggestion: "},
    "review.score": {"sv": "poäng {score} · källa {sources}", "en": "score {score} · source {sources}"},
    "review.negated": {"sv": "[bold red]⚠ NEGERAT:[/bold red] belägget står i en nekande fras "
                             "(t.ex. \"inget …\", \"saknas\") — acceptera bara om koden ändå gäller",
                       "en": "[bold red]⚠ NEGATED:[/bold red] the evidence is in a negated phrase "
                             "(e.g. \"no …\", \"missing\") — accept only if the code still applies"},
    "review.reason": {"sv": "[b]Skäl:[/b] {reason}", "en": "[b]Reason:[/b] {reason}"},
    "review.candidates": {"sv": "[b]Kandidater:[/b] {candidates}", "en": "[b]Candidates:[/b] {candidates}"},
    "review.stats": {"sv": "accepterade {accepted} · avvisade {rejected} · bytta {changed} · tillagda {added} · "
                           "överhoppade {skipped}",
                     "en": "accepted {accepted} · rejected {rejected} · changed {changed} · added {added} · "
                           "skipped {skipped}"},
    "review.saved": {"sv": "Sparat. {stats}", "en": "Saved. {stats}"},
    "review.done": {"sv": "[bold green]Inga fler förslag att granska.[/bold green] {stats}",
                    "en": "[bold green]No more suggestions to review.[/bold green] {stats}"},
    "review.undo_or_quit": {"sv": "[b]u[/b] ångra · annan tangent avslutar", "en": "[b]u[/b] undo · any other key quits"},
    "review.change_to": {"sv": "Byt {code} mot …", "en": "Change {code} to …"},
    "review.add_code": {"sv": "Lägg till kod …", "en": "Add code …"},
    "review.no_change": {"sv": "[dim]ingen ändring[/dim]", "en": "[dim]no change[/dim]"},
    "review.unknown_key": {"sv": "[red]okänd tangent {key!r}[/red] — ? visar hjälpen, q avslutar",
                           "en": "[red]unknown key {key!r}[/red] — ? shows the help, q quits"},
    "review.already_coded": {"sv": "[dim]{code} är redan kodad här[/dim]", "en": "[dim]{code} is already coded here[/dim]"},
    "review.added": {"sv": "[green]lade till {code}[/green]", "en": "[green]added {code}[/green]"},
    "review.nothing_to_undo": {"sv": "[dim]inget att ångra[/dim]", "en": "[dim]nothing to undo[/dim]"},
    "review.undone": {"sv": "[yellow]ångrat[/yellow]", "en": "[yellow]undone[/yellow]"},
    "review.undone_earlier": {"sv": "[yellow]ångrat[/yellow] (ett beslut från en tidigare omgång)",
                              "en": "[yellow]undone[/yellow] (a decision from an earlier session)"},
    # ------------------------------------------------------------------ memos
    "memo.added": {"sv": "memo {id} på {target}", "en": "memo {id} on {target}"},
    "memo.edited": {"sv": "memo {id} ändrat", "en": "memo {id} changed"},
    "memo.deleted": {"sv": "memo {id} borttaget", "en": "memo {id} removed"},
    "memo.unchanged": {"sv": "memo {id} oförändrat", "en": "memo {id} unchanged"},
    "memo.none": {"sv": "inga memon", "en": "no memos"},
    "memo.table": {"sv": "Memon", "en": "Memos"},
    "memo.columns": {"sv": "id|gäller|text|skribent|ändrat", "en": "id|about|text|author|changed"},
    # ------------------------------------------------------------------ docs show
    "docs.codes": {"sv": "Koder", "en": "Codes"},
    "docs.validated": {"sv": "validerad", "en": "validated"},
    "docs.suggested": {"sv": "förslag", "en": "suggestion"},
    "docs.legend": {"sv": "[reverse] kod [/reverse] = validerad kod ({coder}) · [dim]kod?[/dim] = ogranskat förslag",
                    "en": "[reverse] code [/reverse] = validated code ({coder}) · [dim]code?[/dim] = unreviewed suggestion"},
    "docs.attributes": {"sv": "Attribut", "en": "Attributes"},
    "docs.memos": {"sv": "Memon", "en": "Memos"},
    "docs.removed": {"sv": "(borttaget med docs remove)", "en": "(removed with docs remove)"},
    # ------------------------------------------------------------------ crosstab
    "crosstab.unit_interview": {"sv": "intervjuer", "en": "interviews"},
    "crosstab.unit_response": {"sv": "respondenter", "en": "respondents"},
    "crosstab.unit_segment": {"sv": "omnämnanden", "en": "mentions"},
    "crosstab.title": {"sv": "Korstabell: {unit} × {by}", "en": "Crosstab: {unit} × {by}"},
    "crosstab.n": {"sv": "n", "en": "n"},
    "crosstab.units_total": {"sv": "Antal {unit}", "en": "Number of {unit}"},
    # ------------------------------------------------------------------ progress
    "progress.import": {"sv": "importerar", "en": "importing"},
    "progress.suggest": {"sv": "föreslår", "en": "suggesting"},
    "progress.learn": {"sv": "lär", "en": "learning"},
    "progress.report": {"sv": "skriver rapporten", "en": "writing the report"},
}
