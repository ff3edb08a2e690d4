"""OCR of scanned pages and image files, on scans rendered here (200 dpi, noise, a slight skew):
page numbers kept, pages marked with their confidence, identifiers readable, a page OCR cannot read
reported instead of indexed, the models verified by sha256."""

from __future__ import annotations

import shutil

import pytest

from assistant.errors import DocumentError, ModelIntegrityError
from evaluation.datasets.scans import image_pdf, noise_image, scan_image
from ingest import identifiers as ids
from ingest.documents import load_document, recognise_kind
from ingest.ocr import MODEL_SHA256, OcrOptions, model_dir, respace, verify_models

INVOICE = [
    "COMMERCIAL INVOICE",
    "Invoice No.: QT-88120",
    "Seller: Hanoi Summit Textiles JSC",
    "Customs entry MQR-5512034-7",
    "Item 1: 4471/22-B hiking glove, HTS 6116.93.8800",
    "Quantity 1,200 PRS  Unit price USD 3.05  Amount USD 3,660.00",
]


def test_a_scanned_pdf_page_is_read_marked_and_its_identifiers_survive(tmp_path):
    pages = load_document(image_pdf([scan_image(INVOICE)], tmp_path / "scan.pdf"))
    assert len(pages) == 1 and pages[0].number == 1 and pages[0].ocr and pages[0].confidence > 0.8
    text = pages[0].text
    assert recognise_kind(text) == "commercial_invoice"
    found = ids.extract(text, {"4471/22-B"}, {"QT-88120"})
    assert found["entry"] == {"MQR-5512034-7"} and "QT-88120" in found["invoice"]
    assert "6116.93.8800" in found["hts"] and "4471/22-B" in found["part"], text


def test_only_the_scanned_page_of_a_digital_pdf_is_ocred(tmp_path, pdf_writer):
    from pypdf import PdfReader, PdfWriter

    pdf_writer(tmp_path / "digital.pdf", [["PACKING LIST", "Part No: 4471/22-B: 12 cartons, gross weight 96.0 kg"]])
    image_pdf([scan_image(INVOICE)], tmp_path / "scan.pdf")
    w = PdfWriter()
    for f in ("digital.pdf", "scan.pdf"):
        for page in PdfReader(tmp_path / f).pages:
            w.add_page(page)
    w.write(tmp_path / "mixed.pdf")
    pages = load_document(tmp_path / "mixed.pdf")
    assert [(p.number, p.ocr) for p in pages] == [(1, False), (2, True)]
    assert "gross weight" in pages[0].text and "QT-88120" in pages[1].text


def test_image_files_and_tiff_frames_are_pages(tmp_path):
    scan_image(INVOICE[:3]).save(tmp_path / "invoice.png")
    first, second = scan_image(INVOICE[:2], seed=5), scan_image(["PACKING LIST", "Cartons: 12"], seed=6)
    first.save(tmp_path / "packet.tiff", save_all=True, append_images=[second])
    png = load_document(tmp_path / "invoice.png")
    assert [p.number for p in png] == [1] and "QT-88120" in png[0].text
    tiff = load_document(tmp_path / "packet.tiff")
    assert [p.number for p in tiff] == [1, 2] and "PACKING" in tiff[1].text.upper()


def test_a_page_ocr_cannot_read_is_reported_not_indexed(tmp_path):
    pages = load_document(image_pdf([scan_image(INVOICE), noise_image()], tmp_path / "two.pdf"))
    assert pages[0].text and not pages[0].skipped
    assert pages[1].text == "" and pages[1].skipped, pages[1]
    with pytest.raises(DocumentError, match=r"page 1: OCR confidence 0\.\d\d below 1\.00"):
        load_document(tmp_path / "two.pdf", OcrOptions(min_confidence=0.999))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(DocumentError, match="not a readable image"):
        load_document(tmp_path / "broken.png")
    with pytest.raises(DocumentError, match="OCR could not read it"):
        load_document(image_pdf([noise_image()], tmp_path / "noise.pdf"))


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
