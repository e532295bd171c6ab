"""The installed distribution registers everything spaCy needs to load a
pipeline without importing spacy_kogner."""
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

EXPECTED = {
    "spacy_factories": {"kogner_ner", "kg_dictionary_ner", "abbreviation_detector"},
    "spacy_architectures": {"spacy_kogner.KoGNER.v1"},
    "spacy_misc": {"spacy_kogner.KGTableLoader.v1", "spacy_kogner.GoldHoldOutLoader.v1",
                   "spacy_kogner.ExactAliasCandidates.v1", "spacy_kogner.CharNgramCandidates.v1"},
    "spacy_tokenizers": {"spacy_kogner.Tokenizer.v1", "spacy_kogner.SciSpacyTokenizer.v1"},
    "spacy_callbacks": {"spacy_kogner.cpu_bf16_inference.v1", "spacy_kogner.torch_param_averages.v1"},
}


@pytest.mark.parametrize("group", sorted(EXPECTED))
def test_entry_points_are_declared_and_load(group):
    found = {ep.name: ep for ep in entry_points(group=group) if ep.value.startswith(("spacy_kogner", "scispacy"))}
    assert EXPECTED[group] <= set(found)
    for name in EXPECTED[group]:
        assert callable(found[name].load())


@pytest.mark.slow
def test_registry_resolves_names_in_a_fresh_process():
    code = (
        "import sys, spacy\n"
        "from spacy.util import registry\n"
        "from spacy.language import Language\n"
        "spacy.blank('en')  # a new Language loads the spacy_factories entry points\n"
        "registry.architectures.get('spacy_kogner.KoGNER.v1')\n"
        "registry.misc.get('spacy_kogner.KGTableLoader.v1')\n"
        "registry.misc.get('spacy_kogner.GoldHoldOutLoader.v1')\n"
        "registry.tokenizers.get('spacy_kogner.SciSpacyTokenizer.v1')\n"
        "registry.callbacks.get('spacy_kogner.cpu_bf16_inference.v1')\n"
        "registry.callbacks.get('spacy_kogner.torch_param_averages.v1')\n"
        "assert Language.has_factory('kogner_ner') and Language.has_factory('abbreviation_detector')\n"
        "assert Language.has_factory('kg_dictionary_ner')\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


@pytest.mark.slow
def test_a_blank_language_does_not_import_the_model_layers():
    # spaCy imports every entry-point factory module on each new Language; kogner_ner's
    # model layers (and torch-geometric) are imported only when a kogner_ner is made
    code = (
        "import sys, spacy\n"
        "nlp = spacy.blank('en')\n"
        "print(sorted(m for m in ('torch_geometric', 'spacy_kogner.ml', 'spacy_kogner.pipeline.kogner_ner')"
        " if m in sys.modules))\n"
        "nlp.add_pipe('kogner_ner')\n"
        "print('torch_geometric' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True"], result.stdout
