"""Checks the fourth case's question set against the case's own files.

    python -m evaluation.datasets.fourth_case.verify [FOLDER] [--facts]

Builds the case into FOLDER (a temporary folder when none is given), reads back what was written (the two
ES-003 exports, the CSVs, the PDF and DOCX text), computes the headline record facts from those rows, and
checks every fact of every answerable question and turn of ``questions.json``:

- a fact of a question whose sources include a document must be a substring (case-insensitive, whitespace
  collapsed) of one of those documents' extracted text;
- a fact of a question whose sources are record files must be one of the computed record facts, or a cell of
  the rows of those files (money compared without ``$`` and thousands commas, as the grader does).

Unanswerable questions must have no facts and no sources. ``--facts`` prints the computed record facts.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MONEY = re.compile(r"[$,]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _grader(text: str) -> str:
    return MONEY.sub("", _norm(text))


def _num(x: str) -> float:
    return float(MONEY.sub("", x) or 0)


def _read_csv(path: Path) -> list[dict]:
    raw = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if raw.splitlines()[0].count(";") > raw.splitlines()[0].count(",") else ","
    return list(csv.DictReader(raw.splitlines(), delimiter=delimiter))


def _date(x: str) -> str:
    """ISO date from either ACE MM/DD/YYYY or ISO."""
    if "/" in x:
        m, d, y = x.split("/")
        return f"{y}-{m}-{d}"
    return x


def documents(folder: Path) -> dict[str, str]:
    from docx import Document
    from pypdf import PdfReader

    out = {}
    for path in sorted((folder / "documents").rglob("*")):
        if path.suffix == ".pdf":
            out[path.stem] = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
        elif path.suffix == ".docx":
            doc = Document(path)
            parts = [p.text for p in doc.paragraphs]
            for table in doc.tables:
                for row in table.rows:
                    parts.append(" | ".join(c.text for c in row.cells))
            out[path.stem] = "\n".join(parts)
    for path in sorted((folder / "rulings").glob("*.txt")):
        out[path.stem] = path.read_text(encoding="utf-8")
    return out


def m(x: float) -> str:
    return f"{x:,.2f}"


def record_facts(folder: Path) -> dict[str, object]:
    """Headline facts computed from the rows written (not from the generator)."""
    lines = []
    for path in sorted((folder / "entries").glob("*.csv")):
        for r in _read_csv(path):
            r["_file"] = path.stem
            r["_date"] = _date(r["Entry Date"])
            lines.append(r)
    main = [r for r in lines if r["Tariff Ordinal Number"] == "1"]
    ch99 = [r for r in lines if r["HTS Number - Full"].startswith("9903")]
    entries: dict[str, dict] = {}
    for r in lines:
        e = entries.setdefault(r["Entry Summary Number"], {"value": 0.0, "duty": 0.0, "date": r["_date"], "rows": []})
        e["value"] += _num(r["Line Tariff Goods Value Amount"])
        e["duty"] += _num(r["Line Tariff Duty Amount"])
        e["rows"].append(r)
    f: dict[str, object] = {}
    f["entries"] = len(entries)
    f["entry_lines (main ordinals)"] = len(main)
    f["es003_rows"] = len(lines)
    f["entries HZ6"] = sum(1 for n in entries if n.startswith("HZ6"))
    f["entries TQ2"] = sum(1 for n in entries if n.startswith("TQ2"))
    f["total entered value"] = m(sum(e["value"] for e in entries.values()))
    f["total duty"] = m(sum(e["duty"] for e in entries.values()))
    f["section 301 duty"] = m(sum(_num(r["Line Tariff Duty Amount"]) for r in ch99))
    f["section 301 rows"] = len(ch99)
    f["section 301 headings"] = dict(Counter(r["HTS Number - Full"] for r in ch99))
    for year in range(2022, 2027):
        es = [e for e in entries.values() if e["date"].startswith(str(year))]
        f[f"{year} entries"] = len(es)
        f[f"{year} entered value"] = m(sum(e["value"] for e in es))
        f[f"{year} duty"] = m(sum(e["duty"] for e in es))
        f[f"{year} 301 duty"] = m(
            sum(_num(r["Line Tariff Duty Amount"]) for r in ch99 if r["_date"].startswith(str(year)))
        )
    usmca = [r for r in main if r["Line SPI Code"] in ("S", "S+")]
    f["usmca lines"] = len(usmca)
    f["usmca lines S+"] = sum(1 for r in usmca if r["Line SPI Code"] == "S+")
    f["usmca entries"] = len({r["Entry Summary Number"] for r in usmca})
    f["usmca value"] = m(sum(_num(r["Line Tariff Goods Value Amount"]) for r in usmca))
    f["additions total"] = m(sum(_num(r["Line Additions Amount"]) for r in main))
    f["additions rows"] = [
        (r["Entry Summary Number"], r["Part Number"], r["Line Additions Amount"])
        for r in main
        if r["Line Additions Amount"]
    ]
    f["psc rows"] = [
        (r["Entry Summary Number"], r["Part Number"]) for r in main if r["Post Summary Correction Indicator"] == "Y"
    ]
    by_origin = defaultdict(float)
    for r in main:
        by_origin[r["Country of Origin Code"]] += _num(r["Line Tariff Goods Value Amount"])
    f["value by origin"] = {k: m(v) for k, v in sorted(by_origin.items(), key=lambda kv: -kv[1])}
    entries_by_origin = defaultdict(set)
    for r in main:
        entries_by_origin[r["Country of Origin Code"]].add(r["Entry Summary Number"])
    f["entries by origin"] = {k: len(v) for k, v in entries_by_origin.items()}
    by_part = defaultdict(lambda: {"value": 0.0, "qty": 0.0, "entries": set(), "hts": Counter()})
    for r in main:
        p = by_part[r["Part Number"]]
        p["value"] += _num(r["Line Tariff Goods Value Amount"])
        p["qty"] += float(r["Line Tariff Quantity (1)"] or 0)
        p["entries"].add(r["Entry Summary Number"])
        p["hts"][r["HTS Number - Full"]] += 1
    f["parts in entries"] = {
        k: {"value": m(v["value"]), "qty": v["qty"], "entries": len(v["entries"]), "hts": dict(v["hts"])}
        for k, v in sorted(by_part.items())
    }
    top = sorted(entries.items(), key=lambda kv: -kv[1]["value"])
    f["largest entries"] = [(n, m(e["value"]), e["date"]) for n, e in top[:3]]
    f["entry values"] = {n: (m(e["value"]), m(e["duty"]), e["date"]) for n, e in sorted(entries.items())}
    ports = Counter()
    for e in entries.values():
        ports[e["rows"][0]["Port of Entry Code"]] += 1
    f["entries by port"] = dict(ports)

    pays = _read_csv(folder / "payments.csv")
    f["payments"] = len(pays)
    f["payments total"] = m(sum(_num(p["Amount"]) for p in pays))
    by_vendor = defaultdict(float)
    count_vendor = Counter()
    for p in pays:
        by_vendor[p["Vendor Name"]] += _num(p["Amount"])
        count_vendor[p["Vendor Name"]] += 1
    f["payments by vendor"] = {k: (m(v), count_vendor[k]) for k, v in sorted(by_vendor.items(), key=lambda kv: -kv[1])}
    by_gl = defaultdict(float)
    count_gl = Counter()
    for p in pays:
        by_gl[p["GL Account"]] += _num(p["Amount"])
        count_gl[p["GL Account"]] += 1
    f["payments by GL"] = {k: (m(v), count_gl[k]) for k, v in sorted(by_gl.items(), key=lambda kv: -kv[1])}
    for year in range(2022, 2027):
        ps = [p for p in pays if p["Payment Date"].startswith(str(year))]
        f[f"{year} payments"] = (len(ps), m(sum(_num(p["Amount"]) for p in ps)))
    big = sorted(pays, key=lambda p: -_num(p["Amount"]))
    f["largest payments"] = [(p["Payment ID"], p["Vendor Name"], p["Amount"]) for p in big[:3]]
    f["non-goods payments"] = [
        (p["Payment ID"], p["Payment Date"], p["Vendor Name"], m(_num(p["Amount"])), p["GL Account"])
        for p in pays
        if not p["GL Account"].startswith("2110")
    ]
    prods = _read_csv(folder / "products.csv")
    f["products"] = len(prods)
    f["products with ruling"] = [
        (p["Part Number"], p["Ruling Number"], p["HTS Number"]) for p in prods if p["Ruling Number"]
    ]
    f["products by origin"] = dict(Counter(p["Country of Origin"] for p in prods))
    f["approvers"] = dict(Counter(p["Approved By"] for p in prods))
    certs = _read_csv(folder / "certificates.csv")
    f["certificate rows"] = len(certs)
    f["certificate ids"] = len({c["Certificate ID"] for c in certs})
    revs = _read_csv(folder / "broker_reviews.csv")
    f["reviews"] = len(revs)
    f["reviewers"] = dict(Counter(r["Reviewed By"] for r in revs))
    f["unreviewed"] = sorted(set(entries) - {r["Entry Summary Number"] for r in revs})
    f["review notes"] = [(r["Entry Summary Number"], r["Result"]) for r in revs if r["Result"] != "OK"]
    return f


def _flatten(x) -> list[str]:
    if isinstance(x, dict):
        return [s for k, v in x.items() for s in (_flatten(k) + _flatten(v))]
    if isinstance(x, (list, tuple, set)):
        return [s for v in x for s in _flatten(v)]
    return [str(x)]


def check(folder: Path, questions_path: Path) -> list[str]:
    docs = {k: _grader(v) for k, v in documents(folder).items()}
    facts = record_facts(folder)
    derived = {_grader(s) for s in _flatten(facts)}
    csv_cells: dict[str, set[str]] = {}
    for path in list((folder / "entries").glob("*.csv")) + list(folder.glob("*.csv")):
        cells = set()
        for r in _read_csv(path):
            cells |= {_grader(v) for v in r.values() if v}
        csv_cells[path.stem] = cells
    data = json.loads(questions_path.read_text())
    items = [(q["id"], q) for q in data["questions"]]
    for c in data["conversations"]:
        items += [(f"{c['id']}.{i + 1}", t) for i, t in enumerate(c["turns"])]
    problems = []
    for qid, q in items:
        if not q["answerable"]:
            if q["facts"] or q["sources"]:
                problems.append(f"{qid}: unanswerable with facts or sources")
            continue
        if not q["facts"]:
            problems.append(f"{qid}: answerable without facts")
        for src in q["sources"]:
            if src not in docs and src not in csv_cells:
                problems.append(f"{qid}: unknown source {src!r}")
        for fact in q["facts"]:
            want = _grader(fact)
            in_docs = any(want in docs.get(s, "") for s in q["sources"])
            in_rows = any(want == cell or want in cell for s in q["sources"] for cell in csv_cells.get(s, ())) or any(
                want == d or want in d for d in derived
            )
            if not (in_docs or in_rows):
                problems.append(f"{qid}: fact {fact!r} not found in {q['sources']}")
    return problems


def main(argv: list[str]) -> int:
    from evaluation.datasets.fourth_case import build_fourth_case

    args = [a for a in argv if not a.startswith("--")]
    holder = None
    if args:
        folder = Path(args[0])
    else:
        holder = tempfile.TemporaryDirectory(prefix="fourth-case-")
        folder = Path(holder.name) / "ridgeline"
    if not (folder / "products.csv").exists():
        build_fourth_case(folder)
    if "--facts" in argv:
        for k, v in record_facts(folder).items():
            print(f"{k}: {v}")
    problems = check(folder, HERE / "questions.json")
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
