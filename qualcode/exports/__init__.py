"""Exports of the coding itself, for other tools: every validated coding as a row
(``codings.py``) and the documents × codes 0/1 matrix for R, Excel and SPSS (``matrix.py``).

Unlike the tallies these are records, not tables: one row per coding or per document, with the
attributes beside it, so that an analysis elsewhere starts from exactly what qualcode counts.
"""

from qualcode.exports.codings import CODING_COLUMNS, coding_rows
from qualcode.exports.matrix import Matrix, code_matrix

__all__ = ["CODING_COLUMNS", "Matrix", "code_matrix", "coding_rows"]
