"""Output formats of `annotate`: per document its id and entities, with
character offsets into the original input text.

- `jsonl`: one JSON object per document: {"id", "entities": [{"start", "end",
  "text", "label", "kb_id", "name", "confidence"}, ...]} (name: the KG entity's
  preferred name);
- `pubtator`: the document's title and abstract lines (for PubTator input; a
  plain text's first line is its title otherwise) and one mention row per
  entity, MeSH ids without their `MESH:` prefix as PubTator writes them."""
import json
from typing import Any, Dict, List, Optional, TextIO

from bioc.pubtator import PubTator, PubTatorAnn, dumps

from .records import Record

OUTPUT_FORMATS = {"jsonl": ".jsonl", "pubtator": ".pubtator"}
Entity = Dict[str, Any]


def entities_of(doc, kg=None, spans_key: Optional[str] = "kogner", offset: int = 0) -> List[Entity]:
    """The entities of an annotated Doc as dicts, offsets shifted by `offset`."""
    scores = {}
    if spans_key and spans_key in doc.spans:
        group = doc.spans[spans_key]
        scores = {(s.start, s.end): c for s, c in zip(group, group.attrs.get("scores", []))}
    entities = []
    for ent in doc.ents:
        name = ""
        if kg is not None and ent.kb_id_:
            try:
                name = kg.names[kg.index_of(ent.kb_id_)]
            except KeyError:
                name = ""
        confidence = scores.get((ent.start, ent.end))
        entities.append({"start": ent.start_char + offset, "end": ent.end_char + offset, "text": ent.text,
                         "label": ent.label_, "kb_id": ent.kb_id_, "name": name,
                         "confidence": None if confidence is None else round(float(confidence), 4)})
    return entities


def write_record(file: TextIO, output_format: str, record: Record, entities: List[Entity]) -> None:
    """Write one annotated document."""
    if output_format == "jsonl":
        file.write(json.dumps({"id": record.id, "entities": entities}, ensure_ascii=False) + "\n")
        return
    title, abstract = record.meta.get("title"), record.meta.get("abstract")
    if title is None:  # a plain text: its first line is the title; line breaks become spaces (same offsets)
        title, _, abstract = record.text.partition("\n")
        title = title.replace("\r", " ")
        abstract = abstract.replace("\r", " ").replace("\n", " ") if abstract else None
    doc = PubTator(record.id, title, abstract)
    for ent in entities:
        kb_id = ent["kb_id"][len("MESH:"):] if ent["kb_id"].startswith("MESH:") else ent["kb_id"]
        doc.add_annotation(PubTatorAnn(record.id, ent["start"], ent["end"], ent["text"], ent["label"], kb_id or "-1"))
    file.write(dumps([doc]) + "\n")
