"""Merge the KG sources into one graph: entities keyed by a canonical id (MeSH
first, then DOID/ChEBI/HGNC), their aliases, and typed relations."""
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from .normalize import alias_key, is_word_key
from .sources import (
    SourceEntity, read_drugbank_chebi, read_hetionet_edges, read_hetionet_nodes, read_hgnc,
    read_mesh_descriptors, read_mesh_mappings, read_mesh_supplementary, read_obo_json, read_pubtator,
)
from .table import MIN_KEY_CHARS, KGEntity

Triple = Tuple[str, str, str]
CorpusMention = Tuple[str, str, str]  # (text, label, unit): the unit is the document it comes from
GoldLinks = Dict[Tuple[str, str], Set[str]]  # (alias key, entity id) -> units ("pmid:<PMID>", ...) whose gold gave it


@dataclass
class KGSources:
    """Paths of the source files; any may be None (that source is left out)."""

    mesh_descriptors: Optional[Path] = None
    mesh_supplementary: Optional[Path] = None
    mesh_mappings: Optional[Path] = None
    hgnc: Optional[Path] = None
    doid: Optional[Path] = None
    mondo: Optional[Path] = None
    hpo: Optional[Path] = None
    chebi: Optional[Path] = None
    drugbank_mappings: Optional[Path] = None
    hetionet_nodes: Optional[Path] = None
    hetionet_edges: Optional[Path] = None
    hetionet_dag: Optional[Path] = None
    pubtator: List[Path] = field(default_factory=list)

    def files(self) -> Dict[str, Path]:
        """Every given source file by name."""
        found = {k: v for k, v in vars(self).items() if isinstance(v, Path)}
        found.update({f"pubtator_{i}": p for i, p in enumerate(self.pubtator)})
        return found


@dataclass
class KGGraph:
    """Merged entities (sorted by id) and relations (head id, label, tail id)."""

    entities: List[KGEntity]
    relations: List[Triple]
    stats: Dict
    gold_links: GoldLinks = field(default_factory=dict)  # links that no KG source gave, only gold


class _GraphBuilder:
    def __init__(self) -> None:
        self.entities: Dict[str, SourceEntity] = {}
        self.canonical: Dict[str, str] = {}
        self.relations: Set[Triple] = set()

    def add(self, ent: SourceEntity) -> None:
        if ent.id in self.entities:
            self.merge(ent, ent.id)
            return
        self.entities[ent.id] = SourceEntity(ent.id, ent.type, ent.name, list(ent.aliases))
        self.canonical[ent.id] = ent.id
        self.register_xrefs(ent, ent.id)

    def merge(self, ent: SourceEntity, target: str) -> None:
        kept = self.entities[target]
        kept.aliases.extend([ent.name, *ent.aliases])
        self.canonical[ent.id] = target
        self.register_xrefs(ent, target)

    def register_xrefs(self, ent: SourceEntity, target: str) -> None:
        """Later sources that cross-reference these ids (UMLS, DOID, ...) merge into `target`."""
        for xref in ent.xrefs:
            self.canonical.setdefault(xref, target)

    def add_or_merge(self, ent: SourceEntity, xref_map: Dict[str, str]) -> None:
        targets = [xref_map.get(ent.id), *(self.canonical.get(x) for x in ent.xrefs)]
        target = next((t for t in targets if t in self.entities and self.entities[t].type == ent.type), None)
        if target is not None:
            self.merge(ent, target)
        else:
            self.add(ent)

    def ingest(self, ents: List[SourceEntity], xref_map: Optional[Dict[str, str]] = None) -> int:
        """Add a source's entities (merging into an existing entity of the same type
        through `xref_map` or their xrefs, when `xref_map` is given) and their is_a
        edges; returns how many were merged into an existing entity."""
        for ent in ents:
            if xref_map is None:
                self.add(ent)
            else:
                self.add_or_merge(ent, xref_map)
        self.link_parents(ents)
        return sum(self.canonical[e.id] != e.id for e in ents)

    def link_parents(self, ents: List[SourceEntity]) -> None:
        for ent in ents:
            head = self.canonical.get(ent.id)
            for parent in ent.parents:
                tail = self.canonical.get(parent)
                if head and tail and head != tail:
                    self.relations.add((head, "is_a", tail))


