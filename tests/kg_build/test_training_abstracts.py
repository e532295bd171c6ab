import pytest
import spacy
from spacy.tokens import DocBin

from spacy_kogner.corpus.pubtator import iter_pubtator, read_pubtator
from spacy_kogner.kg_build.build import KGBuildError
from spacy_kogner.kg_build.training_abstracts import write_training_abstracts

# three abstracts, the second twice (as NCBI-disease's traindev file has one in both splits)
TRAINDEV = (
    "1|t|Cystic fibrosis in twins .\n1|a|The CFTR gene was sequenced .\n"
    "1\t0\t15\tCystic fibrosis\tSpecificDisease\tD003550\n\n"
    "2|t|Wilms tumor in a child .\n2|a|Aniridia was absent .\n"
    "2\t0\t11\tWilms tumor\tSpecificDisease\tD009396\n2\t24\t32\tAniridia\tSpecificDisease\tD015783\n\n"
    "3|t|Colon cancers and APC .\n3|a|Families were studied .\n"
    "3\t0\t13\tColon cancers\tDiseaseClass\tD003110\n\n"
    "2|t|Wilms tumor in a child .\n2|a|Aniridia was absent .\n"
    "2\t0\t11\tWilms tumor\tSpecificDisease\tD009396\n2\t24\t32\tAniridia\tSpecificDisease\tD015783\n"
)


def corpus_file(path, sentences):
    nlp = spacy.blank("en")
    DocBin(docs=[nlp.make_doc(text) for text in sentences]).to_disk(path)
    return path


def test_writes_the_abstracts_holding_a_training_sentence_once_each(tmp_path):
    source = tmp_path / "traindev.PubTator.txt"
    source.write_text(TRAINDEV, encoding="utf8")
    train = corpus_file(tmp_path / "train.spacy", ["Aniridia was absent .", "Cystic  fibrosis in twins ."])
    counts = write_training_abstracts(source, train, tmp_path / "train.PubTator.txt")
    assert counts == {"abstracts": 4, "abstracts_written": 2, "corpus_docs": 2, "corpus_docs_found": 2}
    written = list(iter_pubtator(tmp_path / "train.PubTator.txt"))
    assert [doc.pmid for doc in written] == ["1", "2"]  # file order, PMID 2 once
    data = read_pubtator([tmp_path / "train.PubTator.txt"])
    assert sorted((m.text, m.label, tuple(m.ids)) for m in data.mentions) == [
        ("Aniridia", "Disease", ("MESH:D015783",)), ("Cystic fibrosis", "Disease", ("MESH:D003550",)),
        ("Wilms tumor", "Disease", ("MESH:D009396",))]


def test_no_training_document_in_the_file_is_an_error_naming_both(tmp_path):
    source = tmp_path / "traindev.PubTator.txt"
    source.write_text(TRAINDEV, encoding="utf8")
    train = corpus_file(tmp_path / "train.spacy", ["A sentence from elsewhere ."])
    with pytest.raises(KGBuildError, match=r"None of the 1 documents of .*train\.spacy is in an abstract of .*traindev"):
        write_training_abstracts(source, train, tmp_path / "out.PubTator.txt")
    assert not (tmp_path / "out.PubTator.txt").exists()
