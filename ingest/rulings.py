"""CBP rulings as served by CROSS: number, date, ``TARIFF NO.`` line, ``RE:`` subject."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant import normalize as nz

_HEADER = re.compile(r"CBP ruling (?:NY|HQ)?\s*([NHW]\d{6})\s*\((\d{4}-\d{2}-\d{2})\)\s*:\s*(.+)")
_NUMBER = re.compile(r"^\s*(?:NY|HQ)?\s*([NHW]\d{6})\b", re.M)
_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s*(\d{4})"
)
_TARIFF = re.compile(r"TARIFF NO\.?:?\s*([^\n]+)", re.I)
# the subject runs from "RE:" to the salutation, over line breaks and blank lines (CROSS wraps it); a
# letter with no salutation ends it at the first paragraph break after it
_RE = re.compile(
    r"\bRE:\s*(.+?)(?=\n\s*Dear\b|\bDear\s+[A-Z]|\n\s*\n\s*(?:[A-Z][a-z]+\s){0,2}[A-Z][a-z]+:"
    r"|\s(?:Mr|Ms|Mrs|Miss|Dr)\.?\s+[A-Z][A-Za-z'-]+(?:\s[A-Z][A-Za-z'-]+)?:)",
    re.S,
)
_RE_SHORT = re.compile(r"\bRE:\s*(.+?)(?:\n\s*\n|$)", re.S)


@dataclass
class Ruling:
    number: str
    date: dt.date | None
    tariff_numbers: list[str] = field(default_factory=list)
    subject: str | None = None


def parse_ruling(text: str) -> Ruling | None:
    """Ruling metadata, or None when the text is not a ruling letter."""
    number = date = subject = None
    header = _HEADER.search(text[:400])
    if header:
        number, date, subject = header.group(1), dt.date.fromisoformat(header.group(2)), header.group(3).strip()
    if number is None:
        m = _NUMBER.search(text[:2000])
        if not m:
            return None
        number = m.group(1)
    if date is None:
        m = _DATE.search(text[:2000])
        if m:
            date = dt.datetime.strptime(" ".join(m.groups()), "%B %d %Y").date()
    tariffs: list[str] = []
    m = _TARIFF.search(text)
    if m:
        for token in re.split(r"[;,]|\s{2,}|\band\b", m.group(1)):
            value = nz.hts_number(token.strip())
            if value and value not in tariffs:
                tariffs.append(value)
    m = _RE.search(text) or _RE_SHORT.search(text)
    if m:  # the letter's own subject, over the header's copy (which can run on into the letter)
        subject = re.sub(r"\s+", " ", m.group(1)).strip()[:300]
    return Ruling(number=number.upper(), date=date, tariff_numbers=tariffs, subject=subject)
