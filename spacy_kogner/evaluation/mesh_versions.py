"""Gold ids of an older MeSH version, mapped to today's for evaluation.

Corpora annotated with an older MeSH (BC5CDR: 2015) use ids that today's MeSH
no longer has, mostly supplementary concepts that MeSH has since promoted to
descriptors (levetiracetam C026098 is now D000077287, bortezomib C400082 is
D000069286). A supplementary-concept gold id (MESH:C...) that the KG table
lacks is mapped to the descriptor (MESH:D...) that all of its gold mentions'
texts name in the table (the best-ranked candidate of the mention's label);
the mapping uses gold annotations only, never a system's predictions."""
from collections import Counter
from typing import Dict, Iterable

from spacy.tokens import Doc

from ..kg.table import KGTable


def updated_ids(kg: KGTable, docs: Iterable[Doc]) -> Dict[str, str]:
    """{old supplementary-concept id -> descriptor id} for the gold ids the table
    lacks whose mentions all name one MeSH descriptor of their label."""
    known = set(kg.ids)
    named: Dict[str, Counter] = {}
    for doc in docs:
        for ent in doc.ents:
            if ent.kb_id_.startswith("MESH:C") and "|" not in ent.kb_id_ and ent.kb_id_ not in known:
                row = kg.entity_of_type([token.text for token in ent], ent.label_)
                named.setdefault(ent.kb_id_, Counter())[kg.ids[row] if row is not None else ""] += 1
    return {old: next(iter(targets)) for old, targets in sorted(named.items())
            if len(targets) == 1 and next(iter(targets)).startswith("MESH:D")}


def map_id(kb_id: str, mapping: Dict[str, str]) -> str:
    """A gold kb_id with each part of a composite id mapped by `mapping`."""
    return "|".join(mapping.get(part, part) for part in kb_id.split("|")) if kb_id else kb_id
