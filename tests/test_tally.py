"""Tallies on a small project whose every count is known by construction.

The fixture (``build``):

interviews (notes, sentence segments)      round   group        codings by anna
  i1  3 segments                           vt2017  medarbetare  adm_stod_handlaggare on segments 0 and 1, introduktion on 2
  i2, i3                                   vt2017  chefer       adm_stod_handlaggare
  i4, i5                                   vt2017  medarbetare  —
  j1                                       ht2017  chefer       adm_stod_handlaggare
  j2, j3                                   ht2017  medarbetare  —
  k1, k2                                   ht2016  chefer       — (k1: suggestion adm 0.7; k2: suggestion introduktion 0.3)

responses   verksamhet roll   langst_1 (coded)                     langst_2        fraga_2a
  r1        BOU      chef     "6"  adm_stod_handlaggare             "2" introduktion "rutiner" f2a_rutiner
  r2        BOU      medarb.  "2"  introduktion                     "" (blank)       "rutiner" f2a_rutiner
  r3        Ek       chef     "2"  introduktion                     missing          "admin" f2a_adm_stod
  r4        Ek       medarb.  "" blank                              missing          "adm" f2a_adm_stod
  r5        Ek       chef     "vet ej" uncoded; suggestion ovrigt 0.6  missing        "fler" f2a_fler_handlaggare
  r6        BOU      medarb.  "6 och 2": both codes                 missing          missing
  r7        BOU      chef     missing (no segment)                  "" (blank)       missing
  r9        BOU      chef     (no cell at all: not a respondent of the choice questions)
  r8        (blank)  medarb.  "3": accepted, later rejected; suggestion antal_medarbetare 0.9

So langst_1: total 7 (r7 missing), 6 → 2, 2 → 3, Ej svar 2 (r4 blank, r8 rejected), Ej granskade 1
(r5: a suggestion nobody decided on is not yet an answer of any kind).
"""

from __future__ import annotations

import json

import pytest

from qualcode import Project, QualcodeError
from qualcode import tally as T
from qualcode.ingest.write import DocumentRecord, ImportBatch, SegmentRecord
from qualcode.store.db import now

INTERVIEWS = [
    ("i1", "vt2017", "medarbetare", 3), ("i2", "vt2017", "chefer", 2), ("i3", "vt2017", "chefer", 2),
    ("i4", "vt2017", "medarbetare", 2), ("i5", "vt2017", "medarbetare", 1),
    ("j1", "ht2017", "chefer", 2), ("j2", "ht2017", "medarbetare", 1), ("j3", "ht2017", "medarbetare", 1),
    ("k1", "ht2016", "chefer", 1), ("k2", "ht2016", "chefer", 1),
]
MISSING = object()
RESPONSES = [  # id, verksamhet, roll, langst_1, langst_2, fraga_2a
    ("r1", "BOU", "chef", "6", "2", "Nya rutiner"),
    ("r2", "BOU", "medarbetare", "2", "", "Bättre rutiner"),
    ("r3", "Ek", "chef", "2", MISSING, "Administratör"),
    ("r4", "Ek", "medarbetare", "", MISSING, "adm stöd"),
    ("r5", "Ek", "chef", "vet ej", MISSING, "fler handläggare"),
    ("r6", "BOU", "medarbetare", "6 och 2", MISSING, MISSING),
    ("r7", "BOU", "chef", MISSING, "", MISSING),
    ("r8", None, "medarbetare", "3", MISSING, MISSING),
    ("r9", "BOU", "chef", MISSING, MISSING, "kommentar från en annan enkät"),
]


def seg(p: Project, doc: str, field: str, position: int = 0) -> int:
    row = p.conn.execute("SELECT id FROM segments WHERE doc = ? AND field = ? ORDER BY position LIMIT 1 OFFSET ?",
                         (doc, field, position)).fetchone()
    assert row is not None, (doc, field, position)
    return row[0]


def decide(p: Project, doc: str, field: str, code: str, verdict: str = "accept", coder: str = "anna",
           position: int = 0) -> None:
    with p.transaction():
        p.conn.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?,?,?,?,?)",
                       (seg(p, doc, field, position), code, coder, verdict, now()))


