"""Session fixtures: the tiny BERT folder, the tiny KG table, trained pipelines.
The benchmark harness (`benchmarks/kogner_benchmark`, outside the package) is
put on the import path for its tests."""
import sys
from pathlib import Path

import pytest
from spacy.language import Language

from tests.util import TINY_KG, make_nlp, train_nlp, write_tiny_bert

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    """Folder of a tiny random BERT, loadable by path with no network."""
    return write_tiny_bert(tmp_path_factory.mktemp("tiny_bert"))


@pytest.fixture(scope="session")
def tiny_kg_path() -> Path:
    """The KG table folder that ships with the tests."""
    return TINY_KG


@pytest.fixture(scope="session")
def trained_nlp(tiny_bert) -> Language:
    """abbreviation_detector + transformer + kogner_ner with the KG, overfitted."""
    return train_nlp(make_nlp(tiny_bert, use_kg=True, abbreviations=True))


@pytest.fixture(scope="session")
def trained_dir(trained_nlp, tmp_path_factory) -> Path:
    """`trained_nlp` saved to disk."""
    path = tmp_path_factory.mktemp("trained") / "pipeline"
    trained_nlp.to_disk(path)
    return path
