"""The benchmark harness's command line (the `kogner_benchmark` package beside
this script): `python benchmarks/benchmark.py --help`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kogner_benchmark.cli import app  # noqa: E402  (after the path is set)

if __name__ == "__main__":
    app()
