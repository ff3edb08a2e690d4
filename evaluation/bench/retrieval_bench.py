"""Retrieval at scale: the vector and lexical indexes at N chunks, and a hybrid query over both.

    python -m evaluation.bench.retrieval_bench --chunks 1000,10000,100000

Chunks are the lexical benchmark's windows of about 160 words over the public-domain corpus, each
with an entry number. Embedding is the cost of ingest that grows with N at a constant rate (the
ingest benchmark measures it), so this benchmark embeds at most ``--embed`` distinct chunks with the
real model and reuses their vectors, each with a little noise, for the rest. What it measures, for
each size in a fresh process:

- adding the N chunks to Chroma (embedded, on disk) and building the bm25s index;
- 100 queries (half entry numbers, half four-word phrases): the question's embedding, the dense
  search (top 40), the lexical search (top 40), and the fused result (convex, as ``faprep ask``);
- the process's peak RSS.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from evaluation.bench.common import machine, peak_rss_mib, percentile, size_bench

MODULE = "evaluation.bench.retrieval_bench"
CANDIDATES = 40


def worker(size: str, tmp: str, embed: str = "1000") -> dict:
    from assistant.answering.retrieval import convex
    from assistant.config import Settings
    from assistant.stores.embeddings import load_embedder
    from assistant.stores.lexical import LexicalIndex
    from assistant.stores.vectors import VectorStore
    from evaluation.bench.lexical_bench import synthetic_chunks

    n, n_embed = int(size), min(int(size), int(embed))
    settings = Settings(home=Path(tmp) / "home", workspace="bench")
    texts = synthetic_chunks(n)
    ids = [f"c{i:08d}" for i in range(n)]
    embedder = load_embedder(settings)

    t0 = time.perf_counter()
    base = np.asarray(embedder.embed(texts[:n_embed]), dtype=np.float32)
    embed_s = time.perf_counter() - t0
    rng = np.random.default_rng(7)
    vectors = base[np.arange(n) % n_embed] + rng.normal(0, 0.02, (n, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    store = VectorStore(settings)
    t0 = time.perf_counter()
    store.upsert(ids, vectors.tolist(), texts, [{"path": f"doc{i // 10}.pdf"} for i in range(n)])
    chroma_s = time.perf_counter() - t0
    corpus = dict(zip(ids, texts))
    lex = LexicalIndex(Path(tmp) / "lex")
    t0 = time.perf_counter()
    lex.update(ids, lambda wanted: [corpus[i] for i in wanted])
    lexical_s = time.perf_counter() - t0

    r = random.Random(3)
    queries = [
        f"What is the entered value of entry HL7-{(k := r.randrange(n)):07d}-{k % 10}?"
        if q % 2
        else " ".join(r.sample(texts[r.randrange(n)].split()[3:40], 4))
        for q in range(100)
    ]
    times: dict[str, list[float]] = {"embed": [], "dense": [], "lexical": [], "fused": []}
    store.query(embedder.embed_query("warm up"), k=CANDIDATES)
    lex.search("warm up", k=CANDIDATES)
    for q in queries:
        t0 = time.perf_counter()
        qvec = embedder.embed_query(q)
        t1 = time.perf_counter()
        dense = store.query(qvec, k=CANDIDATES)
        t2 = time.perf_counter()
        lexical = lex.search(q, k=CANDIDATES)
        t3 = time.perf_counter()
        fused = convex([(i, 1 - d) for i, d in dense], lexical, 0.5)
        sorted(fused, key=fused.get, reverse=True)[:6]
        t4 = time.perf_counter()
        times["embed"].append(t1 - t0)
        times["dense"].append(t2 - t1)
        times["lexical"].append(t3 - t2)
        times["fused"].append(t4 - t0)
    out = {
        "chunks": n,
        "embedded": n_embed,
        "embed_chunks_per_s": n_embed / embed_s,
        "chroma_add_s": chroma_s,
        "lexical_build_s": lexical_s,
        "peak_rss_mib": peak_rss_mib(),
    }
    for name, values in times.items():
        out[f"{name}_p50_ms"] = statistics.median(values) * 1000
        out[f"{name}_p95_ms"] = percentile(values, 0.95) * 1000
    return out


def render(results: list[dict]) -> None:
    print(f"machine: {machine()}")
    print(
        f"{'chunks':>8}{'Chroma add':>12}{'bm25s build':>13}{'dense p50/p95':>16}{'lexical p50/p95':>18}"
        f"{'hybrid p50/p95':>17}{'peak RSS':>10}"
    )
    for r in results:
        print(
            f"{r['chunks']:>8,}{r['chroma_add_s']:>11.1f}s{r['lexical_build_s']:>12.1f}s"
            f"{r['dense_p50_ms']:>8.1f}/{r['dense_p95_ms']:.1f}ms{r['lexical_p50_ms']:>9.1f}/{r['lexical_p95_ms']:.1f}ms"
            f"{r['fused_p50_ms']:>8.1f}/{r['fused_p95_ms']:.1f}ms{r['peak_rss_mib']:>8.0f}MiB"
        )
    e = results[0]
    print(f"embedding: {e['embed_chunks_per_s']:.0f} chunks/s on {e['embedded']} chunks (the rest reuse their vectors)")


def main(argv: list[str] | None = None) -> list[dict]:
    return size_bench(
        argv,
        doc=__doc__,
        module=MODULE,
        prefix="faprep-retrievalbench-",
        worker=worker,
        render=render,
        option="--chunks",
        default="1000,10000,100000",
        options=(("--embed", {"type": int, "default": 1000, "help": "chunks embedded with the model"}),),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
