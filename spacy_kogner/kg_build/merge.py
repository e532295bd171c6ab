"""Merge the KG sources into one KG: entities keyed by a canonical id (MeSH
first, then DOID/ChEBI/HGNC), their aliases, cross-references and typed
relations. Each source is added by one function, in a fixed order: an entity of
a later source merges into an earlier entity of its type that a cross-reference
names (mesh_mappings.tsv, the ontology's own MeSH/UMLS/DOID xrefs, ChEBI ->
PubChem or CAS -> MeSH) or, failing that, whose preferred name has the same
alias key; its id becomes a cross-reference of that entity."""
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from ..corpus.pubtator import PubTatorData, read_pubtator
from ..kg.holdout import GoldLinks
from ..kg.normalize import alias_key, is_word_key
from .sources import (
    SourceEntity, read_chebi_mesh_links, read_drugbank_chebi, read_hetionet_edges, read_hetionet_nodes, read_hgnc,
    read_mesh_descriptors, read_mesh_mappings, read_mesh_supplementary, read_obo_json,
)
from .merger import Log, Merger, Triple
from .table import MIN_KEY_CHARS, KGEntity

CorpusMention = Tuple[str, str, str]  # (text, label, unit): the unit is the document it comes from


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
    chebi_pubchem: Optional[Path] = None
    pubchem_mesh: Optional[Path] = None
    cas_chebi: Optional[Path] = None
    mesh_cas: Optional[Path] = None
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
class MergedKG:
    """Merged entities (sorted by id) and relations (head id, label, tail id)."""

    entities: List[KGEntity]
    relations: List[Triple]
    stats: Dict
    gold_links: GoldLinks = field(default_factory=dict)  # links that no KG source gave, only gold
    gold_counts: Dict[Tuple[str, str], int] = field(default_factory=dict)  # (alias key, id) -> gold mentions


def add_mesh(m: Merger, sources: KGSources) -> None:
    """MeSH descriptors of trees C and D, then supplementary concepts typed by their descriptors."""
    if sources.mesh_descriptors:
        mesh = read_mesh_descriptors(sources.mesh_descriptors)
        m.ingest("mesh_descriptors", mesh)
        m.log(f"MeSH descriptors (trees C, D): {len(mesh)}")
    if sources.mesh_supplementary:
        supp = read_mesh_supplementary(sources.mesh_supplementary, {i: e.type for i, e in m.entities.items()})
        m.ingest("mesh_supplementary", supp)
        m.log(f"MeSH supplementary concepts: {len(supp)}")


def add_disease_ontologies(m: Merger, sources: KGSources, xref_map: Dict[str, str]) -> None:
    """DOID, then (when given) MONDO and HPO's phenotypic abnormalities, as diseases."""
    if sources.doid:
        doid = read_obo_json(sources.doid, "Disease")
        merged = m.ingest("doid", doid, xref_map)
        m.log(f"DOID diseases: {len(doid)} ({merged} merged into MeSH)")
    for key, root, prefix in (("mondo", None, "MONDO:"), ("hpo", "HP:0000118", "")):
        path = getattr(sources, key)
        if path:
            ents = read_obo_json(path, "Disease", prefix=prefix, root=root)
            merged = m.ingest(key, ents, xref_map)
            m.log(f"{key.upper()} diseases/phenotypes: {len(ents)} ({merged} merged into earlier entities)")


