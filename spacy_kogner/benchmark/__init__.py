"""The benchmark harness: KoGNER against its no-KG ablation, spaCy's CNN NER and
KG dictionary matching, on the same splits, seeds, KG table and step budget."""
from .plan import DEFAULT_SETTINGS, SYSTEMS, Run, Setting, plan_runs, select_settings
from .report import write_report
from .runner import BenchmarkError, BenchmarkOptions, BenchmarkPaths, BenchmarkRunner

__all__ = [
    "DEFAULT_SETTINGS", "SYSTEMS", "BenchmarkError", "BenchmarkOptions", "BenchmarkPaths", "BenchmarkRunner",
    "Run", "Setting", "plan_runs", "select_settings", "write_report",
]
