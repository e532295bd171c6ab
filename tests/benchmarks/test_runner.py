from pathlib import Path

from kogner_benchmark.plan import plan_runs, select_settings
from kogner_benchmark.runner import BenchmarkOptions, BenchmarkPaths, BenchmarkRunner

MENTION_DROPOUT = "--components.kogner_ner.model.mention_dropout"


def make_runner(tmp_path: Path) -> BenchmarkRunner:
    paths = BenchmarkPaths(corpora=tmp_path / "corpora", resources=tmp_path / "resources", hetionet=tmp_path / "het",
                           pubtator_gold={}, transformer=tmp_path / "transformer",
                           kogner_config=Path("configs/kogner.cfg"), cnn_config=Path("configs/cnn.cfg"),
                           results=tmp_path / "results", work=tmp_path / "work")
    return BenchmarkRunner(paths, BenchmarkOptions(gpu_id="-1"), log=lambda _: None)


def test_a_settings_kogner_overrides_reach_kogner_training_only(tmp_path):
    runner = make_runner(tmp_path)
    data = {"corpus": str(tmp_path / "corpus"), "kg": str(tmp_path / "kg"), "gold_hold_out": str(tmp_path / "g")}
    runs = plan_runs(select_settings(["ncbi-full", "bc5cdr-full"]), ["kogner", "no-kg", "cnn"], seeds=[0])
    for run in runs:
        cmd = [str(arg) for arg in runner.train_command(run, data)]
        if run.setting.name == "ncbi-full" and run.system == "kogner":
            assert cmd[cmd.index(MENTION_DROPOUT) + 1] == "0.5"
        else:
            assert MENTION_DROPOUT not in cmd, run.run_id
        assert cmd[cmd.index("--system.seed") + 1] == "0"
        assert ("--paths.kg" in cmd) == (run.system == "kogner")
