"""Ask latency: warm in-process answers (extractive mode) and the CLI's cold start.

Builds and ingests the sample case (or uses ``--home``/``--workspace`` already ingested), then:

- **warm**: one ``Assistant`` (model loaded, stores open) answers the question set ``--rounds``
  times (routed check questions included); p50, p95 and max per question kind;
- **cold**: ``faprep --help`` and ``faprep ask`` as new processes, ``--cold`` times each;
  and the import time of the CLI module.

    python -m evaluation.bench.ask_bench [--rounds 3] [--cold 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evaluation.bench.common import machine, percentile

QUESTIONS = [
    ("description", "How long are entry records kept?"),
    ("description", "Who maintains the product master?"),
    ("description", "When must the broker send an entry summary to Trade Compliance?"),
    ("classification", "What is the tariff classification of plastic letter charms from China?"),
    ("ruling", "What did ruling N361443 hold?"),
    ("identifier", "What is the entered value on entry {entry}?"),
    ("identifier", "What are the terms of sale on invoice {invoice}?"),
    ("no answer", "What is the airspeed velocity of an unladen swallow?"),
    ("check", "Are there undeclared assists?"),
    ("check", "Which parts have inconsistent classifications?"),
    ("record", "What HTS number is part {part} classified under in our product master?"),
    ("record", "What is the total entered value of entry {entry}?"),
    ("record", "How much duty did we pay in {year}?"),
    ("record", "What was payment {payment} for?"),
    ("record", "What is ruling N361443 about?"),
]


def warm(settings, rounds: int) -> dict:
    from assistant.answering.ask import Assistant
    from assistant.stores.records import Records
    from assistant.stores.workspace import Workspace

    with Records(Workspace.of(settings).records, read_only=True) as rec:
        entry, invoice = rec.con.execute(
            "SELECT entry_number, regexp_extract(path, 'invoice_(.*)\\.pdf', 1) FROM document_entries "
            "JOIN documents USING (path) WHERE kind = 'commercial_invoice' ORDER BY entry_number LIMIT 1"
        ).fetchone()
        part, year = rec.con.execute(
            "SELECT min(part_number), max(year(entry_summary_date)) FROM entry_lines WHERE part_number IS NOT NULL"
        ).fetchone()
        payment = rec.con.execute("SELECT min(payment_id) FROM payments").fetchone()[0]
    fill = {"entry": entry, "invoice": invoice, "part": part, "year": year, "payment": payment}
    questions = [(k, q.format(**fill)) for k, q in QUESTIONS]
    t0 = time.perf_counter()
    a = Assistant(settings)
    a.ask("warm up")  # loads the model and the check registry once
    _ = a.facts  # and the record facts (ids on record, the fact kinds' vectors)
    startup = time.perf_counter() - t0
    times: dict[str, list[float]] = {}
    first: list[float] = []  # round one: each question's sentences not yet embedded in this process
    try:
        for n in range(rounds):
            for kind, q in questions:
                t = time.perf_counter()
                a.ask(q)
                times.setdefault(kind, []).append(time.perf_counter() - t)
                if n == 0:
                    first.append(times[kind][-1])
    finally:
        a.close()
    every = [x for v in times.values() for x in v]
    row = lambda v: {
        "n": len(v),
        "p50_ms": statistics.median(v) * 1000,
        "p95_ms": percentile(v, 0.95) * 1000,
        "max_ms": max(v) * 1000,
    }
    extractive = [x for k, v in times.items() if k != "check" for x in v]
    return {
        "startup_s": startup,
        "all": row(every),
        "first_round": row(first),
        "extractive": row(extractive),
        "by_kind": {k: row(v) for k, v in times.items()},
    }


def cold(settings, runs: int) -> dict:
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    out = {}
    for name, args in (("help", ["--help"]), ("ask", ["ask", "How long are entry records kept?"])):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        out[name] = {"runs": runs, "median_s": statistics.median(times), "min_s": min(times)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import assistant.cli"], capture_output=True, text=True, env=env
    )
    last = [line for line in proc.stderr.splitlines() if line.rstrip().endswith("assistant.cli")]
    out["import_cli_ms"] = int(last[-1].split("|")[1]) / 1000 if last else None
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--home", type=Path, help="FAPREP_HOME of an ingested workspace (default: ingest the sample case)")
    ap.add_argument("--workspace", default="bench")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from assistant.config import Settings
    from ingest.pipeline import ingest_paths

    with tempfile.TemporaryDirectory(prefix="faprep-ask-bench-") as tmp:
        if args.home is None:
            from evaluation.datasets.sample_case import build_sample_case

            build_sample_case(Path(tmp) / "case")
            settings = Settings(home=Path(tmp) / "home", workspace=args.workspace)
            ingest_paths(settings, [Path(tmp) / "case"])
        else:
            settings = Settings(home=args.home, workspace=args.workspace)
        out = {"machine": machine(), "warm": warm(settings, args.rounds), "cold": cold(settings, args.cold)}
    if args.json:
        print(json.dumps(out, indent=2))
        return out
    w, c = out["warm"], out["cold"]
    print(f"machine: {out['machine']}")
    print(f"warm ask (in process; startup {w['startup_s']:.1f} s)")
    print(f"{'kind':<16}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, r in [
        ("extractive", w["extractive"]),
        ("all", w["all"]),
        ("first round", w["first_round"]),
        *w["by_kind"].items(),
    ]:
        print(f"{name:<16}{r['n']:>4}{r['p50_ms']:>9.0f}{r['p95_ms']:>9.0f}{r['max_ms']:>9.0f}")
    print(
        f"cold CLI: faprep --help {c['help']['median_s']:.2f} s, faprep ask {c['ask']['median_s']:.2f} s "
        f"(median of {c['ask']['runs']}); import assistant.cli {c['import_cli_ms']:.0f} ms"
    )
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
