from spacy_kogner.kg_build.merge import KGSources, merge_sources


def test_corpus_mentions_become_one_entity_per_key_and_label():
    mentions = [("breast cancer", "Disease", "d1"), ("Breast cancers", "Disease", "d2"), ("breast cancer", "Disease", "d1"),
                ("breast-cancer", "Chemical", "d3"), ("-", "Disease", "d3"), ("x", "Disease", "d3")]
    graph = merge_sources(KGSources(), log=lambda _: None, corpus_mentions=mentions)
    by_id = {e.id: e for e in graph.entities}
    assert sorted(by_id) == ["corpus:Chemical:breastcancer", "corpus:Disease:breastcancer"]
    disease = by_id["corpus:Disease:breastcancer"]
    assert (disease.type, disease.name, disease.aliases) == ("Disease", "breast cancer", ["Breast cancers"])
    assert graph.relations == [] and graph.stats["sources"]["corpus_mentions"] == {"mentions": 6, "entities_added": 2}
    # every link of a corpus entity is gold-only, recorded with the documents it came from
    assert graph.gold_links == {("breastcancer", "corpus:Disease:breastcancer"): {"d1", "d2"},
                                ("breastcancer", "corpus:Chemical:breastcancer"): {"d3"}}
