"""Install spacy_kogner with its spaCy entry points (so spacy.load finds the
component, architecture and loaders without importing the package)."""
from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent


def read_version() -> str:
    for line in (ROOT / "spacy_kogner" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip('"')
    raise RuntimeError("__version__ not found")


setup(
    name="spacy_kogner",
    version=read_version(),
    description="Knowledge-graph-augmented biomedical NER (KoGNER) as a spaCy component",
    long_description=(ROOT / "README.md").read_text(encoding="utf8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.9",
    packages=find_packages(include=["spacy_kogner", "spacy_kogner.*"]),
    install_requires=[
        "spacy>=3.8.0,<3.9.0",
        "spacy-transformers>=1.3.0,<1.5.0",
        "thinc>=8.3.0,<8.4.0",
        "torch>=2.2.0",
        "torch-geometric>=2.5.0,<2.9.0",
        "transformers>=4.38.0,<4.53.3",
        "scispacy>=0.5.5,<0.7.0",
        "numpy>=1.23,<2.0",
        "typer>=0.9.0",
        "wasabi>=1.1.0",
        "srsly>=2.4.0",
        "safetensors>=0.4.0",
        "scikit-learn>=1.0",
        "bioc>=2.1,<3.0",
    ],
    extras_require={
        "project": ["build>=1.0"],
        "parquet": ["pyarrow>=14,<22"],
        "ray": ["ray[data]>=2.51,<3", "pyarrow>=14,<22"],
        "plots": ["matplotlib>=3.7,<3.11"],
        "test": ["pytest>=7", "build>=1.0", "pyarrow>=14,<22", "ray[data]>=2.51,<3", "matplotlib>=3.7,<3.11"],
    },
    entry_points={
        "console_scripts": ["spacy-kogner = spacy_kogner.cli:app"],
        "spacy_factories": [
            "kogner_ner = spacy_kogner.pipeline.kogner_factory:make_kogner_ner",
            "kg_dictionary_ner = spacy_kogner.pipeline.dictionary_ner:make_kg_dictionary_ner",
            "abbreviation_detector = scispacy.abbreviation:AbbreviationDetector",
        ],
        "spacy_architectures": ["spacy_kogner.KoGNER.v1 = spacy_kogner.ml.kogner:build_kogner_model"],
        "spacy_misc": [
            "spacy_kogner.KGTableLoader.v1 = spacy_kogner.kg.loaders:create_kg_table_loader",
            "spacy_kogner.GoldHoldOutLoader.v1 = spacy_kogner.kg.loaders:create_gold_hold_out_loader",
            "spacy_kogner.ExactAliasCandidates.v1 = spacy_kogner.kg.candidates:create_exact_alias_candidates",
            "spacy_kogner.CharNgramCandidates.v1 = spacy_kogner.kg.candidates:create_char_ngram_candidates",
        ],
        "spacy_callbacks": [
            "spacy_kogner.cpu_bf16_inference.v1 = spacy_kogner.pipeline.cpu_bf16_inference:create_cpu_bf16_inference",
            "spacy_kogner.torch_param_averages.v1 = spacy_kogner.ml.param_averages:create_torch_param_averages",
        ],
        "spacy_span_getters": [
            "spacy_kogner.byte_budget_strided_spans.v1 = spacy_kogner.ml.span_getters:configure_byte_budget_strided_spans"
        ],
        "spacy_scorers": [
            "spacy_kogner.entity_and_link_scorer.v1 = spacy_kogner.pipeline.scoring:make_entity_and_link_scorer"
        ],
        "spacy_tokenizers": [
            "spacy_kogner.Tokenizer.v1 = spacy_kogner.pipeline.tokenizer:create_tokenizer",
            "spacy_kogner.SciSpacyTokenizer.v1 = spacy_kogner.pipeline.tokenizer:create_scispacy_tokenizer",
        ],
    },
)
