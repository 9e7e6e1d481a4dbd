"""JSON: the command's data as it is, the contract a script reads (records when there is no data)."""

from __future__ import annotations

import json

from qualcode.report.formats.base import Content, TextFormat


class Json(TextFormat):
    def render(self, content: Content) -> str:
        data = content.data if content.data is not None else list(content.records or [])
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
