"""One language per run: the messages a person reads, from one catalogue.

The language is chosen once, by ``--lang`` or ``QUALCODE_LANG`` (sv or en; Swedish when neither
is given, since the report is Swedish), and everything that run prints follows it: messages,
the review screen and its reasons, and how numbers are written (``number``: a decimal comma in
Swedish). Strings live in ``catalogue.MESSAGES`` keyed by a short name with one text per
language, so a test can check that both languages say everything, and nothing a screen shows is
a literal scattered through the code.

    from qualcode.i18n import t, number, set_language
    set_language("en")
    t("review.score", score=number(0.95, 2))   # 'score 0.95'
"""

from __future__ import annotations

import os

from qualcode.errors import QualcodeError
from qualcode.i18n.catalogue import MESSAGES

LANGUAGES = ("sv", "en")
_current: list[str] = []


def check_language(lang: str) -> str:
    lang = (lang or "").strip().lower()
    if lang not in LANGUAGES:
        raise QualcodeError(f"unknown language {lang!r} (use sv or en)")
    return lang


def set_language(lang: str | None) -> str:
    """Fix the run's language: ``lang``, else $QUALCODE_LANG, else Swedish."""
    chosen = check_language(lang or os.environ.get("QUALCODE_LANG") or "sv")
    _current[:] = [chosen]
    return chosen


def language() -> str:
    """The run's language (set_language's choice, else $QUALCODE_LANG, else sv)."""
    if not _current:
        env = (os.environ.get("QUALCODE_LANG") or "sv").strip().lower()
        return env if env in LANGUAGES else "sv"
    return _current[0]


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message ``key`` in the run's language (or ``lang``), with ``values`` filled in."""
    try:
        text = MESSAGES[key][lang or language()]
    except KeyError:
        raise KeyError(f"message {key!r} missing from the catalogue for {lang or language()!r}") from None
    return text.format(**values) if values else text


def number(value: float | None, decimals: int = 2, lang: str | None = None) -> str:
    """A number as the run's language writes it: 0,95 in Swedish, 0.95 in English."""
    if value is None:
        return ""
    s = f"{value:.{decimals}f}"
    return s.replace(".", ",") if (lang or language()) == "sv" else s
