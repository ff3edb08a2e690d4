import pytest

from assistant.errors import DocumentError
from ingest.documents import load_document, recognise_kind


def test_encrypted_pdf_rejected(tmp_path, pdf_writer):
    from pypdf import PdfReader, PdfWriter

    pdf_writer(tmp_path / "a.pdf", [["secret"]])
    w = PdfWriter(clone_from=PdfReader(tmp_path / "a.pdf"))
    w.encrypt(user_password="pw", algorithm="AES-256")
    w.write(tmp_path / "enc.pdf")
    with pytest.raises(DocumentError, match="encrypted"):
        load_document(tmp_path / "enc.pdf")


def test_truncated_and_random_pdf_rejected(tmp_path, pdf_writer):
    pdf_writer(tmp_path / "a.pdf", [["some text " * 50]] * 3)
    data = (tmp_path / "a.pdf").read_bytes()
    (tmp_path / "trunc.pdf").write_bytes(data[: len(data) // 3])
    (tmp_path / "rand.pdf").write_bytes(bytes(range(256)) * 20)
    for name in ("trunc.pdf", "rand.pdf"):
        with pytest.raises(DocumentError):
            load_document(tmp_path / name)


def test_empty_and_binary_text_rejected(tmp_path):
    (tmp_path / "e.txt").write_text("")
    (tmp_path / "b.md").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(DocumentError, match="empty"):
        load_document(tmp_path / "e.txt")
    with pytest.raises(DocumentError, match="binary"):
        load_document(tmp_path / "b.md")


def test_docx_paragraphs_and_tables(tmp_path):
    from docx import Document

    d = Document()
    d.add_heading("Broker Instructions", 1)
    d.add_paragraph("Use the product master HTS.")
    tb = d.add_table(rows=1, cols=2)
    tb.rows[0].cells[0].text = "Contact"
    tb.rows[0].cells[1].text = "M. Alvarez"
    d.save(tmp_path / "b.docx")
    (text,) = [p.text for p in load_document(tmp_path / "b.docx")]
    assert "Use the product master HTS." in text and "Contact | M. Alvarez" in text
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(DocumentError):
        load_document(tmp_path / "bad.docx")


def test_text_page_markers_become_pages(tmp_path):
    (tmp_path / "ch.txt").write_text("HTSUS Chapter 39\n=== page 1 ===\nNotes\n=== page 2 ===\n3924 Tableware\n")
    pages = load_document(tmp_path / "ch.txt")
    assert [p.number for p in pages] == [1, 2] and "3924" in pages[1].text


@pytest.mark.parametrize(
    "text,kind",
    [
        ("COMMERCIAL INVOICE\nInvoice No.: X", "commercial_invoice"),
        ("PACKING LIST\nReference invoice", "packing_list"),
        # a packing list that prints its invoice's number under its own title is still a packing list
        ("Saigon Elastomer Co.\nPACKING LIST\nInvoice No.: SE-70440\nCartons: 4", "packing_list"),
        ("Acme Ltd\nINVOICE\nSee packing list PL-9 attached", "commercial_invoice"),
        ("ENTRY SUMMARY - CBP Form 7501\nEntry number", "entry_summary"),
        ("CBP ruling NY N361443 (2026-05-18): plastic charms\nTARIFF NO.: 3926.40.0090", "ruling"),
        ("Acme - Trade Compliance Manual\nPurpose", "compliance_manual"),
        ("Broker Instructions - Letter of Instruction", "broker_instructions"),
        ("U.S. Customs and Border Protection\nFocused Assessment of Acme - DRAFT REPORT", "fa_draft_report"),
        ("Pre-Assessment Survey Questionnaire", "fa_questionnaire"),
        ("USMCA CERTIFICATION OF ORIGIN\nBlanket period", "certificate_of_origin"),
        ("BILL OF LADING\nShipper", "bill_of_lading"),
        ("Training attendance record, customs basics", "training_record"),
        ("Lunch menu for Friday", "other"),
    ],
)
def test_kind_recognised_from_content(text, kind):
    assert recognise_kind(text) == kind
