"""Precision, recall and F1 in percent, computed by spaCy's `PRFScore` (one
implementation for every score this package and its benchmark report)."""
from typing import Dict, Hashable, Set

from spacy.scorer import PRFScore


def percent(prf: PRFScore) -> Dict[str, float]:
    """{"p", "r", "f"} of a PRFScore, in percent, rounded to 2 decimals."""
    return {"p": round(100 * prf.precision, 2), "r": round(100 * prf.recall, 2), "f": round(100 * prf.fscore, 2)}


def counts_prf(correct: int, predicted: int, gold: int) -> Dict[str, float]:
    """`percent` P/R/F1 from counts of correct, predicted and gold items."""
    return percent(PRFScore(tp=correct, fp=predicted - correct, fn=gold - correct))


def set_prf(predicted: Set[Hashable], gold: Set[Hashable]) -> Dict[str, float]:
    """`percent` P/R/F1 of exact matches between two sets."""
    return counts_prf(len(predicted & gold), len(predicted), len(gold))
