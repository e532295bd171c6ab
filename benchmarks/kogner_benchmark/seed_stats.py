"""Scores over seeds: mean, spread and standard error, and how the report writes them."""
from math import sqrt
from statistics import mean, pstdev, stdev
from typing import Any, Dict, Optional, Sequence


def seed_stat(values: Sequence[float]) -> Dict[str, Any]:
    """Mean and population standard deviation (the seeds' own spread) of one score."""
    return {"mean": round(mean(values), 2), "std": round(pstdev(values), 2) if len(values) > 1 else 0.0,
            "values": list(values)}


def standard_error(values: Sequence[float]) -> Optional[float]:
    """Standard error of the mean (sample standard deviation / sqrt(n)); None for one value."""
    return round(stdev(values) / sqrt(len(values)), 2) if len(values) > 1 else None


def plus_minus(stat: Dict[str, Any]) -> str:
    """'mean ± std', or the mean alone for one seed."""
    return f"{stat['mean']:.2f}" + (f" ± {stat['std']:.2f}" if len(stat["values"]) > 1 else "")