def suggest(p: Project, doc: str, field: str, code: str, score: float, position: int = 0) -> None:
    with p.transaction():
        p.conn.execute("INSERT INTO suggestions(segment, code, source, score, created_at) VALUES (?,?,?,?,?)",
                       (seg(p, doc, field, position), code, "rule:test", score, now()))


def build(p: Project) -> Project:
    docs = []
    for doc_id, rnd, group, n in INTERVIEWS:
        text = " ".join(f"Mening {i}." for i in range(n))
        segs, pos = [], 0
        for i in range(n):
            s = f"Mening {i}."
            segs.append(SegmentRecord("notes", pos, pos + len(s), s))
            pos += len(s) + 1
        docs.append(DocumentRecord(doc_id, "interview", f"{doc_id}.md", {"round": rnd, "group": group}, segs, text))
    p._import(ImportBatch("notes", docs, {"notes": ("notes", None)}))
    docs = []
    for rid, verks, roll, l1, l2, f2a in RESPONSES:
        segs = [SegmentRecord(name, 0, len(v), v) for name, v in (("langst_1", l1), ("langst_2", l2), ("fraga_2a", f2a))
                if v is not MISSING]
        docs.append(DocumentRecord(rid, "response", "survey.csv", {"verksamhet": verks, "roll": roll}, segs))
    p._import(ImportBatch("survey.csv", docs, {"langst_1": ("choice", "fokusomrade"),
                                               "langst_2": ("choice", "fokusomrade"), "fraga_2a": ("text", None)}))
    adm, intro = "adm_stod_handlaggare", "introduktion"
    decide(p, "i1", "notes", adm, position=0)
    decide(p, "i1", "notes", adm, position=1)
    decide(p, "i1", "notes", intro, position=2)
    decide(p, "i2", "notes", adm)
    decide(p, "i3", "notes", adm, verdict="add")
    decide(p, "j1", "notes", adm)
    suggest(p, "k1", "notes", adm, 0.7)
    suggest(p, "k2", "notes", intro, 0.3)
    decide(p, "r1", "langst_1", adm)
    decide(p, "r2", "langst_1", intro)
    decide(p, "r3", "langst_1", intro)
    suggest(p, "r5", "langst_1", "ovrigt", 0.6)
    decide(p, "r6", "langst_1", adm)
    decide(p, "r6", "langst_1", intro, verdict="add")
    decide(p, "r8", "langst_1", "antal_medarbetare")
    suggest(p, "r8", "langst_1", "antal_medarbetare", 0.9)
    decide(p, "r8", "langst_1", "antal_medarbetare", verdict="reject")
    decide(p, "r1", "langst_2", intro)
    for rid, code in (("r1", "f2a_rutiner"), ("r2", "f2a_rutiner"), ("r3", "f2a_adm_stod"), ("r4", "f2a_adm_stod"),
                      ("r5", "f2a_fler_handlaggare")):
        decide(p, rid, "fraga_2a", code)
    return p


@pytest.fixture
def fx(project: Project) -> Project:
    return build(project)


def cell(res: T.Presence, code: str, **group: str) -> tuple[int, int]:
    row = next(r for r in res.rows if r["code"] == code and r["group"] == group)
    return row["documents"], row["of"]


# ----------------------------------------------------------------------------- presence

def test_presence_counts_documents_once_per_group(fx: Project) -> None:
    res = T.presence(fx, by=["round"], groups=["fokusomrade"])
    assert cell(res, "adm_stod_handlaggare", round="vt2017") == (3, 5)   # i1 twice, counted once
    assert cell(res, "adm_stod_handlaggare", round="ht2017") == (1, 3)
    assert cell(res, "adm_stod_handlaggare", round="ht2016") == (0, 2)   # group with no codings: a zero row
    assert cell(res, "introduktion", round="vt2017") == (1, 5)
    assert cell(res, "medhandlaggarskap", round="vt2017") == (0, 5)
    assert len(res.rows) == 14 * 3
    total = next(t for t in res.totals if t["code"] == "adm_stod_handlaggare")
    assert (total["documents"], total["of"]) == (4, 10)


def test_presence_unreviewed_and_suggestions_only_in_preview(fx: Project) -> None:
    res = T.presence(fx, by=["round"], groups=["fokusomrade"])
    assert res.unreviewed == 2                      # k1 (0.7) and k2 (0.3); survey suggestions are out of scope
    prev = T.presence(fx, by=["round"], groups=["fokusomrade"], include_suggestions=True)
    assert cell(prev, "adm_stod_handlaggare", round="ht2016") == (1, 2)   # 0.7 counts in the preview
    assert cell(prev, "introduktion", round="ht2016") == (0, 2)           # 0.3 does not


