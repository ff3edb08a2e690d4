"""The records of the fourth case, generated from a fixed schedule and a fixed seed: entries (lines, Chapter 99
ordinals, additions, SPI claims), the AP extract of payments to foreign parties, USMCA certifications and the
broker review log. ``plant`` notes what was done on purpose, for the ground truth.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from evaluation.datasets.fourth_case.catalogue import PARTS, VENDORS, WENZHOU_MID, YUYAO_MID, Part

SEED = 730118
SECTION_301_RATE = 0.25
D = dt.date


@dataclass
class Line:
    number: int
    part: Part
    hts: str
    coo: str
    coe: str
    mid: str
    spi: str
    qty: float
    unit_price: float  # invoice unit price
    invoice_value: float
    additions: float
    entered_value: float
    duty: float
    ch99: str
    ch99_duty: float
    psc: str = "N"


@dataclass
class Entry:
    number: str  # ABC-1234567-8
    filer: str
    port: str
    entry_date: dt.date
    summary_date: dt.date
    vendor: str
    invoice: str
    invoice_date: dt.date
    lines: list[Line] = field(default_factory=list)
    lane_index: int = 0

    @property
    def value(self) -> float:
        return round(sum(l.entered_value for l in self.lines), 2)

    @property
    def duty(self) -> float:
        return round(sum(l.duty + l.ch99_duty for l in self.lines), 2)


@dataclass(frozen=True)
class Lane:
    vendor: str
    filer: str
    ports: tuple[str, ...]
    count: int
    first: dt.date
    last: dt.date
    items: tuple[tuple[str, int, int], ...]  # part, min qty, max qty
    step: int = 10  # quantities are multiples of this
    lead: tuple[int, int] = (22, 36)  # invoice date this many days before entry


LANES = [
    Lane(
        "HAOYU",
        "HZ6",
        ("2709", "5301"),
        12,
        D(2022, 10, 14),
        D(2026, 8, 26),
        (("PV-0042/SS", 400, 900), ("PV-0043/SS", 200, 500), ("PV-0300/DI", 30, 60), ("GA-0063/GL", 1000, 2400)),
    ),
    Lane(
        "JINSHUI",
        "HZ6",
        ("2709", "5301"),
        8,
        D(2022, 11, 21),
        D(2026, 7, 15),
        (("CP-4100/SB", 40, 90), ("7730.118", 150, 400), ("7730.124", 60, 150)),
    ),
    Lane("FOAMTEK", "HZ6", ("2709",), 4, D(2023, 2, 6), D(2026, 6, 1), (("PK-FOAM/22", 1500, 3000),), step=100),
    Lane("MINHPHAT", "HZ6", ("2709", "5301"), 6, D(2022, 12, 5), D(2026, 5, 12), (("PV-0150/BR", 1500, 3500),), 50),
    Lane(
        "SPC",
        "HZ6",
        ("5301",),
        5,
        D(2023, 1, 16),
        D(2026, 4, 20),
        (("FT-0716/SS", 2000, 5000), ("FT-0720/SS", 300, 800)),
        step=50,
    ),
    Lane("ELASTO", "HZ6", ("5301",), 4, D(2023, 3, 13), D(2026, 3, 9), (("7730.305", 800, 2000),), step=50),
    Lane("PUMPENWERK", "HZ6", ("5301",), 4, D(2022, 10, 31), D(2026, 2, 9), (("CP-2210/CI", 8, 20),), step=1),
    Lane("DICHTUNG", "HZ6", ("5301",), 4, D(2023, 1, 30), D(2026, 6, 22), (("7730.205", 100, 300),)),
    Lane(
        "LAHN",
        "HZ6",
        ("5301",),
        4,
        D(2023, 4, 17),
        D(2026, 8, 3),
        (("7730.240", 200, 500), ("7730.245", 150, 400)),
        step=5,
    ),
    Lane("BRESCIA", "HZ6", ("5301",), 3, D(2023, 5, 22), D(2025, 11, 10), (("PV-0620/CK", 20, 60),), step=2),
    Lane("OSAKA", "HZ6", ("5501",), 3, D(2023, 9, 11), D(2026, 1, 26), (("7730.410", 150, 300),), step=5, lead=(3, 6)),
    Lane(
        "CHB",
        "TQ2",
        ("2304",),
        8,
        D(2022, 10, 24),
        D(2026, 9, 8),
        (("4415.020", 2000, 5000), ("4415.032", 300, 900)),
        step=50,
        lead=(2, 5),
    ),
    Lane(
        "SALTILLO", "TQ2", ("2304",), 7, D(2023, 8, 10), D(2026, 8, 17), (("PV-0510/CS", 20, 45),), step=1, lead=(2, 5)
    ),
]

FILER_START = {"HZ6": 4128730, "TQ2": 2206110}
TRIVEX_FEE = 38.00  # USD per licensed valve (PV-0300/DI)
FERRARO_REPORTED = 6000.00  # additions declared on the first PV-0300/DI line only
SALTILLO_PATTERN = 24000.00
SALTILLO_REPORTED = 8000.00  # on each of the first three PV-0510/CS lines


def check_digit(filer: str, digits: str) -> int:
    """A Luhn-style check digit over the filer code (letters as their alphabet position) and the 7 digits."""
    values = [(ord(c) - 55) % 10 if c.isalpha() else int(c) for c in filer + digits]
    total = 0
    for i, v in enumerate(reversed(values)):
        if i % 2 == 0:
            v *= 2
            v = v - 9 if v > 9 else v
        total += v
    return (10 - total % 10) % 10


def entry_number(filer: str, serial: int) -> str:
    digits = f"{serial:07d}"
    return f"{filer}-{digits}-{check_digit(filer, digits)}"


def _invoice_number(vendor: str, i: int, day: dt.date) -> str:
    yy = day.year % 100
    return {
        "HAOYU": f"HY-{yy}{i + 11:03d}",
        "JINSHUI": f"JS{day:%y%m%d}",
        "FOAMTEK": f"FTK-{5120 + 37 * i}",
        "MINHPHAT": f"MP/{yy}/{i * 19 + 104:04d}",
        "SPC": f"SPC-INV-{2300 + 41 * i}",
        "ELASTO": f"SE{70440 + 13 * i}",
        "PUMPENWERK": f"RP-{92211 + 57 * i}",
        "DICHTUNG": f"RD{4410 + 29 * i}",
        "LAHN": f"KWL-{yy}-{i * 7 + 31:03d}",
        "BRESCIA": f"VB {i * 23 + 140}/{yy}",
        "OSAKA": f"OKS-{880 + 9 * i}",
        "CHB": f"CHB-F{18200 + 311 * i}",
        "SALTILLO": f"VFS-{6610 + 47 * i}",
    }[vendor]


def _dates(rng: random.Random, lane: Lane) -> list[dt.date]:
    span = (lane.last - lane.first).days
    out = []
    for i in range(lane.count):
        base = lane.first + dt.timedelta(days=round(i * span / (lane.count - 1)))
        jitter = 0 if i in (0, lane.count - 1) else rng.randint(-9, 9)
        day = base + dt.timedelta(days=jitter)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        out.append(day)
    return out


def _qty(rng: random.Random, lo: int, hi: int, step: int) -> int:
    return rng.randrange(lo // step, hi // step + 1) * step


def build_entries() -> tuple[list[Entry], dict]:
    """All entries, chronologically numbered per filer, with the plants applied. Returns (entries, plant)."""
    rng = random.Random(SEED)
    entries: list[Entry] = []
    for lane in LANES:
        v = VENDORS[lane.vendor]
        for i, day in enumerate(_dates(rng, lane)):
            inv_day = day - dt.timedelta(days=rng.randint(*lane.lead))
            e = Entry(
                number="",
                filer=lane.filer,
                port=lane.ports[i % len(lane.ports)],
                entry_date=day,
                summary_date=day + dt.timedelta(days=rng.choice((6, 7, 8, 9))),
                vendor=lane.vendor,
                invoice=_invoice_number(lane.vendor, i, inv_day),
                invoice_date=inv_day,
                lane_index=i,
            )
            for pn, lo, hi in lane.items:
                if pn == "PV-0300/DI" and day < D(2025, 1, 1):
                    continue  # the TRIVEX valve is bought from 2025 on, under the licence
                if pn == "GA-0063/GL" and i % 2:
                    continue
                p = PARTS[pn]
                qty = _qty(rng, lo, hi, 10 if p.uom == "NO" and lane.step == 10 else lane.step)
                unit = round(p.price * (1 + rng.uniform(-0.03, 0.03)), 2)
                inv_value = round(qty * unit, 2)
                mid = YUYAO_MID if pn == "GA-0063/GL" else v.mid
                spi = ""
                if p.origin == "MX":
                    spi = "S+" if (pn == "4415.032" and i % 3 == 0) else "S"
                e.lines.append(
                    Line(
                        number=len(e.lines) + 1,
                        part=p,
                        hts=p.declared_hts or p.hts,
                        coo=p.origin,
                        coe=v.country,
                        mid=mid,
                        spi=spi,
                        qty=qty,
                        unit_price=unit,
                        invoice_value=inv_value,
                        additions=0.0,
                        entered_value=inv_value,
                        duty=0.0,
                        ch99=p.ch99,
                        ch99_duty=0.0,
                    )
                )
            entries.append(e)
    entries.sort(key=lambda e: (e.entry_date, e.vendor))
    serial = dict(FILER_START)
    for e in entries:
        serial[e.filer] += rng.randint(40, 420)
        e.number = entry_number(e.filer, serial[e.filer])

    plant = _plant(entries)
    for e in entries:
        for l in e.lines:
            l.entered_value = round(l.invoice_value + l.additions, 2)
            rate = 0.02 if l.hts != (l.part.declared_hts or l.part.hts) else l.part.rate
            l.duty = 0.0 if l.spi else round(l.entered_value * rate, 2)
            l.ch99_duty = round(l.entered_value * SECTION_301_RATE, 2) if l.ch99 else 0.0
    return entries, plant


def lane(entries: list[Entry], vendor: str) -> list[Entry]:
    return [e for e in entries if e.vendor == vendor]


def _line(e: Entry, pn: str) -> Line:
    return next(l for l in e.lines if l.part.number == pn)


def _plant(entries: list[Entry]) -> dict:
    plant: dict = {}
    haoyu = lane(entries, "HAOYU")
    # 1. PV-0042/SS declared as a non-hand-operated valve (8481.80.5090, 2%) on the 2025 entries.
    wrong = [e for e in haoyu if e.entry_date.year == 2025]
    for e in wrong:
        _line(e, "PV-0042/SS").hts = "8481.80.5090"
    plant["wrong_hts_entries"] = [e.number for e in wrong]
    # 2. A PV-0043/SS line at a fraction of its usual price.
    out = haoyu[5]
    l = _line(out, "PV-0043/SS")
    l.unit_price = 5.10
    l.invoice_value = round(l.qty * l.unit_price, 2)
    plant["outlier"] = (out.number, l.number)
    # 3. Ferraro design work for PV-0300/DI (16,500.00): only 6,000.00 declared, on the first TRIVEX line.
    trivex = [e for e in haoyu if any(x.part.number == "PV-0300/DI" for x in e.lines)]
    _line(trivex[0], "PV-0300/DI").additions = FERRARO_REPORTED
    plant["ferraro_declared_on"] = [trivex[0].number]
    # 4. Saltillo pattern: 8,000.00 on each of the first three gate-valve lines (fully declared, a near miss).
    saltillo = lane(entries, "SALTILLO")
    for e in saltillo[:3]:
        _line(e, "PV-0510/CS").additions = SALTILLO_REPORTED
    plant["saltillo_declared_on"] = [e.number for e in saltillo[:3]]
    # 5. Elbows declared Vietnamese with a Chinese foundry's MID.
    spc = lane(entries, "SPC")[3]
    l = _line(spc, "FT-0716/SS")
    l.mid = WENZHOU_MID
    plant["origin_mismatch"] = (spc.number, l.number)
    # 6. Post-summary corrections on three brass-valve entries.
    psc = lane(entries, "MINHPHAT")[2:5]
    for e in psc:
        _line(e, "PV-0150/BR").psc = "Y"
    plant["psc_entries"] = [e.number for e in psc]
    return plant


# ---------------------------------------------------------------------------------------------------------------
# Certificates, reviews, payments


def certificates() -> list[dict]:
    rows = []
    for year in range(2022, 2027):
        for pn in ("4415.020", "4415.032"):
            rows.append(
                {
                    "Certificate ID": f"CHB-USMCA-{year}",
                    "Program": "USMCA",
                    "Part Number": pn,
                    "Producer": VENDORS["CHB"].name,
                    "Blanket Start": f"{year}-01-01",
                    "Blanket End": f"{year}-12-31",
                    "Document": "USMCA_CHB-USMCA-2026.pdf" if year == 2026 else "",
                }
            )
    for cid, start, end in (("VFS-2023-07", "2023-07-01", "2024-06-30"), ("VFS-2024-07", "2024-07-01", "2025-06-30")):
        rows.append(
            {
                "Certificate ID": cid,
                "Program": "USMCA",
                "Part Number": "PV-0510/CS",
                "Producer": VENDORS["SALTILLO"].name,
                "Blanket Start": start,
                "Blanket End": end,
                "Document": "",
            }
        )
    return rows


UNREVIEWED = (("HAOYU", 3), ("CHB", 5), ("LAHN", 2))


def reviews(entries: list[Entry], plant: dict, as_of: dt.date) -> list[dict]:
    rng = random.Random(SEED + 1)
    skip = {e.number for v, i in UNREVIEWED for e in lane(entries, v)[i : i + 1]}
    rows = []
    for e in entries:
        if e.number in skip:
            continue
        day = min(as_of, e.summary_date + dt.timedelta(days=rng.randint(1, 12)))
        who = "M. Ortega" if e.entry_date.month in (7, 8) else "K. Tran"
        result = "OK"
        if e.number in plant["psc_entries"]:
            result = "PSC requested - brass valve quantity and value corrected per revised invoice"
        elif e.number == plant["outlier"][0]:
            result = "OK - price of PV-0043/SS queried with supplier, credit note expected"
        elif e.number in plant["saltillo_declared_on"]:
            result = "OK - pattern assist 8,000.00 added on line 1"
        rows.append(
            {"Entry Summary Number": e.number, "Reviewed By": who, "Review Date": day.isoformat(), "Result": result}
        )
    plant["unreviewed"] = sorted(skip)
    return rows


def _pid(day: dt.date, n: int) -> str:
    return f"PMT-{day.year}-{n:04d}"


GOODS_GL = "2110 Trade Payables - Foreign Inventory"
TOOLING_GL = "1540 Tooling - Consigned to Suppliers"
ENGINEERING_GL = "6150 Outside Engineering & Design"
LICENCE_GL = "6420 Licence Fees & Royalties"
SOFTWARE_GL = "6810 Software Subscriptions"
OCEAN_GL = "5310 Inbound Freight - Ocean"
TRUCK_GL = "5320 Inbound Freight - Truck"
TESTING_GL = "6160 Inspection & Testing"
GOODS_THRESHOLD = 40000.00


def payments(entries: list[Entry], plant: dict) -> list[dict]:
    """The AP extract: every payment to a foreign party booked outside inventory (tooling, design work, licence
    fees, software, freight, testing) and the yearly merchandise statement settlements of USD 40,000 or more."""
    rows: list[dict] = []

    def add(day, vendor, amount, gl, memo, part="", mid=None, included="N"):
        v = VENDORS[vendor]
        rows.append(
            {
                "Payment Date": day,
                "Vendor Name": v.name,
                "Vendor Country": v.country,
                "Manufacturer ID": v.mid if mid is None else mid,
                "Amount": round(amount, 2),
                "GL Account": gl,
                "Memo": memo,
                "Part Number": part,
                "Included In Invoice Price": included,
            }
        )

    # Goods: one statement settlement per vendor and year; the extract keeps those of USD 40,000 or more.
    buckets: dict[tuple[str, int], float] = defaultdict(float)
    for e in entries:
        buckets[(e.vendor, e.invoice_date.year)] += sum(l.invoice_value for l in e.lines)
    for (vendor, year), amount in sorted(buckets.items()):
        if amount < GOODS_THRESHOLD:
            continue
        day = D(year, 12, 12) if year < 2026 else D(2026, 9, 11)
        add(day, vendor, amount, GOODS_GL, f"Statement settlement, {year} invoices - merchandise")

    # Assists and near misses.
    jin = VENDORS["JINSHUI"].mid
    add(
        D(2023, 3, 15),
        "KUNSHAN",
        38400.00,
        TOOLING_GL,
        "Impeller pattern and core box set for 7730.118 - tooling sent to Taizhou Jinshui (Wenling)",
        "7730.118",
        jin,
    )
    add(
        D(2025, 6, 18),
        "KUNSHAN",
        4250.00,
        TOOLING_GL,
        "Rework of impeller pattern 7730.118, vane profile rev C, delivered to Jinshui foundry",
        "7730.118",
        jin,
    )
    add(
        D(2024, 11, 20),
        "FERRARO",
        16500.00,
        ENGINEERING_GL,
        "TRIVEX trim drawings and casting models for PV-0300/DI, furnished to Ningbo Haoyu",
        "PV-0300/DI",
        VENDORS["HAOYU"].mid,
    )
    add(
        D(2023, 6, 20),
        "SALTILLO",
        SALTILLO_PATTERN,
        TOOLING_GL,
        "Pattern set (aluminium) for PV-0510/CS valve body, Ridgeline property at Saltillo foundry",
        "PV-0510/CS",
    )
    add(
        D(2023, 9, 12),
        "MINHPHAT",
        9800.00,
        TOOLING_GL,
        "Forging die set for PV-0150/BR body - charged in unit price per quotation MP-Q-2319",
        "PV-0150/BR",
        included="Y",
    )
    add(
        D(2024, 5, 8),
        "PUMPENWERK",
        6900.00,
        ENGINEERING_GL,
        "Field service engineer in Tulsa, 4 days, start-up of CP-2210/CI pump skid (US site work)",
        "CP-2210/CI",
    )

    # TRIVEX licence: USD 38.00 per PV-0300/DI valve imported in the quarter, paid the month after.
    per_quarter: dict[tuple[int, int], int] = defaultdict(int)
    for e in entries:
        for l in e.lines:
            if l.part.number == "PV-0300/DI":
                per_quarter[(e.entry_date.year, (e.entry_date.month - 1) // 3 + 1)] += int(l.qty)
    paydays = {1: (4, 29), 2: (7, 30), 3: (10, 30), 4: (1, 29)}
    for (year, q), units in sorted(per_quarter.items()):
        month, day = paydays[q]
        pay = D(year + (1 if q == 4 else 0), month, day)
        if pay > D(2026, 9, 30):
            continue
        add(
            pay,
            "BRESCIA",
            units * TRIVEX_FEE,
            LICENCE_GL,
            f"TRIVEX design licence Q{q} {year}: {units} valves x USD 38.00",
            "PV-0300/DI",
            VENDORS["HAOYU"].mid,
        )

    add(D(2025, 2, 3), "HYDROSOFT", 4800.00, SOFTWARE_GL, "PumpSel sizing software, annual licence 2025, 5 users")
    add(D(2026, 2, 2), "HYDROSOFT", 5040.00, SOFTWARE_GL, "PumpSel sizing software, annual licence 2026, 5 users")

    for day, amount, memo in (
        (D(2023, 4, 14), 18640.00, "Ocean freight Ningbo/Long Beach, Jan-Mar 2023 bookings"),
        (D(2024, 4, 12), 22315.50, "Ocean freight Ningbo/Houston, Jan-Mar 2024 bookings"),
        (D(2025, 4, 11), 26980.00, "Ocean freight Ningbo/Long Beach, Jan-Mar 2025 bookings"),
        (D(2026, 4, 10), 24410.75, "Ocean freight Ningbo/Houston, Jan-Mar 2026 bookings"),
    ):
        add(day, "KN", amount, OCEAN_GL, memo)
    for day, amount, memo in (
        (D(2024, 10, 9), 9870.00, "Ocean freight Cat Lai/Houston, FY2024 contract balance"),
        (D(2025, 10, 8), 11240.00, "Ocean freight Cat Lai/Houston, FY2025 contract balance"),
    ):
        add(day, "YANGMING", amount, OCEAN_GL, memo)
    for day, amount, memo in (
        (D(2024, 1, 19), 7350.00, "Cross-border trucking Queretaro/Saltillo to Laredo, 2023"),
        (D(2025, 1, 17), 8125.00, "Cross-border trucking Queretaro/Saltillo to Laredo, 2024"),
        (D(2026, 1, 16), 8890.00, "Cross-border trucking Queretaro/Saltillo to Laredo, 2025"),
    ):
        add(day, "FRONTERA", amount, TRUCK_GL, memo)
    add(
        D(2024, 3, 6),
        "SGS",
        1450.00,
        TESTING_GL,
        "Pre-shipment inspection, FT-0716/SS and FT-0720/SS lot",
        "FT-0716/SS",
    )
    add(
        D(2025, 8, 14), "SGS", 1525.00, TESTING_GL, "Pre-shipment inspection and PMI test, FT-0720/SS lot", "FT-0720/SS"
    )

    rows.sort(key=lambda r: (r["Payment Date"], r["Vendor Name"]))
    counters: dict[int, int] = defaultdict(int)
    out = []
    for r in rows:
        counters[r["Payment Date"].year] += 1
        out.append({"Payment ID": _pid(r["Payment Date"], counters[r["Payment Date"].year] * 7 + 100), **r})
    return out
