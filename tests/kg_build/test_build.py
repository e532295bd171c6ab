from pathlib import Path

import pytest
import spacy

from spacy_kogner.corpus.convert import convert_iob_corpus
from spacy_kogner.kg import GoldHoldOut, KGTable
from spacy_kogner.kg_build.build import KGBuildError, KGBuildOptions, build_kg, training_pubtator_files

SMOKE = Path(__file__).parents[2] / "assets" / "smoke"


def build(out: Path, **extra):
    options = KGBuildOptions(
        resources=SMOKE / "kg/resources", hetionet=SMOKE / "kg/hetionet",
        pubtator=[SMOKE / "kg/train.PubTator.txt", SMOKE / "kg/devel.PubTator.txt"],
        transformer=str(SMOKE / "transformer"), dim=16, name_sample=100, epochs=2, seed=0, **extra)
    stats = build_kg(out / "kg", options, log=lambda _: None)
    return KGTable.from_disk(out / "kg"), stats


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("kg1"))


def test_unified_graph_contents(built):
    table, stats = built
    assert set(table.type_labels) == {"Chemical", "Disease", "Gene"}
    assert {"is_a", "CID", "associates"} <= set(table.relation_labels) and len(table.relation_labels) <= 16
    assert table.vector_dim == 16 and table.vectors.dtype.name == "float16"
    # DOID diseases with a MeSH xref are merged into the MeSH entity
    assert stats["sources"]["doid"] > 0 and not any(i.startswith("DOID:") for i in table.ids if table.candidates(table.names[table.index_of(i)]) == ())
    assert stats["entities_per_type"]["Gene"] == 100
    assert set(stats["edges_per_relation"]) == set(table.relation_labels)
    dist = stats["distillation"]
    assert dist["structure_teacher"] == "TransE" and dist["name_sample"] == 100
    assert set(table.provenance["sources"]) >= {"mesh_descriptors", "hgnc", "doid", "pubtator_0"}
    assert all(len(s["md5"]) == 32 for s in table.provenance["sources"].values())


def test_gold_pubtator_mentions_become_aliases(built):
    table, _ = built
    # BC5CDR train: "nalozone" (a misspelling) is annotated with no id, but naloxone is D009270
    assert table.ids[table.candidates("naloxone")[0]] == "MESH:D009270"


def test_types_keep_only_those_entities_and_their_relations(built, tmp_path):
    table, stats = build(tmp_path, types=["Disease"])
    assert set(table.type_labels[t] for t in set(table.types.tolist())) == {"Disease"}
    assert table.n_entities == built[1]["entities_per_type"]["Disease"] == stats["entities"]
    assert stats["types_kept"] == ["Disease"] and stats["entities_of_other_types"] > 0
    assert "CID" not in {table.relation_labels[r] for r in set(table.relations[:, 1].tolist())}  # chemical -> disease
    assert not table.candidates("naloxone")
    with pytest.raises(KGBuildError, match="Protein"):
        build(tmp_path / "none", types=["Protein"])


def test_same_seed_same_table(built, tmp_path):
    table, _ = built
    again, _ = build(tmp_path)
    assert again.to_bytes() == table.to_bytes()


def test_coverage_stats_with_a_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    convert_iob_corpus(SMOKE / "corpus", corpus)
    _, stats = build(tmp_path, corpus=corpus)
    for split in ("train", "dev"):
        assert set(stats["coverage"][split]) == {"Chemical", "Disease", "all"}
        assert 0.0 < stats["coverage"][split]["all"] <= 1.0


