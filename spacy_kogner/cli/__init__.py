"""Command line interface: `python -m spacy_kogner --help`."""
from . import annotate, corpus, kg, project  # noqa: F401  (registers the commands)
from .app import app

__all__ = ["app"]
