"""The law questions: a compliance manager's questions about 19 CFR and 19 USC, answered from the shelf.

The set (``datasets/law_questions.json``, written from the legal texts alone, several wordings per
fact, over every Part on the shelf, with questions the shelf cannot answer) gives for each question
the section and paragraph that answer it and key phrases of that paragraph. Measured:

* ``section@5``: the right section among the first five sections the shelf's search returns;
* ``key_phrase``: the answer contains a key phrase of the paragraph (``all_phrases``: every one);
* ``cited``: a law citation of the answer names the right section;
* ``verbatim``: every law quote is a verbatim span of its section as stored, and of the source file
  (whitespace aside);
* ``refused``: a question the shelf cannot answer is not answered from it.

``datasets/law_questions_dev.json`` and ``law_questions_dev2.json`` (other paragraphs) are for tuning; ``python -m evaluation.law_eval
--home H --workspace W [--dev]`` runs either over an ingested workspace.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATASETS = Path(__file__).resolve().parent / "datasets"


def load(dev: bool = False) -> list[dict]:
    names = ["law_questions_dev.json", "law_questions_dev2.json"] if dev else ["law_questions.json"]
    return [q for name in names for q in json.loads((DATASETS / name).read_text())["questions"]]


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').lower().split())


def _verbatim(citation, shelf, files: dict[str, str]) -> bool:
    """The quote is a span of its section as stored, and of the file it was read from (whitespace aside)."""
    section = shelf.sections().get(citation.source)
    return section is not None and citation.quote in section.text and _norm(citation.quote) in files[citation.source]


def _files(shelf) -> dict[str, str]:
    from assistant.stores.lawshelf import BUILT_IN

    out = {}
    for t in shelf.texts():
        path = shelf.texts_dir / t.name if (shelf.texts_dir / t.name).is_file() else BUILT_IN / t.name
        raw = _norm(path.read_text(encoding="utf-8-sig"))
        out.update({s.cite: raw for s in t.sections})
    return out


def run_law(assistant, questions: list[dict], k: int = 5) -> dict:
    """Every question of the set through the assistant: per-question results and the rates above."""
    from assistant.answering.answer import NO_ANSWER

    law = assistant.law
    shelf = law.shelf
    files = _files(shelf)
    rows = []
    for q in questions:
        qvec = assistant.retriever.embedder.embed_query(q["question"])
        found = []
        for p in law.passages(q["question"], qvec, k=12):
            if p.path not in found:
                found.append(p.path)
        result = assistant.ask(q["question"])
        law_cites = [c for c in result.citations if c.is_law]
        text = _norm(result.answer)
        phrases = [_norm(x) for x in q.get("key_phrases", [])]
        rows.append(
            {
                "id": q["id"],
                "fact": q.get("fact"),
                "answerable": q.get("answerable", True),
                "section_rank": (found.index(q["source"]) + 1) if q.get("source") in found else None,
                "key_phrase": any(p in text for p in phrases) if phrases else None,
                "all_phrases": all(p in text for p in phrases) if phrases else None,
                "cited": any(c.source == q.get("source") for c in law_cites),
                "verbatim": all(_verbatim(c, shelf, files) for c in law_cites),
                "refused": result.answer == NO_ANSWER or not law_cites,
                "answer": result.answer[:400],
                "cites": [c.cite for c in law_cites],
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    rate = lambda key, rs: round(sum(bool(r[key]) for r in rs) / len(rs), 3) if rs else None  # noqa: E731
    unanswerable = [r for r in rows if not r["answerable"]]
    return {
        "questions": len(rows),
        "section@5": rate("section@5", [{**r, "section@5": (r["section_rank"] or 99) <= k} for r in answerable]),
        "key_phrase": rate("key_phrase", answerable),
        "all_phrases": rate("all_phrases", answerable),
        "cited": rate("cited", answerable),
        "verbatim": rate("verbatim", rows),
        "refused": rate("refused", unanswerable),
        "rows": rows,
    }


def main() -> None:  # pragma: no cover - a developer's tool
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--workspace", default="default")
    parser.add_argument("--dev", action="store_true", help="the development set")
    parser.add_argument("--show", action="store_true", help="print each miss")
    args = parser.parse_args()
    from assistant.answering.ask import Assistant
    from assistant.config import Settings

    assistant = Assistant(Settings(home=args.home, workspace=args.workspace))
    try:
        out = run_law(assistant, load(args.dev))
    finally:
        assistant.close()
    if args.show:
        for r in out["rows"]:
            bad = r["answerable"] and not (r["key_phrase"] and (r["section_rank"] or 99) <= 5)
            if bad or (not r["answerable"] and not r["refused"]):
                print(json.dumps({k: r[k] for k in ("id", "section_rank", "key_phrase", "cites", "answer")})[:600])
    print(json.dumps({k: v for k, v in out.items() if k != "rows"}))


if __name__ == "__main__":
    main()
