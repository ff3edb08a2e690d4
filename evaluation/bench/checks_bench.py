"""All checks (and a mock audit) over N generated ES-003 rows: load time, check time, peak RSS.

    python -m evaluation.bench.checks_bench --rows 1000000
    python -m evaluation.bench.checks_bench --rows 10000,100000,1000000   # growth table
    python -m evaluation.bench.checks_bench --rows 1000000 --cores 2       # pinned to 2 CPU cores
    python -m evaluation.bench.checks_bench --shapes many:docs,few:none    # importer shapes

The cost of the checks depends on the shape of the data as much as on its size, so each size runs
in one or more **shapes**, ``PARTS:DOCUMENTS``:

``many``
    5,000 parts, a fiftieth of them from Mexico claiming USMCA, certificates on file for every year;
``few``
    25 parts with many lines each, a fifth of them from Mexico claiming USMCA, and one year of
    certificates missing for two of those (tens of thousands of claims without a certificate, the
    flood the report groups by cause);
``docs`` / ``none``
    an invoice, packing list and 7501 recorded as linked for 99% of entries (catalogue rows written
    straight into the records database: the benchmark measures the checks, not PDF parsing), or no
    entry document at all (records first, documents later, as most importers start).

Every shape has an ES-003 export with Chapter 99 rows for a third of the Chinese lines, a product
master, payments (assists, royalties, goods), certificates and a broker review log, and planted
problems at realistic rates (0.5% of lines off the master HTS, 0.1% undervalued, ...). Each size and
shape runs in a fresh process, so its peak RSS is its own. Besides the whole run, each check is
timed alone (one ``run_checks`` call with only that check) to show its fixed cost.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import time
from pathlib import Path

from evaluation.bench.common import machine, peak_rss_mib, size_bench
from evaluation.datasets.sample_case import ES003_HEADERS

MODULE = "evaluation.bench.checks_bench"
AS_OF = dt.date(2026, 6, 30)
HTS = ["3924.90.5650", "3926.40.0090", "6110.30.3020", "3923.21.0030", "3917.33.0000"]
RATES = [0.034, 0.053, 0.32, 0.03, 0.031]
# parts, every how many parts one is Mexican (USMCA claims), Mexican parts missing a year of certificates
# (payments: four per part, at most 2,000)
SHAPES = {"many": (5000, 50, 0), "few": (25, 5, 5)}
DOCUMENTS = {"docs": 0.99, "none": 0.0}


def _part(p: int, mx_every: int = 50) -> tuple[str, str, float, str, str]:
    coo = "MX" if p % mx_every == 0 else "CN"
    return f"P-{p:05d}", HTS[p % len(HTS)], RATES[p % len(RATES)], coo, f"{coo}MFR{p % 300:04d}SHE"


def write_case(folder: Path, rows: int, seed: int = 1, shape: str = "many") -> int:
    """Write the case's CSVs in one of the ``SHAPES``; return the number of entries."""
    N_PARTS, mx_every, missing_years = SHAPES[shape]
    rng = random.Random(seed)
    start = AS_OF - dt.timedelta(days=6 * 365)
    price = [rng.uniform(0.5, 40) for _ in range(N_PARTS)]
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    with (folder / "es003.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ES003_HEADERS)
        written, entry, line = 0, 0, 99
        while written < rows:
            if line >= 4:
                entry += 1
                line = 0
                day = start + dt.timedelta(days=int(entry / 40) % 2190)
                number = f"ZZ9-{entry:07d}-{entry % 10}"
                entries.append((number, day))
            line += 1
            p = rng.randrange(N_PARTS)
            part, hts, rate, coo, mid = _part(p, mx_every)
            qty = rng.randint(10, 5000)
            unit = price[p] * rng.uniform(0.93, 1.07)
            spi = "S" if coo == "MX" else ""
            r = rng.random()
            if r < 0.005:
                hts = HTS[(p + 1) % len(HTS)]  # off the master
            elif r < 0.006:
                unit = price[p] * 0.2  # undervalued
            elif r < 0.0065:
                mid = "VNMFR0001HAN"  # MID contradicts origin
            value = round(qty * unit, 2)
            duty = 0 if spi else round(value * rate, 2)
            psc = "Y" if rng.random() < 0.002 else "N"
            base = [
                number,
                "01",
                day.strftime("%m/%d/%Y"),
                (day - dt.timedelta(days=8)).strftime("%m/%d/%Y"),
                "27-418265300",
                "2704",
                line,
            ]
            tail = [coo, coo, mid, spi]
            w.writerow(
                base
                + [1, hts]
                + tail
                + [qty, "NO", f"${value:,.2f}", f"${duty:,.2f}", psc, "N", part, "ITEM", f"INV-{entry}", ""]
            )
            written += 1
            if coo == "CN" and written < rows and p % 3 == 0:
                w.writerow(
                    base
                    + [2, "9903.88.03"]
                    + tail
                    + ["", "", "$0.00", f"${value * 0.25:,.2f}", psc, "N", part, "ITEM", f"INV-{entry}", ""]
                )
                written += 1
    with (folder / "products.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Part Number",
                "Description",
                "HTS Number",
                "Country of Origin",
                "Ruling Number",
                "Classification Rationale",
                "Approved By",
                "Approved Date",
            ]
        )
        for p in range(N_PARTS):
            part, hts, _, coo, _ = _part(p, mx_every)
            w.writerow([part, "ITEM", hts, coo, "", "GRI 1", "Trade Compliance", "01/02/2020"])
    with (folder / "payments.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Payment ID",
                "Payment Date",
                "Vendor Name",
                "Vendor Country",
                "Manufacturer ID",
                "Amount",
                "GL Account",
                "Memo",
                "Part Number",
                "Included In Invoice Price",
            ]
        )
        for i in range(min(2000, 4 * N_PARTS)):
            p = rng.randrange(N_PARTS)
            part, _, _, coo, mid = _part(p, mx_every)
            day = start + dt.timedelta(days=rng.randrange(2190))
            kind = rng.random()
            gl, memo = (
                ("5100 Tooling", f"Mold for {part}")
                if kind < 0.05
                else ("6200 Royalties", f"License fee {part}")
                if kind < 0.08
                else ("5000 Inventory Purchases", "goods")
            )
            w.writerow(
                [
                    f"PAY-{i:05d}",
                    day.strftime("%m/%d/%Y"),
                    "Vendor",
                    coo,
                    mid,
                    f"{rng.uniform(1000, 50000):.2f}",
                    gl,
                    memo,
                    part,
                    "Y" if gl.startswith("5000") else "N",
                ]
            )
    with (folder / "certificates.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Certificate ID", "Program", "Part Number", "Producer", "Blanket Start", "Blanket End", "Document"])
        mexican = list(range(0, N_PARTS, mx_every))
        for p in mexican:
            for y in range(6):
                if y == 3 and p in mexican[:missing_years]:
                    continue  # a year of claims without a certificate
                s = start + dt.timedelta(days=365 * y)
                w.writerow(
                    [
                        f"C-{p}-{y}",
                        "USMCA",
                        _part(p, mx_every)[0],
                        "Producer",
                        s.isoformat(),
                        (s + dt.timedelta(days=364)).isoformat(),
                        "",
                    ]
                )
    with (folder / "broker_reviews.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Entry Summary Number", "Reviewed By", "Review Date", "Result"])
        for number, day in entries:
            if rng.random() < 0.99:
                w.writerow([number, "Reviewer", (day + dt.timedelta(days=5)).strftime("%m/%d/%Y"), "OK"])
    return len(entries)


