"""Fact kinds about an entry (its value, duty, parts, HTS numbers, documents, dates, invoice, broker
review, origin) and about an invoice (the entry it was filed on), from the entry lines, the documents
linked to the entry and the broker review log.
"""

from __future__ import annotations

from assistant.answering.facts.question import Named
from assistant.answering.facts.registry import FactContext, fact_kind
from assistant.answering.facts.types import Fact, cite, entry_pattern, markers, sum_of
from assistant.formats import day, money


@fact_kind(
    "entry_value",
    thing="entry",
    descriptions=["What is the total entered value of the entry?", "How much was the entry worth?"],
)
def entry_value(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = ctx.look.entry_lines(e)
        value = sum_of(rows, "value")
        src = cite(
            "entry_lines",
            rows,
            ["entry_number", "value"],
            money(value),
            f"sum of Line Tariff Goods Value Amount over the entry's {len(rows)} rows",
        )
        n_lines = len({r["line_number"] for r in rows})
        out.append(
            Fact(
                "entry_value",
                f"The total entered value of entry {e} is {money(value)} over {n_lines} line(s) {markers(src)}.",
                src,
            )
        )
    return out


@fact_kind(
    "entry_duty",
    thing="entry",
    descriptions=["How much duty was paid on the entry?", "What duty did we pay for this entry?"],
)
def entry_duty(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = ctx.look.entry_lines(e)
        duty = sum_of(rows, "duty")
        src = cite(
            "entry_lines",
            rows,
            ["entry_number", "duty"],
            money(duty),
            f"sum of Line Tariff Duty Amount over the entry's {len(rows)} rows (every tariff ordinal)",
        )
        out.append(Fact("entry_duty", f"The duty on entry {e} is {money(duty)} {markers(src)}.", src))
    return out


@fact_kind(
    "entry_parts",
    thing="entry",
    descriptions=["Which part numbers were on the entry?", "What goods or products were imported on this entry?"],
)
def entry_parts(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = [r for r in ctx.look.entry_lines(e) if (r.get("tariff_ordinal") or 1) == 1]
        parts = sorted({r["part_number"] for r in rows if r.get("part_number")})
        src = cite(
            "entry_lines",
            rows,
            ["entry_number", "part_number"],
            ", ".join(parts),
            "the Part Number of each line of the entry",
        )
        lines = "; ".join(
            f"line {r['line_number']}: {r.get('part_number') or '(no part)'} "
            f"{('(' + r['description'] + ') ') if r.get('description') else ''}HTS {r['hts']}, "
            f"{money(r['value'])}"
            for r in rows[:20]
        )
        out.append(
            Fact(
                "entry_parts",
                f"Entry {e} has {len(rows)} line(s) with part number(s) {', '.join(parts) or 'none given'}: "
                f"{lines} {markers(src)}.",
                src,
            )
        )
    return out


@fact_kind(
    "entry_hts",
    thing="entry",
    descriptions=["Which HTS numbers were declared on the entry?", "How were the entry's lines classified?"],
)
def entry_hts(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = ctx.look.entry_lines(e)
        hts = sorted({r["hts"] for r in rows})
        src = cite("entry_lines", rows, ["entry_number", "hts"], ", ".join(hts), "the HTS numbers of the entry's rows")
        out.append(Fact("entry_hts", f"Entry {e} declares HTS {', '.join(hts)} {markers(src)}.", src))
    return out


@fact_kind(
    "entry_docs",
    thing="entry",
    descriptions=["Which documents are on file for the entry?", "Do we have the invoice for this entry?"],
)
def entry_docs(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        docs = ctx.look.entry_documents(e)
        need = ctx.settings.checks.required_documents
        have = {k for k, _ in docs}
        missing = [k.replace("_", " ") for k in need if k not in have]
        listed = "; ".join(f"{k.replace('_', ' ')} {p}" for k, p in docs) or "none"
        text = f"Documents on file for entry {e}: {listed}."
        text += (
            f" Missing of those required: {', '.join(missing)}." if missing else " Every required document is on file."
        )
        out.append(Fact("entry_docs", text, [], documents=[(p, entry_pattern(e)) for _, p in docs[:3]]))
    return out


@fact_kind(
    "entry_dates",
    thing="entry",
    descriptions=["When was the entry filed? What is its entry summary date?", "What is the entry date of the entry?"],
)
def entry_dates(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = ctx.look.entry_lines(e)[:1]
        if not rows:
            continue
        r = rows[0]
        src = cite(
            "entry_lines",
            rows,
            ["entry_number", "entry_summary_date", "entry_date", "port_code"],
            day(r["entry_summary_date"]),
            "the Entry Summary Date of the entry's first line",
        )
        entry_date = f", entry date {day(r['entry_date'])}" if r.get("entry_date") else ""
        port = f", port {r['port_code']}" if r.get("port_code") else ""
        out.append(
            Fact(
                "entry_dates",
                f"Entry {e} was summarized on {day(r['entry_summary_date'])}{entry_date}{port} {markers(src)}.",
                src,
            )
        )
        psc = [x for x in ctx.look.entry_lines(e) if x.get("psc")]
        if psc:
            s = cite(
                "entry_lines",
                psc,
                ["entry_number", "psc"],
                str(len(psc)),
                "the entry's lines with the Post Summary Correction Indicator Y",
            )
            out.append(
                Fact(
                    "entry_psc",
                    f"A post-summary correction is indicated on {len(psc)} of its rows {markers(s)}.",
                    s,
                )
            )
    return out


@fact_kind("entry_invoice", thing="entry", descriptions=["What is the commercial invoice number for the entry?"])
def entry_invoice(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = [r for r in ctx.look.entry_lines(e) if r.get("invoice_number")]
        invoices = sorted({r["invoice_number"] for r in rows})
        if not invoices:
            out.append(Fact("entry_invoice", f"The entry lines of {e} give no commercial invoice number.", []))
            continue
        src = cite(
            "entry_lines",
            rows,
            ["entry_number", "invoice_number"],
            ", ".join(invoices),
            "the Commercial Invoice Number on the entry's lines",
        )
        out.append(
            Fact(
                "entry_invoice",
                f"The entry lines of {e} give commercial invoice {', '.join(invoices)} {markers(src)}.",
                src,
            )
        )
    return out


@fact_kind(
    "entry_review",
    thing="entry",
    descriptions=["Was the entry reviewed by the broker? Who reviewed the entry and when?"],
)
def entry_review(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        reviews = ctx.look.entry_reviews(e)
        if not reviews:
            out.append(Fact("entry_review", f"The broker review log has no review of entry {e}.", []))
            continue
        src = cite(
            "broker_reviews",
            reviews,
            ["entry_number", "reviewed_by", "review_date", "result"],
            day(reviews[-1]["review_date"]),
            "the reviews of the entry in the broker review log",
        )
        items = "; ".join(
            f"{r.get('reviewed_by') or '?'} on {day(r['review_date'])} ({r.get('result') or 'no result'})"
            for r in reviews
        )
        out.append(Fact("entry_review", f"Entry {e} was reviewed: {items} {markers(src)}.", src))
    return out


@fact_kind("entry_origin", thing="entry", descriptions=["What country of origin was declared on the entry?"])
def entry_origin(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for e in named.entries:
        rows = [r for r in ctx.look.entry_lines(e) if (r.get("tariff_ordinal") or 1) == 1]
        origins = sorted({r["country_of_origin"] for r in rows if r.get("country_of_origin")})
        src = cite(
            "entry_lines",
            rows,
            ["entry_number", "country_of_origin", "mid"],
            ", ".join(origins),
            "the Country of Origin Code of the entry's lines",
        )
        out.append(Fact("entry_origin", f"Entry {e} declares origin {', '.join(origins)} {markers(src)}.", src))
    return out


@fact_kind(
    "invoice_entry",
    thing="invoice",
    descriptions=["Which entry was the invoice filed on?", "Which entry does this invoice belong to?"],
)
def invoice_entry(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for inv in named.invoices:
        rows = ctx.look.rows(
            "SELECT * FROM entry_lines WHERE invoice_number = ? ORDER BY entry_number, line_number", [inv]
        )
        entries = sorted({r["entry_number"] for r in rows})
        src = cite(
            "entry_lines",
            rows,
            ["invoice_number", "entry_number"],
            ", ".join(entries),
            "the entries whose lines give this Commercial Invoice Number",
        )
        out.append(Fact("invoice_entry", f"Invoice {inv} supports entry {', '.join(entries)} {markers(src)}.", src))
    return out
