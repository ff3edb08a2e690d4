"""Document loaders (one function per format) and the document kind recogniser.

A loader turns a file into pages of text: ``[(page_number_or_None, text), ...]``. It raises
``DocumentError`` with a reason a user understands (encrypted, no text layer, corrupt, empty).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import DocumentError

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown", ".text"}
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


def load_pdf(path: Path) -> list[Page]:
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
    if not any(p.text.strip() for p in pages):
        raise DocumentError(
            f"no text layer in any of its {len(pages)} page(s): a scanned PDF; run OCR on it and ingest the result"
        )
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


def load_document(path: Path) -> list[Page]:
    if path.stat().st_size == 0:
        raise DocumentError("the file is empty")
    loader = LOADERS.get(path.suffix.lower(), load_text)
    return loader(path)


# --- kind recognition ------------------------------------------------------------------------

# (kind, patterns in the title area, patterns anywhere); the first title hit wins, then the
# highest count of body hits.
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


def recognise_kind(text: str, filename: str = "") -> str:
    head = text[:600]
    for kind, title_patterns, _ in _KIND_RULES:
        if any(re.search(p, head, re.I | re.M) for p in title_patterns):
            return kind
    body = text[:6000]
    best, best_score = "other", 0
    for kind, _, body_patterns in _KIND_RULES:
        score = sum(len(re.findall(p, body, re.I)) for p in body_patterns)
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
