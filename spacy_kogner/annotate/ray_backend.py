"""The Ray Data backend of `annotate` (`--backend ray`): the same records,
entities and output formats as the local backend, computed by a pool of Ray
actors that each load the pipeline once.

The input files are cut into groups of about `group_bytes` (a file is never
split); a Ray task per group reads its records and cuts them into shards of
`shard_size` records, named `part-<group>-<shard>` (`part-00002-00000.jsonl`).
Rows carry plain, Arrow-friendly columns (never the pipeline, spaCy #13506);
`map_batches` with `PipelineAnnotator` adds each record's entities as JSON.
The driver writes a shard under a temporary name once all its rows are back
and renames it, so a run killed at any moment resumes, and a killed actor is
restarted by Ray with its batch retried; rows seen twice are written once.
Input files must be readable from every node (a shared file system); the
model must be installed (or on a shared path) on every node."""
import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Union

from ..util import gpu_missing
from .records import BadRecord, Record, input_files, read_records
from .runner import (AnnotateOptions, AnnotateReport, annotate_texts, check_bad, pipeline_kg, shards, start_output,
                     write_complete_shard)
from .writers import OUTPUT_FORMATS


@dataclass
class RayOptions:
    """Where and how wide the Ray backend runs."""

    address: Optional[str] = None  # a running cluster ("auto", "ray://host:10001"); None: start a local Ray
    actors: int = 1  # pipeline actors (each loads the pipeline once)
    cpus_per_actor: float = 1.0
    gpus_per_actor: float = 0.0
    group_bytes: int = 16 * 2**20  # input bytes per read task
    # rows per Ray block, in bytes: the unit an actor annotates and returns (and redoes if it dies)
    block_bytes: int = 2**20


def import_ray():
    """ray and ray.data, or an error that says how to install them."""
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise ImportError('the Ray backend needs Ray Data: pip install "spacy_kogner[ray]"') from err
    return ray


def file_groups(files: List[Path], group_bytes: int) -> List[List[Path]]:
    """Consecutive input files in groups of about `group_bytes` (at least one file each)."""
    groups: List[List[Path]] = []
    size = group_bytes
    for path in files:
        file_size = path.stat().st_size
        if size + file_size > group_bytes and (not groups or groups[-1]):
            groups.append([])
            size = 0
        groups[-1].append(path)
        size += file_size
    return groups


def _meta_json(meta: Dict[str, Any]) -> str:
    """A record's meta as JSON (a BioC document as BioC JSON)."""
    if "bioc" in meta:
        from bioc.biocjson import toJSON

        return json.dumps({**meta, "bioc": toJSON(meta["bioc"])}, ensure_ascii=False)
    return json.dumps(meta, ensure_ascii=False)


def _meta_of(text: str) -> Dict[str, Any]:
    meta = json.loads(text)
    if "bioc" in meta:
        from bioc.biocjson.decoder import parse_doc

        meta["bioc"] = parse_doc(meta["bioc"])
    return meta


def read_group(row: Dict[str, Any], options: Dict[str, Any], complete: List[str]) -> Iterator[Dict[str, Any]]:
    """The rows of one group's records (flat_map): the shards not yet complete."""
    files = [Path(p) for p in json.loads(row["files"])]
    items = read_records(files, options["input_format"], options["id_field"], options["text_field"])
    complete = set(complete)
    for number, shard in enumerate(shards(items, options["shard_size"])):
        name = f"part-{row['group']:05d}-{number:05d}"
        if name in complete:
            continue
        for position, item in enumerate(shard):
            is_bad = isinstance(item, BadRecord)
            yield {"shard": name, "shard_items": len(shard), "position": position,
                   "id": "" if is_bad else item.id, "text": "" if is_bad else item.text, "source": item.source,
                   "meta": "{}" if is_bad else _meta_json(item.meta), "bad_reason": item.reason if is_bad else ""}


