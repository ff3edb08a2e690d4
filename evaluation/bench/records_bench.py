"""Records at scale: generate N ES-003 rows (CSV), load them with faprep's ingest, report time and peak RSS.

    python -m evaluation.bench.records_bench --rows 1000000
    python -m evaluation.bench.records_bench --rows 10000,100000,1000000   # growth table

Each size runs in a fresh process so its peak RSS is its own. The CSV is written streaming.
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

MODULE = "evaluation.bench.records_bench"


def write_es003(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    parts = [f"P-{i:05d}" for i in range(5000)]
    hts = ["3924.90.5650", "3926.40.0090", "6110.30.3020", "3923.21.0030", "3917.33.0000"]
    start = dt.date(2020, 1, 1)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ES003_HEADERS)
        line = 0
        entry = 0
        for _i in range(rows):
            if line == 0 or line >= 5:
                entry += 1
                line = 0
                day = start + dt.timedelta(days=entry % 2200)
            line += 1
            p = rng.randrange(len(parts))
            value = rng.uniform(100, 20000)
            w.writerow(
                [
                    f"ZZ9{entry:07d}{entry % 10}",
                    "01",
                    day.strftime("%m/%d/%Y"),
                    "",
                    "27-418265300",
                    "2704",
                    line,
                    1,
                    hts[p % len(hts)],
                    "CN",
                    "CN",
                    f"CNMFR{p % 300:04d}SHE",
                    "",
                    rng.randint(10, 5000),
                    "NO",
                    f"${value:,.2f}",
                    f"${value * 0.034:,.2f}",
                    "N",
                    "N",
                    parts[p],
                    "ITEM",
                    f"INV-{entry}",
                    "",
                ]
            )


def worker(rows: str, tmp: str) -> dict:
    from assistant.config import Settings
    from ingest.pipeline import Ingestor

    folder = Path(tmp) / "case"
    folder.mkdir()
    t0 = time.perf_counter()
    write_es003(folder / "es003.csv", int(rows))
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = Ingestor(Settings(home=Path(tmp) / "home", workspace="bench")).run([folder])
    load = time.perf_counter() - t0
    assert report.ok and report.totals()["rows"] == int(rows), report.to_dict()
    return {
        "rows": int(rows),
        "generate_s": gen,
        "load_s": load,
        "rows_per_s": int(rows) / load,
        "csv_mib": (folder / "es003.csv").stat().st_size / 2**20,
        "peak_rss_mib": peak_rss_mib(),
    }


def render(results: list[dict]) -> None:
    print(f"machine: {machine()}")
    print(f"{'rows':>10}{'CSV MiB':>9}{'load s':>9}{'rows/s':>11}{'peak RSS':>11}")
    for r in results:
        print(
            f"{r['rows']:>10,}{r['csv_mib']:>9.0f}{r['load_s']:>9.1f}{r['rows_per_s']:>11,.0f}{r['peak_rss_mib']:>9.0f}MiB"
        )


def main(argv=None) -> list[dict]:
    return size_bench(argv, doc=__doc__, module=MODULE, prefix="faprep-rows-", worker=worker, render=render)


if __name__ == "__main__":
    main(sys.argv[1:])
