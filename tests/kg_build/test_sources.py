import gzip
import json

import pytest

from spacy_kogner.corpus.pubtator import read_pubtator
from spacy_kogner.kg_build.merge import KGSources, merge_sources
from spacy_kogner.kg_build.sources import (
    KGSourceError,
    read_hetionet_edges,
    read_hetionet_nodes,
    read_hgnc,
    read_id_map,
    read_mesh_descriptors,
    read_obo_json,
    uninverted,
)


def write_json(path, data):
    path.write_text(json.dumps(data), encoding="utf8")
    return path


def test_mesh_inverted_names_get_their_natural_order():
    names = uninverted(["Hypotension, Orthostatic", "Postural Hypotension", "Acids, Amino", "2,3-Dimethyl, (S)-x"])
    assert names[:4] == ["Hypotension, Orthostatic", "Postural Hypotension", "Acids, Amino", "2,3-Dimethyl, (S)-x"]
    assert names[4:] == ["Orthostatic Hypotension", "Amino Acids"]  # chemical names with digits stay as they are


def test_ontology_ids_prefix_root_and_xref_namespaces(tmp_path):
    nodes = [
        {"id": "HP:0000001", "name": "All"},
        {"id": "HP:0000118", "name": "Phenotypic abnormality", "relations": {"is_a": ["HP:0000001"]}},
        {"id": "HP:0000709", "name": "Psychosis", "relations": {"is_a": ["HP:0000118"]}, "synonyms": ["Psychoses"],
         "xrefs": [{"namespace": "MSH", "id": "D011618"}, {"namespace": "UMLS", "id": "C0033975"},
                   {"namespace": "SNOMEDCT_US", "id": "1"}]},
        {"id": "HP:0000005", "name": "Mode of inheritance", "relations": {"is_a": ["HP:0000001"]}},
    ]
    ents = read_obo_json(write_json(tmp_path / "hp.json", nodes), "Disease", root="HP:0000118")
    assert [e.id for e in ents] == ["HP:0000118", "HP:0000709"]
    assert ents[1].xrefs == ["MESH:D011618", "UMLS:C0033975"] and ents[1].parents == ["HP:0000118"]
    mondo = [{"id": "0000002", "name": "b", "relations": {"is_a": ["0000001"]}}]
    (ent,) = read_obo_json(write_json(tmp_path / "mondo.json", mondo), "Disease", prefix="MONDO:")
    assert ent.id == "MONDO:0000002" and ent.parents == ["MONDO:0000001"]


def test_hetionet_symptoms_and_side_effects(tmp_path):
    path = tmp_path / "nodes.tsv"
    path.write_text("id\tname\tkind\nSymptom::D000006\tAbdomen, Acute\tSymptom\n"
                    "Side Effect::C0235378\tHepatotoxicity\tSide Effect\nGene::1\tA1BG\tGene\n", encoding="utf8")
    ents = read_hetionet_nodes(path)
    assert [(e.id, e.type, e.name) for e in ents] == [("MESH:D000006", "Disease", "Abdomen, Acute"),
                                                      ("UMLS:C0235378", "Disease", "Hepatotoxicity")]


def test_later_sources_merge_through_cross_references(tmp_path):
    mesh = tmp_path / "mesh.tsv"
    mesh.write_text("D011618\tPsychotic Disorders\tPsychoses\tF03.700\nD006331\tHeart Diseases\t\tC14.280\n", encoding="utf8")
    hpo = write_json(tmp_path / "hp.json", [
        {"id": "HP:0000118", "name": "Phenotypic abnormality"},
        {"id": "HP:0001627", "name": "Abnormal heart morphology", "relations": {"is_a": ["HP:0000118"]},
         "xrefs": [{"namespace": "MSH", "id": "D006331"}, {"namespace": "UMLS", "id": "C0018798"}]},
    ])
    nodes = tmp_path / "nodes.tsv"
    nodes.write_text("id\tname\tkind\nSide Effect::C0018798\tCongenital heart disease\tSide Effect\n", encoding="utf8")
    graph = merge_sources(KGSources(mesh_descriptors=mesh, hpo=hpo, hetionet_nodes=nodes), log=lambda _: None)
    by_id = {e.id: e for e in graph.entities}
    # HPO merges into MeSH through its MSH xref; the SIDER side effect through the UMLS id HPO gave
    assert "HP:0001627" not in by_id and "UMLS:C0018798" not in by_id
    assert {"Abnormal heart morphology", "Congenital heart disease"} <= set(by_id["MESH:D006331"].aliases)


