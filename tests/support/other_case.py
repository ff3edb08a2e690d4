"""An importer faprep has not seen: other part number shapes, vendors, GL accounts, memo wording and
header spellings than the sample case, and real CBP rulings re-served the way CROSS serves them
(hard-wrapped, the date over two lines, a sentence broken over a blank line).

``build_other_case(folder)`` writes the case and returns the rows it wrote, so tests compute the
values they expect from the same rows instead of typing them. ``CBP_OPENING`` is the opening of CBP's
Pre-Assessment Survey Questionnaire as sent to this importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import textwrap
from pathlib import Path

from evaluation.datasets.cbp_documents import questionnaire_opening
from evaluation.datasets.sample_case import CORPUS

IMPORTER = "Northwind Outdoor Gear Inc."
CBP_OPENING = questionnaire_opening(IMPORTER)

PARTS = {  # part: (description, hts, origin, ruling, mid)
    "7731-AB": ("Polyurethane-coated kitchen floor mat", "3924.90.1050", "CN", "N340223", "CNDONEVE88DON"),
    "NW/310-B": ("Trekking pole, aluminium shaft", "9506.99.6080", "TW", "", "TWFORPRE12TAI"),
    "55-0192-X": ("Insulated hiking jacket, polyester", "6201.93.3511", "MX", "", "MXRIOTEX44MEX"),
}


def _entries() -> list[dict]:
    rows = []
    plan = [  # entry, summary date, [(line, part, value, duty, spi, extra ch99 duty)]
        (
            "NWG-2024001-1",
            "2024-02-14",
            [(1, "7731-AB", 12450.00, 373.50, "", 0.0), (2, "NW/310-B", 8800.00, 0.0, "", 0.0)],
        ),
        ("NWG-2024002-9", "2024-05-03", [(1, "7731-AB", 9100.00, 273.00, "", 2275.00)]),
        ("NWG-2024003-7", "2024-08-21", [(1, "55-0192-X", 15600.00, 0.0, "S", 0.0)]),
        (
            "NWG-2024004-5",
            "2024-11-30",
            [(1, "NW/310-B", 4400.00, 0.0, "", 0.0), (2, "7731-AB", 3000.00, 90.00, "", 750.00)],
        ),
        ("NWG-2025001-2", "2025-01-17", [(1, "55-0192-X", 22100.00, 0.0, "S", 0.0)]),
        ("NWG-2025002-0", "2025-04-09", [(1, "7731-AB", 7000.00, 245.00, "", 0.0)]),
        (
            "NWG-2025003-8",
            "2025-07-28",
            [(1, "NW/310-B", 5150.00, 0.0, "", 0.0), (2, "55-0192-X", 1900.00, 541.50, "", 0.0)],
        ),
    ]
    for entry, day, lines in plan:
        for line, part, value, duty, spi, ch99 in lines:
            desc, hts, coo, _ruling, mid = PARTS[part]
            rows.append(
                {
                    "entry": entry,
                    "date": day,
                    "line": line,
                    "ordinal": 1,
                    "hts": hts,
                    "coo": coo,
                    "mid": mid,
                    "spi": spi,
                    "value": value,
                    "duty": duty,
                    "part": part,
                    "desc": desc,
                    "invoice": f"EV-{entry[-9:-2]}",
                }
            )
            if ch99:
                rows.append(
                    {
                        "entry": entry,
                        "date": day,
                        "line": line,
                        "ordinal": 2,
                        "hts": "9903.88.03",
                        "coo": coo,
                        "mid": mid,
                        "spi": "",
                        "value": 0.0,
                        "duty": ch99,
                        "part": part,
                        "desc": desc,
                        "invoice": f"EV-{entry[-9:-2]}",
                    }
                )
    return rows


PAYMENTS = [  # id, date, vendor, country, mid, amount, GL, memo, part, included
    # fmt: off
    (
        "AP-55810",
        "2024-01-22",
        "Dongguan Everbright Tooling Works",
        "CN",
        "CNDONEVE88DON",
        14200.00,
        "1450 · Molds & Dies",
        "Compression mould, floor mat 7731-AB, shipped to factory",
        "7731-AB",
        "N",
    ),
    (
        "AP-55790",
        "2024-03-01",
        "Kunshan Polymer Supply Co.",
        "CN",
        "",
        5600.00,
        "1390 Consigned materials",
        "PU foam sheets sent to the mat maker for 7731-AB",
        "7731-AB",
        "N",
    ),
    (
        "AP-55795",
        "2024-03-15",
        "Hanoi Trims JSC",
        "VN",
        "",
        1800.00,
        "5010 Purchases",
        "Zippers and labels supplied FOC to Rio Bravo for 55-0192-X",
        "55-0192-X",
        "N",
    ),
    (
        "AP-55871",
        "2024-06-10",
        "Alpine Trail Brands AG",
        "CH",
        "",
        6000.00,
        "6310 Brand royalties",
        "Q2 royalty on Alpine Trail jackets",
        "55-0192-X",
        "N",
    ),
    (
        "AP-55902",
        "2024-09-05",
        "Pacific Crest Logistics",
        "US",
        "",
        2350.00,
        "6100 Freight-in",
        "Ocean freight Kaohsiung-LA",
        "",
        "N",
    ),
    (
        "AP-55910",
        "2024-09-30",
        "Harbor Buying Services Ltd.",
        "HK",
        "",
        950.00,
        "6150 Buying commissions",
        "Q3 buying commission, sourcing of trekking poles",
        "NW/310-B",
        "N",
    ),
    (
        "AP-55950",
        "2024-10-15",
        "CloudLedger Inc.",
        "US",
        "",
        4200.00,
        "6300 IT",
        "Annual ERP licence fee and hosting",
        "",
        "N",
    ),
    (
        "AP-56040",
        "2025-02-11",
        "Portland Design Collective",
        "US",
        "",
        7300.00,
        "5300 Product design",
        "Design of the 2025 jacket line, 55-0192-X",
        "55-0192-X",
        "N",
    ),
    (
        "AP-56011",
        "2025-03-14",
        "Alpine Trail Brands AG",
        "CH",
        "",
        6500.00,
        "6310 Brand royalties",
        "Q1 royalty on Alpine Trail jackets",
        "55-0192-X",
        "N",
    ),
    (
        "AP-56020",
        "2025-05-02",
        "Formosa Precision Poles Ltd.",
        "TW",
        "TWFORPRE12TAI",
        3100.00,
        "5020 Inventory purchases",
        "Deposit on trekking poles PO 7781",
        "NW/310-B",
        "Y",
    ),
    # fmt: on
]

CERTIFICATES = [("CUSMA-2024-17", "USMCA", "55-0192-X", "Textiles Rio Bravo S.A. de C.V.", "2024-01-01", "2024-12-31")]

REVIEWS = [("NWG-2024001-1", "J. Okafor", "2024-02-20", "OK"), ("NWG-2025001-2", "J. Okafor", "2025-01-25", "OK")]


def cross_text(number: str) -> str:
    """A corpus ruling as CROSS serves it: no title line, paragraphs hard-wrapped at 66 columns, the date
    over two lines, and the sentence that states the subheading broken over a blank line."""
    text = (CORPUS / "rulings" / f"{number}.txt").read_text()
    lines = text.split("\n")
    body = "\n".join(lines[3:])  # the corpus adds a title and a source line above the letter
    body = re.sub(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})",
        r"\1 \2,\n\3",
        body,
        count=1,
    )
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body)]
    out = []
    for p in paragraphs:
        if "The applicable subheading" in p:
            at = p.index("The applicable subheading")
            cuts = [i for i in (p.find(" is ", at), p.find(" will be ", at)) if i > 0]
            cut = min(cuts) + 1
            out.append(textwrap.fill(p[:cut], 66) + "\n\n" + textwrap.fill(p[cut:], 66))
        elif p.startswith("RE:"):
            out.append(textwrap.fill(p, 50))
        else:
            out.append(textwrap.fill(p, 66) if len(p) > 66 else p)
    return "\n\n".join(out) + "\n"


def build_other_case(folder: Path) -> dict:
    """Write the case under ``folder``; the rows written, by file."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = _entries()
    with (folder / "ace_es003_export.csv").open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(
            [
                "entry_summary_number",
                "entry_summary_date",
                "entry_summary_line_number",
                "tariff_ordinal_number",
                "hts_number_full",
                "country_of_origin_code",
                "manufacturer_id",
                "line_spi_code",
                "line_tariff_goods_value_amount",
                "line_tariff_duty_amount",
                "part_number",
                "line_description",
                "commercial_invoice_number",
            ]
        )
        for r in entries:
            d = dt.date.fromisoformat(r["date"])
            w.writerow(
                [
                    r["entry"].replace("-", ""),
                    d.strftime("%m/%d/%Y"),
                    r["line"],
                    r["ordinal"],
                    r["hts"].replace(".", ""),
                    r["coo"],
                    r["mid"],
                    r["spi"],
                    f"${r['value']:,.2f}",
                    f"${r['duty']:,.2f}",
                    r["part"],
                    r["desc"],
                    r["invoice"],
                ]
            )
    with (folder / "item_master.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "SKU",
                "Description",
                "Approved HTS",
                "Country of Origin",
                "Ruling",
                "Rationale",
                "Approved By",
                "Approved Date",
            ]
        )
        for part, (desc, hts, coo, ruling, _mid) in PARTS.items():
            w.writerow([part, desc, hts, coo, ruling, "GRI 1", "M. Lindqvist", "2023-11-01"])
    with (folder / "ap_foreign_payments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Payment ID",
                "Payment Date",
                "Vendor Name",
                "Vendor Country",
                "MID",
                "Amount",
                "GL Account",
                "Memo",
                "Part Number",
                "Included In Invoice Price",
            ]
        )
        for p in PAYMENTS:
            w.writerow([p[0], p[1], p[2], p[3], p[4], f"{p[5]:.2f}", *p[6:]])
    with (folder / "origin_certs.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Certificate ID", "Program", "Part Number", "Producer", "Blanket Start", "Blanket End"])
        w.writerows(CERTIFICATES)
    with (folder / "broker_review_log.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Entry Summary Number", "Reviewed By", "Review Date", "Result"])
        w.writerows(REVIEWS)
    rulings = folder / "cross"
    rulings.mkdir(exist_ok=True)
    for number in ("N340223", "N278703"):
        (rulings / f"{number}.txt").write_text(cross_text(number))
    docs = folder / "entry_docs"
    docs.mkdir(exist_ok=True)
    first = entries[0]
    (docs / f"invoice_{first['invoice']}.txt").write_text(
        f"COMMERCIAL INVOICE\nInvoice No.: {first['invoice']}\nSeller: Dongguan Everbright Mat Co.\n"
        f"Buyer: Northwind Outdoor Gear Inc.\nFor entry {first['entry']}\n"
        f"Item 1: {first['part']} {first['desc']}, 3,000 pcs, total USD {first['value']:,.2f}\n"
    )
    return {"entries": entries, "payments": PAYMENTS, "certificates": CERTIFICATES, "reviews": REVIEWS, "parts": PARTS}
