"""Build a KG table from its sources: merge them, distil every entity into a
vector, write the table folder, the gold hold-out and the build statistics.
`python -m spacy_kogner build-kg` is this module's `build_kg`."""
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import srsly
from spacy.lang.en.stop_words import STOP_WORDS

from ..corpus.convert import PUBTATOR_SPLITS, check_train_splits
from ..corpus.docbin import read_docs
from ..corpus.pubtator import read_pubtator
from ..kg.holdout import GoldHoldOut, doc_key, document_units
from ..kg.normalize import alias_key
from ..kg.table import KGTable
from ..util import atomic_path, md5_of
from .coverage import coverage
from .distill import distill
from .merge import KGSources, MergedKG, merge_sources
from .table import build_table, index_relations

RESOURCE_FILES = {
    "mesh_descriptors": "mesh_id_label_mappings.tsv",
    "mesh_supplementary": "mesh_supp_id_label_mappings.tsv",
    "mesh_mappings": "mesh_mappings.tsv",
    "hgnc": "hgnc_entries.tsv",
    "doid": "doid.json",
    "chebi": "chebi.json",
    "drugbank_mappings": "drugbank_mappings.tsv",
    "chebi_pubchem": "chebi_to_pubchem.tsv",
    "pubchem_mesh": "pubchem_mesh_map.tsv",
    "cas_chebi": "cas_to_chebi.tsv",
    "mesh_cas": "mesh_cas_mappings.tsv",
}
# disease vocabularies read only when asked for: they raise coverage but add
# noisy matches (docs/kg.md has the measurements)
EXTRA_SOURCES = {"mondo": "mondo.json", "hpo": "hp.json", "hetionet-nodes": "nodes.tsv"}
AnnotatedDoc = Tuple[str, List[Tuple[str, str]]]  # text, (entity text, label) of each entity


class KGBuildError(ValueError):
    """A KG build that cannot proceed (the message names the file or option)."""


@dataclass
class KGBuildOptions:
    """Inputs and settings of a KG build (see `python -m spacy_kogner build-kg --help`)."""

    resources: Optional[Path] = None
    hetionet: Optional[Path] = None
    pubtator: List[Path] = field(default_factory=list)
    gold_corpus: Optional[Path] = None
    train_mentions: Optional[Path] = None
    extra_sources: Sequence[str] = ()
    types: Sequence[str] = ()
    gold_hold_out: Optional[Path] = None
    transformer: Optional[str] = None
    corpus: Optional[Path] = None
    dim: int = 64
    name_sample: int = 20000
    struct_dim: int = 64
    epochs: int = 5
    seed: int = 0


def training_pubtator_files(paths: Sequence[Path], train_splits: Sequence[str] = ("train",)) -> List[Path]:
    """The PubTator files of the training data: a file as given; a folder
    (train.PubTator.txt, devel.PubTator.txt, ...) gives the file of each split
    in `train_splits`, so that the KG's gold ids come from the documents the
    model trains on (convert's --train-splits)."""
    splits = check_train_splits(train_splits)
    files: List[Path] = []
    for path in paths:
        files.extend([path / PUBTATOR_SPLITS[split] for split in splits] if path.is_dir() else [path])
    return files


def find_sources(
    resources: Optional[Path], hetionet: Optional[Path], pubtator: Sequence[Path], extra: Sequence[str] = ()
) -> KGSources:
    """The source files present under the resources and Hetionet folders, plus
    the EXTRA_SOURCES named in `extra`. A PubTator file of the test split is refused."""
    unknown = [name for name in extra if name not in EXTRA_SOURCES]
    if unknown:
        raise KGBuildError(f"Unknown extra source(s) {unknown}; known: {sorted(EXTRA_SOURCES)}")
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
            raise KGBuildError(f"{path}: the test split must not feed the KG")
        if not path.exists():
            raise KGBuildError(f"PubTator file not found: {path}")
    return KGSources(pubtator=list(pubtator), **found)


def _required(path: Path) -> Path:
    if not path.exists():
        raise KGBuildError(f"KG source file not found: {path}")
    return path


def annotated_docs(path: Path) -> List[AnnotatedDoc]:
    """The text and the (text, label) of every annotated entity of each doc of a .spacy file."""
    return [(doc.text, [(ent.text, ent.label_) for ent in doc.ents]) for doc in read_docs(path)]


def gold_mention_filter(docs: Sequence[AnnotatedDoc]) -> Callable[[str, str], bool]:
    """keep_gold for `merge_sources`: a PubTator mention is kept when its text and
    label are those of an entity of the training docs (so a train_fraction
    sample gets only the gold aliases of its own documents)."""
    allowed = {(alias_key(text), label) for _, ents in docs for text, label in ents}
    return lambda text, label: (alias_key(text), label) in allowed


