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


def test_real_tokenizer_chunks_fit_model():
    from assistant.config import Settings
    from assistant.stores.embeddings import get_embedder
    from ingest.chunking import Chunker
    from tests.conftest import CORPUS

    emb = get_embedder(Settings())
    text = (CORPUS / "law" / "19_USC_1401a.txt").read_text()
    spans = Chunker(emb.tokenizer, 200, 40).split(text)
    assert len(spans) > 10
    for s in spans:
        n = emb.count_tokens(text[s.start : s.end])
        assert n <= emb.max_tokens, n


def test_light_tokenizer_matches_the_models():
    """The chunker's tokenizer (tokenizers, no transformers import) splits exactly as the model's."""
    from assistant.config import Settings
    from assistant.stores.embeddings import get_embedder, model_dir_of
    from ingest.chunking import Chunker, load_tokenizer
    from tests.conftest import CORPUS

    emb = get_embedder(Settings(embedding_backend="torch"))  # transformers' tokenizer
    text = (CORPUS / "law" / "19_USC_1401a.txt").read_text()
    light = Chunker(load_tokenizer(model_dir_of(Settings())), 200, 40).split(text)
    assert light == Chunker(emb.tokenizer, 200, 40).split(text)
    # the file's own truncation (128) is off in the chunker: windows reach the size asked for
    assert max(s.n_tokens for s in light) == 200