def test_presence_where_and_two_by(fx: Project) -> None:
    res = T.presence(fx, codes=["adm_stod_handlaggare"], where={"round": "vt2017"}, by=["group"])
    assert cell(res, "adm_stod_handlaggare", group="chefer") == (2, 2)
    assert cell(res, "adm_stod_handlaggare", group="medarbetare") == (1, 3)
    two = T.presence(fx, codes=["adm_stod_handlaggare"], by=["round", "group"])
    assert cell(two, "adm_stod_handlaggare", round="ht2017", group="chefer") == (1, 1)
    assert {tuple(g["group"].values()) for g in two.groups} == {
        ("ht2016", "chefer"), ("ht2017", "chefer"), ("ht2017", "medarbetare"),
        ("vt2017", "chefer"), ("vt2017", "medarbetare")}


def test_presence_default_codes_are_groups_in_use(fx: Project) -> None:
    res = T.presence(fx)
    assert res.kind == "interview"
    assert {r["code"] for r in res.totals} == {c.id for c in fx.codebook.in_group("fokusomrade")}


def test_presence_of_a_survey_field_counts_only_respondents_with_a_cell(fx: Project) -> None:
    res = T.presence(fx, fields=["fraga_2a"], codes=["f2a_adm_stod"], by=["verksamhet"])
    assert cell(res, "f2a_adm_stod", verksamhet="Ek") == (2, 3)
    assert cell(res, "f2a_adm_stod", verksamhet="BOU") == (0, 3)   # r1, r2, r9; r6, r7 never had fraga_2a


def test_presence_sentence(fx: Project) -> None:
    res = T.presence(fx, codes=["adm_stod_handlaggare"], where={"round": "vt2017"})
    assert T.presence_sentence(res.totals[0], res.kind) == (
        "Administrativt stöd till socialsekreterare och biståndshandläggare togs upp i 3 av de 5 intervjuerna (60 %).")
    assert T.presence_sentence(res.totals[0], res.kind, "en").endswith("was raised in 3 of the 5 interviews (60%).")


def test_presence_blank_attribute_is_its_own_group(fx: Project) -> None:
    res = T.presence(fx, fields=["langst_1"], codes=["antal_medarbetare"], by=["verksamhet"])
    assert cell(res, "antal_medarbetare", verksamhet=None) == (0, 1)   # r8: rejected, blank verksamhet


# ----------------------------------------------------------------------------- coder choice

def test_only_the_chosen_coder_counts_and_several_coders_need_a_choice(fx: Project) -> None:
    decide(fx, "i4", "notes", "adm_stod_handlaggare", coder="bo")
    with pytest.raises(QualcodeError, match="several coders.*anna.*bo"):
        T.presence(fx, codes=["adm_stod_handlaggare"])
    assert T.presence(fx, codes=["adm_stod_handlaggare"], coder="anna").totals[0]["documents"] == 4
    assert T.presence(fx, codes=["adm_stod_handlaggare"], coder="bo").totals[0]["documents"] == 1
    with pytest.raises(QualcodeError, match="no decisions by coder 'cecilia'"):
        T.presence(fx, codes=["adm_stod_handlaggare"], coder="cecilia")
    decide(fx, "i5", "notes", "adm_stod_handlaggare", coder="consensus")
    assert T.presence(fx, codes=["adm_stod_handlaggare"]).totals[0]["documents"] == 1
    with fx.transaction():
        fx.set_meta("consensus_coder", "bo")
    assert T.presence(fx, codes=["adm_stod_handlaggare"]).counting.coder == "bo"


def test_retracted_and_rejected_codings_do_not_count(fx: Project) -> None:
    decide(fx, "i2", "notes", "adm_stod_handlaggare", verdict="retract")
    res = T.presence(fx, codes=["adm_stod_handlaggare"], where={"round": "vt2017"})
    assert res.totals[0]["documents"] == 2


# ----------------------------------------------------------------------------- mentions

