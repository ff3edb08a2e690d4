"""Helpers for benchmarks: run a worker in a fresh process and read its peak RSS."""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys

import psutil


def run_worker(module: str, *args: str) -> dict:
    """Run ``python -m module --worker args`` and return its JSON result plus peak RSS (MiB)."""
    proc = subprocess.run([sys.executable, "-m", module, "--worker", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} worker failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{psutil.cpu_count(logical=True)} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}"
