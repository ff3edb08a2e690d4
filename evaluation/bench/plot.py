"""How cost grows, as one image: the checks benchmark over rows and the retrieval benchmark over chunks.

    python -m evaluation.bench.checks_bench --rows 10000,100000,1000000 --cores 2 --json > checks.json
    python -m evaluation.bench.retrieval_bench --chunks 1000,10000,100000 --json > retrieval.json
    python -m evaluation.bench.plot checks.json retrieval.json --out docs/scaling.png

Needs matplotlib (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def plot(checks: dict, retrieval: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.6))
    rows = [r["rows"] for r in checks["results"]]
    for key, label in (("load_s", "load ES-003 CSV"), ("checks_s", "all checks"), ("audit_s", "checks + mock audit")):
        left.plot(rows, [r[key] for r in checks["results"]], marker="o", label=label)
    left.set(xscale="log", yscale="log", xlabel="ES-003 rows", ylabel="seconds", title="Records and checks")
    left.legend()

    chunks = [r["chunks"] for r in retrieval["results"]]
    for key, label in (("chroma_add_s", "add to Chroma"), ("lexical_build_s", "build bm25s index")):
        middle.plot(chunks, [r[key] for r in retrieval["results"]], marker="o", label=label)
    middle.set(xscale="log", yscale="log", xlabel="chunks", ylabel="seconds", title="Indexing (embedding excluded)")
    middle.legend()

    for key, label in (
        ("dense_p50_ms", "dense search"),
        ("lexical_p50_ms", "lexical search"),
        ("fused_p50_ms", "hybrid query (embed + both + fuse)"),
    ):
        right.plot(chunks, [r[key] for r in retrieval["results"]], marker="o", label=label)
    right.set(xscale="log", yscale="log", xlabel="chunks", ylabel="median ms", title="Query latency")
    right.legend()
    for ax in (left, middle, right):
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"faprep cost by size — {checks['machine']}", fontsize=10)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checks", type=Path, help="checks_bench --json output")
    ap.add_argument("retrieval", type=Path, help="retrieval_bench --json output")
    ap.add_argument("--out", type=Path, default=Path("docs/scaling.png"))
    args = ap.parse_args(argv)
    plot(json.loads(args.checks.read_text()), json.loads(args.retrieval.read_text()), args.out)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
