"""Speed and memory of `annotate` (issue 22): words/s of the local backend
against bare `nlp.pipe` on the same texts, of `nlp.pipe` with one worker
process per core under each multiprocessing start method, of the Ray backend
with 1 and 2 actors, peak RSS of the `annotate` command on 1x and 10x inputs, and on one
long document (the texts joined) cut at `--max-chars` and whole. Writes a
results file that `benchmark.py report` shows, with a PubMed sizing table.

    python benchmarks/annotate_speed.py training/model-best \\
        assets/corpora/bc5cdr-pubtator/test.PubTator.txt --output benchmarks/annotate_speed.json
"""
import argparse
import json
import multiprocessing
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import spacy

from kogner_benchmark.measure import code_version, machine_description
from spacy_kogner.annotate import AnnotateOptions, annotate, read_records, split_text

# a fresh interpreter that runs one command and prints the peak RSS (KiB) of its children
PEAK_RSS = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def pipe_rate(nlp, texts: List[str], batch_size: int) -> Tuple[Dict[str, float], List[List[tuple]]]:
    """Bare nlp.pipe over the texts: words (tokens), seconds, words/s; and each doc's entities."""
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    seconds = time.perf_counter() - start
    words = sum(len(doc) for doc in docs)
    return {"words": words, "seconds": round(seconds, 2), "words_per_s": round(words / seconds)}, entity_lists(docs)


def annotate_rate(nlp, model: str, corpus: Path, batch_size: int) -> Dict[str, float]:
    """The local backend over the same file (reading, annotating, writing JSONL shards)."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = annotate(nlp, model, [corpus], Path(out) / "out", AnnotateOptions(batch_size=batch_size))
        seconds = time.perf_counter() - start
    return {"words": report.words, "seconds": round(seconds, 2), "words_per_s": round(report.words / seconds)}


def entity_lists(docs) -> List[List[tuple]]:
    """Each doc's entities as (start, end, label, kb_id)."""
    return [[(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents] for doc in docs]


def worker_rates(nlp, texts: List[str], batch_size: int, n_process: int, methods: List[str],
                 reference: List[List[tuple]]) -> List[Dict[str, Any]]:
    """nlp.pipe with `n_process` workers under each start method: words/s with starting the workers included
    (by spawn or forkserver each worker imports the libraries and unpickles the pipeline), and whether every
    doc gets the entities one process gave it (`reference`, from `pipe_rate`)."""
    runs = []
    for method in methods:
        before = multiprocessing.get_start_method(allow_none=True)
        multiprocessing.set_start_method(method, force=True)
        try:
            start = time.perf_counter()
            docs = list(nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
            seconds = time.perf_counter() - start
        finally:
            multiprocessing.set_start_method(before, force=True)
        words = sum(len(doc) for doc in docs)
        runs.append({"start_method": method, "n_process": n_process, "words": words, "seconds": round(seconds, 2),
                     "words_per_s": round(words / seconds), "same_entities": entity_lists(docs) == reference})
    return runs


def ray_rate(model: str, corpus: Path, batch_size: int, actors: int, cpus_per_actor: float) -> Dict[str, Any]:
    """The Ray backend on a local Ray: wall time of the whole call, actor start and pipeline loading included."""
    import ray

    from spacy_kogner.annotate.ray_backend import RayOptions, annotate_ray

    ray.init(num_cpus=os.cpu_count(), log_to_driver=False, include_dashboard=False)
    try:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            report = annotate_ray(model, [corpus], Path(out) / "out", AnnotateOptions(batch_size=batch_size),
                                  RayOptions(actors=actors, cpus_per_actor=cpus_per_actor))
            seconds = time.perf_counter() - start
    finally:
        ray.shutdown()
    return {"actors": actors, "cpus_per_actor": cpus_per_actor, "words": report.words, "seconds": round(seconds, 2),
            "words_per_s": round(report.words / seconds)}


def annotate_command_rss(model: str, corpus: Path, output: Path, *options: str) -> Dict[str, Any]:
    """Seconds and peak RSS of the `annotate` command (JSONL in, JSONL out)."""
    command = [sys.executable, "-m", "spacy_kogner", "annotate", model, str(corpus), str(output), *options]
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, *command], capture_output=True, text=True, check=True)
    seconds = round(time.perf_counter() - start, 1)
    return {"seconds": seconds, "peak_rss_mb": round(int(result.stdout.split()[-1]) / 1024, 1)}


def peak_rss(model: str, texts: List[str], copies: int, folder: Path) -> Dict[str, Any]:
    """Peak RSS of the `annotate` command over `copies` copies of the texts."""
    corpus = folder / f"x{copies}.jsonl"
    with corpus.open("w", encoding="utf8") as file:
        for copy in range(copies):
            for i, text in enumerate(texts):
                file.write(json.dumps({"id": f"{copy}-{i}", "text": text}) + "\n")
    run = annotate_command_rss(model, corpus, folder / f"out{copies}", "--shard-size", "100")
    return {"docs": len(texts) * copies, **run}


