"""A column's short label given at import titles its tables; a label for a column not imported is refused."""

from __future__ import annotations

from pathlib import Path


def test_a_label_given_at_import_titles_the_choice_table(cli, tmp_path: Path) -> None:
    data = tmp_path / "enkat.csv"
    data.write_text("id,roll,langst_1\nR1,chef,6\nR2,medarbetare,p 8\n", encoding="utf-8")
    assert cli("init").exit_code == 0
    r = cli("import", "survey", str(data), "--id", "id", "--attr", "roll", "--choice", "langst_1",
            "--label", "langst_1=Kommit längst, alternativ 1")
    assert r.exit_code == 0, r.output
    assert "Kommit längst, alternativ 1" in cli("fields", "list").output
    assert cli("suggest").exit_code == 0
    table = cli("tally", "choice", "--field", "langst_1", "--include-suggestions").output
    assert "Kommit längst, alternativ 1" in table


def test_a_label_for_a_column_that_is_not_imported_is_one_line_and_nothing_is_written(cli, tmp_path: Path) -> None:
    data = tmp_path / "enkat.csv"
    data.write_text("id,roll\nR1,chef\n", encoding="utf-8")
    assert cli("init").exit_code == 0
    r = cli("import", "survey", str(data), "--id", "id", "--label", "langst_9=X")
    assert r.exit_code == 1 and "--label names a column that is not imported: langst_9" in r.output
    assert "0 documents" in cli("status").output or "response" not in cli("status").output