def test_mentions_count_segments_sorted_with_ties_in_codebook_order(fx: Project) -> None:
    res = T.mentions(fx, groups=["fraga2a"], fields=["fraga_2a"])
    top = [(r["code"], r["count"]) for r in res.rows[:4]]
    assert top == [("f2a_rutiner", 2), ("f2a_adm_stod", 2), ("f2a_fler_handlaggare", 1), ("f2a_ledarskap", 0)]
    notes = T.mentions(fx, codes=["adm_stod_handlaggare"], fields=["notes"])
    assert notes.rows[0]["count"] == 5   # i1 has two coded segments; presence would say 4


def test_mentions_by_attribute(fx: Project) -> None:
    res = T.mentions(fx, codes=["f2a_adm_stod"], fields=["fraga_2a"], by=["roll"])
    assert {r["group"]["roll"]: r["count"] for r in res.rows} == {"chef": 1, "medarbetare": 1}


# ----------------------------------------------------------------------------- choice

def test_choice_table_blank_versus_missing(fx: Project) -> None:
    res = T.choice(fx, ["langst_1", "langst_2"])
    t1, t2 = res.tables
    rows = {r["number"]: (r["count"], r["percent"]) for r in t1["rows"]}
    assert [r["number"] for r in t1["rows"]] == list(range(1, 15))      # plan order, zero rows kept
    assert rows[6] == (2, 28.6) and rows[2] == (3, 42.9) and rows[3] == (0, 0.0)
    assert (t1["no_answer"], t1["no_answer_percent"], t1["missing"], t1["total"]) == (2, 28.6, 1, 7)
    assert (t1["not_reviewed"], t1["not_reviewed_percent"], t2["not_reviewed"]) == (1, 14.3, 0)
    assert res.double_coded == {"langst_1": 1}
    assert (t2["no_answer"], t2["missing"], t2["total"]) == (2, 5, 3)
    assert {r["number"]: r["count"] for r in t2["rows"]}[2] == 1
    assert [(r["code"], r["count"]) for r in res.combined[:3]] == [
        ("introduktion", 4), ("adm_stod_handlaggare", 2), ("brukardelaktighet", 0)]
    assert res.unreviewed == 1   # r5's Övrigt; r8's suggestion was decided (rejected)


def test_choice_ignores_codes_of_another_group_on_a_choice_cell(fx: Project) -> None:
    """A reviewer may put a comment code on a choice cell; the area table must not change."""
    before = T.choice(fx, ["langst_1", "langst_2"])
    decide(fx, "r1", "langst_1", "f2a_rutiner", verdict="add")   # r1 also carries an area code
    decide(fx, "r4", "langst_1", "f2a_rutiner", verdict="add")   # r4's blank cell stays Ej svar
    after = T.choice(fx, ["langst_1", "langst_2"])
    assert after.tables == before.tables and after.double_coded == {"langst_1": 1}


def test_a_retired_choice_cell_leaves_the_table(fx: Project) -> None:
    """Decisions on a cell that a re-import retired are kept, but the cell no longer counts."""
    with fx.transaction():
        fx.conn.execute("UPDATE segments SET retired = 1 WHERE id = ?", (seg(fx, "r6", "langst_1"),))
    res = T.choice(fx, ["langst_1"])
    t1 = res.tables[0]
    rows = {r["number"]: r["count"] for r in t1["rows"]}
    assert (rows[6], rows[2], t1["total"], t1["no_answer"]) == (1, 2, 6, 2)   # r6's double cell is gone
    assert res.double_coded == {}
    assert cell(T.presence(fx, fields=["langst_1"], codes=["adm_stod_handlaggare"]), "adm_stod_handlaggare") == (1, 6)


def test_choice_preview_counts_unrejected_suggestions(fx: Project) -> None:
    t1 = T.choice(fx, ["langst_1"], include_suggestions=True).tables[0]
    rows = {r["number"]: r["count"] for r in t1["rows"]}
    assert rows[14] == 1 and rows[3] == 0 and t1["no_answer"] == 2


def test_choice_where_filters_respondents(fx: Project) -> None:
    t1 = T.choice(fx, ["langst_1"], where={"verksamhet": "BOU"}).tables[0]
    assert (t1["total"], t1["missing"], t1["no_answer"]) == (3, 1, 0)
    blank = T.choice(fx, ["langst_1"], where={"verksamhet": ""}).tables[0]
    assert (blank["total"], blank["no_answer"]) == (1, 1)