def mesh_and_pubtator(tmp_path, mesh_rows, pubtator_text):
    """KG sources of a MeSH descriptor file and a PubTator train file with these contents."""
    mesh = tmp_path / "mesh.tsv"
    mesh.write_text(mesh_rows, encoding="utf8")
    pubtator = tmp_path / "train.PubTator.txt"
    pubtator.write_text(pubtator_text, encoding="utf8")
    return KGSources(mesh_descriptors=mesh, pubtator=[pubtator])


def test_gold_aliases_only_from_the_kept_training_mentions(tmp_path):
    sources = mesh_and_pubtator(
        tmp_path, "D009270\tNaloxone\t\tD03.132\nD003000\tClonidine\t\tD03.383\nD006973\tHypertension\t\tC14.907\n",
        "1|t|x\n1\t0\t5\tNarcan\tChemical\tD009270\n1\t6\t9\tCatapres\tChemical\tD003000\n"
        "1\t10\t12\tHigh BP\tDisease\tD006973\n1\tCID\tD003000\tD006973\n1\tCID\tD009270\tD006973\n\n")
    everything = merge_sources(sources, log=lambda _: None)
    kept = merge_sources(sources, log=lambda _: None, keep_gold=lambda text, label: text in ("Catapres", "High BP"))
    aliases = lambda g: {e.id: e.aliases for e in g.entities}
    assert aliases(everything)["MESH:D009270"] == ["Narcan"] and aliases(kept)["MESH:D009270"] == []
    assert aliases(kept)["MESH:D003000"] == ["Catapres"]
    assert ("MESH:D003000", "CID", "MESH:D006973") in kept.relations
    assert ("MESH:D009270", "CID", "MESH:D006973") not in kept.relations


def test_gold_only_alias_links_are_recorded_with_their_abstracts(tmp_path):
    sources = mesh_and_pubtator(
        tmp_path, "D009270\tNaloxone\t\tD03.132\nD006973\tHypertension\tHigh blood pressure\tC14.907\n",
        "1|t|Narcan and hypertension\n1|a|More.\n1\t0\t6\tNarcan\tChemical\tD009270\n"
        "1\t11\t23\thypertension\tDisease\tD006973\n\n2|t|Narcan\n2\t0\t6\tNarcan\tChemical\tD009270\n"
        "2\t7\t9\tHBP\tDisease\tD006973\n\n")
    graph = merge_sources(sources, log=lambda _: None)
    # "hypertension" is the entity's own name: not gold-only
    assert graph.gold_links == {("narcan", "MESH:D009270"): {"pmid:1", "pmid:2"}, ("hbp", "MESH:D006973"): {"pmid:2"}}
    data = read_pubtator(sources.pubtator)
    assert data.texts == {"1": "Narcan and hypertension More.", "2": "Narcan"}
    assert data.mentions[1] == ("1", 11, 23, "hypertension", "Disease", ["MESH:D006973"])


def test_mesh_types_mental_disorders_are_diseases():
    from spacy_kogner.kg_build.sources import mesh_descriptor_type

    assert mesh_descriptor_type(["F03.600.300"]) == "Disease"  # Depressive Disorder
    assert mesh_descriptor_type(["C10.228", "D27.505"]) == "Disease" and mesh_descriptor_type(["D02.1"]) == "Chemical"
    assert mesh_descriptor_type(["F01.145"]) is None and mesh_descriptor_type([]) is None  # behaviour, not a disorder


HGNC_HEADER = "HGNC ID\tApproved symbol\tApproved name\tStatus\tNCBI Gene ID(supplied by NCBI)\n"


