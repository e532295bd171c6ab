"""BILUO tag sets and Viterbi decoding constrained to valid tag sequences."""
from typing import List, Sequence, Tuple

import numpy as np

OUT = "O"


def biluo_tag_names(labels: Sequence[str]) -> List[str]:
    """'O' then B-, I-, L-, U- for each label, in label order."""
    return [OUT] + [f"{prefix}-{label}" for label in labels for prefix in "BILU"]


def transition_constraints(tags: Sequence[str]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allowed first tags, allowed (previous, next) pairs and allowed last tags."""
    n = len(tags)
    parts = [tag.split("-", 1) if tag != OUT else (OUT, "") for tag in tags]
    start = np.array([p in (OUT, "B", "U") for p, _ in parts])
    end = np.array([p in (OUT, "L", "U") for p, _ in parts])
    allowed = np.zeros((n, n), dtype=bool)
    for i, (prev, prev_label) in enumerate(parts):
        for j, (nxt, label) in enumerate(parts):
            if prev in ("B", "I"):
                allowed[i, j] = nxt in ("I", "L") and label == prev_label
            else:
                allowed[i, j] = nxt in (OUT, "B", "U")
    return start, allowed, end


def viterbi_biluo(
    log_probs: np.ndarray, start: np.ndarray, allowed: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Most probable valid tag sequence for [n_tokens, n_tags] log probabilities."""
    n_tokens, n_tags = log_probs.shape
    if n_tokens == 0:
        return np.zeros((0,), dtype="int64")
    penalty = np.where(allowed, 0.0, -np.inf)
    score = np.where(start, log_probs[0], -np.inf)
    if n_tokens == 1:
        score = np.where(end, score, -np.inf)
    back = np.zeros((n_tokens, n_tags), dtype="int64")
    for t in range(1, n_tokens):
        cand = score[:, None] + penalty
        back[t] = cand.argmax(axis=0)
        score = cand[back[t], np.arange(n_tags)] + log_probs[t]
        if t == n_tokens - 1:
            score = np.where(end, score, -np.inf)
    path = np.zeros((n_tokens,), dtype="int64")
    path[-1] = int(score.argmax())
    for t in range(n_tokens - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def biluo_spans(tags: Sequence[str]) -> List[Tuple[int, int, str]]:
    """(start, end, label) of each entity in a valid BILUO tag sequence."""
    spans = []
    begin = 0
    for i, tag in enumerate(tags):
        if tag == OUT:
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "B":
            begin = i
        elif prefix == "U":
            spans.append((i, i + 1, label))
        elif prefix == "L":
            spans.append((begin, i + 1, label))
    return spans
