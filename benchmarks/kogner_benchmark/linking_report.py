"""The entity linking section of the benchmark report: the three linking
systems on the BC5CDR test abstracts (`benchmarks/linking_test.py`) and the
linking targets (SapBERT's acc@1, BioCreative V concept F1)."""
from typing import Any, Dict, List, Optional

LINKING_FILE = "linking_test.json"
LABELS = ("Chemical", "Disease")
# (measure, label, goal): acc@1 and concept F1 at least the goal
TARGETS = (("acc_at_1", "Chemical", 96.6), ("acc_at_1", "Disease", 93.5),
           ("concept", "Chemical", 90.0), ("concept", "Disease", 85.0))
END_TO_END_GAP = 3.0  # end-to-end strict F1 at most this far below NER F1


def _value(scores: Dict[str, Any], measure: str, label: str) -> float:
    entry = scores[measure].get(label, {})
    return entry.get("acc_at_1", entry.get("f", 0.0))


def render_linking(record: Optional[Dict[str, Any]]) -> List[str]:
    """Markdown lines of the section (none without a record)."""
    if not record:
        return []
    gold = record["gold"]
    lines = ["", f"## Entity linking (`benchmarks/{LINKING_FILE}`: {gold['docs']} BC5CDR test abstracts, "
                 f"{gold['with_id']} gold mentions with an id, {gold['composite']} of them composite)", "",
             "acc@1: the id the linker gives each gold mention; end-to-end: span, type and id right (strict); "
             "concept: the (document, type, id) sets, the BioCreative V CDR measure. Gold ids of "
             f"{record['promoted_ids_mapped']} MeSH supplementary concepts promoted since 2015 are mapped. "
             f"{gold['misaligned']} gold mentions do not fall on the pipeline's token boundaries: left out of acc@1, "
             "missed in the other measures, which compare exact character offsets.", "",
             "| system | acc@1 Chem | acc@1 Dis | NER F1 Chem | NER F1 Dis | end-to-end F1 Chem | end-to-end F1 Dis "
             "| concept F1 Chem | concept F1 Dis |", "|---|---|---|---|---|---|---|---|---|"]
    for name, scores in record["systems"].items():
        cells = [_value(scores, measure, label) for measure in ("acc_at_1", "ner", "end_to_end", "concept")
                 for label in LABELS]
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in cells) + " |")
    best = record["systems"].get("n-grams + document")
    if best:
        lines += ["", "| target (n-grams + document, the default) | goal | value | status |", "|---|---|---|---|"]
        for measure, label, goal in TARGETS:
            value = _value(best, measure, label)
            lines.append(f"| {measure.replace('_at_', '@')} {label} | >= {goal} | {value:.2f} | "
                         f"{'met' if value >= goal else f'missed by {goal - value:.2f}'} |")
        for label in LABELS:
            gap = _value(best, "ner", label) - _value(best, "end_to_end", label)
            lines.append(f"| NER F1 - end-to-end F1, {label} | <= {END_TO_END_GAP} | {gap:.2f} | "
                         f"{'met' if gap <= END_TO_END_GAP else f'missed by {gap - END_TO_END_GAP:.2f}'} |")
    return lines
