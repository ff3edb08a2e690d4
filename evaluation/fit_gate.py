"""Fit the answer-or-refuse gate (``assistant/answering/gate.py``) on data.

The questions: the evaluation set of the sample case (written questions over its documents, 19 USC and
rulings, and its unanswerable ones), the sample case's development set of loose wordings
(``datasets/sample_dev_questions.json``) and the law development set (``law_questions_dev.json``). Each
is asked of an ingested evaluation workspace with no gate; every answer drawn from the documents gives
one example: its evidence (``gate.features``) and whether it should have been given (an
answerable question whose answer states its facts, or a key phrase of the law's paragraph). Answers from
the records and the checks are exact paths of their own and are not gated.

The examples are split by a hash of the question: 70% to fit a logistic model (L2, plain gradient
descent), 30% held out. The threshold is the lowest probability at which the fitted model's precision
on the training split reaches ``PRECISION``: refusing a question that could have been answered is
better than answering it wrongly. Precision and recall on both splits are written to ``gate.json`` with
the weights.

    python -m evaluation.fit_gate --home /tmp/faprep-eval/home --workspace eval --case /tmp/faprep-eval/case
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

PRECISION = 0.9
# the evidence the gate weighs (of assistant.answering.gate.FEATURES): how much closer the best sentence is
# to the question than unrelated text is, how many of its words it shares, how far the best passage
# stands above the next, and whether it is the law's
USED = ("offtopic_gap", "best_sim", "best_overlap", "margin")
DATASETS = Path(__file__).resolve().parent / "datasets"


def examples(assistant, questions: list[dict]) -> list[dict]:
    """(features, label, question) for each question answered from the documents or the law."""
    from evaluation.conversational import states

    out = []
    for q in questions:
        result = assistant.ask(q["question"])
        entry = assistant.log.entries()[-1]
        gate = entry.get("gate")
        if not gate or not result.citations or gate["features"]["law"]:
            continue  # the law has a floor of its own; the gate weighs the documents' answers
        if q["answerable"]:
            good = states(result.answer, q["facts"]) if q["facts"] else False
            if q.get("any"):
                good = any(states(result.answer, [f]) for f in q["any"])
        else:
            good = False
        out.append({"question": q["question"], "features": gate["features"], "label": int(good)})
    return out


def training_questions(case: Path, corpus: Path) -> list[dict]:
    from evaluation.datasets.questions import build_questions

    out = [
        {"question": q.question, "facts": q.facts, "answerable": q.answerable}
        for q in build_questions(case, corpus)
        if not q.category.startswith("record")
    ]
    dev = json.loads((DATASETS / "sample_dev_questions.json").read_text())
    out += [
        {"question": q["question"], "facts": q["facts"], "answerable": q["answerable"]}
        for q in dev["questions"]
        if q["kind"] in ("document", "ruling") or not q["answerable"]
    ]
    law = json.loads((DATASETS / "law_questions_dev.json").read_text())["questions"]
    out += [
        {"question": q["question"], "facts": [], "any": q["key_phrases"], "answerable": q["answerable"]} for q in law
    ]
    extra = json.loads((DATASETS / "gate_training_unanswerable.json").read_text())["questions"]
    out += [{"question": q, "facts": [], "answerable": False} for q in extra]
    return out


def held_out(question: str) -> bool:
    return int(hashlib.sha256(question.encode()).hexdigest(), 16) % 10 >= 7


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 20000, rate: float = 0.5):
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad = p - y
        w -= rate * (x.T @ grad / len(y) + l2 * w)
        b -= rate * grad.mean()
    return w, b


def rates(p: np.ndarray, y: np.ndarray, threshold: float) -> dict:
    given = p >= threshold
    tp = int((given & (y == 1)).sum())
    return {
        "precision": round(tp / given.sum(), 3) if given.sum() else None,
        "recall": round(tp / (y == 1).sum(), 3) if (y == 1).sum() else None,
        "answered": int(given.sum()),
        "n": int(len(y)),
    }


def main() -> None:  # pragma: no cover - a developer's tool
    from assistant.answering import gate as gate_module
    from assistant.answering.ask import Assistant
    from assistant.config import Settings
    from evaluation.datasets.sample_case import CORPUS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--workspace", default="eval")
    parser.add_argument("--case", type=Path, required=True, help="the built case folder of that workspace")
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args()
    gate_module.load.cache_clear()
    gate_module.GATE_FILE = Path("/nonexistent/gate.json")  # answer everything while collecting
    settings = Settings(home=args.home, workspace=args.workspace, **({"as_of": args.as_of} if args.as_of else {}))
    assistant = Assistant(settings)
    try:
        data = examples(assistant, training_questions(args.case, CORPUS))
    finally:
        assistant.close()
    names = USED
    raw = np.array([[d["features"][k] for k in names] for d in data], dtype=float)
    y = np.array([d["label"] for d in data], dtype=float)
    test = np.array([held_out(d["question"]) for d in data])
    mean, sd = raw[~test].mean(axis=0), raw[~test].std(axis=0) + 1e-9
    x = (raw - mean) / sd
    w, b = fit(x[~test], y[~test])
    p = 1 / (1 + np.exp(-(x @ w + b)))
    candidates = sorted(set(np.round(p[~test], 4)))
    threshold = next((t for t in candidates if (rates(p[~test], y[~test], t)["precision"] or 0) >= PRECISION), 0.5)
    report = {"train": rates(p[~test], y[~test], threshold), "held_out": rates(p[test], y[test], threshold)}
    out = {
        "_about": "answer-or-refuse gate, fitted by python -m evaluation.fit_gate; see assistant/answering/gate.py",
        "weights": {k: round(float(v), 4) for k, v in zip(names, w)},
        "bias": round(float(b), 4),
        "scale": {k: [round(float(m), 4), round(float(s_), 4)] for k, m, s_ in zip(names, mean, sd)},
        "threshold": float(threshold),
        "fit": report,
    }
    (Path(__file__).resolve().parents[1] / "assistant" / "answering" / "gate.json").write_text(
        json.dumps(out, indent=1)
    )
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
