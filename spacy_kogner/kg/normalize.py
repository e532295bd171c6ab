"""Alias normalization shared by the KG builder and the KG lookup.

A key is computed per character, so the key of a multi-word alias equals the
concatenation of the keys of its tokens, whatever the tokenizer did with the
spaces, hyphens and apostrophes between them. Alias keys also fold a plural
ending of the last word. The plural rule lives here only, in two forms that
must agree: `fold_plural` on a key's text and `fold_plural_hashes` on the
polynomial hashes of keys (the batch lookup's filter).
"""
import unicodedata
from typing import Iterable, List

import numpy as np

from .hashing import POLY_BASE, POLY_BASE_INVERSE, polynomial_hashes

GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi",
    "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}
# Characters that never distinguish two aliases: whitespace, hyphens and
# dashes, apostrophes and quotes.
IGNORED_CHARS = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
    "'\u2018\u2019\u201b\u02bc`\u00b4\"\u201c\u201d"
)


# Unicode categories of invisible characters: format characters (zero-width spaces and joiners, soft
# hyphens, BOM: common in text copied from PDFs) and control characters (NUL, and the C1 controls that
# text decoded as Latin-1 instead of Windows-1252 carries)
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc"})


def _is_ignored(char: str) -> bool:
    return char.isspace() or char in IGNORED_CHARS or unicodedata.category(char) in INVISIBLE_CATEGORIES


# ASCII text is NFKC-stable and has no Greek letters, and its lower case is its
# case fold: one str.translate gives its key.
ASCII_KEY_TABLE = {code: None if _is_ignored(chr(code)) else chr(code).lower() for code in range(128)}


def normalize_text(text: str) -> str:
    """Return the lookup key of a text: NFKC, Greek letters spelled out,
    case-folded, without whitespace, dashes, quotes or invisible (format or control) characters."""
    if text.isascii():
        return text.translate(ASCII_KEY_TABLE)
    return normalize_unicode_text(text)


def normalize_unicode_text(text: str) -> str:
    """`normalize_text` for any text, character by character."""
    text = unicodedata.normalize("NFKC", text)
    out: List[str] = []
    for char in text:
        # whitespace, dashes, quotes and invisible characters never distinguish two names
        if _is_ignored(char):
            continue
        lower = char.lower()
        out.append(GREEK_LETTERS.get(lower, lower))
    return "".join(out).casefold()


# the plural rule: a key of at least PLURAL_MIN_CHARS characters ending in "s"
# but not in one of SINGULAR_S_ENDINGS drops the "s"; "ies" becomes "y"
PLURAL_MIN_CHARS = 5
SINGULAR_S_ENDINGS = ("ss", "us", "is")


def fold_plural(key: str) -> str:
    """Fold an English plural ending of a key's last word to the singular
    ("seizures" -> "seizure", "toxicities" -> "toxicity"); keys shorter than
    five characters and -ss, -us, -is endings are left alone. Applied to alias
    keys and looked-up keys alike, so that either number matches the other."""
    if len(key) < PLURAL_MIN_CHARS or not key.endswith("s") or key.endswith(SINGULAR_S_ENDINGS):
        return key
    return key[:-3] + "y" if key.endswith("ies") else key[:-1]


IES_HASH = polynomial_hashes(np.frombuffer(b"ies", dtype="uint8"), [0], [3])[0]
IES_POWER_INVERSE = np.uint64(pow(int(POLY_BASE_INVERSE), 3, 2**64))


def fold_plural_hashes(hashes: np.ndarray, data: np.ndarray, byte_ends: np.ndarray, n_chars: np.ndarray) -> np.ndarray:
    """The polynomial hashes of `fold_plural` of the keys whose hashes, last
    byte positions (exclusive, in the UTF-8 `data`) and character counts are given."""
    last = data[np.maximum(byte_ends - 1, 0)]
    second = data[np.maximum(byte_ends - 2, 0)]
    third = data[np.maximum(byte_ends - 3, 0)]
    plural = (n_chars >= PLURAL_MIN_CHARS) & (last == ord("s"))
    for ending in SINGULAR_S_ENDINGS:  # each is one letter and the final "s"
        plural &= second != ord(ending[0])
    ies = plural & (second == ord("e")) & (third == ord("i"))
    folded = hashes.copy()
    # drop the last byte: h(key) = h(key[:-1]) * B + ord("s")
    folded[plural] = (hashes[plural] - np.uint64(ord("s"))) * POLY_BASE_INVERSE
    # "ies" -> "y": h(key[:-3]) * B + ord("y")
    folded[ies] = (hashes[ies] - IES_HASH) * IES_POWER_INVERSE * POLY_BASE + np.uint64(ord("y"))
    return folded


def alias_key(text: str) -> str:
    """The key under which a KG alias is stored and looked up."""
    return fold_plural(normalize_text(text))


def normalize_tokens(words: Iterable[str]) -> List[str]:
    """Return the lookup key of each token."""
    return [normalize_text(word) for word in words]


def is_word_key(key: str) -> bool:
    """True if a token key can start or end a KG mention (has a letter or digit)."""
    return any(char.isalnum() for char in key)
