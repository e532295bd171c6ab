from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from spacy_kogner.cli import app
from spacy_kogner.kg import KGTable

SMOKE = Path(__file__).parents[2] / "assets" / "smoke"
runner = CliRunner()


def build(out: Path, *extra: str):
    args = ["build-kg", str(out / "kg"), "--resources", str(SMOKE / "kg/resources"), "--hetionet", str(SMOKE / "kg/hetionet"),
            "--pubtator", str(SMOKE / "kg/train.PubTator.txt"), "--pubtator", str(SMOKE / "kg/devel.PubTator.txt"),
            "--transformer", str(SMOKE / "transformer"), "--stats", str(out / "stats.json"),
            "--dim", "16", "--name-sample", "100", "--epochs", "2", "--seed", "0", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return KGTable.from_disk(out / "kg"), srsly.read_json(out / "stats.json")


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


def test_same_seed_same_table(built, tmp_path):
    table, _ = built
    again, _ = build(tmp_path)
    assert again.to_bytes() == table.to_bytes()


def test_coverage_stats_with_a_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    assert runner.invoke(app, ["convert", str(SMOKE / "corpus"), str(corpus)]).exit_code == 0
    _, stats = build(tmp_path, "--corpus", str(corpus))
    for split in ("train", "dev"):
        assert set(stats["coverage"][split]) == {"Chemical", "Disease", "all"}
        assert 0.0 < stats["coverage"][split]["all"] <= 1.0


def test_test_split_is_refused(tmp_path):
    test_file = tmp_path / "test.PubTator.txt"
    test_file.write_text("")
    result = runner.invoke(app, ["build-kg", str(tmp_path / "kg"), "--pubtator", str(test_file)])
    assert result.exit_code != 0 and "test split" in result.output


def test_training_mentions_the_kg_lacks_become_entities(tmp_path):
    corpus = tmp_path / "corpus"
    assert runner.invoke(app, ["convert", str(SMOKE / "corpus"), str(corpus)]).exit_code == 0
    table_before, before = build(tmp_path / "without", "--corpus", str(corpus))
    table, stats = build(tmp_path / "with", "--corpus", str(corpus), "--train-mentions", str(corpus / "train.spacy"))
    added = [i for i in table.ids if i.startswith("corpus:")]
    assert len(added) == stats["sources"]["corpus_mentions"]["entities_added"] > 0
    for ent_id in added:
        label = ent_id.split(":", 2)[1]
        row = table.index_of(ent_id)
        assert table.type_of(row) == label and row in table.candidates(table.names[row])
        assert label not in {table_before.type_of(r) for r in table_before.candidates(table.names[row])}
    assert before["coverage"]["train"]["all"] < stats["coverage"]["train"]["all"] == 1.0
    assert table.provenance["train_mentions"]["file"] == "train.spacy"
