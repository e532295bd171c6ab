"""Helpers every layer may use: files written atomically, md5 of files, a text
file's lines with the ones that are not UTF-8 named, where a string holds a
surrogate (no Unicode text does), a numpy helper for
concatenated integer ranges, the CPU's features, whether spaCy can reach a GPU,
and the user_data key of the labels a doc's corpus annotates."""
import gzip
import hashlib
import os
import re
import shutil
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Iterator, Optional, Tuple

import numpy as np

ANNOTATED_LABELS = "annotated_labels"  # Doc.user_data: the labels the doc's corpus annotates (set by convert)


def md5_of(path: Path) -> str:
    """md5 hex digest of a file, read in chunks."""
    digest = hashlib.md5()
    with Path(path).open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(text: str) -> Optional[int]:
    """The index of the first surrogate code point in `text` (a lone one from a JSON
    escape, or a byte kept by the surrogateescape error handler), else None."""
    found = SURROGATE.search(text)
    return None if found is None else found.start()


def utf8_lines(path: Path) -> Iterator[Tuple[int, str, Optional[str]]]:
    """(line number, line with its line ending, None) for each line of a text file;
    for a line that is not UTF-8 the third item says why, and reading goes on
    (its bad bytes are kept as surrogate escapes, so it ends where it should).
    A path ending in .gz is read through gzip."""
    opener = gzip.open if Path(path).suffix == ".gz" else open
    with opener(path, "rt", encoding="utf8", errors="surrogateescape", newline="") as file:
        for number, line in enumerate(file, 1):
            at = first_surrogate(line)
            if at is None:
                yield number, line, None
            else:
                yield number, line, f"not UTF-8 text (byte 0x{ord(line[at]) - 0xDC00:02x} at character {at} of the line)"


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` (for a file or a folder); on success
    it replaces `path`, on error it is removed, so no partial output is ever
    left at `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    if tmp.is_dir():
        shutil.rmtree(tmp)
    try:
        yield tmp
        if path.is_dir() and tmp.is_dir():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file under a temporary name, then rename it to `path`."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def ranges(starts: np.ndarray, lengths: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The integers of the ranges [start, start + length), concatenated, and
    each one's place in its range."""
    place = np.arange(int(lengths.sum()), dtype="int64") - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + place, place


CPUINFO = Path("/proc/cpuinfo")


@lru_cache(maxsize=1)
def cpu_features() -> Tuple[Optional[str], FrozenSet[str]]:
    """The CPU's model name and feature flags from /proc/cpuinfo (Linux; None
    and no flags elsewhere), read once per process."""
    if not CPUINFO.exists():
        return None, frozenset()
    name, flags = None, frozenset()
    for line in CPUINFO.read_text(errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and name is None:
            name = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = frozenset(value.split())
    return name, flags


def gpu_missing() -> Optional[str]:
    """Why spaCy cannot use a CUDA GPU here, or None if it can: torch
    must see a device, and thinc needs CuPy to reach it."""
    import torch
    from thinc.util import gpu_is_available

    if not torch.cuda.is_available():
        return "torch sees no CUDA device (no GPU, or a CPU build of torch)"
    if not gpu_is_available():
        return "thinc cannot reach the GPU: install CuPy for its CUDA version (e.g. pip install cupy-cuda12x)"
    return None
