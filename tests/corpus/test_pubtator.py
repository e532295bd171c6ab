import pytest

from spacy_kogner.corpus.pubtator import PubTatorFormatError, read_pubtator


def test_pubtator_mention_with_bad_offsets_names_file_and_line(tmp_path):
    path = tmp_path / "bad.PubTator.txt"
    path.write_text("1|t|Aspirin helps.\n1\t0\t7\tAspirin\tChemical\tD001241\n1\tx\t7\tAspirin\tChemical\tD001241\n",
                    encoding="utf8")
    with pytest.raises(PubTatorFormatError, match=r"bad\.PubTator\.txt:3: mention offsets"):
        read_pubtator([path])



PUBTATOR = (
    "1|t|Naloxone reverses Li2CO3-induced hypotension .\n"
    "1|a|Breast and ovarian cancer were not seen .\n"
    "1\t0\t8\tNaloxone\tChemical\tD009270\n"
    "1\t18\t20\tLi\tChemical\tD008094\n"
    "1\t33\t44\thypotension\tDisease\tD007022\n"
    "1\t47\t72\tBreast and ovarian cancer\tDisease\tD001943|D010051\tBreast cancer|ovarian cancer\n"
    "1\tCID\tD003000\tD007022\n"
    "2|t|Lithium toxicity .\n"
    "2|a|\n"
    "2\t0\t16\tLithium toxicity\tDisease\t-1\n"
    "3|t|No blank line before this document .\n"
    "3|a|Seizures .\n"
    "3\t37\t45\tSeizures\tSpecificDisease\tD012640+D004827\n"
)


def test_documents_mentions_composite_and_unlinkable_ids(tmp_path):
    from spacy_kogner.corpus.pubtator import concept_ids, document_text, iter_pubtator

    path = tmp_path / "x.PubTator.txt"
    path.write_text(PUBTATOR.replace("2|t|", "\n2|t|"), encoding="utf8")
    docs = list(iter_pubtator(path))
    assert [d.pmid for d in docs] == ["1", "2", "3"]
    text = document_text(docs[0])
    assert all(text[a.start:a.end] == a.text for a in docs[0].annotations)
    assert [concept_ids(a.id) for a in docs[0].annotations][-1] == ["MESH:D001943", "MESH:D010051"]
    assert docs[0].annotations[-1].others == ["Breast cancer|ovarian cancer"]
    assert [(r.type, r.id1, r.id2) for r in docs[0].relations] == [("CID", "D003000", "D007022")]
    assert concept_ids("-1") == [] and concept_ids("") == [] and concept_ids("OMIM:1|D2") == ["OMIM:1", "MESH:D2"]
    assert concept_ids(docs[2].annotations[0].id) == ["MESH:D012640", "MESH:D004827"]
    data = read_pubtator([path])
    # Chemical/Disease only, NCBI-disease's types read as Disease
    assert len(data.mentions) == 6 and data.cid == [("MESH:D003000", "MESH:D007022")]
    assert data.mentions[-1].label == "Disease" and data.mentions[-1].text == "Seizures"
    assert data.texts["2"] == "Lithium toxicity . "


def test_a_file_written_by_bioc_reads_back_the_same(tmp_path):
    import bioc.pubtator

    from spacy_kogner.corpus.pubtator import iter_pubtator

    path = tmp_path / "x.PubTator.txt"
    path.write_text(PUBTATOR.replace("2|t|", "\n2|t|"), encoding="utf8")
    docs = list(iter_pubtator(path))
    copy = tmp_path / "copy.PubTator.txt"
    with copy.open("w", encoding="utf8") as file:
        bioc.pubtator.dump(docs, file)
    assert "\tD009270\t\n" in copy.read_text(encoding="utf8")  # bioc's trailing tab
    again = list(iter_pubtator(copy))
    assert [a.others for a in again[0].annotations] == [a.others for a in docs[0].annotations]
    assert again[0].annotations[0].others == []
    original, copied = read_pubtator([path]), read_pubtator([copy])
    assert (copied.mentions, copied.cid) == (original.mentions, original.cid)


def test_a_row_outside_its_document_names_file_and_line(tmp_path):
    path = tmp_path / "bad.PubTator.txt"
    path.write_text("1|t|Aspirin .\n2\t0\t7\tAspirin\tChemical\tD001241\n", encoding="utf8")
    with pytest.raises(PubTatorFormatError, match=r"bad\.PubTator\.txt:2: a row of document '2' outside"):
        read_pubtator([path])
    path.write_text("1|t|Aspirin .\n1\tjunk\n", encoding="utf8")
    with pytest.raises(PubTatorFormatError, match=r"bad\.PubTator\.txt:2: not a title, abstract, mention or relation"):
        read_pubtator([path])


def test_pubtator_documents_become_docs_with_ids_and_reported_misalignments(tmp_path):
    import spacy

    from spacy_kogner.corpus.pubtator_docs import pubtator_to_docs

    path = tmp_path / "x.PubTator.txt"
    path.write_text(PUBTATOR, encoding="utf8")
    docs, report = pubtator_to_docs(path, spacy.blank("en").make_doc)
    ents = [(e.text, e.label_, e.kb_id_) for e in docs[0].ents]
    # "Li" is part of the token "Li2CO3": that mention is reported, and its token is missing annotation
    assert ents == [("Naloxone", "Chemical", "MESH:D009270"), ("hypotension", "Disease", "MESH:D007022"),
                    ("Breast and ovarian cancer", "Disease", "MESH:D001943|MESH:D010051")]
    assert report.misaligned == [{"doc": "1", "start": 18, "end": 20, "text": "Li"}]
    assert docs[0][2].ent_iob_ == ""  # missing: neither entity nor O
    assert [(e.text, e.kb_id_) for e in docs[1].ents] == [("Lithium toxicity", "")]
    assert [(e.label_, e.kb_id_) for e in docs[2].ents] == [("Disease", "MESH:D012640|MESH:D004827")]
    stats = report.as_dict()
    assert stats["composite"] == 2 and stats["without_id"] == 1 and stats["misaligned"] == 1
    assert docs[0].user_data["pubtator_id"] == "1"


def test_a_mention_whose_text_differs_from_the_document_is_an_error(tmp_path):
    import spacy

    from spacy_kogner.corpus.pubtator_docs import pubtator_to_docs

    path = tmp_path / "x.PubTator.txt"
    path.write_text("1|t|Aspirin helps .\n1\t0\t7\tAspirln\tChemical\tD001241\n", encoding="utf8")
    with pytest.raises(ValueError, match="x.PubTator.txt: document 1: mention 'Aspirln' at 0-7 does not match"):
        pubtator_to_docs(path, spacy.blank("en").make_doc)


def test_a_line_that_is_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "bad.PubTator.txt"
    path.write_bytes(b"1|t|Aspirin .\r\n1|a|Caf\xe9ine .\r\n")
    with pytest.raises(PubTatorFormatError, match=r"bad\.PubTator\.txt:2: not UTF-8 text \(byte 0xe9 at character 7"):
        read_pubtator([path])