def pubtator_sentences(pubtator: Path, out: Path) -> Path:
    """The abstracts of a PubTator file as one annotated doc per sentence, in a DocBin."""
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    from spacy_kogner.corpus.pubtator import read_pubtator

    data = read_pubtator([pubtator])
    offsets = {}
    for line in pubtator.read_text(encoding="utf8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 6 and parts[4] in ("Chemical", "Disease"):
            offsets.setdefault(parts[0], []).append((int(parts[1]), int(parts[2]), parts[4]))
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    docs = DocBin()
    for pmid, text in data.texts.items():
        doc = nlp(text)
        doc.ents = filter_spans([doc.char_span(s, e, label, alignment_mode="expand") for s, e, label in offsets.get(pmid, [])])
        for sent in doc.sents:
            docs.add(sent.as_doc())
    docs.to_disk(out)
    return out


def test_gold_aliases_are_held_out_from_the_training_sentences_of_their_abstract(tmp_path):
    (tmp_path / "corpus").mkdir()
    train = pubtator_sentences(SMOKE / "kg/train.PubTator.txt", tmp_path / "corpus" / "train.spacy")
    hold_out_path = tmp_path / "gold_holdout.msgpack"
    table, stats = build(tmp_path, corpus=tmp_path / "corpus", gold_corpus=train, gold_hold_out=hold_out_path)
    hold = stats["hold_out"]
    assert hold["docs_in_pubtator_abstracts"] == hold["training_docs"] > 12
    resolved = GoldHoldOut.from_disk(hold_out_path).resolve(table)
    assert 0 < hold["docs_with_hidden_links"] == len(resolved) <= hold["training_docs"]
    assert stats["coverage"]["train_with_hold_out"]["all"] < stats["coverage"]["train"]["all"]
    assert sorted(p.name for p in (tmp_path / "kg").iterdir()) == [  # the hold-out stays out of the table
        "aliases.msgpack", "entities.msgpack", "meta.json", "relations.npy", "vectors.npy"]
    without, stats = build(tmp_path / "without", corpus=tmp_path / "corpus", gold_corpus=train)
    assert "hold_out" not in stats and "train_with_hold_out" not in stats["coverage"]
    assert without.to_bytes() == table.to_bytes()


def test_test_split_and_unknown_sources_are_refused(tmp_path):
    test_file = tmp_path / "test.PubTator.txt"
    test_file.write_text("")
    with pytest.raises(KGBuildError, match="test split"):
        build_kg(tmp_path / "kg", KGBuildOptions(pubtator=[test_file]))
    with pytest.raises(KGBuildError, match="Unknown extra source"):
        build_kg(tmp_path / "kg", KGBuildOptions(resources=SMOKE / "kg/resources", extra_sources=["umls"]))
    with pytest.raises(KGBuildError, match="No KG source"):
        build_kg(tmp_path / "kg", KGBuildOptions())
    assert not (tmp_path / "kg").exists()


def test_a_pubtator_folder_gives_the_files_of_the_training_splits(tmp_path):
    kg, single = SMOKE / "kg", tmp_path / "abstracts.PubTator.txt"
    assert training_pubtator_files([kg]) == [kg / "train.PubTator.txt"]
    assert training_pubtator_files([kg, single], ["train", "dev"]) == [
        kg / "train.PubTator.txt", kg / "devel.PubTator.txt", single]
    with pytest.raises(ValueError, match="not 'dev'"):
        training_pubtator_files([kg], ["dev"])


def test_training_mentions_the_kg_lacks_become_entities(tmp_path):
    corpus = tmp_path / "corpus"
    convert_iob_corpus(SMOKE / "corpus", corpus)
    table_before, before = build(tmp_path / "without", corpus=corpus)
    table, stats = build(tmp_path / "with", corpus=corpus, train_mentions=corpus / "train.spacy")
    added = [i for i in table.ids if i.startswith("corpus:")]
    assert len(added) == stats["sources"]["corpus_mentions"]["entities_added"] > 0
    for ent_id in added:
        label = ent_id.split(":", 2)[1]
        row = table.index_of(ent_id)
        assert table.type_of(row) == label and row in table.candidates(table.names[row])
        assert label not in {table_before.type_of(r) for r in table_before.candidates(table.names[row])}
    assert before["coverage"]["train"]["all"] < stats["coverage"]["train"]["all"] == 1.0
    assert table.provenance["train_mentions"]["file"] == "train.spacy"
