"""The unit tier loads no model: a test that would load the embedding model (either runtime, or its ONNX
export) or run the OCR engine fails here, saying where it belongs (tests/integration)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_model_in_unit_tests(monkeypatch):
    from assistant.stores import embeddings
    from ingest import ocr

    def refuse(what):
        def refused(*args, **kwargs):
            raise AssertionError(f"a unit test {what}: it belongs in tests/integration (docs/testing.md)")

        return refused

    monkeypatch.setattr(embeddings.OnnxEmbedder, "__init__", refuse("loaded the embedding model"))
    monkeypatch.setattr(embeddings.TorchEmbedder, "__init__", refuse("loaded the embedding model"))
    monkeypatch.setattr(embeddings, "export_onnx", refuse("exported the embedding model"))
    monkeypatch.setattr(ocr._Engine, "read", refuse("ran the OCR model"))
