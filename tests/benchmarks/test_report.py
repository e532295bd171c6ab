import shutil
from pathlib import Path

import pytest
import srsly

from kogner_benchmark.encoder_report import MAIN_ENCODER
from kogner_benchmark.report import kg_gains, summarize, write_report

TARGETS = Path(__file__).resolve().parents[2] / "benchmarks" / "targets.json"


def results_folder(path: Path, runs) -> Path:
    """A results folder with these run records and the project's targets.json."""
    (path / "runs").mkdir()
    for run in runs:
        srsly.write_json(path / "runs" / f"{run['run_id']}.json", run)
    shutil.copy(TARGETS, path / "targets.json")
    return path


def record(setting, seed, system, f, chem, dis, cross=None, train=True):
    test = {"p": f, "r": f, "f": f, "per_type": {"Chemical": {"p": chem, "r": chem, "f": chem},
                                                   "Disease": {"p": dis, "r": dis, "f": dis}}}
    run = {"run_id": f"{setting}-s{seed}-{system}", "setting": setting, "seed": seed, "system": system,
           "command": "python -m spacy_kogner benchmark", "eval": {"test": test, "speed": {"words_per_s": 100},
                                                                   "machine": {"cpu": "test cpu"}}}
    if cross is not None:
        run["eval"]["cross"] = {"labels": ["Disease"], "p": cross, "r": cross, "f": cross}
    if train:
        run["train"] = {"dev_f": f + 1, "seconds": 60.0, "peak_rss_mb": 900.0, "steps": {"max_steps": 10}}
    return run


RUNS = [
    record("bc5cdr-full", 0, "kogner", 91.0, 94.0, 86.0, cross=70.0),
    record("bc5cdr-full", 0, "no-kg", 88.0, 92.0, 83.0, cross=68.0),
    record("bc5cdr-full", 0, "dictionary", 60.0, 65.0, 55.0, cross=40.0, train=False),
    record("bc5cdr-0.1", 0, "kogner", 80.0, 84.0, 75.0),
    record("bc5cdr-0.1", 1, "kogner", 82.0, 86.0, 77.0),
    record("bc5cdr-0.1", 0, "no-kg", 76.0, 80.0, 71.0),
    record("bc5cdr-0.1", 1, "no-kg", 78.0, 82.0, 73.0),
]


def test_summary_means_spreads_and_costs():
    summary = summarize(RUNS)
    low = summary["bc5cdr-0.1"]["kogner"]
    assert low["f"] == {"mean": 81.0, "std": 1.0, "values": [80.0, 82.0]}
    assert low["per_type"]["Chemical"]["mean"] == 85.0 and low["dev_f"] == 82.0
    assert summary["bc5cdr-full"]["dictionary"].get("dev_f") is None
    assert summary["bc5cdr-full"]["kogner"]["cross"]["f"]["mean"] == 70.0
    assert list(summary["bc5cdr-full"]) == ["kogner", "no-kg", "dictionary"]


def test_kg_gain_is_paired_by_seed():
    gains = kg_gains(RUNS)
    assert gains["bc5cdr-0.1"]["test_f"]["values"] == [4.0, 4.0]
    assert gains["bc5cdr-full"]["test_f"]["mean"] == 3.0 and gains["bc5cdr-full"]["cross_f"]["mean"] == 2.0
    assert gains["bc5cdr-0.1"]["test_f_sem"] == 0.0  # two equal gains
    assert gains["bc5cdr-full"]["test_f_sem"] is None  # one seed: no standard error


def test_gpu_targets_come_from_a_gpu_results_folder(tmp_path):
    results_folder(tmp_path, RUNS)  # trained on a CPU: no GPU training time
    by_name = {t["target"]: t for t in write_report(tmp_path, "cmd")["targets"]}
    assert by_name["GPU training time, BC5CDR full (min)"]["status"].startswith("not measured")
    gpu_run = record("bc5cdr-full", 0, "kogner", 90.5, 94.0, 86.0)
    gpu_run["train"].update(seconds=420.0, device="gpu 0")
    (tmp_path / "gpu" / "runs").mkdir(parents=True)
    srsly.write_json(tmp_path / "gpu" / "runs" / "bc5cdr-full-s0-kogner.json", gpu_run)
    srsly.write_json(tmp_path / "gpu" / "speed.json", {"gpu": {"kogner": {"words_per_s": 25000, "transformer_inference": "float32"}}})
    report = write_report(tmp_path, "cmd")
    by_name = {t["target"]: t for t in report["targets"]}
    assert by_name["GPU training time, BC5CDR full (min)"]["value"] == 7.0
    assert by_name["GPU training time, BC5CDR full (min)"]["met"] is True
    assert by_name["GPU inference words/s, kogner"]["status"] == "missed by 5000"
    assert by_name["BC5CDR test F1, kogner"]["value"] == 91.0  # the CPU runs' scores stay the headline
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "## GPU run" in markdown and "| bc5cdr-full | kogner | 90.50 | 91.5 | 7.0 |" in markdown


