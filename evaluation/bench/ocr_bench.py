"""OCR speed and accuracy on pages rendered here from digital PDFs, compared with their text layer.

Takes ``--pages`` digital pages of the sample case (invoices, packing lists, entry summaries, the
manual), renders each as a scanner would (``--dpi``, default 150 and 200; grey, a slight skew, sensor
noise; ``evaluation/datasets/scans.py``), reads it with faprep's OCR and compares:

- **character error rate**: edit distance / length of the text layer, both with whitespace removed
  (the recogniser drops spaces it reads as tight; faprep re-spaces what it can, ``ingest.ocr.respace``);
- **identifiers kept**: of the entry, invoice, HTS and part numbers faprep finds in the text layer, the
  share it also finds in the OCR text;
- **pages per second**, one page at a time on this machine's cores (ONNX Runtime uses them all).

    python -m evaluation.bench.ocr_bench [--pages 12] [--dpi 150,200] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from itertools import zip_longest
from pathlib import Path

from evaluation.bench.common import machine


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows of the table at a time."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _squash(text: str) -> str:
    return "".join(text.split())


def _ids(text: str, parts: set[str], invoices: set[str]) -> set[str]:
    from ingest import identifiers as ids

    found = ids.extract(text, parts, invoices)
    return {f"{k}:{v}" for k in ("entry", "invoice", "hts", "part") for v in found.get(k, ())}


def measure(pdfs: list[Path], dpis: list[int], pages: int, parts: set[str], invoices: set[str]) -> dict:
    from pypdf import PdfReader

    from evaluation.datasets.scans import scan_image, scan_of_pdf_page
    from ingest.ocr import ENGINE

    chosen = []
    for pdf in pdfs:
        for i, page in enumerate(PdfReader(str(pdf)).pages):
            text = page.extract_text() or ""
            if len(text.strip()) > 80:
                chosen.append((pdf, i, text))
        if len(chosen) >= pages:
            break
    chosen = chosen[:pages]
    ENGINE.read(scan_image(["warm up"]))  # loads and verifies the models once
    out = {}
    for dpi in dpis:
        cers, kept, total, seconds, missed = [], 0, 0, [], []
        for n, (pdf, i, layer) in enumerate(chosen):
            page = scan_of_pdf_page(pdf, i, dpi=dpi, seed=n)
            t = time.perf_counter()
            read = ENGINE.read(page)
            seconds.append(time.perf_counter() - t)
            a, b = _squash(layer), _squash(read.text)
            cers.append(edit_distance(a, b) / max(1, len(a)))
            want, got = _ids(layer, parts, invoices), _ids(read.text, parts, invoices)
            kept += len(want & got)
            total += len(want)
            missed += sorted(want - got)
        out[str(dpi)] = {
            "pages": len(chosen),
            "cer_median": statistics.median(cers),
            "cer_mean": statistics.fmean(cers),
            "identifiers": total,
            "identifiers_kept": kept / total if total else 1.0,
            "missed": missed[:20],
            "pages_per_s": len(seconds) / sum(seconds),
            "seconds_per_page_p50": statistics.median(seconds),
        }
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--dpi", default="150,200")
    ap.add_argument("--case", type=Path, help="case folder (default: build the sample case)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="faprep-ocr-bench-") as tmp:
        case = args.case
        if case is None:
            from evaluation.datasets.sample_case import build_sample_case

            case = Path(tmp) / "case"
            build_sample_case(case)
        import csv

        parts, invoices = set(), set()
        with (case / "products.csv").open(newline="", encoding="utf-8-sig") as fh:
            parts = {r["Part Number"] for r in csv.DictReader(fh)}
        # one of each kind of entry document first, then the rest, so the set is varied
        pdfs = sorted(case.rglob("*.pdf"), key=lambda p: (p.name.split("_")[0], str(p)))
        by_kind: dict[str, list[Path]] = {}
        for p in pdfs:
            by_kind.setdefault(p.name.split("_")[0], []).append(p)
        mixed = [p for group in zip_longest(*by_kind.values()) for p in group if p is not None]
        for p in mixed:
            if p.name.startswith("invoice_"):
                invoices.add(p.stem.split("_", 1)[1])
        results = measure(mixed, [int(d) for d in args.dpi.split(",")], args.pages, parts, invoices)
    out = {"machine": machine(), "results": results}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"machine: {out['machine']}")
        print(f"{'dpi':>5}{'pages':>7}{'CER p50':>9}{'CER mean':>10}{'ids kept':>10}{'pages/s':>9}")
        for dpi, r in results.items():
            print(
                f"{dpi:>5}{r['pages']:>7}{r['cer_median']:>9.3f}{r['cer_mean']:>10.3f}"
                f"{r['identifiers_kept']:>10.3f}{r['pages_per_s']:>9.2f}"
            )
            if r["missed"]:
                print("      missed: " + ", ".join(r["missed"]))
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
