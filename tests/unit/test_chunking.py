import pytest

from ingest.chunking import chunk_spans


def _offsets(text):
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def test_spans_cover_text_with_overlap_and_size_limit():
    text = " ".join(f"w{i}." if i % 7 == 6 else f"w{i}" for i in range(100))
    offs = _offsets(text)
    spans = chunk_spans(text, offs, size=20, overlap=5)
    assert spans[0].start == 0 and spans[-1].end == len(text)
    assert all(s.n_tokens <= 20 for s in spans)
    for a, b in zip(spans, spans[1:]):
        assert b.start < a.end  # overlap
    # windows prefer to end on a sentence boundary
    assert sum(text[s.end - 1] == "." for s in spans[:-1]) >= len(spans) - 2


def test_overlap_must_be_smaller_than_size():
    with pytest.raises(ValueError):
        chunk_spans("a b c", _offsets("a b c"), size=2, overlap=2)
