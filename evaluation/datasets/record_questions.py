"""Questions about the records, generated from the built case's CSV files with the expected value
computed here, in plain Python from the files themselves (not through faprep's SQL), so the answers
are checked against an independent reading of the same rows.

Kinds: a part's HTS number, ruling, manufacturer ID and origin in the product master or entry lines; an
entry's entered value, duty, parts, invoice and summary date; a payment's amount and memo; the total
paid to a vendor; entries and duty in a year; a certificate's blanket period; and questions about
parts, entries and payments the records do not hold (the answer must refuse them by name).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from assistant import normalize as nz
from assistant.formats import day, money


@dataclass
class RecordQuestion:
    id: str
    kind: str
    question: str
    value: str  # the answer states it (in its first paragraph); for a refusal, the refused id
    refusal: bool = False


class _Row(dict):
    """A CSV row whose headers are looked up in any spelling (case, spaces, underscores, punctuation)."""

    def __getitem__(self, key):
        return super().__getitem__(nz.header_key(key))

    def get(self, key, default=None):
        return super().get(nz.header_key(key), default)


def read_rows(path: Path) -> list[_Row]:
    """The rows of a CSV, headers in any spelling, delimiter sniffed."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        sample = fh.readline()
        fh.seek(0)
        delimiter = max([",", ";", "\t", "|"], key=sample.count)
        return [_Row({nz.header_key(k): v for k, v in r.items() if k}) for r in csv.DictReader(fh, delimiter=delimiter)]


def _money(v: str) -> Decimal:
    return nz.parse_money(v) or Decimal(0)


def build_record_questions(case: Path, per_kind: int = 4, seed: int = 7) -> list[RecordQuestion]:
    case = Path(case)
    rnd = random.Random(seed)
    products = read_rows(case / "products.csv")
    payments = read_rows(case / "payments.csv")
    lines = [r for f in sorted((case / "entries").glob("*.csv")) for r in read_rows(f)]
    certs = read_rows(case / "certificates.csv") if (case / "certificates.csv").exists() else []
    out: list[RecordQuestion] = []

    def add(kind: str, question: str, value: str, refusal: bool = False) -> None:
        out.append(RecordQuestion(f"{kind}-{sum(q.kind == kind for q in out) + 1:02d}", kind, question, value, refusal))

    by_part_main: dict[str, list[dict]] = defaultdict(list)
    by_entry: dict[str, list[dict]] = defaultdict(list)
    for r in lines:
        entry = nz.entry_number(r["Entry Summary Number"])
        by_entry[entry].append(r)
        if (r.get("Tariff Ordinal Number") or "1") == "1" and r.get("Part Number"):
            by_part_main[r["Part Number"]].append(r)

    for p in rnd.sample(products, min(per_kind, len(products))):
        add(
            "part_hts",
            f"What HTS number is part {p['Part Number']} classified under in our product master?",
            nz.hts_number(p["HTS Number"]) or p["HTS Number"],
        )
    with_ruling = [p for p in products if p.get("Ruling Number")]
    for p in rnd.sample(with_ruling, min(per_kind, len(with_ruling))):
        add("part_ruling", f"Which CBP ruling do we rely on for {p['Part Number']}?", p["Ruling Number"])
    single_mid = [(k, v) for k, v in by_part_main.items() if len({r.get("Manufacturer ID") for r in v}) == 1]
    for part, rows in rnd.sample(single_mid, min(per_kind, len(single_mid))):
        add("part_mid", f"Which manufacturer ID do we declare for part {part}?", rows[0]["Manufacturer ID"])
    for p in rnd.sample(products, min(per_kind, len(products))):
        if p.get("Country of Origin"):
            add("part_origin", f"What country of origin do we declare for {p['Part Number']}?", p["Country of Origin"])

    entries = sorted(by_entry)
    for e in rnd.sample(entries, min(per_kind, len(entries))):
        value = sum((_money(r["Line Tariff Goods Value Amount"]) for r in by_entry[e]), Decimal(0))
        add("entry_value", f"What is the total entered value of entry {e}?", money(value))
    for e in rnd.sample(entries, min(per_kind, len(entries))):
        duty = sum((_money(r.get("Line Tariff Duty Amount")) for r in by_entry[e]), Decimal(0))
        add("entry_duty", f"How much duty was paid on entry {e}?", money(duty))
    for e in rnd.sample(entries, min(per_kind, len(entries))):
        parts = sorted({r["Part Number"] for r in by_entry[e] if r.get("Part Number")})
        if parts:
            add("entry_parts", f"Which part numbers were on entry {e}?", parts[0])
    for e in rnd.sample(entries, min(per_kind, len(entries))):
        d = nz.date(by_entry[e][0]["Entry Summary Date"])
        add("entry_date", f"What is the entry summary date of entry {e}?", day(d))

    for p in rnd.sample(payments, min(per_kind, len(payments))):
        add("payment", f"What was payment {p['Payment ID']} for?", money(_money(p["Amount"])))
    vendors: dict[str, list[dict]] = defaultdict(list)
    for p in payments:
        if p.get("Vendor Name"):
            vendors[p["Vendor Name"]].append(p)
    named = [v for v in vendors if not v.lower().startswith("supplier of")]
    for v in rnd.sample(named, min(per_kind, len(named))):
        total = sum((_money(p["Amount"]) for p in vendors[v]), Decimal(0))
        add("vendor_total", f"How much have we paid {v} in total?", money(total))

    years = sorted({nz.date(r["Entry Summary Date"]).year for r in lines if nz.date(r["Entry Summary Date"])})
    for y in years[-2:]:
        in_year = [r for r in lines if (d := nz.date(r["Entry Summary Date"])) and d.year == y]
        n = len({nz.entry_number(r["Entry Summary Number"]) for r in in_year})
        duty = sum((_money(r.get("Line Tariff Duty Amount")) for r in in_year), Decimal(0))
        add("period_entries", f"How many entries did we file in {y}?", f"{y}: {n}")
        add("period_duty", f"How much duty did we pay in {y}?", money(duty))

    for c in certs[:per_kind]:
        start, end = nz.date(c["Blanket Start"]), nz.date(c["Blanket End"])
        add(
            "certificate",
            f"What blanket period does certificate {c['Certificate ID']} cover?",
            f"{day(start)} to {day(end)}",
        )

    for q, v in (
        ("What is part QX-48213 classified under in our product master?", "QX-48213"),
        ("What was payment PAY-99001 for?", "PAY-99001"),
        (f"What is the total entered value of entry ZZQ-{dt.date.today().year % 100:02d}99999-1?", "ZZQ-"),
    ):
        add("unknown", q, v, refusal=True)
    return out
