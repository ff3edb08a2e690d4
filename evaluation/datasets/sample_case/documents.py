"""Documents of the sample case: entry PDFs, compliance manual, broker instructions, certificate,
FA draft report. Real PDFs (fpdf2, with a text layer) and a real DOCX (python-docx)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def write_pdf(path: Path, pages: list[list[str]], title: str = "") -> None:
    from fpdf import FPDF

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(title or path.stem)
    for lines in pages:
        pdf.add_page()
        for _i, line in enumerate(lines):
            if line.startswith("# "):
                pdf.set_font("Helvetica", "B", 14)
                pdf.multi_cell(0, 8, line[2:], new_x="LMARGIN", new_y="NEXT")
            elif line.startswith("## "):
                pdf.set_font("Helvetica", "B", 11)
                pdf.multi_cell(0, 7, line[3:], new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("Helvetica", "", 10)
                pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _money(x: float) -> str:
    return f"${x:,.2f}"


def write_entry_documents(folder: Path, entry: str, day: dt.date, lines, skip: set[str], importer: str) -> None:
    invoice = lines[0].invoice
    supplier_mid = lines[0].mid or lines[0].product.mid
    inv_date = day - dt.timedelta(days=30)
    total = sum(l.value for l in lines)
    if "commercial_invoice" not in skip:
        body = [
            "# COMMERCIAL INVOICE",
            f"Invoice No.: {invoice}    Date: {inv_date:%B %d, %Y}",
            f"Seller / manufacturer ID: {supplier_mid}",
            f"Buyer and importer of record: {importer}, 1200 Harbor Parkway, Allentown, PA 18109",
            "Terms of sale: FOB Ningbo. Currency: USD. Payment: 60 days.",
            "## Goods",
        ]
        for l in lines:
            body.append(
                f"Item {l.line}: Part No: {l.product.part} - {l.product.description}; quantity {l.qty} {l.product.uom}; "
                f"unit price {_money(l.unit_value)}; amount {_money(l.value)}; origin {l.coo or l.product.coo}"
            )
        body.append(f"Total invoice value: {_money(total)}")
        body.append("We certify that this invoice is true and correct and shows the actual price paid or payable.")
        write_pdf(folder / f"invoice_{invoice}.pdf", [body])
    if "packing_list" not in skip:
        body = [
            "# PACKING LIST",
            f"Reference invoice: {invoice}",
            f"Shipper: manufacturer {supplier_mid}",
            f"Consignee: {importer}",
        ]
        for l in lines:
            cartons = max(1, l.qty // 50)
            body.append(
                f"Part No: {l.product.part}: {cartons} cartons, {l.qty} {l.product.uom}, gross weight {cartons * 11.5:.1f} kg"
            )
        write_pdf(folder / f"packing_list_{invoice}.pdf", [body])
    if "entry_summary" not in skip:
        body = [
            "# ENTRY SUMMARY - CBP Form 7501",
            f"Entry number: {entry}    Entry type: 01 ABI/A    Summary date: {day:%m/%d/%Y}",
            f"Importer of record: {importer}    Filer code: {entry[:3]} (Harbor Line Customs Brokers)",
            "Port of entry: 2704 Los Angeles/Long Beach",
        ]
        for l in lines:
            hts = l.hts or l.product.hts
            body.append(
                f"Line {l.line}: {l.product.description} (part {l.product.part}), HTSUS {hts}, "
                f"entered value {_money(l.value + l.additions)}, origin {l.coo or l.product.coo}, MID {l.mid or l.product.mid}"
                + (f", SPI {l.spi}" if l.spi else "")
            )
        body.append(f"Invoice: {invoice}")
        write_pdf(folder / f"7501_{entry}.pdf", [body])


MANUAL_PAGES = [
    [
        "# {importer} - Trade Compliance Manual",
        "Revision 4, effective January 2025. Owner: Director of Trade Compliance.",
        "## 1. Purpose and scope",
        "This manual sets out the standard operating procedures by which {importer} exercises reasonable care in "
        "its import transactions, as required by 19 USC 1484. It applies to every entry filed for the company as "
        "importer of record, whoever the filer is.",
        "## 2. Organization and responsibilities",
        "The Director of Trade Compliance reports to the Chief Financial Officer and is responsible for customs "
        "compliance. The Trade Compliance Analyst maintains the product master and reviews broker entries. "
        "Accounts Payable, Purchasing and Product Development must notify Trade Compliance of any payment that may "
        "affect the value of imported goods.",
        "## 3. Risk assessment",
        "Trade Compliance performs a customs risk assessment once a year, in the first quarter, covering "
        "classification, valuation, origin, special trade programs and recordkeeping. The last risk assessment was "
        "completed in March 2025 and approved by the CFO.",
    ],
    [
        "## 4. Classification",
        "Every part number is classified before its first import and recorded in the product master with the "
        "10-digit HTS number, the rationale and, where one exists, the CBP ruling relied on. New classifications "
        "are proposed by the Trade Compliance Analyst and approved by the Director. Where the classification is "
        "uncertain, the company requests a binding ruling under 19 CFR Part 177. The broker must use the HTS "
        "number of the product master; any deviation must be approved in writing by Trade Compliance.",
        "## 5. Valuation",
        "Goods are appraised at transaction value (19 USC 1401a). Assists - molds, tooling, dies, engineering, "
        "artwork and design work, or materials supplied free or at reduced cost to a foreign manufacturer - must be "
        "added to the entered value (19 USC 1401a(b)(1)(C) and 19 CFR 152.103). Royalties and license fees that "
        "the company must pay as a condition of the sale of imported goods must be added too "
        "(19 USC 1401a(b)(1)(D)). Accounts Payable flags payments booked to GL 5100 Tooling, 5200 Engineering, "
        "5300 Product Design and 6200 Royalties to Trade Compliance each month, and Trade Compliance instructs the "
        "broker to declare them, apportioned over the goods, as Line Additions.",
        "## 6. Country of origin and marking",
        "Country of origin is determined per part and recorded in the product master. Goods must be marked with "
        "their country of origin as required by 19 USC 1304. A change of supplier or factory requires a new origin "
        "review before the first shipment.",
    ],
    [
        "## 7. Special trade programs (USMCA)",
        "Preference under USMCA (SPI S or S+) is claimed only when a valid certification of origin covering the "
        "part and the date of importation is on file before the entry is filed (19 CFR 182.12). Blanket "
        "certifications are tracked in the certificate register and renewed 60 days before they lapse.",
        "## 8. Broker management",
        "Harbor Line Customs Brokers files our entries under a written letter of instruction. Trade Compliance "
        "reviews every entry summary within 10 business days of filing against the invoice and product master, "
        "records the review in the broker review log, and requests a post-summary correction for any error found.",
        "## 9. Recordkeeping",
        "Entry records - commercial invoice, packing list, entry summary (CBP Form 7501), bill of lading and "
        "certificates - are kept for five years from the date of entry, as required by 19 USC 1508 and "
        "19 CFR Part 163, in the document management system, filed by entry number.",
        "## 10. Internal audit and corrective action",
        "Internal Audit tests a sample of 50 entry lines each year. Errors are corrected by post-summary correction "
        "while the entry is unliquidated; errors that cannot be corrected that way are evaluated for a prior "
        "disclosure under 19 CFR 162.74 with outside counsel, given the penalty exposure under 19 USC 1592.",
    ],
]


def write_compliance_manual(path: Path, importer: str) -> None:
    write_pdf(
        path,
        [[line.format(importer=importer) for line in page] for page in MANUAL_PAGES],
        title=f"{importer} Trade Compliance Manual",
    )


def write_broker_instructions(path: Path, importer: str) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Broker Instructions - Letter of Instruction", level=1)
    doc.add_paragraph(f"From: {importer}, Trade Compliance. To: Harbor Line Customs Brokers (filer code HL7).")
    for heading, text in [
        (
            "Classification",
            "Use the HTS number of our product master for each part number. Do not change a "
            "classification without written approval from Trade Compliance. Report any part number not in the "
            "product master before filing.",
        ),
        (
            "Valuation",
            "Declare the invoice price plus any additions we notify (assists, royalties) as Line "
            "Additions Amount. Ask us about any payment terms you see on invoices that suggest additional payments.",
        ),
        (
            "Special programs",
            "Claim USMCA (SPI S) only for part numbers listed in our certificate register, and "
            "only for dates the certification covers.",
        ),
        (
            "Review",
            "Send each entry summary to Trade Compliance before transmission when it contains a new part "
            "number; all other entries are reviewed by us after filing.",
        ),
    ]:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(text)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Contact"
    table.rows[0].cells[1].text = "M. Alvarez, Director of Trade Compliance"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def write_certificate(path: Path, cert: dict) -> None:
    write_pdf(
        path,
        [
            [
                "# USMCA CERTIFICATION OF ORIGIN",
                f"Certificate: {cert['Certificate ID']}",
                f"Certifier: producer, {cert['Producer']}, Monterrey, Nuevo Leon, Mexico",
                "Importer: Keystone Maple Housewares, Inc.",
                f"Goods: men's coveralls, woven cotton, Part No: {cert['Part Number']}, HTS 6211.32.9010",
                "Origin criterion: B",
                f"Blanket period: {cert['Blanket Start']} to {cert['Blanket End']}",
                "I certify that the goods described in this document qualify as originating and the information "
                "contained in this document is true and accurate.",
            ]
        ],
    )


def write_draft_report(path: Path, importer: str, case, gaps: dict) -> dict:
    """The FA draft report; returns its findings with the positions the records support."""
    gap_entry = next(e for e, missing in gaps.items() if "packing_list" in missing)
    complete_entry = next(
        l.entry for l in sorted(case.lines, key=lambda l: l.summary_date, reverse=True) if l.entry not in gaps
    )
    findings = [
        {
            "title": "Classification of plastic letter charms",
            "text": "CBP finds that the plastic alphabet letter charms, part KM-2040, entered under subheading "
            "3926.40.0090, are properly classified as imitation jewelry under subheading 7117.90.9000, HTSUS. "
            "The importer did not demonstrate a basis for its classification.",
            "expected_position": "disagree",
            "evidence": ["N361443"],
        },
        {
            "title": "Recordkeeping",
            "text": f"The importer failed to produce packing lists for entries {gap_entry} and {complete_entry} within "
            f"the time requested, contrary to 19 USC 1508 and 1509.",
            "expected_position": "partial",
            "evidence": [gap_entry, complete_entry],
        },
        {
            "title": "Undeclared assists",
            "text": "The importer paid Ningbo Precision Mould Co., Ltd. for an injection mold supplied to the "
            "manufacturer of part KM-2040 and did not add the value of this assist to the entered value, "
            "contrary to 19 USC 1401a(b)(1)(C).",
            "expected_position": "agree",
            "evidence": ["PAY-0117"],
        },
    ]
    pages = [
        [
            "# U.S. Customs and Border Protection - Regulatory Audit",
            f"Focused Assessment of {importer} - DRAFT REPORT",
            "This draft report presents the preliminary findings of the Focused Assessment. The importer may respond "
            "in writing within 30 days.",
        ]
    ]
    for i, f in enumerate(findings, start=1):
        pages[0] += [f"## Finding {i}: {f['title']}", f["text"]]
    write_pdf(path, pages, title="FA draft report")
    return {"path": f"documents/{path.name}", "findings": findings}
