"""Fact kinds about a payment (and what the assist and royalty checks say of it), a vendor (its total
and its manufacturer ID), a manufacturer ID (what the entry lines declare with it) and a certificate.
"""

from __future__ import annotations

from assistant.answering.facts.question import Named
from assistant.answering.facts.registry import FactContext, fact_kind
from assistant.answering.facts.types import Fact, cite, markers, payment_items, sum_of
from assistant.formats import day, money


@fact_kind(
    "payment_what",
    thing="payment",
    descriptions=[
        "What was the payment for?",
        "How much was the payment, when was it paid and to whom?",
        "Is this payment an assist or a royalty?",
    ],
)
def payment_what(ctx: FactContext, named: Named) -> list[Fact]:
    from assistant.checks import check_workspace

    out = []
    for pid in named.payments:
        p = ctx.look.payment(pid)
        if p is None:
            continue
        src = cite(
            "payments",
            [p],
            [
                "payment_id",
                "payment_date",
                "vendor_name",
                "amount",
                "gl_account",
                "memo",
                "part_number",
                "included_in_price",
            ],
            money(p["amount"]),
            f"the payments row of {pid}",
        )
        what = p.get("memo") or p.get("gl_account") or "no memo"
        inc = " (included in the invoice price)" if p.get("included_in_price") else ""
        out.append(
            Fact(
                "payment_what",
                f"Payment {pid} was {money(p['amount'])} on {day(p['payment_date'])} to "
                f"{p.get('vendor_name') or '?'}{' (' + p['vendor_country'] + ')' if p.get('vendor_country') else ''}, "
                f"GL {p.get('gl_account') or '(none)'}: '{what}'{inc} {{0}}.",
                src,
            )
        )
        run = check_workspace(ctx.settings, ["undeclared_assist", "royalty_omission"], payment_id=pid)
        if run.findings:
            out += [Fact("finding", f"The checks flag it: {f.title} [{f.id}].", []) for f in run.findings]
        else:
            out.append(Fact("finding", "The assist and royalty checks find nothing undeclared in it.", []))
    return out


@fact_kind(
    "vendor_total",
    thing="vendor",
    descriptions=["How much have we paid the vendor in total?", "What are our payments to this supplier?"],
)
def vendor_total(ctx: FactContext, named: Named) -> list[Fact]:
    pays = ctx.look.payments_to(named.vendors)
    scope = ""
    if named.period:
        p = named.period
        pays = [x for x in pays if x["payment_date"] and p.start <= x["payment_date"] <= p.end]
        scope = f" {p.label}"
    if not pays:
        return [Fact("vendor_total", f"No payment to {named.vendor_phrase}{scope} in the payments.", [])]
    total = sum_of(pays, "amount")
    src = cite(
        "payments",
        pays,
        ["vendor_name", "amount"],
        money(total),
        f"sum of Amount over the {len(pays)} payments to {', '.join(named.vendors)}{scope}",
    )
    return [
        Fact(
            "vendor_total",
            f"Payments to {named.vendor_phrase}{scope}: {money(total)} in {len(pays)} payment(s), "
            f"{day(pays[0]['payment_date'])} to {day(pays[-1]['payment_date'])} {markers(src)}.",
            src,
            items=payment_items(pays),
        )
    ]


@fact_kind("vendor_mid", thing="vendor", descriptions=["What is the vendor's manufacturer ID (MID)?"])
def vendor_mid(ctx: FactContext, named: Named) -> list[Fact]:
    pays = [p for p in ctx.look.payments_to(named.vendors) if p.get("mid")]
    mids = sorted({p["mid"] for p in pays})
    if not mids:
        return [Fact("vendor_mid", f"The payments to {named.vendor_phrase} give no manufacturer ID.", [])]
    src = cite(
        "payments", pays, ["vendor_name", "mid"], ", ".join(mids), "the Manufacturer ID on the vendor's payments"
    )
    return [
        Fact(
            "vendor_mid",
            f"The payments to {named.vendor_phrase} give manufacturer ID {', '.join(mids)} {markers(src)}.",
            src,
        )
    ]


@fact_kind(
    "mid_lines",
    thing="mid",
    descriptions=["What do we import from this manufacturer?", "Which parts and countries are declared with this MID?"],
)
def mid_lines(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for mid in named.mids:
        rows = ctx.look.mid_lines(mid)
        if not rows:
            out.append(Fact("mid_lines", f"No entry line declares MID {mid}.", []))
            continue
        parts = sorted({r["part_number"] for r in rows if r.get("part_number")})
        countries = sorted({r["country_of_origin"] for r in rows if r.get("country_of_origin")})
        src = cite(
            "entry_lines",
            rows,
            ["mid", "part_number", "country_of_origin"],
            ", ".join(parts),
            f"the main-ordinal lines declaring MID {mid}",
        )
        out.append(
            Fact(
                "mid_lines",
                f"MID {mid} is declared on {len(rows)} line(s) for part(s) {', '.join(parts) or '(none)'}, "
                f"origin {', '.join(countries)} {markers(src)}.",
                src,
            )
        )
    return out


@fact_kind(
    "certificate_what",
    thing="certificate",
    descriptions=[
        "What does the certificate cover? Which part, producer and blanket period?",
        "When does the certificate expire? When does its blanket period start and end?",
        "Is the certificate still valid? Which certificates do we hold?",
    ],
)
def certificate_what(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for cid in named.certificates:
        c = ctx.look.certificate(cid)
        if c is None:
            continue
        src = cite(
            "certificates",
            [c],
            ["certificate_id", "program", "part_number", "producer", "blanket_start", "blanket_end"],
            f"{day(c['blanket_start'])} to {day(c['blanket_end'])}",
            f"the certificates row of {cid}",
        )
        end, today = c.get("blanket_end"), ctx.settings.today
        state = ""
        if end is not None:
            state = f"; it lapsed on {day(end)}" if end < today else f"; it is in force on {day(today)}"
            if c.get("blanket_start") is not None and c["blanket_start"] > today:
                state = f"; its period has not begun on {day(today)}"
        out.append(
            Fact(
                "certificate_what",
                f"{c['program']} certificate {cid} covers part {c['part_number']}"
                f"{' from producer ' + c['producer'] if c.get('producer') else ''}, "
                f"{day(c['blanket_start'])} to {day(c['blanket_end'])} {{0}}{state}.",
                src,
                items=[("certificate", cid, None, day(c["blanket_start"]) or "")],
            )
        )
    return out