def add_chebi(m: Merger, sources: KGSources, xref_map: Dict[str, str], drugbank: Dict[str, str]) -> None:
    """ChEBI entries that MeSH maps (mesh_mappings.tsv, or to one MeSH chemical
    through PubChem or CAS numbers), that are DrugBank drugs, or whose preferred
    name is a MeSH chemical's, as chemicals."""
    if not sources.chebi:
        return
    links = read_chebi_mesh_links(sources.chebi_pubchem, sources.pubchem_mesh, sources.cas_chebi, sources.mesh_cas)
    chebi_map = dict(xref_map)
    for chebi, mesh in sorted(links.items()):
        chemicals = sorted(i for i in mesh if i in m.entities and m.entities[i].type == "Chemical")
        if len(chemicals) == 1:
            chebi_map.setdefault(chebi, chemicals[0])
    keep = {k for k in chebi_map if k.startswith("CHEBI:")} | set(drugbank.values())
    chebi = [ent for ent in read_obo_json(sources.chebi, "Chemical")
             if ent.id in keep or m.by_name.get(("Chemical", alias_key(ent.name)))]
    merged = m.ingest("chebi", chebi, chebi_map)
    m.log(f"ChEBI chemicals (MeSH-mapped, named as a MeSH chemical, or drugs): {len(chebi)} ({merged} merged into "
          f"MeSH, {m.stats['merged_by_name']['chebi']} of them by name)")


def add_hgnc(m: Merger, sources: KGSources) -> Dict[str, str]:
    """HGNC approved genes; returns the Entrez id -> HGNC id map."""
    if not sources.hgnc:
        return {}
    genes, entrez = read_hgnc(sources.hgnc)
    m.ingest("hgnc", genes)
    m.log(f"HGNC genes: {len(genes)}")
    return entrez


def add_hetionet_nodes(m: Merger, sources: KGSources, xref_map: Dict[str, str]) -> None:
    """Hetionet's symptoms and SIDER side effects, as diseases."""
    if sources.hetionet_nodes:
        nodes = read_hetionet_nodes(sources.hetionet_nodes)
        merged = m.ingest("hetionet_nodes", nodes, xref_map)
        m.log(f"Hetionet symptoms and side effects: {len(nodes)} ({merged} merged into earlier entities)")


def add_hetionet_edges(m: Merger, sources: KGSources, drugbank: Dict[str, str], entrez: Dict[str, str]) -> None:
    """Hetionet's compound/disease/gene edges, mapped onto the KG's ids."""
    if not sources.hetionet_edges:
        return

    def node_id(node: str) -> Optional[str]:
        """The KG id of a Hetionet node (Disease::DOID:..., Compound::DB..., Gene::<Entrez>)."""
        kind, _, ident = node.partition("::")
        source_id = {"Disease": ident, "Compound": drugbank.get(ident, ""), "Gene": entrez.get(ident, "")}.get(kind)
        return None if source_id is None else m.canonical.get(source_id)

    n_read = n_kept = 0
    for src, label, dst in read_hetionet_edges(sources.hetionet_edges, sources.hetionet_dag):
        n_read += 1
        head, tail = node_id(src), node_id(dst)
        if head and tail and head != tail:
            m.relations.add((head, label, tail))
            n_kept += 1
    m.stats["sources"]["hetionet_edges"] = {"read": n_read, "mapped": n_kept}
    m.log(f"Hetionet edges: {n_kept} of {n_read} mapped onto KG ids")


def add_pubtator_gold(m: Merger, gold: Optional[PubTatorData], keep_gold: Optional[Callable[[str, str], bool]]) -> None:
    """Gold mentions of PubTator files as aliases of their MeSH ids (those
    `keep_gold(text, label)` accepts), recording the gold-only links in
    `gold_links`; CID relations between entities that got such an alias."""
    if gold is None:
        return
    n_alias = 0
    aliased: Set[str] = set()
    source_keys: Dict[str, Set[str]] = {}  # an entity's keys before gold touched it
    for mention in gold.mentions:
        text, label = mention.text, mention.label
        if keep_gold is not None and not keep_gold(text, label):
            continue
        for ent_id in mention.ids:
            ent = m.entities.get(ent_id)
            if ent is not None and ent.type == label:
                if ent_id not in source_keys:
                    source_keys[ent_id] = {alias_key(t) for t in (ent.name, *ent.aliases)}
                key = alias_key(text)
                if key not in source_keys[ent_id]:
                    m.gold_links.setdefault((key, ent_id), set()).add(f"pmid:{mention.pmid}")
                ent.aliases.append(text)
                m.gold_counts[(key, ent_id)] = m.gold_counts.get((key, ent_id), 0) + 1
                aliased.add(ent_id)
                n_alias += 1
    n_cid = 0
    linked = aliased if keep_gold is not None else m.entities
    for chem, dis in gold.cid:
        if chem in linked and dis in linked:
            m.relations.add((chem, "CID", dis))
            n_cid += 1
    m.stats["sources"]["pubtator"] = {"mentions": len(gold.mentions), "aliases_added": n_alias, "cid": n_cid}
    m.log(f"PubTator (train/devel): {n_alias} gold mention aliases, {n_cid} CID relations")


