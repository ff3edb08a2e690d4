"""Reading an FA draft report: its findings, the audit period it states, each finding's topic and the
identifiers it names.

The report (PDF, DOCX or text) is split at its "Finding N: title" headings (or the other layouts CBP
uses: "Finding No. 1", a findings table, numbered sections), with the rows of a schedule of entries
attached to a finding. Each finding is read for its subject (classification, recordkeeping, assists
and royalties, origin, USMCA: ``topic_of``, the first of ``TOPICS`` its words match, else ``other``)
and the parts, entries, payments, rulings and HTS numbers it names (``finding_identifiers``). Nothing
here reads the records beyond the identifiers they hold; ``assistant.drafting.finding_tests`` tests
what is read.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.drafting.toolkit import document_text
from assistant.errors import RebuttalError

_FINDING = re.compile(r"^\s*(?:#{1,6}\s*)?Finding\s+(?:No\.?\s*)?(\d+)\s*[:.\-–]?\s*(.*)$", re.I)
TOPICS = [  # (topic, words in the finding), first match wins
    ("assists", r"\bassists?\b|royalt|licen[cs]e fee|1401a\(b\)\(1\)\((C|D)\)"),
    ("classification", r"classif|subheading|\bheading\b|\bHTSUS?\b"),
    ("recordkeeping", r"\brecords?\b|failed to produce|packing lists?|invoices?|\b1508\b|\b1509\b"),
    ("usmca", r"USMCA|preferen|special program|certification of origin"),
    ("origin", r"country of origin|\borigin\b|marking"),
]


class ReportFinding(BaseModel):
    number: int
    title: str
    text: str
    schedule: list[dict] = Field(default_factory=list, description="rows of an attached schedule: entry, line, amount")


class Period(BaseModel):
    start: dt.date
    end: dt.date


_SECTION_FINDING = re.compile(r"^\s*(\d{1,2})[.)]\s+([A-Z][^.:]{2,70})[.:]?\s*$")  # "1. Classification"
_TABLE_FINDING = re.compile(r"^\s*(?:Finding\s+)?(?:No\.?\s*)?(\d{1,2})\s*\|\s*([^|]+?)\s*\|\s*(.+)$", re.I)
_SCHEDULE = re.compile(r"^\s*(?:#{1,6}\s*)?(schedule|attachment|appendix|exhibit|annex)\b(.*)$", re.I)
_MONEY = re.compile(r"\$\s?[\d,]+(?:\.\d{2})?|\b\d{1,3}(?:,\d{3})+\.\d{2}\b|\b\d+\.\d{2}\b")
_DATE = r"(?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})"
_PERIOD = re.compile(
    rf"\b(?:audit|review|scope|assessment)\s+period\b[^.]{{0,60}}?({_DATE})\s*(?:through|to|until|and|-|–)\s*({_DATE})",
    re.I,
)


def _schedule_row(line: str) -> dict | None:
    from assistant.normalize import parse_money
    from ingest import identifiers as ids_

    entries = sorted(ids_.entry_numbers(line))
    if not entries:
        return None
    rest = line
    for e in entries:
        rest = rest.replace(e, " ")
    amount = next((m.group(0) for m in _MONEY.finditer(rest)), None)
    numbers = re.findall(r"(?<![\d.,$])\b(\d{1,3})\b(?![\d.,])", rest.replace(amount or "\x00", " "))
    value = parse_money(amount) if amount else None
    return {
        "entry": entries[0],
        "line": int(numbers[0]) if numbers else None,
        "amount": float(value) if value is not None else None,
    }


def split_findings(text: str, source: str) -> list[ReportFinding]:
    """The findings of a draft report in the layouts CBP uses: "Finding 1: ...", "Finding No. 1 ...", a
    findings table ("1 | Classification | ..."), or numbered sections ("1. Classification"); the rows of
    a schedule of entries attached to a finding ("Schedule A – Finding 2", else the finding above it)."""
    lines = text.splitlines()
    found: list[list] = []
    pattern = _FINDING if any(_FINDING.match(x) for x in lines) else None
    in_schedule: list | None = None
    for line in lines:
        if not line.strip():
            continue
        s = _SCHEDULE.match(line)
        if s and not _FINDING.match(line):
            target = re.search(r"finding\s+(?:no\.?\s*)?(\d+)", s.group(2), re.I)
            in_schedule = next(
                (f for f in found if target and f[0] == int(target.group(1))), found[-1] if found else None
            )
            continue
        if in_schedule is not None:
            row = _schedule_row(line)
            if row:
                in_schedule[3].append(row)
            continue
        t = _TABLE_FINDING.match(line)
        m = pattern.match(line) if pattern else (_SECTION_FINDING.match(line) or None)
        if t and not pattern:
            found.append([int(t.group(1)), t.group(2).strip(), [t.group(3).replace("|", " ")], []])
        elif m:
            found.append([int(m.group(1)), m.group(2).strip(), [], []])
        elif found:
            found[-1][2].append(line.strip())
    if not found:
        raise RebuttalError(
            f"{source}: no findings found (expected headings like 'Finding 1: Classification', 'Finding No. 1', "
            "'1. Classification' or a findings table)"
        )
    return [
        ReportFinding(number=n, title=title or f"Finding {n}", text=" ".join(" ".join(body).split()), schedule=rows)
        for n, title, body, rows in found
    ]


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
