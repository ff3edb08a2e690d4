"""Identifiers found in text: entry, invoice, HTS, ruling, part numbers and CFR/USC citations.

Dense embeddings do not find ``HL7-0101234-5`` or ``N361443``; these identifiers go into chunk
metadata, the ``identifiers`` table (the retrieval fast path and entry↔document links) and the
lexical index's tokens.
"""

from __future__ import annotations

import re

from assistant import normalize as nz

ENTRY_RE = re.compile(r"\b([A-Z0-9]{3})[- ]?(\d{7})[- ]?(\d)\b")
HTS_RE = re.compile(r"(?<![\d.])(\d{4})\.(\d{2})\.(\d{2})(?:\.?(\d{2}))?(?![\d])")
HTS_COMPACT_RE = re.compile(r"(?:HTS(?:US)?|subheading|heading|tariff)\s*(?:No\.?|number|#)?:?\s*(\d{10})\b", re.I)
RULING_RE = re.compile(r"\b((?:NY\s*)?[NH]\d{6}|(?:HQ\s*)?[HW]\d{6}|NY\s*[A-Z]\d{5})\b")
CFR_RE = re.compile(
    r"\b(\d{1,2})\s*C\.?\s*F\.?\s*R\.?\s*(?:§+\s*|Part\s+|Section\s+)?(\d+(?:\.\d+)?(?:\([a-z0-9]+\))*)", re.I
)
USC_RE = re.compile(r"\b(\d{1,2})\s*U\.?\s*S\.?\s*C\.?\s*(?:§+\s*|Section\s+)?(\d+[a-z]?(?:\([a-z0-9]+\))*)", re.I)
# Labelled references: "Invoice No.: KMH-2304-117", "Part No. KM-2040", "SKU: 39164201"
INVOICE_LABEL_RE = re.compile(
    r"\b(?:commercial\s+)?invoice\s*(?:no\.?|number|#)\s*:?\s*([A-Z0-9][A-Z0-9\-/]{2,30})", re.I
)
PART_LABEL_RE = re.compile(
    r"\b(?:part|item|sku|style|article)\s*(?:no\.?|number|#)?\s*:\s*([A-Z0-9][A-Z0-9\-/.]{1,30}[A-Z0-9])", re.I
)
# Any token shaped like a reference (letters and digits, with - or /): candidate invoice/part numbers.
REF_RE = re.compile(
    r"\b(?=[A-Z0-9\-/]*\d)(?=[A-Z0-9\-/]*[A-Z])[A-Z0-9]+(?:[-/][A-Z0-9]+)+\b|\b[A-Z]{1,4}\d{3,}[A-Z0-9]*\b"
)


def names(text: str, identifier: str) -> bool:
    """True when ``text`` names ``identifier`` as a whole token, case aside (KM-2040 is not KM-20401, nor the
    start of KM-2040-B)."""
    return bool(identifier) and re.search(rf"(?<![\w-]){re.escape(identifier)}(?![\w-])", text, re.I) is not None


def entry_numbers(text: str) -> set[str]:
    found = set()
    for m in ENTRY_RE.finditer(text.upper()):
        filer = m.group(1)
        if not any(ch.isalpha() for ch in filer) and "-" not in m.group(0):
            continue  # an 11-digit run with no filer letters is too likely a phone or account number
        value = nz.entry_number("".join(m.groups()))
        if value:
            found.add(value)
    return found


def hts_numbers(text: str) -> set[str]:
    found = set()
    for m in HTS_RE.finditer(text):
        digits = "".join(g for g in m.groups() if g)
        value = nz.hts_number(digits)
        if value and digits[:2] != "00":
            found.add(value)
    for m in HTS_COMPACT_RE.finditer(text):
        value = nz.hts_number(m.group(1))
        if value:
            found.add(value)
    return found


def ruling_numbers(text: str) -> set[str]:
    return {re.sub(r"^(NY|HQ)\s*", "", m.group(1)).upper() for m in RULING_RE.finditer(text)}


def citations(text: str) -> set[str]:
    cites = {f"{t} CFR {s}" for t, s in CFR_RE.findall(text)}
    cites |= {f"{t} USC {s}" for t, s in USC_RE.findall(text)}
    return cites


def refs(text: str) -> set[str]:
    """Reference-shaped tokens (upper-cased), candidates for invoice and part numbers."""
    upper = text.upper()
    found = {m.group(0).strip("-/") for m in REF_RE.finditer(upper)}
    found |= {m.group(1).upper().rstrip(".-/") for m in INVOICE_LABEL_RE.finditer(text)}
    found |= {m.group(1).upper().rstrip(".-/") for m in PART_LABEL_RE.finditer(text)}
    return {f for f in found if len(f) >= 4}


def _spaced_refs(text: str) -> set[str]:
    """Runs of two or three words (upper-cased, single-spaced, end punctuation off): what an invoice or
    part number written with a space ("VB 140/23") is recognised as, against the ones on record."""
    words = [w.strip(".,;:()[]'\"") for w in text.upper().split()]
    return {" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}


def extract(
    text: str,
    known_parts: set[str] | frozenset[str] = frozenset(),
    known_invoices: set[str] | frozenset[str] = frozenset(),
) -> dict[str, set[str]]:
    """All identifiers of ``text`` by kind.

    ``part`` and ``invoice`` hold labelled references and references that match a known part
    number (product master, entry lines) or invoice number (entry lines).
    """
    ref = refs(text)
    spaced = _spaced_refs(text) if known_invoices or known_parts else set()
    invoices = {m.group(1).upper().rstrip(".-/") for m in INVOICE_LABEL_RE.finditer(text)}
    invoices |= (ref | spaced) & known_invoices
    parts = {m.group(1).upper().rstrip(".-/") for m in PART_LABEL_RE.finditer(text)} | ((ref | spaced) & known_parts)
    # plain-digit part numbers (SKU 39164201) are only recognised when known
    if known_parts:
        parts |= {t for t in re.findall(r"\b\d{5,}\b", text) if t in known_parts}
    entries = entry_numbers(text)
    return {
        "entry": entries,
        "invoice": invoices - entries,
        "part": parts - entries - invoices,
        "hts": hts_numbers(text),
        "ruling": ruling_numbers(text),
        "cite": citations(text),
        "ref": ref,
    }
