"""README's "A session", command by command, as a researcher runs it: from her own folder outside
the checkout, with the installed `qualcode` command and the demo corpus as her notes and survey."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "handlingsplan-2016-2018"
QUALCODE = ROOT / ".venv" / "bin" / "qualcode"


def session_commands() -> list[str]:
    """The shell lines of README's "A session" block, continuation lines joined, comments cut."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## A session\s+```sh\n(.*?)```", text, re.S).group(1)
    lines, current = [], ""
    for raw in block.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip() and not current:
            continue
        current += " " + line.strip().rstrip("\\").strip() if current else line.rstrip("\\").strip()
        if not raw.split("#", 1)[0].rstrip().endswith("\\"):
            if current.strip():
                lines.append(current.strip())
            current = ""
    return lines


@pytest.mark.skipif(not QUALCODE.exists(), reason="needs the installed command in .venv/bin")
def test_readme_session_runs_from_her_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "studie"
    (folder / "intervjuer").mkdir(parents=True)
    for note in sorted((CORPUS / "notes").glob("*.md"))[:12]:
        shutil.copy(note, folder / "intervjuer" / note.name)
    shutil.copy(CORPUS / "survey_ht2018.csv", folder / "enkat_ht2018.csv")
    env = {**os.environ, "PATH": f"{QUALCODE.parent}{os.pathsep}{os.environ.get('PATH', '')}", "CI": "1"}
    env.pop("QUALCODE_PROJECT", None)
    env.pop("QUALCODE_LANG", None)
    commands = session_commands()
    assert commands[0].startswith("export QUALCODE_PROJECT=") and any(c.startswith("qualcode review") for c in commands)
    for command in commands:
        if command.startswith("export "):
            name, value = command.removeprefix("export ").split("=", 1)
            env[name] = value
            continue
        argv = shlex.split(command)
        assert argv[0] == "qualcode", command
        r = subprocess.run([str(QUALCODE), *argv[1:]], cwd=folder, env=env, input="q", capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, f"{command}\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}"
        assert "Traceback" not in r.stderr, command
        if argv[1] == "status":
            assert "koder vars regler eller uppmätta poäng ändrats" not in r.stdout and "qualcode suggest" in r.stdout
    assert (folder / "studie.db").is_file() and (folder / "langst.xlsx").is_file()
    assert not (ROOT / "studie.db").exists()
