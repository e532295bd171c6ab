"""Aggregate the recorded runs into `results.json` and `RESULTS.md`: test
P/R/F1 per setting and system (mean and spread over seeds), per type, KG gain,
cross-corpus scores, speed and size, and each target met or missed by how much.
The targets come from `targets.json`; `notes.md` beside them (hand-written:
what was tried) is carried into both."""
import json
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Any, Dict, List, Optional

import srsly

from .annotate_report import ANNOTATE_FILE, render_annotate
from .encoder_report import ENCODERS_DIR, MAIN_ENCODER, encoder_row, render_encoders
from .linking_report import LINKING_FILE, render_linking
from .plan import KOGNER, NO_KG, SYSTEMS
from .seed_stats import plus_minus, seed_stat, standard_error
from .targets import GPU_RESULTS, HOST_TIME_FILE, TARGETS_FILE, gpu_speed_record, host_bounds, targets

NOTES_FILE = "notes.md"
HARNESS_TARGETS = Path(__file__).resolve().parents[1] / TARGETS_FILE


def read_record(path: Path) -> Dict[str, Any]:
    """A JSON record, read with the standard library: srsly's ujson parses
    floats imprecisely (1.696 comes back as 1.6960000000000002)."""
    return json.loads(path.read_text(encoding="utf8"))


def load_runs(results: Path) -> List[Dict[str, Any]]:
    """Every run record under results/runs, sorted by id."""
    return [read_record(p) for p in sorted((results / "runs").glob("*.json"))]


