"""The base model shipped with the codebook: plain data, a suggestion source from the first
``suggest``, skipped when the codebook's labels change, and stepping back code by code once a
project's own model does better."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from qualcode import Project, QualcodeError
from qualcode.suggest import base_model
from qualcode.suggest.base_model_source import handed_over, shipped_model
from qualcode.suggest.run import suggest

from .conftest import CODEBOOK

NOTE = ("---\nid: n1\nround: ht2017\ngroup: medarbetare\n---\n\n"
        "Var och en har omkring femtio hushåll och flera går hem sent varje kväll. "
        "Två kollegor har slutat sedan i våras och tjänsterna står tomma. "
        "Lokalerna är trånga och vi delar rum.\n")


@pytest.fixture
def note_project(project: Project, tmp_path: Path) -> Project:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n1.md").write_text(NOTE, encoding="utf-8")
    project.import_notes(tmp_path / "notes")
    return project


def _base_rows(p: Project) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in p.conn.execute("SELECT code, source FROM suggestions WHERE source LIKE 'base:%'")}


def test_a_fresh_project_gets_base_model_suggestions_marked_as_such(note_project: Project) -> None:
    model = shipped_model()
    assert model is not None
    summary = suggest(note_project)
    rows = _base_rows(note_project)
    assert rows and {s for _, s in rows} == {f"base:{model.version}"}
    assert summary.by_source.get("base") == len(rows)
    assert {"personalomsattning", "lokaler"} & {c for c, _ in rows}
    from qualcode.suggest.listing import export_records, list_suggestions
    assert any(r["source"].startswith("base:") for r in export_records(list_suggestions(note_project)))


def test_the_model_file_is_plain_arrays(tmp_path: Path) -> None:
    with np.load(base_model.MODEL_FILE, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    bad = tmp_path / "bad.npz"
    np.savez(bad, meta=np.array([{"x": 1}], dtype=object))
    with pytest.raises(QualcodeError, match="cannot read the base model"):
        base_model.BaseModel.load(bad)


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    m = shipped_model()
    assert m is not None
    digests = []
    for name in ("a.npz", "b.npz"):
        base_model.save(tmp_path / name, labels=m.labels, codebook=m.codebook, version=m.version,
                        words=sorted(m.words, key=m.words.get), chars=sorted(m.chars, key=m.chars.get),
                        idf_words=m.idf_words, idf_chars=m.idf_chars, coef=m.coef, intercept=m.intercept,
                        calibration=m.calibration if m.calibration is not None else np.zeros((2, len(m.labels))),
                        label_f1=m.label_f1 or {})
        digests.append(hashlib.sha1((tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_switched_off_and_on_again(note_project: Project) -> None:
    suggest(note_project)
    assert _base_rows(note_project)
    note_project.set_meta("base_model", "off")
    suggest(note_project)
    assert not _base_rows(note_project)
    note_project.set_meta("base_model", "on")
    suggest(note_project)
    assert _base_rows(note_project)


def test_a_codebook_whose_labels_changed_skips_the_model_with_one_line(tmp_path: Path) -> None:
    book = tmp_path / "andra.yaml"
    text = CODEBOOK.read_text(encoding="utf-8")
    start = text.index("  - id: lon\n")
    book.write_text(text[:start] + text[text.index("  - id:", start + 5):], encoding="utf-8")  # no pay theme
    p = Project.init(tmp_path / "a.db", book)
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "n1.md").write_text(NOTE, encoding="utf-8")
    p.import_notes(tmp_path / "n")
    from qualcode.i18n import set_language
    set_language("en")  # the notice is in the run's language
    summary = suggest(p)
    assert not _base_rows(p)
    assert "base model" in (summary.notice or "") and "skipped" in summary.notice
    p.close()


def test_the_projects_own_model_takes_over_a_code_once_it_does_better(note_project: Project) -> None:
    m = shipped_model()
    assert m is not None
    codes = {"personalomsattning": "personalomsattning", "13": "lampliga_lokaler"}
    model = base_model.BaseModel(m.labels, m.codebook, m.version, m.words, m.chars, m.idf_words, m.idf_chars,
                                 m.coef, m.intercept, m.calibration, {"personalomsattning": 0.7, "13": 0.9})
    metrics = {"codes": [{"code": "personalomsattning", "f1": 0.75}, {"code": "lampliga_lokaler", "f1": 0.6}]}
    note_project.conn.execute(
        "INSERT INTO models(grp, version, data_hash, trained_at, n_segments, metrics, blob, spec) "
        "VALUES ('tema', 'm1', 'x', '2026-01-01', 10, ?, x'', '{}')", (json.dumps(metrics),))
    assert handed_over(note_project, model, codes) == {"personalomsattning"}


def test_a_document_read_from_its_segments_scores_as_the_joined_text() -> None:
    """Counting terms once per segment and summing them per document (plus the bigrams across
    segment edges) gives the probabilities of the joined text, and the document's score is the
    larger of the whole and its best line."""
    from qualcode.suggest.base_model import BaseModel, read_unit
    m = BaseModel.load()
    lemmas = ["chef ha ansvar för 30 medarbetare", "", "vi ha ärendedragning varje vecka", "lön vara låg", "lokal trång"]
    raws = ["Chefen har ansvar för 30 medarbetare", "", "Vi har ärendedragning varje vecka", "Lönen är låg",
            "Lokalen är trång"]
    units = [0, 0, 0, 1, 1]
    z_unit, z_seg = m.unit_logits(lemmas, raws, units)
    whole = m.logits([" ".join(lemmas[:3]), " ".join(lemmas[3:])], [" ".join(raws[:3]), " ".join(raws[3:])])
    assert np.allclose(z_seg, m.logits(lemmas, raws), atol=1e-5)
    assert np.allclose(z_unit, read_unit(whole, z_seg, units), atol=1e-5)
    assert (z_unit >= whole - 1e-6).all()


def test_a_topic_the_note_says_was_not_discussed_is_not_coded_by_rules_or_model(tmp_path: Path) -> None:
    """"lön: ej diskuterat" says the group did not talk about pay: neither the rules nor the base
    model code it, while a negated statement about pay ("is not competitive") is still pay."""
    from qualcode import Project
    from qualcode.suggest.listing import list_suggestions
    from qualcode.suggest.run import suggest
    notes = tmp_path / "notes"
    notes.mkdir()
    texts = {"a": "- lön: ej diskuterat\n- lokaler trånga, tre på ett rum", "b": "Lönen är inte konkurrenskraftig.",
             "c": "Lokalerna togs inte upp den här gången."}
    for doc, text in texts.items():
        (notes / f"{doc}.md").write_text(f"---\nid: {doc}\n---\n\n{text}\n", encoding="utf-8")
    p = Project.init(tmp_path / "p.db", Path(__file__).resolve().parent.parent / "codebooks" / "handlingsplan.yaml")
    p.import_notes(notes)
    suggest(p)
    got = {(s["doc"], s["code"]) for s in list_suggestions(p, min_score=0.5)}
    p.close()
    assert ("a", "lon") not in got and ("a", "lokaler") in got
    assert ("b", "lon") in got
    assert not {code for doc, code in got if doc == "c"} & {"lokaler", "lampliga_lokaler"}
