"""End to end: the demo path reproduces the report's published figures from the imported text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qualcode import Project
from qualcode import tally
from qualcode.cli import main
from qualcode.evaluation.demo import CLAIMS, GOLD_CODER

CHOICE_FIELDS = ["langst_1", "langst_2", "langst_3", "behov_1", "behov_2", "behov_3"]


@pytest.fixture(scope="module")
def demo_dir(demo_out: Path) -> Path:
    """The session's demo run (conftest ``demo_out``: exit 0 and "0 failed" asserted there); read only."""
    return demo_out


def published() -> dict[str, dict]:
    """The fixture's claims, with the values the data supports laid over misprints."""
    claims = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))["claims"]
    out = {}
    for c in claims:
        supported = c.get("supported") or {}
        merged = {**c, **supported}
        if "rows" in supported:
            merged["rows"] = {**c["rows"], **supported["rows"]}
        out[c["id"]] = merged
    return out


def test_choice_tables_are_reproduced_from_the_imported_answers(demo_dir: Path):
    claims = published()
    with Project.open(demo_dir / "qualcode.db") as p:
        result = tally.choice(p, CHOICE_FIELDS, coder=GOLD_CODER).to_json()
    assert result["unreviewed"] == 0
    for table in result["tables"]:
        want = claims[table["field"]]
        got = {row["number"]: row["count"] for row in table["rows"]}
        assert got == {int(n): (v[0] if isinstance(v, list) else v) for n, v in want["rows"].items()}, table["field"]
        assert table["no_answer"] == (want["no_answer"][0] if isinstance(want["no_answer"], list) else want["no_answer"])
        assert table["total"] == want["total"] == 117
        assert table["missing"] == 0
    combined = {row["number"]: row["count"] for row in result["combined"]}
    assert combined[2] == 40 + 16 + 10 + 12 + 13 + 7  # introduktion named in all six alternatives


def test_22_of_30_interviews_and_the_open_questions(demo_dir: Path):
    with Project.open(demo_dir / "qualcode.db") as p:
        pres = tally.presence(p, codes=["adm_stod_handlaggare"], where={"round": "vt2017"}, coder=GOLD_CODER)
        assert [(r["documents"], r["of"]) for r in pres.to_json()["rows"]] == [(22, 30)]
        mentions = tally.mentions(p, groups=["fraga2a"], fields=["fraga_2a"], coder=GOLD_CODER)
        counts = {r["code"]: r["count"] for r in mentions.rows}
    assert counts["f2a_rutiner"] == 22 and counts["f2a_adm_stod"] == 20 and counts["f2a_negativ"] == 14


def test_check_claims_confirms_figures_and_names_the_reports_inconsistencies(demo_dir: Path):
    db = str(demo_dir / "qualcode.db")
    r = CliRunner().invoke(main, ["--project", db, "check-claims", str(CLAIMS), "--coder", GOLD_CODER,
                                  "--format", "json"])
    assert r.exit_code == 0, r.output[-2000:]
    results = {c["id"]: c for c in json.loads(r.output)["claims"]}
    assert results["vt2017_adm_stod"]["status"] == "ok"
    assert results["behov_1"]["status"] == "inconsistent"          # printed Total 116, the rows sum to 117
    assert results["langst_total_3"]["status"] == "inconsistent"   # prose 49, tables 39
    computed = {c["label"]: c["computed"] for c in results["langst_total_3"]["cells"]}
    assert 39 in computed.values()


def test_a_figure_the_data_does_not_support_fails_the_check(demo_dir: Path, tmp_path: Path):
    claims = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))
    for c in claims["claims"]:
        if c["id"] == "vt2017_adm_stod":
            c["documents"] = 23
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(claims, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(main, ["--project", str(demo_dir / "qualcode.db"), "check-claims", str(bad),
                                  "--coder", GOLD_CODER])
    assert r.exit_code == 1
    assert "22" in r.output


def test_answers_the_gold_leaves_uncoded_are_reviewed_negatives_for_learn(demo_dir: Path):
    """An answer nothing applies to (no gold code, no suggestion) is recorded as facit's rejects,
    so `learn` trains on it as a negative, and no tally or review queue notices."""
    from qualcode.evaluation.demo import COMMENT_FIELDS, OPEN_FIELDS, gold_sets
    from qualcode.suggest.model.learn import training_sets
    gold = gold_sets()
    with Project.open(demo_dir / "qualcode.db") as p:
        uncoded = {(r[1], r[2]): r[0] for r in p.conn.execute(
            f"SELECT g.id, g.doc, g.field FROM segments g WHERE g.retired = 0 AND trim(g.text) != '' "
            f"AND g.field IN ({','.join('?' * (len(COMMENT_FIELDS) + len(OPEN_FIELDS)))}) "
            "AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.segment = g.id)", [*COMMENT_FIELDS, *OPEN_FIELDS])
            if not gold["survey"].get((r[1], r[2])) and not gold["comments"].get((r[1], r[2]))}
        assert len(uncoded) >= 20   # "Spännande arbetsuppgifter." (trivs), "Vet ej." (fraga_2b), …
        assert uncoded[("ht2017-020", "trivs")]
        sets = training_sets(p, GOLD_CODER)
        for (doc, fld), seg in uncoded.items():
            ts = sets[p.fields()[fld]["code_group"]]
            i = ts.segments.index(seg)
            assert {c: ys[i] for c, ys in ts.labels.items()} == dict.fromkeys(ts.codes, 0), (doc, fld)
        verdicts = {r[0] for r in p.conn.execute(
            f"SELECT DISTINCT verdict FROM latest_decisions WHERE coder = ? "
            f"AND segment IN ({','.join('?' * len(uncoded))})", [GOLD_CODER, *uncoded.values()])}
        assert verdicts == {"reject"}
        mentions = tally.mentions(p, fields=COMMENT_FIELDS, coder=GOLD_CODER)
        assert mentions.unreviewed == 0
        counted = sum(r["count"] for r in mentions.rows)
    assert counted == sum(len(codes) for codes in gold["comments"].values())
