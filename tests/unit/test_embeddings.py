"""The embedding model's weights are verified before anything loads them: damaged weights are refused.
(The runtimes themselves, which load the model, are tested in tests/integration/test_embeddings.py.)"""

from __future__ import annotations

import os

import pytest

from assistant.config import Settings
from assistant.errors import ModelIntegrityError
from assistant.stores.embeddings import load_embedder, packaged_model_dir


def test_damaged_weights_are_refused(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    for f in packaged_model_dir().iterdir():
        os.symlink(f, model / f.name) if f.name != "model.safetensors" else (model / f.name).write_bytes(b"not weights")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        load_embedder(Settings(embedding_model=model, embedding_sha256="0" * 64))
