import json
import shlex
from pathlib import Path

from tests.util import load_script

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "benchmarks" / "experiments" / "multi-corpus-2000-steps-s1.json"


def commands(argv):
    """The kg and train commands the script builds for argv, as strings without the interpreter."""
    module = load_script(ROOT / "benchmarks" / "multi_corpus.py")
    args = module.parse_args(argv)
    return [str(c) for c in module.kg_command(args)[1:]], [str(c) for c in module.train_command(args)[1:]]


def test_kogner_commands_are_those_of_the_recorded_run():
    record = json.loads(RECORD.read_text(encoding="utf8"))
    kg, train = commands(shlex.split(record["command"])[2:])
    assert kg == shlex.split(record["steps"]["kg"]["command"])[1:]
    assert train == shlex.split(record["steps"]["train"]["command"])[1:]


def test_no_kg_trains_without_a_kg_table():
    _, train = commands(["--output", "out.json", "--work", "w", "--system", "no-kg", "--max-steps", "2000"])
    assert "--paths.kg" not in train and "--paths.gold_hold_out" not in train
    assert train[train.index("--components.kogner_ner.model.use_kg") + 1] == "false"
    assert train[train.index("--initialize.components.kogner_ner") + 1] == "{}"
    assert train[train.index("--training.max_steps") + 1] == "2000"