class PipelineAnnotator:
    """Ray Data actor: loads the pipeline once and adds `entities` (JSON) and
    `words` to each batch of rows."""

    def __init__(self, model: str, options: Dict[str, Any], use_gpu: bool = False):
        import spacy

        if use_gpu:
            problem = gpu_missing()
            if problem:
                raise RuntimeError(f"Ray gave this actor a GPU (--gpus-per-actor), but {problem}")
            spacy.require_gpu(0)  # Ray shows an actor only the GPU it was given
        self.nlp = spacy.load(model)
        self.kg = pipeline_kg(self.nlp)
        self.options = replace(AnnotateOptions(**options), n_process=1)  # an actor is one process

    def __call__(self, batch: Dict[str, Any]) -> Dict[str, Any]:
        import numpy

        good = [i for i, reason in enumerate(batch["bad_reason"]) if not reason]
        entities, n_words = annotate_texts(self.nlp, self.kg, [str(batch["text"][i]) for i in good], self.options)
        column = ["[]"] * len(batch["bad_reason"])
        words = [0] * len(column)
        for i, ents, n in zip(good, entities, n_words):
            column[i] = json.dumps(ents, ensure_ascii=False)
            words[i] = n
        return {**batch, "entities": numpy.array(column, dtype=object), "words": numpy.array(words)}


def annotate_ray(model_name: str, inputs: Iterable[Union[str, Path]], output: Path, options: AnnotateOptions,
                 ray_options: RayOptions, progress: Optional[Callable[[int, int], None]] = None) -> AnnotateReport:
    """Annotate every input record with the pipeline `model_name` on Ray into
    shards under `output`; `progress(docs, words)` is called as rows come back."""
    ray = import_ray()
    options = replace(options, backend="ray")
    files = input_files(inputs)
    start_output(model_name, files, output, options)
    ext = OUTPUT_FORMATS[options.output_format]
    complete = sorted(p.name[: -len(ext)] for p in output.glob(f"part-*{ext}"))
    started_ray = not ray.is_initialized()
    if started_ray:
        ray.init(address=ray_options.address, log_to_driver=False, include_dashboard=False)
    report = AnnotateReport(shards_skipped=len(complete))
    start = time.perf_counter()
    context = ray.data.DataContext.get_current()
    before = (context.enable_progress_bars, context.target_max_block_size)
    try:
        context.enable_progress_bars = False  # the command shows its own
        context.target_max_block_size = ray_options.block_bytes
        groups = file_groups(files, ray_options.group_bytes)
        rows = ray.data.from_items([{"group": g, "files": json.dumps([str(p) for p in group])}
                                    for g, group in enumerate(groups)])
        option_values = asdict(options)
        # reading is light next to the pipeline: read tasks reserve no CPU, so actors may take every CPU
        records = rows.flat_map(read_group, fn_kwargs={"options": option_values, "complete": complete}, num_cpus=0)
        dataset = records.map_batches(
            PipelineAnnotator, batch_size=options.batch_size, compute=ray.data.ActorPoolStrategy(size=ray_options.actors),
            num_cpus=ray_options.cpus_per_actor, num_gpus=ray_options.gpus_per_actor or None,
            fn_constructor_kwargs={"model": model_name, "options": option_values,
                                   "use_gpu": ray_options.gpus_per_actor > 0})
        _write_shards(dataset.iter_rows(), output, ext, options, report, progress)
    finally:
        context.enable_progress_bars, context.target_max_block_size = before
        if started_ray:
            ray.shutdown()
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def _write_shards(rows: Iterator[Dict[str, Any]], output: Path, ext: str, options: AnnotateOptions,
                  report: AnnotateReport, progress: Optional[Callable[[int, int], None]]) -> None:
    """Collect the rows of each shard and write it when all are back (a row
    seen twice, after a retry, counts once)."""
    pending: Dict[str, Dict[int, Dict[str, Any]]] = {}
    written = set()
    for row in rows:
        if row["shard"] in written:
            continue
        shard = pending.setdefault(row["shard"], {})
        if int(row["position"]) not in shard:
            report.words += int(row["words"])
        shard[int(row["position"])] = row
        if len(shard) < int(row["shard_items"]):
            continue
        ordered = [shard[i] for i in range(len(shard))]
        bad = [BadRecord(r["source"], r["bad_reason"]) for r in ordered if r["bad_reason"]]
        check_bad(bad, options)
        good = [r for r in ordered if not r["bad_reason"]]
        records = [Record(r["id"], r["text"], r["source"], _meta_of(r["meta"])) for r in good]
        entities = [json.loads(r["entities"]) for r in good]
        write_complete_shard(output / f"{row['shard']}{ext}", records, entities, bad, options.output_format, report)
        del pending[row["shard"]]
        written.add(row["shard"])
        if progress is not None:
            progress(report.docs, report.words)
