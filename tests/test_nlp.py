"""The Swedish NLP layer: compounds reach their parts, spelling without å/ä/ö still
lemmatizes, the cache round-trips, and a trained pipeline loads through --model PATH."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

from qualcode.errors import QualcodeError
from qualcode.nlp.pipeline import Pipeline, TokenStream, choose_pipeline, shared_lexicon


@pytest.fixture(scope="module")
def lex():
    return shared_lexicon("lookup")


@pytest.mark.parametrize("word, part", [
    ("lönefrågan", "lön"), ("lönesatsningar", "lön"), ("löneläget", "lön"), ("ingångslönen", "lön"),
    ("arbetslokalerna", "lokal"), ("kontorslandskapet", "kontor"), ("avgiftsadministratören", "administratör"),
    ("personalomsättningen", "omsättning"), ("ärendedragningar", "dragning"), ("chefsstödet", "stöd"),
])
def test_compounds_reach_their_parts(lex, word, part):
    assert part in lex.parts(word).split("+")


@pytest.mark.parametrize("word, lemma", [
    ("lonen", "lön"), ("omorganisationerna", "omorganisation"), ("lönefrågan", "lönefråga"),
    ("administratorerna", "administratör"), ("traineerna", "trainee"), ("lokalerna", "lokal"),
])
def test_lemmas_of_unknown_and_misspelt_forms(lex, word, lemma):
    assert lex.lemma(word) == lemma


@pytest.mark.parametrize("word, lemma", [
    ("har", "ha"), ("fick", "få"), ("finns", "finnas"), ("fler", "många"),       # not hare, ficka, finne, mången
    ("arbetar", "arbeta"), ("slutar", "sluta"), ("skapar", "skapa"),             # verbs, not agent nouns
    ("stöd", "stöd"), ("del", "del"), ("intervju", "intervju"),                  # nouns, not verbs
    ("som", "som"), ("att", "att"), ("inte", "inte"), ("med", "med"),            # not söm, ätt, int, mede
])
def test_where_the_lookup_table_is_wrong_for_everyday_words(lex, word, lemma):
    assert lex.lemma(word) == lemma


def test_known_short_words_are_not_cut_into_nonsense(lex):
    assert lex.parts("lokalt") == ""
    assert lex.parts("handläggarna") == ""


def test_token_stream_round_trips_through_the_cache_blob():
    s = TokenStream(["lönefrågan", "är", "viktig", "."], ["lönefråga", "vara", "viktig", "."],
                    ["lön+fråga", "", "", ""], array("I", [0, 10, 11, 13, 14, 20, 20, 21]))
    back = TokenStream.decode(s.encode())
    assert (back.forms, back.lemmas, back.parts, list(back.offsets)) == \
        (s.forms, s.lemmas, s.parts, list(s.offsets))
    empty = TokenStream.decode(TokenStream([], [], [], array("I")).encode())
    assert len(empty) == 0


def test_fallback_pipeline_says_what_it_runs(monkeypatch):
    from qualcode.i18n import set_language
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")
    set_language("en")  # the notice is in the run's language (the Swedish one: test_run_language_listings)
    choice = choose_pipeline(None)
    assert choice.kind == "blank"
    assert "spacy.blank('sv')" in choice.notice and "lookup lemmatizer" in choice.notice
    stream = next(Pipeline(choice).process(["Lönefrågan  är viktig.\nOmorganisationerna tar tid."]))
    assert "lönefrågan" in stream.forms and "omorganisation" in stream.lemmas
    assert "lön+fråga" in stream.parts
    assert " " not in "".join(stream.forms)  # whitespace tokens are dropped, offsets kept
    i = stream.forms.index("omorganisationerna")
    text = "Lönefrågan  är viktig.\nOmorganisationerna tar tid."
    assert text[slice(*stream.span(i))] == "Omorganisationerna"


def train_tiny_pipeline(path: Path) -> Path:
    """A real trained spaCy pipeline (a tagger on a few Swedish sentences), saved to disk."""
    import spacy
    from spacy.training import Example
    nlp = spacy.blank("sv")
    nlp.add_pipe("tagger")
    data = [("Lönen är för låg", ["NOUN", "AUX", "ADV", "ADJ"]),
            ("Vi har fått en administratör", ["PRON", "AUX", "VERB", "DET", "NOUN"]),
            ("Lokalerna är trånga", ["NOUN", "AUX", "ADJ"])]
    examples = [Example.from_dict(nlp.make_doc(t), {"tags": tags}) for t, tags in data]
    nlp.initialize(lambda: examples)
    for _ in range(20):
        nlp.update(examples)
    nlp.meta["name"] = "tiny_test"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return train_tiny_pipeline(tmp_path_factory.mktemp("model") / "sv_tiny")


def test_trained_pipeline_loads_from_a_path(tiny_model):
    choice = choose_pipeline(str(tiny_model))
    assert choice.kind == "trained" and "sv_tiny_test" in choice.notice and str(tiny_model) in choice.notice
    pipe = Pipeline(choice)
    assert "tagger" in pipe.nlp.pipe_names           # the trained component runs ...
    doc = pipe.nlp("Lönen är för låg")
    assert doc[0].tag_ in {"NOUN", "AUX", "ADV", "ADJ", "PRON", "VERB", "DET"}
    stream = next(pipe.process(["Lönesatsningarna behövs."]))
    assert "lön+satsning" in stream.parts           # ... and our lemmas and compounds follow it


def test_unknown_model_is_a_user_error(tmp_path):
    with pytest.raises(QualcodeError, match="neither an installed package nor a directory"):
        choose_pipeline("sv_no_such_pipeline")
    (tmp_path / "empty").mkdir()
    with pytest.raises(QualcodeError, match="meta.json"):
        choose_pipeline(str(tmp_path / "empty"))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "meta.json").write_text(json.dumps({"lang": "sv", "name": "x", "version": "0"}))
    with pytest.raises(QualcodeError, match="cannot load spaCy pipeline"):
        Pipeline(choose_pipeline(str(broken)))


def test_streams_cached_in_the_previous_format_still_read():
    """Model features read whatever blob a project holds: a qc2 blob (raw texts first, then the
    folded texts that differ) decodes to the same tokens."""
    sep, rec = "\x1f", "\x1e"
    forms, lemmas, parts = ["lönefrågan", "är"], ["lönefråga", "vara"], ["lön+fråga", ""]
    keys = sep.join(sorted({"lonefragan", "ar", "lonefraga", "vara", "lon", "fraga"})).encode()
    body = rec.join([sep.join(forms), sep.join(lemmas), sep.join(parts),
                     "lonefragan" + sep + "ar", "lonefraga" + sep + "vara", "lon+fraga" + sep]).encode()
    blob = b"QC2\x00" + (2).to_bytes(4, "little") + len(keys).to_bytes(4, "little") + bytes((7,)) + keys + \
        array("I", [0, 10, 11, 13]).tobytes() + body
    s = TokenStream.decode(blob)
    assert (s.forms, s.lemmas, s.parts, list(s.offsets)) == (forms, lemmas, parts, [0, 10, 11, 13])
    assert s.folded_forms == ["lonefragan", "ar"] and "lon" in s.keys


def test_a_decoded_stream_gives_forms_as_written_and_folded():
    s = TokenStream(["lönen", "är"], ["lön", "vara"], ["", ""], array("I", [0, 5, 6, 8]))
    blob = s.encode()
    assert len(blob) == 8 + 16 * 2   # a type id and two offsets per token, nothing spelled out
    back = TokenStream.decode(blob)
    assert back.folded_forms == ["lonen", "ar"] and back.folded_lemmas == ["lon", "vara"]
    assert back.forms == ["lönen", "är"] and back.lemmas == ["lön", "vara"] and back.parts == ["", ""]
    assert set(back.keys) == {"lonen", "lon", "ar", "vara"}


def test_a_projects_token_cache_reads_back_in_a_fresh_process(tmp_path, monkeypatch):
    """The streams refer to word types by id; the types live in the project, so a new process
    (here: the type registry emptied) reads the cache back exactly."""
    from qualcode import Project
    from qualcode.nlp import tokens
    from qualcode.suggest.run import suggest
    from .conftest import CODEBOOK
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("---\nid: a\n---\nLönefrågan diskuterades länge. Arbetslokalerna är trånga.\n",
                                encoding="utf-8")
    p = Project.init(tmp_path / "p.db", CODEBOOK)
    p.import_notes(notes)
    suggest(p)
    blobs = [r[0] for r in p.conn.execute("SELECT data FROM segment_tokens ORDER BY segment")]
    before = [TokenStream.decode(b) for b in blobs]
    before = [(s.forms, s.lemmas, s.parts, list(s.offsets)) for s in before]
    monkeypatch.setattr(tokens, "TYPES", {})
    monkeypatch.setattr(tokens, "_IDS", {})
    with pytest.raises(LookupError, match="not loaded"):
        TokenStream.decode(blobs[0]).forms
    tokens.load_types(p.conn)
    after = [TokenStream.decode(b) for b in blobs]
    assert [(s.forms, s.lemmas, s.parts, list(s.offsets)) for s in after] == before
    assert "lön+fråga" in after[0].parts and "lokal" in after[1].keys
    p.close()


def test_repeated_texts_get_the_same_tokens_and_suggestions_as_when_each_is_processed(tmp_path, monkeypatch):
    """suggest tokenizes and matches each distinct text once per run: a repeated sentence (in
    another note, another batch) must still get its own offsets, cache row and suggestions."""
    from qualcode import Project
    from qualcode.suggest import run as sg
    from qualcode.suggest import rule_source
    from .conftest import CODEBOOK
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")
    body = ("Lönefrågan diskuterades länge. Vi har inte hunnit starta brukarenkäten.\n\n"
            "Avgiftsadministratören har avlastat oss mycket. Lönefrågan diskuterades länge.\n")
    notes = tmp_path / "notes"
    notes.mkdir()
    for i, group in enumerate(("chefer", "medarbetare", "chefer")):
        (notes / f"n{i}.md").write_text(f"---\nid: n{i}\nround: ht2016\ngroup: {group}\nsdf: Bromma\n---\n"
                                        + ("Kaffet var gott. " * i) + body, encoding="utf-8")

    def run(name: str, memo: int) -> tuple[list, list]:
        monkeypatch.setattr(rule_source, "MEMO_MAX", memo)
        p = Project.init(tmp_path / f"{name}.db", CODEBOOK)
        p.import_notes(notes)
        sg.suggest(p, batch_size=2)
        rows = p.conn.execute("SELECT g.doc, g.position, s.code, s.start, s.end, s.score, s.negated, s.reason "
                              "FROM suggestions s JOIN segments g ON g.id = s.segment ORDER BY 1, 2, 3").fetchall()
        toks = p.conn.execute("SELECT g.doc, g.position, t.data FROM segment_tokens t "
                              "JOIN segments g ON g.id = t.segment ORDER BY 1, 2").fetchall()
        p.close()
        return [tuple(r) for r in rows], [tuple(r) for r in toks]

    once, each = run("memo", 200_000), run("plain", 0)
    assert once == each
    # the same sentences, shifted by the "Kaffet var gott." prefixes: same codes, offsets moved along
    by_doc = {d: [(r[2], r[3]) for r in once[0] if r[0] == d] for d in ("n0", "n1", "n2")}
    assert by_doc["n0"] and [c for c, _ in by_doc["n0"]] == [c for c, _ in by_doc["n2"]]
    shift = len("Kaffet var gott. ") * 2
    assert [a + shift for _, a in by_doc["n0"]] == [a for _, a in by_doc["n2"]]


def test_the_blank_fast_path_gives_what_the_pipeline_components_give(monkeypatch):
    """For the blank pipeline ``process`` runs only spaCy's tokenizer and looks each form up;
    the lemmatizer and compound components inside the spaCy pipeline must give the same."""
    from qualcode.nlp.pipeline import stream_from_doc
    monkeypatch.setenv("QUALCODE_NO_TRAINED", "1")
    pipe = Pipeline(choose_pipeline(None))
    assert pipe.nlp.pipe_names == ["sentencizer", "qualcode_lemmatizer", "qualcode_compounds"]
    texts = ["Lönefrågan diskuterades länge, t.ex. ingångslönen (2017-05-12).",
             "Vi har  inte hunnit med   brukarenkäten;\nadministratörerna slutar 3 st.",
             "Kontorslandskapet i arbetslokalerna — lokalt kompetens- och utvecklingsforum!", "", "   "]
    fast = list(pipe.process(texts))
    for text, stream in zip(texts, fast):
        slow = stream_from_doc(pipe.nlp(text))
        assert (stream.forms, stream.lemmas, stream.parts, list(stream.offsets)) == \
            (slow.forms, slow.lemmas, slow.parts, list(slow.offsets)), text
