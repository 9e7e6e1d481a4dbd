"""JSON Lines: one record per line, so a script can stream a long export (a list of data alike)."""

from __future__ import annotations

import json

from qualcode.report.formats.base import Content, TextFormat


class JsonLines(TextFormat):
    def render(self, content: Content) -> str:
        if content.records is not None:
            rows = content.records
        else:
            rows = content.data if isinstance(content.data, list) else [content.data]
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