def test_choice_unknown_field_is_a_clear_error(fx: Project) -> None:
    with pytest.raises(QualcodeError, match="unknown field 'langst_9'.*langst_1"):
        T.choice(fx, ["langst_9"])


def test_percent_rounds_half_up() -> None:
    assert T.percent(1, 117) == 0.9 and T.percent(5, 117) == 4.3 and T.percent(1, 8) == 12.5
    assert T.percent(1, 40) == 2.5 and T.percent(1, 400, 1) == 0.3 and T.percent(0, 0) is None


# ----------------------------------------------------------------------------- crosstab, quotes, attributes

def test_crosstab_percents_and_chi2(fx: Project) -> None:
    res = T.crosstab(fx, by="verksamhet", fields=["langst_1"], codes=["adm_stod_handlaggare", "introduktion"],
                     chi2=True)
    cells = {(r["code"], r["group"]["verksamhet"]): r for r in res.rows}
    bou = cells[("introduktion", "BOU")]
    assert (bou["count"], bou["row_percent"], bou["column_percent"]) == (2, 66.7, 50.0)
    assert cells[("adm_stod_handlaggare", "BOU")]["column_percent"] == 50.0
    assert cells[("introduktion", "Ek")]["column_percent"] == 100.0
    assert res.chi2 is not None and res.chi2["dof"] == 1 and 0 < res.chi2["p"] <= 1


def test_quotes_grouped_and_limited(fx: Project) -> None:
    qs = T.quotes(fx, "adm_stod_handlaggare", by=["round"], fields=["notes"])
    assert [(q["doc"], q["group"]["round"]) for q in qs] == [  # terms in calendar order
        ("i1", "vt2017"), ("i1", "vt2017"), ("i2", "vt2017"), ("i3", "vt2017"), ("j1", "ht2017")]
    assert qs[1]["attributes"] == {"round": "vt2017", "group": "medarbetare"}
    limited = T.quotes(fx, "adm_stod_handlaggare", by=["round"], fields=["notes"], limit=1)
    assert [q["doc"] for q in limited] == ["i1", "j1"]


def test_attribute_counts_blank_is_unknown(fx: Project) -> None:
    res = T.attribute_counts(fx, "verksamhet", kind="response")
    assert [(r["value"], r["count"], r["percent"]) for r in res["rows"]] == [
        (None, 1, 11.1), ("BOU", 5, 55.6), ("Ek", 3, 33.3)]


# ----------------------------------------------------------------------------- CLI and JSON contract

def test_cli_presence_json_contract(fx: Project, cli) -> None:
    r = cli("tally", "presence", "--by", "round", "--group", "fokusomrade", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data) == {"rows", "unreviewed"} and data["unreviewed"] == 2
    row = next(x for x in data["rows"] if x["code"] == "adm_stod_handlaggare" and x["group"] == {"round": "vt2017"})
    assert row == {"code": "adm_stod_handlaggare", "number": 6,
                   "label": "Administrativt stöd till socialsekreterare och biståndshandläggare",
                   "group": {"round": "vt2017"}, "documents": 3, "of": 5}


def test_cli_presence_table_and_sentence(fx: Project, cli) -> None:
    r = cli("tally", "presence", "--code", "adm_stod_handlaggare", "--by", "round")
    assert "3 av 5 (60 %)" in r.output and "0 av 2 (0 %)" in r.output and "ogranskade förslag: 1" in r.output  # k1 only: k2 is introduktion
    r = cli("tally", "presence", "--code", "adm_stod_handlaggare", "--where", "round=vt2017", "--sentence")
    assert "togs upp i 3 av de 5 intervjuerna (60 %)." in r.output


def test_cli_choice_json_contract_and_swedish_table(fx: Project, cli) -> None:
    r = cli("tally", "choice", "--field", "langst_1", "--field", "langst_2", "--format", "json")
    data = json.loads(r.stdout)   # stderr says that r5's answer is not reviewed yet
    assert {"tables", "combined", "unreviewed"} <= set(data)
    t = data["tables"][0]
    assert {"field", "rows", "no_answer", "missing", "total"} <= set(t)
    assert set(t["rows"][0]) == {"code", "number", "label", "count", "percent"}
    assert set(data["combined"][0]) == {"code", "number", "label", "count"}
    md = cli("tally", "choice", "--field", "langst_1", "--format", "md").output
    assert "| 6. Administrativt stöd till socialsekreterare och biståndshandläggare | 2 | 28,6 |" in md
    assert "| Ej svar | 2 | 28,6 |" in md and "| Total | 7 | 100,0 |" in md and "Systembortfall: 1" in md
    assert "| Ej granskade | 1 | 14,3 |" in md
    en = cli("tally", "choice", "--field", "langst_1", "--format", "md", "--lang", "en").output
    assert "| No answer | 2 | 28.6 |" in en and "Missing: 1" in en