def link_documents(con, share: float = 0.99) -> None:
    from assistant.stores import prepared

    """Record an invoice, packing list and 7501 as linked to ``share`` of the entries (catalogue rows only)."""
    con.execute(
        """CREATE TEMP TABLE e AS SELECT DISTINCT entry_number FROM entry_lines
                   WHERE hash(entry_number) % 1000 < ?""",
        [int(share * 1000)],
    )
    for kind in ("commercial_invoice", "packing_list", "entry_summary"):
        con.execute(
            f"INSERT INTO documents SELECT 'documents/' || entry_number || '/{kind}.pdf', '{kind}', '', 1, 100 FROM e"
        )
        con.execute(f"""INSERT INTO identifiers SELECT 'documents/' || entry_number || '/{kind}.pdf',
                        'documents/' || entry_number || '/{kind}.pdf#0', 'entry', entry_number FROM e""")
    prepared.refresh(con)  # as the ingest of those documents would


def worker(rows: str, tmp: str, cores: str, shape: str = "many:docs") -> dict:
    import gc
    import os

    if int(cores):
        os.sched_setaffinity(0, range(int(cores)))
    from assistant.checks import REGISTRY, check_workspace
    from assistant.checks.paging import findings_page, findings_view
    from assistant.config import Settings
    from assistant.services.checking import AuditInput, mock_audit
    from assistant.services.runtime import Caller, WorkspaceRuntime
    from assistant.stores.records import Records
    from assistant.stores.workspace import Workspace
    from ingest.pipeline import Ingestor

    parts, documents = shape.split(":")
    folder = Path(tmp) / "case"
    t0 = time.perf_counter()
    n_entries = write_case(folder, int(rows), shape=parts)
    gen = time.perf_counter() - t0
    settings = Settings(home=Path(tmp) / "home", workspace="bench", as_of=AS_OF)
    t0 = time.perf_counter()
    report = Ingestor(settings).run([folder])
    load = time.perf_counter() - t0
    assert report.ok, report.to_dict()
    if DOCUMENTS[documents]:
        with Records(Workspace.of(settings).records) as rec:
            link_documents(rec.con, DOCUMENTS[documents])
    gc.collect()
    t0 = time.perf_counter()
    run = check_workspace(settings)
    checks_s = time.perf_counter() - t0
    from assistant.checks.report import write_json

    t0 = time.perf_counter()
    with open(Path(tmp) / "findings.json", "wb") as fh:  # as `faprep check --json` writes it
        write_json(run, fh)
    json_s = time.perf_counter() - t0
    json_mib = (Path(tmp) / "findings.json").stat().st_size / 2**20
    t0 = time.perf_counter()
    view = findings_view(run)
    findings_page(view, 1)
    ui_s = time.perf_counter() - t0
    del view
    alone = {}
    for cid in REGISTRY:  # each check alone: its own cost plus the fixed cost of a run
        gc.collect()
        t0 = time.perf_counter()
        check_workspace(settings, checks=[cid])
        alone[cid] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    audit = mock_audit(WorkspaceRuntime(settings), Caller("checks_bench"), AuditInput(sample=200, seed=1))
    audit_s = time.perf_counter() - t0
    by_check: dict[str, int] = {}
    for f in run.findings:
        by_check[f.check] = by_check.get(f.check, 0) + 1
    return {
        "rows": int(rows),
        "shape": shape,
        "entries": n_entries,
        "generate_s": gen,
        "load_s": load,
        "checks_s": checks_s,
        "alone_s": alone,
        "json_s": json_s,
        "json_mib": json_mib,
        "ui_s": ui_s,
        "rows_shown": len(run.clusters()),
        "audit_s": audit_s,
        "findings": len(run.findings),
        "by_check": by_check,
        "cores": len(os.sched_getaffinity(0)),
        "compliance_rate": audit.compliance_rate,
        "peak_rss_mib": peak_rss_mib(),
    }


