"""Command line interface: `python -m spacy_kogner --help`."""
from . import benchmark, build_kg, convert, evaluate, fetch, train, transformer  # noqa: F401  (registers the commands)
from .app import app

__all__ = ["app"]
