"""Chunking with the embedding model's own tokenizer: chunks fit the model, and the chunker's light
tokenizer splits exactly as the model's. (The chunker alone: tests/unit/test_chunking.py.)"""

from __future__ import annotations

from assistant.config import Settings
from assistant.stores.embeddings import get_embedder, model_dir_of
from ingest.chunking import Chunker, load_tokenizer
from tests.support.workspace import CORPUS


def test_real_tokenizer_chunks_fit_model():
    emb = get_embedder(Settings())
    text = (CORPUS / "law" / "19_USC_1401a.txt").read_text()
    spans = Chunker(emb.tokenizer, 200, 40).split(text)
    assert len(spans) > 10
    for s in spans:
        n = emb.count_tokens(text[s.start : s.end])
        assert n <= emb.max_tokens, n


def test_light_tokenizer_matches_the_models():
    """The chunker's tokenizer (tokenizers, no transformers import) splits exactly as the model's."""
    emb = get_embedder(Settings(embedding_backend="torch"))  # transformers' tokenizer
    text = (CORPUS / "law" / "19_USC_1401a.txt").read_text()
    light = Chunker(load_tokenizer(model_dir_of(Settings())), 200, 40).split(text)
    assert light == Chunker(emb.tokenizer, 200, 40).split(text)
    # the file's own truncation (128) is off in the chunker: windows reach the size asked for
    assert max(s.n_tokens for s in light) == 200
