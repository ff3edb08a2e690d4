"""A scanned entry packet through the whole pipeline: the image-only invoice is read by OCR, linked to
its entry, cited (marked OCR) when asked about the entry, and the entry is no longer flagged by
missing_records; a page OCR cannot read is in the ingest report, not in the index; an unchanged scan
is skipped on the next ingest."""

from __future__ import annotations

import pytest

from assistant.answering.ask import Assistant
from assistant.checks import check_workspace
from evaluation.datasets.scans import image_pdf, noise_image, scan_image
from ingest.pipeline import ingest_paths

ENTRY = "NWG-2024002-9"


@pytest.fixture(scope="module")
def scanned(copy_other_case):
    folder, rows, settings = copy_other_case("northwind-ocr")
    line = next(r for r in rows["entries"] if r["entry"] == ENTRY)
    packet = folder / "entry_docs" / ENTRY
    packet.mkdir(parents=True)
    invoice = [
        "COMMERCIAL INVOICE",
        f"Invoice No.: {line['invoice']}",
        "Seller: Dongguan Everbright Mat Co., Ltd.",
        f"Customs entry {ENTRY}",
        f"Item 1: {line['part']} floor mat, 2,200 pcs",
        f"Amount USD {line['value']:,.2f}",
    ]
    # the broker's scan: the invoice, then a page the scanner smeared
    image_pdf([scan_image(invoice), noise_image()], packet / "scan_0042.pdf")
    (packet / "packing.txt").write_text(f"PACKING LIST\nEntry {ENTRY}\nCartons: 44, gross weight 380 kg\n")
    (packet / "7501.txt").write_text(f"ENTRY SUMMARY - CBP Form 7501\nEntry number: {ENTRY}\n")
    report = ingest_paths(settings, [folder])
    return settings, report, folder, line


def test_the_scan_is_read_linked_and_clears_missing_records(scanned):
    settings, report, _folder, _line = scanned
    scan = next(f for f in report.files if f.path.endswith("scan_0042.pdf"))
    assert scan.status == "ingested" and scan.kind == "commercial_invoice", scan
    assert "OCR on page(s) 1" in scan.reason and "page 2 not indexed" in scan.reason, scan.reason
    flagged = {f.subject["entry"] for f in check_workspace(settings, checks=["missing_records"]).findings}
    assert ENTRY not in flagged
    assert "NWG-2024001-1" in flagged  # its invoice is there, but no packing list or entry summary


def test_asking_about_the_entry_cites_the_scanned_invoice(scanned):
    settings, _report, _folder, line = scanned
    a = Assistant(settings)
    try:
        out = a.ask(f"What is the commercial invoice number for entry {ENTRY}?")
    finally:
        a.close()
    cited = [c for c in out.public()["citations"] if c["source"].endswith("scan_0042.pdf")]
    assert cited and cited[0]["ocr"] is True and cited[0]["ocr_confidence"] > 0.8, out.public()
    assert line["invoice"] in out.answer


def test_an_unchanged_scan_is_not_read_again(scanned):
    settings, _report, folder, _line = scanned
    again = ingest_paths(settings, [folder])
    scan = next(f for f in again.files if f.path.endswith("scan_0042.pdf"))
    assert scan.status == "skipped"
