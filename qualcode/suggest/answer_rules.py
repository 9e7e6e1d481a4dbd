"""The coding manual's rules for free-text area answers, beyond matching words to areas.

A careful coder reads "adm stöd" as area 6 *or* 7, "administratör åt enhetschefen" as 7 because
of who receives the help, "kortare väg till chefen" as 5 because the relation is support *from*
a manager, and "alla" as no answer at all. These are rules about classes of answers (the
manual's section "Free-text area answers"), so they live here as small tables keyed by area
number, applied by ``ChoiceNormaliser`` before and after its word matching.
"""

from __future__ import annotations

import re
from typing import Any

from qualcode.codebook import Code, Codebook
from qualcode.suggest.choice_text import ChoiceResult, tokens

# whole answers that mean "no answer" besides those in choice_text.NO_ANSWER (folded forms)
NOT_AN_ANSWER_RE = re.compile(
    r"^(?:(?:alla|allt|allihop|samtliga)(?:\s+(?:omraden|punkter|delar|ovan|\d{1,2}|behover|maste|kan|ska|bor)\b.*)?"
    r"|hela planen|allt i planen|inget sarskilt|vet inte riktigt|ingen speciell)[.!]*$")

# The manual's ambiguity list: answers a careful coder cannot settle from the text alone.
# folded answer (content words only) -> (preferred area, the other candidate areas)
AMBIGUOUS: dict[str, tuple[int, tuple[int, ...]]] = {}
for _words, _areas in [
        ("administrativt stod|adm stod|admin stod|administration|administrativt|adm|mer adm stod|battre adm stod"
         "|administrativ avlastning|administrativ hjalp|adm hjalp", (6, 7)),
        ("stod|mer stod|battre stod|stodet", (6, 7, 5)),
        ("chefsstod|stod till chef|stod chef|chefstod", (5, 7)),
        ("aterkoppling|feedback|aterkoppl", (1, 5)),
        ("delaktighet|mer delaktighet|inflytande", (1, 14)),
        ("handledning|mer handledning|handl", (8, 14)),
        ("kompetens|kompetenshojning", (10, 4)),
        ("utbildning|utbildningar|mer utbildning|utb", (10, 2)),
        ("lokalt|lokala", (4, 13)),
        ("chefstathet|fler chefer|fler bitr chefer|fler biträdande chefer|bitr ec|bitr chefer|fler bitr ec"
         "|biträdande chefer|fler biträdande enhetschefer|bitr enhetschef", (5, 3)),
        ("it|it system|it-system|system|datasystem|verksamhetssystem|it stod|digitala system|digitalisering", (13, 14)),
]:
    for _w in _words.split("|"):
        AMBIGUOUS[_w.replace("ä", "a").replace("å", "a").replace("ö", "o")] = (_areas[0], _areas[1:])

# Who receives administrative help decides 6 against 7 (folded words).
TO_MANAGERS = frozenset("chef chefer chefen cheferna chefernas ec enhetschef enhetschefen enhetschefer "
                        "enhetscheferna ledning ledningen ledare avdelningschef bitr ch chefs".split())
TO_CASEWORKERS = frozenset("handlaggare handlaggarna handlaggaren ss socialsekreterare socialsekreterarna "
                           "bh hl bistandshandlaggare bistandshandlaggarna oss medarbetare medarbetarna".split())
ADMIN_WORDS = re.compile(r"\b(?:adm\w*|administr\w*|assistent\w*|sekreterare|attest\w*|schema\w*|"
                         r"fakturor\w*|skanning|skanna|arkiv\w*|registrer\w*|protokoll\w*|rekryteringsadm\w*)")
# Support from a manager (the relation) decides 5 against 7.
FROM_MANAGER = re.compile(r"\b(?:kortare vag|narvarande|nara|narmare|tillganglig\w*|sitter med|ser oss|"
                          r"feedback|aterkoppling|enskilda samtal|samtal med|lyssnar|stottar|stottande|"
                          r"uppmuntran|uppmuntrar|ser och|ser oss|finns pa plats|tid for oss)\b")