def test_gpu_inference_status_gives_the_host_side_bound(tmp_path):
    results_folder(tmp_path, RUNS)
    srsly.write_json(tmp_path / "host_time.json", {
        "kogner-1": {"uses_kg": True, "host_bound_words_per_s": 22797},
        "no-kg-1": {"uses_kg": False, "host_bound_words_per_s": 35549},
        "kogner-2": {"uses_kg": True, "host_bound_words_per_s": 21321},
    })
    report = write_report(tmp_path, "cmd")
    assert report["host_bound"] == {"kogner": [21321, 22797], "no-kg": [35549]}
    status = {t["target"]: t for t in report["targets"]}["GPU inference words/s, kogner"]["status"]
    assert status == ("not measured: no GPU run recorded (in runs/ or gpu/); host-side bound of one process "
                      "on the CPU: 21321 to 22797 words/s (host_time.json)")
    assert "kogner 21321 / 22797, no-kg 35549." in (tmp_path / "RESULTS.md").read_text()
    srsly.write_json(tmp_path / "host_time.json", {"old": {"host_bound_words_per_s": 20000}})
    with pytest.raises(ValueError, match="host_time.json: record 'old' has no uses_kg"):
        write_report(tmp_path, "cmd")


def test_write_report_files(tmp_path):
    results_folder(tmp_path, RUNS)
    (tmp_path / "notes.md").write_text("## Notes\n\nTried things.\n")
    report = write_report(tmp_path, "python benchmarks/benchmark.py report")
    saved = srsly.read_json(tmp_path / "results.json")
    assert saved["summary"] == report["summary"] and len(saved["runs"]) == len(RUNS)
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "| bc5cdr-0.1 | kogner | 2 |" in markdown and "**81.00 ± 1.00**" in markdown
    assert "## Targets" in markdown and "Tried things." in markdown


def test_targets_are_read_from_the_data_file(tmp_path):
    results_folder(tmp_path, RUNS)
    with_file = write_report(tmp_path, "cmd")["targets"]
    (tmp_path / "targets.json").unlink()  # the harness's own benchmarks/targets.json
    assert write_report(tmp_path, "cmd")["targets"] == with_file
    srsly.write_json(tmp_path / "targets.json", {"targets": [
        {"name": "dev cost", "metric": "speed", "device": "cpu", "field": "kg_time_ratio", "goal": 1.0, "higher": False},
        {"name": "bogus", "metric": "dev_f", "goal": 1.0}]})
    with pytest.raises(ValueError, match="unknown metric 'dev_f' in target 'bogus'"):
        write_report(tmp_path, "cmd")
    srsly.write_json(tmp_path / "targets.json", {"targets": [
        {"name": "F1 {precision}", "metric": "test_f", "setting": "bc5cdr-full", "goal": 95.0}]})
    assert [t["status"] for t in write_report(tmp_path, "cmd")["targets"]] == ["missed by 4.0"]


def test_recorded_floats_are_rendered_as_written(tmp_path):
    """1.696 in speed.json shows as 1.696, not as srsly/ujson's 1.6960000000000002."""
    results_folder(tmp_path, RUNS)
    measured = {"words_per_s": 4185, "passes": [4185], "words": 10, "load_seconds": 1.696,
                "transformer_inference": "bfloat16", "peak_rss_mb": 1331.7}
    (tmp_path / "speed.json").write_text(
        '{"setting": "bc5cdr-full", "seed": 0, "cpu": {"kogner": %s, "no-kg": %s, "kg_time_ratio": 1.128}}'
        % (srsly.json_dumps(measured), srsly.json_dumps(measured)))
    write_report(tmp_path, "cmd")
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "| 4185 | 1.696 | 1331.7 |" in markdown and "time ratio (CPU): 1.128" in markdown
    assert "0000000" not in markdown


