"""KG mentions in token sequences: greedy left-to-right longest matches of
token n-grams against the alias keys, for a whole batch of docs at once.

The polynomial hash of every n-gram of up to MAX_MENTION_TOKENS token keys,
plural-folded as alias keys are, is computed with numpy from the tokens'
hashes; only n-grams whose hash is an alias key's are looked up exactly, by
their text, so a hash collision can never add a mention."""
from typing import AbstractSet, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from .alias_index import AliasIndex
from .hashing import polynomial_hashes, polynomial_powers
from .normalize import fold_plural, fold_plural_hashes, is_word_key, normalize_tokens

MAX_MENTION_TOKENS = 16
AliasLink = Tuple[str, int]  # (alias key, entity row)
ASCII_ALNUM = np.array([chr(code).isalnum() for code in range(256)]) & (np.arange(256) < 128)


class KGMention(NamedTuple):
    """A span of tokens [start, end) whose text is an alias of `entities`."""

    start: int
    end: int
    entities: Tuple[int, ...]


def visible_candidates(key: str, cands: Tuple[int, ...], exclude: AbstractSet[AliasLink]) -> Tuple[int, ...]:
    """The candidates of an alias key less the `exclude` links."""
    return tuple(row for row in cands if (key, row) not in exclude)


def find_mentions_batch(
    aliases: AliasIndex, docs_words: Sequence[Sequence[str]], exclude: Optional[Sequence[AbstractSet[AliasLink]]] = None
) -> List[List[KGMention]]:
    """The mentions of each doc's words, less that doc's `exclude` links: longest
    match first from each start; a mention starts and ends on a token with a
    letter or digit."""
    keys = [key for words in docs_words for key in normalize_tokens(words)]
    doc_starts = np.cumsum([0] + [len(words) for words in docs_words])
    found: List[List[KGMention]] = [[] for _ in docs_words]
    if not keys or not len(aliases):
        return found
    text = "".join(keys)
    doc_of = np.repeat(np.arange(len(docs_words)), np.diff(doc_starts))
    char_starts, char_ends, hit_start, hit_end = _alias_hash_hits(aliases, keys, text, doc_starts[1:][doc_of])
    next_free = 0
    for start, end in zip(hit_start.tolist(), hit_end.tolist()):
        if start < next_free:
            continue
        key = fold_plural(text[char_starts[start]:char_ends[end]])
        cands = aliases.get(key)
        doc = int(doc_of[start])
        if cands and exclude is not None and exclude[doc]:
            cands = visible_candidates(key, cands, exclude[doc])
        if cands:
            offset = int(doc_starts[doc])
            found[doc].append(KGMention(start - offset, end + 1 - offset, cands))
            next_free = end + 1
    return found


def _byte_counts(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many flagged bytes each range [start, end) holds."""
    totals = np.concatenate([[0], np.cumsum(flags, dtype="int64")])
    return totals[ends] - totals[starts]


def _alias_hash_hits(
    aliases: AliasIndex, keys: Sequence[str], text: str, token_doc_end: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The token n-grams (up to MAX_MENTION_TOKENS tokens within a doc,
    starting and ending on a word token) whose plural-folded polynomial hash is
    an alias key's, as (first token, last token) arrays ordered by first token,
    longest first; with each token's key's character range in `text`."""
    # lone surrogates (odd Unicode) get bytes too; they are in no alias
    data = np.frombuffer(text.encode("utf8", "surrogatepass"), dtype="uint8")
    ascii_only = text.isascii()
    char_lengths = np.array([len(key) for key in keys], dtype="int64")
    byte_lengths = char_lengths if ascii_only else np.array(
        [len(key.encode("utf8", "surrogatepass")) for key in keys], dtype="int64")
    char_ends = np.cumsum(char_lengths)
    char_starts = char_ends - char_lengths
    byte_ends = np.cumsum(byte_lengths)
    byte_starts = byte_ends - byte_lengths
    max_chars = aliases.max_key_bytes + 1  # + 1: a folded plural "s"; chars <= bytes
    # a longer token is in no alias: leave its hash 0 (and its n-grams are too long)
    short = char_lengths <= max_chars
    token_hashes = np.zeros(len(keys), dtype="uint64")
    token_hashes[short] = polynomial_hashes(data, byte_starts[short], byte_ends[short])
    token_powers = polynomial_powers(byte_lengths)
    is_word = _byte_counts(ASCII_ALNUM[data], byte_starts, byte_ends) > 0
    if not ascii_only:
        for i in np.flatnonzero(_byte_counts(data >= 0x80, byte_starts, byte_ends)).tolist():
            is_word[i] = is_word_key(keys[i])
    starts = np.flatnonzero(is_word)
    hashes = np.zeros(len(starts), dtype="uint64")
    hit_starts: List[np.ndarray] = [starts[:0]]
    hit_ends: List[np.ndarray] = [starts[:0]]
    for length in range(MAX_MENTION_TOKENS):
        ends = starts + length
        # an n-gram ends inside its doc and has at most max_chars characters
        keep = ends < token_doc_end[starts]
        keep[keep] = char_ends[ends[keep]] - char_starts[starts[keep]] <= max_chars
        starts, ends, hashes = starts[keep], ends[keep], hashes[keep]
        if not len(starts):
            break
        hashes = hashes * token_powers[ends] + token_hashes[ends]
        word_end = is_word[ends]
        folded = fold_plural_hashes(hashes[word_end], data, byte_ends[ends[word_end]],
                                    char_ends[ends[word_end]] - char_starts[starts[word_end]])
        hit = aliases.has_poly_hashes(folded)
        hit_starts.append(starts[word_end][hit])
        hit_ends.append(ends[word_end][hit])
    hit_start = np.concatenate(hit_starts)
    hit_end = np.concatenate(hit_ends)
    order = np.lexsort((-hit_end, hit_start))
    return char_starts, char_ends, hit_start[order], hit_end[order]
