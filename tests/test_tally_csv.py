"""The tallies' own ``-f csv`` written as the report's language's spreadsheet opens it: Swedish
Excel (``;``, decimal comma, UTF-8 with BOM) by default, ``,`` and a point on request. Read back
as an analyst would, with pandas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from qualcode import Project
from qualcode.report.formats import emit
from qualcode.report.formats.base import Table

from .test_tally import build


def _choice_json(cli) -> dict:
    r = cli("tally", "choice", "--field", "langst_1", "--format", "json")
    return json.loads(r.stdout)["tables"][0]


def test_tally_choice_csv_reads_back_in_swedish_excel_style(project: Project, cli, tmp_path: Path) -> None:
    build(project)
    out = tmp_path / "langst.csv"
    r = cli("tally", "choice", "--field", "langst_1", "-f", "csv", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")               # Excel reads it as UTF-8
    df = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    assert list(df.columns) == ["Antal", "Procent"]
    want = _choice_json(cli)
    for row in want["rows"]:
        label = f"{row['number']}. {row['label']}" if row["number"] else row["label"]
        assert df.loc[label, "Antal"] == row["count"]
        assert df.loc[label, "Procent"] == pytest.approx(row["percent"], abs=0.05)
    assert df.loc["Ej svar", "Antal"] == 2 and df.loc["Ej svar", "Procent"] == pytest.approx(28.6)   # r5: not reviewed
    assert df["Procent"].dtype.kind == "f"                          # numbers, not text


def test_plain_comma_and_point_on_request(project: Project, cli, tmp_path: Path) -> None:
    build(project)
    out = tmp_path / "langst_en.csv"
    cli("tally", "choice", "--field", "langst_1", "-f", "csv", "--csv-style", "en", "-o", str(out))
    df = pd.read_csv(out, encoding="utf-8-sig", index_col=0)
    assert df.loc["Ej svar", "Procent"] == pytest.approx(28.6)
    en = cli("--lang", "en", "tally", "crosstab", "--by", "round", "--group", "fokusomrade", "-f", "csv")
    assert en.output.startswith("No,Code,") and not en.output.startswith("\ufeff")   # terminal: no BOM


def test_crosstab_csv_numbers_match_json(project: Project, cli, tmp_path: Path) -> None:
    build(project)
    out = tmp_path / "ct.csv"
    cli("tally", "crosstab", "--by", "round", "--group", "fokusomrade", "-f", "csv", "-o", str(out))
    df = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    data = json.loads(cli("tally", "crosstab", "--by", "round", "--group", "fokusomrade", "-f", "json").output)
    adm = df[df["Kod"].str.startswith("Administrativt stöd till socialsekreterare", na=False)].iloc[0]
    assert adm["vt2017 (n=5)"] == 3 and adm["vt2017 %"] == pytest.approx(60.0)
    assert adm["ht2017 %"] == pytest.approx(33.3)
    for r in data["rows"]:
        if r["code"] == "adm_stod_handlaggare":
            col = next(c for c in df.columns if c.startswith(f"{r['group']['round']} (n="))
            assert adm[col] == r["count"]


def test_library_emit_keeps_plain_csv_without_a_style(tmp_path: Path) -> None:
    """Exports for programs (no style given) stay ',' with numbers as stored, no BOM."""
    t = Table("", ["a", "share"], [["x", 28.571]])
    emit("csv", str(tmp_path / "p.csv"), tables=[t])
    assert (tmp_path / "p.csv").read_text(encoding="utf-8") == "a,share\nx,28.571\n"
    emit("csv", str(tmp_path / "s.csv"), tables=[t], csv_style="sv")
    assert (tmp_path / "s.csv").read_text(encoding="utf-8") == "\ufeffa;share\nx;28,6\n"
