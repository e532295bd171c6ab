"""Command line interface: `python -m spacy_kogner --help`."""
from .app import app

__all__ = ["app"]
