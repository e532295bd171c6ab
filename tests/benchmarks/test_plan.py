import pytest

from kogner_benchmark.plan import DEFAULT_SETTINGS, SYSTEMS, plan_runs, select_settings


def test_default_plan_covers_the_issue_settings():
    names = {s.name: s for s in DEFAULT_SETTINGS}
    assert set(names) == {"bc5cdr-full", "bc5cdr-0.1", "bc5cdr-0.25", "bc5cdr-0.5", "ncbi-full"}
    for name, fraction in (("bc5cdr-0.25", 0.25), ("bc5cdr-0.5", 0.5), ("bc5cdr-full", 1.0)):
        assert names[name].train_fraction == fraction and names[name].seeds == (0, 1, 2)
    # five seeds where a 3-seed KG gain lay within a standard error of its target
    assert names["bc5cdr-0.1"].train_fraction == 0.1 and names["bc5cdr-0.1"].seeds == (0, 1, 2, 3, 4)
    assert names["ncbi-full"].seeds == (0, 1, 2, 3, 4)
    assert names["bc5cdr-full"].cross_corpus == "ncbi-disease"
    assert SYSTEMS == ("kogner", "no-kg", "cnn", "dictionary")


def test_runs_share_data_per_seed_and_have_distinct_ids():
    runs = plan_runs(select_settings(["bc5cdr-0.1"]), ["kogner", "no-kg"])
    assert [(r.seed, r.system) for r in runs] == [(s, sy) for s in range(5) for sy in ("kogner", "no-kg")]
    assert len({r.run_id for r in runs}) == 10
    assert runs[0].data_id == runs[1].data_id == "bc5cdr-0.1-s0"


def test_seeds_override_and_all_settings_by_default():
    runs = plan_runs(select_settings([]), ["dictionary"], seeds=[7])
    assert {r.seed for r in runs} == {7} and len(runs) == len(DEFAULT_SETTINGS)


def test_unknown_names_are_errors_that_name_them():
    with pytest.raises(ValueError, match="bc5cdr-2"):
        select_settings(["bc5cdr-2"])
    with pytest.raises(ValueError, match="crf"):
        plan_runs(select_settings([]), ["crf"])

