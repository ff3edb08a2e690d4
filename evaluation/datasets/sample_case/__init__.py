"""Sample case: Keystone Maple Housewares, Inc., a fictional importer of housewares and apparel.

``build_sample_case(folder)`` writes a complete case folder (ES-003 exports, product master,
payments, certificates, broker review log, entry PDFs, compliance manual, broker instructions,
FA draft report, real CBP rulings from the shared corpus) with planted problems of every check
type, and ``.ground_truth.json`` listing exactly which findings the checks must return.

Everything is deterministic for a given ``seed`` and ``as_of`` date; dates are relative to
``as_of`` so retention and certificate periods mean the same thing whenever it is built.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.datasets.sample_case.documents import (
    write_broker_instructions,
    write_certificate,
    write_compliance_manual,
    write_draft_report,
    write_entry_documents,
)

IMPORTER = "Keystone Maple Housewares, Inc."
IOR = "27-418265300"
FILER = "HL7"  # Harbor Line Customs Brokers
GROUND_TRUTH = ".ground_truth.json"  # hidden: ingest skips it
# The public-domain corpus (CBP rulings, HTSUS chapters, 19 USC sections) ships with the project
# in evaluation/datasets/corpus, so a fresh clone is self-contained; FAPREP_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("FAPREP_CORPUS") or Path(__file__).resolve().parents[1] / "corpus")


@dataclass(frozen=True)
class Product:
    part: str
    description: str
    hts: str
    coo: str
    ruling: str
    rate: float  # general duty rate of the HTS
    unit_value: float
    mid: str
    uom: str = "NO"
    rationale: str = ""


PRODUCTS = [
    Product(
        "KM-1001", "Plastic bath mat, PVC, 60x40 cm", "3924.90.1050", "CN", "N340223", 0.03, 4.10, "CNNINHOM123NIN"
    ),
    Product("KM-1002", "Plastic scrub sponge", "3924.90.5650", "CN", "N357351", 0.034, 1.20, "CNYIWCLE45YIW"),
    Product("KM-1003", "Plastic picture frame, 8x10", "3924.90.2000", "CN", "N356689", 0.034, 2.75, "CNSHEFRA88SHE"),
    Product("KM-1004", "Plastic laundry bin with lid", "3924.90.5650", "CN", "N362334", 0.034, 6.40, "CNNINHOM123NIN"),
    Product(
        "KM-2040",
        "Plastic alphabet letter charms, assorted",
        "3926.40.0090",
        "CN",
        "N361443",
        0.053,
        0.85,
        "CNNINPRE7NIN",
    ),
    Product(
        "KM-2041",
        "Ornamental craft kit, plastic beads and charms",
        "3926.40.0010",
        "CN",
        "N362269",
        0.053,
        3.10,
        "CNNINPRE7NIN",
    ),
    Product(
        "KM-3100",
        "Plastic shopping bag, polyethylene",
        "3923.21.0030",
        "TH",
        "N360190",
        0.03,
        0.12,
        "THBANPLA22BAN",
        "KG",
    ),
    Product(
        "KM-3300", "PVC plastic extrusion profile for shelving", "3916.20.0091", "CN", "", 0.058, 1.60, "CNSHEWIN9SHE"
    ),
    Product("KM-4100", "PVC garden hose, 15 m", "3917.33.0000", "KR", "N348766", 0.031, 7.90, "KRBUSHOS5BUS"),
    Product("KM-4200", "Acrylic roller shade", "3925.30.1000", "CN", "N342618", 0.033, 9.80, "CNSHEWIN9SHE"),
    Product(
        "KM-5100",
        "Women's knit sweater, Sunny Pals character line",
        "6110.30.3020",
        "KH",
        "N348145",
        0.32,
        8.50,
        "KHPHNKNI3PHN",
    ),
    Product("KM-5200", "Men's coveralls, woven cotton", "6211.32.9010", "MX", "N355940", 0.081, 14.00, "MXMONTEX44MON"),
    Product("KM-5300", "Men's woven jacket", "6201.30.8051", "MX", "N352319", 0.064, 21.00, "MXMONTEX44MON"),
    Product("KM-6100", "Plastic leaf rake", "3924.90.5650", "CN", "N363254", 0.034, 3.30, "CNYIWCLE45YIW"),
    Product("KM-6200", "Plastic cat toy", "3924.90.5650", "CN", "N360066", 0.034, 0.95, "CNYIWCLE45YIW"),
]
UNLISTED_PART = Product("KM-7300", "Silicone storage lid set", "3924.10.4000", "CN", "", 0.034, 2.20, "CNYIWCLE45YIW")
# Section 301 (Chapter 99) for goods of China entered from mid-2018
SECTION_301 = ("9903.88.03", 0.25)
EXTRA_RULINGS = [
    "N305250",
    "N309957",
    "N317550",
    "N325712",
    "N332349",
    "N347347",
    "N351059",
    "N356246",
    "N357381",
    "N336500",
    "N340250",
    "N342199",
    "N352158",
    "N355847",
    "N359943",
]


ENTRY_TO_SUMMARY_DAYS = 8  # entry summary filed 8 days after the goods are entered


@dataclass
class Line:
    entry: str
    summary_date: dt.date
    line: int
    product: Product
    qty: int
    unit_value: float
    hts: str | None = None
    coo: str | None = None
    mid: str | None = None
    spi: str = ""
    psc: str = "N"
    additions: float = 0.0
    invoice: str = ""

    @property
    def entry_date(self) -> dt.date:
        return self.summary_date - dt.timedelta(days=ENTRY_TO_SUMMARY_DAYS)

    @property
    def value(self) -> float:
        return round(self.qty * self.unit_value, 2)


@dataclass
class Case:
    as_of: dt.date
    lines: list[Line] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    expected: list[dict] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)


def _entry_number(rng: random.Random, seq: int) -> str:
    body = f"{seq:07d}"
    check = sum(int(c) * (2 if i % 2 else 1) for i, c in enumerate(body)) % 10
    return f"{FILER}-{body}-{check}"


def _expect(case: Case, check: str, subject: dict, why: str) -> None:
    case.expected.append({"check": check, "subject": subject, "planted": why})


def build_lines(rng: random.Random, as_of: dt.date) -> Case:
    case = Case(as_of=as_of)
    start = as_of - dt.timedelta(days=int(365.25 * 6.4))
    n_entries = 112
    seq = 101234
    regular = [p for p in PRODUCTS]
    for i in range(n_entries):
        day = start + dt.timedelta(days=int(i * (as_of - start).days / (n_entries + 1)) + rng.randint(0, 5))
        entry = _entry_number(rng, seq + i * 37)
        invoice = f"KMH-{day:%y%m}-{100 + i}"
        k = rng.choice([2, 3, 3, 4])
        for ln, p in enumerate(rng.sample(regular, k), start=1):
            qty = rng.choice([200, 400, 500, 800, 1000, 1200, 2000]) if p.uom == "NO" else rng.choice([300, 500, 900])
            uv = round(p.unit_value * rng.uniform(0.93, 1.07), 2)
            case.lines.append(Line(entry, day, ln, p, qty, uv, invoice=invoice))
    return case


def plant_problems(case: Case, rng: random.Random) -> None:
    as_of = case.as_of
    by_part: dict[str, list[Line]] = {}
    for line in case.lines:
        by_part.setdefault(line.product.part, []).append(line)
    entries = sorted({(l.summary_date, l.entry) for l in case.lines})
    retention_start = as_of.replace(year=as_of.year - 5)

    def recent(lines, n, after=None):
        pool = [l for l in lines if l.summary_date >= (after or retention_start)]
        return pool[-n:]

    # 1. KM-6200 cat toys declared as toys (9503) on three entries: inconsistent, off the master
    #    and against ruling N360066.
    for l in recent(by_part["KM-6200"], 3):
        l.hts = "9503.00.0073"
    for check in ("hts_inconsistency", "hts_master_mismatch", "ruling_conflict"):
        _expect(
            case,
            check,
            {"part_number": "KM-6200"},
            "KM-6200 declared 9503.00.0073 on 3 entries; master and ruling N360066 say 3924.90.5650",
        )
    # 2. KM-7300, not in the product master, under two HTS numbers.
    for i, (day, entry) in enumerate(entries[-40::8]):
        hts = "3924.10.4000" if i % 2 else "3926.90.9989"
        case.lines.append(
            Line(
                entry,
                day,
                9,
                UNLISTED_PART,
                600,
                2.2,
                hts=hts,
                invoice=next(l.invoice for l in case.lines if l.entry == entry),
            )
        )
    _expect(
        case,
        "hts_inconsistency",
        {"part_number": "KM-7300"},
        "KM-7300 (not in master) under 3924.10.4000 and 3926.90.9989",
    )
    # 3. KM-3300 (no ruling) consistently declared 3917.32.0050 while the master says 3916.20.0091.
    for l in by_part["KM-3300"]:
        l.hts = "3917.32.0050"
    _expect(
        case,
        "hts_master_mismatch",
        {"part_number": "KM-3300"},
        "every KM-3300 line declared 3917.32.0050, master 3916.20.0091",
    )
    # 4. KM-2041: master and lines agree on 3926.40.0010, but the ruling cited says 3926.40.0090.
    _expect(
        case,
        "ruling_conflict",
        {"part_number": "KM-2041"},
        "master cites N362269 (3926.40.0090), declared 3926.40.0010",
    )

    # 5. Payments: assists and royalties, with near-misses.
    km2040 = by_part["KM-2040"]
    mold_day = km2040[len(km2040) // 2].summary_date - dt.timedelta(days=20)
    case.payments += [
        _pay(
            "PAY-0117",
            mold_day,
            "Ningbo Precision Mould Co., Ltd.",
            "CN",
            "CNNINPRE7NIN",
            18500.00,
            "5100 Tooling",
            "Injection mold for part KM-2040 alphabet charms",
            "KM-2040",
            "N",
        ),
    ]
    _expect(
        case, "undeclared_assist", {"payment_id": "PAY-0117"}, "mold for KM-2040 paid by the importer, never declared"
    )
    km1001 = by_part["KM-1001"]
    case.payments.append(
        _pay(
            "PAY-0142",
            km1001[len(km1001) // 3].summary_date,
            "Ningbo Homeware Industrial Co.",
            "CN",
            "CNNINHOM123NIN",
            6200.00,
            "5100 Tooling",
            "Die set for KM-1001 bath mat",
            "KM-1001",
            "Y",
        )
    )
    case.near_misses.append("PAY-0142 die set already included in the invoice price (Included In Invoice Price = Y)")
    km1003 = by_part["KM-1003"]
    art_day = km1003[len(km1003) // 2].summary_date - dt.timedelta(days=10)
    case.payments.append(
        _pay(
            "PAY-0158",
            art_day,
            "Shenzhen Frameworks Ltd.",
            "CN",
            "CNSHEFRA88SHE",
            4000.00,
            "5300 Product Design",
            "Artwork and design files for KM-1003 frames",
            "KM-1003",
            "N",
        )
    )
    later = [l for l in km1003 if l.summary_date >= art_day][:2]
    for l in later:
        l.additions = 2000.00
    case.near_misses.append("PAY-0158 artwork fully declared as Line Additions Amount on the next two KM-1003 lines")
    km4100 = by_part["KM-4100"]
    eng_day = km4100[len(km4100) // 3].summary_date - dt.timedelta(days=5)
    case.payments.append(
        _pay(
            "PAY-0163",
            eng_day,
            "Busan Hose Engineering Co.",
            "KR",
            "KRBUSHOS5BUS",
            9000.00,
            "5200 Engineering",
            "Engineering drawings for hose couplings, KM-4100",
            "KM-4100",
            "N",
        )
    )
    later = [l for l in km4100 if l.summary_date >= eng_day][:1]
    later[0].additions = 3000.00
    _expect(
        case, "undeclared_assist", {"payment_id": "PAY-0163"}, "engineering for KM-4100: 9,000 paid, 3,000 declared"
    )
    km5100 = by_part["KM-5100"]
    roy_day = km5100[-2].summary_date + dt.timedelta(days=30)
    case.payments.append(
        _pay(
            "PAY-0171",
            roy_day,
            "Sunny Pals Licensing Ltd.",
            "HK",
            "",
            12000.00,
            "6200 Royalties",
            "Trademark license fee, Sunny Pals character sweaters, KM-5100",
            "KM-5100",
            "N",
        )
    )
    _expect(case, "royalty_omission", {"payment_id": "PAY-0171"}, "royalty on KM-5100 not added to entered value")
    case.payments.append(
        _pay(
            "PAY-0175",
            roy_day,
            "NorthStack ERP Inc.",
            "CA",
            "",
            8800.00,
            "6300 Software",
            "Annual software license fee, ERP",
            "",
            "N",
        )
    )
    case.near_misses.append("PAY-0175 software license fee, not related to imported goods (no part, no manufacturer)")
    # ordinary payments for goods and freight
    for i, l in enumerate(case.lines[::9]):
        case.payments.append(
            _pay(
                f"PAY-{200 + i:04d}",
                l.summary_date - dt.timedelta(days=25),
                "Supplier of " + l.product.part,
                l.product.coo,
                l.product.mid,
                round(l.value, 2),
                "5000 Inventory Purchases",
                f"Invoice {l.invoice} goods",
                l.product.part,
                "Y",
            )
        )
    case.payments.append(
        _pay(
            "PAY-0990",
            as_of - dt.timedelta(days=60),
            "Pacific Freight Lines",
            "SG",
            "",
            3150.0,
            "5400 Freight",
            "Ocean freight Ningbo-Long Beach",
            "",
            "N",
        )
    )

    # 6. USMCA: KM-5200 claims S under a blanket certification; one entry the day after it lapsed.
    #    A certification covers goods by their entry date (the summary follows 8 days later).
    cert_end = as_of - dt.timedelta(days=200)
    cert_start = cert_end - dt.timedelta(days=364)
    case.certificates += [
        {
            "Certificate ID": "USMCA-5200-A",
            "Program": "USMCA",
            "Part Number": "KM-5200",
            "Producer": "Textiles Monterrey S.A. de C.V.",
            "Blanket Start": cert_start.isoformat(),
            "Blanket End": cert_end.isoformat(),
            "Document": "usmca_certification_KM-5200.pdf",
        },
        {
            "Certificate ID": "USMCA-5200-B",
            "Program": "USMCA",
            "Part Number": "KM-5200",
            "Producer": "Textiles Monterrey S.A. de C.V.",
            "Blanket Start": (cert_end + dt.timedelta(days=30)).isoformat(),
            "Blanket End": (as_of + dt.timedelta(days=150)).isoformat(),
            "Document": "",
        },
    ]
    km5200 = by_part["KM-5200"]
    for l in km5200:
        if cert_start <= l.entry_date <= cert_end:
            l.spi = "S"
    after = dt.timedelta(days=ENTRY_TO_SUMMARY_DAYS)
    last_day = _add_line(case, cert_end + after, "KM-5200", rng, spi="S")
    case.near_misses.append(f"{last_day.entry} line 1: USMCA claim on the certificate's last day")
    lapsed = _add_line(case, cert_end + after + dt.timedelta(days=1), "KM-5200", rng, spi="S")
    _expect(
        case,
        "spi_without_certificate",
        {"entry": lapsed.entry, "line": lapsed.line},
        "USMCA claim the day after the blanket period ended",
    )
    jacket = [l for l in by_part["KM-5300"] if l.summary_date >= retention_start][-2]
    jacket.spi = "S"
    _expect(
        case,
        "spi_without_certificate",
        {"entry": jacket.entry, "line": jacket.line},
        "USMCA claim on KM-5300, no certificate on file",
    )

    # 7. Origin: a rake declared from Vietnam (master and MID say China); coveralls from a Chinese MID.
    rake = by_part["KM-6100"][-3]
    rake.coo = "VN"
    _expect(case, "origin_mismatch", {"entry": rake.entry, "line": rake.line}, "KM-6100 declared VN; master CN, MID CN")
    cov = _add_line(case, as_of - dt.timedelta(days=420), "KM-5200", rng, mid="CNSHATEX61SHA")
    _expect(
        case,
        "origin_mismatch",
        {"entry": cov.entry, "line": cov.line},
        "KM-5200 declared MX, manufacturer ID is Chinese",
    )

    # 8. Value outlier: one sponge line at a fifth of the usual unit value.
    sponge = recent(by_part["KM-1002"], 2)[0]
    sponge.unit_value = 0.22
    _expect(
        case, "value_outlier", {"entry": sponge.entry, "line": sponge.line}, "KM-1002 at $0.22/unit, usual about $1.20"
    )

    # 9. Post-summary corrections: a pattern on KM-4100, a single one on KM-1004.
    for l in recent(by_part["KM-4100"], 3):
        l.psc = "Y"
    _expect(case, "psc_pattern", {"part_number": "KM-4100"}, "three PSCs on KM-4100")
    recent(by_part["KM-1004"], 1)[0].psc = "Y"
    case.near_misses.append("KM-1004: a single post-summary correction, not a pattern")


def _pay(pid, day, vendor, country, mid, amount, gl, memo, part, included) -> dict:
    return {
        "Payment ID": pid,
        "Payment Date": day.strftime("%m/%d/%Y"),
        "Vendor Name": vendor,
        "Vendor Country": country,
        "Manufacturer ID": mid,
        "Amount": f"${amount:,.2f}",
        "GL Account": gl,
        "Memo": memo,
        "Part Number": part,
        "Included In Invoice Price": included,
    }


def _add_line(case: Case, day: dt.date, part: str, rng: random.Random, spi: str = "", mid: str | None = None) -> Line:
    p = next(p for p in PRODUCTS if p.part == part)
    seq = 900000 + len({l.entry for l in case.lines})
    entry = _entry_number(rng, seq)
    line = Line(entry, day, 1, p, 500, round(p.unit_value, 2), spi=spi, mid=mid, invoice=f"KMH-{day:%y%m}-{seq % 1000}")
    case.lines.append(line)
    return line


ES003_HEADERS = [
    "Entry Summary Number",
    "Entry Type Code",
    "Entry Summary Date",
    "Entry Date",
    "Importer Number",
    "Port of Entry Code",
    "Entry Summary Line Number",
    "Tariff Ordinal Number",
    "HTS Number - Full",
    "Country of Origin Code",
    "Country of Export Code",
    "Manufacturer ID",
    "Line SPI Code",
    "Line Tariff Quantity (1)",
    "Line Tariff UOM (1) Code",
    "Line Tariff Goods Value Amount",
    "Line Tariff Duty Amount",
    "Post Summary Correction Indicator",
    "Related Party Indicator",
    "Part Number",
    "Line Description",
    "Commercial Invoice Number",
    "Line Additions Amount",
]


def es003_rows(case: Case) -> list[dict]:
    rows = []
    for l in sorted(case.lines, key=lambda l: (l.summary_date, l.entry, l.line)):
        p = l.product
        hts, coo = l.hts or p.hts, l.coo or p.coo
        value = l.value + l.additions
        rate = 0.0 if l.spi else (p.rate if hts == p.hts else 0.0 if hts.startswith("9503") else p.rate)
        base = {
            "Entry Summary Number": l.entry,
            "Entry Type Code": "01",
            "Entry Summary Date": l.summary_date.strftime("%m/%d/%Y"),
            "Entry Date": l.entry_date.strftime("%m/%d/%Y"),
            "Importer Number": IOR,
            "Port of Entry Code": "2704",
            "Entry Summary Line Number": str(l.line),
            "Country of Origin Code": coo,
            "Country of Export Code": coo,
            "Manufacturer ID": l.mid or p.mid,
            "Line SPI Code": l.spi,
            "Line Tariff UOM (1) Code": p.uom,
            "Post Summary Correction Indicator": l.psc,
            "Related Party Indicator": "N",
            "Part Number": p.part,
            "Line Description": p.description.upper(),
            "Commercial Invoice Number": l.invoice,
        }
        rows.append(
            {
                **base,
                "Tariff Ordinal Number": "1",
                "HTS Number - Full": hts,
                "Line Tariff Quantity (1)": str(l.qty),
                "Line Tariff Goods Value Amount": f"${value:,.2f}",
                "Line Tariff Duty Amount": f"${value * rate:,.2f}",
                "Line Additions Amount": f"{l.additions:.2f}" if l.additions else "",
            }
        )
        if coo == "CN" and l.summary_date >= dt.date(2018, 9, 24):
            ch99, r301 = SECTION_301
            rows.append(
                {
                    **base,
                    "Tariff Ordinal Number": "2",
                    "HTS Number - Full": ch99,
                    "Line Tariff Quantity (1)": "",
                    "Line Tariff Goods Value Amount": "$0.00",
                    "Line Tariff Duty Amount": f"${value * r301:,.2f}",
                    "Line Additions Amount": "",
                }
            )
    return rows


def _write_csv(path: Path, headers: list[str], rows: list[dict], delimiter: str = ",", bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=headers, delimiter=delimiter, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def build_sample_case(folder: Path, as_of: dt.date | None = None, seed: int = 7, corpus: Path | None = None) -> dict:
    """Write the case into ``folder`` (replacing a previous build) and return the ground truth."""
    as_of = as_of or dt.date.today()
    corpus = Path(corpus or CORPUS)
    if not (corpus / "rulings").is_dir():
        raise FileNotFoundError(f"the public-domain corpus is not at {corpus} (set FAPREP_CORPUS to its folder)")
    rng = random.Random(seed)
    case = build_lines(rng, as_of)
    plant_problems(case, rng)
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)

    rows = es003_rows(case)
    cut = as_of.replace(year=as_of.year - 3)
    old = [r for r in rows if _d(r["Entry Summary Date"]) < cut]
    new = [r for r in rows if _d(r["Entry Summary Date"]) >= cut]
    _write_csv(folder / "entries" / "es003_older.csv", ES003_HEADERS, old)
    # the recent export uses a common variant: lower-case underscored headers, ';', BOM, ISO dates
    variant = [h.lower().replace(" ", "_") for h in ES003_HEADERS]
    new_rows = [{v: (_iso(r[h]) if "date" in v else r[h]) for h, v in zip(ES003_HEADERS, variant)} for r in new]
    _write_csv(folder / "entries" / "es003_recent.csv", variant, new_rows, delimiter=";", bom=True)

    products = [
        {
            "Part Number": p.part,
            "Description": p.description,
            "HTS Number": p.hts,
            "Country of Origin": p.coo,
            "Ruling Number": p.ruling,
            "Classification Rationale": _rationale(p),
            "Approved By": "M. Alvarez, Trade Compliance",
            "Approved Date": (as_of - dt.timedelta(days=900)).strftime("%m/%d/%Y"),
        }
        for p in PRODUCTS
    ]
    _write_csv(folder / "products.csv", list(products[0]), products)
    _write_csv(folder / "payments.csv", list(case.payments[0]), case.payments)
    _write_csv(folder / "certificates.csv", list(case.certificates[0]), case.certificates)

    entries = sorted({(l.entry, l.summary_date) for l in case.lines}, key=lambda e: e[1])
    unreviewed = [e for e, d in entries if d >= as_of - dt.timedelta(days=700)][3:12:4]
    reviews = [
        {
            "Entry Summary Number": e,
            "Reviewed By": "J. Chen",
            "Review Date": (d + dt.timedelta(days=6)).strftime("%m/%d/%Y"),
            "Result": "OK",
        }
        for e, d in entries
        if e not in unreviewed
    ]
    _write_csv(folder / "broker_reviews.csv", list(reviews[0]), reviews)
    for e in unreviewed:
        _expect(case, "broker_review_missing", {"entry": e}, "no review logged for this entry")

    # Entry documents for every entry within the retention period, but three planted gaps.
    retention_start = as_of.replace(year=as_of.year - 5)
    in_retention = [(e, d) for e, d in entries if d >= retention_start]
    gaps = {
        in_retention[5][0]: {"packing_list"},
        in_retention[20][0]: {"packing_list", "entry_summary"},
        in_retention[33][0]: {"commercial_invoice"},
    }
    for e, missing in gaps.items():
        _expect(case, "missing_records", {"entry": e}, f"missing {', '.join(sorted(missing))}")
    outside = [(e, d) for e, d in entries if d < retention_start]
    if outside:
        case.near_misses.append(
            f"{outside[-1][0]} ({outside[-1][1]}) has no documents but is outside the 5-year retention period"
        )
    docs = folder / "documents"
    lines_by_entry: dict[str, list[Line]] = {}
    for l in case.lines:
        lines_by_entry.setdefault(l.entry, []).append(l)
    for e, d in in_retention:
        write_entry_documents(docs / "entries" / e, e, d, lines_by_entry[e], skip=gaps.get(e, set()), importer=IMPORTER)
    write_compliance_manual(docs / "Trade_Compliance_Manual_2025.pdf", IMPORTER)
    write_broker_instructions(docs / "Broker_Letter_of_Instruction.docx", IMPORTER)
    write_certificate(docs / "usmca_certification_KM-5200.pdf", case.certificates[0])
    draft = write_draft_report(docs / "CBP_FA_Draft_Report.pdf", IMPORTER, case, gaps)

    rulings = folder / "rulings"
    rulings.mkdir()
    for number in sorted({p.ruling for p in PRODUCTS if p.ruling} | set(EXTRA_RULINGS)):
        shutil.copy(corpus / "rulings" / f"{number}.txt", rulings / f"{number}.txt")

    truth = {
        "importer": IMPORTER,
        "as_of": as_of.isoformat(),
        "seed": seed,
        "expected_findings": case.expected,
        "near_misses": case.near_misses,
        "draft_report": draft,
        "counts": {
            "es003_rows": len(rows),
            "entries": len(entries),
            "entries_in_retention": len(in_retention),
            "payments": len(case.payments),
        },
    }
    (folder / GROUND_TRUTH).write_text(json.dumps(truth, indent=2))
    return truth


def _rationale(p: Product) -> str:
    if p.ruling:
        return f"Classified per CBP ruling {p.ruling}; GRI 1 and the terms of the heading."
    return "Classified by the broker at onboarding; GRI 1. No binding ruling."


def _d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%m/%d/%Y").date()


def _iso(text: str) -> str:
    return _d(text).isoformat() if text else text
