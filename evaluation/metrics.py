"""Metrics of the evaluation: retrieval ranks, key facts, citations, refusals, check precision/recall."""

from __future__ import annotations

import json


def first_relevant(relevance: list[bool]) -> int | None:
    """1-based rank of the first relevant result, or None."""
    return next((i for i, r in enumerate(relevance, 1) if r), None)


def retrieval_scores(ranks: list[int | None], k: int = 5) -> dict:
    """hit@1, hit@k and MRR@k over questions, from each question's first relevant rank."""
    n = len(ranks) or 1
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n,
        "mrr": sum(1 / r for r in ranks if r is not None and r <= k) / n,
    }


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def has_facts(text: str, facts: list[str]) -> bool:
    """Every fact is stated in ``text`` (case and spacing ignored)."""
    t = _norm(text)
    return all(_norm(f) in t for f in facts)


def check_scores(expected: list[dict], findings: list[tuple[str, dict]], check_ids: list[str]) -> dict:
    """Per check: true positives, false positives, misses, precision and recall against the ground truth."""

    def key(check, subject):
        return check, json.dumps(subject, sort_keys=True)

    want = {key(e["check"], e["subject"]) for e in expected}
    got = {key(c, s) for c, s in findings}
    out = {}
    for cid in check_ids:
        w = {x for x in want if x[0] == cid}
        g = {x for x in got if x[0] == cid}
        tp = len(w & g)
        out[cid] = {
            "expected": len(w),
            "found": len(g),
            "tp": tp,
            "fp": len(g - w),
            "missed": len(w - g),
            "precision": tp / len(g) if g else (1.0 if not w else 0.0),
            "recall": tp / len(w) if w else 1.0,
            "false_positives": sorted(s for _, s in g - w),
            "misses": sorted(s for _, s in w - g),
        }
    return out
