"""A project file is data, never instructions: what is not a qualcode project is refused and left
byte for byte as it was; a trigger, view or table qualcode did not create is refused by name; the
table derived from the decisions log is checked against the log on opening and rebuilt from it."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import Project, QualcodeError
from qualcode.cli import main
from qualcode.store.db import (
    APPLICATION_ID,
    LAST_UNSTAMPED_VERSION,
    MIGRATIONS,
    _statements,
    connect,
)

from .conftest import CODEBOOK


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and its content hash: refusing must not write, nor leave side files."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def cli(path: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(path), *args])


def foreign_db(path: Path, *statements: str, user_version: int = 0, wal: bool = False) -> Path:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    for s in statements:
        conn.execute(s)
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    return path


def written(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


NOT_PROJECTS = {
    "empty file": lambda p: written(p, b""),
    "text file": lambda p: written(p, b"id;svar\n1;hej\n"),
    "foreign sqlite": lambda p: foreign_db(p, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
                                           "INSERT INTO customers VALUES (1, 'Anna')"),
    "own meta table": lambda p: foreign_db(p, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                                           "INSERT INTO meta VALUES ('codebook_version', 'x')", user_version=1),
    "other application id": lambda p: foreign_db(p, "PRAGMA application_id = 1234", "CREATE TABLE t (x)"),
    "empty sqlite in WAL mode": lambda p: foreign_db(p, "CREATE TABLE t (x)", "DROP TABLE t", wal=True),
}


@pytest.mark.parametrize("kind", NOT_PROJECTS)
def test_a_file_that_is_not_a_project_is_refused_in_one_line_and_never_modified(tmp_path: Path, kind: str):
    folder = tmp_path / "data"
    folder.mkdir()
    path = NOT_PROJECTS[kind](folder / "study.db")
    before = fingerprint(folder)
    with pytest.raises(QualcodeError, match="not a qualcode project"):
        Project.open(path)
    r = cli(path, "status")
    assert r.exit_code == 1 and "not a qualcode project" in r.output and len(r.output.strip().splitlines()) == 1
    r = cli(path, "import", "notes", str(tmp_path))
    assert r.exit_code == 1
    assert fingerprint(folder) == before


def test_a_new_project_carries_qualcodes_application_id_and_runs_without_trusted_schema(project: Project):
    assert project.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x51434F44
    assert project.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def old_project(path: Path, version: int = LAST_UNSTAMPED_VERSION) -> Path:
    """A project file as a qualcode from before the application id wrote it, with one decision."""
    conn = sqlite3.connect(path)
    for i, script in enumerate(MIGRATIONS[:version]):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {i + 1}")
    conn.execute("INSERT INTO documents(id, kind, content_hash, imported_at) VALUES ('R1', 'response', 'h', 't')")
    conn.execute("INSERT INTO fields(name, kind) VALUES ('q', 'text')")
    conn.execute("INSERT INTO segments(id, doc, field, position, start, end, text, text_hash) "
                 "VALUES (1, 'R1', 'q', 0, 0, 3, 'lön', 'x')")
    conn.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (1, 'lon', 'anna', 'accept', 't')")
    conn.commit()
    conn.close()
    return path


def test_an_old_project_without_the_application_id_is_stamped_and_keeps_its_decisions(tmp_path: Path):
    path = old_project(tmp_path / "old.db")
    conn = connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert [tuple(r) for r in conn.execute("SELECT segment, code, coder FROM codings")] == [(1, "lon", "anna")]
    conn.close()


def test_an_old_looking_file_with_a_table_qualcode_never_made_is_not_stamped(tmp_path: Path):
    path = old_project(tmp_path / "old.db")
    foreign_db(path, "CREATE TABLE payload (x)", user_version=LAST_UNSTAMPED_VERSION)
    before = fingerprint(tmp_path)
    with pytest.raises(QualcodeError, match="table 'payload'"):
        connect(path)
    assert fingerprint(tmp_path) == before


PLANTED = {
    "trigger on decisions": (("CREATE TRIGGER evil AFTER INSERT ON decisions BEGIN "
                              "UPDATE latest_decisions SET verdict = 'accept'; END"), "trigger 'evil' on decisions"),
    "trigger on documents": ("CREATE TRIGGER spy AFTER UPDATE ON documents BEGIN DELETE FROM decisions; END",
                             "trigger 'spy' on documents"),
    "view": ("CREATE VIEW extra AS SELECT * FROM decisions", "view 'extra'"),
    "table": ("CREATE TABLE stash (x)", "table 'stash'"),
    "index": ("CREATE INDEX documents_source ON documents(source)", "index 'documents_source' on documents"),
    "changed trigger": (("DROP TRIGGER decisions_latest; CREATE TRIGGER decisions_latest AFTER INSERT ON decisions "
                         "BEGIN DELETE FROM latest_decisions; END"), "trigger 'decisions_latest' on decisions differs"),
    "changed view": ("DROP VIEW codings; CREATE VIEW codings AS SELECT segment, code, coder FROM latest_decisions",
                     "view 'codings' differs"),
}


@pytest.mark.parametrize("what", PLANTED)
def test_a_planted_trigger_view_or_table_is_refused_by_name_and_the_file_left_alone(tmp_path: Path, what: str):
    path = tmp_path / "p.db"
    Project.init(path, CODEBOOK).close()
    sql, named = PLANTED[what]
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    before = fingerprint(tmp_path)
    with pytest.raises(QualcodeError, match=named):
        Project.open(path)
    r = cli(path, "status")
    assert r.exit_code == 1 and named in r.output and len(r.output.strip().splitlines()) == 1
    assert fingerprint(tmp_path) == before


def test_whitespace_in_qualcodes_own_schema_text_does_not_matter(tmp_path: Path):
    """SQL text is compared with whitespace normalised, so only a real difference is refused."""
    path = tmp_path / "p.db"
    Project.init(path, CODEBOOK).close()
    conn = sqlite3.connect(path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    conn.executescript(f"DROP VIEW codings; {sql.replace(' ', chr(10) + '   ')};")
    conn.close()
    Project.open(path).close()


def test_phantom_latest_decisions_rows_are_rebuilt_from_the_log_on_opening(tmp_path: Path):
    path = tmp_path / "p.db"
    p = Project.init(path, CODEBOOK)
    csv = tmp_path / "s.csv"
    csv.write_text("id,q\n" + "".join(f"R{i},svar {i}\n" for i in range(1, 6)), encoding="utf-8")
    p.import_survey(csv, id_column="id", texts=["q"])
    first = p.segments()[0]["segment"]
    with p.transaction() as c:
        c.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (?, 'lon', 'anna', 'accept', 't')",
                  (first,))
    p.close()
    conn = sqlite3.connect(path)   # someone plants codings that no decision made
    conn.executemany("INSERT INTO latest_decisions (coder, segment, code, decision, verdict, doc, field) "
                     "VALUES ('anna', ?, 'lon', 999, 'accept', ?, 'q')",
                     [(first + i, f"R{1 + i}") for i in range(1, 5)])
    conn.commit()
    conn.close()

    r = cli(path, "status")
    assert r.exit_code == 0
    repaired = [line for line in r.output.splitlines() if "repaired" in line]
    assert len(repaired) == 1 and "latest_decisions" in repaired[0] and "rebuilt it from the log" in repaired[0]
    from qualcode import tally
    with Project.open(path) as p:
        assert p.notices == []      # repaired once, for good
        res = tally.presence(p, codes=["lon"], fields=["q"], coder="anna")
        assert [(row["documents"], row["of"]) for row in res.totals] == [(1, 5)]


def test_an_edited_verdict_in_latest_decisions_is_caught_by_the_checksum(tmp_path: Path):
    path = old_project(tmp_path / "p.db")
    connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO decisions(segment, code, coder, verdict, made_at) VALUES (1, 'lon', 'anna', 'reject', 't')")
    conn.execute("UPDATE latest_decisions SET verdict = 'accept'")
    conn.commit()
    conn.close()
    notices: list[str] = []
    conn = connect(path, notices=notices)
    assert len(notices) == 1
    assert conn.execute("SELECT verdict FROM latest_decisions").fetchall()[0][0] == "reject"
    conn.close()


@pytest.mark.parametrize("value", ["os.system", "subprocess", "sv_core_news_sm.evil", "../../somewhere"])
def test_a_pipeline_setting_that_is_not_a_trained_swedish_package_or_a_folder_is_refused(project: Project,
                                                                                        value: str):
    with project.transaction():
        project.set_meta("nlp_model", value)
    with pytest.raises(QualcodeError, match=r"nlp_model=.*(neither an installed sv_core_news_\* package nor a folder|"
                                            r"not installed)") as e:
        project.nlp_model()
    assert "\n" not in str(e.value)
    from qualcode.suggest.settings import model_setting  # what suggest reads
    with pytest.raises(QualcodeError):
        model_setting(project)


def test_a_pipeline_setting_naming_a_folder_or_nothing_is_honoured(project: Project, tmp_path: Path):
    assert project.nlp_model() is None
    with project.transaction():
        project.set_meta("nlp_model", str(tmp_path))
    assert project.nlp_model() == str(tmp_path)
    with project.transaction():
        project.set_meta("nlp_model", "sv_core_news_sm")
    with pytest.raises(QualcodeError, match="not installed"):   # not on these machines
        project.nlp_model()
