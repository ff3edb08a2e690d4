"""OCR of scanned pages and image files with the real OCR model, on scans rendered here (200 dpi, noise,
a slight skew): page numbers kept, pages marked with their confidence, identifiers readable, a page OCR
cannot read reported instead of indexed, a blank scan refused with the reason, and a PDF page whose
text layer is too short read by OCR. (Without the model: tests/unit/test_ocr.py.)"""

from __future__ import annotations

import pytest

from assistant.errors import DocumentError
from evaluation.datasets.scans import image_pdf, noise_image, scan_image
from ingest import identifiers as ids
from ingest.documents import load_document, recognise_kind
from ingest.ocr import OcrOptions

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


def test_pdf_text_per_page(tmp_path, pdf_writer):
    # page two's text layer is shorter than a page of text: OCR reads that page
    pdf_writer(tmp_path / "a.pdf", [["# COMMERCIAL INVOICE", "Invoice No.: INV-1"], ["page two text"]])
    pages = load_document(tmp_path / "a.pdf")
    assert [p.number for p in pages] == [1, 2]
    assert "INV-1" in pages[0].text and "page two" in pages[1].text


def test_a_blank_scan_is_rejected_with_the_reason(tmp_path):
    """A scanned PDF is read by OCR (the tests above); a blank one has nothing to read, and with
    OCR off a scan is refused as before, saying so."""
    from fpdf import FPDF
    from PIL import Image

    from ingest.ocr import OcrOptions

    Image.new("RGB", (200, 100), "white").save(tmp_path / "scan.png")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(tmp_path / "scan.png"), x=10, y=10, w=100)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(DocumentError, match="OCR found no text"):
        load_document(tmp_path / "scan.pdf")
    with pytest.raises(DocumentError, match="no text layer.*OCR is off"):
        load_document(tmp_path / "scan.pdf", OcrOptions(enabled=False))


def test_a_page_scanned_upside_down_is_read_turned(tmp_path):
    """No line-angle classifier (it turned upright lines over): a page that reads as noise is read again
    turned 180 degrees, and the better reading is kept."""
    pages = load_document(image_pdf([scan_image(INVOICE).rotate(180)], tmp_path / "upside_down.pdf"))
    assert pages[0].confidence > 0.8 and "QT-88120" in pages[0].text and "MQR-5512034-7" in pages[0].text
