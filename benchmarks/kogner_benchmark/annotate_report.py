"""The `annotate` section of the benchmark report: speed against bare
`nlp.pipe`, the Ray backend, peak RSS on 1x and 10x inputs and on one long
document, and what all of PubMed would take."""
from typing import Any, Dict, List, Optional

ANNOTATE_FILE = "annotate_speed.json"
# PubMed as assumed for the sizing table: citations, the share with an abstract, words of a title alone
PUBMED_CITATIONS = 36_000_000
PUBMED_WITH_ABSTRACT = 24_000_000
TITLE_ONLY_WORDS = 15


def pubmed_words(words_per_doc: float) -> float:
    """Words (tokens) of all of PubMed: abstracts at the measured words per document, titles alone."""
    return PUBMED_WITH_ABSTRACT * words_per_doc + (PUBMED_CITATIONS - PUBMED_WITH_ABSTRACT) * TITLE_ONLY_WORDS


def per_core_rate(record: Dict[str, Any]) -> float:
    """Steady words/s of one CPU core: the local backend's rate over the machine's cores (the Ray runs
    above include starting the actors and loading the pipeline, a fixed cost a long run does not feel)."""
    return record["annotate"]["words_per_s"] / record["machine"]["cpu_cores"]


def render_annotate(record: Optional[Dict[str, Any]], gpu_speed: Optional[Dict[str, Any]] = None) -> List[str]:
    """Markdown lines of the section (none without a record); the sizing table
    has GPU rows when `gpu_speed` (the speed record whose GPU timings are in force) timed kogner."""
    if not record:
        return []
    pipe, local = record["nlp_pipe"], record["annotate"]
    lines = ["", f"## Annotating a corpus (`benchmarks/{ANNOTATE_FILE}`: {record['docs']} BC5CDR test abstracts, "
                 f"{record['words_per_doc']} words each)", "",
             "| run | words/s | seconds |", "|---|---|---|",
             f"| bare `nlp.pipe` | {pipe['words_per_s']} | {pipe['seconds']} |",
             f"| `annotate` (local backend, JSONL shards) | {local['words_per_s']} | {local['seconds']} |"]
    for run in record.get("worker_processes", []):  # records made before these runs have none
        same = "" if run["same_entities"] else " (entities differ from one process's)"
        lines.append(f"| `nlp.pipe(n_process={run['n_process']})`, start method {run['start_method']} (workers' start "
                     f"included){same} | {run['words_per_s']} | {run['seconds']} |")
    for run in record.get("ray", []):
        lines.append(f"| `annotate --backend ray`, {run['actors']} actor(s) x {run['cpus_per_actor']:g} CPU "
                     f"(actor start and pipeline load included) | {run['words_per_s']} | {run['seconds']} |")
    lines += ["", f"`annotate` / `nlp.pipe`: **{record['annotate_to_pipe']}** (target >= 0.95). Peak RSS of the "
                  "command: " + ", ".join(f"{r['docs']} docs {r['peak_rss_mb']} MB" for r in record["peak_rss"]) + "."]
    lines += render_long_document(record.get("long_document"))
    words = pubmed_words(record["words_per_doc"])
    core = per_core_rate(record)
    lines += ["", f"All of PubMed, assumed {PUBMED_CITATIONS / 1e6:.0f} M citations, {PUBMED_WITH_ABSTRACT / 1e6:.0f} M "
                  f"with an abstract of {record['words_per_doc']} words, the rest a title of {TITLE_ONLY_WORDS}: "
                  f"{words / 1e9:.2f} G words. CPU: {core:,.0f} words/s per core (`annotate` above over the cores)"]
    gpu_rate = (((gpu_speed or {}).get("gpu") or {}).get("kogner") or {}).get("words_per_s")
    if gpu_rate:
        gpu = (gpu_speed.get("machine") or {}).get("gpu") or "GPU"
        lines[-1] += f"; GPU: {gpu_rate:,} words/s per GPU (`nlp.pipe` of kogner on one {gpu}, the GPU timing above)"
    lines[-1] += "."
    lines += ["", "| workers | hours |", "|---|---|"]
    lines += [f"| {n} CPU cores | {words / (core * n) / 3600:,.1f} |" for n in (2, 64, 512)]
    if gpu_rate:
        lines += [f"| {n} GPU{'s' if n > 1 else ''} | {words / (gpu_rate * n) / 3600:,.1f} |" for n in (1, 8)]
    return lines


def render_long_document(long: Optional[Dict[str, Any]]) -> List[str]:
    """Markdown lines of the long-document runs (none in records made before they were measured)."""
    if not long:
        return []
    lines = ["", f"One document of {long['chars']:,} characters ({long['words']:,} words; the abstracts joined):", "",
             "| --max-chars | pieces | seconds | peak RSS MB | entities |", "|---|---|---|---|---|"]
    lines += [f"| {run['max_chars']:,} | {run['pieces']} | {run['seconds']} | {run['peak_rss_mb']} | "
              f"{run['entities']:,} |" for run in long["runs"]]
    lines += ["", f"Entities the two runs share: {long['same_entities']:,} (same span, label and id), "
                  f"{long['same_spans']:,} (same span and label)."]
    return lines
