"""Load on a live `faprep serve`: concurrent askers on loopback for a bounded time.

Starts ``faprep serve`` over the sample case (or ``--home``/``--workspace`` already ingested), then
``--askers`` threads each post questions to ``/api/ask`` back to back for ``--seconds``. Reports
throughput, latency percentiles, errors, and whether the audit log gained exactly one entry per
answered question (none lost under concurrency).

    python -m evaluation.bench.load_bench [--askers 20] [--seconds 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from evaluation.bench.ask_bench import QUESTIONS
from evaluation.bench.common import machine, percentile, start_server, stop_server

KEY = "load-bench-key"


def _audit_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()) if path.exists() else 0


def run_load(base: str, audit_log: Path, askers: int, seconds: float, key: str | None = KEY) -> dict:
    import httpx

    questions = [q for kind, q in QUESTIONS if "{" not in q]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    before = _audit_lines(audit_log)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            i = n
            while time.monotonic() < stop_at:
                q = questions[i % len(questions)]
                i += 1
                t = time.perf_counter()
                try:
                    r = client.post("/api/ask", json={"question": q})
                    ok = r.status_code == 200 and "answer" in r.json()
                    err = None if ok else f"{r.status_code}: {r.text[:200]}"
                except Exception as exc:  # noqa: BLE001 - counted as an error of the run
                    err = f"{type(exc).__name__}: {exc}"
                with lock:
                    (errors.append(err) if err else latencies.append(time.perf_counter() - t))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(askers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    logged = _audit_lines(audit_log) - before
    return {
        "askers": askers,
        "seconds": seconds,
        "wall_s": wall,
        "answered": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "throughput_per_s": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": percentile(latencies, 0.95) * 1000 if latencies else None,
        "max_ms": max(latencies) * 1000 if latencies else None,
        "audit_entries_added": logged,
        "audit_entries_lost": len(latencies) - logged,
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--askers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--serve-askers", type=int, default=None, help="FAPREP_SERVE_ASKERS of the server")
    ap.add_argument("--home", type=Path, help="FAPREP_HOME of an ingested workspace (default: ingest the sample case)")
    ap.add_argument("--workspace", default="bench")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from assistant.config import Settings
    from assistant.stores.workspace import Workspace
    from ingest.pipeline import ingest_paths

    with tempfile.TemporaryDirectory(prefix="faprep-load-bench-") as tmp:
        home = args.home
        if home is None:
            from evaluation.datasets.sample_case import build_sample_case

            build_sample_case(Path(tmp) / "case")
            home = Path(tmp) / "home"
            ingest_paths(Settings(home=home, workspace=args.workspace), [Path(tmp) / "case"])
        settings = Settings(home=home, workspace=args.workspace)
        # a viewer's key, checked (scrypt once, then the verified-key cache) on every request
        from assistant.stores.activity import ActivityLog
        from assistant.stores.users import Users

        users = Users(home)
        if users.get("load-viewer"):
            users.remove("load-viewer")
        _, key = users.add("load-viewer", "viewer", [args.workspace], "bench")
        env: dict[str, str] = {}
        if args.serve_askers:
            env["FAPREP_SERVE_ASKERS"] = str(args.serve_askers)
        proc, base = start_server(home, args.workspace, env)
        try:
            out = {
                "machine": machine(),
                "serve_askers": args.serve_askers or settings.serve_askers,
                **run_load(base, Workspace.of(settings).answers_log, args.askers, args.seconds, key=key),
            }
            checked, _, problem = ActivityLog(home / "activity.jsonl").verify()
            out["activity_entries"] = checked
            out["activity_chain_intact"] = problem is None
        finally:
            stop_server(proc)
    if args.json:
        print(json.dumps(out, indent=2))
        return out
    print(f"machine: {out['machine']}")
    print(
        f"{out['askers']} askers for {out['seconds']:.0f} s against faprep serve ({out['serve_askers']} answering at once): "
        f"{out['answered']} answered, {out['errors']} errors, {out['throughput_per_s']:.1f} answers/s; "
        f"p50 {out['p50_ms']:.0f} ms, p95 {out['p95_ms']:.0f} ms, max {out['max_ms']:.0f} ms; "
        f"audit log +{out['audit_entries_added']} entries ({out['audit_entries_lost']} lost); activity log "
        f"{out['activity_entries']} entries, chain {'intact' if out['activity_chain_intact'] else 'BROKEN'}"
    )
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
