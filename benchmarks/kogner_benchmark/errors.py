"""Error analysis of entity predictions against gold docs: every missed gold
entity and every wrong prediction gets one kind (wrong type, wrong boundary,
both, or no overlap at all), and recall is split by whether a gold mention's
text was a gold mention of the training split and whether the KG has it as an
alias of its type."""
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc

from spacy_kogner.evaluation.scores import counts_prf
from spacy_kogner.kg.normalize import alias_key
from spacy_kogner.kg.table import KGTable

Bounds = Tuple[int, int]
# no overlap: a missed gold entity, or a spurious prediction
ERROR_KINDS = ("type", "boundary", "boundary+type", "no overlap")
SAMPLES_PER_KIND = 10


def error_kind(bounds: Bounds, label: str, others: Mapping[Bounds, str]) -> str:
    """The kind of error of an entity that has no exact match (same bounds and
    label) among `others`, the entities of the other side."""
    if bounds in others:
        return "type"
    start, end = bounds
    overlapping = {other for (o_start, o_end), other in others.items() if o_start < end and start < o_end}
    if label in overlapping:
        return "boundary"
    return "boundary+type" if overlapping else "no overlap"


def training_mentions(docs: Iterable[Doc]) -> Dict[str, Set[str]]:
    """Alias keys (`alias_key`) of the gold entities of training docs, per label."""
    seen: Dict[str, Set[str]] = {}
    for doc in docs:
        for ent in doc.ents:
            seen.setdefault(ent.label_, set()).add(alias_key(ent.text))
    return seen


def _new_label_record(with_kg: bool) -> Dict[str, Any]:
    groups = ("seen in training", "unseen in training")
    if with_kg:
        groups += ("KG alias of its type", "not a KG alias of its type")
    return {
        "gold": 0,
        "predicted": 0,
        "correct": 0,
        "missed": {kind: 0 for kind in ERROR_KINDS},
        "wrong": {kind: 0 for kind in ERROR_KINDS},
        "recall_by_group": {group: {"gold": 0, "correct": 0} for group in groups},
        "samples": {f"{side} {kind}": [] for side in ("missed", "wrong") for kind in ERROR_KINDS},
    }


def _add_sample(samples: List[Dict[str, str]], doc: Doc, bounds: Bounds, other: Optional[str]) -> None:
    """Keep the first SAMPLES_PER_KIND errors of a kind: text, context and the other side's label."""
    if len(samples) >= SAMPLES_PER_KIND:
        return
    start, end = bounds
    sample = {"text": doc[start:end].text, "context": doc[max(0, start - 4):end + 4].text}
    if other is not None:
        sample["other side"] = other
    samples.append(sample)


def error_analysis(
    gold_docs: Sequence[Doc], predicted_docs: Sequence[Doc], seen: Mapping[str, Set[str]],
    kg: Optional[KGTable] = None,
) -> Dict[str, Dict[str, Any]]:
    """Per label: gold, predicted and correct counts, P/R/F (%); missed gold entities and
    wrong predictions by kind (`ERROR_KINDS`) with the first samples of each;
    recall of gold mentions seen / unseen in training (`training_mentions`) and,
    with a KG, of those that are / are not KG aliases of their type."""
    if len(gold_docs) != len(predicted_docs):
        raise ValueError(f"{len(gold_docs)} gold docs but {len(predicted_docs)} predicted docs")
    records: Dict[str, Dict[str, Any]] = {}
    for number, (gold, predicted) in enumerate(zip(gold_docs, predicted_docs)):
        if [t.text for t in gold] != [t.text for t in predicted]:
            raise ValueError(f"doc {number}: predicted doc has other tokens than the gold doc")
        gold_ents = {(e.start, e.end): e.label_ for e in gold.ents}
        predicted_ents = {(e.start, e.end): e.label_ for e in predicted.ents}
        for bounds, label in gold_ents.items():
            record = records.setdefault(label, _new_label_record(kg is not None))
            record["gold"] += 1
            correct = predicted_ents.get(bounds) == label
            span = gold[bounds[0]:bounds[1]]
            groups = ["seen in training" if alias_key(span.text) in seen.get(label, ()) else "unseen in training"]
            if kg is not None:
                is_alias = kg.entity_of_type([t.text for t in span], label) is not None
                groups.append("KG alias of its type" if is_alias else "not a KG alias of its type")
            for group in groups:
                record["recall_by_group"][group]["gold"] += 1
                record["recall_by_group"][group]["correct"] += int(correct)
            if correct:
                record["correct"] += 1
                continue
            kind = error_kind(bounds, label, predicted_ents)
            record["missed"][kind] += 1
            _add_sample(record["samples"][f"missed {kind}"], gold, bounds, predicted_ents.get(bounds))
        for bounds, label in predicted_ents.items():
            record = records.setdefault(label, _new_label_record(kg is not None))
            record["predicted"] += 1
            if gold_ents.get(bounds) == label:
                continue
            kind = error_kind(bounds, label, gold_ents)
            record["wrong"][kind] += 1
            _add_sample(record["samples"][f"wrong {kind}"], predicted, bounds, gold_ents.get(bounds))
    for record in records.values():
        record.update(counts_prf(record["correct"], record["predicted"], record["gold"]))
        for group in record["recall_by_group"].values():
            group["recall"] = round(100 * group["correct"] / group["gold"], 2) if group["gold"] else None
    return dict(sorted(records.items()))
