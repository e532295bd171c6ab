"""Test helpers: a tiny random BERT on disk, the tiny KG table, small pipelines
built from them. Nothing here touches the network."""
import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Dict, List, Tuple

import spacy
from spacy.language import Language
from spacy.training import Example

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"
TINY_KG = FIXTURES / "tiny_kg"

TRAIN_DATA: List[Tuple[str, Dict]] = [
    ("Naloxone reverses the antihypertensive effect of clonidine .",
     {"entities": [(0, 8, "Chemical"), (49, 58, "Chemical")]}),
    ("Lithium carbonate induced nephrogenic diabetes insipidus .",
     {"entities": [(0, 17, "Chemical"), (26, 56, "Disease")]}),
    ("Haloperidol can cause Parkinson 's disease in elderly patients .",
     {"entities": [(0, 11, "Chemical"), (22, 42, "Disease")]}),
    ("Cardiac arrest followed the bupivacaine injection .",
     {"entities": [(0, 14, "Disease"), (28, 39, "Chemical")]}),
    ("No adverse events were observed .", {"entities": []}),
]

VOCAB_WORDS = sorted({w.lower() for text, _ in TRAIN_DATA for w in text.split()})


def load_script(path: Path) -> ModuleType:
    """Import a script of the repository that is not in the package (benchmarks/*.py) as a module."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_pubtator_abstracts(path: Path) -> Path:
    """A PubTator file of two abstracts (title and abstract from pairs of TRAIN_DATA), 8 gold mentions."""
    lines = []
    for pmid, ((title, t_ann), (abstract, a_ann)) in enumerate(zip(TRAIN_DATA[0::2], TRAIN_DATA[1::2]), start=1):
        lines += [f"{pmid}|t|{title}", f"{pmid}|a|{abstract}"]
        spans = t_ann["entities"] + [(s + len(title) + 1, e + len(title) + 1, label) for s, e, label in a_ann["entities"]]
        text = f"{title} {abstract}"
        lines += [f"{pmid}\t{s}\t{e}\t{text[s:e]}\t{label}\t-1" for s, e, label in spans] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


def write_tiny_bert(path: Path, layers: int = 1, seed: int = 0) -> Path:
    """Save a randomly initialised BERT (hidden 32) with a small WordPiece vocab."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    path.mkdir(parents=True, exist_ok=True)
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789.,;:'\"()[]-_/+%αβγ")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars] + VOCAB_WORDS
    (path / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf8")
    tokenizer = BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(path))
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=layers,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(str(path))
    return path


def transformer_config(bert_path: Path) -> Dict:
    """Config of a spacy-transformers component over a local model folder."""
    return {
        "model": {
            "@architectures": "spacy-transformers.TransformerModel.v3",
            "name": str(bert_path),
            "tokenizer_config": {"use_fast": True},
            "get_spans": {"@span_getters": "spacy_kogner.byte_budget_strided_spans.v1", "window": 64, "stride": 48, "max_bytes": 500},
        }
    }


def make_nlp(bert_path: Path, use_kg: bool = True, abbreviations: bool = False) -> Language:
    """Blank English pipeline: [abbreviation_detector], transformer, kogner_ner (width 32)."""
    nlp = spacy.blank("en")
    if abbreviations:
        nlp.add_pipe("abbreviation_detector", config={"make_serializable": True})
    nlp.add_pipe("transformer", config=transformer_config(bert_path))
    nlp.add_pipe("kogner_ner", config={"model": {"width": 32, "depth": 1, "use_kg": use_kg, "dropout": 0.0}})
    return nlp


def train_examples(nlp: Language) -> List[Example]:
    """TRAIN_DATA as Examples."""
    return [Example.from_dict(nlp.make_doc(text), ann) for text, ann in TRAIN_DATA]


def kg_initialize_config(kg_path: Path) -> Dict:
    """[initialize.components.kogner_ner] block that loads a KG table folder."""
    return {"kg": {"@misc": "spacy_kogner.KGTableLoader.v1", "path": str(kg_path)}}


def train_nlp(nlp: Language, kg_path: Path = TINY_KG, n_iter: int = 80, seed: int = 0) -> Language:
    """Initialize (loading the KG through the config) and overfit TRAIN_DATA."""
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(kg_path)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(get_examples=lambda: examples)
    for _ in range(n_iter):
        nlp.update(examples, sgd=optimizer)
    return nlp


def ents_of(doc) -> List[Tuple[int, int, str, str]]:
    """(start, end, label, kb_id) of each entity of a doc."""
    return [(ent.start, ent.end, ent.label_, ent.kb_id_) for ent in doc.ents]


def output_text(result) -> str:
    """A CLI result's output with its whitespace (and so wasabi's line wrapping
    at the terminal width) collapsed, so tests do not depend on the width or on
    the length of the paths in the messages."""
    return " ".join(result.output.split())
