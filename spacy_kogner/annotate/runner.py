"""`annotate`: run a pipeline over a literature corpus and write the entities,
streaming, in shards that are complete or absent.

The input records (`records.py`, a fixed order) are cut into shards of
`shard_size` documents; shard k is written as `part-0000k.<ext>.partial` and
renamed to `part-0000k.<ext>` when complete (with its rejects, if any, in
`rejects-0000k.jsonl`). A run started again with the same inputs and
options skips the complete shards, so a run killed at any moment and resumed
writes every input document exactly once. `annotate.json` records the inputs
and options; a different run into the same folder is refused."""
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Tuple, Union

from ..util import atomic_write_bytes, md5_of
from .records import BadRecord, InputError, Record, input_files, read_records
from .writers import OUTPUT_FORMATS, entities_of, write_shard

MANIFEST = "annotate.json"


class AnnotateError(ValueError):
    """A run that cannot go on (a bad record without --skip-bad, another run's output folder)."""


@dataclass
class AnnotateOptions:
    """Settings of an annotate run (the ones that shape the output are in the manifest)."""

    input_format: str = "auto"
    output_format: str = "jsonl"
    id_field: str = "id"
    text_field: str = "text"
    shard_size: int = 1000
    batch_size: int = 64
    n_process: int = 1
    skip_bad: bool = False
    # a longer text is annotated in pieces: the transformer runs all windows of a document as one
    # batch, so without a bound its memory grows with the document (docs/annotate.md)
    max_chars: int = 100_000
    # "local" (nlp.pipe in this process) or "ray" (ray_backend.py; shards cut per group of input files)
    backend: str = "local"


@dataclass
class AnnotateReport:
    """What a run did."""

    docs: int = 0
    words: int = 0
    entities: int = 0
    rejected: int = 0
    shards_written: int = 0
    shards_skipped: int = 0
    seconds: float = 0.0


def shards(items: Iterator[Union[Record, BadRecord]], size: int) -> Iterator[List[Union[Record, BadRecord]]]:
    """Consecutive shards of `size` items (records and bad records alike)."""
    shard: List[Union[Record, BadRecord]] = []
    for item in items:
        shard.append(item)
        if len(shard) == size:
            yield shard
            shard = []
    if shard:
        yield shard


