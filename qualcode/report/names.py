"""Readable ASCII names for files and variables: "Område, längst 1" -> ``omrade_langst_1``.

Swedish letters lose their marks (å ä -> a, ö -> o) instead of becoming underscores, so a file
name still reads as the title it came from, on every file system and in every e-mail.
"""

from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "Æ": "AE", "Ø": "O", "ł": "l", "đ": "d"})


def ascii_slug(text: str, limit: int = 60) -> str:
    """Lowercase ASCII letters, digits and single underscores, at most ``limit`` characters."""
    plain = unicodedata.normalize("NFKD", str(text).translate(_EXTRA))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return slug[:limit].rstrip("_")


def unique_stem(text: str, used: set[str], fallback: str = "tabell") -> str:
    """``ascii_slug``, numbered when already taken (``omrade_2``)."""
    base = ascii_slug(text) or fallback
    stem, n = base, 2
    while stem in used:
        stem, n = f"{base}_{n}", n + 1
    used.add(stem)
    return stem
