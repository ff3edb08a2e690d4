"""Helpers for benchmarks: run a worker in a fresh process and read its peak RSS."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil


def run_worker(module: str, *args: str) -> dict:
    """Run ``python -m module --worker args`` and return its JSON result plus peak RSS (MiB)."""
    proc = subprocess.run([sys.executable, "-m", module, "--worker", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} worker failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run_sizes(module: str, rows: str, prefix: str, *args: str) -> list[dict]:
    """Run the worker once per comma-separated row count, each in a fresh process and temp dir."""
    results = []
    for n in [int(x) for x in rows.split(",")]:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            results.append(run_worker(module, str(n), tmp, *args))
    return results


def size_bench(
    argv,
    *,
    doc: str,
    module: str,
    prefix: str,
    worker,
    render,
    option: str = "--rows",
    default: str = "1000000",
    options: tuple = (),
    variants: tuple | None = None,
) -> list[dict]:
    """The command line the scaling benchmarks share.

    ``option`` takes comma-separated sizes, each run by ``worker(size, tmpdir, *extra)`` in a fresh
    process (the hidden ``--worker``); ``options`` are extra ``(flag, argparse kwargs)`` whose values
    are passed on to the workers. ``variants`` is one more ``(flag, argparse kwargs, check)`` whose
    value is comma-separated: every size runs once per variant, passed last to the worker; ``check``
    returns why a variant is unknown, or None. ``--json`` prints the results, otherwise
    ``render(results)`` does.
    """
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(option, default=default, help="sizes, comma-separated")
    for flag, kwargs in options + ((variants[:2],) if variants else ()):
        ap.add_argument(flag, **kwargs)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return []
    extra = [str(getattr(args, flag.lstrip("-").replace("-", "_"))) for flag, _ in options]
    sizes = getattr(args, option.lstrip("-"))
    if variants:
        chosen = str(getattr(args, variants[0].lstrip("-").replace("-", "_"))).split(",")
        for v in chosen:
            if why := variants[2](v):
                ap.error(why)
        results = [r for v in chosen for r in run_sizes(module, sizes, prefix, *extra, v)]
    else:
        results = run_sizes(module, sizes, prefix, *extra)
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))
    else:
        render(results)
    return results


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{psutil.cpu_count(logical=True)} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, workspace: str, env_extra: dict | None = None, log: Path | None = None):
    """``faprep serve`` in a subprocess; returns (process, base url) once /health answers."""
    import httpx

    port = free_port()
    env = {**os.environ, "FAPREP_HOME": str(home), "FAPREP_WORKSPACE": workspace, **(env_extra or {})}
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"faprep serve exited with {proc.returncode}" + (f": {log.read_text()[-2000:]}" if log else "")
            )
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("faprep serve did not answer /health within 120 s")


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
