"""The on-disk format of a KG table: a folder of files (no pickle anywhere)::

    meta.json          format name and version, sizes, labels, md5 of every file, provenance
    entities.msgpack   {"ids": [...], "names": [...], "types": [type index, ...],
                        "xrefs": [[id of another source, ...], ...]}
    aliases.msgpack    the alias index (`AliasIndex.to_bytes`): UTF-8 alias keys, their 64-bit
                       hashes and ranked entity rows as flat little-endian arrays
    vectors.npy        float16/float32 [n_entities, vector_dim]
    relations.npy      int32 [n_edges, 3] rows of (head, relation, tail)

Only the current format version is read; an older table is refused with a
message saying to rebuild it. `to_bytes` holds the same files in one msgpack."""
import hashlib
import io
from pathlib import Path
from typing import Any, Dict, Tuple, Union

import numpy as np
import srsly

from ..util import atomic_write_bytes

FORMAT_NAME = "spacy_kogner.kg_table"
# 5: the gold hold-out moved out of the table (format 4 had holdout.msgpack); 6: entity xrefs
FORMAT_VERSION = 6
META_FILE = "meta.json"
DATA_FILES = ("entities.msgpack", "aliases.msgpack", "vectors.npy", "relations.npy")
Payloads = Dict[str, bytes]


class KGTableError(ValueError):
    """A KG table folder or bytes value is missing, corrupt or inconsistent."""


def npy_bytes(array: np.ndarray) -> bytes:
    """An array as .npy bytes (no pickle)."""
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def load_npy(data: bytes) -> np.ndarray:
    """An array from .npy bytes (pickled objects refused)."""
    return np.load(io.BytesIO(data), allow_pickle=False)


def checksums(payloads: Payloads) -> Dict[str, str]:
    """md5 of each file."""
    return {name: hashlib.md5(data).hexdigest() for name, data in payloads.items()}


def write_folder(path: Union[str, Path], meta: Dict[str, Any], payloads: Payloads) -> None:
    """Write the table folder; each file is written atomically, meta.json last."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for name, data in payloads.items():
        atomic_write_bytes(path / name, data)
    atomic_write_bytes(path / META_FILE, srsly.json_dumps(meta, indent=2).encode("utf8"))


def read_folder(path: Union[str, Path]) -> Tuple[Dict[str, Any], Payloads]:
    """meta.json and the data files of a table folder, checked (`check_payloads`)."""
    path = Path(path)
    if not path.exists():
        raise KGTableError(f"KG table not found: {path}")
    if not path.is_dir():
        raise KGTableError(f"KG table path is not a folder: {path}")
    meta_path = path / META_FILE
    if not meta_path.exists():
        raise KGTableError(f"KG table file missing: {meta_path}")
    try:
        meta = srsly.json_loads(meta_path.read_text(encoding="utf8"))
    except Exception as err:
        raise KGTableError(f"KG table file is corrupt: {meta_path} ({err})") from err
    check_version(meta, str(path))
    payloads = {}
    for name in DATA_FILES:
        file_path = path / name
        if not file_path.exists():
            raise KGTableError(f"KG table file missing: {file_path}")
        payloads[name] = file_path.read_bytes()
    check_payloads(meta, payloads, str(path))
    return meta, payloads


def to_bytes(meta: Dict[str, Any], payloads: Payloads) -> bytes:
    """meta and files as one msgpack value."""
    return srsly.msgpack_dumps({"meta": meta, "files": payloads})


def from_bytes(data: bytes) -> Tuple[Dict[str, Any], Payloads]:
    """meta and files of `to_bytes` output, checked."""
    try:
        msg = srsly.msgpack_loads(data)
        meta, payloads = msg["meta"], msg["files"]
    except Exception as err:
        raise KGTableError(f"KG table bytes are corrupt ({err})") from err
    check_version(meta, "<bytes>")
    check_payloads(meta, payloads, "<bytes>")
    return meta, payloads


def check_version(meta: Any, where: str) -> None:
    """KGTableError unless meta is a KG table meta of the current format version."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise KGTableError(f"{where}/{META_FILE} is not a spacy_kogner KG table meta file")
    if meta.get("format_version") != FORMAT_VERSION:
        raise KGTableError(
            f"{where}/{META_FILE}: format_version {meta.get('format_version')!r} is not read by this "
            f"spacy_kogner (it reads {FORMAT_VERSION}): rebuild the table with `python -m spacy_kogner "
            "build-kg` (a pipeline saved with an older table must be trained again)"
        )


def check_payloads(meta: Dict[str, Any], payloads: Payloads, where: str) -> None:
    """KGTableError naming the first data file that is missing or whose md5
    differs from meta's."""
    expected = meta.get("files", {})
    for name in DATA_FILES:
        if name not in payloads:
            raise KGTableError(f"KG table file missing: {where}/{name}")
        actual = hashlib.md5(payloads[name]).hexdigest()
        if expected.get(name) != actual:
            raise KGTableError(
                f"KG table file is corrupt: {where}/{name} (md5 {actual}, {META_FILE} says {expected.get(name)})"
            )
