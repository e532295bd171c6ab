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


def test_chebi_entries_merge_into_mesh_by_pubchem_cas_or_name_and_become_xrefs(tmp_path):
    import json

    from spacy_kogner.kg_build import build_table
    import numpy as np

    mesh = tmp_path / "mesh.tsv"
    mesh.write_text("D003907\tDexamethasone\t\tD04.210\nD002945\tCisplatin\t\tD01.210\nD008694\tMorphine\t\tD03.132\n"
                    "D000001\tDup\t\tD01.1\nD000002\tDup\t\tD01.2\n", encoding="utf8")
    chebi = tmp_path / "chebi.json"
    chebi.write_text(json.dumps([
        {"id": "CHEBI:41879", "name": "dexamethasone", "synonyms": ["Decadron"]},  # PubChem -> MeSH
        {"id": "CHEBI:27899", "name": "cis-diamminedichloroplatinum(II)"},  # CAS -> MeSH
        {"id": "CHEBI:17303", "name": "morphine"},  # same preferred name
        {"id": "CHEBI:1", "name": "dup"},  # two MeSH entities have this name: kept apart
        {"id": "CHEBI:2", "name": "unmapped drug"},
    ]), encoding="utf8")
    mappings = tmp_path / "mesh_mappings.tsv"
    mappings.write_text("MESH\tD008694\tMorphine\tCHEBI\tCHEBI:17303\tmorphine\nMESH\tD000001\tDup\tCHEBI\tCHEBI:1\tdup\n"
                        "MESH\tD000001\tDup\tCHEBI\tCHEBI:2\tx\n", encoding="utf8")
    (tmp_path / "c2p.tsv").write_text("CHEBI\tPUBCHEM\tIK_MATCH\n41879\t5743\t\n", encoding="utf8")
    (tmp_path / "p2m.tsv").write_text("5743\tD003907\n", encoding="utf8")
    (tmp_path / "cas2c.tsv").write_text("CAS\tCHEBI\n15663-27-1\t27899\n", encoding="utf8")
    (tmp_path / "m2cas.tsv").write_text("D002945\t15663-27-1\n", encoding="utf8")
    # CHEBI:17303 is mapped by mesh_mappings; drop that row to see the name match do it
    mappings.write_text("MESH\tD000001\tDup\tCHEBI\tCHEBI:1\tdup\n", encoding="utf8")
    sources = KGSources(mesh_descriptors=mesh, chebi=chebi, mesh_mappings=mappings, chebi_pubchem=tmp_path / "c2p.tsv",
                        pubchem_mesh=tmp_path / "p2m.tsv", cas_chebi=tmp_path / "cas2c.tsv", mesh_cas=tmp_path / "m2cas.tsv")
    merged = merge_sources(sources, log=lambda _: None)
    by_id = {e.id: e for e in merged.entities}
    assert by_id["MESH:D003907"].xrefs == ["CHEBI:41879"] and "Decadron" in by_id["MESH:D003907"].aliases
    assert by_id["MESH:D002945"].xrefs == ["CHEBI:27899"]
    assert by_id["MESH:D008694"].xrefs == ["CHEBI:17303"]
    assert by_id["MESH:D000001"].xrefs == ["CHEBI:1"]  # through mesh_mappings
    assert "CHEBI:2" not in by_id  # kept only when MeSH-mapped or a drug
    assert merged.stats["merged_by_name"]["chebi"] == 1
    table = build_table(merged.entities, np.zeros((len(merged.entities), 2), dtype="float32"))
    assert [table.ids[r] for r in table.candidates("dexamethasone")] == ["MESH:D003907"]
    assert table.xrefs_of("MESH:D003907") == ["CHEBI:41879"] and table.xrefs_of("nothing") == []
    restored = type(table).from_bytes(table.to_bytes())
    assert restored.xrefs == table.xrefs


def test_an_ambiguous_preferred_name_merges_nothing(tmp_path):
    mesh = tmp_path / "mesh.tsv"
    mesh.write_text("D000001\tDup\t\tC01.1\nD000002\tDup\t\tC01.2\n", encoding="utf8")
    import json

    doid = tmp_path / "doid.json"
    doid.write_text(json.dumps([{"id": "DOID:1", "name": "dup"}]), encoding="utf8")
    merged = merge_sources(KGSources(mesh_descriptors=mesh, doid=doid), log=lambda _: None)
    assert sorted(e.id for e in merged.entities) == ["DOID:1", "MESH:D000001", "MESH:D000002"]