def test_tab_separated_sources_read_gzip_and_name_a_line_that_is_not_utf8(tmp_path):
    edges = tmp_path / "edges.sif.gz"
    edges.write_bytes(gzip.compress(b"Compound::DB1\tCtD\tDisease::DOID:1\nGene::1\tGiG\tGene::2\n"))
    assert list(read_hetionet_edges(edges, None)) == [("Compound::DB1", "treats", "Disease::DOID:1"),
                                                      ("Gene::1", "interacts", "Gene::2")]
    mesh = tmp_path / "mesh_id_label_mappings.tsv"
    mesh.write_bytes(b"D006331\tHeart Diseases\t\tC14.280\nD002110\tCaf\xe9ine\t\tD03.132\n")
    with pytest.raises(KGSourceError, match=r"mesh_id_label_mappings.tsv:2: not UTF-8 text \(byte 0xe9 at character 11"):
        read_mesh_descriptors(mesh)
    edges.write_bytes(gzip.compress(b"Gene::1\tGiG\tGene::2\n" * 100)[:40])
    with pytest.raises(KGSourceError, match=r"edges.sif.gz: cannot be read"):
        list(read_hetionet_edges(edges, None))


def test_header_sources_name_a_missing_column_or_a_short_row(tmp_path):
    hgnc = tmp_path / "hgnc_entries.tsv"
    hgnc.write_text(HGNC_HEADER + "HGNC:5\tA1BG\talpha-1-B glycoprotein\tApproved\t1\n", encoding="utf8")
    genes, entrez = read_hgnc(hgnc)
    assert [(g.id, g.name, g.aliases) for g in genes] == [("HGNC:5", "A1BG", ["alpha-1-B glycoprotein"])]
    assert entrez == {"1": "HGNC:5"}
    hgnc.write_text(HGNC_HEADER + "HGNC:5\tA1BG\n", encoding="utf8")
    with pytest.raises(KGSourceError, match=r"hgnc_entries.tsv:2: 2 fields, fewer than the header's 5"):
        read_hgnc(hgnc)
    hgnc.write_text(HGNC_HEADER.replace("Status", "state"), encoding="utf8")
    with pytest.raises(KGSourceError, match=r"hgnc_entries.tsv:1: the header line lacks the column\(s\) \['Status'\]"):
        read_hgnc(hgnc)
    nodes = tmp_path / "nodes.tsv"
    nodes.write_text("id\tname\tkind\nSymptom::D000006\tAbdomen, Acute\tSymptom\nD000007\tx\tSymptom\n", encoding="utf8")
    with pytest.raises(KGSourceError, match=r"nodes.tsv:3: node id 'D000007' is not of the form Symptom::id"):
        read_hetionet_nodes(nodes)


def test_id_map_skips_only_the_header_line(tmp_path):
    path = tmp_path / "chebi_to_pubchem.tsv"
    path.write_text("CHEBI\tPUBCHEM\n15365\t2244\n\n27732\t2519\n", encoding="utf8")
    assert read_id_map(path, 0, 1, True, "CHEBI:") == {"CHEBI:15365": {"2244"}, "CHEBI:27732": {"2519"}}


def test_an_ontology_file_that_is_not_a_node_list_is_named(tmp_path):
    path = tmp_path / "doid.json"
    path.write_text('[{"id": "DOID:4", "name": "disease"', encoding="utf8")
    with pytest.raises(KGSourceError, match=r"doid.json: not an ontology JSON file"):
        read_obo_json(path, "Disease")
    write_json(path, {"nodes": []})
    with pytest.raises(KGSourceError, match=r"doid.json: not an ontology JSON file \(expected a list of node objects\)"):
        read_obo_json(path, "Disease")
    write_json(path, [{"id": "DOID:4", "name": "disease"}, {"name": "cancer"}])
    with pytest.raises(KGSourceError, match=r"doid.json: the node named 'cancer' has no id"):
        read_obo_json(path, "Disease")
    path.write_bytes(b'[{"id": "DOID:4", "name": "Caf\xe9"}]')
    with pytest.raises(KGSourceError, match=r"doid.json: not an ontology JSON file"):
        read_obo_json(path, "Disease")
