"""What Tallgrass buys, from whom, and how it ships: suppliers, parts (the product master), trade
lanes with their entry dates, brokers, ports, the duty rates of the HTS numbers declared, and the
entry line every export row and entry document is made from.

The tables are kept as compact rows (``# fmt: off``) so that the whole catalogue reads at a glance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BROKERS = {"W3K": "Westmark Customs Brokerage, Inc.", "B2L": "Borderline Trade Services LLC"}
PORTS = {
    "3001": "Seattle, WA",
    "3002": "Tacoma, WA",
    "5301": "Houston, TX",
    "2304": "Laredo, TX",
    "3801": "Detroit, MI",
}

# General duty rates of the HTS numbers declared in this case (HTSUS 2026; Chapter 39 as in the corpus).
RATES = {
    "3922.20.0000": 0.063,
    "3922.90.0000": 0.063,
    "3917.29.0090": 0.031,
    "3917.39.0050": 0.031,
    "3917.33.0000": 0.031,
    "3920.51.5000": 0.065,
    "3910.00.0000": 0.03,
    "3916.20.0091": 0.058,
    "3921.13.1500": 0.065,
    "3920.43.5000": 0.042,
    "3919.90.5060": 0.058,
    "8516.79.0000": 0.027,
}
SECTION_301_RATE = 0.25
USMCA = ("S", "S+")
# Real CBP rulings copied from the shared corpus: those the master cites, and N332349 (PVC tape, cited
# only in TPW-50's rationale, as a guide).
RULINGS = ("N357645", "N330412", "N325712", "N305250", "N359943", "N309957", "N357381", "N332349")
# the Chinese factory behind one "Vietnamese" commode shipment (planted origin problem)
XIAMEN_MID = "CNXIAKAN57XIA"


@dataclass(frozen=True)
class Supplier:
    """A foreign manufacturer and seller of goods."""

    key: str
    name: str
    country: str
    city: str
    address: str
    mid: str
    loading: str  # port or place of loading
    incoterm: str


# fmt: off
_SUPPLIER_ROWS = [
    # key, name, country, city, street address, MID, place of loading, delivery terms
    ("AQUA", "Hsinchu Aquatronic Sanitary Corp.", "TW", "Hsinchu City",
     "No. 127, Guangfu Road Sec. 2, East District", "TWAQUSAN127HSI", "Keelung", "FOB Keelung"),
    ("MEKONG", "Mekong Healthcare Equipment Co., Ltd.", "VN", "Thuan An, Binh Duong",
     "55 DT743 Road, Binh Hoa Ward", "VNMEKHEA55THU", "Cat Lai, Ho Chi Minh City", "FOB Cat Lai"),
    ("SAIGON", "Saigon Surface Materials JSC", "VN", "Ho Chi Minh City",
     "310 Nguyen Van Linh, District 7", "VNSAISUR310HOC", "Cat Lai, Ho Chi Minh City", "FOB Cat Lai"),
    ("HENGDA", "Taizhou Hengda Plumbing Co., Ltd.", "CN", "Taizhou, Zhejiang",
     "218 Xiqian Road, Yuhuan", "CNHENPLU218TAI", "Shanghai", "FOB Shanghai"),
    ("LAKESHORE", "Lakeshore Silicones Inc.", "CA", "Mississauga, Ontario",
     "4500 Dixie Road, Unit 4", "XOLAKSIL4500MIS", "Mississauga, ON", "FCA Mississauga"),
    ("BAJIO", "Extrusiones del Bajio, S.A. de C.V.", "MX", "Leon, Guanajuato",
     "Blvd. Aeropuerto 455, Parque Industrial", "MXEXTBAJ455LEO", "Leon, GTO", "FCA Leon"),
    ("VOGT", "Schaumtechnik Vogt GmbH & Co. KG", "DE", "Bielefeld",
     "Industriestrasse 12", "DESCHVOG12BIE", "Bremerhaven", "FOB Bremerhaven"),
    ("SARVOTTAM", "Sarvottam Polymers Pvt. Ltd.", "IN", "Vapi, Gujarat",
     "Plot 118, GIDC Phase II", "INSARPOL118VAP", "Nhava Sheva", "FOB Nhava Sheva"),
]
# fmt: on
SUPPLIERS = {row[0]: Supplier(*row) for row in _SUPPLIER_ROWS}


@dataclass(frozen=True)
class Part:
    """A product master row, plus what the generator needs to ship it."""

    number: str
    description: str
    hts: str
    coo: str
    ruling: str
    supplier: str
    unit_price: float  # USD per piece on the invoice
    uom: str  # tariff unit of the HTS
    per_piece: float  # tariff quantity per piece (1 for NO; kg or m2 per piece otherwise)
    pieces: tuple[int, ...]  # quantities a line may carry
    chapter99: str  # Section 301 heading when of Chinese origin
    approved: dt.date | None  # None: not in the product master
    rationale: str = ""
    approved_by: str = "P. Raman, Import Compliance Lead"

    @property
    def in_master(self) -> bool:
        return self.approved is not None


RATIONALES = {
    "BX 4410-02": "Lavatory seat of plastics with incorporated bidet; heading 3922 per CBP ruling N357645 (Smart "
    "Hygiene bidet seat). Electronics do not change the essential character (GRI 3(b)).",
    "BX 4410-05": "Same construction as BX 4410-02 (round bowl); CBP ruling N357645.",
    "R/7718-C": "Composite good; the plastic seat and pail give the essential character (GRI 3(b)); sanitary ware "
    "of plastics, other, per CBP ruling N330412. Secondary 9817.00.96 not claimed.",
    "R/7720-C": "As R/7718-C with padded drop arms; CBP ruling N330412 (portable bedside toilets).",
    "482210": "ABS pipe gives the essential character of the kit; rigid tubes of other plastics, CBP ruling N325712. "
    "Section 301 list 2 (9903.88.02) applies to goods of China.",
    "PNX0042A": "Non-cellular sheet of poly(methyl methacrylate) with ATH filler, not flexible; CBP ruling N305250 "
    "(acrylic solid surface sheets).",
    "PNX0048A": "Same material as PNX0042A, cut to a square; CBP ruling N305250.",
    "100234.7": "Poly(dimethyl siloxane) grease with silica filler, silicones in primary forms; CBP ruling N359943. "
    "Originating under USMCA (tariff shift), producer certification on file.",
    "SG-20/MX": "Profile shape of PVC, extruded, cut to length only; CBP ruling N309957.",
    "FB36-GRY": "Cellular polyurethane; CBP ruling N357381 (polyurethane foam blocks for wheelchair makers). Knit "
    "cover of man-made fibres: combined with textile, 3921.13.15.",
    "TPW-50": "Non-adhesive PVC strip, not less than 6% plasticizer; analogous to CBP ruling N332349 (not issued to us).",
    "TPW-75": "As TPW-50, wider roll.",
}

_D = dt.date.fromisoformat
# fmt: off
_PART_ROWS = [
    # number, description, HTS, origin, ruling, supplier, unit price, UOM, per piece, quantities, Ch. 99, approved
    ("BX 4410-02", "Electronic bidet toilet seat, heated, elongated, AQUAVELA brand", "3922.20.0000", "TW", "N357645",
     "AQUA", 118.00, "NO", 1, (240, 320, 400, 480), "", _D("2026-02-09")),
    ("BX 4410-05", "Electronic bidet toilet seat, heated, round bowl, AQUAVELA brand", "3922.20.0000", "TW", "N357645",
     "AQUA", 112.50, "NO", 1, (60, 80, 100), "", _D("2026-02-09")),
    ("R/7718-C", "Bedside commode, aluminium frame, plastic seat, lid and pail", "3922.90.0000", "VN", "N330412",
     "MEKONG", 41.50, "NO", 1, (150, 200, 300), "", _D("2023-03-06")),
    ("R/7720-C", "Bedside commode with padded drop arms, aluminium frame, plastic seat, lid and pail", "3922.90.0000",
     "VN", "N330412", "MEKONG", 52.00, "NO", 1, (100, 150, 200), "", _D("2023-03-06")),
    ("482210", "Bath waste and overflow kit, ABS pipe and fittings, brass push-lift stopper", "3917.29.0090", "CN",
     "N325712", "HENGDA", 9.40, "KG", 1.35, (1200, 1500, 2000, 2400), "9903.88.02", _D("2022-06-01")),
    ("HS-1850", "Hand-shower hose, PVC, with brass nuts, 1.5 m", "3917.33.0000", "CN", "",
     "HENGDA", 3.20, "KG", 0.28, (1000, 1500, 2000), "9903.88.03", None),
    ("PNX0042A", "Solid-surface shower wall panel, acrylic (PMMA/ATH), 30 x 96 in, matte white", "3920.51.5000", "VN",
     "N305250", "SAIGON", 86.00, "KG", 19.5, (80, 120, 160), "", _D("2020-09-14")),
    ("PNX0048A", "Solid-surface corner shelf panel, acrylic (PMMA/ATH), 12 x 12 in", "3920.51.5000", "VN", "N305250",
     "SAIGON", 54.00, "KG", 4.2, (40, 60, 80), "", _D("2020-09-14")),
    ("100234.7", "Silicone valve and O-ring grease, 150 g tube", "3910.00.0000", "CA", "N359943",
     "LAKESHORE", 3.85, "KG", 0.15, (2400, 3600, 4800), "", _D("2026-04-15")),
    ("SG-20/MX", "Shower-door bottom seal, PVC extruded profile, 2.2 m length", "3916.20.0091", "MX", "N309957",
     "BAJIO", 2.10, "KG", 0.38, (3000, 4000, 5000), "", _D("2021-01-12")),
    ("FB36-GRY", "Transfer-bench cushion, polyurethane foam block with polyester knit cover, 36 x 36 cm",
     "3921.13.1500", "DE", "N357381", "VOGT", 14.20, "M2", 0.13, (400, 600, 800), "", _D("2026-02-02")),
    ("TPW-50", "Pipe-wrap tape, PVC, non-adhesive, 50 mm x 18 m roll", "3920.43.5000", "IN", "",
     "SARVOTTAM", 1.95, "KG", 0.32, (2000, 3000, 4000), "", _D("2021-03-02")),
    ("TPW-75", "Pipe-wrap tape, PVC, non-adhesive, 75 mm x 18 m roll", "3920.43.5000", "IN", "",
     "SARVOTTAM", 2.60, "KG", 0.47, (1000, 1500, 2000), "", _D("2021-03-02")),
]
# fmt: on
PARTS = {row[0]: Part(*row, rationale=RATIONALES.get(row[0], "")) for row in _PART_ROWS}


@dataclass(frozen=True)
class Lane:
    """A trade lane: who files, where, which parts ship together, and the entry dates."""

    key: str
    filer: str
    port: str
    export_country: str
    summary_lag: int  # days from entry to entry summary
    patterns: tuple[tuple[str, ...], ...]  # the parts of the i-th entry: patterns[i % len(patterns)]
    entry_dates: tuple[dt.date, ...]


def spread(first: str, last: str, n: int) -> tuple[dt.date, ...]:
    """``n`` dates evenly spaced from ``first`` to ``last`` (ISO)."""
    start, end = _D(first), _D(last)
    step = (end - start).days / (n - 1)
    return tuple(start + dt.timedelta(days=round(k * step)) for k in range(n))


def dates(*iso: str) -> tuple[dt.date, ...]:
    return tuple(_D(d) for d in iso)


# fmt: off
LANES = (
    Lane("CN", "W3K", "3002", "CN", 6, (("482210", "HS-1850"), ("482210",), ("482210", "HS-1850")),
         spread("2021-01-19", "2026-05-05", 12)),
    Lane("VN", "W3K", "3001", "VN", 6,
         (("R/7718-C", "PNX0042A"), ("PNX0042A", "PNX0048A"), ("R/7718-C", "R/7720-C", "PNX0042A", "PNX0048A"),
          ("R/7718-C",)),
         spread("2021-02-23", "2026-06-02", 13)),
    Lane("TW", "W3K", "3002", "TW", 6, (("BX 4410-02", "BX 4410-05"), ("BX 4410-02",)),
         spread("2021-03-30", "2026-05-26", 11)),
    Lane("DE", "W3K", "5301", "DE", 7, (("FB36-GRY",),), spread("2021-05-11", "2025-11-18", 5)),
    Lane("IN", "W3K", "5301", "IN", 7, (("TPW-50", "TPW-75"), ("TPW-50",)), spread("2021-04-20", "2026-02-17", 5)),
    Lane("MX", "B2L", "2304", "MX", 9, (("SG-20/MX",),),
         dates("2021-04-06", "2021-11-30", "2022-07-19", "2022-12-20", "2023-06-13", "2024-02-06", "2024-09-24",
               "2024-12-31", "2025-05-20", "2026-01-13")),
    Lane("CA", "B2L", "3801", "CA", 9, (("100234.7",),),
         dates("2021-02-09", "2021-09-14", "2022-04-12", "2023-01-10", "2023-06-13", "2024-01-16", "2024-08-20",
               "2025-03-11", "2025-10-14", "2026-03-10", "2026-05-19")),
)
# fmt: on
LANE_EXPORT = {lane.key: lane.export_country for lane in LANES}


@dataclass
class Line:
    """One entry summary line (its main tariff ordinal; a Chapter 99 ordinal is derived)."""

    entry: str
    lane: str
    filer: str
    port: str
    entry_date: dt.date
    summary_date: dt.date
    line: int
    part: Part
    pieces: int
    unit_price: float
    invoice: str
    hts: str | None = None
    coo: str | None = None
    mid: str | None = None
    spi: str = ""
    psc: str = "N"
    additions: float = 0.0

    @property
    def supplier(self) -> Supplier:
        return SUPPLIERS[self.part.supplier]

    @property
    def declared_hts(self) -> str:
        return self.hts or self.part.hts

    @property
    def declared_coo(self) -> str:
        return self.coo or self.part.coo

    @property
    def declared_mid(self) -> str:
        return self.mid or self.supplier.mid

    @property
    def goods_value(self) -> float:
        return round(self.pieces * self.unit_price, 2)

    @property
    def entered_value(self) -> float:
        return round(self.goods_value + self.additions, 2)

    @property
    def tariff_quantity(self) -> float:
        return round(self.pieces * self.part.per_piece, 1)

    @property
    def duty(self) -> float:
        if self.spi in USMCA:
            return 0.0
        return round(self.entered_value * RATES[self.declared_hts], 2)

    @property
    def chapter99(self) -> tuple[str, float] | None:
        """The Section 301 ordinal: only for goods declared of Chinese origin."""
        if self.part.chapter99 and self.declared_coo == "CN":
            return self.part.chapter99, round(self.entered_value * SECTION_301_RATE, 2)
        return None
