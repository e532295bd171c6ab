"""Registered functions that give a pipeline its KG table at [initialize]."""
from pathlib import Path
from typing import Callable, Optional, Union

from spacy.util import registry

from .table import KGTable, KGTableError


@registry.misc("spacy_kogner.KGTableLoader.v1")
def create_kg_table_loader(path: Optional[Union[str, Path]]) -> Callable[[], KGTable]:
    """Return a callable that loads and validates the KG table folder at `path`
    (None is accepted until the table is needed, like spaCy's [paths])."""

    def load_kg_table() -> KGTable:
        if path is None:
            raise KGTableError("No KG table path given: set paths.kg (--paths.kg) to a KG table folder")
        return KGTable.from_disk(path)

    return load_kg_table
