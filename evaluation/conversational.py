"""Questions as people ask them, on an importer faprep was not tuned on: loose wordings, follow-ups in a
conversation, questions the case cannot answer, and real rulings asked by a description of the product.

The third case (``datasets/third_case``: another industry, other part shapes, vendors, GL accounts,
manual wording and section layout) and its questions (``datasets/third_case/questions.json``) were
written from the case's files alone, before the answer engine was tuned. The sample case's set
(``datasets/sample_dev_questions.json``) is the development set the engine was tuned on; it is
reported apart, as are the development questions over the tests' other importer
(``datasets/other_dev_questions.json``, ``--set other``), written from that case's files alone. Measured:

* ``loose``: an answerable question's answer states every fact the set gives (case, spacing, ``$``
  and thousands commas aside) and cites a source (a finding for check and summary questions);
* ``followups``: the same for the second and later turns of each conversation, asked in one session;
* ``refused``: an unanswerable question is refused (no citation, no finding);
* ``rulings``: a question describing a product (``datasets/ruling_description_questions.json``)
  is answered with the ruling for it and its tariff number.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

DATASETS = Path(__file__).resolve().parent / "datasets"


def _norm(text: str) -> str:
    text = text.lower().replace("$", "").replace("’", "'")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return " ".join(text.split())


def states(answer: str, facts: list[str]) -> bool:
    t = _norm(answer)
    return all(_norm(f) in t for f in facts)


def grounded(result) -> bool:
    return bool(result.citations or result.findings)


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def _row(q: dict, result, seconds: float) -> dict:
    answerable = q.get("answerable", True)
    ok = states(result.answer, q.get("facts", [])) and grounded(result) if answerable else not grounded(result)
    return {
        "question": q["question"],
        "kind": q.get("kind"),
        "answerable": answerable,
        "ok": ok,
        "resolved": getattr(result, "resolved", None),
        "answer": result.answer[:500],
        "ms": round(seconds * 1000),
    }


def run_questions(assistant, dataset: dict) -> dict:
    """The single questions and the conversations of one set, through ``assistant``."""
    rows, turns = [], []
    for q in dataset["questions"]:
        t = time.perf_counter()
        result = assistant.ask(q["question"])
        rows.append({"id": q["id"], **_row(q, result, time.perf_counter() - t)})
    for conv in dataset.get("conversations", []):
        session = f"eval-{uuid.uuid4().hex[:10]}"
        for i, turn in enumerate(conv["turns"]):
            t = time.perf_counter()
            result = assistant.ask(turn["question"], session_id=session)
            turns.append({"id": f"{conv['id']}#{i + 1}", "turn": i + 1, **_row(turn, result, time.perf_counter() - t)})
    return summarize(rows, turns)


def summarize(rows: list[dict], turns: list[dict]) -> dict:
    def rate(rs):
        return round(sum(r["ok"] for r in rs) / len(rs), 3) if rs else None

    answerable = [r for r in rows if r["answerable"]]
    kinds = sorted({r["kind"] for r in answerable if r["kind"]})
    followups = [t for t in turns if t["turn"] > 1 and t["answerable"]]
    ms = sorted(r["ms"] for r in rows + turns)
    return {
        "loose": rate(answerable),
        "by_kind": {k: rate([r for r in answerable if r["kind"] == k]) for k in kinds},
        "followups": rate(followups),
        "first_turns": rate([t for t in turns if t["turn"] == 1 and t["answerable"]]),
        "refused": rate([r for r in rows + turns if not r["answerable"]]),
        "counts": {
            "questions": len(answerable),
            "followups": len(followups),
            "unanswerable": len([r for r in rows + turns if not r["answerable"]]),
        },
        "p50_ms": ms[len(ms) // 2] if ms else None,
        "rows": rows,
        "turns": turns,
    }


def run_rulings(assistant, dev: bool = False) -> dict:
    """Rulings asked by a description of the product: the ruling cited and its tariff number stated."""
    name = "ruling_description_questions_dev.json" if dev else "ruling_description_questions.json"
    questions = load(DATASETS / name)
    questions = questions["questions"] if isinstance(questions, dict) else questions
    rows = []
    for q in questions:
        result = assistant.ask(q["question"])
        cited = {c.ruling_number for c in result.citations if c.ruling_number}
        tariff = any(t in result.answer or t.replace(".", "") in result.answer for t in q["tariff"])
        rows.append(
            {"id": q["id"], "ruling": q["ruling"], "ok": q["ruling"] in cited and tariff, "answer": result.answer[:300]}
        )
    return {"rulings": round(sum(r["ok"] for r in rows) / len(rows), 3) if rows else None, "rows": rows}


def build_third(workdir: Path, say=print):
    """The third case built and ingested in ``workdir/home`` (workspace ``third``), dated as its set is:
    the settings of that workspace."""
    from assistant.config import Settings
    from evaluation.datasets.third_case import AS_OF, build_third_case

    settings = Settings(home=workdir / "home", workspace="third", as_of=AS_OF)
    return _built(settings, workdir / "third_case", build_third_case, "the third case", say)


def _built(settings, case: Path, build, what: str, say):
    """``settings``' workspace, built from ``build(case)`` and ingested when it is not there yet."""
    from ingest.pipeline import ingest_paths

    if not (settings.workspace_dir / "records.duckdb").exists():
        say(f"building and ingesting {what}")
        build(case)
        report = ingest_paths(settings, [case])
        if not report.ok:
            raise RuntimeError(f"{what} did not ingest cleanly: {report.totals()}")
    return settings


