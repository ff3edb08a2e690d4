"""Fact kinds about a CBP ruling (its subject, date, tariff numbers and the parts that rely on it) and
an HTS number (the parts the product master and the entry lines put under it).

A ruling's facts state the fields parsed from the letter and name the letter's lines to quote beside
them (``RULING_QUOTES``): the kind asked for leads, the other two parsed fields follow.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.answering.facts.question import Named
from assistant.answering.facts.registry import FactContext, fact_kind
from assistant.answering.facts.types import RULING_QUOTES, Fact, cite, markers
from assistant.formats import day


@fact_kind(
    "ruling_subject",
    thing="ruling",
    descriptions=["What is the ruling about?", "What was the subject of the ruling request?"],
)
def ruling_subject(ctx: FactContext, named: Named) -> list[Fact]:
    return _ruling_facts(ctx, named, "subject")


@fact_kind("ruling_date", thing="ruling", descriptions=["When was the ruling issued? What is its date?"])
def ruling_date(ctx: FactContext, named: Named) -> list[Fact]:
    return _ruling_facts(ctx, named, "date")


@fact_kind(
    "ruling_tariff",
    thing="ruling",
    descriptions=[
        "What did the ruling classify and under which tariff number?",
        "What HTS subheading did the ruling assign?",
        "How did the ruling classify the goods, and where?",
        "What tariff number did the ruling give?",
    ],
)
def ruling_tariff(ctx: FactContext, named: Named) -> list[Fact]:
    return _ruling_facts(ctx, named, "tariff")


@fact_kind(
    "ruling_requester",
    thing="ruling",
    descriptions=[
        "Who requested the ruling?",
        "Who asked CBP for the ruling?",
        "To whom is the ruling letter addressed?",
        "Which company was the ruling issued to?",
    ],
)
def ruling_requester(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for number in named.rulings:
        r = ctx.look.ruling(number)
        if r is None:
            continue
        found = next(
            (m for _, text in ctx.look.pages(r["path"]) if (m := re.search(RULING_QUOTES["addressee"], text or ""))),
            None,
        )
        if found is None:
            out.append(Fact("ruling_requester", f"Ruling {number} names no addressee before its RE: line.", []))
            continue
        addressee = " ".join(found.group("quote").split())
        date = day(r["ruling_date"]) or "(no date read)"
        out.append(
            Fact(
                "ruling_requester",
                f"Ruling {number} ({date}) is addressed to the requester: {addressee}.",
                [],
                documents=[(r["path"], RULING_QUOTES["addressee"])],
            )
        )
    return out


@fact_kind(
    "ruling_text",
    thing="ruling",
    descriptions=[
        "What duty rate does the ruling give?",
        "Which General Rule of Interpretation (GRI) did the ruling rely on?",
        "Why did CBP classify it that way? What was the ruling's reasoning?",
        "What does the ruling say about the goods, their materials and their use?",
    ],
)
def ruling_text(ctx: FactContext, named: Named) -> list[Fact]:
    """Answered from the letter itself (``Assistant``: its sentences closest to the question, within the
    ruling): no field of the rulings table holds it."""
    return []


@fact_kind("ruling_parts", thing="ruling", descriptions=["Which of our parts rely on this ruling?"])
def ruling_parts(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for number in named.rulings:
        rows = ctx.look.rows("SELECT * FROM products WHERE ruling_number = ? ORDER BY part_number", [number])
        if not rows:
            out.append(Fact("ruling_parts", f"No part in the product master cites ruling {number}.", []))
            continue
        parts = [r["part_number"] for r in rows]
        src = cite(
            "products",
            rows,
            ["part_number", "ruling_number", "hts"],
            ", ".join(parts),
            f"the product master rows citing ruling {number}",
        )
        out.append(
            Fact(
                "ruling_parts",
                f"The product master cites ruling {number} for {', '.join(parts)} {markers(src)}.",
                src,
            )
        )
    return out


@fact_kind(
    "hts_parts",
    thing="hts",
    descriptions=["Which parts are classified under this HTS number?", "What do we import under this subheading?"],
)
def hts_parts(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for hts in named.hts:
        master, lines = ctx.look.parts_under(hts)
        if master:
            src = cite(
                "products",
                master,
                ["part_number", "hts"],
                ", ".join(r["part_number"] for r in master),
                f"the product master rows with HTS Number {hts}",
            )
            out.append(
                Fact(
                    "hts_parts",
                    f"The product master classifies {', '.join(r['part_number'] for r in master)} "
                    f"under {hts} {markers(src)}.",
                    src,
                )
            )
        if lines:
            parts = Counter(r.get("part_number") or "(no part)" for r in lines)
            src = cite(
                "entry_lines",
                lines,
                ["hts", "part_number"],
                str(len(lines)),
                f"the main-ordinal entry lines declaring {hts}, counted by part",
            )
            out.append(
                Fact(
                    "hts_parts",
                    f"Entry lines declare {hts} for "
                    + ", ".join(f"{p} ({n} line(s))" for p, n in parts.most_common())
                    + f" {markers(src)}.",
                    src,
                )
            )
        if not master and not lines:
            out.append(Fact("hts_parts", f"Neither the product master nor any entry line uses {hts}.", []))
    return out


def _ruling_facts(ctx: FactContext, named: Named, what: str) -> list[Fact]:
    out = []
    for number in named.rulings:
        r = ctx.look.ruling(number)
        if r is None:
            continue
        tariffs = ", ".join(r["tariff_numbers"] or []) or "no tariff number read"
        subject = (r["subject"] or "(no subject line read)").rstrip(" .")
        date = day(r["ruling_date"]) or "(no date read)"
        # each kind leads with what was asked and states the other two parsed fields too
        lead = {
            "subject": f"Ruling {number} ({date}) is about: {subject}.",
            "date": f"Ruling {number} was issued on {date}.",
            "tariff": f"Ruling {number} ({date}) classifies under {tariffs}.",
        }[what]
        rest = {
            "subject": f"It classifies under {tariffs}.",
            "date": f"Subject: {subject}; tariff number(s) {tariffs}.",
            "tariff": f"Subject: {subject}.",
        }[what]
        others = [k for k in ("subject", "date", "tariff") if k != what]
        out.append(Fact(f"ruling_{what}", lead, [], documents=[(r["path"], RULING_QUOTES[what])]))
        out.append(Fact("ruling", rest, [], documents=[(r["path"], RULING_QUOTES[k]) for k in others]))
    return out
