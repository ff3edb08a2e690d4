"""Document loaders (one function per format) and the document kind recogniser.

A loader turns a file into pages of text: ``[(page_number_or_None, text), ...]``. It raises
``DocumentError`` with a reason a user understands (encrypted, corrupt, empty, unreadable scan).
Scanned pages (a PDF page without a text layer, an image file) are read by OCR (``ingest.ocr``);
such a page is marked ``ocr`` with its mean confidence, and one below the minimum confidence is kept
out of the index with the reason, not indexed as noise.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import DocumentError
from ingest.ocr import ENGINE, IMAGE_SUFFIXES, MIN_TEXT_CHARS, OcrOptions, image_frames, render_pdf_page

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown", ".text", *IMAGE_SUFFIXES}
DOCUMENT_KINDS = (
    "commercial_invoice",
    "packing_list",
    "entry_summary",
    "bill_of_lading",
    "certificate_of_origin",
    "ruling",
    "compliance_manual",
    "broker_instructions",
    "training_record",
    "fa_questionnaire",
    "fa_draft_report",
    "other",
)


@dataclass
class Page:
    number: int | None  # 1-based PDF page, or page marker of a text file; None when unpaged
    text: str
    ocr: bool = False  # the text was read by OCR from an image of the page
    confidence: float | None = None  # OCR: mean recognition score of the page
    skipped: str = ""  # why the page's text is not indexed (OCR confidence too low)


MIN_LEGIBLE = 10  # letters and digits a scanned page must yield to be text, not speckle read as a character


def _ocr_page(image, number: int | None, options: OcrOptions) -> Page:
    read = ENGINE.read(image)
    page = Page(number, read.text, ocr=True, confidence=round(read.confidence, 4))
    legible = sum(c.isascii() and c.isalnum() for c in read.text)
    if not read.text.strip():
        page.skipped = "OCR found no text"
    elif legible < MIN_LEGIBLE:
        page.skipped = f"OCR found no legible text ({legible} letters or digits)"
    elif read.confidence < options.min_confidence:
        page.skipped = f"OCR confidence {read.confidence:.2f} below {options.min_confidence:.2f}"
    if page.skipped:
        page.text = ""
    return page


def _all_skipped(pages: list[Page]) -> None:
    if pages and all(p.skipped for p in pages):
        raise DocumentError(
            "scanned, and OCR could not read it well enough on any page ("
            + "; ".join(f"page {p.number or 1}: {p.skipped}" for p in pages[:5])
            + "): rescan it at 200-300 dpi, or ingest a text copy"
        )


def load_pdf(path: Path, ocr: OcrOptions | None = None, progress=None) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise DocumentError(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    if reader.is_encrypted:
        try:
            ok = bool(reader.decrypt(""))
        except Exception:  # noqa: BLE001 - pypdf raises various errors for unsupported crypto
            ok = False
        if not ok:
            raise DocumentError("the PDF is encrypted (password-protected); export an unprotected copy")
    pages: list[Page] = []
    try:
        for i, page in enumerate(reader.pages, start=1):
            pages.append(Page(i, page.extract_text() or ""))
    except Exception as exc:  # noqa: BLE001 - a truncated PDF fails in many ways inside pypdf
        raise DocumentError(
            f"the PDF is damaged or truncated (page {len(pages) + 1}: {exc.__class__.__name__})"
        ) from exc
    if not pages:
        raise DocumentError("the PDF has no pages")
    scanned = [p for p in pages if len(p.text.strip()) < MIN_TEXT_CHARS]
    if scanned and ocr is not None and ocr.enabled:
        for k, p in enumerate(scanned, 1):
            if progress:
                progress(f"OCR {path.name} page {p.number} ({k}/{len(scanned)})")
            read = _ocr_page(render_pdf_page(path, (p.number or 1) - 1, ocr.dpi), p.number, ocr)
            pages[(p.number or 1) - 1] = read
        _all_skipped(pages)
    elif not any(p.text.strip() for p in pages):
        raise DocumentError(
            f"no text layer in any of its {len(pages)} page(s): a scanned PDF, and OCR is off (FAPREP_OCR=false)"
        )
    return pages


def load_image(path: Path, ocr: OcrOptions | None = None, progress=None) -> list[Page]:
    """An image file (a scan or a photo of a document): every frame read by OCR, one page each."""
    if ocr is None or not ocr.enabled:
        raise DocumentError("an image file, and OCR is off (FAPREP_OCR=false)")
    frames = image_frames(path)
    pages = []
    for i, frame in enumerate(frames, 1):
        if progress:
            progress(f"OCR {path.name} page {i}/{len(frames)}")
        pages.append(_ocr_page(frame, i if len(frames) > 1 else 1, ocr))
    _all_skipped(pages)
    return pages


def load_docx(path: Path) -> list[Page]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"not a readable DOCX ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
            lines.append(text)
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iter():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip())
                    lines.append(" | ".join(cells))
    text = "\n".join(lines).strip()
    if not text:
        raise DocumentError("the DOCX contains no text")
    return [Page(None, text)]


_PAGE_MARK = re.compile(r"^=== page (\d+) ===\s*$", re.M)


def load_text(path: Path) -> list[Page]:
    raw = path.read_bytes()
    if not raw.strip():
        raise DocumentError("the file is empty")
    if b"\x00" in raw[:4096]:
        raise DocumentError("binary content, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DocumentError("not UTF-8 or Windows-1252 text") from exc
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:4096])
    if printable < 0.95 * len(text[:4096]):
        raise DocumentError("binary content, not text")
    # Text extracted from PDFs may mark pages ("=== page N ==="): keep them as pages.
    marks = list(_PAGE_MARK.finditer(text))
    if not marks:
        return [Page(None, text)]
    pages = []
    head = text[: marks[0].start()]
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.end() : end]
        if i == 0 and head.strip():
            body = head + body
        pages.append(Page(int(m.group(1)), body))
    return pages


LOADERS = {".pdf": load_pdf, ".docx": load_docx}


def load_document(path: Path, ocr: OcrOptions | None = OcrOptions(), progress=None) -> list[Page]:
    """The pages of a document; ``ocr`` reads scanned pages and image files (None: no OCR)."""
    if path.stat().st_size == 0:
        raise DocumentError("the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(path, ocr, progress)
    if suffix in IMAGE_SUFFIXES:
        return load_image(path, ocr, progress)
    loader = LOADERS.get(suffix, load_text)
    return loader(path)


# --- kind recognition ------------------------------------------------------------------------

# (kind, patterns in the title area, patterns anywhere); the title that comes first in the document
# wins (a packing list's "Invoice No." line below its "PACKING LIST" title does not make it an
# invoice; rule order breaks a tie), then the highest count of body hits.
_KIND_RULES: list[tuple[str, list[str], list[str]]] = [
    (
        "ruling",
        [r"\bCBP ruling\b", r"\bTARIFF NO\.?:"],
        [r"\bTARIFF NO\.?:", r"\bCLA-2", r"HQ \d{6}|NY [NH]\d{6}", r"ruling"],
    ),
    (
        "fa_draft_report",
        [r"focused assessment.{0,80}(draft|report)", r"draft (audit )?report"],
        [r"focused assessment", r"draft report", r"finding", r"regulatory audit"],
    ),
    ("fa_questionnaire", [r"pre-?assessment survey", r"questionnaire"], [r"questionnaire", r"pre-?assessment"]),
    ("entry_summary", [r"entry summary", r"CBP Form 7501", r"\b7501\b"], [r"entry summary", r"7501", r"filer code"]),
    (
        "commercial_invoice",
        [r"commercial invoice", r"^\s*invoice\b"],
        [r"invoice", r"unit price", r"terms of sale|incoterms"],
    ),
    ("packing_list", [r"packing list", r"packing slip"], [r"packing list", r"gross weight", r"cartons?"]),
    (
        "bill_of_lading",
        [r"bill of lading", r"\bB/L\b", r"air ?waybill"],
        [r"bill of lading", r"shipper", r"consignee", r"vessel"],
    ),
    (
        "certificate_of_origin",
        [r"certificat\w+ of origin", r"USMCA certification"],
        [r"certif\w+ of origin", r"blanket period", r"certifier"],
    ),
    (
        "broker_instructions",
        [r"broker instructions?", r"instructions to (the |our )?(customs )?broker", r"letter of instruction"],
        [r"broker", r"instruction"],
    ),
    ("training_record", [r"training (record|log|attendance|certificate)"], [r"training", r"attend"]),
    (
        "compliance_manual",
        [r"compliance (manual|program|procedures?)", r"standard operating procedure", r"\bSOP\b"],
        [r"compliance", r"procedure", r"reasonable care", r"responsib"],
    ),
]


def _spaced(pattern: str) -> str:
    """A pattern whose spaces may be missing: OCR often reads "COMMERCIAL INVOICE" as "COMMERCIALINVOICE"."""
    return pattern.replace(" ", r"\s*")


def recognise_kind(text: str, filename: str = "") -> str:
    head = text[:600]
    titled = []
    for rank, (kind, title_patterns, _) in enumerate(_KIND_RULES):
        found = [m.start() for p in title_patterns if (m := re.search(_spaced(p), head, re.I | re.M))]
        if found:
            titled.append((min(found), rank, kind))
    if titled:
        return min(titled)[2]
    body = text[:6000]
    best, best_score = "other", 0
    for kind, _, body_patterns in _KIND_RULES:
        score = sum(len(re.findall(_spaced(p), body, re.I)) for p in body_patterns)
        if score > best_score and score >= 3:
            best, best_score = kind, score
    return best


def title_of(pages: list[Page], path: Path) -> str:
    for page in pages:
        for line in page.text.splitlines():
            line = line.strip()
            if len(line) > 3:
                return line[:160]
    return path.name