def build_other(workdir: Path, say=print):
    """The other importer of the tests (``tests/support/other_case.py``, Northwind Outdoor Gear) built and
    ingested in ``workdir/other-home`` (workspace ``other``), for its development questions."""
    from assistant.config import Settings
    from tests.support.other_case import build_other_case

    dataset = load(DATASETS / "other_dev_questions.json")
    settings = Settings(home=workdir / "other-home", workspace="other", as_of=dataset["as_of"])
    return _built(settings, workdir / "other_case", build_other_case, "the other importer", say), dataset


def build_fourth(workdir: Path, say=print):
    """The fourth case (``datasets/fourth_case``, a development case) built and ingested in
    ``workdir/fourth-home`` (workspace ``fourth``), with its questions."""
    from assistant.config import Settings
    from evaluation.datasets.fourth_case import AS_OF, build_fourth_case

    dataset = load(DATASETS / "fourth_case" / "questions.json")
    settings = Settings(home=workdir / "fourth-home", workspace="fourth", as_of=AS_OF)
    return _built(settings, workdir / "fourth_case", build_fourth_case, "the fourth case", say), dataset


def main() -> None:  # pragma: no cover - a developer's tool
    import argparse

    from assistant.answering.ask import Assistant
    from assistant.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an ingested home (with --workspace); default: build the third case")
    parser.add_argument("--workspace", default="third")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/faprep-third"))
    parser.add_argument(
        "--set", default="third", choices=["third", "sample", "sample2", "other", "fourth", "rulings", "rulings-dev"]
    )
    parser.add_argument("--show", action="store_true", help="print each miss")
    args = parser.parse_args()
    if args.set == "third":
        settings = build_third(args.workdir)
        dataset = load(DATASETS / "third_case" / "questions.json")
    elif args.set == "other":
        settings, dataset = build_other(args.workdir)
    elif args.set == "fourth":
        settings, dataset = build_fourth(args.workdir)
    else:
        dataset = load(
            DATASETS / ("sample_dev2_questions.json" if args.set == "sample2" else "sample_dev_questions.json")
        )
        as_of = dataset.get("as_of")
        settings = Settings(home=args.home, workspace=args.workspace, **({"as_of": as_of} if as_of else {}))
    assistant = Assistant(settings)
    try:
        if args.set.startswith("rulings"):
            out = run_rulings(assistant, dev=args.set.endswith("dev"))
        else:
            out = run_questions(assistant, dataset)
    finally:
        assistant.close()
    if args.show:
        for r in out.get("rows", []) + out.get("turns", []):
            if not r["ok"]:
                print(json.dumps(r))
    print(json.dumps({k: v for k, v in out.items() if k not in ("rows", "turns")}))


if __name__ == "__main__":
    main()
