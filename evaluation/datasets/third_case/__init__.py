"""Third case: Tallgrass Home Access Products, Inc., a fictional importer of accessible-bathroom and
home-care products (bidet seats, bedside commodes, bath waste kits, solid-surface shower panels,
silicone valve grease, shower-door seals, transfer-bench cushions, pipe-wrap tape), Lenexa, Kansas.

``build_third_case(folder)`` writes a complete case folder for ``AS_OF`` (2026-06-30, fixed): three
ACE ES-003 exports from two brokers (``W3K`` ocean, ``B2L`` land border) in different header
spellings, the product master, the AP extract of foreign payments, USMCA certificates, the broker
review log, entry documents (commercial invoices, packing lists, CBP 7501s) as PDFs, an import
compliance SOP (DOCX, "Article n" layout, seven-year retention rule), a broker letter of
instruction, a training log, a royalty memo, a USMCA certification, and real CBP rulings copied
byte for byte from the shared corpus.

Planted, one or more of every check kind (``.ground_truth.json`` lists each with its subject):
``BX 4410-02`` bidet seats declared 8516.79 on the last three entries (inconsistent, off the master,
against ruling N357645); ``HS-1850`` (not in the master) under two HTS numbers; ``TPW-50`` tape always
declared 3919.90 while the master says 3920.43; ``FB36-GRY`` whose master HTS disagrees with the
ruling it cites; an undeclared die set and partly declared consigned stoppers (assists); two brand
royalties never added to value; three entries missing a record; USMCA claims before the first and
after the last certification; a commode line with a Chinese MID and a kit declared Malaysian; a
panel line at a quarter of its usual price; three unreviewed entries; post-summary corrections on
three entries of ``100234.7``. Near misses (which must not be found) are listed too, and a
``facts`` section holds headline numbers computed from the rows written.

Everything is deterministic: fixed dates and a fixed seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.datasets.sample_case import CORPUS
from evaluation.datasets.sample_case import ES003_HEADERS as SAMPLE_ES003_HEADERS
from evaluation.datasets.third_case.catalogue import (
    BROKERS,
    LANE_EXPORT,
    LANES,
    PARTS,
    PORTS,
    RULINGS,
    SUPPLIERS,
    USMCA,
    XIAMEN_MID,
    Line,
)
from evaluation.datasets.third_case.documents import (
    EntryDocs,
    write_certificate,
    write_entry_documents,
)
from evaluation.datasets.third_case.manual import (
    SOP_RULES,
    training_hours,
    write_broker_letter,
    write_compliance_sop,
    write_royalty_memo,
    write_training_log,
)

AS_OF = dt.date(2026, 6, 30)
SEED = 4410
IMPORTER = "Tallgrass Home Access Products, Inc."
IMPORTER_ADDRESS = "14750 W. 99th Street, Lenexa, KS 66215"
IOR = "48-306127100"
GROUND_TRUTH = ".ground_truth.json"  # hidden: ingest skips it
LEGAL_RETENTION_YEARS = 5  # 19 USC 1508
SOP_RETENTION_YEARS = 7  # the importer's own SOP, Article 7
RESALE_PRICE = 289.00  # list price of the AQUAVELA seat the royalty is computed on
ROYALTY_RATE = 0.04


@dataclass
class Case:
    """Everything the builder writes, and what it planted."""

    lines: list[Line] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    unreviewed: list[str] = field(default_factory=list)
    missing_docs: dict[str, set[str]] = field(default_factory=dict)
    expected: list[dict] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)

    def part_lines(self, part: str) -> list[Line]:
        return sorted((l for l in self.lines if l.part.number == part), key=lambda l: (l.summary_date, l.entry))

    def entry_lines(self, entry: str) -> list[Line]:
        return sorted((l for l in self.lines if l.entry == entry), key=lambda l: l.line)

    def lane_entries(self, lane: str) -> list[str]:
        seen = sorted({(l.entry_date, l.entry) for l in self.lines if l.lane == lane})
        return [e for _, e in seen]

    def entries(self) -> list[tuple[str, dt.date, dt.date]]:
        """(entry, entry date, summary date), by entry date."""
        seen = {(l.entry, l.entry_date, l.summary_date) for l in self.lines}
        return sorted(seen, key=lambda e: (e[1], e[0]))


def _expect(case: Case, check: str, subject: dict, why: str) -> None:
    case.expected.append({"check": check, "subject": subject, "planted": why})


# --- entries -----------------------------------------------------------------------------------


def entry_number(filer: str, serial: int) -> str:
    """``W3K-4102260-4``: filer code, 7-digit serial, a mod-10 check digit (faprep never verifies it)."""
    body = f"{serial:07d}"
    digits = [ord(c) % 10 for c in filer] + [int(c) for c in body]
    total = sum(d * (2 if i % 2 else 1) for i, d in enumerate(digits))
    return f"{filer}-{body}-{(10 - total % 10) % 10}"


def _invoice_number(supplier: str, day: dt.date, seq: int) -> str:
    """Each supplier numbers its invoices its own way."""
    yy = day.strftime("%y")
    fiscal = f"{day.year % 100 if day.month >= 4 else day.year % 100 - 1:02d}"
    formats = {
        "AQUA": f"AQ{yy}-{317 + seq:05d}",
        "MEKONG": f"MKH/{yy}/{45 + seq:04d}",
        "SAIGON": f"SSM-{yy}{770 + seq:04d}",
        "HENGDA": f"HD{day:%y%m}-{30 + seq:03d}",
        "LAKESHORE": f"LKS-{61800 + seq * 7:05d}",
        "BAJIO": f"EB-A{4400 + seq * 3:04d}",
        "VOGT": f"RE-{day.year}-{1150 + seq:04d}",
        "SARVOTTAM": f"SPPL/EXP/{fiscal}{int(fiscal) + 1:02d}/{110 + seq:03d}",
    }
    return formats[supplier]


def build_lines(rng: random.Random) -> Case:
    """Every lane's entries, in entry-date order, numbered per filer, one invoice per supplier."""
    case = Case()
    schedule = sorted(
        ((d, i, lane) for lane in LANES for i, d in enumerate(lane.entry_dates)), key=lambda x: (x[0], x[2].key)
    )
    serial = {"W3K": 4102260, "B2L": 771508}
    invoice_seq: dict[str, int] = defaultdict(int)
    for entry_date, i, lane in schedule:
        serial[lane.filer] += rng.randint(180, 2400)
        entry = entry_number(lane.filer, serial[lane.filer])
        summary = entry_date + dt.timedelta(days=lane.summary_lag)
        invoices: dict[str, str] = {}
        for n, number in enumerate(lane.patterns[i % len(lane.patterns)], start=1):
            part = PARTS[number]
            if part.supplier not in invoices:
                invoice_seq[part.supplier] += 1
                invoice_day = entry_date - dt.timedelta(days=24)
                invoices[part.supplier] = _invoice_number(part.supplier, invoice_day, invoice_seq[part.supplier])
            price = round(part.unit_price * rng.uniform(0.97, 1.03), 2)
            case.lines.append(
                Line(
                    entry,
                    lane.key,
                    lane.filer,
                    lane.port,
                    entry_date,
                    summary,
                    n,
                    part,
                    rng.choice(part.pieces),
                    price,
                    invoices[part.supplier],
                )
            )
    return case


