"""The findings of an FA draft report, read from its text: split at its "Finding N: title" headings (or the
other layouts CBP uses: "Finding No. 1", a findings table, numbered sections), with the rows of a schedule
of entries attached to a finding. The answers list them ("what does the draft report find?"); the rebuttal
(``assistant.drafting.report_reading``) reads each for its topic and identifiers.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.errors import RebuttalError

_FINDING = re.compile(r"^\s*(?:#{1,6}\s*)?Finding\s+(?:No\.?\s*)?(\d+)\s*[:.\-–]?\s*(.*)$", re.I)
_SECTION_FINDING = re.compile(r"^\s*(\d{1,2})[.)]\s+([A-Z][^.:]{2,70})[.:]?\s*$")  # "1. Classification"
_TABLE_FINDING = re.compile(r"^\s*(?:Finding\s+)?(?:No\.?\s*)?(\d{1,2})\s*\|\s*([^|]+?)\s*\|\s*(.+)$", re.I)
_SCHEDULE = re.compile(r"^\s*(?:#{1,6}\s*)?(schedule|attachment|appendix|exhibit|annex)\b(.*)$", re.I)
_MONEY = re.compile(r"\$\s?[\d,]+(?:\.\d{2})?|\b\d{1,3}(?:,\d{3})+\.\d{2}\b|\b\d+\.\d{2}\b")


class ReportFinding(BaseModel):
    number: int
    title: str
    text: str
    schedule: list[dict] = Field(default_factory=list, description="rows of an attached schedule: entry, line, amount")


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
