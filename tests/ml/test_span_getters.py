import pytest
import spacy
from spacy_transformers.util import registry

NAME = "spacy_kogner.byte_budget_strided_spans.v1"


def get_spans(**cfg):
    return registry.span_getters.get(NAME)(**cfg)


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def test_windows_overlap_and_cover_every_token(nlp):
    doc = nlp(" ".join(f"w{i}" for i in range(300)))
    spans = get_spans(window=128, stride=96, max_bytes=10_000)([doc])[0]
    assert [(s.start, s.end) for s in spans] == [(0, 128), (96, 224), (192, 300)]


def test_byte_budget_shrinks_windows_of_long_tokens(nlp):
    doc = nlp("N-(2-acetamido-2-deoxy-beta-D-glucopyranosyl)-L-asparagine " * 40 + "κ-opioid 🧪 " * 30)
    spans = get_spans(window=128, stride=96, max_bytes=120)([doc])[0]
    assert all(sum(len(t.text.encode("utf8")) for t in s) <= 120 for s in spans if len(s) > 1)
    covered = sorted({i for s in spans for i in range(s.start, s.end)})
    assert covered == list(range(len(doc)))


def test_empty_doc_has_no_window(nlp):
    assert get_spans()([nlp("")]) == [[]]


def test_invalid_stride_is_rejected():
    with pytest.raises(ValueError, match="stride"):
        get_spans(window=10, stride=20)


def test_invalid_byte_cap_is_rejected():
    with pytest.raises(ValueError, match="max_bytes >= 1, got 0"):
        get_spans(window=10, stride=5, max_bytes=0)
