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


def viterbi_biluo_batch(
    log_probs: Sequence[np.ndarray], start: np.ndarray, allowed: np.ndarray, end: np.ndarray,
    max_padded: int = 2**16,
) -> List[np.ndarray]:
    """Most probable valid tag sequence of each doc, for its [n_tokens, n_tags] log
    probabilities. Docs of similar length are padded into groups of at most
    `max_padded` positions (a long doc forms its own group), and numpy decodes all
    docs of a group per position, instead of a Python loop over every token."""
    paths: List[np.ndarray] = [np.zeros((0,), dtype="int64") for _ in log_probs]
    groups: List[List[int]] = [[]]
    for i in sorted(range(len(log_probs)), key=lambda i: len(log_probs[i])):
        if not len(log_probs[i]):
            continue
        if groups[-1] and (len(groups[-1]) + 1) * len(log_probs[i]) > max_padded:
            groups.append([])
        groups[-1].append(i)
    for group in groups:
        if group:
            for i, path in zip(group, _viterbi_padded([log_probs[i] for i in group], start, allowed, end)):
                paths[i] = path
    return paths


def _viterbi_padded(
    log_probs: Sequence[np.ndarray], start: np.ndarray, allowed: np.ndarray, end: np.ndarray
) -> List[np.ndarray]:
    """Decode non-empty docs together, padded to the longest."""
    lengths = np.array([len(lp) for lp in log_probs], dtype="int64")
    n_docs, n_steps, n_tags = len(log_probs), int(lengths.max()), allowed.shape[0]
    padded = np.zeros((n_docs, n_steps, n_tags), dtype="float64")
    for row, lp in enumerate(log_probs):
        padded[row, : len(lp)] = lp
    penalty = np.where(allowed, 0.0, -np.inf)
    score = np.where(start, padded[:, 0], -np.inf)
    back = np.zeros((n_docs, n_steps, n_tags), dtype="int64")
    for t in range(1, n_steps):
        cand = score[:, :, None] + penalty
        back[:, t] = cand.argmax(axis=1)
        stepped = np.take_along_axis(cand, back[:, t][:, None, :], axis=1)[:, 0] + padded[:, t]
        score = np.where((t < lengths)[:, None], stepped, score)
    last = np.where(end, score, -np.inf).argmax(axis=1)
    path = np.zeros((n_docs, n_steps), dtype="int64")
    rows = np.arange(n_docs)
    for t in range(n_steps - 1, -1, -1):
        path[:, t] = np.where(lengths - 1 == t, last, path[:, t])
        if t > 0:
            path[:, t - 1] = back[rows, t, path[:, t]]
    return [path[row, :n] for row, n in enumerate(lengths)]


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
