"""A suggestion source is one class plus one registry line: a made-up source registered in a test
suggests beside the built-in ones, is counted, and its rows are replaced (not piled up) on a rerun."""

from __future__ import annotations

import json
from pathlib import Path

from qualcode import Project
from qualcode.store.suggestions import replace_suggestions
from qualcode.suggest import base, sources  # noqa: F401  (the built-in sources)
from qualcode.suggest.base import RunContext
from qualcode.suggest.run import suggest


class KaffeSource:
    """Suggests Övrigt wherever a segment mentions coffee, with a fixed score."""

    name = "kaffe"
    owns = "kaffe:%"

    def prepare(self, ctx: RunContext) -> int:
        self.rows = ctx.conn.execute("SELECT id, start, text FROM segments WHERE retired = 0").fetchall()
        return 0

    def run(self, ctx: RunContext) -> None:
        out = [(seg, "ovrigt", "kaffe:1", 0.9, start, start + len(text), 0, "kaffe", None, ctx.version, ctx.stamp)
               for seg, start, text in self.rows if "kaffe" in text.lower()]
        with ctx.project.transaction():
            replace_suggestions(ctx.conn, [r[0] for r in self.rows], out, "source LIKE 'kaffe:%'", None, ctx.version)
        ctx.summary.count_rows(self.name, out)


def test_a_source_registered_in_a_test_suggests_beside_the_built_in_ones(project: Project, tmp_path: Path) -> None:
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "a.md").write_text("---\nid: a\n---\n\nKaffet var gott. Lönen diskuterades länge.\n",
                                         encoding="utf-8")
    project.import_notes(tmp_path / "n")
    base.register(KaffeSource)
    try:
        first = suggest(project)
        again = suggest(project, force=True)
    finally:
        base.unregister(KaffeSource)
    assert first.by_source["kaffe"] == 1 and first.by_source["rules"] >= 1
    rows = project.conn.execute("SELECT code, source FROM suggestions WHERE source LIKE 'kaffe:%'").fetchall()
    assert [tuple(r) for r in rows] == [("ovrigt", "kaffe:1")] and again.by_source["kaffe"] == 1
    assert KaffeSource not in base.SOURCES
    assert json.loads(json.dumps(first.to_json()))["by_source"]["kaffe"] == 1
