"""Names as people type them: codes by id or label in any case with å/ä/ö optional, "did you
mean" for a name that matches nothing, and codebooks by name (the shipped ones are package data,
so ``init --codebook handlingsplan`` works from any folder). Imports nothing of qualcode but the
error type, so the codebook module and the CLI can both use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "_": " ", "-": " "})


def fold_name(name: str) -> str:
    """A name as compared by ``Codebook.resolve``: lower case, å/ä → a, ö → o, _ and - as space."""
    return " ".join(name.casefold().translate(_FOLD).split())


def did_you_mean(name: str, codes: list[Any], n: int = 3) -> str:
    """'; did you mean lon (Lön)?' for the codes whose id or label is closest to ``name``."""
    import difflib
    names = {}
    for c in codes:
        names.setdefault(fold_name(c.id), c)
        names.setdefault(fold_name(c.label), c)
    close = difflib.get_close_matches(fold_name(name), list(names), n=n * 2, cutoff=0.6)
    key = fold_name(name)
    close += [k for k in names if key and (k.startswith(key) or key in k.split()) and k not in close]
    picked: list[Any] = []
    for k in close:
        if names[k] not in picked:
            picked.append(names[k])
    if not picked:
        return ""
    return "; did you mean " + " or ".join(f"{c.id} ({c.label})" for c in picked[:n]) + "?"


SHIPPED_CODEBOOKS = Path(__file__).resolve().parent / "data" / "codebooks"
DEFAULT_CODEBOOK_NAME = "handlingsplan"


def shipped_codebooks() -> list[str]:
    """The names of the codebooks that come with qualcode (``init --codebook NAME``)."""
    return sorted(p.stem for p in SHIPPED_CODEBOOKS.glob("*.yaml"))


def find_codebook(name: str | Path | None = None) -> Path:
    """The codebook file ``name`` means: an existing path as given (``codebooks/handlingsplan.yaml``
    from the checkout keeps working), else a shipped codebook by name (``handlingsplan``, with or
    without .yaml, also as ``codebooks/handlingsplan.yaml`` from any folder). Default: the
    shipped handlingsplan, so ``init`` works in the researcher's own study folder."""
    if name is None or str(name) == "":
        name = DEFAULT_CODEBOOK_NAME
    given = Path(name)
    if given.is_file():
        return given
    shipped = SHIPPED_CODEBOOKS / (given.stem + ".yaml")
    if given.suffix in ("", ".yaml", ".yml") and shipped.is_file() and (
            given.parent == Path(".") or given.parent.name == "codebooks"):
        return shipped
    if given.suffix:
        return given    # load_codebook names the missing file
    raise QualcodeError(f"no codebook {str(name)!r}: not a file, and not a shipped codebook "
                        f"(shipped: {', '.join(shipped_codebooks()) or 'none'})")
