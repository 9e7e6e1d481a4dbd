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
    "status.project": {"sv": "Projekt", "en": "Project"},
    "status.file": {"sv": "fil", "en": "file"},
    "status.codebook": {"sv": "kodbok", "en": "codebook"},
    "status.codebook_value": {"sv": "{name} ({codes} koder, version {version})",
                              "en": "{name} ({codes} codes, version {version})"},
    "status.suggestions": {"sv": "förslag", "en": "suggestions"},
    "status.pending": {"sv": "ogranskade förslag", "en": "unreviewed suggestions"},
    "status.base_model": {"sv": "basmodell", "en": "base model"},
    "status.base_value": {"sv": "{version}: {state} ({n} förslag)", "en": "{version}: {state} ({n} suggestions)"},
    "status.base.on": {"sv": "används", "en": "in use"},
    "status.base.off": {"sv": "avstängd", "en": "switched off"},
    "status.base.missing": {"sv": "saknas", "en": "missing"},
    "status.base.skipped": {"sv": "används inte: kodbokens områden eller teman skiljer sig från dem den tränades på",
                            "en": "not used: the codebook's areas or themes differ from the ones it was trained on"},
    "status.documents": {"sv": "Dokument", "en": "Documents"},
    "status.documents_columns": {"sv": "typ|antal", "en": "kind|count"},
    "status.kind.interview": {"sv": "intervjuer", "en": "interviews"},
    "status.kind.response": {"sv": "enkätsvar", "en": "survey responses"},
    "status.removed": {"sv": "borttagna (docs restore)", "en": "removed (docs restore)"},
    "status.segments": {"sv": "Segment per fält", "en": "Segments per field"},
    "status.segments_columns": {"sv": "fält|segment", "en": "field|segments"},
    "status.attributes": {"sv": "Attribut", "en": "Attributes"},
    "status.attributes_columns": {"sv": "attribut|värde|dokument", "en": "attribute|value|documents"},
    "status.many_values": {"sv": "{n} olika värden, t.ex. {examples}", "en": "{n} different values, e.g. {examples}"},
    "status.coders": {"sv": "Kodare", "en": "Coders"},
    "status.coders_columns": {"sv": "kodare|beslut|kodningar", "en": "coder|decisions|codings"},
    "status.no_coders": {"sv": "ingen har granskat ännu", "en": "nobody has reviewed yet"},
    "status.todo": {"sv": "Att göra för suggest", "en": "To do for suggest"},
    "status.todo_new": {"sv": "nya segment (alla koder)", "en": "new segments (every code)"},
    "status.todo_codes": {"sv": "{field}: koder vars regler eller uppmätta poäng ändrats",
                          "en": "{field}: codes whose rules or measured scores changed"},
    "status.todo_choice": {"sv": "{field}: valfält att läsa om", "en": "{field}: choice field to read again"},
    "status.todo_choice_why": {"sv": "kodgruppen eller cellerna har ändrats", "en": "its code group or cells changed"},
    "status.todo_models": {"sv": "modellförslag", "en": "model suggestions"},
    "status.todo_models_why": {"sv": "modellen eller det den gäller har ändrats",
                               "en": "the model or what it applies to changed"},
    "status.todo_codebook": {"sv": "kodboksfilen", "en": "the codebook file"},
    "status.todo_codebook_why": {"sv": "ändrad sedan den lästes in (suggest läser in den)",
                                 "en": "edited since it was loaded (suggest loads it)"},
    "status.todo_current": {"sv": "förslagen", "en": "the suggestions"},
    "status.todo_current_why": {"sv": "aktuella: suggest har inget att göra om",
                                "en": "up to date: suggest has nothing to redo"},
    # ------------------------------------------------------------------ import summaries
    "import.summary": {"sv": "{source}: {new} nya, {changed} ändrade, {unchanged} oförändrade dokument; "
                             "{added} segment tillagda",
                       "en": "{source}: {new} new, {changed} changed, {unchanged} unchanged documents; "
                             "{added} segments added"},
    "import.segments_changed": {"sv": ", {kept} behållna, {restored} återställda, {retired} tagna ur bruk "
                                      "(besluten finns kvar), {deleted} borttagna",
                                "en": ", {kept} kept, {restored} restored, {retired} retired (decisions kept), "
                                      "{deleted} removed"},
    "import.left_removed": {"sv": "; {n} borttagna dokument lämnades utanför ('qualcode docs restore' tar tillbaka dem)",
                            "en": "; {n} removed documents left out ('qualcode docs restore' brings them back)"},
    "import.dry_run": {"sv": "provkörning, inget skrevs: {line}", "en": "dry run, nothing written: {line}"},
    "import.headline": {"sv": "importen skulle {parts}", "en": "this import would {parts}"},
    "import.would_retire": {"sv": "ta ur bruk {n} segment som har beslut (i {docs} dokument)",
                            "en": "retire {n} segments that carry decisions (in {docs} documents)"},
    "import.would_replace": {"sv": "ersätta {n} dokument som importerats från en annan fil ({pair})",
                             "en": "replace {n} documents imported from another file ({pair})"},
    "import.would_change_kind": {"sv": "ändra {n} dokument från {old} till {new}",
                                 "en": "change {n} documents from {old} to {new}"},
    "import.warn_retire": {"sv": "{n} segment som har beslut skulle tas ur bruk, i {docs} dokument ({examples}; "
                                 "fält: {fields}); besluten finns kvar i granskningsspåret och kommer tillbaka när "
                                 "en import för tillbaka samma text",
                           "en": "{n} segments that carry decisions would be retired, in {docs} documents "
                                 "({examples}; fields: {fields}); their decisions stay in the audit trail and come "
                                 "back when an import brings the same text back"},
    "import.warn_replace": {"sv": "{n} dokument skulle ersättas av dokument från en annan fil med samma id "
                                  "({pair}; {examples})",
                            "en": "{n} documents would be replaced by documents of another file with the same id "
                                  "({pair}; {examples})"},
    "import.warn_kind": {"sv": "{n} dokument skulle ändras från {old} till {new} ({examples})",
                         "en": "{n} documents would change from {old} to {new} ({examples})"},
    "import.examples_more": {"sv": " … ({n} totalt)", "en": " … ({n} in all)"},
    "import.confirm": {"sv": "Importera ändå?", "en": "Import anyway?"},
    # ------------------------------------------------------------------ codebook show
    "codebook.columns": {"sv": "id|nr|etikett|grupp|mönster|beskrivning",
                         "en": "id|no|label|group|patterns|description"},
    "codebook.columns_more": {"sv": "ingår|ingår inte", "en": "includes|excludes"},
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
    "review.unknown_key": {"sv": "[red]okänd tangent {pressed!r}[/red] — ? visar hjälpen, q avslutar",
                           "en": "[red]unknown key {pressed!r}[/red] — ? shows the help, q quits"},
    "review.already_coded": {"sv": "[dim]{code} är redan kodad här[/dim]", "en": "[dim]{code} is already coded here[/dim]"},
    "review.added": {"sv": "[green]lade till {code}[/green]", "en": "[green]added {code}[/green]"},
    "review.nothing_to_undo": {"sv": "[dim]inget att ångra[/dim]", "en": "[dim]nothing to undo[/dim]"},
    "review.undone": {"sv": "[yellow]ångrat[/yellow]", "en": "[yellow]undone[/yellow]"},
    "review.undone_earlier": {"sv": "[yellow]ångrat[/yellow] (ett beslut från en tidigare omgång)",
                              "en": "[yellow]undone[/yellow] (a decision from an earlier session)"},
    "review.header": {"sv": " · kodare {coder} · {done}/{total} · ", "en": " · coder {coder} · {done}/{total} · "},
    "review.coded_here": {"sv": "[b]Redan kodat här:[/b] {codes}", "en": "[b]Already coded here:[/b] {codes}"},
    # ------------------------------------------------------------------ review --uncoded
    "uncoded.title": {"sv": "Okodade segment", "en": "Uncoded segments"},
    "uncoded.header": {"sv": " · kodare {coder} · {at}/{total} · tillagda {added}",
                       "en": " · coder {coder} · {at}/{total} · added {added}"},
    "uncoded.coded_here": {"sv": "[b]Kodat här:[/b] {codes}", "en": "[b]Coded here:[/b] {codes}"},
    "uncoded.keyline": {"sv": "[b]a[/b] lägg till kod · [b]s[/b]/[b]n[/b]/Enter nästa · [b]u[/b] ångra · "
                              "[b]?[/b] hjälp · [b]q[/b] avsluta",
                        "en": "[b]a[/b] add code · [b]s[/b]/[b]n[/b]/Enter next · [b]u[/b] undo · "
                              "[b]?[/b] help · [b]q[/b] quit"},
    "uncoded.help": {
        "sv": "[b]Tangenter[/b]\n"
              "  [b]a[/b]              lägg till en kod på segmentet (det maskinen missade)\n"
              "  [b]s[/b] / [b]n[/b] / [b]Enter[/b]  nästa segment\n"
              "  [b]u[/b]              ångra senaste åtgärden\n"
              "  [b]?[/b]              den här hjälpen\n"
              "  [b]q[/b]              avsluta (allt som är tillagt är redan sparat)\n"
              "Kodväljaren: skriv numret i listan, kodens id eller en del av etiketten, Enter; Esc avbryter.",
        "en": "[b]Keys[/b]\n"
              "  [b]a[/b]              add a code to the segment (what the machine missed)\n"
              "  [b]s[/b] / [b]n[/b] / [b]Enter[/b]  next segment\n"
              "  [b]u[/b]              undo the last action\n"
              "  [b]?[/b]              this help\n"
              "  [b]q[/b]              quit (everything added is already saved)\n"
              "Code picker: type the number in the list, the code's id or a piece of its label, Enter; Esc cancels."},
    "uncoded.saved": {"sv": "Sparat. {added} koder tillagda.", "en": "Saved. {added} codes added."},
    # ------------------------------------------------------------------ reconcile
    "reconcile.title": {"sv": "Samkodning", "en": "Reconciling"},
    "reconcile.header": {"sv": " → {coder} · {at}/{total} · avgjorda {settled}",
                         "en": " → {coder} · {at}/{total} · settled {settled}"},
    "reconcile.code": {"sv": "Kod: ", "en": "Code: "},
    "reconcile.coded": {"sv": "kodat", "en": "coded"},
    "reconcile.not_coded": {"sv": "inte kodat", "en": "not coded"},
    "reconcile.keyline": {"sv": "[b]y[/b] koden gäller · [b]n[/b] gäller inte · [b]1[/b]/[b]2[/b] välj kodarens · "
                                "[b]s[/b] hoppa över · [b]u[/b] ångra · [b]q[/b] avsluta",
                          "en": "[b]y[/b] the code applies · [b]n[/b] it does not · [b]1[/b]/[b]2[/b] take that coder's "
                                "view · [b]s[/b] skip · [b]u[/b] undo · [b]q[/b] quit"},
    "reconcile.unknown_key": {"sv": "[red]okänd tangent {pressed!r}[/red]", "en": "[red]unknown key {pressed!r}[/red]"},
    "reconcile.all_settled": {"sv": "[bold green]Alla oenigheter är avgjorda.[/bold green]",
                              "en": "[bold green]Every disagreement is settled.[/bold green]"},
    "reconcile.saved": {"sv": "Sparat. {settled} avgjorda.", "en": "Saved. {settled} settled."},
    # ------------------------------------------------------------------ review sheet (export and import)
    # column headers and verdict words are written in the run's language; the import reads either
    # language (and the English ids of older sheets), see qualcode.review.sheets
    "sheet.name": {"sv": "Granskning", "en": "Review"},
    "sheet.codes_name": {"sv": "Koder", "en": "Codes"},
    "sheet.col.segment": {"sv": "segment", "en": "segment"},
    "sheet.col.doc": {"sv": "dokument", "en": "doc"},
    "sheet.col.field": {"sv": "fält", "en": "field"},
    "sheet.col.code": {"sv": "kod", "en": "code"},
    "sheet.col.number": {"sv": "nummer", "en": "number"},
    "sheet.col.label": {"sv": "etikett", "en": "label"},
    "sheet.col.verdict": {"sv": "beslut", "en": "verdict"},
    "sheet.col.corrected_code": {"sv": "rättad_kod", "en": "corrected_code"},
    "sheet.col.note": {"sv": "anteckning", "en": "note"},
    "sheet.col.memo": {"sv": "memo", "en": "memo"},
    "sheet.col.coder": {"sv": "kodare", "en": "coder"},
    "sheet.col.score": {"sv": "poäng", "en": "score"},
    "sheet.col.source": {"sv": "källa", "en": "source"},
    "sheet.col.negated": {"sv": "negerat", "en": "negated"},
    "sheet.col.reason": {"sv": "skäl", "en": "reason"},
    "sheet.col.candidates": {"sv": "kandidater", "en": "candidates"},
    "sheet.col.context_before": {"sv": "före", "en": "context_before"},
    "sheet.col.text": {"sv": "text", "en": "text"},
    "sheet.col.context_after": {"sv": "efter", "en": "context_after"},
    "sheet.col.group": {"sv": "grupp", "en": "group"},
    "sheet.col.id": {"sv": "id", "en": "id"},
    "sheet.verdict.accept": {"sv": "acceptera", "en": "accept"},
    "sheet.verdict.reject": {"sv": "avvisa", "en": "reject"},
    "sheet.verdict.add": {"sv": "lägg till", "en": "add"},
    "sheet.yes": {"sv": "ja", "en": "yes"},
    "sheet.verdict_error_title": {"sv": "beslut", "en": "verdict"},
    "sheet.code_error": {"sv": "ett kod-id från bladet {sheet}", "en": "a code id from the {sheet} sheet"},
    "sheet.summary": {"sv": "{source}: {rows} rader; {recorded} beslut sparade ({verdicts}) för {coders}; "
                            "{unchanged} oförändrade, {blank} utan beslut",
                      "en": "{source}: {rows} rows; {recorded} decisions recorded ({verdicts}) for {coders}; "
                            "{unchanged} unchanged, {blank} without verdict"},
    "sheet.written": {"sv": "skrev {n} förslag till {path}", "en": "wrote {n} suggestions to {path}"},
    "sheet.none": {"sv": "inga", "en": "none"},
    "sheet.nobody": {"sv": "ingen", "en": "nobody"},
    "sheet.or": {"sv": "eller", "en": "or"},
    # ------------------------------------------------------------------ a suggestion's reason
    # reasons are stored as the suggestion source wrote them; qualcode.review.reasons rewrites
    # each known part in the run's language when the review screen or sheet shows it
    "source.rule": {"sv": "regel {kind} {value}", "en": "rule {kind} {value}"},
    "source.choice": {"sv": "svarsalternativ", "en": "answer choice"},
    "source.model": {"sv": "modell {version}", "en": "model {version}"},
    "source.base": {"sv": "basmodell {version}", "en": "base model {version}"},
    "reason.model": {"sv": "modell {version}, p={p}", "en": "model {version}, p={p}"},
    "reason.base_model": {"sv": "basmodell {version}, p={p}", "en": "base model {version}, p={p}"},
    "reason.words": {"sv": "; ord: {words}", "en": "; words: {words}"},
    "reason.kind.lemma": {"sv": "grundform", "en": "lemma"},
    "reason.kind.phrase": {"sv": "fras", "en": "phrase"},
    "reason.kind.part": {"sv": "orddel", "en": "word part"},
    "reason.kind.regex": {"sv": "mönster", "en": "pattern"},
    "reason.kind.matcher": {"sv": "ordföljd", "en": "word sequence"},
    "reason.piece": {"sv": "{kind} {value} (tecken {start}–{end})", "en": "{kind} {value} (characters {start}–{end})"},
    "reason.negated": {"sv": " (negerat)", "en": " (negated)"},
    "reason.numbers": {"sv": "nummer {numbers}", "en": "numbers {numbers}"},
    "reason.number_text_agree": {"sv": "nummer {n} och texten stämmer överens", "en": "number {n} + text agrees"},
    "reason.number_settles": {"sv": "nummer {n} avgör texten", "en": "number {n} settles text"},
    "reason.number_two_areas": {"sv": "nummer {n}, men texten nämner två områden",
                                "en": "number {n}, but text names two areas"},
    "reason.number_disagrees": {"sv": "nummer {n} stämmer inte med texten", "en": "number {n} disagrees with text"},
    "reason.not_an_area": {"sv": "nummer {n} är inget område", "en": "number {n} is not an area"},
    "reason.beats_number": {"sv": "väger tyngre än nummer {n}", "en": "beats number {n}"},
    "reason.number": {"sv": "nummer {n}", "en": "number {n}"},
    "reason.repeated": {"sv": "(upprepat)", "en": "(repeated)"},
    "reason.text": {"sv": "texten", "en": "text"},
    "reason.unclear": {"sv": "oklar", "en": "unclear"},
    "reason.no_answer": {"sv": "inget svar", "en": "no answer"},
    "reason.alias": {"sv": "alias", "en": "alias"},
    "reason.title": {"sv": "titel", "en": "title"},
    "reason.partial_title": {"sv": "del av titeln", "en": "partial title"},
    "reason.label": {"sv": "etikett", "en": "label"},
    "reason.short": {"sv": "kortnamn", "en": "short name"},
    "reason.fuzzy": {"sv": "nästan", "en": "fuzzy"},
    "reason.before": {"sv": "före", "en": "before"},
    "reason.weak": {"sv": "svag", "en": "weak"},
    "reason.words_kind": {"sv": "ord", "en": "words"},
    "reason.names_two_areas": {"sv": "nämner två områden", "en": "names two areas"},
    "reason.ambiguous": {"sv": "tvetydigt", "en": "ambiguous"},
    "reason.manual_list": {"sv": "manualens lista", "en": "the manual's list"},
    "reason.fit_several": {"sv": "orden passar flera områden", "en": "words fit several areas"},
    "reason.unmatched": {"sv": "ingen träff", "en": "unmatched"},
    "reason.no_words": {"sv": "inga ord", "en": "no words"},
    "reason.no_area_words": {"sv": "inga områdesord", "en": "no area words"},
    "reason.weak_match": {"sv": "svag träff", "en": "weak match"},
    "reason.help_to_managers": {"sv": "administrativ hjälp till chefer", "en": "administrative help to managers"},
    "reason.help_to_caseworkers": {"sv": "administrativ hjälp till handläggare",
                                   "en": "administrative help to caseworkers"},
    "reason.students_admin": {"sv": "studenter som gör administration", "en": "students doing administration"},
    "reason.support_from_manager": {"sv": "stöd från en chef", "en": "support from a manager"},
    "reason.rule": {"sv": "regel", "en": "rule"},
    # ------------------------------------------------------------------ memos
    "memo.added": {"sv": "memo {id} på {target}", "en": "memo {id} on {target}"},
    "memo.edited": {"sv": "memo {id} ändrat", "en": "memo {id} changed"},
    "memo.deleted": {"sv": "memo {id} borttaget", "en": "memo {id} removed"},
    "memo.unchanged": {"sv": "memo {id} oförändrat", "en": "memo {id} unchanged"},
    "memo.none": {"sv": "inga memon", "en": "no memos"},
    "memo.table": {"sv": "Memon", "en": "Memos"},
    "memo.columns": {"sv": "id|gäller|text|skribent|ändrat", "en": "id|about|text|author|changed"},
    "memo.unknown_author": {"sv": "okänd skribent", "en": "unknown author"},
    "memo.target.project": {"sv": "projektet", "en": "the project"},
    "memo.target.document": {"sv": "dokumentet {doc}", "en": "document {doc}"},
    "memo.target.code": {"sv": "koden {code}", "en": "code {code}"},
    "memo.target.coding": {"sv": "kodningen {code} i {doc}, segment {segment}",
                           "en": "the coding {code} in {doc}, segment {segment}"},
    "memo.from_review": {"sv": "{target} (anteckning vid granskning)", "en": "{target} (note made in review)"},
    "memo.none_found": {"sv": "inga memon ({filters})", "en": "no memos ({filters})"},
    # ------------------------------------------------------------------ docs show
    "docs.codes": {"sv": "Koder", "en": "Codes"},
    "docs.validated": {"sv": "validerad", "en": "validated"},
    "docs.suggested": {"sv": "förslag", "en": "suggestion"},
    "docs.legend": {"sv": "[reverse] kod [/reverse] = validerad kod ({coder}) · [dim]kod?[/dim] = ogranskat förslag",
                    "en": "[reverse] code [/reverse] = validated code ({coder}) · [dim]code?[/dim] = unreviewed suggestion"},
    "docs.attributes": {"sv": "Attribut", "en": "Attributes"},
    "docs.memos": {"sv": "Memon", "en": "Memos"},
    "docs.removed": {"sv": "(borttaget med docs remove)", "en": "(removed with docs remove)"},
    "docs.list_title": {"sv": "{n} dokument", "en": "{n} documents"},
    "docs.list_columns": {"sv": "id|typ|segment", "en": "id|kind|segments"},
    "docs.removed_title": {"sv": "{n} borttagna dokument", "en": "{n} removed documents"},
    "docs.removed_columns": {"sv": "id|borttaget", "en": "id|removed"},
    # ------------------------------------------------------------------ crosstab
    "crosstab.unit_interview": {"sv": "intervjuer", "en": "interviews"},
    "crosstab.unit_response": {"sv": "respondenter", "en": "respondents"},
    "crosstab.unit_segment": {"sv": "omnämnanden", "en": "mentions"},
    "crosstab.title": {"sv": "Korstabell: {unit} × {by}", "en": "Crosstab: {unit} × {by}"},
    "crosstab.n": {"sv": "n", "en": "n"},
    "crosstab.units_total": {"sv": "Antal {unit}", "en": "Number of {unit}"},
    "crosstab.chi2_small": {"sv": "{share} av de förväntade frekvenserna är under 5; testet är inte tillförlitligt",
                            "en": "{share} of expected counts are below 5; the test is unreliable"},
    "crosstab.chi2_too_few": {"sv": "för få rader eller kolumner som inte är tomma för ett chi2-test",
                              "en": "too few non-empty rows or columns for a chi-square test"},
    # ------------------------------------------------------------------ suggest and suggestions list
    # the notices qualcode.nlp.pipeline and the base-model source make when a run starts
    "suggest.nlp_blank": {"sv": "NLP: ingen tränad svensk spaCy-pipeline är installerad; använder spacy.blank('sv') "
                                "+ {lemmatizer} + delning av sammansatta ord",
                          "en": "NLP: no trained Swedish spaCy pipeline installed; using spacy.blank('sv') "
                                "+ {lemmatizer} + compound splitting"},
    "suggest.lemmatizer.lookup": {"sv": "uppslagslemmatisering (spacy-lookups-data)",
                                  "en": "lookup lemmatizer (spacy-lookups-data)"},
    "suggest.lemmatizer.simplemma": {"sv": "lemmatisering med simplemma", "en": "simplemma lemmatizer"},
    "suggest.nlp_trained": {"sv": "NLP: tränad spaCy-pipeline {name} (+ delning av sammansatta ord)",
                            "en": "NLP: trained spaCy pipeline {name} (+ compound splitting)"},
    "suggest.nlp_trained_path": {"sv": "NLP: tränad spaCy-pipeline {name} från {path} (+ delning av sammansatta ord)",
                                 "en": "NLP: trained spaCy pipeline {name} from {path} (+ compound splitting)"},
    "suggest.base_skipped": {"sv": "basmodellen {version} tränades under andra område- och temakoder; hoppades över "
                                   "(reglerna och er egen inlärda modell föreslår fortfarande)",
                             "en": "the base model {version} was trained under other area and theme codes; skipped "
                                   "(the rules and your own learned model still suggest)"},
    "suggest.codebook_change": {"sv": "kodbok: {line}", "en": "codebook: {line}"},
    "suggest.rematched": {"sv": "{field}: reglerna tillämpades igen för {codes}",
                          "en": "{field}: rules applied again for {codes}"},
    "suggest.up_to_date": {"sv": "förslagen för alla {n} segment är aktuella (inget de bygger på har ändrats; "
                                 "--force gör om dem)",
                           "en": "all {n} segments' suggestions are up to date (nothing they depend on changed; "
                                 "--force redoes them)"},
    "suggest.title": {"sv": "Förslag", "en": "Suggestions"},
    "suggest.processed": {"sv": "segment bearbetade", "en": "segments processed"},
    "suggest.tokenized": {"sv": "tokeniserade nu", "en": "tokenized now"},
    "suggest.cached": {"sv": "från cache", "en": "from the cache"},
    "suggest.current": {"sv": "redan aktuella", "en": "already up to date"},
    "suggest.rule": {"sv": "regelförslag", "en": "rule suggestions"},
    "suggest.choice": {"sv": "valförslag", "en": "choice suggestions"},
    "suggest.model": {"sv": "modellförslag", "en": "model suggestions"},
    "suggest.base": {"sv": "basmodellens förslag", "en": "base model suggestions"},
    "suggest.confident": {"sv": "med poäng ≥ {score}", "en": "scoring ≥ {score}"},
    "suggest.by_code": {"sv": "Förslag per kod", "en": "Suggestions per code"},
    "suggest.by_code_columns": {"sv": "kod|förslag", "en": "code|suggestions"},
    "suggestions.title": {"sv": "Förslag ({n})", "en": "Suggestions ({n})"},
    "suggestions.columns": {"sv": "segment|dok|kod|poäng|källa|neg|belägg|text",
                            "en": "segment|doc|code|score|source|neg|evidence|text"},
    "explain.title": {"sv": "Segment {segment} ({doc}, {field}): {text}",
                      "en": "Segment {segment} ({doc}, {field}): {text}"},
    "explain.tokens_from": {"sv": "token från", "en": "tokens from"},
    "explain.groups": {"sv": "kodgrupper", "en": "code groups"},
    "explain.tokens": {"sv": "Token", "en": "Tokens"},
    "explain.token_columns": {"sv": "#|text|lemma|delar|negerad", "en": "#|text|lemma|parts|negated"},
    "explain.matches": {"sv": "Mönster som slog till", "en": "Patterns that matched"},
    "explain.match_columns": {"sv": "kod|mönster|rad|poäng|belägg|neg|status",
                              "en": "code|pattern|line|score|evidence|neg|status"},
    "explain.veto": {"sv": "veto: {by}", "en": "veto: {by}"},
    "explain.excludes": {"sv": "exkluderar", "en": "excludes"},
    "explain.suggests": {"sv": "förslag", "en": "suggestion"},
    "explain.suggestion_columns": {"sv": "kod|källa|poäng|neg|skäl", "en": "code|source|score|neg|reason"},
    # ------------------------------------------------------------------ review accept, report, export sav
    "review.accepted": {"sv": "accepterade {n} förslag med poäng ≥ {score} som {coder}; {left} återstår att granska",
                        "en": "accepted {n} suggestions scoring >= {score} as {coder}; {left} still pending"},
    "review.would_accept": {"sv": "skulle acceptera {n} förslag med poäng ≥ {score} för {coder}",
                            "en": "would accept {n} suggestions scoring >= {score} for {coder}"},
    "code.coded": {"sv": "segment {segment}: kodade {code} som {coder}", "en": "segment {segment}: coded {code} as {coder}"},
    "code.removed": {"sv": "segment {segment}: tog bort {code} som {coder}",
                     "en": "segment {segment}: removed {code} as {coder}"},
    "code.span_coded": {"sv": "{doc} {field} {start}:{end}: kodade {code} som {coder}: {text}",
                        "en": "{doc} {field} {start}:{end}: coded {code} as {coder}: {text}"},
    "code.span_removed": {"sv": "{doc} {field} {start}:{end}: tog bort {code} som {coder}: {text}",
                          "en": "{doc} {field} {start}:{end}: removed {code} as {coder}: {text}"},
    "reconcile.adopted": {"sv": "{n} samstämmiga beslut kopierade till {coder}",
                          "en": "{n} agreed decisions copied to {coder}"},
    "report.wrote": {"sv": "skrev {tables} tabeller och {charts} diagram till {folder} (index: {md}, {html})",
                     "en": "wrote {tables} tables and {charts} charts to {folder} (index: {md}, {html})"},
    # ------------------------------------------------------------------ status: a broken codebook file
    "status.codebook_error": {"sv": "fel i kodboksfilen", "en": "codebook file error"},
    "status.todo_codebook_broken": {"sv": "går inte att läsa in: rätta filen först",
                                    "en": "cannot be loaded: fix the file first"},
    "status.fix_codebook": {"sv": "rätta kodboksfilen {path} (kontrollera med: qualcode codebook validate {path})",
                            "en": "fix the codebook file {path} (check it with: qualcode codebook validate {path})"},
    # ------------------------------------------------------------------ progress
    "progress.import": {"sv": "importerar", "en": "importing"},
    "progress.suggest": {"sv": "föreslår", "en": "suggesting"},
    "progress.learn": {"sv": "lär", "en": "learning"},
    "progress.report": {"sv": "skriver rapporten", "en": "writing the report"},
}
