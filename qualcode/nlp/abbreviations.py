"""Short forms that social-services notes use all the time, read as the words they stand for.

A researcher's terse notes say "ss", "bitr. ec", "adm. stöd", "ärendedragn." and "utb.dagar";
the rules and the models should see socialsekreterare, biträdande enhetschef, administrativ,
ärendedragning and utbildning. The lexicon looks a form up here (with or without its full
stop) before its dictionary, so every later step gets the full word's lemma and compound parts.
A codebook can add its own (``abbreviations:``); these are the ones nobody should have to add.
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    # people and roles
    "ss": "socialsekreterare", "soc.sekr": "socialsekreterare", "socsekr": "socialsekreterare",
    "bh": "biståndshandläggare", "bhl": "biståndshandläggare", "hl": "handläggare", "hdl": "handläggare",
    "handl": "handläggare", "handlägg": "handläggare", "ec": "enhetschef", "e.c": "enhetschef",
    "bitr": "biträdande", "bitr.ec": "biträdande enhetschef", "ac": "avdelningschef", "avd.chef": "avdelningschef",
    "medarb": "medarbetare", "adm": "administrativ", "admin": "administration",
    "admn": "administration", "stud": "student", "vfu-stud": "vfu-student", "medhandl": "medhandläggare",
    "introhandl": "introhandläggare", "spec": "specialist", "sakk": "sakkunnig",
    # work
    "ärendedragn": "ärendedragning", "arendedragn": "ärendedragning", "ärendegenomg": "ärendegenomgång",
    "utr": "utredning", "utredn": "utredning", "utb": "utbildning", "fortb": "fortbildning",
    "specialistutb": "specialistutbildning", "utv": "utveckling", "org": "organisation", "omorg": "omorganisation",
    "sammanslagn": "sammanslagning", "rekr": "rekrytering", "lönesatsn": "lönesatsning",
    "återkoppl": "återkoppling", "handledn": "handledning", "arbetsbel": "arbetsbelastning",
    "ek.bistånd": "ekonomiskt bistånd", "ekb": "ekonomiskt bistånd", "fsd": "försörjningsstöd",
    "komp": "kompetens", "kompetensutv": "kompetensutveckling", "lok": "lokal", "dok": "dokumentation",
    "dubbeldok": "dubbeldokumentation",
}


def expansion(form: str) -> str | None:
    """The full word for a short form (lower case, a trailing full stop ignored), else None."""
    if not form:
        return None
    full = ABBREVIATIONS.get(form.rstrip(".")) if len(form) <= 16 else None
    return full if full != form else None
