"""DataFrames for analysts: documents, segments, codings, suggestions and tally results."""

from __future__ import annotations

import pandas as pd

from qualcode import Project, frames
from qualcode import tally as T

from .test_tally import build


def test_documents_have_ordered_categorical_attributes(project: Project) -> None:
    build(project)
    from qualcode.variables import store_value_labels
    with project.transaction() as conn:
        store_value_labels(conn, "round", [("1", "ht2016"), ("2", "vt2017"), ("3", "ht2017")])
    docs = frames.documents(project, kind="interview")
    assert len(docs) == 10 and docs["round"].dtype == "category" and docs["round"].cat.ordered
    assert list(docs["round"].cat.categories) == ["ht2016", "vt2017", "ht2017"]
    assert list(docs.groupby("round", observed=True).size()) == [2, 5, 3]


def test_segments_codings_and_suggestions(project: Project) -> None:
    build(project)
    segs = frames.segments(project)
    assert {"segment", "doc", "field", "text"} <= set(segs.columns) and len(segs) > 10
    coded = frames.codings(project, coder="anna")
    adm = coded[(coded.code == "adm_stod_handlaggare") & (coded.field == "notes")]
    assert adm.doc.nunique() == 4 and set(adm.columns) >= {"label", "number", "code_group", "round", "group"}
    sugg = frames.suggestions(project)
    assert {"code", "score", "doc"} <= set(sugg.columns) and len(sugg) >= 3


def test_tally_results_as_frames(project: Project) -> None:
    build(project)
    pres = frames.tally(T.presence(project, by=["round"], codes=["adm_stod_handlaggare"], coder="anna"))
    assert set(pres["round"]) == {"ht2016", "vt2017", "ht2017"}
    assert int(pres.loc[pres["round"] == "vt2017", "documents"].iloc[0]) == 3
    ch = frames.tally(T.choice(project, ["langst_1"], coder="anna"))
    assert int(ch.loc[ch.label == "Ej svar", "count"].iloc[0]) == 2
    assert int(ch.loc[ch.label == "Ej granskade", "count"].iloc[0]) == 1   # r5: suggested, not decided
    assert int(ch.loc[ch.label == "Total", "count"].iloc[0]) == 7
    assert isinstance(frames.tally(T.mentions(project, groups=["fraga2a"], fields=["fraga_2a"], coder="anna")),
                      pd.DataFrame)
