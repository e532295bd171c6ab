"""The encoder section of the benchmark report: kogner and no-kg of one data
folder (corpus sample and KG table) with each transformer fine-tuned (harness
`--encoder`), a results folder per transformer under `encoders/<name>/`, joined
by the main runs of the same settings, seeds and KG table."""
from typing import Any, Dict, List, Optional

from .seed_stats import plus_minus

ENCODERS_DIR = "encoders"
MAIN_ENCODER = "runs/ (`--transformer`)"


def encoder_row(encoder: str, setting: str, systems: Dict[str, Dict[str, Any]], gain: Optional[Dict[str, Any]],
                devices: List[str], speed: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """One row: kogner and no-kg test/dev F1 of one encoder on one setting, the
    KG gain paired by seed, the training devices and, if timed, GPU words/s."""
    row: Dict[str, Any] = {"encoder": encoder, "setting": setting, "devices": devices, "gain": gain}
    for system, entry in systems.items():
        row[system] = {"seeds": entry["seeds"], "f": entry["f"], "dev_f": entry.get("dev_f"),
                       "per_type": {label: stat["mean"] for label, stat in entry["per_type"].items()},
                       "train_seconds": entry.get("train_seconds")}
    if speed:
        row["gpu_words_per_s"] = {system: m["words_per_s"] for system, m in (speed.get("gpu") or {}).items()
                                  if isinstance(m, dict)}
    return row


def _f(stat: Optional[Dict[str, Any]]) -> str:
    return plus_minus(stat) if stat else "-"


def render_encoders(rows: List[Dict[str, Any]]) -> List[str]:
    """Markdown lines of the section (none without an `encoders/` folder)."""
    if not rows:
        return []
    lines = ["", f"## Encoders (kogner and no-kg with each transformer fine-tuned; records in `{ENCODERS_DIR}/<encoder>/`, "
                 "each on the same data and KG table; the main runs of the same seeds join when built on that KG table)", "",
             "| encoder | setting | seeds | trained on | kogner F1 (per type) | no-kg F1 (per type) | "
             "KG gain | dev F1 kogner / no-kg | cross-corpus KG gain | train time kogner (min) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = []
        for system in ("kogner", "no-kg"):
            entry = row.get(system)
            cells.append(f"{_f(entry['f'])} ({', '.join(f'{label} {v:.2f}' for label, v in entry['per_type'].items())})"
                         if entry else "-")
        gain = row.get("gain") or {}
        dev = " / ".join(str(row[s]["dev_f"]) if row.get(s) and row[s]["dev_f"] is not None else "-"
                         for s in ("kogner", "no-kg"))
        kogner = row.get("kogner") or {}
        minutes = f"{kogner['train_seconds'] / 60:.1f}" if kogner.get("train_seconds") else "-"
        seeds = ",".join(str(s) for s in (kogner.get("seeds") or []))
        lines.append(f"| {row['encoder']} | {row['setting']} | {seeds or '-'} | {', '.join(row['devices'])} | "
                     f"{cells[0]} | {cells[1]} | **{_f(gain.get('test_f'))}** | {dev} | {_f(gain.get('cross_f'))} | "
                     f"{minutes} |")
    for row in rows:
        if row.get("gpu_words_per_s"):
            rates = ", ".join(f"{system} {rate}" for system, rate in row["gpu_words_per_s"].items())
            lines.append(f"\nGPU inference with {row['encoder']} ({row['setting']}): {rates} words/s.")
    return lines
