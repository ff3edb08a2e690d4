"""Lexical index at scale: full build vs incremental update, and query latency, at N chunks.

    python -m evaluation.bench.lexical_bench --chunks 1000,10000,100000

Chunks are windows of about 160 words over the public-domain corpus (rulings, HTSUS, 19 USC),
each tagged with a synthetic entry number so identifiers are spread as in a real case. For each
size, in a fresh process: build the index over N chunks, then add 1% more chunks (at least 10) as
an ingest would, then delete 1% (a changed file), then run 200 queries.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from evaluation.bench.common import machine, peak_rss_mib, size_bench

MODULE = "evaluation.bench.lexical_bench"


def synthetic_chunks(n: int, seed: int = 7) -> list[str]:
    from evaluation.datasets.sample_case import CORPUS

    words = " ".join(p.read_text(errors="ignore") for p in sorted(CORPUS.rglob("*.txt"))).split()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        start = rng.randrange(0, len(words) - 160)
        out.append(f"Entry HL7-{i:07d}-{i % 10} " + " ".join(words[start : start + 160]))
    return out


def worker(size: str, tmp: str) -> dict:
    from assistant.stores.lexical import LexicalIndex

    n = int(size)
    n_add = max(10, n // 100)
    texts = synthetic_chunks(n + n_add)
    corpus = {f"c{i:08d}": t for i, t in enumerate(texts)}
    ids = list(corpus)
    index = LexicalIndex(Path(tmp) / "lex")
    lookup = lambda wanted: [corpus[i] for i in wanted]  # noqa: E731

    t0 = time.perf_counter()
    index.update(ids[:n], lookup)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    added = index.update(ids, lookup)
    add = time.perf_counter() - t0
    keep = [i for k, i in enumerate(ids) if k % 100 != 5]
    t0 = time.perf_counter()
    deleted = index.update(keep, lookup)
    delete = time.perf_counter() - t0

    fresh = LexicalIndex(Path(tmp) / "lex")
    t0 = time.perf_counter()
    fresh.search("warm up", k=10)
    load = time.perf_counter() - t0
    rng = random.Random(3)
    queries = [
        f"HL7-{rng.randrange(n):07d}" if q % 2 else " ".join(rng.sample(texts[rng.randrange(n)].split()[3:40], 4))
        for q in range(200)
    ]
    times = []
    for q in queries:
        t0 = time.perf_counter()
        fresh.search(q, k=20)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "chunks": n,
        "build_s": build,
        "add": n_add,
        "add_s": add,
        "add_action": added.action,
        "delete_s": delete,
        "delete_action": deleted.action,
        "segments": fresh.summary()["segments"],
        "load_s": load,
        "query_p50_ms": statistics.median(times) * 1000,
        "query_p95_ms": times[int(len(times) * 0.95)] * 1000,
        "peak_rss_mib": peak_rss_mib(),
    }


def render(results: list[dict]) -> None:
    print(f"machine: {machine()}")
    print(
        f"{'chunks':>8}{'full build':>12}{'add 1%':>9}{'delete 1%':>11}{'load':>8}{'query p50':>11}{'p95':>9}{'peak RSS':>10}"
    )
    for r in results:
        print(
            f"{r['chunks']:>8,}{r['build_s']:>11.2f}s{r['add_s']:>8.2f}s{r['delete_s']:>10.2f}s{r['load_s']:>7.2f}s"
            f"{r['query_p50_ms']:>9.1f}ms{r['query_p95_ms']:>7.1f}ms{r['peak_rss_mib']:>8.0f}MiB"
        )


def main(argv: list[str] | None = None) -> list[dict]:
    return size_bench(
        argv,
        doc=__doc__,
        module=MODULE,
        prefix="faprep-lexbench-",
        worker=worker,
        render=render,
        option="--chunks",
        default="1000,10000,100000",
    )


if __name__ == "__main__":
    main(sys.argv[1:])
