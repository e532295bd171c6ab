"""Corpora that annotate only some of the labels (NCBI-disease: diseases, no
chemicals), for training one model on several corpora (HUNER, HunFlair).

A doc whose `user_data["annotated_labels"]` (written by `convert`) lacks a
label of the component says nothing about that label: a token it tags "O" may
be "O" or any tag of a missing label. The loss of such a token is the
negative log of the probability mass of the tags it may have (the marginal
likelihood of partial annotation); its gradient on the logits of the softmax
is the probabilities minus their renormalization over those tags, which for a
token with one allowed tag is the usual cross-entropy gradient. Scoring
leaves out the predictions of labels a gold doc does not annotate."""
from typing import List, Optional, Sequence, Set, Tuple

import numpy as np
from spacy.tokens import Doc
from spacy.training import Example

from ..util import ANNOTATED_LABELS


def unannotated_labels(doc: Doc, labels: Sequence[str]) -> Set[str]:
    """The labels (of `labels`) that a gold doc does not annotate (none when the
    doc does not say which it annotates)."""
    annotated = doc.user_data.get(ANNOTATED_LABELS)
    return set() if annotated is None else set(labels) - set(annotated)


def allowed_tags(truths: Sequence[Optional[str]], tags: Sequence[str], unannotated: Set[str]) -> np.ndarray:
    """A (tokens x tags) 0/1 mask of the tags each token may have: its gold tag,
    plus every tag of an unannotated label where the gold tag is "O"; no tag
    for a token whose gold tag is missing (None)."""
    index = {tag: i for i, tag in enumerate(tags)}
    open_tags = [i for i, tag in enumerate(tags) if tag != "O" and tag.split("-", 1)[1] in unannotated]
    mask = np.zeros((len(truths), len(tags)), dtype="float32")
    for row, tag in enumerate(truths):
        if tag is None:
            continue
        mask[row, index[tag]] = 1.0
        if tag == "O":
            mask[row, open_tags] = 1.0
    return mask


def marginal_loss(scores: List, masks: List[np.ndarray], xp) -> Tuple[float, List]:
    """The gradients of the marginal likelihood of each doc's allowed tags
    (`scores`: tag probabilities per token), and the loss reported as thinc's
    cross-entropy reports it (the sum of squared gradients)."""
    d_scores, loss = [], 0.0
    for probs, mask in zip(scores, masks):
        mask = xp.asarray(mask)
        mass = (probs * mask).sum(axis=1, keepdims=True)
        known = mask.sum(axis=1, keepdims=True) > 0
        target = xp.where(known, probs * mask / xp.maximum(mass, 1e-12), probs)
        d_scores.append(probs - target)
        loss += float((d_scores[-1] ** 2).sum())
    return loss, d_scores


def annotated_examples(examples: Sequence[Example]) -> List[Example]:
    """The examples with the predicted entities of labels their gold doc does
    not annotate left out (unchanged examples where it annotates them all)."""
    out = []
    for eg in examples:
        missing = unannotated_labels(eg.reference, [ent.label_ for ent in eg.predicted.ents])
        if not missing:
            out.append(eg)
            continue
        predicted = eg.predicted.copy()
        predicted.set_ents([ent for ent in predicted.ents if ent.label_ not in missing], default="outside")
        out.append(Example(predicted, eg.reference))
    return out