def test_cli_errors_are_one_line(fx: Project, cli) -> None:
    r = cli("tally", "presence", "--by", "sdf")
    assert r.exit_code == 1 and r.output.startswith("Error: unknown attribute 'sdf'")
    r = cli("tally", "mentions", "--group", "nope")
    assert r.exit_code == 1 and "unknown code group 'nope'" in r.output
    r = cli("quotes", "--code", "nope")
    assert r.exit_code == 1 and "unknown code 'nope'" in r.output


def test_cli_mentions_crosstab_quotes(fx: Project, cli) -> None:
    r = cli("tally", "mentions", "--group", "fraga2a", "--field", "fraga_2a", "--format", "csv")
    lines = r.output.splitlines()
    assert lines[0] == "Nr;Kod;Nämns" and lines[1].endswith(";2") and len(lines) == 1 + len(
        fx.codebook.in_group("fraga2a"))
    r = cli("tally", "crosstab", "--by", "verksamhet", "--field", "langst_1", "--group", "fokusomrade", "--chi2",
            "--format", "json")
    assert json.loads(r.output)["chi2"]["dof"] >= 1
    r = cli("quotes", "--code", "f2a_adm_stod", "--format", "json")
    assert [q["text"] for q in json.loads(r.output)["quotes"]] == ["Administratör", "adm stöd"]


def test_fast_path_without_rejections_gives_the_same_tables(fx: Project) -> None:
    """A coder who never rejected is read straight from decisions; the numbers must not change."""
    standing = fx.conn.execute("SELECT segment, code FROM codings WHERE coder = 'anna'").fetchall()
    with fx.transaction():
        fx.conn.executemany("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?,?,'clean','accept',?)",
                            [(s, c, now()) for s, c in standing] + [(standing[0][0], standing[0][1], now())])  # one twice
    slow = T.choice(fx, ["langst_1", "langst_2"], coder="anna")
    fast = T.choice(fx, ["langst_1", "langst_2"], coder="clean")
    # r8's suggestion: anna rejected it (Ej svar), clean never decided on it (not reviewed)
    assert [t["not_reviewed"] for t in fast.tables] == [2, 0] and [t["not_reviewed"] for t in slow.tables] == [1, 0]
    final = ("not_reviewed", "not_reviewed_percent", "no_answer", "no_answer_percent")
    assert ([{k: v for k, v in t.items() if k not in final} for t in fast.tables]
            == [{k: v for k, v in t.items() if k not in final} for t in slow.tables])
    assert fast.combined == slow.combined and fast.double_coded == slow.double_coded
    for kw in ({"by": ["round"]}, {"fields": ["langst_1"], "by": ["verksamhet"]}):
        assert T.presence(fx, coder="clean", **kw).rows == T.presence(fx, coder="anna", **kw).rows
    assert T.mentions(fx, groups=["fraga2a"], coder="clean").rows == T.mentions(fx, groups=["fraga2a"], coder="anna").rows


def test_groups_follow_the_calendar_and_numbers(project, tmp_path):
    """Terms come chronologically (ht2016, vt2017, ht2017), not alphabetically."""
    from qualcode import tally
    folder = tmp_path / "terms"
    folder.mkdir()
    for i, rnd in enumerate(["vt2017", "ht2017", "ht2016", "vt2018"]):
        (folder / f"n{i}.md").write_text(f"---\nid: n{i}\nround: {rnd}\n---\nEn mening.\n", encoding="utf-8")
    project.import_notes(folder)
    seg = project.segments(doc="n0")[0]["segment"]
    with project.transaction() as c:
        c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?,?,?,?,?)",
                  (seg, "lon", "anna", "add", "2026-01-01"))
    result = tally.presence(project, by=["round"], codes=["lon"], coder="anna")
    assert [r["group"]["round"] for r in result.rows] == ["ht2016", "vt2017", "ht2017", "vt2018"]
