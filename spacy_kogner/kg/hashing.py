"""Polynomial hashes of byte strings modulo 2**64: the hash of a concatenation
is a function of its parts' hashes, so every token n-gram of a batch can be
hashed with a few numpy operations (see `matcher.py`)."""
import numpy as np

POLY_BASE = np.uint64(0x100000001B3)  # odd, so invertible modulo 2**64
POLY_BASE_INVERSE = np.uint64(pow(int(POLY_BASE), -1, 2**64))


def polynomial_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash of each byte range [start, end) of `data` (uint8): the sum of
    byte k times POLY_BASE ** (bytes after k), modulo 2**64; 0 for an empty range.
    Horner's rule over all ranges at once, longest first."""
    lengths = np.asarray(ends, dtype="int64") - np.asarray(starts, dtype="int64")
    order = np.argsort(-lengths, kind="stable")
    sorted_lengths = lengths[order]
    sorted_starts = np.asarray(starts, dtype="int64")[order]
    hashes = np.zeros(len(lengths), dtype="uint64")
    n_longer = len(lengths) - np.searchsorted(sorted_lengths[::-1], np.arange(int(lengths.max(initial=0))), side="right")
    for k, n in enumerate(n_longer.tolist()):
        hashes[:n] = hashes[:n] * POLY_BASE + data[sorted_starts[:n] + k]
    out = np.empty_like(hashes)
    out[order] = hashes
    return out


def polynomial_powers(lengths: np.ndarray) -> np.ndarray:
    """POLY_BASE ** length modulo 2**64 (the factor by which appending
    `length` bytes multiplies a polynomial hash)."""
    return np.power(POLY_BASE, np.asarray(lengths, dtype="uint64"))