MANAGER = re.compile(r"\b(?:chef\w*|ec|ledning\w*|ledare)\b")


def recipient(folded_words: list[str]) -> int | None:
    """6 or 7 by who receives administrative help, when the answer says; else None."""
    mgr = any(w in TO_MANAGERS for w in folded_words)
    cw = any(w in TO_CASEWORKERS for w in folded_words)
    if mgr and not cw:
        return 7
    if cw and not mgr:
        return 6
    return None


class ManualRules:
    """The rules above, applied for a codebook that numbers the plan's areas 1–14."""

    def __init__(self, codebook: Codebook, codes: list[Code], by_number: dict[int, Code]) -> None:
        self.codebook, self.codes, self.by_number = codebook, codes, by_number
        self._rules: tuple[Any, Any] | None = None

    def ambiguous(self, f: str, shown: str) -> ChoiceResult | None:
        """The manual's ambiguity list: low score, the candidates shown."""
        key = " ".join(re.sub(r"[^\w ]", " ", f).split())
        if key not in AMBIGUOUS:
            return None
        first, others = AMBIGUOUS[key]
        ids = [self.by_number[n].id for n in (first, *others) if n in self.by_number]
        return ChoiceResult(ids[0], 0.45, f"ambiguous '{shown}' (the manual's list)", candidates=tuple(ids[1:]),
                            flags=("ambiguous",))

    def settle(self, r: ChoiceResult, f: str) -> ChoiceResult:
        """The recipient decides 6 against 7; support *from* a manager is 5, not 7; students
        hired to take over administration are 6."""
        six, seven, five, eleven = (self.by_number[n] for n in (6, 7, 5, 11))
        admin = ADMIN_WORDS.search(f) is not None
        if admin and "two_areas" not in r.flags and (r.code in (six.id, seven.id)
                                                     or {six.id, seven.id} & set(r.candidates)):
            to = recipient(tokens(f))
            if to is not None:
                cid = self.by_number[to].id
                return ChoiceResult(cid, max(0.9, r.score if r.code == cid else 0.0),
                                    f"administrative help to {'managers' if to == 7 else 'caseworkers'} ({r.reason})")
        if admin and r.code == eleven.id:
            return ChoiceResult(six.id, 0.85, f"students doing administration ({r.reason})", candidates=(eleven.id,))
        if not admin and MANAGER.search(f) and FROM_MANAGER.search(f) and r.code != five.id:
            return ChoiceResult(five.id, 0.85, f"support from a manager ({r.reason})",
                                candidates=(r.code,) if r.code else ())
        return r

    def by_rules(self, shown: str, fallback: ChoiceResult) -> ChoiceResult:
        """A paraphrase the words do not settle ("få bolla ärenden med en kollega"): the
        codebook's rules, which read lemmas, compounds and concept patterns, decide when they
        point at exactly one area. The pipeline loads only when a cell needs it."""
        if self._rules is None:
            from qualcode.nlp.pipeline import Pipeline, choose_pipeline
            from qualcode.suggest.rules import RuleSet
            self._rules = (Pipeline(choose_pipeline(None, None, "lookup"), "lookup"),
                           RuleSet(self.codebook, [c.id for c in self.codes], {}))
        pipe, rules = self._rules
        stream = next(iter(pipe.process([shown])))
        hits = sorted((h for h in rules.apply(stream, shown) if h.score >= 0.6), key=lambda h: -h.score)
        if not hits or (len(hits) > 1 and hits[1].score >= hits[0].score - 0.05):
            return fallback
        if hits[0].code == fallback.code:
            return ChoiceResult(fallback.code, max(fallback.score, round(min(0.85, hits[0].score), 3)),
                                f"{fallback.reason}; rule {hits[0].reason}")
        if fallback.score >= 0.6 and "unmatched" not in fallback.flags and hits[0].score < 0.75 + (fallback.score - 0.6):
            return fallback
        return ChoiceResult(hits[0].code, round(min(0.85, hits[0].score), 3), f"rule {hits[0].reason}",
                            candidates=tuple(h.code for h in hits[1:3]))
