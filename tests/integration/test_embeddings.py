"""The embedding model loaded for real: the ONNX runtime gives sentence-transformers' vectors, its
export is fused, cached, checked and redone when damaged (or made before the fused graph), and loading
it does not import torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from assistant.config import Settings
from assistant.stores.embeddings import OnnxEmbedder, get_embedder, load_embedder
from tests.support.workspace import CORPUS

TEXTS = [
    "Plastic alphabet letter charms, heading 3926",
    "Entry HL7-0101234-5 was filed with invoice KMH-2501-001.",
    (CORPUS / "law" / "19_USC_1401a.txt").read_text()[:6000],  # far beyond 256 word pieces: truncated alike
    "",
]


def test_onnx_runtime_gives_the_same_vectors_as_sentence_transformers():
    fp32 = Settings(embedding_precision="fp32")
    onnx, torch_ = get_embedder(fp32), get_embedder(Settings(embedding_backend="torch", embedding_precision="fp32"))
    assert isinstance(onnx, OnnxEmbedder) and torch_.backend == "torch"
    a, b = onnx.embed(TEXTS), torch_.embed(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384)
    assert float(np.abs(a - b).max()) < 1e-5
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert onnx.count_tokens(TEXTS[2]) == torch_.count_tokens(TEXTS[2]) > 256


def test_int8_is_close_to_fp32_and_its_graph_is_cached_and_checked(tmp_path, caplog):
    settings = Settings(model_cache=tmp_path / "models", embedding_precision="int8")
    int8 = load_embedder(settings)
    fp32 = get_embedder(Settings(embedding_precision="fp32"))
    (onnx_dir,) = list((tmp_path / "models").iterdir())
    meta = json.loads((onnx_dir / "meta.json").read_text())
    assert int8.precision == "int8" and int8.onnx_sha256 == meta["int8_sha256"] != meta["onnx_sha256"]
    assert meta["int8_min_cosine"] >= 0.98
    cosine = (int8.embed(TEXTS[:3]) * fp32.embed(TEXTS[:3])).sum(axis=1)
    assert cosine.min() >= 0.98, cosine
    _damage(onnx_dir / "model.int8.onnx")  # found by its sha256 and quantized again
    again = load_embedder(settings)
    assert "does not match its record" in caplog.text
    assert np.allclose(again.embed(TEXTS[:2]), int8.embed(TEXTS[:2]), atol=1e-5)


def test_export_is_cached_checked_and_redone_when_damaged(tmp_path, caplog):
    settings = Settings(model_cache=tmp_path / "models", embedding_precision="fp32")
    first = load_embedder(settings)
    (onnx_dir,) = list((tmp_path / "models").iterdir())
    meta = json.loads((onnx_dir / "meta.json").read_text())
    assert meta["source_sha256"] == first.sha256 and meta["max_abs_diff"] < 1e-4
    # each of the six layers' attention fused into one ONNX Runtime kernel, the graph still within 1e-4
    assert meta["graph"] == "fused-1" and meta["fused"]["Attention"] == 6, meta["fused"]
    _damage(onnx_dir / "model.onnx")  # a damaged cached graph is detected by its sha256 and exported again
    second = load_embedder(settings)
    assert "does not match its record" in caplog.text
    assert second.onnx_sha256 == meta["onnx_sha256"]
    assert np.allclose(first.embed(TEXTS[:2]), second.embed(TEXTS[:2]), atol=1e-6)
    meta = json.loads((onnx_dir / "meta.json").read_text())
    del meta["graph"]  # a cache exported before the fused graph: exported again, not used as it is
    (onnx_dir / "meta.json").write_text(json.dumps(meta))
    load_embedder(settings)
    assert json.loads((onnx_dir / "meta.json").read_text())["graph"] == "fused-1"


def test_loading_the_onnx_runtime_does_not_import_torch():
    code = (
        "import sys; from assistant.config import Settings; from assistant.stores.embeddings import get_embedder; "
        "get_embedder(Settings()).embed(['x']); print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_sentences_are_embedded_once_per_process_with_the_same_vectors():
    from assistant.answering.answer import sentence_vectors

    embedder = get_embedder(Settings())
    calls: list[int] = []

    class Counting:  # the real model, its calls counted
        def __getattr__(self, name):
            return getattr(embedder, name)

        def embed(self, texts, max_tokens=None):
            calls.append(len(texts))
            return embedder.embed(texts, max_tokens=max_tokens)

    counted = Counting()
    texts = [f"Entry records are kept for {n} years from the date of entry." for n in (3, 5, 7)]
    first = sentence_vectors(counted, texts)
    again = sentence_vectors(counted, [texts[1], texts[0], "A sentence not seen before."])
    assert calls == [3, 1], calls  # only the new sentence reached the model the second time
    assert np.allclose(first, embedder.embed(texts, max_tokens=64), atol=1e-6)
    assert np.allclose(again[:2], first[[1, 0]])


def _damage(path) -> None:
    """Flip one byte in the middle of ``path``."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