def _file_record(path: Optional[Path]) -> Optional[Dict[str, str]]:
    return None if path is None else {"file": path.name, "md5": md5_of(path)}


def build_kg(output: Path, options: KGBuildOptions, log: Callable[[str], None] = print) -> Dict:
    """Build the distilled KG table at `output` (deterministic for a fixed seed)
    and, with `options.gold_hold_out`, the gold hold-out file; returns the
    build statistics. Nothing is written at `output` unless the build succeeds."""
    start = time.time()
    sources = find_sources(options.resources, options.hetionet, options.pubtator, options.extra_sources)
    if not sources.files():
        raise KGBuildError("No KG source found: give --resources, --hetionet and/or --pubtator")
    gold_docs = annotated_docs(options.gold_corpus) if options.gold_corpus is not None else []
    mention_docs = annotated_docs(options.train_mentions) if options.train_mentions is not None else []
    keep_gold = gold_mention_filter(gold_docs) if options.gold_corpus is not None else None
    training_texts = list(dict.fromkeys(text for text, _ in [*gold_docs, *mention_docs]))
    gold = read_pubtator(sources.pubtator) if sources.pubtator else None
    doc_units = document_units(training_texts, gold.texts if gold is not None else {})
    corpus_mentions = [(text, label, doc_units[doc_key(doc)]) for doc, ents in mention_docs for text, label in ents]
    merged = merge_sources(sources, log=log, keep_gold=keep_gold, corpus_mentions=corpus_mentions, gold=gold)
    if options.types:
        merged = keep_types(merged, options.types)
    if not merged.entities:
        raise KGBuildError("The sources gave no entity" + (f" of the types {list(options.types)}" if options.types else ""))
    table = _distilled_table(merged, sources, options)
    with atomic_path(output) as tmp:
        table.to_disk(tmp)
    stats = {
        **merged.stats,
        "entities": table.n_entities,
        "aliases": len(table.aliases),
        "aliases_per_type": _aliases_per_type(table),
        "relations": int(len(table.relations)),
        "distillation": table.provenance["distillation"],
    }
    resolved_hold_out = None
    if options.gold_hold_out is not None:
        hold_out = GoldHoldOut.from_gold_links(merged.gold_links, doc_units, table.meta["files"]["aliases.msgpack"])
        hold_out.to_disk(options.gold_hold_out)
        resolved_hold_out = hold_out.resolve(table)
        stats["hold_out"] = {
            "training_docs": len(doc_units),
            "docs_in_pubtator_abstracts": sum(unit.startswith("pmid:") for unit in doc_units.values()),
            "gold_only_links": len(merged.gold_links),
            "docs_with_hidden_links": len(resolved_hold_out),
        }
    stats["build_seconds"] = round(time.time() - start, 1)
    if options.corpus is not None:
        stats["coverage"] = coverage(table, options.corpus, resolved_hold_out)
    return stats


def keep_types(merged: MergedKG, types: Sequence[str]) -> MergedKG:
    """The merged KG with only the entities of these types and the relations
    and gold counts among them (a corpus that labels diseases only need not
    see gene or chemical names as KG matches)."""
    wanted = set(types)
    kept = [entity for entity in merged.entities if entity.type in wanted]
    ids = {entity.id for entity in kept}
    return replace(
        merged, entities=kept,
        relations=[(head, label, tail) for head, label, tail in merged.relations if head in ids and tail in ids],
        gold_counts={link: n for link, n in merged.gold_counts.items() if link[1] in ids},
        stats={**merged.stats, "types_kept": sorted(types), "entities_of_other_types": len(merged.entities) - len(kept)},
    )


def _distilled_table(merged: MergedKG, sources: KGSources, options: KGBuildOptions) -> KGTable:
    """The table of the merged KG with every entity's distilled vector."""
    triples, relation_labels = index_relations(merged.entities, merged.relations)
    names = [e.name for e in merged.entities]
    texts = [" | ".join([e.name, *e.aliases[:8]]) for e in merged.entities]
    vectors, distill_stats = distill(names, texts, triples.astype("int64"), len(relation_labels), options.transformer,
                                     options.dim, options.name_sample, options.struct_dim, options.epochs, options.seed)
    provenance = {
        "sources": {key: {"file": path.name, "md5": md5_of(path)} for key, path in sorted(sources.files().items())},
        "gold_corpus": _file_record(options.gold_corpus),
        "train_mentions": _file_record(options.train_mentions),
        "distillation": distill_stats,
    }
    return build_table(merged.entities, vectors.astype("float16"), merged.relations, provenance, excluded_keys=STOP_WORDS,
                       gold_counts=merged.gold_counts)


def write_stats(stats: Dict, path: Path) -> None:
    """Write the build statistics as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(path, stats)


def _aliases_per_type(table: KGTable) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for cands in table.aliases.values():
        for label in {table.type_of(r) for r in cands}:
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))
