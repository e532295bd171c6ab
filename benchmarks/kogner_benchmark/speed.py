"""Speed and size of the trained pipelines of one setting: inference words/s
(kogner and no-kg measured back to back, in fresh processes), load time, peak
memory, package size and KG build time, written to `<results>/speed.json`. The
pipelines run as configured (the shipped config infers in bf16 on CPUs with
native bf16); on such a CPU, kogner and no-kg are also scored and timed with
float32 inference for reference."""
import tempfile
from pathlib import Path
from typing import Any, Dict, Sequence

import srsly

from spacy_kogner.pipeline.cpu_bf16_inference import cpu_has_native_bf16

from .measure import folder_size_mb, machine_description
from .plan import CNN, DICTIONARY, KOGNER, NO_KG, Run, Setting
from .runner import BenchmarkRunner, harness_command, python_module

SPEED_SYSTEMS = (KOGNER, NO_KG, CNN, DICTIONARY)
SPEED_DEVICES = ("cpu", "gpu")


def check_speed_devices(speed_devices: Sequence[str]) -> None:
    """ValueError naming any device that is not cpu or gpu."""
    unknown = sorted(set(speed_devices) - set(SPEED_DEVICES))
    if unknown or not speed_devices:
        raise ValueError(f"Unknown or no speed device(s) {unknown or list(speed_devices)}; known: {list(SPEED_DEVICES)}")


def measure_speed_and_size(runner: BenchmarkRunner, setting: Setting, seed: int, command: str, repeats: int = 3,
                           speed_devices: Sequence[str] = SPEED_DEVICES) -> Dict[str, Any]:
    """Time every trained system of (setting, seed) on the CPU and on GPU 0 (the
    latter when torch sees one; `speed_devices` may leave either out), package
    the kogner pipeline and record the sizes."""
    import torch

    check_speed_devices(speed_devices)
    data = runner.prepare_data(Run(setting, seed, KOGNER))
    test = Path(data["corpus"]) / "test.spacy"
    result: Dict[str, Any] = {"setting": setting.name, "seed": seed, "command": command,
                              "machine": machine_description(), "cpu": {}, "gpu": {}}
    devices = [("cpu", -1, [])] if "cpu" in speed_devices else []
    if "gpu" in speed_devices and torch.cuda.is_available():
        devices.append(("gpu", 0, []))
    if "cpu" in speed_devices and cpu_has_native_bf16():
        # the shipped config infers in bf16 on this CPU ("cpu"); float32 inference is
        # another configuration, scored on the test split once and timed for reference
        devices.append(("cpu_fp32", -1, ["--no-cpu-bf16"]))
        result["cpu_fp32"] = {}
    for device, gpu_id, flags in devices:
        for system in SPEED_SYSTEMS:
            run = Run(setting, seed, system)
            model_best = runner.model_dir(run) / "model-best"
            if system == DICTIONARY:
                if device != "cpu":
                    continue
                source = ["--dictionary", data["kg"], "--labels", ",".join(data["labels"])]
            elif model_best.exists() and (system != CNN or device != "cpu_fp32"):
                source = ["--model", model_best]
            else:
                continue
            out = runner.paths.work / "speed" / f"{run.run_id}-{device}.json"
            scores = "--scores" if device == "cpu_fp32" else "--no-scores"
            step = runner.step(f"{run.run_id}-speed-{device}",
                               harness_command("eval", test, "--output", out, *source,
                                               scores, *flags, "--speed-repeats", repeats, "--gpu-id", gpu_id))
            measured = srsly.read_json(out)
            result[device][system] = {
                "words_per_s": measured["speed"]["words_per_s"],
                "passes": measured["speed"]["passes"],
                "words": measured["speed"]["words"],
                "load_seconds": measured["load_seconds"],
                "transformer_inference": measured["transformer_inference"],
                "peak_rss_mb": measured["peak_rss_mb"],
                "process_seconds": step["seconds"],
            }
            if "test" in measured:
                result[device][system]["test"] = measured["test"]
    for device in ("cpu", "gpu", "cpu_fp32"):
        timings = result.get(device, {})
        if KOGNER in timings and NO_KG in timings:
            timings["kg_time_ratio"] = round(timings[NO_KG]["words_per_s"] / timings[KOGNER]["words_per_s"], 3)
    kogner_best = runner.model_dir(Run(setting, seed, KOGNER)) / "model-best"
    result["size"] = {"pipeline_folder_mb": folder_size_mb(kogner_best), "kg_table_mb": folder_size_mb(Path(data["kg"]))}
    with tempfile.TemporaryDirectory() as tmp:
        runner.step(f"{setting.name}-s{seed}-package",
                    python_module("spacy", "package", kogner_best, tmp, "--name", "kogner_benchmark",
                                  "--version", "0.0.0", "--build", "wheel", "--force"))
        wheel = next(Path(tmp).rglob("*.whl"))
        result["size"]["wheel_mb"] = round(wheel.stat().st_size / 2**20, 1)
    result["kg_build_seconds"] = data["kg_build"]["seconds"]
    srsly.write_json(runner.paths.results / "speed.json", result)
    return result
