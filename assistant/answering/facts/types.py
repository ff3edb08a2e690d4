"""What a fact is and how it cites its rows: ``Fact``, ``Source`` (one record citation), ``FactAnswer``.

A fact is one sentence of the answer that states the value asked for, its scope and its source rows
(step 3 of :mod:`assistant.answering.facts`: the value first, the documents' sentences after it as
support, ``Assistant.ask``). Every record citation names the ingested file, its data rows (1 = the
first row after the header), the fields as stored from those rows (original headers and text), the
value stated and how it was computed (docs/data-formats.md section 5): :func:`cite` builds them, one per
source file. A fact may also name the documents to quote beside it (``RULING_QUOTES``,
:func:`entry_pattern`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.answering.facts.question import Named
from assistant.stores.lookups import Lookups, fields_of

MAX_ROWS = 50  # rows listed in a citation; row_count gives all

# what to quote from a ruling letter for each fact: its subject (RE: and the lines that continue it), its
# date (a month name, the day and the year, possibly over two lines), its TARIFF NO. line
RULING_QUOTES = {
    "subject": r"RE:[^\n]*(?:\n[ \t]*[^\s][^\n]*)*",
    "date": r"\b(?:"
    + "|".join(
        m.capitalize()
        for m in "january february march april may june july august september october november december".split()
    )
    + r")\s+\d{1,2},\s*\d{4}",
    "tariff": r"TARIFF NO\.?:?[^\n]*",
    # the addressee: the requester's name and address, between the TARIFF NO. line and RE:
    "addressee": r"TARIFF NO\.?:?[^\n]*\n(?P<quote>[\s\S]{3,400}?)\s*\bRE:",
}


def entry_pattern(entry: str) -> str:
    """A line of a document that names the entry, in either spelling (ABC-1234567-8 or ABC12345678)."""
    filer, number, check = entry.split("-")
    return rf"[^\n]*{filer}[- ]?{number}[- ]?{check}[^\n]*"


@dataclass
class Source:
    """One record citation (docs/data-formats.md section 5), numbered when the answer is composed."""

    table: str
    file: str
    rows: list[int]
    fields: dict
    value: str
    how: str
    row_count: int = 0

    def citation(self, n: int):
        """This source as the answer's record citation number ``n``."""
        from assistant.answering.answer import Citation

        return Citation(
            n=n,
            source=self.file,
            kind="record",
            table=self.table,
            rows=self.rows,
            row_count=self.row_count,
            fields=self.fields,
            value=self.value,
            how=self.how,
        )


@dataclass
class Fact:
    """One sentence of the answer: ``text`` holds ``{0}``, ``{1}`` ... where its sources' markers go."""

    kind: str
    text: str
    sources: list[Source] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)  # (path, regex of the text to quote there)
    items: list[tuple[str, str, float | None, str]] = field(default_factory=list)  # (kind, id, value, date) listed


def payment_items(pays: list[dict]) -> list[tuple[str, str, float | None, str]]:
    """Payments as the items an answer lists (for "the biggest one" in a follow-up)."""
    return [("payment", p["payment_id"], float(p["amount"] or 0), str(p.get("payment_date") or "")) for p in pays]


@dataclass
class FactAnswer:
    kind: str | None
    score: float
    facts: list[Fact]
    refusal: str = ""
    named: Named | None = None

    def support_query(self, look: Lookups) -> tuple[str, str] | None:
        """For a fact about a ruling: (the ruling, a query for the sentence of the letter that states the
        subheading), so the answer quotes it beside the parsed fields."""
        n = self.named
        if not n or not (self.kind or "").startswith(("ruling_", "part_ruling")):
            return None
        numbers = list(n.rulings)
        if not numbers:
            for part in n.parts:
                row = look.product(part)
                if row and row.get("ruling_number"):
                    numbers.append(row["ruling_number"])
        r = look.ruling(numbers[0]) if numbers else None
        if r is None:
            return None
        subject = re.sub(
            r"^the tariff classification (and country of origin )?of (an? |the )?", "", r["subject"] or "", flags=re.I
        )
        return r["ruling_number"], f"The applicable subheading for the {subject} will be"


# --- citing rows ---------------------------------------------------------------------------------


def cite(table: str, rows: list[dict], columns: list[str], value: str, how: str) -> list[Source]:
    """Record citations for ``rows`` (one per source file), the stored fields of ``columns``."""
    by_file: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_file[r["source_file"]].append(r)
    out = []
    for file, rs in by_file.items():
        fields = fields_of(table, rs[0], columns) if len(rs) == 1 else {}
        if len(rs) > 1 and columns:
            # fields common to every row (e.g. the part or entry the rows share)
            first = fields_of(table, rs[0], columns)
            fields = {h: v for h, v in first.items() if all(fields_of(table, r, columns).get(h) == v for r in rs)}
        out.append(
            Source(
                table=table,
                file=file,
                rows=[int(r["source_row"]) for r in rs[:MAX_ROWS]],
                fields=fields,
                value=value,
                how=how + (f" (rows of {file}; {len(by_file)} files in all)" if len(by_file) > 1 else ""),
                row_count=len(rs),
            )
        )
    return out


def markers(sources: list[Source]) -> str:
    return "".join("{" + str(i) + "}" for i in range(len(sources)))


def num(x) -> str:
    return f"{x:,}"


def sum_of(rows: list[dict], col: str) -> Decimal:
    return sum((r[col] or Decimal(0) for r in rows), Decimal(0))
