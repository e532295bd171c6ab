"""IOB/IOB2 `token<TAB>tag` files (blank line between sentences, optional
-DOCSTART- lines between documents) -> spaCy Docs."""
from pathlib import Path
from typing import Iterator, List, Tuple, Union

from spacy.tokens import Doc
from spacy.training import iob_to_biluo, biluo_tags_to_spans
from spacy.vocab import Vocab

from ..util import utf8_lines

Sentence = Tuple[List[str], List[str]]
DOCSTART = "-DOCSTART-"


class IOBFormatError(ValueError):
    """A malformed line in an IOB file (the message names file and line)."""


def read_iob_sentences(path: Union[str, Path]) -> Iterator[List[Sentence]]:
    """Yield documents (lists of (words, tags) sentences) from an IOB file. A file
    without -DOCSTART- lines yields one document per sentence."""
    path = Path(path)
    has_docstart = False
    doc: List[Sentence] = []
    words: List[str] = []
    tags: List[str] = []
    for number, line, error in utf8_lines(path):
        if error:
            raise IOBFormatError(f"{path}:{number}: {error}")
        line = line.rstrip("\r\n")
        if line.startswith(DOCSTART):
            has_docstart = True
            if words:
                doc.append((words, tags))
                words, tags = [], []
            if doc:
                yield doc
            doc = []
            continue
        if not line.strip():
            if words:
                doc.append((words, tags))
                words, tags = [], []
                if not has_docstart:
                    yield doc
                    doc = []
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not _is_iob_tag(parts[1]):
            raise IOBFormatError(f"{path}:{number}: expected 'token<TAB>IOB tag', got {line!r}")
        words.append(parts[0])
        tags.append(parts[1])
    if words:
        doc.append((words, tags))
    if doc:
        yield doc


def _is_iob_tag(tag: str) -> bool:
    return tag == "O" or (len(tag) > 2 and tag[0] in "BI" and tag[1] == "-")


def sentences_to_docs(vocab: Vocab, doc_sentences: List[Sentence], where: str) -> Doc:
    """One Doc (sentence starts set) from a document's sentences; I- after O is
    read as B- (IOB1 style)."""
    words: List[str] = []
    sent_starts: List[bool] = []
    tags: List[str] = []
    for sent_words, sent_tags in doc_sentences:
        words.extend(sent_words)
        sent_starts.extend([True] + [False] * (len(sent_words) - 1))
        tags.extend(_repair_iob(sent_tags))
    doc = Doc(vocab, words=words, sent_starts=sent_starts)
    try:
        doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(tags))
    except ValueError as err:
        raise IOBFormatError(f"{where}: invalid tag sequence ({err})") from err
    return doc


def _repair_iob(tags: List[str]) -> List[str]:
    out = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out
