"""Entry documents of the fourth case, as PDFs: the supplier's commercial invoice and packing list (one each per
entry, the invoice number in their text) and the broker's CBP Form 7501 entry summary (the entry number in its
text and file name); plus the USMCA certification of origin kept as a PDF.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from evaluation.datasets.fourth_case.catalogue import (
    BROKERS,
    IMPORTER,
    IMPORTER_ADDRESS,
    IOR,
    PORT_NAMES,
    VENDORS,
    WENZHOU_MID,
    YUYAO,
    YUYAO_MID,
)
from evaluation.datasets.fourth_case.pdf import write_pdf
from evaluation.datasets.fourth_case.records import Entry

COUNTRY = {
    "CN": "China",
    "VN": "Vietnam",
    "MX": "Mexico",
    "DE": "Germany",
    "IT": "Italy",
    "JP": "Japan",
    "TW": "Taiwan",
    "US": "United States",
}
CARRIER = {"2709": "COSCO SHIPPING", "5301": "HAPAG-LLOYD", "5501": "NIPPON CARGO AIRLINES", "2304": "TRUCK"}
MPF_RATE, MPF_MIN, MPF_MAX = 0.003464, 32.71, 634.62
HMF_RATE = 0.00125
WENZHOU = "Wenzhou Longwan Steel Fittings Co., Ltd., 608 Binhai Avenue, Wenzhou, Zhejiang"


def money(x: float) -> str:
    return f"{x:,.2f}"


def _po(e: Entry) -> str:
    return f"RFC-PO-{e.invoice_date:%y}{(sum(map(ord, e.invoice)) * 37) % 9000 + 1000}"


def _bl(e: Entry) -> str:
    if e.port == "2304":
        return f"TFN{e.entry_date:%y%m%d}{e.invoice[-3:]}"
    if e.port == "5501":
        return f"933-{e.entry_date:%m%d}{len(e.invoice) * 1117 % 10000:04d}"
    return f"{'COSU' if e.port == '2709' else 'HLCU'}{e.invoice_date:%y%m}{(sum(map(ord, e.number)) * 13) % 100000:05d}"


def _maker(mid: str, vendor_name: str) -> str:
    if mid == YUYAO_MID:
        return YUYAO
    if mid == WENZHOU_MID:
        return WENZHOU
    return vendor_name


def invoice_blocks(e: Entry) -> list[tuple[str, object]]:
    v = VENDORS[e.vendor]
    rows = [["Item", "Part no.", "Description", "HS code", "Qty", "Unit price", "Amount USD"]]
    for l in e.lines:
        rows.append(
            [
                str(l.number),
                l.part.number,
                l.part.description,
                l.part.hts[:7],
                f"{l.qty:,.0f} {'KG' if l.part.uom == 'KG' else 'PCS'}",
                money(l.unit_price),
                money(l.invoice_value),
            ]
        )
    total = sum(l.invoice_value for l in e.lines)
    rows.append(["", "", "TOTAL " + v.incoterm + " " + (v.loading or v.city), "", "", "", money(total)])
    blocks: list[tuple[str, object]] = [
        ("h1", v.name),
        ("small", f"{v.address}, {v.city}, {COUNTRY[v.country]}"),
        ("rule", None),
        ("title", "COMMERCIAL INVOICE"),
        ("kv", ("Invoice number", e.invoice)),
        ("kv", ("Invoice date", f"{e.invoice_date:%Y-%m-%d}")),
        ("kv", ("Buyer / consignee", f"{IMPORTER}, {IMPORTER_ADDRESS}, USA")),
        ("kv", ("Customer order", _po(e))),
        ("kv", ("Terms of delivery", f"{v.incoterm} {v.loading or v.city} (Incoterms 2020)")),
        ("kv", ("Currency / payment", "USD / statement account, net 60 days")),
        ("table", ([10, 22, 62, 18, 20, 20, 26], rows)),
    ]
    for l in e.lines:
        maker = _maker(l.mid, v.name)
        blocks.append(("small", f"Item {l.number}: made in {COUNTRY[l.coo]} by {maker} (MID {l.mid})."))
    if e.vendor == "MINHPHAT" and e.invoice_date >= dt.date(2023, 9, 12):
        blocks.append(("small", "Unit price includes amortisation of forging dies per quotation MP-Q-2319."))
    blocks += [
        ("gap", 3),
        (
            "p",
            "We certify that this invoice is true and correct, that it shows the whole price paid or payable for "
            "the goods and that the goods are of the origin stated.",
        ),
        ("p", "Authorised signature: ______________________   (export department)"),
    ]
    return blocks


def packing_blocks(e: Entry) -> list[tuple[str, object]]:
    v = VENDORS[e.vendor]
    rows = [["Part no.", "Quantity", "Packages", "Net weight kg", "Gross weight kg", "Marks"]]
    tot_pk = tot_net = tot_gross = 0.0
    for l in e.lines:
        per = 1 if l.part.kg_per_unit > 20 else max(1, int(40 / max(l.part.kg_per_unit, 0.05)))
        packages = max(1, -(-int(l.qty) // per))
        net = l.qty if l.part.uom == "KG" else round(l.qty * l.part.kg_per_unit, 1)
        gross = round(net * 1.06 + packages * 0.9, 1)
        tot_pk, tot_net, tot_gross = tot_pk + packages, tot_net + net, tot_gross + gross
        rows.append([l.part.number, f"{l.qty:,.0f}", str(packages), f"{net:,.1f}", f"{gross:,.1f}", "RFC TULSA"])
    rows.append(["TOTAL", "", f"{tot_pk:,.0f}", f"{tot_net:,.1f}", f"{tot_gross:,.1f}", ""])
    return [
        ("title", "PACKING LIST"),
        ("kv", ("Shipper", f"{v.name}, {v.city}, {COUNTRY[v.country]}")),
        ("kv", ("Consignee", f"{IMPORTER}, {IMPORTER_ADDRESS}")),
        ("kv", ("Packing list no.", f"PL-{e.invoice}")),
        # Saigon Elastomer prints "Invoice No." on its packing lists; the other shippers "Reference invoice".
        ("kv", ("Invoice No." if e.vendor == "ELASTO" else "Reference invoice", e.invoice)),
        ("kv", ("Date of shipment", f"{e.invoice_date + dt.timedelta(days=2):%Y-%m-%d}")),
        ("kv", ("Transport document", _bl(e))),
        ("table", ([34, 26, 24, 26, 26, 34], rows)),
        (
            "small",
            "Packages: cartons on pallets, wooden crates for valves over 20 kg. Each package marked with part "
            "number, quantity and country of origin.",
        ),
    ]


def summary_blocks(e: Entry) -> list[tuple[str, object]]:
    b = BROKERS[e.filer]
    v = VENDORS[e.vendor]
    origins = sorted({l.coo for l in e.lines})
    mids = sorted({l.mid for l in e.lines})
    value = e.value
    mpf = min(MPF_MAX, max(MPF_MIN, round(value * MPF_RATE, 2)))
    hmf = round(value * HMF_RATE, 2) if e.port in ("2709", "5301") else 0.0
    mode = {"2304": "30 truck", "5501": "40 air"}.get(e.port, "11 vessel, containerized")
    blocks: list[tuple[str, object]] = [
        ("small", "DEPARTMENT OF HOMELAND SECURITY  -  U.S. Customs and Border Protection  -  OMB 1651-0022"),
        ("title", "ENTRY SUMMARY  (CBP Form 7501)"),
        (
            "table",
            (
                [60, 60, 60],
                [
                    ["1. Filer code / entry no.", "2. Entry type", "3. Summary date"],
                    [e.number, "01 ABI/A", f"{e.summary_date:%m/%d/%Y}"],
                    ["5. Bond type", "6. Port code", "7. Entry date"],
                    ["8 continuous", f"{e.port} {PORT_NAMES[e.port]}", f"{e.entry_date:%m/%d/%Y}"],
                    ["8. Importing carrier", "9. Mode of transport", "10. Country of origin"],
                    [CARRIER[e.port], mode, origins[0] if len(origins) == 1 else "MULTI"],
                    ["12. B/L or AWB no.", "13. Manufacturer ID", "14. Exporting country"],
                    [_bl(e), mids[0] if len(mids) == 1 else "MULTI", v.country],
                ],
            ),
        ),
        ("kv", ("23. Importer no.", IOR)),
        ("kv", ("26. Importer of record", f"{IMPORTER}, {IMPORTER_ADDRESS}")),
        ("kv", ("Invoice", f"{e.invoice} from {v.name}")),
        ("h3", "27-33  Line detail"),
    ]
    for l in e.lines:
        rate = l.duty / l.entered_value if l.entered_value and not l.spi else 0.0
        text = (
            f"{l.number:03d}  {l.part.number}  {l.part.description[:60].upper()}\n"
            f"     HTSUS {l.hts}  {l.qty:,.0f} {l.part.uom}  entered value {money(l.entered_value)}  "
            f"rate {rate * 100:.1f}%  duty {money(l.duty)}\n"
            f"     origin {l.coo}  MID {l.mid}"
            + (f"  SPI {l.spi}" if l.spi else "")
            + (f"  ADD {money(l.additions)} (assist)" if l.additions else "")
        )
        blocks.append(("mono", text))
        if l.ch99:
            blocks.append(("mono", f"     HTSUS {l.ch99}  rate 25%  duty {money(l.ch99_duty)}"))
    total_duty = e.duty
    blocks += [
        ("gap", 2),
        (
            "table",
            (
                [45, 45, 45, 45],
                [
                    ["35. Total entered value", "37. Duty", "39. Other fees (MPF 499, HMF 501)", "40. Total"],
                    [
                        f"$ {money(value)}",
                        f"$ {money(total_duty)}",
                        f"MPF {money(mpf)}  HMF {money(hmf)}",
                        f"$ {money(total_duty + mpf + hmf)}",
                    ],
                ],
            ),
        ),
        ("small", f"Filed by {b.name} ({b.filer}), {b.city}, as customs broker for the importer of record."),
        (
            "small",
            "Declaration of importer of record or authorized agent: I declare that the prices stated in the "
            "invoices are true and correct and that all statements in this entry summary are true and correct.",
        ),
    ]
    return blocks


def write_entry_documents(folder: Path, e: Entry, skip: set[str]) -> list[str]:
    """Writes the entry's documents except the kinds in ``skip``; returns the file names written."""
    safe = e.invoice.replace("/", "-").replace(" ", "_")
    written = []
    jobs = [
        ("commercial_invoice", f"INV_{safe}.pdf", invoice_blocks, f"Commercial invoice {e.invoice}", e.invoice_date),
        (
            "packing_list",
            f"PL_{safe}.pdf",
            packing_blocks,
            f"Packing list {e.invoice}",
            e.invoice_date + dt.timedelta(days=2),
        ),
        ("entry_summary", f"7501_{e.number}.pdf", summary_blocks, f"CBP 7501 {e.number}", e.summary_date),
    ]
    for kind, name, make, title, day in jobs:
        if kind in skip:
            continue
        write_pdf(folder / name, make(e), title=title, created=day)
        written.append(name)
    return written


