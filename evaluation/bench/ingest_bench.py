"""Ingest throughput: faprep's pipeline vs the naive LangChain pipeline, side by side, one run.

Naive: pypdf page loader (what LangChain's PyPDFLoader does) and, for plain-text files, the file's
text as one document (what TextLoader does) -> RecursiveCharacterTextSplitter (1000, 200) ->
Chroma.from_documents with the same all-MiniLM-L6-v2 model. Both run on the same documents (the
case's PDFs and text files), each in a fresh process (model load included), so peak RSS is each
pipeline's own. faprep also runs on the whole case (CSV records, DOCX, rulings) for reference.

``--all-rulings`` adds every ruling of the public-domain corpus (112) to the case's own, the larger
case an importer with a ruling library ingests first.

A third run ingests ``--scans`` pages of the case's PDFs rendered as scans (image-only PDFs, 200 dpi,
noise and a slight skew): faprep's pipeline with OCR, pages per second.

    python -m evaluation.bench.ingest_bench [--case DIR] [--all-rulings] [--scans 10] [--scans-only] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from evaluation.bench.common import machine, peak_rss_mib, run_worker

MODULE = "evaluation.bench.ingest_bench"


def worker_ours(folder: str, home: str) -> dict:
    from assistant.config import Settings
    from ingest.pipeline import Ingestor

    t0 = time.perf_counter()
    report = Ingestor(Settings(home=Path(home), workspace="bench")).run([Path(folder)])
    seconds = time.perf_counter() - t0
    t = report.totals()
    return {
        "seconds": seconds,
        "pages": t["pages"],
        "chunks": t["chunks"],
        "rows": t["rows"],
        "files": t["files"],
        "peak_rss_mib": peak_rss_mib(),
    }


def worker_naive(folder: str, home: str) -> dict:
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from pypdf import PdfReader

    from assistant.stores.embeddings import packaged_model_dir

    t0 = time.perf_counter()
    docs = []
    for pdf in sorted(Path(folder).rglob("*.pdf")):
        reader = PdfReader(str(pdf))
        for i, page in enumerate(reader.pages):
            docs.append(Document(page_content=page.extract_text() or "", metadata={"source": str(pdf), "page": i}))
    for txt in sorted(Path(folder).rglob("*.txt")):
        docs.append(Document(page_content=txt.read_text(encoding="utf-8"), metadata={"source": str(txt)}))
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    emb = HuggingFaceEmbeddings(model_name=str(packaged_model_dir()), model_kwargs={"device": "cpu"})
    Chroma.from_documents(chunks, emb, persist_directory=str(Path(home) / "naive"), collection_name="naive")
    return {
        "seconds": time.perf_counter() - t0,
        "pages": len(docs),
        "chunks": len(chunks),
        "rows": 0,
        "files": len({d.metadata["source"] for d in docs}),
        "peak_rss_mib": peak_rss_mib(),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", type=Path, help="case folder (default: build the sample case)")
    ap.add_argument("--all-rulings", action="store_true", help="add every corpus ruling to the case")
    ap.add_argument("--scans", type=int, default=10, help="scanned pages for the OCR run (0: none)")
    ap.add_argument("--scans-only", action="store_true", help="only the OCR run")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        kind, folder, home = args.worker
        print(json.dumps((worker_ours if kind == "ours" else worker_naive)(folder, home)))
        return {}

    with tempfile.TemporaryDirectory(prefix="faprep-bench-") as tmp:
        tmp = Path(tmp)
        case = args.case
        if case is None:
            from evaluation.datasets.sample_case import build_sample_case

            case = tmp / "case"
            build_sample_case(case)
        if args.all_rulings:
            from evaluation.datasets.sample_case import CORPUS

            held = tmp / "case_all_rulings" if args.case else case
            if args.case:
                shutil.copytree(case, held)
            (held / "rulings").mkdir(exist_ok=True)
            for ruling in sorted((Path(CORPUS) / "rulings").glob("*.txt")):
                shutil.copy(ruling, held / "rulings" / ruling.name)
            case = held
        pdfs = tmp / "pdfs"
        for pdf in [*case.rglob("*.pdf"), *case.rglob("*.txt")]:
            dest = pdfs / pdf.relative_to(case)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pdf, dest)
        results = {}
        if not args.scans_only:
            results = {
                "naive_pdfs": run_worker(MODULE, "naive", str(pdfs), str(tmp / "h1")),
                "faprep_pdfs": run_worker(MODULE, "ours", str(pdfs), str(tmp / "h2")),
                "faprep_case": run_worker(MODULE, "ours", str(case), str(tmp / "h3")),
            }
        if args.scans:
            from evaluation.datasets.scans import image_pdf, scan_of_pdf_page

            scans = tmp / "scans"
            scans.mkdir()
            for n, pdf in enumerate(sorted(pdfs.rglob("*.pdf"))[: args.scans]):
                image_pdf([scan_of_pdf_page(pdf, 0, seed=n)], scans / f"scan_{n:03d}.pdf")
            results["faprep_scans_ocr"] = run_worker(MODULE, "ours", str(scans), str(tmp / "h4"))
    for r in results.values():
        r["pages_per_s"] = r["pages"] / r["seconds"]
        r["chunks_per_s"] = r["chunks"] / r["seconds"]
    out = {"machine": machine(), "results": results}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"machine: {out['machine']}")
        print(
            f"{'pipeline':<14}{'files':>7}{'pages':>7}{'chunks':>8}{'rows':>7}{'seconds':>9}{'pages/s':>9}{'chunks/s':>10}{'peak RSS':>10}"
        )
        for name, r in results.items():
            print(
                f"{name:<14}{r['files']:>7}{r['pages']:>7}{r['chunks']:>8}{r['rows']:>7}{r['seconds']:>9.1f}"
                f"{r['pages_per_s']:>9.1f}{r['chunks_per_s']:>10.1f}{r['peak_rss_mib']:>8.0f}MiB"
            )
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