def split_text(text: str, max_length: int) -> List[Tuple[int, str]]:
    """Pieces of a text longer than `max_length` characters, with their offsets.
    Each is cut after the last line break in its second half, else after the last
    sentence end (". ") there, else after the last space there, else at the limit."""
    if max_length < 1:
        raise ValueError(f"a piece must hold at least 1 character, not {max_length}")
    pieces, start = [], 0
    while len(text) - start > max_length:
        end = start + max_length
        for separator in ("\n", ". ", " "):
            cut = text.rfind(separator, start + max_length // 2, end)
            if cut >= 0:
                end = cut + len(separator)
                break
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces


def _manifest(files: List[Path], options: AnnotateOptions, model: str) -> dict:
    return {"model": model, "inputs": [{"file": str(p), "md5": md5_of(p)} for p in files],
            "options": {k: v for k, v in asdict(options).items() if k not in ("batch_size", "n_process")}}


def start_output(model_name: str, files: List[Path], output: Path, options: AnnotateOptions) -> None:
    """Check the output format, create the output folder and write its
    manifest, refusing a folder that holds another run's output."""
    if options.output_format not in OUTPUT_FORMATS:
        raise InputError(f"unknown output format {options.output_format!r}; known: {', '.join(OUTPUT_FORMATS)}")
    output.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(files, options, model_name)
    manifest_path = output / MANIFEST
    if manifest_path.exists() and json.loads(manifest_path.read_text(encoding="utf8")) != manifest:
        raise AnnotateError(f"{output} holds the output of another run (other inputs, model or options, see "
                            f"{manifest_path}): use a new output folder")
    atomic_write_bytes(manifest_path, json.dumps(manifest, indent=2).encode("utf8"))


def pipeline_kg(nlp):
    """The KG table of the pipeline's first component that has one (None without)."""
    return next((getattr(pipe, "kg", None) for _, pipe in nlp.pipeline if getattr(pipe, "kg", None) is not None),
                None)


def annotate(nlp, model_name: str, inputs: Iterable[Union[str, Path]], output: Path, options: AnnotateOptions,
             progress: Optional[Callable[[int, int], None]] = None) -> AnnotateReport:
    """Annotate every input record with `nlp` into shards under `output`;
    `progress(docs, words)` is called after each batch."""
    files = input_files(inputs)
    start_output(model_name, files, output, options)
    kg = pipeline_kg(nlp)
    ext = OUTPUT_FORMATS[options.output_format]
    report = AnnotateReport()
    start = time.perf_counter()
    items = read_records(files, options.input_format, options.id_field, options.text_field)
    for number, shard in enumerate(shards(items, options.shard_size)):
        path = output / f"part-{number:05d}{ext}"
        if path.exists():
            report.shards_skipped += 1
            continue
        _write_shard(nlp, kg, shard, path, options, report, progress)
    report.seconds = round(time.perf_counter() - start, 2)
    return report


def _write_shard(nlp, kg, shard: List[Union[Record, BadRecord]], path: Path, options: AnnotateOptions,
                 report: AnnotateReport, progress: Optional[Callable[[int, int], None]]) -> None:
    """Annotate one shard's records and write the shard."""
    bad = [item for item in shard if isinstance(item, BadRecord)]
    check_bad(bad, options)
    records = [item for item in shard if isinstance(item, Record)]

    def batch_done(n_records: int, words: int) -> None:
        if progress is not None:
            progress(report.docs + n_records, report.words + words)

    entities, words = annotate_texts(nlp, kg, [r.text for r in records], options, batch_done)
    report.words += sum(words)
    write_complete_shard(path, records, entities, bad, options.output_format, report)
    if progress is not None:
        progress(report.docs, report.words)


def check_bad(bad: List[BadRecord], options: AnnotateOptions) -> None:
    """Stop the run at a bad record unless --skip-bad."""
    if bad and not options.skip_bad:
        raise AnnotateError(f"{bad[0].source}: {bad[0].reason} (--skip-bad writes such records to a rejects file "
                            "and goes on)")


def annotate_texts(nlp, kg, texts: List[str], options: AnnotateOptions,
                   batch_done: Optional[Callable[[int, int], None]] = None) -> Tuple[List[list], List[int]]:
    """The entities and the number of words (tokens) of each text;
    `batch_done(texts done, words)` after each batch."""
    # a text longer than max_chars (or nlp.max_length) is annotated in pieces whose offsets are shifted back
    max_length = min(options.max_chars, nlp.max_length)
    pieces = [(i, offset, piece) for i, text in enumerate(texts) for offset, piece in split_text(text, max_length)]
    entities: List[list] = [[] for _ in texts]
    words = [0] * len(texts)
    words_done = 0
    docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=options.batch_size, n_process=options.n_process)
    for n, ((i, offset, _), doc) in enumerate(zip(pieces, docs), 1):
        entities[i].extend(entities_of(doc, kg, offset=offset))
        words[i] += len(doc)
        words_done += len(doc)
        if batch_done is not None and n % options.batch_size == 0:
            batch_done(i + 1, words_done)
    return entities, words


def write_complete_shard(path: Path, records: List[Record], entities: List[list], bad: List[BadRecord],
                         output_format: str, report: AnnotateReport) -> None:
    """Write a shard (and its rejects) under temporary names, then rename them,
    and count it in the report."""
    tmp = path.with_name(path.name + ".partial")
    write_shard(tmp, output_format, list(zip(records, entities)))
    with tmp.open("rb") as file:  # on disk before it is renamed
        os.fsync(file.fileno())
    if bad:
        rejects = "".join(json.dumps({"source": b.source, "reason": b.reason}, ensure_ascii=False) + "\n" for b in bad)
        atomic_write_bytes(path.with_name("rejects-" + path.name.split(".")[0][len("part-"):] + ".jsonl"),
                           rejects.encode("utf8"))
    os.replace(tmp, path)
    report.shards_written += 1
    report.docs += len(records)
    report.rejected += len(bad)
    report.entities += sum(len(ents) for ents in entities)
