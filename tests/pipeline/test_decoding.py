import itertools

import numpy as np
import pytest

from spacy_kogner.pipeline.decoding import biluo_spans, biluo_tag_names, transition_constraints, viterbi_biluo_batch

TAGS = biluo_tag_names(["Chemical", "Disease"])


def viterbi_biluo(log_probs):
    """Decode one doc."""
    return viterbi_biluo_batch([log_probs], *transition_constraints(TAGS))[0]


def best_valid_path(log_probs):
    """Exhaustive search over all valid tag sequences (short docs only)."""
    best, best_score = None, -np.inf
    for path in itertools.product(range(len(TAGS)), repeat=len(log_probs)):
        if is_valid([TAGS[i] for i in path]):
            score = log_probs[np.arange(len(path)), list(path)].sum()
            if score > best_score:
                best, best_score = list(path), score
    return best


def is_valid(tags):
    start, allowed, end = transition_constraints(TAGS)
    idx = [TAGS.index(t) for t in tags]
    return (not idx) or (start[idx[0]] and end[idx[-1]] and all(allowed[a, b] for a, b in zip(idx, idx[1:])))


def test_tag_names():
    assert TAGS == ["O", "B-Chemical", "I-Chemical", "L-Chemical", "U-Chemical",
                    "B-Disease", "I-Disease", "L-Disease", "U-Disease"]


def test_constraints_follow_biluo():
    start, allowed, end = transition_constraints(TAGS)
    ok = lambda a, b: allowed[TAGS.index(a), TAGS.index(b)]
    assert ok("B-Chemical", "I-Chemical") and ok("I-Chemical", "L-Chemical") and ok("L-Chemical", "B-Disease")
    assert not ok("B-Chemical", "L-Disease") and not ok("O", "I-Chemical") and not ok("U-Disease", "L-Disease")
    assert not ok("B-Chemical", "O") and ok("O", "U-Disease")
    assert [TAGS[i] for i in np.flatnonzero(start)] == ["O", "B-Chemical", "U-Chemical", "B-Disease", "U-Disease"]
    assert [TAGS[i] for i in np.flatnonzero(end)] == ["O", "L-Chemical", "U-Chemical", "L-Disease", "U-Disease"]


@pytest.mark.parametrize("seed", range(20))
def test_viterbi_always_returns_a_valid_sequence(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 12))
    log_probs = np.log(rng.dirichlet(np.ones(len(TAGS)) * 0.3, size=n) + 1e-12)
    path = viterbi_biluo(log_probs)
    assert len(path) == n and is_valid([TAGS[i] for i in path])


@pytest.mark.parametrize("seed", range(5))
def test_viterbi_finds_the_best_valid_sequence(seed):
    rng = np.random.default_rng(seed)
    log_probs = np.log(rng.dirichlet(np.ones(len(TAGS)) * 0.3, size=4) + 1e-12)
    assert viterbi_biluo(log_probs).tolist() == best_valid_path(log_probs)


def test_viterbi_batch_decodes_each_doc_as_alone():
    # mixed lengths, empty docs included; a small padding budget forces several groups
    rng = np.random.default_rng(0)
    batch = [np.log(rng.dirichlet(np.ones(len(TAGS)) * 0.3, size=n) + 1e-12) for n in (7, 0, 1, 30, 2, 0, 12, 5, 1)]
    constraints = transition_constraints(TAGS)
    for max_padded in (2**16, 20):
        paths = viterbi_biluo_batch(batch, *constraints, max_padded=max_padded)
        assert [p.tolist() for p in paths] == [viterbi_biluo(lp).tolist() for lp in batch]
    assert viterbi_biluo_batch([], *constraints) == []


def test_viterbi_repairs_an_invalid_argmax():
    # argmax per token would be I-Chemical, I-Chemical: invalid; best valid is B, L
    probs = np.full((2, len(TAGS)), 0.01)
    probs[:, TAGS.index("I-Chemical")] = 0.6
    probs[0, TAGS.index("B-Chemical")] = 0.3
    probs[1, TAGS.index("L-Chemical")] = 0.3
    path = viterbi_biluo(np.log(probs))
    assert [TAGS[i] for i in path] == ["B-Chemical", "L-Chemical"]


def test_viterbi_keeps_a_valid_argmax():
    tags = ["U-Chemical", "O", "B-Disease", "I-Disease", "L-Disease"]
    probs = np.full((len(tags), len(TAGS)), 0.01)
    for i, tag in enumerate(tags):
        probs[i, TAGS.index(tag)] = 0.9
    assert [TAGS[i] for i in viterbi_biluo(np.log(probs))] == tags


def test_biluo_spans():
    tags = ["U-Chemical", "O", "B-Disease", "I-Disease", "L-Disease", "O"]
    assert biluo_spans(tags) == [(0, 1, "Chemical"), (2, 5, "Disease")]
    assert biluo_spans([]) == []
