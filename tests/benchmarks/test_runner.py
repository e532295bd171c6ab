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


def test_an_encoder_replaces_the_fine_tuned_transformer_but_not_the_kg_teacher(tmp_path):
    runner = make_runner(tmp_path)
    runner.paths.encoder = tmp_path / "bigger"
    data = {"corpus": str(tmp_path / "corpus"), "kg": str(tmp_path / "kg"), "gold_hold_out": str(tmp_path / "g")}
    run = plan_runs(select_settings(["bc5cdr-full"]), ["kogner"], seeds=[0])[0]
    train = [str(arg) for arg in runner.train_command(run, data)]
    assert train[train.index("--paths.transformer") + 1] == str(tmp_path / "bigger")
    kg = [str(arg) for arg in runner.kg_command(run, tmp_path / "data")]
    assert kg[kg.index("--transformer") + 1] == str(tmp_path / "transformer")


def test_trained_systems_are_scored_on_the_gpu_they_trained_on(tmp_path, monkeypatch):
    import kogner_benchmark.runner as runner_module
    runner = make_runner(tmp_path)
    runner.options.gpu_id = "0"
    monkeypatch.setattr(runner_module, "resolve_gpu_id", lambda gpu_id: int(gpu_id))
    commands = []

    def record_step(name, cmd):
        commands.append([str(arg) for arg in cmd])
        (tmp_path / "work" / "evals").mkdir(parents=True, exist_ok=True)
        return {}

    monkeypatch.setattr(runner, "step", record_step)
    monkeypatch.setattr(runner_module.srsly, "read_json", lambda path: {})
    data = {"corpus": str(tmp_path / "corpus"), "kg": str(tmp_path / "kg"), "labels": ["Chemical"]}
    for run in plan_runs(select_settings(["bc5cdr-0.1"]), ["kogner", "dictionary"], seeds=[0]):
        runner.evaluate(run, data)
    kogner, dictionary = commands
    assert kogner[kogner.index("--gpu-id") + 1] == "0"
    assert "--gpu-id" not in dictionary
