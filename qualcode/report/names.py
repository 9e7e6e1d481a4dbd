"""Readable ASCII names for files and variables: "Område, längst 1" -> ``omrade_langst_1``.

Swedish letters lose their marks (å ä -> a, ö -> o) instead of becoming underscores, so a file
name still reads as the title it came from, on every file system and in every e-mail.
"""

from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "Æ": "AE", "Ø": "O", "ł": "l", "đ": "d"})


def ascii_slug(text: str, limit: int = 60) -> str:
    """Lowercase ASCII letters, digits and single underscores, at most ``limit`` characters.

    A longer name is cut between words, never inside one ("omrade_langst", not "omrade_lan"),
    unless its first word alone is longer than ``limit``."""
    plain = unicodedata.normalize("NFKD", str(text).translate(_EXTRA))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rfind("_")
    return (slug[:cut] if cut > 0 else slug[:limit]).rstrip("_")


FILE_STEM_LIMIT = 48   # a file name that still fits a file dialog's column


def unique_stem(text: str, used: set[str], fallback: str = "tabell", limit: int = FILE_STEM_LIMIT) -> str:
    """``ascii_slug`` of ``text``, numbered when already taken (``omrade_langst_2``); the name
    is added to ``used``. The same texts in the same order give the same names on every run."""
    base = ascii_slug(text, limit) or fallback
    stem, n = base, 2
    while stem in used:
        stem, n = f"{base}_{n}", n + 1
    used.add(stem)
    return stem


# Words a sheet name can do without when it must shrink to Excel's 31 characters: the contents
# sheet gives the full title, so "Enkätsvar roll (ht2018)" is enough to find the table.
_FILLER = {"per", "av", "och", "i", "för", "till", "från", "om", "med", "som", "den", "det", "de", "på",
           "the", "of", "by", "and", "for", "to", "in", "from", "with", "–", "—", "-", ":", ","}
_TAIL = re.compile(r"^(.*?)\s*(\([^()]{1,20}\))$")
_NOT_IN_SHEET_NAMES = str.maketrans({"/": "-", "\\": "-", ":": " ", "[": "(", "]": ")", "*": " ", "?": " ",
                                     "'": ""})


def sheet_name(title: str, used: set[str], limit: int = 31, fallback: str = "Tabell") -> str:
    """A readable, unique (ignoring case, as Excel compares) sheet name within ``limit``
    characters, made of whole words of ``title``: filler words go first, then a trailing
    "(enkat=ht2018)" becomes "(ht2018)", then words from the end give way to "…". A name already
    taken tries the title's last words ("Antal… langst_2, langst_3"), where sibling titles
    differ, and then gets " (2)". Only a first word longer than the limit is ever cut.
    The name is added to ``used``."""
    clean = " ".join(str(title).translate(_NOT_IN_SHEET_NAMES).split()).strip("' ") or fallback
    best, ends = _short_forms(clean, limit)
    n = 2
    for cand in [best, *(ends if best != clean else [])]:
        if cand.lower() not in used:
            break
    else:
        while True:
            suffix = f" ({n})"
            cand = _short_forms(clean, limit - len(suffix))[0] + suffix
            if cand.lower() not in used:
                break
            n += 1
    used.add(cand.lower())
    return cand


def _short_forms(text: str, limit: int) -> tuple[str, list[str]]:
    """The best rendering of ``text`` within ``limit`` and the ones that keep its last words."""
    m = _TAIL.match(text)
    head, tail = (m.group(1), m.group(2)) if m and m.group(1) else (text, "")
    tails = [tail] + ([re.sub(r"\(\s*[^()=]*=\s*", "(", tail)] if "=" in tail else [])
    words = _words(head)
    lean = words[:1] + [w for w in words[1:] if w.lower().rstrip(",") not in _FILLER]
    forms = [text] + [_join(lean, t) for t in tails]
    forms += [_join(lean[:k], t, cut=True) for t in tails for k in range(len(lean) - 1, 0, -1)]
    forms.append(text[:limit - 1].rstrip() + "…")   # one word longer than the limit: the only cut
    ends = [_join(lean[:1] + lean[-j:], t, gap=True) for t in tails for j in range(len(lean) - 2, 0, -1)]
    fit = [f for f in forms if len(f) <= limit and f.count("(") <= f.count(")")]   # no "(" left open
    return (fit or forms[-1:])[0], [f for f in ends if len(f) <= limit and f.count("(") <= f.count(")")]


def _words(text: str) -> list[str]:
    """Words split at spaces and after hyphens ("Mentorskap-", "introduktion")."""
    return [w for w in re.split(r"(?<=-)|\s+", text) if w]


def _join(words: list[str], tail: str, cut: bool = False, gap: bool = False) -> str:
    out = ""
    for i, w in enumerate(words):
        if gap and i == 1:
            out += "…"
        out += w if not out or out.endswith("-") else " " + w
    out = out.rstrip(" ,–-") + ("…" if cut else "")
    return f"{out} {tail}" if tail else out
