"""Which of a codebook's own abbreviations and synonyms the project's text ever uses.

A researcher adds "dbm: dubbelbemanning" or a synonym for a code because she believes her notes
say it; one that never occurs is a typo or a guess, and she should hear so. The check reads the
project's token cache (forms, lemmas and compound parts, folded), so it runs no NLP.
"""

from __future__ import annotations

from typing import Any

from qualcode.codebook import Codebook
from qualcode.nlp.tokens import fold


def unused_words(project: Any, codebook: Codebook) -> dict[str, list[str]]:
    """{"abbreviations": [short forms never seen], "synonyms": ["code: word", ...]} over the
    project's tokenized segments (run ``suggest`` first so the cache holds them)."""
    keys: set[str] = set()
    for form, lemma, parts in project.conn.execute("SELECT form, lemma, parts FROM token_types"):
        keys.update(fold(x) for x in (form.rstrip("."), lemma) if x)
        keys.update(fold(p) for p in (parts or "").split("+") if p)
    texts = None
    unused_syn = []
    for cid, words in codebook.synonyms.items():
        for w in words:
            if " " not in w:
                found = fold(w.lower()) in keys
            else:
                if texts is None:
                    texts = [fold(t.lower()) for (t,) in project.conn.execute("SELECT text FROM segments WHERE retired = 0")]
                found = any(fold(w.lower()) in t for t in texts)
            if not found:
                unused_syn.append(f"{cid}: {w}")
    return {"abbreviations": sorted(a for a in codebook.abbreviations if fold(a) not in keys),
            "synonyms": unused_syn}