# --- planted problems --------------------------------------------------------------------------


def plant_classification(case: Case) -> None:
    """BX 4410-02 reclassified by the broker; HS-1850 split; TPW-50 off the master; FB36-GRY's master
    disagreeing with the ruling it cites."""
    for l in case.part_lines("BX 4410-02")[-3:]:
        l.hts = "8516.79.0000"
    for check in ("hts_inconsistency", "hts_master_mismatch", "ruling_conflict"):
        _expect(
            case,
            check,
            {"part_number": "BX 4410-02"},
            "BX 4410-02 declared 8516.79.0000 (electro-thermic appliance) on its last 3 entries; "
            "master and ruling N357645 say 3922.20.0000",
        )
    for l in case.part_lines("HS-1850"):
        l.hts = "3917.39.0050" if l.summary_date < dt.date(2023, 7, 1) else "3917.33.0000"
    _expect(
        case,
        "hts_inconsistency",
        {"part_number": "HS-1850"},
        "HS-1850 (not in the product master) declared 3917.39.0050 until mid-2023, then 3917.33.0000",
    )
    for l in case.part_lines("TPW-50"):
        l.hts = "3919.90.5060"
    _expect(
        case,
        "hts_master_mismatch",
        {"part_number": "TPW-50"},
        "every TPW-50 line declared 3919.90.5060 (self-adhesive) while the master approves 3920.43.5000",
    )
    _expect(
        case,
        "ruling_conflict",
        {"part_number": "FB36-GRY"},
        "master and lines say 3921.13.1500 but the ruling the master cites, N357381, says 3921.13.5000",
    )
    case.near_misses += [
        "TPW-75 ships on the same entries as TPW-50 and is declared 3920.43.5000 as the master says",
        "PNX0042A/PNX0048A cite N305250, whose TARIFF NO. lists 3920.51.5000 and 3920.63.2000: the lines match one",
        "R/7718-C cites N330412 (3922.90.0000 and 9817.00.96); lines declare 3922.90.0000",
    ]


def plant_origin(case: Case) -> None:
    """A commode line made in Xiamen but declared Vietnamese; a Chinese kit declared Malaysian."""
    commode = next(l for l in case.part_lines("R/7718-C") if l.summary_date.year == 2025)
    commode.mid = XIAMEN_MID
    _expect(
        case,
        "origin_mismatch",
        {"entry": commode.entry, "line": commode.line},
        f"R/7718-C declared VN but the manufacturer ID {XIAMEN_MID} is Chinese (no Section 301 duty paid)",
    )
    kit = next(l for l in case.part_lines("482210") if l.summary_date.year == 2024)
    kit.coo = "MY"
    _expect(
        case,
        "origin_mismatch",
        {"entry": kit.entry, "line": kit.line},
        "482210 declared of Malaysia; master says CN and the MID is the Taizhou factory (no 9903.88.02 line)",
    )


