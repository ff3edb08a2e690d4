"""OCR without running the model: the models verified by sha256, and words the recogniser ran together
spaced again. (OCR of scanned pages and images: tests/integration/test_ocr.py.)"""

from __future__ import annotations

import shutil

import pytest

from assistant.errors import ModelIntegrityError
from ingest.ocr import MODEL_SHA256, model_dir, respace, verify_models


def test_words_the_recogniser_ran_together_are_spaced_identifiers_kept():
    assert respace("ForentryMQR-5512034-7") == "Forentry MQR-5512034-7"
    assert respace("InvoiceNo.:QT-88120") == "Invoice No.: QT-88120"
    assert respace("4471/22-Bhiking glove,HTS6116.93.8800") == "4471/22-B hiking glove, HTS6116.93.8800"
    assert respace("1,200PRS 3,660.00 at 10:30 ABC12345678") == "1,200PRS 3,660.00 at 10:30 ABC12345678"


def test_the_models_are_verified_by_sha256(tmp_path):
    assert verify_models() == MODEL_SHA256
    copy = tmp_path / "models"
    shutil.copytree(model_dir(), copy)
    victim = copy / "ch_PP-OCRv4_rec_infer.onnx"
    data = bytearray(victim.read_bytes())
    data[1000] ^= 0xFF
    victim.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="ch_PP-OCRv4_rec_infer.onnx has sha256"):
        verify_models(copy)
    (copy / "ch_PP-OCRv4_det_infer.onnx").unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        verify_models(copy)