def add_corpus_entities(m: Merger, mentions: Sequence[CorpusMention]) -> None:
    """Give each annotated (text, label, unit) mention that no entity of its label
    has as a name or alias an entity of its own, id `corpus:<label>:<alias key>`,
    one per key: its most frequent spelling is the name, the others aliases.
    For corpora whose mentions carry no concept ids (NCBI-disease's IOB files),
    this is what PubTator's gold ids give BC5CDR. Each new link is recorded in
    `gold_links` with the units it came from."""
    if not mentions:
        return
    known = {(alias_key(text), ent.type) for ent in m.entities.values() for text in (ent.name, *ent.aliases)}
    spellings: Dict[Tuple[str, str], Counter] = {}
    for text, label, unit in mentions:
        key = alias_key(text)
        if len(key) >= MIN_KEY_CHARS and is_word_key(key) and (key, label) not in known:
            spellings.setdefault((key, label), Counter())[text] += 1
            m.gold_links.setdefault((key, f"corpus:{label}:{key}"), set()).add(unit)
    for (key, label), counts in sorted(spellings.items()):
        ranked = sorted(counts, key=lambda text: (-counts[text], text))
        m.add(SourceEntity(f"corpus:{label}:{key}", label, ranked[0], ranked[1:]))
    m.stats["sources"]["corpus_mentions"] = {"mentions": len(mentions), "entities_added": len(spellings)}
    m.log(f"Training corpus: {len(spellings)} entities for the names of {len(mentions)} mentions that the KG lacks")


def merge_sources(
    sources: KGSources,
    log: Log = print,
    keep_gold: Optional[Callable[[str, str], bool]] = None,
    corpus_mentions: Sequence[CorpusMention] = (),
    gold: Optional[PubTatorData] = None,
) -> MergedKG:
    """Read every given source and merge it into one KG. `keep_gold(text, label)`
    selects the PubTator gold mentions that become aliases (default: all);
    `gold` is the PubTator files' data when the caller has read them already.
    `corpus_mentions` are annotated (text, label, unit) mentions of a training
    corpus (see `add_corpus_entities`). `gold_links` records which units
    (PMIDs, corpus documents) gave each alias link that only gold gave."""
    m = Merger(log)
    xref_map = read_mesh_mappings(sources.mesh_mappings) if sources.mesh_mappings else {}
    drugbank = read_drugbank_chebi(sources.drugbank_mappings) if sources.drugbank_mappings else {}
    add_mesh(m, sources)
    add_disease_ontologies(m, sources, xref_map)
    add_chebi(m, sources, xref_map, drugbank)
    entrez = add_hgnc(m, sources)
    add_hetionet_nodes(m, sources, xref_map)
    add_hetionet_edges(m, sources, drugbank, entrez)
    if gold is None and sources.pubtator:
        gold = read_pubtator(sources.pubtator)
    add_pubtator_gold(m, gold, keep_gold)
    add_corpus_entities(m, corpus_mentions)
    entities = [
        KGEntity(e.id, e.type, e.name, [a for a in dict.fromkeys(e.aliases) if a != e.name], m.merged_ids.get(e.id, []))
        for e in sorted(m.entities.values(), key=lambda e: e.id)
    ]
    relations = sorted(m.relations)
    m.stats["entities_per_type"] = dict(sorted(Counter(e.type for e in entities).items()))
    m.stats["edges_per_relation"] = dict(sorted(Counter(r for _, r, _ in relations).items()))
    return MergedKG(entities, relations, m.stats, m.gold_links, m.gold_counts)
