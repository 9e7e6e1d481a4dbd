"""Tallies: the counts and tables a researcher prints, computed from validated codes.

    from qualcode import tally
    res = tally.presence(project, by=["round"])      # or mentions, choice, crosstab, quotes …
    tables = tally.presence_tables(res, "sv")        # report.formats writes them in any format

What counts (DESIGN.md "What counts in a tally"):

- presence: a document counts once for a code if any of its segments carries it; the
  denominator is the documents in the group of the kind that has the field (``presence.py``);
- mentions: the number of coded segments (``mentions.py``);
- choice: per alternative column, respondents per area in plan order, Ej svar and
  system-missing kept apart, percent of the valid total (``choice.py``).

Each result carries ``unreviewed`` and the ``Counting`` rule it was made by (``codings.py``:
whose codings count, read where, which codes a table lists); ``scope.py`` checks the names a
caller gives and turns them into SQL; ``labels.py`` holds the words and rounding every table
shares. Imports run one way: labels, scope ← codings ← the tallies ← crosstab. The function of the
same name shadows the module here (``tally.presence`` is the function): import a module's
helpers from the module's full path.
"""

from qualcode.tally.attributes import attribute_counts, attribute_table
from qualcode.tally.choice import Choice, choice, choice_tables
from qualcode.tally.codings import CONSENSUS_CODER, PREVIEW_THRESHOLD, Counting, note_line, resolve_coder
from qualcode.tally.crosstab import Crosstab, crosstab, crosstab_tables
from qualcode.tally.labels import LABELS, format_number, group_label, labels, percent, row_title
from qualcode.tally.mentions import Mentions, mentions, mentions_tables
from qualcode.tally.presence import Presence, presence, presence_cell, presence_sentence, presence_tables
from qualcode.tally.quotes import quotes, quotes_table
from qualcode.tally.scope import check_attributes

__all__ = [
    "CONSENSUS_CODER", "LABELS", "PREVIEW_THRESHOLD", "Choice", "Counting", "Crosstab", "Mentions", "Presence",
    "attribute_counts", "attribute_table", "check_attributes", "choice", "choice_tables", "crosstab",
    "crosstab_tables", "format_number", "group_label", "labels", "mentions", "mentions_tables", "note_line",
    "percent", "presence", "presence_cell", "presence_sentence", "presence_tables", "quotes", "quotes_table",
    "resolve_coder", "row_title",
]
