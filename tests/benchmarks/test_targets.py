import json
from pathlib import Path

import pytest

from kogner_benchmark.targets import host_bounds, targets

SPECS = json.loads((Path(__file__).resolve().parents[2] / "benchmarks" / "targets.json").read_text())["targets"]


def kogner_scores(f, chem, dis):
    return {"kogner": {"f": {"mean": f}, "per_type": {"Chemical": {"mean": chem}, "Disease": {"mean": dis}}}}


def test_targets_report_met_missed_and_unmeasured():
    summary = {"bc5cdr-full": kogner_scores(91.0, 94.0, 86.0), "bc5cdr-0.1": kogner_scores(81.0, 85.0, 76.0)}
    gains = {"bc5cdr-full": {"test_f": {"mean": 3.0}, "cross_f": {"mean": 0.0}}, "bc5cdr-0.1": {"test_f": {"mean": 4.0}}}
    speed = {"machine": {"gpu": None}, "cpu": {"kogner": {"words_per_s": 2500, "load_seconds": 2.0, "peak_rss_mb": 1000.0},
                                               "kg_time_ratio": 1.1}, "gpu": {}, "size": {"wheel_mb": 120.0}}
    by_name = {t["target"]: t for t in targets(SPECS, summary, gains, speed)}
    assert by_name["BC5CDR test F1, kogner"]["met"] is True
    assert by_name["BC5CDR test F1 Disease, kogner"]["value"] == 86.0
    assert by_name["KG gain, BC5CDR train_fraction 0.1"]["status"] == "missed by 1.0"
    assert by_name["KG gain, cross-corpus BC5CDR -> NCBI-disease"]["goal"] == "> 0.0"
    assert by_name["KG gain, cross-corpus BC5CDR -> NCBI-disease"]["status"] == "missed (equal to the bound)"
    assert by_name["CPU inference words/s, kogner (as shipped: float32 transformer inference)"]["status"] == "missed by 500"
    assert by_name["kogner/no-kg inference time ratio (CPU, as shipped)"]["met"] is True
    assert by_name["NCBI-disease test F1, kogner"]["met"] is None
    assert by_name["GPU inference words/s, kogner"]["status"].startswith("not measured: no GPU")
    assert not any("cpu_fp32" in t["target"] or "reference" in t["target"] for t in by_name.values())  # optional, unmeasured


def test_an_unknown_metric_names_the_target():
    with pytest.raises(ValueError, match="unknown metric 'dev_f' in target 'bogus'"):
        targets([{"name": "bogus", "metric": "dev_f", "goal": 1.0}], {}, {}, None)


def test_host_bounds_are_sorted_by_system_and_old_records_are_refused():
    records = {"a": {"uses_kg": True, "host_bound_words_per_s": 2}, "b": {"uses_kg": True, "host_bound_words_per_s": 1},
               "c": {"uses_kg": False, "host_bound_words_per_s": 3}}
    assert host_bounds(records) == {"kogner": [1, 2], "no-kg": [3]}
    with pytest.raises(ValueError, match="record 'old' has no uses_kg"):
        host_bounds({"old": {"host_bound_words_per_s": 1}})
