"""Input records for `annotate`: documents (id, text) read from files of the
field's formats, in a fixed order, one stream over all input files.

Formats: `txt` (a file per document, id = file name), `lines` (one document
per line, id = file name:line), `jsonl` (one JSON object per line, id and
text fields configurable), `pubtator` (title and abstract lines; the text is
title + " " + abstract, as PubTator offsets index it), `bioc-xml` and
`bioc-json` (BioC collections, read with the `bioc` package; the text puts each
passage at its offset, so BioC offsets index it), `parquet` (a row per document,
id and text columns configurable; read in batches with pyarrow). A record that cannot be
read is yielded as a BadRecord naming the file and line, so the caller decides
whether it stops the run or goes to a rejects file."""
import glob
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Sequence, Union

from ..corpus.pubtator import PubTatorFormatError, document_text, iter_pubtator
from ..util import first_surrogate, utf8_lines

FORMATS = ("txt", "lines", "jsonl", "pubtator", "bioc-xml", "bioc-json", "parquet")


@dataclass
class Record:
    """One document: its id, text and where it came from (file:line)."""

    id: str
    text: str
    source: str
    meta: Dict[str, Any] = field(default_factory=dict)  # e.g. the PubTator title, to write the format back


@dataclass
class BadRecord:
    """A record that could not be read, with the reason."""

    source: str
    reason: str


class InputError(ValueError):
    """Inputs that cannot be read at all (no file, unknown format)."""


def input_files(inputs: Sequence[Union[str, Path]]) -> List[Path]:
    """The files of the inputs (files, folders, glob patterns), sorted, each once."""
    files: List[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            matches = sorted(Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"no input file at {item}")
            files.extend(matches)
    return list(dict.fromkeys(files))


def format_of(path: Path) -> str:
    """The input format of a file from its name (".pubtator"/".PubTator.txt",
    ".jsonl", ".txt")."""
    name = path.name.lower()
    if name.endswith((".pubtator", ".pubtator.txt")):
        return "pubtator"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".txt"):
        return "txt"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".xml"):
        return "bioc-xml"
    if name.endswith(".json"):
        return "bioc-json"
    raise InputError(f"{path}: cannot tell the format from the name; give --input-format ({', '.join(FORMATS)})")


def read_records(files: Sequence[Path], input_format: str = "auto", id_field: str = "id",
                 text_field: str = "text") -> Iterator[Union[Record, BadRecord]]:
    """Every record of the files, in order."""
    if input_format != "auto" and input_format not in FORMATS:
        raise InputError(f"unknown input format {input_format!r}; known: auto, {', '.join(FORMATS)}")
    for path in files:
        fmt = format_of(path) if input_format == "auto" else input_format
        for item in _read_file(path, fmt, id_field, text_field):
            yield _unicode_checked(item)


def _read_file(path: Path, fmt: str, id_field: str, text_field: str) -> Iterator[Union[Record, BadRecord]]:
    if fmt == "txt":
        yield _text_file(path)
    elif fmt == "lines":
        for number, line, error in utf8_lines(path):
            if error:
                yield BadRecord(f"{path}:{number}", error)
            else:
                yield Record(f"{path.name}:{number}", line.rstrip("\r\n"), f"{path}:{number}")
    elif fmt == "jsonl":
        yield from _jsonl(path, id_field, text_field)
    elif fmt == "pubtator":
        yield from _pubtator(path)
    elif fmt == "parquet":
        yield from _parquet(path, id_field, text_field)
    else:
        yield from _bioc(path, fmt)


def _unicode_checked(item: Union[Record, BadRecord]) -> Union[Record, BadRecord]:
    """A record whose text or id holds a lone surrogate (a JSON escape such as "\\ud800" can
    write one) as a BadRecord: that is not Unicode text, and no output format can hold it."""
    if isinstance(item, Record):
        for name, value in (("text", item.text), ("id", item.id)):
            at = first_surrogate(value)
            if at is not None:
                return BadRecord(item.source, f"the {name} holds a lone surrogate ({value[at]!r} at character "
                                              f"{at}), which is not Unicode text")
    return item


def _text_file(path: Path) -> Union[Record, BadRecord]:
    try:
        return Record(path.name, path.read_text(encoding="utf8"), str(path))
    except UnicodeDecodeError as err:
        return BadRecord(str(path), f"not UTF-8 text ({err})")


def _jsonl(path: Path, id_field: str, text_field: str) -> Iterator[Union[Record, BadRecord]]:
    for number, line, error in utf8_lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if error:
            yield BadRecord(where, error)
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield BadRecord(where, f"not a JSON object ({err})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
            yield BadRecord(where, f"no string field {text_field!r}")
            continue
        doc_id = obj.get(id_field)
        yield Record(str(doc_id) if doc_id is not None else f"{path.name}:{number}", obj[text_field], where)


def _pubtator(path: Path) -> Iterator[Union[Record, BadRecord]]:
    try:
        for doc in iter_pubtator(path):
            yield Record(doc.pmid, document_text(doc), f"{path} (document {doc.pmid})",
                         {"title": doc.title, "abstract": doc.abstract})
    except PubTatorFormatError as err:
        yield BadRecord(str(path), f"{err}; the rest of this file is not read")


def bioc_text(document) -> str:
    """A BioC document's text: each passage's text at its offset (gaps filled
    with line breaks), so that document-level BioC offsets index it."""
    text = ""
    for passage in sorted(document.passages, key=lambda p: p.offset):
        if passage.offset < len(text):
            raise ValueError(f"passage at offset {passage.offset} overlaps the one before it")
        text += "\n" * (passage.offset - len(text)) + (passage.text or "")
    return text


def _bioc_records(path: Path, documents: Iterable) -> Iterator[Union[Record, BadRecord]]:
    for number, document in enumerate(documents, 1):
        where = f"{path} (document {number}, id {document.id})"
        try:
            yield Record(str(document.id), bioc_text(document), where, {"bioc": document})
        except ValueError as err:
            yield BadRecord(where, str(err))


def _bioc(path: Path, fmt: str) -> Iterator[Union[Record, BadRecord]]:
    from bioc import biocjson, biocxml

    try:
        if fmt == "bioc-xml":
            with biocxml.iterparse(str(path)) as documents:  # streamed: one document at a time
                yield from _bioc_records(path, documents)
        else:
            with path.open(encoding="utf8") as file:
                documents = biocjson.load(file).documents
            yield from _bioc_records(path, documents)
    except Exception as err:  # lxml and json report the line of the syntax error
        yield BadRecord(str(path), f"not a readable BioC {fmt[5:].upper()} file ({err}); the rest of it is not read")


def _parquet(path: Path, id_field: str, text_field: str) -> Iterator[Union[Record, BadRecord]]:
    from .writers import import_pyarrow

    _, pq = import_pyarrow()
    try:
        parquet = pq.ParquetFile(path)
    except Exception as err:
        yield BadRecord(str(path), f"not a readable Parquet file ({err})")
        return
    names = parquet.schema_arrow.names
    if text_field not in names:
        yield BadRecord(str(path), f"no column {text_field!r} (columns: {', '.join(names)})")
        return
    columns = [text_field] + ([id_field] if id_field in names else [])
    number = 0
    for batch in parquet.iter_batches(batch_size=1024, columns=columns):
        for row in batch.to_pylist():
            number += 1
            where = f"{path} (row {number})"
            if not isinstance(row[text_field], str):
                yield BadRecord(where, f"column {text_field!r} is not a string")
                continue
            doc_id = row.get(id_field)
            yield Record(str(doc_id) if doc_id is not None else f"{path.name}:{number}", row[text_field], where)