def test_the_linking_section_shows_each_system_and_the_targets():
    from kogner_benchmark.linking_report import render_linking

    def scores(acc, f):
        per_label = {label: {"acc_at_1": acc, "f": f} for label in ("Chemical", "Disease", "all")}
        return {"acc_at_1": per_label, "ner": {k: {"f": 90.0} for k in per_label},
                "end_to_end": {k: {"f": f} for k in per_label}, "concept": {k: {"f": f} for k in per_label}}

    record = {"gold": {"docs": 2, "with_id": 10, "composite": 1, "misaligned": 0}, "promoted_ids_mapped": 3,
              "systems": {"exact alias": scores(50.0, 45.0), "n-grams + document": scores(97.0, 88.0)}}
    lines = render_linking(record)
    assert any(line.startswith("| exact alias | 50.00 | 50.00 | 90.00 | 90.00 | 45.00") for line in lines)
    assert "| acc@1 Chemical | >= 96.6 | 97.00 | met |" in lines
    assert "| concept Chemical | >= 90.0 | 88.00 | missed by 2.00 |" in lines
    assert "| NER F1 - end-to-end F1, Disease | <= 3.0 | 2.00 | met |" in lines
    assert render_linking(None) == []


def test_an_encoder_folder_is_set_against_the_main_runs_of_its_seeds(tmp_path):
    results_folder(tmp_path, RUNS)
    folder = tmp_path / "encoders" / "big-encoder"
    (folder / "runs").mkdir(parents=True)
    for system, f in (("kogner", 93.0), ("no-kg", 91.5)):
        run = record("bc5cdr-full", 0, system, f, f + 2, f - 2, cross=60.0 if system == "no-kg" else 65.0)
        run["train"]["device"] = "gpu 0"
        srsly.write_json(folder / "runs" / f"{run['run_id']}.json", run)
    srsly.write_json(folder / "speed.json", {"gpu": {"kogner": {"words_per_s": 9000}, "no-kg": {"words_per_s": 20000}}})
    report = write_report(tmp_path, "cmd")
    main, big = report["encoders"]
    assert main["setting"] == big["setting"] == "bc5cdr-full"
    assert main["gain"]["test_f"]["mean"] == 3.0 and big["gain"]["test_f"]["mean"] == 1.5
    assert big["gain"]["cross_f"]["mean"] == 5.0 and big["devices"] == ["gpu 0"] and main["devices"] == ["cpu"]
    assert big["gpu_words_per_s"] == {"kogner": 9000, "no-kg": 20000}
    # the other encoder's runs stay out of the headline scores and the targets
    assert report["summary"]["bc5cdr-full"]["kogner"]["f"]["mean"] == 91.0
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert ("| big-encoder | bc5cdr-full | 0 | gpu 0 | 93.00 (Chemical 95.00, Disease 91.00) | "
            "91.50 (Chemical 93.50, Disease 89.50) | **1.50** |") in markdown
    assert "GPU inference with big-encoder (bc5cdr-full): kogner 9000, no-kg 20000 words/s." in markdown
    # a second encoder on the same KG table: the main runs are not listed again
    second = tmp_path / "encoders" / "bigger-encoder"
    shutil.copytree(folder / "runs", second / "runs")
    assert [row["encoder"] for row in write_report(tmp_path, "cmd")["encoders"]] == [
        MAIN_ENCODER, "big-encoder", "bigger-encoder"]


def test_no_encoder_folder_no_encoder_section(tmp_path):
    results_folder(tmp_path, RUNS)
    assert write_report(tmp_path, "cmd")["encoders"] == []
    assert "## Encoders" not in (tmp_path / "RESULTS.md").read_text()


def test_main_runs_on_another_kg_table_are_not_paired_with_an_encoder_folder(tmp_path):
    results_folder(tmp_path, RUNS)
    folder = tmp_path / "encoders" / "big-encoder"
    (folder / "runs").mkdir(parents=True)
    for system in ("kogner", "no-kg"):
        run = record("bc5cdr-full", 0, system, 90.0, 92.0, 88.0)
        run["kg_coverage"] = {"train": {"all": 0.96}}  # the main runs recorded none: another KG build
        srsly.write_json(folder / "runs" / f"{run['run_id']}.json", run)
    assert [row["encoder"] for row in write_report(tmp_path, "cmd")["encoders"]] == ["big-encoder"]
