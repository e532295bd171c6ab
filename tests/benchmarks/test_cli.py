"""`python benchmarks/benchmark.py run` end to end on the smoke fixtures (tiny BERT,
tiny KG sources, a few steps): every system is trained, scored, timed and
reported, and a second invocation reuses the recorded runs."""
import shutil
from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from kogner_benchmark.cli import app
from tests.util import output_text

SMOKE = Path(__file__).parents[2] / "assets" / "smoke"
ROOT = Path(__file__).parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    corpora = tmp / "corpora"
    shutil.copytree(SMOKE / "corpus", corpora / "bc5cdr")
    (corpora / "ncbi-disease").mkdir()
    for split in ("train", "devel", "test"):  # a Disease-only corpus, like NCBI-disease
        text = (SMOKE / "corpus" / f"{split}.tsv").read_text(encoding="utf8")
        text = text.replace("\tB-Chemical\n", "\tO\n").replace("\tI-Chemical\n", "\tO\n")
        (corpora / "ncbi-disease" / f"{split}.tsv").write_text(text, encoding="utf8")
    # One seed of the three the setting plans: the end-to-end path is the same for each, and
    # aggregation over seeds is tested on records in test_report.py.
    args = ["run", "--settings", "bc5cdr-full", "--seeds", "0", "--corpora", str(corpora),
            "--resources", str(SMOKE / "kg/resources"), "--hetionet", str(SMOKE / "kg/hetionet"),
            "--pubtator-gold", f"bc5cdr={SMOKE / 'kg/train.PubTator.txt'}", "--transformer", str(SMOKE / "transformer"),
            "--kogner-config", str(ROOT / "configs/kogner.cfg"), "--cnn-config", str(ROOT / "configs/cnn.cfg"),
            "--results", str(tmp / "results"), "--work", str(tmp / "work"), "--kg-dim", "16",
            "--kg-name-sample", "100", "--kg-epochs", "1", "--max-steps", "4", "--gpu-id", "-1"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    return tmp, args


@pytest.mark.slow
def test_every_system_is_trained_scored_and_reported(bench):
    tmp, _ = bench
    results = srsly.read_json(tmp / "results" / "results.json")
    full = results["summary"]["bc5cdr-full"]
    assert list(full) == ["kogner", "no-kg", "cnn", "dictionary"]
    for system in ("kogner", "no-kg", "cnn"):
        assert full[system]["steps"]["max_steps"] == 4 and full[system]["train_peak_rss_mb"] > 100
        assert set(full[system]["per_type"]) == {"Chemical", "Disease"}
        assert full[system]["cross"]["labels"] == ["Disease"]
    assert full["dictionary"]["f"]["mean"] > 0  # KG matching finds gold mentions of the fixtures
    assert "bc5cdr-full" in results["kg_gain"]
    record = srsly.read_json(tmp / "results" / "runs" / "bc5cdr-full-s0-kogner.json")
    assert record["command"].startswith("python benchmarks/benchmark.py run") and record["kg_build_seconds"] > 0
    assert record["kg_coverage"]["train"]["all"] > 0
    assert f"--pubtator-gold bc5cdr={SMOKE / 'kg/train.PubTator.txt'}" in record["command"]
    data = srsly.read_json(next((tmp / "work").glob("**/bc5cdr-full-s0/data.json")))
    assert data["kg_stats"]["sources"]["pubtator"]["aliases_added"] > 0
    assert record["train"]["device"] == "cpu"  # --gpu-id -1
    assert record["machine"]["cpu"] and record["machine"]["torch_threads"] > 0


@pytest.mark.slow
def test_speed_size_and_targets(bench):
    tmp, _ = bench
    speed = srsly.read_json(tmp / "results" / "speed.json")
    assert set(speed["cpu"]) >= {"kogner", "no-kg", "cnn", "dictionary", "kg_time_ratio"}
    assert speed["cpu"]["kogner"]["words_per_s"] > 0 and speed["cpu"]["kogner"]["load_seconds"] > 0
    assert speed["size"]["wheel_mb"] > 0 and speed["kg_build_seconds"] > 0
    markdown = (tmp / "results" / "RESULTS.md").read_text()
    for heading in ("## Test scores", "## KG gain", "## Cross-corpus", "## Speed and size", "## Targets"):
        assert heading in markdown
    assert "not measured: no GPU" in markdown or speed["machine"]["gpu"]


@pytest.mark.slow
def test_a_second_run_reuses_the_records(bench):
    tmp, args = bench
    before = (tmp / "results" / "runs" / "bc5cdr-full-s0-cnn.json").read_text()
    again = runner.invoke(app, [*args, "--systems", "cnn", "--no-speed"])
    assert again.exit_code == 0, again.output
    assert "recorded, skipped" in output_text(again)
    assert (tmp / "results" / "runs" / "bc5cdr-full-s0-cnn.json").read_text() == before


@pytest.mark.slow
def test_a_work_folder_built_with_another_kg_recipe_is_not_reused(bench):
    tmp, args = bench
    before = (tmp / "results" / "runs" / "bc5cdr-full-s0-dictionary.json").read_text()
    again = runner.invoke(app, [*args, "--systems", "dictionary", "--no-speed", "--force", "--kg-types", "bc5cdr=Disease"])
    assert again.exit_code == 1
    assert "holds a KG built by another recipe" in output_text(again)
    assert (tmp / "results" / "runs" / "bc5cdr-full-s0-dictionary.json").read_text() == before


def test_unknown_speed_device_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "--speed-devices", "tpu", "--results", str(tmp_path)])
    assert result.exit_code == 1
    assert "tpu" in output_text(result) and not (tmp_path / "runs").exists()


def test_unknown_setting_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "--settings", "bc5cdr-2", "--results", str(tmp_path)])
    assert result.exit_code == 1 and "bc5cdr-2" in output_text(result)


def test_pubtator_gold_takes_corpus_equals_file(tmp_path):
    result = runner.invoke(app, ["run", "--pubtator-gold", "bc5cdr", "--results", str(tmp_path)])
    assert result.exit_code == 1 and "CORPUS=FILE, not 'bc5cdr'" in output_text(result)
    assert not (tmp_path / "runs").exists()


def test_a_missing_pubtator_gold_file_is_left_out_with_a_warning(tmp_path):
    from kogner_benchmark.cli import pubtator_gold_files

    present = tmp_path / "train.PubTator.txt"
    present.write_text("")
    files = pubtator_gold_files([f"bc5cdr={present}", f"ncbi-disease={tmp_path / 'missing.txt'}"])
    assert files == {"bc5cdr": present}
