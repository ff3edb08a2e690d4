"""Fourth case: Ridgeline Fluid Controls, Inc., Tulsa, Oklahoma, a fictional importer of industrial valves, pumps,
pump parts, mechanical seals, PEEK seat stock, hose assemblies and stainless fittings, from China, Vietnam,
Mexico (USMCA), Germany, Italy and Japan.

``build_fourth_case(folder)`` writes a complete case folder for ``AS_OF`` (2026-09-30, fixed) and returns the
ground truth it also saves as ``.ground_truth.json``:

- ``entries/``: two ACE ES-003 exports, one per broker (``HZ6`` ocean and air, comma-separated, ``$`` money,
  ``MM/DD/YYYY`` dates; ``TQ2`` Laredo truck, semicolon-separated with a UTF-8 BOM and ISO dates), 72 entries
  from October 2022 to September 2026 with Section 301 ordinals on Chinese lines and USMCA claims on Mexican ones;
- ``products.csv`` (21 parts), ``payments.csv`` (AP extract, 36 payments), ``certificates.csv``,
  ``broker_reviews.csv``;
- ``documents/``: commercial invoices, packing lists and 7501s as PDFs (a few missing), the Customs Compliance
  Manual (PDF, numbered procedures CP-00..CP-11), desk procedure DP-AP-07 (DOCX), the 2026 letter of instruction
  to the brokers (PDF), a USMCA certification (PDF) and CBP's draft FA report (PDF, three findings);
- ``rulings/``: four real CBP rulings copied byte for byte from the corpus.

Planted problems (each listed in the ground truth with its subject): PV-0042/SS declared under 8481.80.5090 on
the 2025 entries (inconsistent and off the master); O-ring kit 7730.305 always declared 4016.93.5050 against the
master's 4016.93.5020; PEEK rod 7730.245 whose master HTS 3926.90.9989 is not among the numbers of the ruling it
cites (N356246); two undeclared tooling payments to Kunshan Precision Mould for Taizhou Jinshui's impeller
pattern and Ferraro design work for the TRIVEX valve only partly declared; TRIVEX licence fees never added to
value; four entries with documents missing; gate valve PV-0510/CS claimed under USMCA after its certification
lapsed on 2025-06-30; a Vietnamese-origin elbow line with a Chinese MID; a PV-0043/SS line at a fraction of its
price; three entries without a broker review; three post-summary corrections on PV-0150/BR.
Near misses (which must not be found) are listed too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

from evaluation.datasets.fourth_case.catalogue import IOR, PARTS, RULINGS, VENDORS
from evaluation.datasets.fourth_case.cbp import draft_report
from evaluation.datasets.fourth_case.entrydocs import write_entry_documents, write_usmca_certificate
from evaluation.datasets.fourth_case.manual import write_broker_letter, write_desk_procedure, write_manual
from evaluation.datasets.fourth_case.records import (
    SEED,
    Entry,
    build_entries,
    certificates,
    lane,
    payments,
    reviews,
)
from evaluation.datasets.sample_case import CORPUS, GROUND_TRUTH
from evaluation.datasets.sample_case import ES003_HEADERS as ES003

AS_OF = dt.date(2026, 9, 30)

# Which documents each planted entry lacks: (vendor lane, index in lane) -> kinds not written.
MISSING_DOCS = {
    ("JINSHUI", 4): {"commercial_invoice"},
    ("CHB", 2): {"packing_list"},
    ("HAOYU", 6): {"entry_summary"},
    ("SPC", 1): {"commercial_invoice", "packing_list", "entry_summary"},
}


def _money_ace(x: float) -> str:
    return f"${x:,.2f}"


def _es003_rows(entries: list[Entry], ace_style: bool) -> list[list[str]]:
    day = (lambda d: f"{d:%m/%d/%Y}") if ace_style else (lambda d: d.isoformat())
    money = _money_ace if ace_style else (lambda x: f"{x:.2f}")
    rows = []
    for e in entries:
        for l in e.lines:
            common = [e.number, "01", day(e.summary_date), day(e.entry_date), IOR, e.port, str(l.number)]
            tail = [l.psc, "N", l.part.number, l.part.description[:40].upper(), e.invoice]
            rows.append(
                common
                + ["1", l.hts, l.coo, l.coe, l.mid, l.spi, f"{l.qty:g}", l.part.uom]
                + [money(l.entered_value), money(l.duty)]
                + tail
                + [money(l.additions) if l.additions else ""]
            )
            if l.ch99:
                rows.append(
                    common
                    + ["2", l.ch99, l.coo, l.coe, l.mid, "", "", ""]
                    + [money(0.0), money(l.ch99_duty)]
                    + tail
                    + [""]
                )
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


def _dicts(path: Path, rows: list[dict]) -> None:
    header = list(rows[0])
    _write_csv(path, header, [[_cell(r[h]) for h in header] for r in rows])


def _cell(x) -> str:
    if isinstance(x, float):
        return f"{x:.2f}"
    if isinstance(x, dt.date):
        return x.isoformat()
    return str(x)


def _expect(truth: list, check: str, subject: dict, why: str) -> None:
    truth.append({"check": check, "subject": subject, "planted": why})


def build_fourth_case(folder: Path) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries, plant = build_entries()

    # Entry lines: one export per broker.
    hz = [e for e in entries if e.filer == "HZ6"]
    tq = [e for e in entries if e.filer == "TQ2"]
    _write_csv(folder / "entries" / "HZ6_ES003_2022-10_to_2026-09.csv", ES003, _es003_rows(hz, True))
    _write_csv(folder / "entries" / "TQ2_es003_laredo.csv", ES003, _es003_rows(tq, False), delimiter=";", bom=True)

    # Product master.
    products = [
        {
            "Part Number": p.number,
            "Description": p.description,
            "HTS Number": p.hts,
            "Country of Origin": p.origin,
            "Ruling Number": p.ruling,
            "Classification Rationale": p.rationale,
            "Approved By": p.approved_by,
            "Approved Date": p.approved,
        }
        for p in PARTS.values()
    ]
    _dicts(folder / "products.csv", products)

    pays = payments(entries, plant)
    _dicts(folder / "payments.csv", pays)
    certs = certificates()
    _dicts(folder / "certificates.csv", certs)
    revs = reviews(entries, plant, AS_OF)
    _dicts(folder / "broker_reviews.csv", revs)

    # Entry documents, by year of entry.
    missing: dict[str, set[str]] = {}
    for (vendor, i), kinds in MISSING_DOCS.items():
        missing[lane(entries, vendor)[i].number] = kinds
    for e in entries:
        write_entry_documents(
            folder / "documents" / "entries" / str(e.entry_date.year), e, missing.get(e.number, set())
        )

    docs = folder / "documents"
    write_manual(docs / "compliance" / "Customs_Compliance_Manual_RFC-CCM-01_RevD.pdf")
    write_desk_procedure(docs / "compliance" / "DP-AP-07_Assist_and_Licence_Fee_Reporting.docx")
    write_broker_letter(docs / "brokers" / "Letter_of_Instruction_2026.pdf")
    write_usmca_certificate(
        docs / "certificates" / "USMCA_CHB-USMCA-2026.pdf", "CHB-USMCA-2026", "2026-01-01", "2026-12-31"
    )
    draft = draft_report(docs / "cbp" / "FA_Draft_Report_526-26-FA-0112.pdf", entries, pays)
    draft["path"] = "documents/cbp/FA_Draft_Report_526-26-FA-0112.pdf"

    rulings = folder / "rulings"
    rulings.mkdir(exist_ok=True)
    for number in RULINGS:
        shutil.copyfile(CORPUS / "rulings" / f"{number}.txt", rulings / f"{number}.txt")

    truth = {
        "importer": "Ridgeline Fluid Controls, Inc.",
        "as_of": AS_OF.isoformat(),
        "seed": SEED,
        "expected_findings": _expected(entries, plant, pays, missing),
        "near_misses": _near_misses(entries, plant, pays),
        "draft_report": draft,
        "counts": {
            "entries": len(entries),
            "entry_lines": sum(len(e.lines) for e in entries),
            "es003_rows": sum(len(e.lines) + sum(1 for l in e.lines if l.ch99) for e in entries),
            "products": len(products),
            "payments": len(pays),
            "certificates": len(certs),
            "reviews": len(revs),
        },
    }
    (folder / GROUND_TRUTH).write_text(json.dumps(truth, indent=2))
    return truth


def _expected(entries: list[Entry], plant: dict, pays: list[dict], missing: dict[str, set[str]]) -> list[dict]:
    out: list[dict] = []
    _expect(out, "hts_inconsistency", {"part_number": "PV-0042/SS"}, "8481.80.3090 usually, 8481.80.5090 in 2025")
    _expect(
        out, "hts_master_mismatch", {"part_number": "PV-0042/SS"}, "2025 lines at 8481.80.5090, master 8481.80.3090"
    )
    _expect(out, "hts_master_mismatch", {"part_number": "7730.305"}, "always 4016.93.5050, master 4016.93.5020")
    _expect(out, "ruling_conflict", {"part_number": "7730.245"}, "3926.90.9989 declared; N356246 gives 3916.90.5000")
    by_memo = {p["Memo"]: p for p in pays}
    for memo, p in by_memo.items():
        if p["Vendor Name"].startswith("Kunshan"):
            _expect(
                out, "undeclared_assist", {"payment_id": p["Payment ID"]}, "impeller pattern tooling, never declared"
            )
        if p["Vendor Name"].startswith("Studio Tecnico Ferraro"):
            _expect(
                out,
                "undeclared_assist",
                {"payment_id": p["Payment ID"]},
                "16,500.00 design work abroad, only 6,000.00 declared as additions",
            )
        if memo.startswith("TRIVEX design licence"):
            _expect(out, "royalty_omission", {"payment_id": p["Payment ID"]}, "TRIVEX licence fee not added to value")
    for number, kinds in sorted(missing.items()):
        _expect(out, "missing_records", {"entry": number}, "missing: " + ", ".join(sorted(kinds)))
    for e in entries:
        for l in e.lines:
            if l.part.number == "PV-0510/CS" and e.entry_date > dt.date(2025, 6, 30):
                _expect(out, "spi_without_certificate", {"entry": e.number, "line": l.number}, "certification lapsed")
    entry, line = plant["origin_mismatch"]
    _expect(out, "origin_mismatch", {"entry": entry, "line": line}, "FT-0716/SS declared VN, MID of a Chinese foundry")
    entry, line = plant["outlier"]
    _expect(out, "value_outlier", {"entry": entry, "line": line}, "PV-0043/SS at 5.10 a piece, usual about 27.40")
    for number in plant["unreviewed"]:
        _expect(out, "broker_review_missing", {"entry": number}, "no row in broker_reviews.csv")
    _expect(out, "psc_pattern", {"part_number": "PV-0150/BR"}, "PSC on " + ", ".join(plant["psc_entries"]))
    return out


def _near_misses(entries: list[Entry], plant: dict, pays: list[dict]) -> list[str]:
    pid = {p["Memo"]: p["Payment ID"] for p in pays}

    def find(prefix: str) -> str:
        return next(v for k, v in pid.items() if k.startswith(prefix))

    return [
        f"{find('Pattern set (aluminium)')}: Saltillo pattern 24,000.00 fully declared as additions (8,000.00 on "
        f"each of {', '.join(plant['saltillo_declared_on'])})",
        f"{find('Forging die set')}: Minh Phat forging dies, Included In Invoice Price = Y",
        f"{find('Field service engineer')}: engineering performed in the United States, not an assist",
        f"{find('PumpSel sizing software, annual licence 2025')} and "
        f"{find('PumpSel sizing software, annual licence 2026')}: software licences, no imported goods",
        "7730.240 declared 3920.99.5000, one of the numbers of its ruling N356246",
        "GA-0063/GL lines carry the Yuyao maker's MID (CN) although sold by Ningbo Haoyu: origin agrees",
        "Hose assemblies 4415.020 / 4415.032: every USMCA claim covered by a CHB-USMCA certification",
        f"PV-0510/CS claims up to 2025-06-30 covered by VFS-2023-07 / VFS-2024-07 ({VENDORS['SALTILLO'].name})",
    ]