def build_graph(
    sources: KGSources,
    log: Callable[[str], None] = print,
    keep_gold: Optional[Callable[[str, str], bool]] = None,
    corpus_mentions: Sequence[CorpusMention] = (),
) -> KGGraph:
    """Read every given source and merge it into one graph. `keep_gold(text, label)`
    selects the PubTator gold mentions that become aliases (default: all).
    `corpus_mentions` are annotated (text, label, unit) mentions of a training
    corpus: those that no entity of their label has as a name become entities of
    their own (see `add_corpus_entities`). The graph's `gold_links` record which
    units (PMIDs, corpus documents) gave each alias link that only gold gave."""
    g = _GraphBuilder()
    gold_links: GoldLinks = {}
    stats: Dict = {"sources": {}}
    xref_map = read_mesh_mappings(sources.mesh_mappings) if sources.mesh_mappings else {}
    if sources.mesh_descriptors:
        mesh = read_mesh_descriptors(sources.mesh_descriptors)
        g.ingest(mesh)
        stats["sources"]["mesh_descriptors"] = len(mesh)
        log(f"MeSH descriptors (trees C, D): {len(mesh)}")
    if sources.mesh_supplementary:
        supp = read_mesh_supplementary(sources.mesh_supplementary, {i: e.type for i, e in g.entities.items()})
        g.ingest(supp)
        stats["sources"]["mesh_supplementary"] = len(supp)
        log(f"MeSH supplementary concepts: {len(supp)}")
    if sources.doid:
        doid = read_obo_json(sources.doid, "Disease")
        merged = g.ingest(doid, xref_map)
        stats["sources"]["doid"] = len(doid)
        log(f"DOID diseases: {len(doid)} ({merged} merged into MeSH)")
    for key, root, prefix in (("mondo", None, "MONDO:"), ("hpo", "HP:0000118", "")):
        path = getattr(sources, key)
        if path:
            ents = read_obo_json(path, "Disease", prefix=prefix, root=root)
            merged = g.ingest(ents, xref_map)
            stats["sources"][key] = len(ents)
            log(f"{key.upper()} diseases/phenotypes: {len(ents)} ({merged} merged into earlier entities)")
    drugbank = read_drugbank_chebi(sources.drugbank_mappings) if sources.drugbank_mappings else {}
    if sources.chebi:
        keep = {k for k in xref_map if k.startswith("CHEBI:")} | set(drugbank.values())
        chebi = read_obo_json(sources.chebi, "Chemical", keep=keep)
        merged = g.ingest(chebi, xref_map)
        stats["sources"]["chebi"] = len(chebi)
        log(f"ChEBI chemicals (MeSH-mapped or drugs): {len(chebi)} ({merged} merged into MeSH)")
    entrez: Dict[str, str] = {}
    if sources.hgnc:
        genes, entrez = read_hgnc(sources.hgnc)
        g.ingest(genes)
        stats["sources"]["hgnc"] = len(genes)
        log(f"HGNC genes: {len(genes)}")
    if sources.hetionet_nodes:
        nodes = read_hetionet_nodes(sources.hetionet_nodes)
        merged = g.ingest(nodes, xref_map)
        stats["sources"]["hetionet_nodes"] = len(nodes)
        log(f"Hetionet symptoms and side effects: {len(nodes)} ({merged} merged into earlier entities)")
    if sources.hetionet_edges:
        def node_id(node: str) -> Optional[str]:
            kind, _, ident = node.partition("::")
            if kind == "Disease":
                return g.canonical.get(ident)
            if kind == "Compound":
                return g.canonical.get(drugbank.get(ident, ""))
            if kind == "Gene":
                return g.canonical.get(entrez.get(ident, ""))
            return None

        n_read = n_kept = 0
        for src, label, dst in read_hetionet_edges(sources.hetionet_edges, sources.hetionet_dag):
            n_read += 1
            head, tail = node_id(src), node_id(dst)
            if head and tail and head != tail:
                g.relations.add((head, label, tail))
                n_kept += 1
        stats["sources"]["hetionet_edges"] = {"read": n_read, "mapped": n_kept}
        log(f"Hetionet edges: {n_kept} of {n_read} mapped onto KG ids")
    if sources.pubtator:
        gold = read_pubtator(sources.pubtator)
        n_alias = 0
        aliased: Set[str] = set()
        source_keys: Dict[str, Set[str]] = {}  # an entity's keys before gold touched it
        for mention in gold.mentions:
            text, label = mention.text, mention.label
            if keep_gold is not None and not keep_gold(text, label):
                continue
            for ent_id in mention.ids:
                ent = g.entities.get(ent_id)
                if ent is not None and ent.type == label:
                    if ent_id not in source_keys:
                        source_keys[ent_id] = {alias_key(t) for t in (ent.name, *ent.aliases)}
                    key = alias_key(text)
                    if key not in source_keys[ent_id]:
                        gold_links.setdefault((key, ent_id), set()).add(f"pmid:{mention.pmid}")
                    ent.aliases.append(text)
                    aliased.add(ent_id)
                    n_alias += 1
        n_cid = 0
        linked = aliased if keep_gold is not None else g.entities
        for chem, dis in gold.cid:
            if chem in linked and dis in linked:
                g.relations.add((chem, "CID", dis))
                n_cid += 1
        stats["sources"]["pubtator"] = {"mentions": len(gold.mentions), "aliases_added": n_alias, "cid": n_cid}
        log(f"PubTator (train/devel): {n_alias} gold mention aliases, {n_cid} CID relations")
    if corpus_mentions:
        n_added = add_corpus_entities(g, corpus_mentions, gold_links)
        stats["sources"]["corpus_mentions"] = {"mentions": len(corpus_mentions), "entities_added": n_added}
        log(f"Training corpus: {n_added} entities for the names of {len(corpus_mentions)} mentions that the KG lacks")
    entities = [
        KGEntity(e.id, e.type, e.name, [a for a in dict.fromkeys(e.aliases) if a != e.name])
        for e in sorted(g.entities.values(), key=lambda e: e.id)
    ]
    relations = sorted(g.relations)
    stats["entities_per_type"] = dict(sorted(Counter(e.type for e in entities).items()))
    stats["edges_per_relation"] = dict(sorted(Counter(r for _, r, _ in relations).items()))
    return KGGraph(entities, relations, stats, gold_links)


