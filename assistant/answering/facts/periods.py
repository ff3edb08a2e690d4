"""Fact kinds about a period (entries summarized, duty, entered value, payments), by the entry summary
date of the entry lines and the date of the payments.
"""

from __future__ import annotations

from assistant.answering.facts.question import Named
from assistant.answering.facts.registry import FactContext, fact_kind
from assistant.answering.facts.types import Fact, cite, markers, sum_of
from assistant.formats import day, money


@fact_kind(
    "period_entries",
    thing="period",
    descriptions=["How many entries did we file in the period?", "Number of entry summaries filed that year"],
)
def period_entries(ctx: FactContext, named: Named) -> list[Fact]:
    p = named.period
    assert p is not None
    rows = [r for r in _period_lines(ctx, named) if (r.get("tariff_ordinal") or 1) == 1]
    entries = sorted({r["entry_number"] for r in rows})
    src = cite(
        "entry_lines",
        rows,
        ["entry_summary_date"],
        str(len(entries)),
        f"distinct Entry Summary Numbers with an Entry Summary Date {day(p.start)} to {day(p.end)}",
    )
    return [
        Fact(
            "period_entries",
            f"Entries summarized {p.label}: {len(entries)} ({len(rows)} entry line(s)) {markers(src)}.",
            src,
        )
    ]


@fact_kind(
    "period_duty", thing="period", descriptions=["How much duty did we pay in the period?", "Total duty paid that year"]
)
def period_duty(ctx: FactContext, named: Named) -> list[Fact]:
    p = named.period
    assert p is not None
    rows = _period_lines(ctx, named)
    duty = sum_of(rows, "duty")
    entries = {r["entry_number"] for r in rows}
    src = cite(
        "entry_lines",
        rows,
        ["entry_summary_date", "duty"],
        money(duty),
        f"sum of Line Tariff Duty Amount over every row of the entries summarized {day(p.start)} to {day(p.end)}",
    )
    return [
        Fact(
            "period_duty",
            f"Duty on the entries summarized {p.label}: {money(duty)} on {len(entries)} entries {markers(src)}.",
            src,
        )
    ]


@fact_kind(
    "period_value",
    thing="period",
    descriptions=[
        "What was the total entered value of our imports in the period?",
        "How much did we import that year?",
    ],
)
def period_value(ctx: FactContext, named: Named) -> list[Fact]:
    p = named.period
    assert p is not None
    rows = _period_lines(ctx, named)
    value = sum_of(rows, "value")
    entries = {r["entry_number"] for r in rows}
    src = cite(
        "entry_lines",
        rows,
        ["entry_summary_date", "value"],
        money(value),
        f"sum of Line Tariff Goods Value Amount over the entries summarized {day(p.start)} to {day(p.end)}",
    )
    return [
        Fact(
            "period_value",
            f"Entered value of the entries summarized {p.label}: {money(value)} on "
            f"{len(entries)} entries {markers(src)}.",
            src,
        )
    ]


@fact_kind(
    "period_payments",
    thing="period",
    descriptions=["How much did we pay foreign suppliers in the period?", "Total payments to vendors that year"],
)
def period_payments(ctx: FactContext, named: Named) -> list[Fact]:
    p = named.period
    assert p is not None
    pays = ctx.look.payments_between(p.start, p.end)
    if named.vendors:
        pays = [x for x in pays if x.get("vendor_name") in named.vendors]
    total = sum_of(pays, "amount")
    to = f" to {named.vendor_phrase}" if named.vendors else ""
    src = cite(
        "payments",
        pays,
        ["payment_date", "amount"],
        money(total),
        f"sum of Amount over the payments{to} dated {day(p.start)} to {day(p.end)}",
    )
    return [
        Fact(
            "period_payments",
            f"Payments{to} {p.label}: {money(total)} in {len(pays)} payment(s) {markers(src)}.",
            src,
        )
    ]


def _period_lines(ctx: FactContext, named: Named) -> list[dict]:
    assert named.period is not None
    return ctx.look.lines_between(named.period.start, named.period.end)
