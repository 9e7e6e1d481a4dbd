"""A suggestion's sources reach the review intact, a regex with alternatives included."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcode import Project
from qualcode.cli import main
from qualcode.review.queue import pending
from qualcode.suggest.model.predict import fused_scores

from .conftest import CODEBOOK


def test_a_regex_source_with_alternatives_is_shown_whole(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("---\nid: a\n---\n\nLönen är för låg.\n", encoding="utf-8")
    db = tmp_path / "p.db"
    p = Project.init(db, CODEBOOK)
    p.import_notes(notes)
    seg = p.conn.execute("SELECT id FROM segments").fetchone()[0]
    with p.transaction():
        for source, score in (("rule:regex=\\b(?:lön|löner)\\b", 0.9), ("rule:lemma=lön", 0.8)):
            p.conn.execute("INSERT INTO suggestions(segment, code, source, score, negated, codebook_version, "
                           "created_at) VALUES (?, 'lon', ?, ?, 0, ?, '2026-01-01')", (seg, source, score, p.codebook.version))
    (item,) = pending(p, "anna")
    assert item.sources == ["rule:lemma=lön", "rule:regex=\\b(?:lön|löner)\\b"]
    (fused,) = fused_scores(p)
    assert fused.sources == item.sources
    p.close()
    sheet = tmp_path / "s.csv"
    r = CliRunner().invoke(main, ["--project", str(db), "--lang", "en", "review", "export", "--coder", "anna",
                                  "-o", str(sheet)])
    assert r.exit_code == 0, r.output
    assert "(?:lön|löner)" in sheet.read_text(encoding="utf-8-sig")
