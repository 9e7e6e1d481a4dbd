"""Which words stand in a negation's scope, clause by clause.

Talking about a lack is talking about the area (the manual's "topic, not achievement"), so a
negated match is still suggested; the flag only tells the reviewer. Swedish puts "inte" after
the finite verb ("lönen är inte ..."), so after such a verb the negation also covers the
clause before it.

One negation is different: a note that a topic was *not discussed* ("lön: ej diskuterat",
"lokalerna togs inte upp") says the group did not talk about it, so there is no topic to code.
``undiscussed_flags`` marks the clauses that say so; the rules drop matches in them.
"""

from __future__ import annotations

from qualcode.nlp.tokens import fold

NEG_FORWARD = frozenset(fold(w) for w in
                        "inte ej icke ingen inget inga aldrig utan varken knappast saknar saknade saknat".split())
NEG_CLAUSE = frozenset(fold(w) for w in "saknas saknades fattas fattades uteblir uteblev uteblivit".split())
# after one of these finite verbs, "inte" also covers the clause before it ("lönen är inte ...")
_V2_VERBS = frozenset(fold(w) for w in """är var har hade blir blev kan kunde får fick ska skall skulle vill
ville finns fanns går gick måste behöver behövde hinner hann fungerar fungerade räcker räckte känns kändes
""".split())
_NEG_AFTER_VERB = frozenset(fold(w) for w in "inte ej icke aldrig".split())
_SUBJECTS = frozenset(fold(w) for w in "vi de jag man hon han ni den det dom".split())  # after a fronted object
_BOUNDARY_WORDS = frozenset(fold(w) for w in "men fast medan eftersom trots dock samtidigt".split())
NEG_ANY = NEG_FORWARD | NEG_CLAUSE  # a segment without one of these has no negated token


def negation_flags(forms: list[str]) -> list[bool]:
    """Which tokens (folded forms) stand in a negation's scope, clause by clause."""
    n = len(forms)
    flags = [False] * n
    start = 0
    negated_seen = False
    for i in range(n + 1):
        f = forms[i] if i < n else "."
        boundary = (not (f.isalnum() or any(ch.isalnum() for ch in f))) or f in _BOUNDARY_WORDS \
            or (f == "utan" and negated_seen)
        if not boundary:
            if f in NEG_FORWARD or f in NEG_CLAUSE:
                negated_seen = True
            continue
        _scope(forms, start, i, flags)
        start = i + 1
        negated_seen = False
    return flags


_TALK = tuple(fold(w) for w in "diskuter berör nämn prata lyft".split())   # stems: diskuterades, berört ...
_NOT = frozenset(fold(w) for w in "inte ej icke aldrig inget ingen inga".split())
_RAISED = frozenset(fold(w) for w in "tog togs tagits tagit kom kommit".split())  # ... upp
# a point of an agenda that was not dealt with ("punkten hann inte behandlas"); whole forms, since
# the stem would take "behandling" (a client's treatment) too
_DEALT = frozenset(fold(w) for w in "behandlas behandlades behandlats avhandlades avhandlats".split())


def undiscussed_flags(forms: list[str]) -> list[bool]:
    """Tokens in a clause that says its topic was not discussed: a verb of talking with a
    negation at most two words from it ("ej diskuterat", "togs inte upp", "har inte
    diskuterats", "ingen lyfte"), with ':' and ';' not ending the clause, since terse notes
    write "lön: ej diskuterat"; a negation further off ("nämns som skäl till att man inte
    hinner") is about something else."""
    n = len(forms)
    flags = [False] * n
    start = 0
    for i in range(n + 1):
        f = forms[i] if i < n else "."
        if i < n and (f.isalnum() or any(ch.isalnum() for ch in f) or f in (":", ";")) \
                and f not in _BOUNDARY_WORDS:
            continue
        clause = forms[start:i]
        nots = [j for j, w in enumerate(clause) if w in _NOT]
        talks = [j for j, w in enumerate(clause) if w.startswith(_TALK) or w in _DEALT
                 or (w in _RAISED and "upp" in clause[j + 1:j + 3])]
        if any(abs(a - b) <= 2 for a in nots for b in talks):  # the negation is the talking verb's
            for j in range(start, i):
                flags[j] = True
        start = i + 1
    return flags


def _scope(forms: list[str], a: int, b: int, flags: list[bool]) -> None:
    for p in range(a, b):
        f = forms[p]
        if f in NEG_CLAUSE:
            for j in range(a, b):
                flags[j] = True
            return
        if f in NEG_FORWARD:
            for j in range(p + 1, b):
                flags[j] = True
            if f in _NEG_AFTER_VERB:
                # "lönen är inte …", and with the subject after the verb: "handledning har vi inte …"
                verb = p - 1 if p - 1 > a and forms[p - 1] in _V2_VERBS else \
                    p - 2 if p - 2 > a and forms[p - 1] in _SUBJECTS and forms[p - 2] in _V2_VERBS else None
                if verb is not None:
                    for j in range(a, verb):
                        flags[j] = True
            return
