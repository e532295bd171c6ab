"""Coordinated mentions ("breast and ovarian cancer", "hepatitis B and C"):
readings of the mention as two or more names with the shared words restored
("breast cancer" + "ovarian cancer"), so that linking can give such a
composite mention each of its ids (PubTator's composite id "D1|D2")."""
from typing import List, Sequence

CONJUNCTIONS = frozenset({"and", "or", "and/or", "nor", "versus", "vs", "vs.", ",", "/", "&"})

Reading = List[List[str]]  # the words of each conjunct


def conjunct_readings(words: Sequence[str]) -> List[Reading]:
    """The ways to read the words as a coordination of names, most literal
    first: the conjuncts as written; the last conjunct's trailing words shared
    by the others ("breast and ovarian cancer"), 1 word first; the first
    conjunct's leading words shared by the others ("hepatitis B and C").
    [] when no conjunction stands between words."""
    parts: List[List[str]] = [[]]
    for word in words:
        if word.lower() in CONJUNCTIONS:
            if parts[-1]:
                parts.append([])
        else:
            parts[-1].append(word)
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return []
    first, last = parts[0], parts[-1]
    readings: List[Reading] = [parts]
    readings += [[part + last[-shared:] for part in parts[:-1]] + [last] for shared in range(1, len(last))]
    readings += [[first] + [first[:shared] + part for part in parts[1:]] for shared in range(1, len(first))]
    return readings