def plant_value(case: Case) -> None:
    """One panel line invoiced at a quarter of the usual price."""
    panel = next(l for l in case.part_lines("PNX0042A") if l.summary_date.year == 2025)
    panel.unit_price = 21.50
    _expect(
        case,
        "value_outlier",
        {"entry": panel.entry, "line": panel.line},
        "PNX0042A at $21.50 a panel (about 25% of the usual $86)",
    )


def plant_usmca(case: Case) -> None:
    """USMCA claims and the certifications on file; one claim before the first, one after the last."""
    mx_first = dt.date(2022, 12, 20)
    for l in case.part_lines("SG-20/MX"):
        if l.entry_date >= mx_first:
            l.spi = "S"
    for year in (2023, 2024, 2025, 2026):
        case.certificates.append(
            _cert(f"USMCA-EB-{year}", "SG-20/MX", SUPPLIERS["BAJIO"].name, dt.date(year, 1, 1), dt.date(year, 12, 31))
        )
    early = next(l for l in case.part_lines("SG-20/MX") if l.entry_date == mx_first)
    _expect(
        case,
        "spi_without_certificate",
        {"entry": early.entry, "line": early.line},
        "SG-20/MX claimed S on entry date 2022-12-20, before the first blanket certification (2023-01-01)",
    )
    last_day = next(l for l in case.part_lines("SG-20/MX") if l.entry_date == dt.date(2024, 12, 31))
    case.near_misses.append(f"{last_day.entry} line 1: SG-20/MX USMCA claim on the last day of USMCA-EB-2024")

    for l in case.part_lines("100234.7"):
        if dt.date(2022, 3, 1) <= l.entry_date < dt.date(2026, 5, 1):
            l.spi = "S"
    starts = [(dt.date(2022, 3, 1), dt.date(2022, 12, 31))] + [
        (dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in (2023, 2024, 2025)
    ]
    for start, end in starts:
        case.certificates.append(_cert(f"CUSMA-LKS-{start.year}", "100234.7", SUPPLIERS["LAKESHORE"].name, start, end))
    lapsed = next(l for l in case.part_lines("100234.7") if l.entry_date == dt.date(2026, 3, 10))
    _expect(
        case,
        "spi_without_certificate",
        {"entry": lapsed.entry, "line": lapsed.line},
        "100234.7 claimed S on 2026-03-10; the last CUSMA certification ended 2025-12-31 and was not renewed",
    )
    case.near_misses.append("100234.7 entry of 2026-05-19 filed without a USMCA claim (duty paid): not a finding")


def _cert(cid: str, part: str, producer: str, start: dt.date, end: dt.date) -> dict:
    """A certificates.csv row; only USMCA-EB-2025 names its document (the one scanned into the DMS)."""
    return {
        "Certificate ID": cid,
        "Program": "USMCA",
        "Part Number": part,
        "Producer": producer,
        "Blanket Start": start.isoformat(),
        "Blanket End": end.isoformat(),
        "Document": f"certifications/{cid}.pdf" if cid == "USMCA-EB-2025" else "",
    }


def plant_psc(case: Case) -> None:
    """Corrections on three entries of the silicone grease; a single one on a corner panel."""
    days = (dt.date(2023, 6, 13), dt.date(2024, 8, 20), dt.date(2025, 10, 14))
    for l in case.part_lines("100234.7"):
        if l.entry_date in days:
            l.psc = "Y"
    _expect(case, "psc_pattern", {"part_number": "100234.7"}, "post-summary corrections on 3 entries of 100234.7")
    single = case.part_lines("PNX0048A")[3]
    single.psc = "Y"
    case.near_misses.append(f"PNX0048A: a single post-summary correction ({single.entry}), not a pattern")


def plant_records(case: Case) -> None:
    """Three entries within the five-year period with a record missing; nothing older is kept."""
    cn = case.lane_entries("CN")[3]
    de = case.lane_entries("DE")[2]
    tw = case.lane_entries("TW")[7]
    case.missing_docs = {cn: {"packing_list"}, de: {"commercial_invoice"}, tw: {"entry_summary", "packing_list"}}
    for entry, missing in case.missing_docs.items():
        _expect(case, "missing_records", {"entry": entry}, f"no {' and no '.join(sorted(missing))} on file")
    start = retention_start(LEGAL_RETENTION_YEARS)
    old = [e for e, entered, _ in case.entries() if entered < start]
    case.near_misses.append(
        f"{len(old)} entries entered before {start} have no documents at all: outside the 5-year legal period "
        f"(not a finding) but inside the SOP's {SOP_RETENTION_YEARS}-year rule: {', '.join(old)}"
    )


def plant_reviews(case: Case) -> None:
    """Three entries the importer never reviewed."""
    case.unreviewed = [case.lane_entries("VN")[8], case.lane_entries("IN")[3], case.lane_entries("MX")[-1]]
    for entry in case.unreviewed:
        _expect(case, "broker_review_missing", {"entry": entry}, "no review of this entry in broker_reviews.csv")


def retention_start(years: int) -> dt.date:
    return AS_OF.replace(year=AS_OF.year - years)


# --- payments ----------------------------------------------------------------------------------


def _pay(
    day: dt.date,
    vendor: str,
    country: str,
    amount: float,
    gl: str,
    memo: str,
    mid: str = "",
    part: str = "",
    included: str = "N",
    tag: str = "",
) -> dict:
    """A payments.csv row (typed; formatted when written), ``tag`` naming the planted ones."""
    return {
        "tag": tag,
        "Payment Date": day,
        "Vendor Name": vendor,
        "Vendor Country": country,
        "Manufacturer ID": mid,
        "Amount": round(amount, 2),
        "GL Account": gl,
        "Memo": memo,
        "Part Number": part,
        "Included In Invoice Price": included,
    }


GL_TOOLING = "71500 - Prod. Tooling & Fixtures"
GL_ENGINEERING = "71520 - Engineering services (foreign)"
GL_CONSIGNED = "71540 - Consigned components"
GL_ROYALTY = "8120 Licence fees - brand"
GL_INVENTORY = "40100 - Inventory purchases (import)"
GL_FREIGHT = "61200 - Ocean & inland freight"
GL_COMMISSION = "61300 - Buying agent commission"
GL_INSPECTION = "61400 - Third-party inspection"
GL_SOFTWARE = "64100 - Software & subscriptions"
GL_DESIGN_US = "71530 - Product design (domestic)"

_MEKONG, _HENGDA, _BAJIO, _AQUA = (SUPPLIERS[k].mid for k in ("MEKONG", "HENGDA", "BAJIO", "AQUA"))
# fmt: off
SPECIAL_PAYMENTS = [
    # tag, date, vendor, country, amount, GL account, memo, MID, part, included in price
    ("die_set", "2024-09-12", "Changhua Jinli Tool & Die Co., Ltd.", "TW", 23400.00, GL_TOOLING,
     "Die set #3 for commode seat housing R/7718-C, shipped to supplier in Binh Duong", _MEKONG, "R/7718-C", "N"),
    ("stoppers", "2023-08-07", "Zhejiang Brassline Hardware Co., Ltd.", "CN", 7800.00, GL_CONSIGNED,
     "Brass push-lift stoppers consigned to Taizhou Hengda for 482210 kits (6,000 pcs)", _HENGDA, "482210", "N"),
    ("seal_engineering", "2023-05-02", "Ingenieurbuero Halberg GmbH", "DE", 6000.00, GL_ENGINEERING,
     "Profile engineering and extrusion die drawings for SG-20/MX seal, provided to Extrusiones del Bajio",
     _BAJIO, "SG-20/MX", "N"),
    ("elbow_mould", "2022-03-15", "Taizhou Hengda Plumbing Co., Ltd.", "CN", 4800.00, GL_TOOLING,
     "Injection mould for 482210 overflow elbow, amortised in unit price per quotation Q-2203", _HENGDA, "482210", "Y"),
    ("royalty_domestic", "2025-10-03", "Delft Hygiene Brands B.V.", "NL", 2150.00, GL_ROYALTY,
     "Q3 2025 brand royalty, GB-300 grab bars assembled in Lenexa", "", "GB-300", "N"),
    ("us_design", "2025-03-18", "Harbor & Pine Industrial Design LLC", "US", 9200.00, GL_DESIGN_US,
     "Industrial design of the 2026 remote control housing, BX 4410-02", "", "BX 4410-02", "N"),
    ("", "2022-02-08", "Kestrel Cloud ERP Ltd.", "IE", 18600.00, GL_SOFTWARE,
     "Annual ERP software licence fee, 2022", "", "", "N"),
    ("", "2024-02-06", "Kestrel Cloud ERP Ltd.", "IE", 21400.00, GL_SOFTWARE,
     "Annual ERP software licence fee, 2024", "", "", "N"),
    ("", "2023-11-20", "Blue Lantern Ocean Lines", "SG", 7420.00, GL_FREIGHT,
     "Ocean freight Cat Lai-Seattle, 3 x 40HC", "", "", "N"),
    ("", "2025-06-09", "Blue Lantern Ocean Lines", "SG", 5980.00, GL_FREIGHT,
     "Ocean freight Keelung-Tacoma, 2 x 40HC", "", "", "N"),
    ("", "2024-01-15", "Saigon Sourcing Agents Co., Ltd.", "VN", 3150.00, GL_COMMISSION,
     "Buying commission 3% on Q4 2023 purchase orders, Vietnam", "", "", "N"),
    ("", "2025-01-14", "Saigon Sourcing Agents Co., Ltd.", "VN", 3480.00, GL_COMMISSION,
     "Buying commission 3% on Q4 2024 purchase orders, Vietnam", "", "", "N"),
    ("", "2024-04-22", "QualiCheck Asia Ltd.", "HK", 1250.00, GL_INSPECTION,
     "Pre-shipment inspection, AQUAVELA seats lot 24-07", _AQUA, "", "N"),
    ("", "2025-08-19", "QualiCheck Asia Ltd.", "HK", 1320.00, GL_INSPECTION,
     "Pre-shipment inspection, 482210 kits lot 25-11", "", "", "N"),
]
# fmt: on
ROYALTY_HALVES = [  # half, first and last day of the sales period, payment date
    ("H1", dt.date(2025, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 25)),
    ("H2", dt.date(2025, 7, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 23)),
]


def royalty_base(case: Case, start: dt.date, end: dt.date) -> int:
    """AQUAVELA seats (BX 4410-02) entered in the half-year: the royalty's unit base."""
    return sum(l.pieces for l in case.part_lines("BX 4410-02") if start <= l.summary_date <= end)


def _declare_additions(case: Case, part: str, paid: dt.date, amounts: list[float]) -> None:
    """Line Additions on the first lines of ``part`` declared on or after ``paid``."""
    later = [l for l in case.part_lines(part) if l.summary_date >= paid]
    for line, amount in zip(later, amounts):
        line.additions = amount


def plant_payments(case: Case) -> None:
    """Assists, royalties, near misses and the ordinary payments for goods and services."""
    for tag, day, vendor, country, amount, gl, memo, mid, part, included in SPECIAL_PAYMENTS:
        case.payments.append(
            _pay(dt.date.fromisoformat(day), vendor, country, amount, gl, memo, mid, part, included, tag)
        )
    _declare_additions(case, "482210", dt.date(2023, 8, 7), [3000.00])  # 4,800.00 of 7,800.00 left undeclared
    _declare_additions(case, "SG-20/MX", dt.date(2023, 5, 2), [3000.00, 3000.00])  # fully declared
    for half, start, end, paid in ROYALTY_HALVES:
        units = royalty_base(case, start, end)
        memo = f"{half} 2025 brand royalty 4% net sales, AQUAVELA seat BX 4410-02 ({units} units)"
        amount = units * RESALE_PRICE * ROYALTY_RATE
        case.payments.append(
            _pay(paid, "Delft Hygiene Brands B.V.", "NL", amount, GL_ROYALTY, memo, part="BX 4410-02", tag=half)
        )
    _goods_payments(case)
    _assign_payment_ids(case)


def _goods_payments(case: Case) -> None:
    """T/T settlement of every other invoice, 35 days after the goods were entered."""
    invoices: dict[str, list[Line]] = defaultdict(list)
    for l in case.lines:
        invoices[l.invoice].append(l)
    ordered = sorted(invoices.items(), key=lambda kv: (kv[1][0].entry_date, kv[0]))
    for i, (invoice, lines) in enumerate(ordered):
        if i % 2:
            continue
        s = lines[0].supplier
        total = sum(l.goods_value for l in lines)
        case.payments.append(
            _pay(
                lines[0].entry_date + dt.timedelta(days=35),
                s.name,
                s.country,
                total,
                GL_INVENTORY,
                f"T/T settlement of invoice {invoice}",
                s.mid,
                included="Y",
            )
        )


def _assign_payment_ids(case: Case) -> None:
    """Voucher numbers in payment-date order: ``VCH-24-0007``; the planted ones recorded."""
    case.payments.sort(key=lambda p: (p["Payment Date"], p["Vendor Name"], p["Amount"]))
    per_year: dict[int, int] = defaultdict(int)
    for p in case.payments:
        year = p["Payment Date"].year
        per_year[year] += 1
        p["Payment ID"] = f"VCH-{year % 100:02d}-{per_year[year] * 3 + 101:04d}"
    by_tag = {p["tag"]: p for p in case.payments if p["tag"]}
    _expect(
        case,
        "undeclared_assist",
        {"payment_id": by_tag["die_set"]["Payment ID"]},
        "die set for R/7718-C paid to the Taiwanese die maker, shipped to Mekong; never declared",
    )
    _expect(
        case,
        "undeclared_assist",
        {"payment_id": by_tag["stoppers"]["Payment ID"]},
        "brass stoppers consigned to Taizhou Hengda for 482210: 7,800.00 paid, 3,000.00 declared as additions",
    )
    for half in ("H1", "H2"):
        p = by_tag[half]
        _expect(
            case,
            "royalty_omission",
            {"payment_id": p["Payment ID"]},
            f"{half} 2025 AQUAVELA royalty {p['Amount']:,.2f} on BX 4410-02, never added to the entered value",
        )
    near = {
        "seal_engineering": "engineering and die drawings for SG-20/MX fully declared (2 x 3,000.00 additions)",
        "elbow_mould": "mould for the 482210 elbow already included in the invoice price (Included = Y)",
        "royalty_domestic": "brand royalty on GB-300 grab bars assembled in the US: part never imported",
        "us_design": "design work bought from a US design firm: not an assist",
    }
    case.near_misses += [f"{by_tag[tag]['Payment ID']}: {why}" for tag, why in near.items()]
    case.near_misses.append("ERP software licence, ocean freight, buying commissions, inspection fees: not dutiable")


# --- files -------------------------------------------------------------------------------------

ES003_HEADERS = SAMPLE_ES003_HEADERS  # ACE's ES-003 column names, as the sample case writes them


@dataclass(frozen=True)
class Row:
    """One ES-003 row (a tariff ordinal) with typed values; formatted per export."""

    line: Line
    ordinal: int
    hts: str
    value: float
    duty: float
    quantity: float | None


def es003_rows(case: Case) -> list[Row]:
    rows = []
    for l in sorted(case.lines, key=lambda l: (l.summary_date, l.entry, l.line)):
        rows.append(Row(l, 1, l.declared_hts, l.entered_value, l.duty, l.tariff_quantity))
        if ch99 := l.chapter99:
            rows.append(Row(l, 2, ch99[0], 0.0, ch99[1], None))
    return rows


def _row_dict(r: Row, date_fmt: str, money: str, compact_entry: bool = False) -> dict[str, str]:
    """The row under the ACE headers; ``money`` is ``ace`` ($1,234.56) or ``plain`` (1234.56)."""
    l = r.line

    def m(x: float) -> str:
        return f"${x:,.2f}" if money == "ace" else f"{x:.2f}"

    return {
        "Entry Summary Number": l.entry.replace("-", "") if compact_entry else l.entry,
        "Entry Type Code": "01",
        "Entry Summary Date": l.summary_date.strftime(date_fmt),
        "Entry Date": l.entry_date.strftime(date_fmt),
        "Importer Number": IOR,
        "Port of Entry Code": l.port,
        "Entry Summary Line Number": str(l.line),
        "Tariff Ordinal Number": str(r.ordinal),
        "HTS Number - Full": r.hts if r.ordinal > 1 or not compact_entry else r.hts.replace(".", ""),
        "Country of Origin Code": l.declared_coo,
        "Country of Export Code": LANE_EXPORT[l.lane],
        "Manufacturer ID": l.declared_mid,
        "Line SPI Code": l.spi if r.ordinal == 1 else "",
        "Line Tariff Quantity (1)": "" if r.quantity is None else f"{r.quantity:g}",
        "Line Tariff UOM (1) Code": l.part.uom if r.ordinal == 1 else "",
        "Line Tariff Goods Value Amount": m(r.value),
        "Line Tariff Duty Amount": m(r.duty),
        "Post Summary Correction Indicator": l.psc,
        "Related Party Indicator": "N",
        "Part Number": l.part.number,
        "Line Description": l.part.description.upper(),
        "Commercial Invoice Number": l.invoice,
        "Line Additions Amount": m(l.additions) if l.additions and r.ordinal == 1 else "",
    }


def _write_csv(path: Path, headers: list[str], rows: list[dict], delimiter: str = ",", bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=headers, delimiter=delimiter, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _renamed(rows: list[dict], headers: list[str], spelled: list[str]) -> list[dict]:
    return [{s: r[h] for h, s in zip(headers, spelled)} for r in rows]


def write_entries(folder: Path, rows: list[Row]) -> dict[str, int]:
    """Three exports: W3K older (ACE spelling, $ money, MM/DD/YYYY), W3K recent (UPPER_SNAKE headers,
    ';', BOM, ISO dates, compact entry and HTS numbers), B2L land border (lower-case headers)."""
    ocean_old = [
        _row_dict(r, "%m/%d/%Y", "ace") for r in rows if r.line.filer == "W3K" and r.line.summary_date.year < 2024
    ]
    ocean_new = [
        _row_dict(r, "%Y-%m-%d", "plain", compact_entry=True)
        for r in rows
        if r.line.filer == "W3K" and r.line.summary_date.year >= 2024
    ]
    land = [_row_dict(r, "%m/%d/%Y", "ace") for r in rows if r.line.filer == "B2L"]
    files = {
        "entries/W3K_ES003_2021-2023.csv": (ES003_HEADERS, ocean_old, ",", False),
        "entries/W3K_ES003_2024-2026.csv": (
            [h.upper().replace(" - ", "_").replace(" ", "_") for h in ES003_HEADERS],
            ocean_new,
            ";",
            True,
        ),
        "entries/B2L_land_border_lines.csv": ([h.lower() for h in ES003_HEADERS], land, ",", False),
    }
    counts = {}
    for name, (spelled, data, delimiter, bom) in files.items():
        _write_csv(folder / name, spelled, _renamed(data, ES003_HEADERS, spelled), delimiter, bom)
        counts[name] = len(data)
    return counts


def write_products(folder: Path) -> None:
    headers = [
        "Part Number",
        "Description",
        "HTS Number",
        "Country of Origin",
        "Ruling Number",
        "Classification Rationale",
        "Approved By",
        "Approved Date",
    ]
    rows = [
        {
            "Part Number": p.number,
            "Description": p.description,
            "HTS Number": p.hts,
            "Country of Origin": p.coo,
            "Ruling Number": p.ruling,
            "Classification Rationale": p.rationale,
            "Approved By": p.approved_by,
            "Approved Date": p.approved.isoformat() if p.approved else "",
        }
        for p in PARTS.values()
        if p.in_master
    ]
    _write_csv(folder / "products.csv", headers, rows)


PAYMENT_HEADERS = [
    "Payment ID",
    "Payment Date",
    "Vendor Name",
    "Vendor Country",
    "Manufacturer ID",
    "Amount",
    "GL Account",
    "Memo",
    "Part Number",
    "Included In Invoice Price",
]


def write_payments(folder: Path, case: Case) -> None:
    rows = [p | {"Payment Date": p["Payment Date"].isoformat(), "Amount": f"{p['Amount']:.2f}"} for p in case.payments]
    _write_csv(folder / "payments.csv", PAYMENT_HEADERS, rows)


def write_certificates(folder: Path, case: Case) -> None:
    _write_csv(folder / "certificates.csv", list(case.certificates[0]), case.certificates)


REVIEWERS = ("D. Okonkwo", "D. Okonkwo", "L. Brandt")


def write_reviews(folder: Path, case: Case, rng: random.Random) -> None:
    """The review log: every entry but the unreviewed ones, a few with a note instead of OK."""
    notes = {
        3: "Query to broker: MID on line 2 - resolved",
        11: "OK - value agrees with invoice",
        19: "Invoice total differs by $12.40 (bank charge) - OK",
        27: "OK - USMCA certificate ID quoted",
    }
    rows = []
    for i, (entry, _entered, summary) in enumerate(case.entries()):
        if entry in case.unreviewed:
            continue
        rows.append(
            {
                "Entry Summary Number": entry,
                "Reviewed By": REVIEWERS[i % len(REVIEWERS)],
                "Review Date": (summary + dt.timedelta(days=rng.randint(2, 9))).strftime("%m/%d/%Y"),
                "Result": notes.get(i, "OK"),
            }
        )
    _write_csv(folder / "broker_reviews.csv", list(rows[0]), rows)


OWN_DOCUMENTS = {  # the importer's own documents: path under documents/, and the kind faprep should see
    "Import_Compliance_Procedures_SOP_rev3.docx": "compliance_manual",
    "broker/Letter_of_Instruction_Westmark_Borderline.md": "broker_instructions",
    "training/Import_Training_Log_2023-2026.txt": "training_record",
    "memos/2025-02_AQUAVELA_licence_valuation_memo.md": "other",
    "certifications/USMCA-EB-2025.pdf": "certificate_of_origin",
}


def _entry_docs(entry: str, lines: list[Line]) -> EntryDocs:
    first = lines[0]
    return EntryDocs(
        entry=entry,
        entry_date=first.entry_date,
        summary_date=first.summary_date,
        filer_name=BROKERS[first.filer],
        port=f"{first.port} {PORTS[first.port]}",
        importer=IMPORTER,
        importer_address=IMPORTER_ADDRESS,
        ior=IOR,
    )


def write_documents(folder: Path, case: Case) -> dict[str, int]:
    """Entry documents for every entry within the five-year period, but the planted gaps, and the
    importer's own documents. Returns the number of documents written by kind."""
    docs = folder / "documents"
    start = retention_start(LEGAL_RETENTION_YEARS)
    kinds: dict[str, int] = defaultdict(int)
    for entry, entered, summary in case.entries():
        if entered < start:
            continue
        lines = case.entry_lines(entry)
        skip = case.missing_docs.get(entry, set())
        write_entry_documents(docs / "shipments" / str(summary.year) / entry, _entry_docs(entry, lines), lines, skip)
        n_invoices = len({l.invoice for l in lines})
        for kind, n in (("commercial_invoice", n_invoices), ("packing_list", n_invoices), ("entry_summary", 1)):
            kinds[kind] += 0 if kind in skip else n
    write_compliance_sop(docs / "Import_Compliance_Procedures_SOP_rev3.docx", IMPORTER)
    write_broker_letter(docs / "broker/Letter_of_Instruction_Westmark_Borderline.md", IMPORTER)
    write_training_log(docs / "training/Import_Training_Log_2023-2026.txt", IMPORTER)
    write_royalty_memo(docs / "memos/2025-02_AQUAVELA_licence_valuation_memo.md", IMPORTER)
    cert = next(c for c in case.certificates if c["Document"])
    write_certificate(docs / cert["Document"], cert, IMPORTER, SUPPLIERS["BAJIO"], PARTS["SG-20/MX"])
    for kind in OWN_DOCUMENTS.values():
        kinds[kind] += 1
    return dict(sorted(kinds.items()))


def copy_rulings(folder: Path, corpus: Path) -> None:
    rulings = folder / "rulings"
    rulings.mkdir(parents=True, exist_ok=True)
    for number in RULINGS:
        shutil.copyfile(corpus / "rulings" / f"{number}.txt", rulings / f"{number}.txt")


# --- facts -------------------------------------------------------------------------------------


def _by(items, key, value) -> dict:
    """Sum of ``value`` per ``key``, keys sorted; whole numbers stay integers (counts)."""
    out: dict = defaultdict(float)
    for x in items:
        out[key(x)] += value(x)
    return {k: int(v) if float(v).is_integer() else round(v, 2) for k, v in sorted(out.items())}


def compute_facts(case: Case, rows: list[Row]) -> dict:
    """Headline numbers from the rows written (by entry summary date unless said otherwise)."""
    entries = case.entries()
    main = [r for r in rows if r.ordinal == 1]
    start5, start7 = retention_start(LEGAL_RETENTION_YEARS), retention_start(SOP_RETENTION_YEARS)
    usmca = [r for r in main if r.line.spi in USMCA]
    return {
        "entries": len(entries),
        "entry_lines": len(main),
        "es003_rows": len(rows),
        "first_entry_date": entries[0][1].isoformat(),
        "last_entry_date": entries[-1][1].isoformat(),
        "entries_per_year": _by(entries, lambda e: e[2].year, lambda e: 1),
        "entry_lines_per_year": _by(main, lambda r: r.line.summary_date.year, lambda r: 1),
        "total_duty_per_year": _by(rows, lambda r: r.line.summary_date.year, lambda r: r.duty),
        "section_301_duty_per_year": _by(
            [r for r in rows if r.ordinal > 1], lambda r: r.line.summary_date.year, lambda r: r.duty
        ),
        "entered_value_per_year": _by(main, lambda r: r.line.summary_date.year, lambda r: r.value),
        "total_duty": round(sum(r.duty for r in rows), 2),
        "total_entered_value": round(sum(r.value for r in main), 2),
        "entries_per_filer": _by(entries, lambda e: e[0][:3], lambda e: 1),
        "entries_per_port": _by({(l.entry, l.port) for l in case.lines}, lambda x: x[1], lambda x: 1),
        "entered_value_per_part": _by(main, lambda r: r.line.part.number, lambda r: r.value),
        "usmca_claim_lines": len(usmca),
        "usmca_claimed_value": round(sum(r.value for r in usmca), 2),
        "line_additions_declared": round(sum(l.additions for l in case.lines), 2),
        "paid_per_vendor": _by(case.payments, lambda p: p["Vendor Name"], lambda p: p["Amount"]),
        "payments": len(case.payments),
        "entries_within_5_years": sum(1 for _, entered, _ in entries if entered >= start5),
        "entries_before_5_year_start": sum(1 for _, entered, _ in entries if entered < start5),
        "entries_within_7_years_sop": sum(1 for _, entered, _ in entries if entered >= start7),
        "retention_start_5_years": start5.isoformat(),
        "royalty_units_2025": {
            "H1": royalty_base(case, dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
            "H2": royalty_base(case, dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        },
    }


# --- build -------------------------------------------------------------------------------------


def build_case() -> Case:
    """The case in memory: entries, planted problems, payments, certificates, reviews."""
    rng = random.Random(SEED)
    case = build_lines(rng)
    plant_classification(case)
    plant_origin(case)
    plant_value(case)
    plant_usmca(case)
    plant_psc(case)
    plant_payments(case)
    plant_records(case)
    plant_reviews(case)
    return case


def build_third_case(folder: str | Path, corpus: Path | None = None) -> Path:
    """Write the whole case folder (created; files it writes are overwritten) and return its path."""
    corpus = Path(corpus or CORPUS)
    if not (corpus / "rulings").is_dir():
        raise FileNotFoundError(f"the public-domain corpus is not at {corpus} (set FAPREP_CORPUS to its folder)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    case = build_case()
    rows = es003_rows(case)
    export_rows = write_entries(folder, rows)
    write_products(folder)
    write_payments(folder, case)
    write_certificates(folder, case)
    write_reviews(folder, case, random.Random(SEED + 1))
    doc_kinds = write_documents(folder, case)
    copy_rulings(folder, corpus)
    facts = compute_facts(case, rows) | {"rows_per_export": export_rows, "training_hours": training_hours()}
    truth = {
        "importer": IMPORTER,
        "as_of": AS_OF.isoformat(),
        "seed": SEED,
        "expected_findings": case.expected,
        "expected_extra_findings": [],  # faprep check reports nothing beyond the planted findings
        "near_misses": case.near_misses,
        "facts": facts,
        "documents": {
            "by_kind": doc_kinds | {"ruling": len(RULINGS)},
            "importer_documents": {f"documents/{p}": kind for p, kind in OWN_DOCUMENTS.items()},
            "sop_rules": SOP_RULES,
        },
    }
    (folder / GROUND_TRUTH).write_text(json.dumps(truth, indent=2, default=str) + "\n")
    return folder
