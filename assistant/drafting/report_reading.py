"""Reading an FA draft report: its findings, the audit period it states, each finding's topic and the
identifiers it names.

The report (PDF, DOCX or text) is split into its findings by ``assistant.answering.report_findings``
(the answers list them too). Each finding is read for its subject (classification, recordkeeping, assists
and royalties, origin, USMCA: ``topic_of``, the first of ``TOPICS`` its words match, else ``other``)
and the parts, entries, payments, rulings and HTS numbers it names (``finding_identifiers``). Nothing
here reads the records beyond the identifiers they hold; ``assistant.drafting.finding_tests`` tests
what is read.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel

from assistant.answering.report_findings import ReportFinding, split_findings
from assistant.drafting.toolkit import document_text
from assistant.errors import RebuttalError

TOPICS = [  # (topic, words in the finding), first match wins
    ("assists", r"\bassists?\b|royalt|licen[cs]e fee|1401a\(b\)\(1\)\((C|D)\)"),
    ("classification", r"classif|subheading|\bheading\b|\bHTSUS?\b"),
    ("recordkeeping", r"\brecords?\b|failed to produce|packing lists?|invoices?|\b1508\b|\b1509\b"),
    ("usmca", r"USMCA|preferen|special program|certification of origin"),
    ("origin", r"country of origin|\borigin\b|marking"),
]


class Period(BaseModel):
    start: dt.date
    end: dt.date


_DATE = r"(?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})"
_PERIOD = re.compile(
    rf"\b(?:audit|review|scope|assessment)\s+period\b[^.]{{0,60}}?({_DATE})\s*(?:through|to|until|and|-|–)\s*({_DATE})",
    re.I,
)


def audit_period(text: str) -> Period | None:
    """The period the report says was reviewed ("audit period of January 1, 2023 through December 31, 2024")."""
    from assistant.normalize import date as as_date

    m = _PERIOD.search(" ".join(text.split()))
    if not m:
        return None
    dates = []
    for raw in m.groups():
        try:
            d = dt.datetime.strptime(raw, "%B %d, %Y").date() if raw[0].isalpha() else as_date(raw)
        except ValueError:
            return None
        if d is None:
            return None
        dates.append(d)
    return Period(start=min(dates), end=max(dates))


def read_report(path: Path) -> tuple[list[ReportFinding], Period | None]:
    text = document_text(path, RebuttalError)
    return split_findings(text, str(path)), audit_period(text)


def topic_of(finding: ReportFinding) -> str:
    text = f"{finding.title} {finding.text}"
    return next((t for t, words in TOPICS if re.search(words, text, re.I)), "other")


def finding_identifiers(text: str, retriever, payments: set[str]) -> dict[str, set[str]]:
    """Identifiers of a finding's heading and body (``retriever.identifiers_in``); payment ids as the
    payments extract spells them (``payments``: those on record)."""
    found = retriever.identifiers_in(text)
    tokens = {t.strip(".,;:()[]'\"").upper() for t in text.split()}
    found["payment"] = {p for p in payments if p.upper() in tokens}
    return found
