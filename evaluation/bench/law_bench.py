"""The law shelf's index: built once per home, from scratch and from the machine's cache.

Each run is a fresh process over a fresh home:

- **cold**: no cache: every built-in text parsed, chunked to the paragraph and embedded;
- **cached**: the chunks and vectors ``faprep model`` keeps in the machine's model cache, copied in;
- **current**: a second open of an index already built (what every later ask pays: nothing).

Reports seconds, chunks, the index's size on disk and the peak RSS of each.

    python -m evaluation.bench.law_bench [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from evaluation.bench.common import machine, run_worker


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def worker(mode: str, home: str, cache: str) -> dict:
    import resource

    from assistant.config import Settings
    from assistant.stores.embeddings import get_embedder, stamp_of
    from assistant.stores.lawshelf import LawShelf

    settings = Settings(home=Path(home))
    embedder = get_embedder(settings)
    shelf = LawShelf(settings.home)
    stamp = stamp_of(embedder)
    t = time.perf_counter()
    done = shelf.ensure(embedder, stamp, None if mode == "cold" else Path(cache))
    seconds = time.perf_counter() - t
    return {
        "mode": mode,
        "seconds": round(seconds, 2),
        "built": done is not None,
        "chunks": (done or {}).get("chunks"),
        "texts": len(shelf.texts()),
        "index_bytes": _size(shelf.index_dir),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "HOME", "CACHE"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="faprep-law-bench-") as tmp:
        cache = Path(tmp) / "cache"
        rows.append(run_worker("evaluation.bench.law_bench", "cold", str(Path(tmp) / "cold"), str(cache)))
        # fill the machine cache as `faprep model` does, then build a new home from it
        rows.append(run_worker("evaluation.bench.law_bench", "fill", str(Path(tmp) / "fill"), str(cache)))
        rows.append(run_worker("evaluation.bench.law_bench", "cached", str(Path(tmp) / "cached"), str(cache)))
        rows.append(run_worker("evaluation.bench.law_bench", "current", str(Path(tmp) / "cached"), str(cache)))
    if args.json:
        print(json.dumps({"machine": machine(), "rows": rows}, indent=2))
        return
    print(f"law shelf index, {machine()}")
    for r in rows:
        print(
            f"{r['mode']:>8}: {r['seconds']:7.2f} s, built {r['built']}, chunks {r['chunks']}, "
            f"{r['texts']} texts, index {r['index_bytes'] / 2**20:.1f} MiB, peak RSS {r['peak_rss_mib']} MiB"
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
