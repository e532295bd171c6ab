"""Registered functions that give a pipeline its KG table (and, for training,
its gold hold-out) at [initialize]."""
from pathlib import Path
from typing import Callable, Optional, Union

from spacy.util import registry

from .format import KGTableError
from .holdout import GoldHoldOut
from .table import KGTable


@registry.misc("spacy_kogner.KGTableLoader.v1")
def create_kg_table_loader(path: Optional[Union[str, Path]]) -> Callable[[], KGTable]:
    """Return a callable that loads and validates the KG table folder at `path`
    (None is accepted until the table is needed, like spaCy's [paths])."""

    def load_kg_table() -> KGTable:
        if path is None:
            raise KGTableError("No KG table path given: set paths.kg (--paths.kg) to a KG table folder")
        return KGTable.from_disk(path)

    return load_kg_table


@registry.misc("spacy_kogner.GoldHoldOutLoader.v1")
def create_gold_hold_out_loader(path: Optional[Union[str, Path]]) -> Callable[[], Optional[GoldHoldOut]]:
    """Return a callable that reads the gold hold-out file at `path` (written by
    `build-kg` beside the table), or gives None when no path is set."""

    def load_gold_hold_out() -> Optional[GoldHoldOut]:
        return None if path is None else GoldHoldOut.from_disk(path)

    return load_gold_hold_out
