"""Entry documents of the third case: commercial invoices and packing lists (one per supplier
invoice) and the CBP Form 7501 entry summary (one per entry), as PDFs with a text layer (fpdf2),
and a USMCA certification. The layout (monospaced item tables, numbered 7501 blocks) differs from
the sample case on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evaluation.datasets.third_case.catalogue import Line, Part, Supplier

COUNTRY_NAMES = {
    "TW": "Taiwan",
    "VN": "Vietnam",
    "CN": "China",
    "CA": "Canada",
    "MX": "Mexico",
    "DE": "Germany",
    "IN": "India",
    "MY": "Malaysia",
    "US": "United States",
}
INVOICE_LEAD_DAYS = 24  # invoice date before the entry date
CARTON_KG = 0.8  # tare of a carton
NET_KG_PER_PIECE = 4.6  # seats, commodes, cushions: net weight a piece


@dataclass(frozen=True)
class EntryDocs:
    """The entry-level facts the documents print."""

    entry: str
    entry_date: dt.date
    summary_date: dt.date
    filer_name: str
    port: str
    importer: str
    importer_address: str
    ior: str


def write_pdf(path: Path, blocks: Sequence[tuple[str, str]], title: str, created: dt.date) -> None:
    """A one-or-more page PDF from ``(style, text)`` blocks: ``h1``, ``h2``, ``p`` (Helvetica) or
    ``mono`` (Courier, for item tables); ``created`` is its creation date (the same bytes every build)."""
    from fpdf import FPDF

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(title)
    pdf.set_creator("Tallgrass DMS export")
    pdf.set_creation_date(dt.datetime.combine(created, dt.time(9, 0), tzinfo=dt.UTC))
    pdf.add_page()
    fonts = {"h1": ("Helvetica", "B", 15, 8), "h2": ("Helvetica", "B", 10, 6), "p": ("Helvetica", "", 9, 4.8)}
    fonts["mono"] = ("Courier", "", 8, 4.2)
    for style, text in blocks:
        family, weight, size, height = fonts[style]
        pdf.set_font(family, weight, size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
        if style != "mono":
            pdf.ln(1)
    pdf.output(str(path))


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _country(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)


def _by_invoice(lines: Sequence[Line]) -> dict[str, list[Line]]:
    out: dict[str, list[Line]] = {}
    for l in lines:
        out.setdefault(l.invoice, []).append(l)
    return out


def _invoice_blocks(info: EntryDocs, invoice: str, lines: Sequence[Line]) -> list[tuple[str, str]]:
    s = lines[0].supplier
    day = info.entry_date - dt.timedelta(days=INVOICE_LEAD_DAYS)
    blocks = [
        ("h1", "COMMERCIAL INVOICE"),
        ("p", f"{s.name}\n{s.address}, {s.city}, {_country(s.country)}"),
        ("p", f"Invoice No.: {invoice}        Invoice date: {day:%d %b %Y}"),
        ("p", f"Sold to and ship to: {info.importer}, {info.importer_address}, USA"),
        ("p", f"Terms of delivery: {s.incoterm}. Payment: T/T 45 days. Currency: US dollars."),
        ("p", f"Loaded at {s.loading}; destination {info.port}."),
        ("h2", "Goods"),
        ("mono", f"{'Ln':<3}{'Part No.':<13}{'Description':<44}{'Qty':>7}{'Unit USD':>10}{'Amount USD':>13}"),
    ]
    for l in lines:
        desc = l.part.description[:42]
        blocks.append(
            (
                "mono",
                f"{l.line:<3}{l.part.number:<13}{desc:<44}{l.pieces:>7}{_money(l.unit_price):>10}{_money(l.goods_value):>13}",
            )
        )
    total = sum(l.goods_value for l in lines)
    blocks.append(("mono", f"{'':<60}{'TOTAL USD':>17}{_money(total):>13}"))
    for l in lines:
        blocks.append(
            ("p", f"Part {l.part.number}: country of origin {_country(l.declared_coo)}; producer MID {l.declared_mid}.")
        )
    blocks.append(("p", "Marks: TALLGRASS / LENEXA KS / MADE IN (country of origin) / C/NO. 1-UP"))
    blocks.append(
        (
            "p",
            "We declare that this invoice shows the actual price of the goods described, that no other payment is due "
            "to us for them, and that all particulars are true and correct.",
        )
    )
    return blocks


def _packing_blocks(info: EntryDocs, invoice: str, lines: Sequence[Line]) -> list[tuple[str, str]]:
    s = lines[0].supplier
    blocks = [
        ("h1", "PACKING LIST"),
        ("p", f"Shipper: {s.name}, {s.city}, {_country(s.country)}"),
        ("p", f"Consignee: {info.importer}, {info.importer_address}"),
        ("p", f"Ref. invoice {invoice}; shipped from {s.loading}"),
        ("mono", f"{'Part No.':<13}{'Pieces':>8}{'Cartons':>9}{'Net kg':>10}{'Gross kg':>10}"),
    ]
    total_cartons = total_gross = 0.0
    for l in lines:
        cartons = max(1, round(l.pieces / 20))
        net = l.tariff_quantity if l.part.uom == "KG" else round(l.pieces * NET_KG_PER_PIECE, 1)
        gross = round(net + cartons * CARTON_KG, 1)
        total_cartons += cartons
        total_gross += gross
        blocks.append(("mono", f"{l.part.number:<13}{l.pieces:>8}{cartons:>9}{net:>10.1f}{gross:>10.1f}"))
    blocks.append(("mono", f"{'Totals':<21}{total_cartons:>9.0f}{'':>10}{total_gross:>10.1f}"))
    blocks.append(("p", "Each carton marked with part number, quantity and country of origin."))
    return blocks


def _summary_blocks(info: EntryDocs, lines: Sequence[Line]) -> list[tuple[str, str]]:
    origins = sorted({l.declared_coo for l in lines})
    blocks = [
        ("p", "DEPARTMENT OF HOMELAND SECURITY - U.S. Customs and Border Protection"),
        ("h1", "ENTRY SUMMARY (CBP Form 7501)"),
        (
            "p",
            f"1. Filer code/entry no.: {info.entry}    2. Entry type: 01 ABI/A    "
            f"3. Summary date: {info.summary_date:%m/%d/%Y}",
        ),
        (
            "p",
            f"5. Bond type: 8 (continuous)    6. Port code: {info.port}    7. Entry date: {info.entry_date:%m/%d/%Y}",
        ),
        ("p", f"10. Country of origin: {origins[0] if len(origins) == 1 else 'MULTI'}"),
        ("p", f"25./26. Importer of record: {info.importer}, importer no. {info.ior}"),
        ("p", f"Filer: {info.filer_name}"),
        ("h2", "Line detail"),
    ]
    for l in lines:
        rate = 0.0 if l.entered_value == 0 else l.duty / l.entered_value
        text = (
            f"{l.line:03d}  Part {l.part.number}, {l.part.description}. Invoice {l.invoice}.\n"
            f"     HTSUS No. {l.declared_hts}  qty {l.tariff_quantity:g} {l.part.uom}  entered value "
            f"${_money(l.entered_value)}  rate {rate:.1%}  duty ${_money(l.duty)}\n"
            f"     Origin {l.declared_coo}  MID {l.declared_mid}"
            + (f"  SPI {l.spi}" if l.spi else "")
            + (f"  (includes additions ${_money(l.additions)})" if l.additions else "")
        )
        blocks.append(("mono", text))
        if ch99 := l.chapter99:
            blocks.append(("mono", f"     HTSUS No. {ch99[0]}  rate 25.0%  duty ${_money(ch99[1])}"))
    duty = sum(l.duty + (l.chapter99[1] if l.chapter99 else 0.0) for l in lines)
    value = sum(l.entered_value for l in lines)
    blocks.append(("p", f"35. Total entered value: ${_money(value)}    37. Duty: ${_money(duty)}"))
    blocks.append(("p", "Other fees (MPF, HMF): per ACE statement."))
    blocks.append(
        (
            "p",
            "Declaration of importer of record or authorized agent: the statements in the invoices and this entry "
            "summary are true and correct to the best of our knowledge and belief.",
        )
    )
    return blocks


def write_entry_documents(folder: Path, info: EntryDocs, lines: Sequence[Line], skip: set[str]) -> None:
    """Invoice and packing list per supplier invoice, one entry summary; kinds in ``skip`` are not written."""
    for invoice, inv_lines in _by_invoice(lines).items():
        safe = invoice.replace("/", "_")
        if "commercial_invoice" not in skip:
            write_pdf(
                folder / f"CI_{safe}.pdf",
                _invoice_blocks(info, invoice, inv_lines),
                f"Invoice {invoice}",
                info.entry_date,
            )
        if "packing_list" not in skip:
            write_pdf(
                folder / f"PL_{safe}.pdf",
                _packing_blocks(info, invoice, inv_lines),
                f"Packing list {invoice}",
                info.entry_date,
            )
    if "entry_summary" not in skip:
        write_pdf(
            folder / f"CBP7501_{info.entry}.pdf",
            _summary_blocks(info, lines),
            f"Entry summary {info.entry}",
            info.summary_date,
        )


def write_certificate(path: Path, cert: dict, importer: str, supplier: Supplier, part: Part) -> None:
    """The producer's USMCA certification (the nine minimum data elements of 19 CFR 182.12)."""
    write_pdf(
        path,
        [
            ("h1", "USMCA CERTIFICATION OF ORIGIN"),
            ("p", f"Certification no.: {cert['Certificate ID']}"),
            ("p", f"1. Certifier: producer - {supplier.name}, {supplier.address}, {supplier.city}, Mexico"),
            ("p", f"2. Exporter: same as certifier.   3. Producer: {cert['Producer']}"),
            ("p", f"4. Importer: {importer}, Lenexa, Kansas, USA"),
            ("p", f"5. Description and HS tariff classification: {part.description}, part {part.number}, HS 3916.20"),
            ("p", "6. Origin criterion: B (tariff change and regional content under Annex 4-B)"),
            ("p", f"7. Blanket period: {cert['Blanket Start']} to {cert['Blanket End']}"),
            (
                "p",
                "8. I certify that the goods described in this document qualify as originating and the information "
                "contained in this document is true and accurate. I assume responsibility for proving such "
                "representations and agree to maintain and present upon request documentation necessary to "
                "support this certification.",
            ),
            ("p", "9. Authorized signature: Ing. Rocio Valdez Arriaga, Directora de Comercio Exterior"),
        ],
        title=f"USMCA certification {cert['Certificate ID']}",
        created=dt.date.fromisoformat(cert["Blanket Start"]),
    )
