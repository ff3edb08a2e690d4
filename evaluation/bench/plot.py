"""How cost grows: the checks benchmark over rows, by shape of the data; with ``--retrieval``, the
retrieval benchmark over chunks in a second image.

    python -m evaluation.bench.checks_bench --rows 10000,100000,1000000 --cores 2 \
        --shapes many:docs,many:none,few:docs,few:none --json > checks.json
    python -m evaluation.bench.plot checks.json --out docs/scaling.png
    python -m evaluation.bench.retrieval_bench --chunks 1000,10000,100000 --json > retrieval.json
    python -m evaluation.bench.plot checks.json --retrieval retrieval.json --retrieval-out docs/retrieval-scaling.png

Needs matplotlib (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def plot(checks: dict, out: Path) -> None:
    """Left: every check over the rows, one line per shape (the load of the CSV dashed). Right: the
    slowest check run alone, which is its own cost plus the fixed cost of a run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
    shapes = sorted({r["shape"] for r in checks["results"]})
    for shape in shapes:
        rs = [r for r in checks["results"] if r["shape"] == shape]
        rows = [r["rows"] for r in rs]
        (line,) = left.plot(rows, [r["checks_s"] for r in rs], marker="o", label=f"all checks, {shape}")
        left.plot(rows, [r["load_s"] for r in rs], ls="--", color=line.get_color(), alpha=0.5, label=f"load, {shape}")
        right.plot(rows, [max(r["alone_s"].values()) for r in rs], marker="o", label=shape)
        right.plot(rows, [min(r["alone_s"].values()) for r in rs], ls=":", color=line.get_color(), alpha=0.7)
    left.axhline(5, color="grey", lw=0.8)
    left.set(xscale="log", yscale="log", xlabel="ES-003 rows", ylabel="seconds", title="All eleven checks, by shape")
    left.legend(fontsize=7)
    right.set(
        xscale="log",
        yscale="log",
        xlabel="ES-003 rows",
        ylabel="seconds",
        title="One check alone: slowest (solid), fastest (dotted)",
    )
    right.legend(fontsize=7)
    _finish(fig, (left, right), f"faprep checks by size and shape — {checks['machine']}", out)


def plot_retrieval(retrieval: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (middle, right) = plt.subplots(1, 2, figsize=(11, 4.6))
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
    _finish(fig, (middle, right), f"faprep retrieval by size — {retrieval['machine']}", out)


def _finish(fig, axes, title: str, out: Path) -> None:
    """Grid lines on every panel, the figure's title, and the PNG written to ``out``."""
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checks", type=Path, help="checks_bench --json output")
    ap.add_argument("--out", type=Path, default=Path("docs/scaling.png"))
    ap.add_argument("--retrieval", type=Path, help="retrieval_bench --json output")
    ap.add_argument("--retrieval-out", type=Path, default=Path("docs/retrieval-scaling.png"))
    args = ap.parse_args(argv)
    plot(json.loads(args.checks.read_text()), args.out)
    print(f"written: {args.out}")
    if args.retrieval:
        plot_retrieval(json.loads(args.retrieval.read_text()), args.retrieval_out)
        print(f"written: {args.retrieval_out}")


if __name__ == "__main__":
    main(sys.argv[1:])
