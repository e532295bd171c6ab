"""Transformer input windows that never exceed the model's length limit."""
from functools import partial
from typing import Callable, Iterable, List

from spacy.tokens import Doc, Span
from spacy_transformers.util import registry


def get_byte_budget_strided_spans(docs: Iterable[Doc], window: int, stride: int, max_bytes: int) -> List[List[Span]]:
    """Strided windows of at most `window` tokens and at most `max_bytes` UTF-8
    bytes of token text. A WordPiece or byte-level BPE tokenizer makes at most
    one piece per byte, so a window never outgrows the transformer (which a
    window counted in tokens alone can, on long chemical names)."""
    result: List[List[Span]] = []
    for doc in docs:
        sizes = [len(token.text.encode("utf8")) for token in doc]
        spans: List[Span] = []
        start, n = 0, len(doc)
        while start < n:
            end = min(start + window, n)
            total = sum(sizes[start:end])
            while end - start > 1 and total > max_bytes:
                end -= 1
                total -= sizes[end]
            spans.append(doc[start:end])
            if end >= n:
                break
            start += max(1, (end - start) * stride // window)
        result.append(spans)
    return result


@registry.span_getters("spacy_kogner.byte_budget_strided_spans.v1")
def configure_byte_budget_strided_spans(window: int = 128, stride: int = 96, max_bytes: int = 500) -> Callable:
    """Span getter for spacy-transformers: strided windows capped in tokens and bytes."""
    if not 0 < stride <= window:
        raise ValueError(f"byte_budget_strided_spans: need 0 < stride <= window, got stride={stride}, window={window}")
    if max_bytes < 1:
        raise ValueError(f"byte_budget_strided_spans: need max_bytes >= 1, got {max_bytes}")
    return partial(get_byte_budget_strided_spans, window=window, stride=stride, max_bytes=max_bytes)
