"""Each benchmark target met or missed: the measured value a target spec of
`targets.json` names (test F1, KG gain, speed, size, GPU training time) and by
how much it misses its goal."""
from typing import Any, Dict, List, Optional

from .plan import KOGNER, NO_KG

GPU_RESULTS = "gpu"  # a results folder (runs/, speed.json) of a benchmark run on a GPU machine
HOST_TIME_FILE = "host_time.json"  # benchmarks/host_time.py records: host-side bounds on GPU words/s
TARGETS_FILE = "targets.json"  # the targets: metric, goal, direction


def _target(name: str, value: Optional[float], goal: float, higher: bool = True, unit: str = "",
            missing: str = "not measured", strict: bool = False) -> Dict[str, Any]:
    op = (">" if strict else ">=") if higher else "<="
    if value is None:
        return {"target": name, "goal": f"{op} {goal}{unit}", "value": None, "met": None, "status": missing}
    met = (value > goal if strict else value >= goal) if higher else value <= goal
    gap = round(value - goal, 3)
    status = "met" if met else (f"missed by {abs(gap)}{unit}" if gap else "missed (equal to the bound)")
    return {"target": name, "goal": f"{op} {goal}{unit}", "value": value, "met": met, "status": status}


def host_bounds(host_time: Dict[str, Dict[str, Any]]) -> Dict[str, List[int]]:
    """Host-side bounds on one process's GPU words/s (`benchmarks/host_time.py`
    records), sorted, by system: kogner for pipelines with a KG, else no-kg."""
    bounds: Dict[str, List[int]] = {}
    for tag, record in host_time.items():
        missing = [key for key in ("uses_kg", "host_bound_words_per_s") if key not in record]
        if missing:
            raise ValueError(f"{HOST_TIME_FILE}: record {tag!r} has no {', '.join(missing)}; "
                             "rerun benchmarks/host_time.py for it")
        bounds.setdefault(KOGNER if record["uses_kg"] else NO_KG, []).append(record["host_bound_words_per_s"])
    return {system: sorted(values) for system, values in bounds.items()}


def gpu_speed_record(speed: Optional[Dict], gpu_speed: Optional[Dict]) -> Optional[Dict]:
    """The speed record whose GPU timings are in force: the main one's when it
    timed a GPU, else the GPU machine's run (`gpu/speed.json`)."""
    return speed if (speed or {}).get("gpu") else gpu_speed


def targets(specs: List[Dict[str, Any]], summary: Dict, gains: Dict, speed: Optional[Dict],
            gpu_speed: Optional[Dict] = None, gpu_train_minutes: Optional[float] = None,
            host_bound: Optional[Dict[str, List[int]]] = None) -> List[Dict[str, Any]]:
    """Each target of `specs` (targets.json) with its measured value and status;
    GPU timings come from `speed` or else from `gpu_speed` (a GPU machine's
    run); while unmeasured, a `host_bound` target gives kogner's host-side bound."""
    sections = dict(speed or {})
    sections["gpu"] = (gpu_speed_record(speed, gpu_speed) or {}).get("gpu", {})
    precision = sections.get("cpu", {}).get(KOGNER, {}).get("transformer_inference") or "float32"
    no_gpu = f"not measured: no GPU run recorded (in runs/ or {GPU_RESULTS}/)"
    bound = (host_bound or {}).get(KOGNER)
    rows = []
    for spec in specs:
        if spec.get("optional") and spec.get("device") not in (speed or {}):
            continue
        value = _metric_value(spec, summary, gains, sections, gpu_train_minutes)
        missing = "not measured"
        if spec.get("device") == "gpu" or spec["metric"] == "gpu_train_minutes":
            missing = no_gpu
            if spec.get("host_bound") and bound:
                missing += (f"; host-side bound of one process on the CPU: {bound[0]}"
                            + (f" to {bound[-1]}" if bound[-1] != bound[0] else "") + f" words/s ({HOST_TIME_FILE})")
        rows.append(_target(spec["name"].replace("{precision}", precision), value, spec["goal"],
                            higher=spec.get("higher", True), missing=missing, strict=spec.get("strict", False)))
    return rows


def _metric_value(spec: Dict[str, Any], summary: Dict, gains: Dict, sections: Dict,
                  gpu_train_minutes: Optional[float]) -> Optional[float]:
    """The measured value a target spec names (None when not measured)."""
    metric = spec["metric"]
    if metric == "test_f":
        entry = summary.get(spec["setting"], {}).get(KOGNER)
        if entry is None:
            return None
        return entry["f"]["mean"] if "label" not in spec else entry["per_type"].get(spec["label"], {}).get("mean")
    if metric == "kg_gain":
        return gains.get(spec["setting"], {}).get(spec.get("key", "test_f"), {}).get("mean")
    if metric == "speed":
        section = sections.get(spec["device"]) or {}
        return (section.get(spec["system"], {}) if "system" in spec else section).get(spec["field"])
    if metric == "size":
        return (sections.get("size") or {}).get(spec["field"])
    if metric == "gpu_train_minutes":
        return gpu_train_minutes
    raise ValueError(f"{TARGETS_FILE}: unknown metric {metric!r} in target {spec['name']!r}")
