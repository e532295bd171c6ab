import pytest
import spacy

from spacy_kogner.corpus.iob import IOBFormatError, read_iob_sentences, sentences_to_docs


def write(tmp_path, text, name="train.tsv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf8")
    return path


def test_sentences_without_docstart_are_documents(tmp_path):
    path = write(tmp_path, "Naloxone\tB-Chemical\nworks\tO\n\nPD\tB-Disease\nrose\tO\n\n\n")
    docs = list(read_iob_sentences(path))
    assert [[s[0] for s in doc] for doc in docs] == [[["Naloxone", "works"]], [["PD", "rose"]]]


def test_docstart_groups_sentences_into_documents(tmp_path):
    text = "-DOCSTART-\tO\n\nA\tO\nb\tB-Disease\n\nC\tO\n\n-DOCSTART-\tO\n\nD\tB-Chemical\nE\tI-Chemical\n"
    docs = list(read_iob_sentences(write(tmp_path, text)))
    assert len(docs) == 2 and len(docs[0]) == 2 and len(docs[1]) == 1
    doc = sentences_to_docs(spacy.blank("en").vocab, docs[0], "x")
    assert [s.text for s in doc.sents] == ["A b", "C"] and [(e.text, e.label_) for e in doc.ents] == [("b", "Disease")]
    doc = sentences_to_docs(spacy.blank("en").vocab, docs[1], "x")
    assert [(e.text, e.label_) for e in doc.ents] == [("D E", "Chemical")]


def test_iob1_style_inside_tag_starts_an_entity(tmp_path):
    docs = list(read_iob_sentences(write(tmp_path, "x\tO\ny\tI-Disease\nz\tI-Disease\n")))
    doc = sentences_to_docs(spacy.blank("en").vocab, docs[0], "x")
    assert [(e.text, e.label_) for e in doc.ents] == [("y z", "Disease")]


@pytest.mark.parametrize("line", ["Naloxone B-Chemical", "Naloxone\tX-Chemical", "\tO", "a\tO\textra"])
def test_malformed_line_names_file_and_line(tmp_path, line):
    path = write(tmp_path, f"ok\tO\n{line}\n")
    with pytest.raises(IOBFormatError, match=r"train.tsv:2: expected"):
        list(read_iob_sentences(path))


def test_a_line_that_is_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_bytes("ok\tO\n\nAspirin\tB-Chemical\r\nbad\xff\tO\n".encode("latin-1"))
    with pytest.raises(IOBFormatError, match=r"train.tsv:4: not UTF-8 text \(byte 0xff at character 3 of the line\)"):
        list(read_iob_sentences(path))
