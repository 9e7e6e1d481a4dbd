"""A suggestion's reason and source as the review shows them: in the run's language, numbers its way.

Suggestion sources store a short reason with each suggestion when ``suggest`` runs ("number 6 +
text agrees (alias 'studenter')", "part=lokal@4-11 (negated)", "basmodell b1, p=0.58"), so the
stored text is in whatever words its source used. The review screen and sheet must not show
English beside Swedish, so ``reason_text`` rewrites every known part of a reason from the
catalogue (``reason.*``) at display time. What a respondent wrote (quoted text) and a rule's
pattern are kept as they are; a part no source writes any more passes through unchanged.
"""

from __future__ import annotations

import re
from typing import Callable

from qualcode.i18n import number, t

# a rule's evidence: kind=value@start-end, optionally negated; several joined by "; "
_PIECE = re.compile(r"\b(lemma|phrase|part|regex|matcher)=(.*?)@(\d+)-(\d+)( \(negated\))?(?=; |\)|$)")
# the learned model (modell) and the shipped base model (basmodell)
_MODEL = re.compile(r"^(bas)?modell (\S+), p=(\d+(?:\.\d+)?)(?:; ord: (.*))?$")
_QUOTED = re.compile(r"'[^']*'")

N = r"(?P<n>\d+)"
# fixed parts of the choice readers' reasons (qualcode.suggest.choices, answer_rules), most specific first
_PARTS: list[tuple[re.Pattern[str], str]] = [(re.compile(rx), key) for rx, key in [
    (r"\bnumbers (?P<numbers>\d+(?:, \d+)+)", "reason.numbers"),
    (rf"\bnumber {N} \+ text agrees", "reason.number_text_agree"),
    (rf"\bnumber {N} settles text", "reason.number_settles"),
    (rf"\bnumber {N}, but text names two areas", "reason.number_two_areas"),
    (rf"\bnumber {N} disagrees with text", "reason.number_disagrees"),
    (rf"\bnumber {N} is not an area", "reason.not_an_area"),
    (rf"\bbeats number {N}", "reason.beats_number"),
    (rf"\bnumber {N}", "reason.number"),
    (r"\(repeated\)", "reason.repeated"),
    (r"\bpartial title\b", "reason.partial_title"),
    (r"\btitle\b", "reason.title"),
    (r"\balias\b", "reason.alias"),
    (r"\bno answer\b", "reason.no_answer"),
    (r"\bnames two areas\b", "reason.names_two_areas"),
    (r"\bwords fit several areas\b", "reason.fit_several"),
    (r"\bthe manual's list\b", "reason.manual_list"),
    (r"\bambiguous\b", "reason.ambiguous"),
    (r"\bno area words\b", "reason.no_area_words"),
    (r"\bno words\b", "reason.no_words"),
    (r"\bweak match\b", "reason.weak_match"),
    (r"\bunmatched\b", "reason.unmatched"),
    (r"\bweak\b", "reason.weak"),
    (r"\bfuzzy\b", "reason.fuzzy"),
    (r"\bbefore\b", "reason.before"),
    (r"\bunclear\b", "reason.unclear"),
    (r"\badministrative help to managers\b", "reason.help_to_managers"),
    (r"\badministrative help to caseworkers\b", "reason.help_to_caseworkers"),
    (r"\bstudents doing administration\b", "reason.students_admin"),
    (r"\bsupport from a manager\b", "reason.support_from_manager"),
    (r"\bwords\b", "reason.words_kind"),
    (r"\btext\b", "reason.text"),
    (r"\brule\b", "reason.rule"),
]]


def reason_text(reason: str | None, lang: str | None = None) -> str:
    """``reason`` as a person reads it in ``lang`` (default: the run's language)."""
    if not reason:
        return ""
    m = _MODEL.match(reason.strip())
    if m:
        return _model(m, lang)
    kept: list[str] = []

    def keep(text: str) -> str:
        kept.append(text)
        return f"\x00{len(kept) - 1}\x00"

    text = _PIECE.sub(lambda m: keep(_piece(m, lang)), reason)
    text = _QUOTED.sub(lambda m: keep(m.group(0)), text)
    for rx, key in _PARTS:
        text = rx.sub(_filler(key, lang, keep), text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def source_text(source: str, lang: str | None = None) -> str:
    """A suggestion source's id (``rule:lemma=lön``, ``choice``, ``model:v3``, ``base:b1``) as the
    review screen names it in ``lang``; an id of another kind is shown as it is."""
    kind, _, rest = source.partition(":")
    piece = re.fullmatch(r"(lemma|phrase|part|regex|matcher)=(.*)", rest, re.DOTALL) if kind == "rule" else None
    if piece:
        return t("source.rule", lang, kind=t(f"reason.kind.{piece.group(1)}", lang), value=piece.group(2))
    if source == "choice":
        return t("source.choice", lang)
    if kind in ("model", "base") and rest:
        return t(f"source.{kind}", lang, version=rest)
    return source


def _filler(key: str, lang: str | None, keep: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
    # the replacement is kept aside at once, so a later, shorter part cannot rewrite it again
    return lambda m: keep(t(key, lang, **m.groupdict()) if m.groupdict() else t(key, lang))


def _piece(m: re.Match[str], lang: str | None) -> str:
    kind, value, start, end, negated = m.groups()
    shown = t("reason.piece", lang, kind=t(f"reason.kind.{kind}", lang), value=value, start=start, end=end)
    return shown + (t("reason.negated", lang) if negated else "")


def _model(m: re.Match[str], lang: str | None) -> str:
    base, version, p, words = m.groups()
    text = t("reason.base_model" if base else "reason.model", lang, version=version,
             p=number(float(p), 2, lang))
    return text + (t("reason.words", lang, words=words) if words else "")
