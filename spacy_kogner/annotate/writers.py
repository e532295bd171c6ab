"""Output formats of `annotate`: per document its id and entities, with
character offsets into the original input text.

- `jsonl`: one JSON object per document: {"id", "entities": [{"start", "end",
  "text", "label", "kb_id", "name", "confidence"}, ...]} (name: the KG entity's
  preferred name);
- `pubtator`: the document's title and abstract lines (for PubTator input; a
  plain text's first line is its title otherwise) and one mention row per
  entity, MeSH ids without their `MESH:` prefix as PubTator writes them;
- `bioc-xml`, `bioc-json`: a BioC collection per shard; a BioC input document
  keeps its passages and annotations and gets one annotation per entity in the
  passage that holds it (infons `type`, `identifier`, `name`, `confidence`),
  any other input becomes a document of one passage;
- `parquet`: one row per document: `id` and `entities`, a list of structs
  with the JSONL fields (pyarrow, `pip install "spacy_kogner[parquet]"`);
- `html`: displaCy's entity view of each document, each entity linking to its
  concept's page (MeSH, HGNC, ChEBI, DOID, ... from the id prefix)."""
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO, Tuple

from bioc.pubtator import PubTator, PubTatorAnn, dumps

from .records import Record

OUTPUT_FORMATS = {"jsonl": ".jsonl", "pubtator": ".pubtator", "bioc-xml": ".xml", "bioc-json": ".json",
                  "parquet": ".parquet", "html": ".html"}
# concept pages by id prefix, for the HTML output's entity links
CONCEPT_URLS = {
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui={}",
    "HGNC": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:{}",
    "CHEBI": "https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:{}",
    "DOID": "https://disease-ontology.org/?id=DOID:{}",
    "MONDO": "https://monarchinitiative.org/MONDO:{}",
    "HP": "https://hpo.jax.org/app/browse/term/HP:{}",
    "UMLS": "https://uts.nlm.nih.gov/uts/umls/concept/{}",
}
ENTITY_FIELDS = (("start", "int64"), ("end", "int64"), ("text", "string"), ("label", "string"), ("kb_id", "string"),
                 ("name", "string"), ("confidence", "float64"))
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


def write_shard(path: Path, output_format: str, annotated: List[Tuple[Record, List[Entity]]]) -> None:
    """Write a shard's annotated documents to `path`."""
    if output_format == "parquet":
        pa, pq = import_pyarrow()
        entity_type = pa.list_(pa.struct([(name, getattr(pa, kind)()) for name, kind in ENTITY_FIELDS]))
        table = pa.table({"id": pa.array([record.id for record, _ in annotated], pa.string()),
                          "entities": pa.array([entities for _, entities in annotated], entity_type)})
        pq.write_table(table, path)
        return
    with path.open("w", encoding="utf8") as file:
        if output_format == "html":
            from spacy import displacy

            pages = [{"text": record.text, "title": record.id,
                      "ents": [{"start": e["start"], "end": e["end"], "label": e["label"], "kb_id": e["kb_id"],
                                "kb_url": concept_url(e["kb_id"])} for e in entities]}
                     for record, entities in annotated]
            file.write(displacy.render(pages, style="ent", manual=True, page=True))
        elif output_format.startswith("bioc-"):
            from bioc import BioCCollection, biocjson, biocxml

            collection = BioCCollection()
            collection.source = "spacy_kogner annotate"
            for record, entities in annotated:
                collection.add_document(_bioc_document(record, entities))
            file.write(biocxml.dumps(collection) if output_format == "bioc-xml" else biocjson.dumps(collection, indent=1))
        else:
            for record, entities in annotated:
                write_record(file, output_format, record, entities)


def concept_url(kb_id: str) -> str:
    """The web page of a KG id ("#" when its prefix has none)."""
    prefix, _, local = kb_id.partition(":")
    return CONCEPT_URLS[prefix].format(local) if prefix in CONCEPT_URLS and local else "#"


def import_pyarrow():
    """pyarrow and pyarrow.parquet, or an error that says how to install them."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as err:
        raise ImportError('Parquet needs pyarrow: pip install "spacy_kogner[parquet]"') from err
    return pyarrow, pyarrow.parquet


def _bioc_document(record: Record, entities: List[Entity]):
    """The record's BioC document (its own, for BioC input) with an annotation per entity."""
    from bioc import BioCAnnotation, BioCDocument, BioCLocation, BioCPassage

    document = record.meta.get("bioc")
    if document is None:
        document = BioCDocument()
        document.id = record.id
        passage = BioCPassage()
        passage.offset, passage.text = 0, record.text
        document.add_passage(passage)
    passages = sorted(document.passages, key=lambda p: p.offset)
    for number, ent in enumerate(entities, 1):
        passage = next(p for p in reversed(passages) if p.offset <= ent["start"])
        annotation = BioCAnnotation()
        annotation.id = f"kogner{number}"
        annotation.text = ent["text"]
        annotation.infons.update({"type": ent["label"], "identifier": ent["kb_id"] or "-", "name": ent["name"],
                                  "confidence": "" if ent["confidence"] is None else str(ent["confidence"])})
        annotation.add_location(BioCLocation(ent["start"], ent["end"] - ent["start"]))
        passage.add_annotation(annotation)
    return document


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
