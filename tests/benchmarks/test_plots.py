import json

import pytest

from kogner_benchmark.plots import SEED_LINES, curve_panels, dev_curves, fraction_points, seed_line, write_plots

LOG = ("E    #       LOSS TRANS...  LOSS KOGNE...  ENTS_F  ENTS_P  ENTS_R  SCORE \n"
       "  0       0           0.00         296.89    0.00    0.00    0.00    0.00\n"
       "  2     200        3151.64       56207.31   84.04   82.79   85.33    0.84\n")


def record(fraction, seed, system, f, curve=None):
    name = "bc5cdr-full" if fraction == 1.0 else f"bc5cdr-{fraction}"
    run = {"run_id": f"{name}-s{seed}-{system}", "setting": name, "seed": seed, "system": system,
           "setting_spec": {"corpus": "bc5cdr", "train_fraction": fraction}, "eval": {"test": {"f": f}}}
    if curve is not None:
        run["train"] = {"dev_curve": curve}
    return run


RUNS = [record(0.1, 0, "kogner", 75.0, [[100, 70.0], [300, 77.0]]), record(0.1, 1, "kogner", 77.0),
        record(1.0, 0, "kogner", 85.0), record(0.1, 0, "no-kg", 70.0, [[100, 65.0]]), record(0.1, 0, "dictionary", 73.0),
        {**record(1.0, 0, "kogner", 82.0), "setting_spec": {"corpus": "ncbi-disease", "train_fraction": 1.0}}]


def test_points_group_seeds_by_fraction_for_one_corpus():
    points = fraction_points(RUNS)
    assert points["kogner"] == [(0.1, [75.0, 77.0]), (1.0, [85.0])]  # the NCBI run is another corpus
    assert set(points) == {"kogner", "no-kg", "dictionary"}


def test_curves_come_from_records_and_logs(tmp_path):
    log = tmp_path / "train.log"
    log.write_text(LOG)
    curves = dev_curves(RUNS, [("full kogner (log)", log)])
    assert curves == {"bc5cdr-0.1 s0 kogner": [(100, 70.0), (300, 77.0)], "bc5cdr-0.1 s0 no-kg": [(100, 65.0)],
                      "full kogner (log)": [(0, 0.0), (200, 84.04)]}
    empty = tmp_path / "empty.log"
    empty.write_text("crashed\n")
    with pytest.raises(ValueError, match="empty.log"):
        dev_curves(RUNS, [("x", empty)])


def test_curve_panels_group_by_setting():
    curves = {"bc5cdr-full s1 no-kg": [(200, 80.0)], "bc5cdr-0.5 s0 kogner": [(150, 70.0)],
              "bc5cdr-full s0 kogner (H100 log)": [(200, 84.0)], "full": [(200, 1.0)]}
    assert curve_panels(curves) == {"bc5cdr-0.5": {"s0 kogner": [(150, 70.0)]},
                                    "bc5cdr-full": {"s0 kogner (H100 log)": [(200, 84.0)], "s1 no-kg": [(200, 80.0)]},
                                    "full": {"full": [(200, 1.0)]}}


def test_each_of_six_seeds_gets_its_own_line_style():
    styles = [seed_line(f"s{seed}") for seed in range(len(SEED_LINES))]
    assert len({str(style) for style in styles}) == len(SEED_LINES) == 6
    assert seed_line("s6") == seed_line("s0")  # styles repeat after the sixth seed
    assert seed_line("full") == seed_line("sx") == "-"  # a log's name without a seed: solid


def test_both_figures_are_written_the_same_twice(tmp_path):
    (tmp_path / "runs").mkdir()
    for run in RUNS:
        (tmp_path / "runs" / f"{run['run_id']}-{run['setting_spec']['corpus']}.json").write_text(json.dumps(run))
    paths = write_plots(tmp_path)
    assert sorted(p.name for p in paths) == ["dev_f1_vs_step.png", "dev_f1_vs_step.svg",
                                             "f1_vs_fraction.png", "f1_vs_fraction.svg"]
    first = {p: p.read_bytes() for p in paths}
    assert all(len(data) > 1000 for data in first.values())
    write_plots(tmp_path)
    assert {p: p.read_bytes() for p in paths} == first