def render(results: list[dict]) -> None:
    print(f"machine: {machine()}; run pinned to {results[0]['cores']} core(s)")
    print(
        f"{'shape':>11}{'rows':>11}{'entries':>9}{'load s':>8}{'checks s':>10}{'max alone':>10}{'findings':>10}"
        f"{'UI rows':>9}{'UI s':>6}{'audit s':>9}{'peak RSS':>10}"
    )
    for r in results:
        slowest = max(r["alone_s"], key=r["alone_s"].get)
        print(
            f"{r['shape']:>11}{r['rows']:>11,}{r['entries']:>9,}{r['load_s']:>8.1f}{r['checks_s']:>10.2f}"
            f"{r['alone_s'][slowest]:>10.2f}{r['findings']:>10,}{r['rows_shown']:>9,}{r['ui_s']:>6.2f}"
            f"{r['audit_s']:>9.1f}{r['peak_rss_mib']:>7.0f}MiB"
        )


def _unknown_shape(shape: str) -> str | None:
    parts, _, documents = shape.partition(":")
    if parts in SHAPES and documents in DOCUMENTS:
        return None
    return f"unknown shape {shape!r}: use PARTS:DOCUMENTS with PARTS in {list(SHAPES)}, DOCUMENTS in {list(DOCUMENTS)}"


def main(argv=None) -> list[dict]:
    cores = ("--cores", {"default": "0", "help": "pin the run to this many CPU cores (0: all)"})
    shapes = ("--shapes", {"default": "many:docs", "help": "PARTS:DOCUMENTS shapes, comma-separated"}, _unknown_shape)
    return size_bench(
        argv,
        doc=__doc__,
        module=MODULE,
        prefix="faprep-checks-",
        worker=worker,
        render=render,
        options=(cores,),
        variants=shapes,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
