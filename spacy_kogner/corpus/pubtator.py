"""PubTator files: per document a title line (`PMID|t|text`), an abstract line
(`PMID|a|text`), then tab-separated mention rows (PMID, start, end, text, type,
concept ids[, the composite's parts]) and relation rows (PMID, type, id1, id2),
documents separated by a blank line. Documents are read into the `bioc`
package's PubTator data structures; every line that cannot be read raises a
PubTatorFormatError naming the file and line.

Concept ids: `D1|D2` (or `D1+D2`) is a composite mention ("breast and ovarian
cancer") with one id per part; `-1` (or an empty field) is a mention with no id.
MeSH ids get the `MESH:` prefix the KG uses; prefixed ids (`OMIM:...`) are kept."""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, NamedTuple, Tuple, Union

from bioc.pubtator import PubTator, PubTatorAnn, PubTatorRel

from ..util import utf8_lines

NO_ID = "-1"
ID_SEPARATORS = ("|", "+")
# NCBI-disease's mention types are all diseases
NCBI_DISEASE_TYPES = {"SpecificDisease": "Disease", "DiseaseClass": "Disease", "Modifier": "Disease",
                      "CompositeMention": "Disease"}
KG_LABELS = ("Chemical", "Disease")


class PubTatorFormatError(ValueError):
    """A PubTator line that cannot be read; the message names the file and line."""


def concept_ids(field_value: str) -> List[str]:
    """The KG ids of a PubTator concept-id field: one per part of a composite
    mention, MeSH ids prefixed `MESH:`; no id for `-1` or an empty field."""
    value = field_value.strip()
    for sep in ID_SEPARATORS[1:]:
        value = value.replace(sep, ID_SEPARATORS[0])
    ids = [part.strip() for part in value.split(ID_SEPARATORS[0])]
    return [part if ":" in part else f"MESH:{part}" for part in ids if part and part != NO_ID]


def iter_pubtator(path: Union[str, Path]) -> Iterator[PubTator]:
    """The documents of a PubTator file, in file order."""
    path = Path(path)
    doc = PubTator()
    for number, line, error in utf8_lines(path):
        if error:
            raise PubTatorFormatError(f"{path}:{number}: {error}")
        line = line.rstrip("\r\n")
        if not line.strip():
            if doc.pmid is not None:
                yield doc
            doc = PubTator()
            continue
        head = line[:40]
        if "|t|" in head or "|a|" in head:
            pmid, kind, text = line.split("|", 2)
            if doc.pmid is not None and doc.pmid != pmid:
                yield doc  # a new document without a blank line before it
                doc = PubTator()
            doc.pmid = pmid
            if kind == "t":
                doc.title = text
            else:
                doc.abstract = text
            continue
        parts = line.split("\t")
        if doc.pmid is None or parts[0] != doc.pmid:
            raise PubTatorFormatError(f"{path}:{number}: a row of document {parts[0]!r} outside its document")
        if len(parts) >= 5 and parts[1].isdigit() and parts[2].isdigit():
            extra = [part for part in parts[6:] if part]  # bioc writes a trailing tab when there is none
            doc.add_annotation(PubTatorAnn(parts[0], int(parts[1]), int(parts[2]), parts[3], parts[4],
                                           parts[5] if len(parts) > 5 else "", extra))
        elif len(parts) in (4, 5) and not parts[1].isdigit():
            doc.add_relation(PubTatorRel(*parts))
        elif len(parts) >= 5:
            raise PubTatorFormatError(f"{path}:{number}: mention offsets are not integers: {line!r}")
        else:
            raise PubTatorFormatError(f"{path}:{number}: not a title, abstract, mention or relation row: {line!r}")
    if doc.pmid is not None:
        yield doc


def document_text(doc: PubTator) -> str:
    """Title and abstract joined by one space: the text PubTator offsets index."""
    if doc.title is None:
        return doc.abstract or ""
    return doc.title if doc.abstract is None else f"{doc.title} {doc.abstract}"


class PubTatorMention(NamedTuple):
    """A gold mention of a PubTator file: where, what, and its concept ids."""

    pmid: str
    start: int
    end: int
    text: str
    label: str
    ids: List[str]


@dataclass
class PubTatorData:
    """Gold Chemical/Disease mentions, CID relations and the texts (title + " " +
    abstract, by PMID) of PubTator files."""

    mentions: List[PubTatorMention]
    cid: List[Tuple[str, str]]
    texts: Dict[str, str] = field(default_factory=dict)


def read_pubtator(paths: Iterable[Path]) -> PubTatorData:
    """The Chemical/Disease mentions (NCBI-disease's types read as Disease), CID
    relations and texts of PubTator files (for the KG: training documents only,
    never test)."""
    data = PubTatorData([], [])
    for path in paths:
        for doc in iter_pubtator(path):
            data.texts[doc.pmid] = document_text(doc)
            for ann in doc.annotations:
                label = NCBI_DISEASE_TYPES.get(ann.type, ann.type)
                if label in KG_LABELS:
                    data.mentions.append(PubTatorMention(ann.pmid, ann.start, ann.end, ann.text, label,
                                                         concept_ids(ann.id)))
            data.cid.extend((f"MESH:{rel.id1}", f"MESH:{rel.id2}") for rel in doc.relations if rel.type == "CID")
    return data