def long_document(model: str, texts: List[str], chars: int, max_chars: int, folder: Path) -> Dict[str, Any]:
    """`annotate` over one document of `chars` characters (the texts joined by line breaks, repeated
    as needed): cut at `max_chars`, and whole; with the entities the two agree on."""
    text = "\n".join(texts)
    text = "\n".join([text] * (chars // len(text) + 1))[:chars]
    corpus = folder / "long.jsonl"
    corpus.write_text(json.dumps({"id": "long", "text": text}) + "\n", encoding="utf8")
    runs, entity_sets = [], []
    for piece_chars in (max_chars, len(text)):
        output = folder / f"long-{piece_chars}"
        run = annotate_command_rss(model, corpus, output, "--max-chars", str(piece_chars))
        entities = json.loads((output / "part-00000.jsonl").read_text(encoding="utf8"))["entities"]
        entity_sets.append({(e["start"], e["end"], e["label"], e["kb_id"]) for e in entities})
        runs.append({"max_chars": piece_chars, "pieces": len(split_text(text, piece_chars)), **run,
                     "entities": len(entities)})
    cut, whole = entity_sets
    return {"chars": len(text), "words": len(text.split()), "runs": runs, "same_entities": len(cut & whole),
            "same_spans": len({e[:3] for e in cut} & {e[:3] for e in whole})}


def main(argv=None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="pipeline folder or package")
    parser.add_argument("corpus", type=Path, help="PubTator file of abstracts (the BC5CDR test split)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2, help="timed passes of pipe and annotate (best kept)")
    parser.add_argument("--rss-docs", type=int, default=100, help="documents of the 1x input of the RSS check")
    parser.add_argument("--no-ray", action="store_true", help="leave out the Ray backend")
    parser.add_argument("--start-methods", default="fork,spawn,forkserver",
                        help="multiprocessing start methods of the nlp.pipe(n_process) runs (those this platform has)")
    parser.add_argument("--n-process", type=int, default=os.cpu_count() or 1, help="workers of those runs")
    parser.add_argument("--long-chars", type=int, default=500_000,
                        help="characters of the long document (at most the pipeline's max_length)")
    parser.add_argument("--long-max-chars", type=int, default=AnnotateOptions.max_chars,
                        help="annotate --max-chars of the cut run")
    args = parser.parse_args(argv)
    texts = [r.text for r in read_records([args.corpus], "pubtator")]
    nlp = spacy.load(args.model)
    if max(args.long_chars, args.long_max_chars) > nlp.max_length:  # annotate would cut there, not as recorded
        parser.error(f"--long-chars and --long-max-chars must not exceed the pipeline's max_length ({nlp.max_length})")
    list(nlp.pipe(texts[:32], batch_size=args.batch_size))  # warm-up
    pipe, local = [], []
    for _ in range(args.repeats):  # alternated, so that a slow phase of the machine hits both
        rate, reference = pipe_rate(nlp, texts, args.batch_size)
        pipe.append(rate)
        local.append(annotate_rate(nlp, args.model, args.corpus, args.batch_size))
    best_pipe = max(pipe, key=lambda r: r["words_per_s"])
    best_local = max(local, key=lambda r: r["words_per_s"])
    record: Dict[str, Any] = {
        "command": "python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *(argv or sys.argv[1:])]),
        "machine": machine_description(), "code": code_version(), "docs": len(texts),
        "words_per_doc": round(best_pipe["words"] / len(texts), 1),
        "nlp_pipe": best_pipe, "annotate": best_local,
        "annotate_to_pipe": round(best_local["words_per_s"] / best_pipe["words_per_s"], 3),
        "passes": {"nlp_pipe": [r["words_per_s"] for r in pipe], "annotate": [r["words_per_s"] for r in local]},
    }
    methods = [m for m in args.start_methods.split(",") if m in multiprocessing.get_all_start_methods()]
    record["worker_processes"] = worker_rates(nlp, texts, args.batch_size, args.n_process, methods, reference)
    del nlp
    if not args.no_ray:
        cores = os.cpu_count() or 1
        record["ray"] = [ray_rate(args.model, args.corpus, args.batch_size, 1, float(cores)),
                         ray_rate(args.model, args.corpus, args.batch_size, cores, 1.0)]
    with tempfile.TemporaryDirectory() as folder:
        rss_texts = texts[: args.rss_docs]
        record["peak_rss"] = [peak_rss(args.model, rss_texts, copies, Path(folder)) for copies in (1, 10)]
        record["long_document"] = long_document(args.model, texts, args.long_chars, args.long_max_chars, Path(folder))
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf8")
    print(json.dumps({k: v for k, v in record.items() if k not in ("machine", "command")}, indent=1))
    return record


if __name__ == "__main__":
    main()