def add_corpus_entities(g: _GraphBuilder, mentions: Sequence[CorpusMention], gold_links: GoldLinks) -> int:
    """Give each annotated (text, label, unit) mention that no entity of its label
    has as a name or alias an entity of its own, id `corpus:<label>:<alias key>`,
    one per key: its most frequent spelling is the name, the others aliases.
    For corpora whose mentions carry no concept ids (NCBI-disease's IOB files),
    this is what PubTator's gold ids give BC5CDR. Each new link is recorded in
    `gold_links` with the units it came from. Returns the entities added."""
    known = {(alias_key(text), ent.type) for ent in g.entities.values() for text in (ent.name, *ent.aliases)}
    spellings: Dict[Tuple[str, str], Counter] = {}
    for text, label, unit in mentions:
        key = alias_key(text)
        if len(key) >= MIN_KEY_CHARS and is_word_key(key) and (key, label) not in known:
            spellings.setdefault((key, label), Counter())[text] += 1
            gold_links.setdefault((key, f"corpus:{label}:{key}"), set()).add(unit)
    for (key, label), counts in sorted(spellings.items()):
        ranked = sorted(counts, key=lambda text: (-counts[text], text))
        g.add(SourceEntity(f"corpus:{label}:{key}", label, ranked[0], ranked[1:]))
    return len(spellings)
