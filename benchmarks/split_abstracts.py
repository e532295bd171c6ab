"""Split a corpus split into two halves of whole abstracts: its IOB file
(sentences, no document marks) and the PubTator file of the same abstracts.
Each IOB sentence goes to the abstract whose text holds its tokens (the
previous sentence's abstract first: BC5CDR's IOB files keep an abstract's
sentences together, in another order of abstracts than the PubTator files);
the first half of the abstracts, in IOB order, goes to A, the rest to B.

It measures, on dev only, what training on train + dev would give the shipped
model: train on train + half A (the KG's gold aliases from A's PubTator
abstracts too) and score on half B, against the train-only model on half B
(notes: "Training on train + dev"):

    python benchmarks/split_abstracts.py assets/corpora/bc5cdr/devel.tsv \\
        assets/corpora/bc5cdr-pubtator/devel.PubTator.txt training/dev-halves
"""
import argparse
import sys
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from spacy_kogner.corpus.iob import read_iob_sentences
from spacy_kogner.corpus.pubtator import PubTator, document_text, iter_pubtator

Sentence = Tuple[List[str], List[str]]


def sentence_owners(sentences: Sequence[Sentence], abstracts: Sequence[PubTator], iob: Path,
                    pubtator: Path) -> List[str]:
    """The PMID of the abstract each sentence belongs to: the previous
    sentence's abstract when it holds the sentence's tokens (whitespace
    ignored), else the first abstract in file order that does."""
    texts = {doc.pmid: "".join(document_text(doc).split()) for doc in abstracts}
    owners: List[str] = []
    for number, (words, _) in enumerate(sentences, start=1):
        needle = "".join(words)
        if owners and needle in texts[owners[-1]]:
            owners.append(owners[-1])
            continue
        owner = next((pmid for pmid, text in texts.items() if needle in text), None)
        if owner is None:
            raise ValueError(f"{iob}: sentence {number} ({' '.join(words)[:60]!r}) is in none of the abstracts "
                             f"of {pubtator}")
        owners.append(owner)
    return owners


def split_halves(iob: Path, pubtator: Path) -> Dict[str, Tuple[List[Sentence], List[PubTator]]]:
    """{"A": (sentences, abstracts), "B": (...)}: the first half of the
    abstracts (in IOB order) and the rest, with their IOB sentences."""
    sentences = [sentence for doc in read_iob_sentences(iob) for sentence in doc]
    abstracts = list(iter_pubtator(pubtator))
    owners = sentence_owners(sentences, abstracts, iob, pubtator)
    order = list(dict.fromkeys(owners))
    unused = len(abstracts) - len(order)
    if unused:
        raise ValueError(f"{pubtator}: {unused} abstracts have no sentence in {iob}")
    half_a = set(order[: len(order) // 2])
    return {name: ([s for s, pmid in zip(sentences, owners) if (pmid in half_a) == in_a],
                   [doc for doc in abstracts if (doc.pmid in half_a) == in_a])
            for name, in_a in (("A", True), ("B", False))}


def raw_blocks(pubtator: Path) -> Dict[str, str]:
    """Each abstract's lines in a PubTator file, as written there, by PMID."""
    blocks = [block for block in pubtator.read_text(encoding="utf8").split("\n\n") if block.strip()]
    return {block.strip().split("|", 1)[0]: block.strip("\n") for block in blocks}


def write_iob(sentences: Sequence[Sentence], path: Path) -> None:
    """Sentences as token<TAB>tag lines, a blank line after each."""
    with path.open("w", encoding="utf8") as file:
        for words, tags in sentences:
            file.write("".join(f"{word}\t{tag}\n" for word, tag in zip(words, tags)) + "\n")


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("iob", type=Path, help="IOB file of the split (e.g. devel.tsv)")
    parser.add_argument("pubtator", type=Path, help="PubTator file of the same abstracts")
    parser.add_argument("output", type=Path, help="Folder for {A,B}.tsv and {A,B}.PubTator.txt")
    args = parser.parse_args(argv)
    halves = split_halves(args.iob, args.pubtator)
    blocks = raw_blocks(args.pubtator)
    args.output.mkdir(parents=True, exist_ok=True)
    for name, (sentences, abstracts) in halves.items():
        write_iob(sentences, args.output / f"{name}.tsv")
        text = "".join(blocks[doc.pmid] + "\n\n" for doc in abstracts)
        (args.output / f"{name}.PubTator.txt").write_text(text, encoding="utf8")
        print(f"{name}: {len(abstracts)} abstracts, {len(sentences)} sentences")


if __name__ == "__main__":
    main(sys.argv[1:])
