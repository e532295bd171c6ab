"""`python -m spacy_kogner annotate MODEL INPUT... OUTPUT`."""
import time
from pathlib import Path
from typing import List

import typer
from wasabi import msg

from .app import app


@app.command("annotate")
def annotate_cli(
    model: str = typer.Argument(..., help="Pipeline: an installed package (en_kogner_bio) or a folder"),
    paths: List[str] = typer.Argument(..., help="Input files, folders or glob patterns, then the output folder"),
    input_format: str = typer.Option("auto", help="auto (from the file names), txt, lines, jsonl, pubtator, "
                                     "bioc-xml, bioc-json or parquet"),
    output_format: str = typer.Option("jsonl", help="jsonl, pubtator, bioc-xml, bioc-json, parquet or html"),
    id_field: str = typer.Option("id", help="jsonl: the field of the document id"),
    text_field: str = typer.Option("text", help="jsonl: the field of the text"),
    shard_size: int = typer.Option(1000, min=1, help="Documents per output shard (the unit of resuming)"),
    batch_size: int = typer.Option(64, min=1, help="Documents per nlp.pipe batch"),
    max_chars: int = typer.Option(100_000, min=1000, help="Longer texts are annotated in pieces cut at a line break, "
                                  "sentence end or space (bounds memory)"),
    n_process: int = typer.Option(1, min=1, help="Processes for nlp.pipe"),
    gpu_id: int = typer.Option(-1, help="local: GPU id (-1: CPU); ray: use --gpus-per-actor"),
    skip_bad: bool = typer.Option(False, help="Write unreadable records to rejects-*.jsonl and go on (default: stop)"),
    backend: str = typer.Option("local", help="local (nlp.pipe here) or ray (Ray Data actors; needs the "
                                "package's `ray` extra)"),
    address: str = typer.Option(None, help="ray: the cluster to join (auto, ray://host:10001); default: a local Ray"),
    actors: int = typer.Option(1, min=1, help="ray: pipeline actors, each loading the pipeline once"),
    cpus_per_actor: float = typer.Option(1.0, help="ray: CPUs each actor reserves"),
    gpus_per_actor: float = typer.Option(0.0, help="ray: GPUs each actor reserves (0.5: two actors per GPU)"),
) -> None:
    """Annotate a corpus: entities with KG ids and confidences, written as
    shards under OUTPUT; run it again with the same arguments to resume."""
    import spacy
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    from ..annotate import AnnotateError, AnnotateOptions, InputError, annotate

    if len(paths) < 2:
        msg.fail("Give at least one input and the output folder", exits=1)
    *inputs, output = paths
    if backend not in ("local", "ray"):
        msg.fail(f"Unknown backend {backend!r}: local or ray", exits=1)
    options = AnnotateOptions(input_format=input_format, output_format=output_format, id_field=id_field,
                              text_field=text_field, shard_size=shard_size, batch_size=batch_size, max_chars=max_chars,
                              n_process=n_process, skip_bad=skip_bad)
    nlp = None
    if backend == "local":
        if gpu_id >= 0:
            from ..util import gpu_missing

            problem = gpu_missing()
            if problem:
                msg.fail(f"--gpu-id {gpu_id}: {problem}", exits=1)
            spacy.require_gpu(gpu_id)
        nlp = spacy.load(model)
    columns = [TextColumn("{task.description}"), TextColumn("{task.fields[docs]} docs, {task.fields[rate]}"),
               TimeElapsedColumn()]
    with Progress(*columns) as bar:
        task = bar.add_task("annotate", docs=0, rate="")
        started = time.perf_counter()

        def progress(docs: int, words: int) -> None:
            seconds = max(time.perf_counter() - started, 1e-9)
            bar.update(task, docs=docs, rate=f"{docs / seconds:,.1f} docs/s, {words / seconds:,.0f} words/s")

        try:
            if nlp is not None:
                report = annotate(nlp, model, inputs, Path(output), options, progress)
            else:
                from ..annotate.ray_backend import RayOptions, annotate_ray

                ray_options = RayOptions(address=address, actors=actors, cpus_per_actor=cpus_per_actor,
                                         gpus_per_actor=gpus_per_actor)
                report = annotate_ray(model, inputs, Path(output), options, ray_options, progress)
        except (AnnotateError, InputError, ImportError) as err:
            msg.fail(str(err), exits=1)
    msg.good(f"{report.docs} documents, {report.entities} entities in {report.seconds} s "
             f"({report.shards_written} shards written, {report.shards_skipped} complete from before)"
             + (f"; {report.rejected} records rejected (rejects-*.jsonl)" if report.rejected else ""))