def summarize(runs: List[Dict[str, Any]]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """summary[setting][system]: test and cross scores over seeds, dev score, cost."""
    groups: Dict[str, Dict[str, List[Dict]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        groups[run["setting"]][run["system"]].append(run)
    summary: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for setting, systems in groups.items():
        summary[setting] = {}
        for system in sorted(systems, key=lambda s: SYSTEMS.index(s) if s in SYSTEMS else len(SYSTEMS)):
            group = sorted(systems[system], key=lambda r: r["seed"])
            tests = [r["eval"]["test"] for r in group]
            labels = sorted({label for t in tests for label in t["per_type"]})
            entry: Dict[str, Any] = {
                "seeds": [r["seed"] for r in group],
                "f": seed_stat([t["f"] for t in tests]),
                "p": round(mean(t["p"] for t in tests), 2),
                "r": round(mean(t["r"] for t in tests), 2),
                "per_type": {label: seed_stat([t["per_type"][label]["f"] for t in tests if label in t["per_type"]])
                             for label in labels},
            }
            if all("train" in r for r in group):
                entry["dev_f"] = round(mean(r["train"]["dev_f"] for r in group), 2)
                entry["train_seconds"] = round(mean(r["train"]["seconds"] for r in group), 1)
                entry["train_peak_rss_mb"] = max(r["train"]["peak_rss_mb"] for r in group)
                entry["steps"] = group[0]["train"]["steps"]
            if all("cross" in r["eval"] for r in group):
                crosses = [r["eval"]["cross"] for r in group]
                entry["cross"] = {"labels": crosses[0]["labels"], "f": seed_stat([c["f"] for c in crosses]),
                                  "p": round(mean(c["p"] for c in crosses), 2),
                                  "r": round(mean(c["r"] for c in crosses), 2)}
            entry["eval_words_per_s"] = round(mean(r["eval"]["speed"]["words_per_s"] for r in group))
            summary[setting][system] = entry
    return summary


def kg_gains(runs: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """kogner minus no-kg test F1 per setting, paired by seed (and cross-corpus)."""
    by_key = {(r["setting"], r["seed"], r["system"]): r for r in runs}
    gains: Dict[str, Dict[str, Any]] = {}
    for setting in sorted({r["setting"] for r in runs}):
        seeds = sorted({s for (st, s, sy) in by_key if st == setting and sy == KOGNER and (st, s, NO_KG) in by_key})
        if not seeds:
            continue
        pairs = [(by_key[(setting, s, KOGNER)]["eval"], by_key[(setting, s, NO_KG)]["eval"]) for s in seeds]
        test_gains = [round(k["test"]["f"] - n["test"]["f"], 2) for k, n in pairs]
        gains[setting] = {"seeds": seeds, "test_f": seed_stat(test_gains), "test_f_sem": standard_error(test_gains)}
        if all("cross" in k and "cross" in n for k, n in pairs):
            gains[setting]["cross_f"] = seed_stat([round(k["cross"]["f"] - n["cross"]["f"], 2) for k, n in pairs])
    return gains


def gpu_training_minutes(runs: List[Dict[str, Any]]) -> Optional[float]:
    """Mean training time (min) of the bc5cdr-full kogner runs trained on a GPU, if any."""
    seconds = [r["train"]["seconds"] for r in runs if r["setting"] == "bc5cdr-full" and r["system"] == KOGNER
               and str(r.get("train", {}).get("device", "cpu")).startswith("gpu")]
    return round(mean(seconds) / 60, 1) if seconds else None


def encoder_comparison(results: Path, runs: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rows of the encoder section: for each `encoders/<name>/` results folder,
    the main runs' kogner and no-kg of its settings and seeds (only those built
    on the same KG table, as their recorded KG coverage shows, and not shown
    already with an earlier folder), then its own."""
    rows: List[Dict[str, Any]] = []
    shown = set()
    for folder in sorted(p.parent for p in (results / ENCODERS_DIR).glob("*/runs")):
        other = [r for r in load_runs(folder) if r["system"] in (KOGNER, NO_KG)]
        kg_of = {(r["setting"], r["seed"]): r.get("kg_coverage") for r in other}
        main = [r for r in runs if r["system"] in (KOGNER, NO_KG) and r["run_id"] not in shown
                and kg_of.get((r["setting"], r["seed"]), False) == r.get("kg_coverage")]
        shown.update(r["run_id"] for r in main)
        speed = read_record(folder / "speed.json") if (folder / "speed.json").exists() else None
        for encoder, group, group_speed in ((MAIN_ENCODER, main, None), (folder.name, other, speed)):
            gains = kg_gains(group)
            for setting, systems in summarize(group).items():
                devices = sorted({str(r.get("train", {}).get("device", "cpu")) for r in group if r["setting"] == setting})
                rows.append(encoder_row(encoder, setting, systems, gains.get(setting), devices, group_speed))
    return rows


def load_target_specs(results: Path) -> List[Dict[str, Any]]:
    """The target specs of `<results>/targets.json`, or of the harness's own
    `benchmarks/targets.json` when the results folder has none."""
    path = results / TARGETS_FILE if (results / TARGETS_FILE).exists() else HARNESS_TARGETS
    return read_record(path)["targets"]


def write_report(results: Path, command: str) -> Dict[str, Any]:
    """Write results.json and RESULTS.md from runs/, speed.json, targets.json and notes.md."""
    runs = load_runs(results)
    speed_path = results / "speed.json"
    speed = read_record(speed_path) if speed_path.exists() else None
    gpu_dir = results / GPU_RESULTS
    gpu_runs = load_runs(gpu_dir) if (gpu_dir / "runs").exists() else []
    gpu_speed = read_record(gpu_dir / "speed.json") if (gpu_dir / "speed.json").exists() else None
    host_time = read_record(results / HOST_TIME_FILE) if (results / HOST_TIME_FILE).exists() else {}
    notes_path = results / NOTES_FILE
    notes = notes_path.read_text(encoding="utf8") if notes_path.exists() else ""
    summary = summarize(runs)
    gains = kg_gains(runs)
    bounds = host_bounds(host_time)
    machine = (speed or {}).get("machine") or (runs[0]["eval"]["machine"] if runs else {})
    report = {
        "report_command": command,
        "run_commands": sorted({r["command"] for r in runs}),
        "machine": machine,
        "summary": summary,
        "kg_gain": gains,
        "speed": speed,
        "gpu": {"folder": GPU_RESULTS, "summary": summarize(gpu_runs), "speed": gpu_speed} if gpu_runs or gpu_speed else None,
        "host_bound": bounds or None,
        "encoders": encoder_comparison(results, runs),
        "annotate": read_record(results / ANNOTATE_FILE) if (results / ANNOTATE_FILE).exists() else None,
        "linking": read_record(results / LINKING_FILE) if (results / LINKING_FILE).exists() else None,
        "targets": targets(load_target_specs(results), summary, gains, speed, gpu_speed,
                           gpu_training_minutes(runs + gpu_runs), bounds),
        "runs": runs,
        "notes": notes,
    }
    srsly.write_json(results / "results.json", report)
    markdown = render_markdown(report)
    (results / "RESULTS.md").write_text(markdown, encoding="utf8")
    return report


def render_markdown(report: Dict[str, Any]) -> str:
    """The Markdown tables of a report."""
    machine = report["machine"] or {}
    lines = ["# KoGNER benchmark results", "",
             "Written by `python benchmarks/benchmark.py run` (or `report`) from the run records in `runs/`; "
             "test-set scores are entity-level micro P/R/F1 (%), one evaluation per configuration; "
             "model selection used the dev split only. Over several seeds: mean ± standard deviation "
             "(population: the seeds' own spread, not the standard error of the mean).", ""]
    if machine:
        lines += [f"Machine: {machine.get('cpu')}, {machine.get('cpu_cores')} cores, {machine.get('memory_gb')} GB RAM, "
                  f"GPU: {machine.get('gpu') or 'none'}; torch {machine.get('torch')}, spaCy {machine.get('spacy')}.", ""]
    lines += ["Commands:", ""] + [f"    {c}" for c in report["run_commands"]] + [""]
    lines += ["## Test scores", "",
              "| setting | system | seeds | P | R | F1 | per type F1 | dev F1 | steps | train time (min) | train peak RSS (MB) |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for setting, systems in report["summary"].items():
        for system, entry in systems.items():
            per_type = ", ".join(f"{label} {plus_minus(stat)}" for label, stat in entry["per_type"].items())
            train_min = f"{entry['train_seconds'] / 60:.1f}" if "train_seconds" in entry else "-"
            lines.append(
                f"| {setting} | {system} | {len(entry['seeds'])} | {entry['p']:.2f} | {entry['r']:.2f} | "
                f"**{plus_minus(entry['f'])}** | {per_type} | {entry.get('dev_f', '-')} | "
                f"{entry.get('steps', {}).get('max_steps', '-')} | {train_min} | {entry.get('train_peak_rss_mb', '-')} |")
    lines += ["", "## KG gain (kogner minus no-kg, paired by seed)", "",
              "Standard error: of the mean gain over the seeds, from training randomness only; the test split's own "
              "sample adds to it (`paired_bootstrap.py`, notes).", "",
              "| setting | seeds | test F1 gain | standard error | cross-corpus F1 gain |", "|---|---|---|---|---|"]
    for setting, gain in report["kg_gain"].items():
        cross = plus_minus(gain["cross_f"]) if "cross_f" in gain else "-"
        sem = gain.get("test_f_sem")
        lines.append(f"| {setting} | {len(gain['seeds'])} | {plus_minus(gain['test_f'])} | {'-' if sem is None else f'{sem:.2f}'} | {cross} |")
    cross_rows = [(s, sy, e["cross"]) for s, systems in report["summary"].items() for sy, e in systems.items() if "cross" in e]
    if cross_rows:
        lines += ["", "## Cross-corpus (trained on the setting's corpus, scored on the NCBI-disease test split, its labels only)", "",
                  "| setting | system | labels | P | R | F1 |", "|---|---|---|---|---|---|"]
        lines += [f"| {s} | {sy} | {', '.join(c['labels'])} | {c['p']:.2f} | {c['r']:.2f} | {plus_minus(c['f'])} |" for s, sy, c in cross_rows]
    speed = report.get("speed")
    if speed:
        lines += ["", f"## Speed and size ({speed['setting']}, seed {speed['seed']}; `nlp.pipe` over the BC5CDR test texts, "
                      "median of the timed passes, fresh process per pipeline)", "",
                  "| device | system | transformer inference | words/s | load (s) | peak RSS (MB) | test F1 |",
                  "|---|---|---|---|---|---|---|"]
        for device in ("cpu", "cpu_fp32", "gpu"):
            for system, m in speed.get(device, {}).items():
                if isinstance(m, dict):
                    load = m["load_seconds"] if m["load_seconds"] is not None else "-"
                    test_f = m["test"]["f"] if "test" in m else "-"
                    precision = m.get("transformer_inference") or "-"
                    lines.append(f"| {device} | {system} | {precision} | {m['words_per_s']} | {load} | {m['peak_rss_mb']} | {test_f} |")
        size = speed.get("size", {})
        fp32_ratio = speed.get("cpu_fp32", {}).get("kg_time_ratio")
        lines += ["", f"kogner/no-kg time ratio (CPU): {speed.get('cpu', {}).get('kg_time_ratio', '-')}"
                      + (f" (float32 inference: {fp32_ratio})" if fp32_ratio else "") + "; "
                      f"kogner pipeline folder {size.get('pipeline_folder_mb')} MB, wheel {size.get('wheel_mb')} MB, "
                      f"KG table {size.get('kg_table_mb')} MB; KG build {speed.get('kg_build_seconds')} s."]
    gpu_run = report.get("gpu")
    if gpu_run:
        lines += ["", f"## GPU run (records in `{gpu_run['folder']}/`)", "",
                  "| setting | system | test F1 | dev F1 | train time (min) |", "|---|---|---|---|---|"]
        for setting, systems in gpu_run["summary"].items():
            for system, entry in systems.items():
                train_min = f"{entry['train_seconds'] / 60:.1f}" if "train_seconds" in entry else "-"
                lines.append(f"| {setting} | {system} | {plus_minus(entry['f'])} | {entry.get('dev_f', '-')} | {train_min} |")
        for system, m in ((gpu_run.get("speed") or {}).get("gpu") or {}).items():
            if isinstance(m, dict):
                lines.append(f"\nGPU inference, {system}: {m['words_per_s']} words/s "
                             f"({m.get('transformer_inference') or '-'} transformer inference).")
    if report.get("host_bound"):
        lines += ["", f"Host-side bound on one process's GPU words/s (`benchmarks/host_time.py` on the CPU, records in "
                      f"`{HOST_TIME_FILE}`): "
                      + ", ".join(f"{system} {' / '.join(map(str, values))}" for system, values in report["host_bound"].items())
                      + "."]
    lines += render_encoders(report.get("encoders") or [])
    lines += render_linking(report.get("linking"))
    lines += render_annotate(report.get("annotate"),
                             gpu_speed_record(report.get("speed"), (report.get("gpu") or {}).get("speed")))
    lines += ["", "## Targets", "", "| target | goal | value | status |", "|---|---|---|---|"]
    lines += [f"| {t['target']} | {t['goal']} | {t['value'] if t['value'] is not None else '-'} | {t['status']} |" for t in report["targets"]]
    if report["notes"]:
        lines += ["", report["notes"].strip()]
    return "\n".join(lines) + "\n"
