"""Fact kinds about a part: its classification, ruling, origin, MID, totals, description, payments and
certificates, as the product master gives them and as the entry lines declared them.

Each value the entry lines declared for the part (an HTS number, an origin, a MID) is stated with its
lines, entries and dates (``_declared``), beside the product master's own value.
"""

from __future__ import annotations

from collections import defaultdict

from assistant.answering.facts.question import Named
from assistant.answering.facts.registry import FactContext, fact_kind
from assistant.answering.facts.types import RULING_QUOTES, Fact, Source, cite, markers, num, payment_items, sum_of
from assistant.formats import day, money

LISTED_ENTRIES = 10  # a part's entries are named when it came in on this many or fewer


@fact_kind(
    "part_hts",
    thing="part",
    descriptions=[
        "What HTS number is the part classified under in our product master?",
        "How is the part classified? What is its tariff classification?",
        "What HTS code do we use for this part?",
    ],
)
def part_hts(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        row, src = _master(ctx, part, ["hts", "ruling_number"], "", "")
        if row is not None:
            src[0].value, src[0].how = row["hts"], f"the product master's HTS Number for {part}"
            ruling = f"; ruling {row['ruling_number']} cited" if row.get("ruling_number") else ""
            out.append(
                Fact("part_hts", f"{part} is classified under {row['hts']} in the product master {{0}}{ruling}.", src)
            )
        else:
            out.append(Fact("part_hts", f"{part} is not in the product master.", []))
        out += _declared(ctx, part, "hts", "HTS")
    return out


@fact_kind(
    "part_ruling",
    thing="part",
    descriptions=[
        "Which CBP ruling do we rely on for the part?",
        "What ruling supports the classification of this part?",
    ],
)
def part_ruling(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        row, src = _master(ctx, part, ["ruling_number", "hts"], "", "")
        if row is None:
            out.append(Fact("part_ruling", f"{part} is not in the product master.", []))
            continue
        ruling = row.get("ruling_number")
        src[0].value = ruling or "(none)"
        src[0].how = f"the product master's Ruling Number for {part}"
        if not ruling:
            out.append(Fact("part_ruling", f"The product master cites no ruling for {part} {{0}}.", src))
            continue
        out.append(Fact("part_ruling", f"The product master relies on ruling {ruling} for {part} {{0}}.", src))
        r = ctx.look.ruling(ruling)
        if r:
            out.append(
                Fact(
                    "ruling",
                    f"Ruling {ruling} ({day(r['ruling_date'])}) classifies under "
                    f"{', '.join(r['tariff_numbers'] or []) or 'no tariff number read'}: "
                    f"{(r['subject'] or '').rstrip(' .')}.".replace(": .", "."),
                    [],
                    documents=[(r["path"], RULING_QUOTES["tariff"])],
                )
            )
        else:
            out.append(Fact("ruling", f"Ruling {ruling} is not among the ingested rulings.", []))
    return out


@fact_kind(
    "part_origin",
    thing="part",
    descriptions=["What country of origin do we declare for the part?", "Where is the part made? Which country?"],
)
def part_origin(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        row, src = _master(ctx, part, ["country_of_origin"], "", "")
        if row is not None:
            src[0].value = row.get("country_of_origin") or "(blank)"
            src[0].how = f"the product master's Country of Origin for {part}"
            out.append(
                Fact(
                    "part_origin",
                    f"The product master gives {part} the country of origin "
                    f"{row.get('country_of_origin') or '(blank)'} {{0}}.",
                    src,
                )
            )
        out += _declared(ctx, part, "country_of_origin", "origin")
    return out


@fact_kind(
    "part_mid",
    thing="part",
    descriptions=["Which manufacturer ID do we declare for the part?", "Who manufactures this part? What is its MID?"],
)
def part_mid(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        out += _declared(ctx, part, "mid", "MID")
    return out


@fact_kind(
    "part_totals",
    thing="part",
    descriptions=[
        "How much of the part did we import? Total entered value, entries and lines of the part",
        "How many entries included this part?",
        "Which entries was the part imported on? When was it last entered?",
    ],
)
def part_totals(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        lines = ctx.look.part_lines(part)
        if not lines:
            out.append(Fact("part_totals", f"No entry line declares {part}.", []))
            continue
        value = sum_of(lines, "value")
        entries = {r["entry_number"] for r in lines}
        first: dict[str, str] = {}
        values: dict[str, float] = {}
        for r in lines:  # oldest first
            first.setdefault(r["entry_number"], day(r["entry_summary_date"]))
            values[r["entry_number"]] = values.get(r["entry_number"], 0.0) + float(r.get("value") or 0)
        listed = " (" + ", ".join(f"{e} on {d}" for e, d in first.items()) + ")" if len(first) <= LISTED_ENTRIES else ""
        if not listed:  # too many to name: the first and the last, with the date of entry as well

            def dated(r: dict) -> str:
                on = f"{r['entry_number']} on {day(r['entry_summary_date'])}"
                return on + (f", entry date {day(r['entry_date'])}" if r.get("entry_date") else "")

            listed = f" (first {dated(lines[0])}; last {dated(lines[-1])})"
            shown = False
        else:
            shown = True
        src = cite(
            "entry_lines",
            lines,
            ["part_number", "value"],
            money(value),
            f"sum of the entered value over the {len(lines)} main-ordinal lines of {part}",
        )
        out.append(
            Fact(
                "part_totals",
                f"{part}: {num(len(lines))} entry line(s) on {num(len(entries))} entries{listed}, "
                f"entered value {money(value)}, {day(lines[0]['entry_summary_date'])} to "
                f"{day(lines[-1]['entry_summary_date'])} {markers(src)}.",
                src,
                # the entries listed, for "total value on those?" or "the first one" in a follow-up
                items=[("entry", e, values[e], d) for e, d in first.items()] if shown else [],
            )
        )
    return out


@fact_kind(
    "part_what",
    thing="part",
    descriptions=["What is the part?", "Describe the part: its description in the product master"],
)
def part_what(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        row, src = _master(ctx, part, ["description", "hts", "country_of_origin"], "", "")
        if row is None:
            lines = ctx.look.part_lines(part)
            if lines:
                d = next((r["description"] for r in lines if r.get("description")), None)
                src = cite(
                    "entry_lines",
                    lines[:1],
                    ["part_number", "description"],
                    d or "",
                    f"the Line Description of {part} on an entry line",
                )
                out.append(
                    Fact(
                        "part_what",
                        f"{part} is not in the product master; an entry line describes it as '{d}' {{0}}."
                        if d
                        else f"{part} is not in the product master.",
                        src if d else [],
                    )
                )
            continue
        src[0].value, src[0].how = row.get("description") or "", f"the product master's Description of {part}"
        out.append(
            Fact(
                "part_what",
                f"{part} is '{row.get('description')}' in the product master, HTS "
                f"{row['hts']}, origin {row.get('country_of_origin') or '(blank)'} {{0}}.",
                src,
            )
        )
    return out


@fact_kind(
    "part_payments",
    thing="part",
    descriptions=["What payments relate to the part? Did we pay for tooling or royalties on it?"],
)
def part_payments(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        pays = ctx.look.payments_for_part(part)
        if not pays:
            out.append(Fact("part_payments", f"No payment in the payments names {part}.", []))
            continue
        total = sum_of(pays, "amount")
        src = cite(
            "payments",
            pays,
            ["part_number", "payment_id", "amount"],
            money(total),
            f"sum of Amount over the {len(pays)} payments naming {part}",
        )
        items = "; ".join(
            f"{p['payment_id']} {money(p['amount'])} on {day(p['payment_date'])} to "
            f"{p.get('vendor_name') or '?'} ({p.get('memo') or p.get('gl_account') or ''})"
            for p in pays[:10]
        )
        out.append(
            Fact(
                "part_payments",
                f"{len(pays)} payment(s) name {part}, {money(total)} in all: {items} {markers(src)}.",
                src,
                items=payment_items(pays),
            )
        )
    return out


@fact_kind(
    "part_certificate",
    thing="part",
    descriptions=[
        "Is the part covered by a USMCA certificate of origin?",
        "What blanket period does the certification for the part cover?",
    ],
)
def part_certificate(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        certs = ctx.look.certificates_for(part)
        if not certs:
            out.append(Fact("part_certificate", f"No certificate in the certificates covers {part}.", []))
            continue
        srcs: list[Source] = []
        items = []
        for c in certs:
            s = cite(
                "certificates",
                [c],
                ["certificate_id", "program", "part_number", "blanket_start", "blanket_end"],
                f"{day(c['blanket_start'])} to {day(c['blanket_end'])}",
                f"the blanket period of certificate {c['certificate_id']}",
            )
            items.append(
                f"{c['program']} certificate {c['certificate_id']} covers {day(c['blanket_start'])} to "
                f"{day(c['blanket_end'])}"
                + (f" (producer {c['producer']})" if c.get("producer") else "")
                + " {"
                + str(len(srcs))
                + "}"
            )
            srcs += s
        out.append(Fact("part_certificate", f"{part}: " + "; ".join(items) + ".", srcs))
        claims = [r for r in ctx.look.part_lines(part) if (r.get("spi") or "") in ctx.settings.checks.usmca_spi_codes]
        if claims:
            uncovered = [
                r
                for r in claims
                if not any(
                    c["blanket_start"] <= (r.get("entry_date") or r["entry_summary_date"]) <= c["blanket_end"]
                    for c in certs
                )
            ]
            src = cite(
                "entry_lines",
                claims,
                ["part_number", "spi"],
                str(len(uncovered)),
                f"USMCA claims (SPI {'/'.join(ctx.settings.checks.usmca_spi_codes)}) on {part}, by entry date against the blanket periods",
            )
            out.append(
                Fact(
                    "coverage",
                    f"Of {len(claims)} USMCA claim line(s) on {part}, {len(uncovered)} fall outside "
                    f"every blanket period {markers(src)}.",
                    src,
                )
            )
    return out


def _master(ctx: FactContext, part: str, columns: list[str], value: str, how: str) -> tuple[dict | None, list[Source]]:
    row = ctx.look.product(part)
    if row is None:
        return None, []
    return row, cite("products", [row], ["part_number", *columns], value, how)


def _declared(ctx: FactContext, part: str, col: str, label: str) -> list[Fact]:
    """What the entry lines declared for the part in ``col``: each value with its lines, entries and dates."""
    lines = ctx.look.part_lines(part)
    if not lines:
        return [Fact("declared", f"No entry line declares {part}.", [])]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in lines:
        groups[str(r[col] or "(blank)")].append(r)
    parts: list[str] = []
    sources: list[Source] = []
    for value, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        entries = {r["entry_number"] for r in rs}
        how = f"entry lines of {part} (main tariff ordinal) declaring {label} {value}, counted"
        src = cite("entry_lines", rs, ["part_number", col], value, how)
        marks = "".join("{" + str(len(sources) + i) + "}" for i in range(len(src)))
        sources += src
        parts.append(
            f"{label} {value} on {num(len(rs))} line(s) of {num(len(entries))} entr{'y' if len(entries) == 1 else 'ies'}, "
            f"{day(min(r['entry_summary_date'] for r in rs))} to {day(max(r['entry_summary_date'] for r in rs))} {marks}"
        )
    kind = {"hts": "hts", "country_of_origin": "country", "mid": "mid"}.get(col, col)
    items: list[tuple[str, str, float | None, str]] = [  # the values, for "which entries used the second one?"
        (kind, value, float(len(rs)), day(min(r["entry_summary_date"] for r in rs)) or "")
        for value, rs in sorted(groups.items(), key=lambda kv: -len(kv[1]))
    ]
    return [
        Fact(f"declared_{col}", f"The entry lines declare {part} with " + "; ".join(parts) + ".", sources, items=items)
    ]
