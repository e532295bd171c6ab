"""The benchmark's figures, from the run records (`runs/*.json`) and training
logs: test F1 against the training fraction (mean and spread over seeds) per
system, and dev F1 against the training step. PNG and SVG, written without
timestamps so that the same records give the same files."""
from pathlib import Path
from statistics import mean
from typing import Any, Dict, List, Sequence, Tuple

from .measure import dev_curve
from .plan import KOGNER, NO_KG, SYSTEMS

FRACTION_FIGURE = "f1_vs_fraction"
CURVE_FIGURE = "dev_f1_vs_step"
STYLE = {KOGNER: ("tab:red", "o"), NO_KG: ("tab:blue", "s"), "cnn": ("tab:green", "^"), "dictionary": ("tab:gray", "D")}
# line style by seed number; after the sixth seed the styles repeat
SEED_LINES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))


def seed_line(word: str) -> Any:
    """The line style of a curve whose name starts with `word`: its seed's ("s3") or solid."""
    if len(word) > 1 and word[0] == "s" and word[1:].isdigit():
        return SEED_LINES[int(word[1:]) % len(SEED_LINES)]
    return "-"


def fraction_points(runs: Sequence[Dict[str, Any]], corpus: str = "bc5cdr") -> Dict[str, List[Tuple[float, List[float]]]]:
    """system -> [(training fraction, test F1 of each seed)], fractions ascending."""
    by_system: Dict[str, Dict[float, List[float]]] = {}
    for run in runs:
        spec = run["setting_spec"]
        if spec["corpus"] == corpus:
            by_system.setdefault(run["system"], {}).setdefault(spec["train_fraction"], []).append(run["eval"]["test"]["f"])
    return {system: sorted(points.items()) for system, points in by_system.items()}


def dev_curves(runs: Sequence[Dict[str, Any]], logs: Sequence[Tuple[str, Path]] = ()) -> Dict[str, List[Tuple[int, float]]]:
    """name -> (step, dev F1) of the kogner and no-kg runs that recorded a curve,
    and of extra `spacy train` logs given as (name, path)."""
    curves = {f"{r['setting']} s{r['seed']} {r['system']}": [tuple(p) for p in r["train"]["dev_curve"]]
              for r in runs if r["system"] in (KOGNER, NO_KG) and r.get("train", {}).get("dev_curve")}
    for name, path in logs:
        curve = dev_curve(path.read_text(encoding="utf8", errors="replace"))
        if not curve:
            raise ValueError(f"{path}: no score table of `spacy train` found")
        curves[name] = curve
    return curves


def _pyplot():
    """matplotlib's pyplot on the file-only Agg backend, with a fixed SVG id salt (same records, same files)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "kogner"
    import matplotlib.pyplot as plt

    return plt


def _save(figure, out_dir: Path, name: str) -> List[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.png", out_dir / f"{name}.svg"]
    figure.savefig(paths[0], dpi=120, metadata={"Software": None})
    figure.savefig(paths[1], metadata={"Date": None, "Creator": None})
    return paths


def plot_fraction(points: Dict[str, List[Tuple[float, List[float]]]], out_dir: Path) -> List[Path]:
    """Test F1 against the training fraction: the mean over seeds with a bar
    from the lowest to the highest seed, the number of seeds by each point."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 4.4))
    for system in [s for s in SYSTEMS if s in points]:
        xs = [fraction for fraction, _ in points[system]]
        means = [mean(scores) for _, scores in points[system]]
        low = [m - min(scores) for m, (_, scores) in zip(means, points[system])]
        high = [max(scores) - m for m, (_, scores) in zip(means, points[system])]
        color, marker = STYLE.get(system, ("black", "x"))
        axes.errorbar(xs, means, yerr=[low, high], color=color, marker=marker, capsize=3, label=system)
        for x, m, (_, scores) in zip(xs, means, points[system]):
            axes.annotate(f"n={len(scores)}", (x, m), textcoords="offset points", xytext=(4, -10), fontsize=7, color=color)
    axes.set_xscale("log")
    fractions = sorted({f for series in points.values() for f, _ in series})
    axes.set_xticks(fractions, [f"{f:g}" for f in fractions])
    axes.minorticks_off()
    axes.set_xlabel("training fraction of BC5CDR train (log scale)")
    axes.set_ylabel("test F1 (%)")
    axes.set_title("BC5CDR test F1 (mean, min-max over seeds; n = seeds)")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    paths = _save(figure, out_dir, FRACTION_FIGURE)
    plt.close(figure)
    return paths


def curve_panels(curves: Dict[str, List[Tuple[int, float]]]) -> Dict[str, Dict[str, List[Tuple[int, float]]]]:
    """Curves grouped by setting (the first word of each name, e.g. "bc5cdr-full"),
    each keyed by the rest of its name ("s1 kogner"); settings and names sorted."""
    panels: Dict[str, Dict[str, List[Tuple[int, float]]]] = {}
    for name, curve in sorted(curves.items()):
        setting, _, label = name.partition(" ")
        panels.setdefault(setting, {})[label or setting] = curve
    return panels


def plot_curves(curves: Dict[str, List[Tuple[int, float]]], out_dir: Path) -> List[Path]:
    """Dev F1 against the training step, one panel per setting and one line per
    run or log in it (colour: system; line style: seed; step 0, before training, left out)."""
    plt = _pyplot()
    panels = curve_panels(curves)
    figure, axes_row = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.2), squeeze=False)
    for axes, (setting, named) in zip(axes_row[0], panels.items()):
        for label, curve in named.items():
            words = label.split()
            color, marker = STYLE[KOGNER if KOGNER in words else NO_KG]
            points = [(step, f) for step, f in curve if step > 0]
            axes.plot([s for s, _ in points], [f for _, f in points], color=color, marker=marker, alpha=0.8,
                      linestyle=seed_line(words[0]), label=label)
        axes.set_title(setting)
        axes.set_xlabel("training step")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7, loc="lower right")
    axes_row[0][0].set_ylabel("dev F1 (%)")
    figure.suptitle("Dev F1 during training, kogner vs no-kg (line style: seed)")
    figure.tight_layout()
    paths = _save(figure, out_dir, CURVE_FIGURE)
    plt.close(figure)
    return paths


def write_plots(results: Path, logs: Sequence[Tuple[str, Path]] = ()) -> List[Path]:
    """Both figures from results/runs (and extra training logs) into results/figures."""
    from .report import load_runs

    runs = load_runs(results)
    out_dir = results / "figures"
    paths = plot_fraction(fraction_points(runs), out_dir)
    curves = dev_curves(runs, logs)
    if curves:
        paths += plot_curves(curves, out_dir)
    return paths