def write_usmca_certificate(path: Path, cert_id: str, start: str, end: str) -> None:
    """The producer's blanket USMCA certification, with the minimum data elements in the order CBP lists them."""
    v = VENDORS["CHB"]
    blocks: list[tuple[str, object]] = [
        ("title", "USMCA / T-MEC / CUSMA CERTIFICATION OF ORIGIN"),
        (
            "small",
            "Issued under Article 5.2 of the Agreement between the United States of America, the United "
            "Mexican States, and Canada. Blanket certification.",
        ),
        ("kv", ("Certification no.", cert_id)),
        ("kv", ("1. Certifier", "Producer")),
        (
            "kv",
            ("2. Certifier name and address", f"{v.name}, {v.address}, {v.city}, Mexico. RFC CHB990312KL4"),
        ),
        ("kv", ("3. Exporter", "Same as certifier")),
        ("kv", ("4. Producer", "Same as certifier")),
        ("kv", ("5. Importer", f"{IMPORTER}, {IMPORTER_ADDRESS}, USA")),
        (
            "table",
            (
                [40, 80, 30, 30],
                [
                    ["6. Part number", "Description of good", "7. HS (6 digit)", "8. Origin criterion"],
                    [
                        "4415.020",
                        "PVC drain hose assembly, 20 mm, with plastic connector and steel clip",
                        "3917.33",
                        "B",
                    ],
                    ["4415.032", "PVC suction hose assembly, 32 mm, with cam-lock fittings", "3917.33", "B"],
                ],
            ),
        ),
        ("kv", ("9. Blanket period", f"From {start} to {end}")),
        (
            "p",
            "Non-originating PVC compound (subheading 3904.21) is extruded into hose in Queretaro; the hose and "
            "fittings are assembled in Queretaro. The goods meet the tariff shift rule for heading 3917 and the "
            "producer holds the supporting bills of materials.",
        ),
        (
            "p",
            "I certify that the goods described in this document qualify as originating and the information "
            "contained in this document is true and accurate. I assume responsibility for proving such "
            "representations and agree to maintain and present upon request or to make available during a "
            "verification visit, documentation necessary to support this certification.",
        ),
        ("kv", ("Authorized signature", "Ing. Arturo Salcedo Pineda")),
        ("kv", ("Title", "Gerente de Comercio Exterior")),
        ("kv", ("Date", "2025-12-09")),
        ("kv", ("Telephone / e-mail", "+52 442 215 3380 / comercio.exterior@chbajio.mx")),
    ]
    write_pdf(path, blocks, title=f"USMCA certification {cert_id}", created=dt.date(2025, 12, 9))
