"""Entity linking on the BC5CDR test abstracts, scored once (settings were
chosen on dev with `linking_dev.py`), for three systems over the same KG table,
the pipeline's own:

- exact alias: `kogner_ner` linking with `ExactAliasCandidates.v1` and no
  threshold (how it linked before the n-gram generator);
- n-grams + document: `kogner_ner` as configured (`CharNgramCandidates.v1`,
  document disambiguation, composite mentions, the no-id threshold);
- dictionary: `kg_dictionary_ner` over the table (exact alias matching, its
  first-ranked entity's id).

Measures: (a) acc@1 on the gold mentions (the linking of each gold span in its
document; a mention that does not fall on the pipeline's token boundaries has
no span and is left out); (b) end-to-end strict P/R/F1 (span, type and id);
(c) document-level concept P/R/F1 (document, type, id); and NER strict F1, the
bound of (b). (b), (c) and NER compare with every gold mention at its exact
character offsets (the BioCreative setting).
Gold ids of MeSH supplementary concepts that MeSH promoted since the corpus
(2015) are mapped (`evaluation.mesh_versions`, from gold annotations only).

    python benchmarks/linking_test.py --model training/model-best \\
        --test assets/corpora/bc5cdr-pubtator/test.PubTator.txt --output benchmarks/linking_test.json
"""
import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Callable, Dict, List

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kogner_benchmark.measure import code_version, machine_description
from spacy_kogner.corpus.pubtator_docs import pubtator_to_docs
from spacy_kogner.evaluation.linking import (component_linker, concept_scores, doc_mentions, document_linker,
                                             end_to_end_scores, gold_mention_accuracy, per_label_prf,
                                             pubtator_mentions)
from spacy_kogner.evaluation.mesh_versions import updated_ids
from spacy_kogner.kg.candidates import create_exact_alias_candidates
from spacy_kogner.kg.table import KGTable

EXACT, NGRAM, DICTIONARY = "exact alias", "n-grams + document", "dictionary"


def dictionary_linker(kg: KGTable, labels: List[str]) -> Callable[[Span], str]:
    """The id `kg_dictionary_ner` gives a mention's text: its first-ranked entity of the labels."""
    def link(span: Span) -> str:
        row = kg.first_of_types(kg.candidates([token.text for token in span]), set(labels))
        return kg.ids[row] if row is not None else ""

    return link


def annotate(nlp: Language, gold: List[Doc]) -> List[Doc]:
    """The pipeline's docs of the gold texts, with the gold document ids."""
    docs = list(nlp.pipe((doc.text for doc in gold), batch_size=16))
    for doc, gold_doc in zip(docs, gold):
        doc.user_data["pubtator_id"] = gold_doc.user_data["pubtator_id"]
    return docs


def ner_scores(gold: set, predicted: set) -> Dict[str, Dict[str, float]]:
    """Strict NER P/R/F1 of linked mentions without their ids, per label and "all"."""
    return per_label_prf({m[:4] for m in predicted}, {m[:4] for m in gold}, label_at=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="a kogner pipeline with a KG table")
    parser.add_argument("--test", type=Path, required=True, help="BC5CDR test PubTator file")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    component = nlp.get_pipe("kogner_ner")
    kg, labels = component.kg, list(component.labels)
    gold, report = pubtator_to_docs(args.test, nlp.make_doc, labels={})  # for acc@1: spans need tokens
    gold_mentions = pubtator_mentions(args.test)  # for the rest: exact offsets, every mention
    detector = spacy.blank("en").add_pipe("abbreviation_detector")
    gold = [detector(doc) for doc in gold]
    mapping = updated_ids(kg, gold)
    configured = (component.get_candidates, component.cfg["link_threshold"])
    exact = create_exact_alias_candidates()
    dictionary = spacy.blank("en")
    dictionary.add_pipe("kg_dictionary_ner", config={"labels": labels}).set_kg(kg)

    def switch(get_candidates, threshold: float) -> Language:
        component.get_candidates, component.cfg["link_threshold"] = get_candidates, threshold
        return nlp

    systems = {
        EXACT: (lambda: switch(exact, 0.0), component_linker(kg, exact, 0.0)),
        NGRAM: (lambda: switch(*configured), document_linker(kg, *configured)),
        DICTIONARY: (lambda: dictionary, dictionary_linker(kg, labels)),
    }
    record = {"command": shlex.join(["python", *sys.argv]), "code": code_version(), "machine": machine_description(),
              "model": str(args.model), "test": str(args.test), "link_threshold": configured[1],
              "gold": {**report.as_dict(), "at_exact_offsets": len(gold_mentions)},
              "promoted_ids_mapped": len(mapping), "systems": {}}
    for name, (pipeline, linker) in systems.items():
        predicted = doc_mentions(annotate(pipeline(), gold))
        record["systems"][name] = {
            "acc_at_1": gold_mention_accuracy(gold, linker, mapping),
            "end_to_end": end_to_end_scores(gold_mentions, predicted, mapping),
            "concept": concept_scores(gold_mentions, predicted, mapping),
            "ner": ner_scores(gold_mentions, predicted),
        }
        print(name, {k: v["all"].get("f", v["all"].get("acc_at_1")) for k, v in record["systems"][name].items()})
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2), encoding="utf8")


if __name__ == "__main__":
    main()
