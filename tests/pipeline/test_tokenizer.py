import pytest
import spacy
from spacy.util import registry


def make_nlp():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "spacy_kogner.SciSpacyTokenizer.v1"}}})


def test_scispacy_tokenizer_from_config(tmp_path):
    nlp = make_nlp()
    text = "Patients (n=12) received 5-fluorouracil; IL-2 levels rose."
    words = [t.text for t in nlp(text)]
    assert words == [t.text for t in registry.tokenizers.get("spacy_kogner.SciSpacyTokenizer.v1")()(spacy.blank("en"))(text)]
    assert "5-fluorouracil" in words and "(" in words
    nlp.to_disk(tmp_path / "p")
    assert [t.text for t in spacy.load(tmp_path / "p")(text)] == words


def test_the_default_tokenizer_splits_at_invisible_format_characters(tmp_path):
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "spacy_kogner.Tokenizer.v1"}}})
    assert [t.text for t in nlp("Cisplatin\u200b-induced nephrotoxicity")] == ["Cisplatin", "\u200b", "-", "induced", "nephrotoxicity"]
    assert [t.text for t in nlp("cis\u00adplatin")] == ["cis", "\u00ad", "platin"]
    assert [t.text for t in nlp("(\ufeffNaloxone\u200b)")] == ["(", "\ufeff", "Naloxone", "\u200b", ")"]  # before or after a word


def test_the_default_tokenizer_splits_at_control_characters(tmp_path):
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "spacy_kogner.Tokenizer.v1"}}})
    # NUL and BEL, and C1 controls from text decoded as Latin-1 instead of Windows-1252 (en dash, apostrophe)
    assert [t.text for t in nlp("lidocaine\x00 arrhythmia")] == ["lidocaine", "\x00", "arrhythmia"]
    assert [t.text for t in nlp("\x07lido\x7fcaine")] == ["\x07", "lido", "\x7f", "caine"]
    assert [t.text for t in nlp("5\x96fluorouracil and Crohn\x92s")] == ["5", "\x96", "fluorouracil", "and", "Crohn", "\x92", "s"]
    assert [t.text for t in nlp("a\x85b\x1fc")] == [t.text for t in spacy.blank("en")("a\x85b\x1fc")]  # whitespace: as spaCy's
    nlp.to_disk(tmp_path / "p")
    assert [t.text for t in spacy.load(tmp_path / "p")("\x00a\x9fb")] == ["\x00", "a", "\x9f", "b"]
    plain = spacy.blank("en")
    for text in ("Naloxone reverses clonidine-induced hypotension (PD).", "TNF-α levels, 5-FU and Parkinson's disease"):
        assert [t.text for t in nlp(text)] == [t.text for t in plain(text)]  # text without them: as spaCy's
    doc = nlp("Cisplatin\u200b-induced")
    assert doc.text == "Cisplatin\u200b-induced"  # offsets index the original text
    nlp.to_disk(tmp_path / "p")
    assert [t.text for t in spacy.load(tmp_path / "p")("a\u200bb")] == ["a", "\u200b", "b"]


@pytest.mark.parametrize("tokenizer", ["spacy_kogner.Tokenizer.v1", "spacy_kogner.SciSpacyTokenizer.v1"])
def test_the_tokenizers_say_where_a_lone_surrogate_is(tmp_path, tokenizer):
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": tokenizer}}})
    nlp.to_disk(tmp_path / "p")
    for pipeline in (nlp, spacy.load(tmp_path / "p")):
        with pytest.raises(ValueError, match=r"lone surrogate \('\\udc9f' at character 9, after 'Cisplatin'\)"):
            pipeline("Cisplatin\udc9f-induced")
        with pytest.raises(ValueError, match="lone surrogate"):
            list(pipeline.pipe(["fine", "x \ud800"]))
        assert [t.text for t in pipeline("Cisplatin \U0001d6fc")] == ["Cisplatin", "\U0001d6fc"]  # an astral character is fine


def test_kg_lookup_sees_a_name_split_by_invisible_characters():
    from spacy_kogner.kg import KGTable
    from tests.util import TINY_KG

    kg = KGTable.from_disk(TINY_KG)
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "spacy_kogner.Tokenizer.v1"}}})
    for text in ("Naloxone\u200b-induced", "Nal\u00adoxone given", "\ufeffnaloxone", "Nalox\x00one\x96induced"):
        words = [t.text for t in nlp(text)]
        assert [kg.ids[m.entities[0]] for m in kg.find_mentions(words)] == ["MESH:D009270"], text
