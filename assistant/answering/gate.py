"""Answer or refuse: a decision fitted on data, not a handful of hand-set thresholds.

An answer from the documents or the law is given only when a logistic model of its evidence says it is
likely right. The features (:func:`features`) are what a reader would weigh: how similar the best
sentence is to the question and how many of its words it shares (stems), how far the best passage
stands above the rest (the fused retrieval score and its margin), whether it names what the question
names, whether the question is any closer to the documents than to text that has nothing to do with
customs (``prompts/unrelated.txt``), and whether it came from the law shelf.

The model's weights and its threshold are data (``gate.json`` beside this module), fitted by
``python -m evaluation.fit_gate`` on a training split of the evaluation questions (answerable ones whose
answer states their facts are positives; unanswerable ones, and answerable ones answered wrongly, are
negatives), with the threshold chosen for precision; ``docs/asking.md`` reports the fit on the held-out
split and on the third case. Without ``gate.json`` every supported answer is given.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GATE_FILE = Path(__file__).resolve().parent / "gate.json"
FEATURES = ("best_sim", "best_overlap", "fused", "margin", "offtopic_gap", "names_id", "law", "terms")


@dataclass
class Gate:
    weights: dict[str, float]
    bias: float
    threshold: float
    scale: dict[str, list[float]]  # feature -> [mean, standard deviation] of the training split

    def probability(self, f: dict[str, float]) -> float:
        z = self.bias
        for k, w in self.weights.items():
            mean, sd = self.scale.get(k, [0.0, 1.0])
            z += w * (float(f.get(k, 0.0)) - mean) / (sd or 1.0)
        return 1.0 / (1.0 + math.exp(-z))

    def answers(self, f: dict[str, float]) -> bool:
        return self.probability(f) >= self.threshold


@functools.lru_cache(maxsize=1)
def load() -> Gate | None:
    """The fitted gate, or None when none was fitted."""
    if not GATE_FILE.is_file():
        return None
    d = json.loads(GATE_FILE.read_text())
    return Gate(d["weights"], d["bias"], d["threshold"], d.get("scale", {}))


class Unrelated:
    """The question's closeness to text unrelated to customs (one embedding of each line, once)."""

    def __init__(self, embedder):
        import prompts

        lines = [
            x for x in (prompts.DIR / "unrelated.txt").read_text().splitlines() if x.strip() and not x.startswith("#")
        ]
        self.vecs = np.asarray(embedder.embed(lines), dtype=np.float32)

    def closeness(self, qvec) -> float:
        q = np.asarray(qvec, dtype=np.float32)
        return float((self.vecs @ q).max())


def features(sentences: list, passages: list, offtopic: float, law: bool, terms: int) -> dict[str, float]:
    """The evidence of one answer, as the gate weighs it."""
    best = max(sentences, key=lambda s: s.score) if sentences else None
    scores = sorted((p.score for p in passages), reverse=True)
    fused = scores[0] if scores else 0.0
    margin = fused - scores[1] if len(scores) > 1 else fused
    best_sim = best.sim if best else 0.0
    return {
        "best_sim": round(best_sim, 4),
        "best_overlap": round(best.overlap if best else 0.0, 4),
        "fused": round(min(fused, 2.0), 4),
        "margin": round(min(margin, 1.0), 4),
        "offtopic_gap": round(best_sim - offtopic, 4),
        "names_id": float(bool(best and best.names_id)),
        "law": float(law),
        "terms": float(min(terms, 10)) / 10,
    }
