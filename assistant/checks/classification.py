"""Classification checks: one part under several HTS numbers, lines off the product master, a
product master citing a ruling that says otherwise.

Only the main tariff ordinal of each line counts (see :mod:`assistant.checks.base`). HTS numbers are
compared digit by digit: ``3924.90.5650`` and ``3924905650`` are the same, and an 8-digit number
matches the 10-digit numbers under it.

Duty at stake is estimated from rates observed in the importer's own entries (``hts_rates``): for
each line declared under another HTS, value x (rate of the reference HTS - rate of the declared
HTS), never below zero. When the reference HTS was never declared, its rate is unknown and the
amount is not computed.
"""

from __future__ import annotations

from collections import defaultdict

from assistant.checks.base import (
    CheckContext,
    Finding,
    LineLoss,
    cap,
    check,
    finding_id,
    hts_digits,
    hts_match,
    line_columns,
    line_row,
    line_text,
    money,
    severity_for,
)

CLASSIFICATION_BASIS = ["19 USC 1484(a)(1)", "19 USC 1500(b)", "19 USC 1592"]


def _master(ctx: CheckContext) -> dict[str, dict]:
    return {r["part_number"]: r for r in ctx.cache("master", lambda: ctx.rows("SELECT * FROM master"))}


def _loss(ctx: CheckContext, line: dict, reference_hts: str) -> float | None:
    ref = ctx.hts_rate(reference_hts)
    if ref is None:
        return None
    declared = ctx.hts_rate(line["hts"])
    declared_rate = declared[0] if declared else float(line["total_duty"] or 0) / float(line["value"] or 1)
    return round(max(0.0, ref[0] - declared_rate) * float(line["value"] or 0), 2)


def _amount(
    ctx: CheckContext, off: list[dict], reference_hts: str, label: str
) -> tuple[float | None, str, list[LineLoss]]:
    losses = [LineLoss(entry=r["entry_number"], line=r["line_number"], loss=_loss(ctx, r, reference_hts)) for r in off]
    ref = ctx.hts_rate(reference_hts)
    if ref is None:
        return (
            None,
            (
                f"not computed: {label} {reference_hts} was never declared on a line without a trade-program "
                "claim, so its duty rate is not in the records"
            ),
            losses,
        )
    total = round(sum(x.loss or 0 for x in losses), 2)
    basis = (
        f"sum over the {len(off)} line(s) declared otherwise of entered value x (duty rate of {label} {reference_hts}, "
        f"{ref[0]:.2%} as observed on {ref[1]} line(s), - duty rate of the HTS declared), not below 0"
    )
    return total, basis, losses


@check(
    "hts_inconsistency",
    title="Part declared under more than one HTS number",
    legal_basis=CLASSIFICATION_BASIS,
    params=[],
    severity="high",
    subject=["part_number"],
)
def hts_inconsistency(ctx: CheckContext) -> list[Finding]:
    """A part number declared under more than one HTS number (main tariff ordinal) across entries. The
    same goods must be classified the same way every time; a split shows that someone, the importer or
    the broker, classified without the product master. The reference HTS is the product master's
    when the part is in it, otherwise the one used on most lines."""
    groups = ctx.rows(
        """WITH split AS (
               SELECT part_number FROM lines WHERE part_number IS NOT NULL AND hts_d <> ''
               GROUP BY part_number HAVING count(DISTINCT hts_d) > 1)
           SELECT part_number, min(hts) AS hts, hts_d, count(*) AS n, count(DISTINCT entry_number) AS n_entries,
                  min(entry_summary_date) AS first, max(entry_summary_date) AS last, sum(value) AS value
           FROM lines JOIN split USING (part_number) WHERE hts_d <> ''
           GROUP BY part_number, hts_d ORDER BY part_number, n DESC, hts_d"""
    )
    master = _master(ctx)
    by_part: dict[str, list[dict]] = defaultdict(list)
    for g in groups:
        by_part[g["part_number"]].append(g)
    reference = {}
    for part, gs in by_part.items():
        m = master.get(part)
        reference[part] = (
            (m["hts"], "the product master's HTS") if m and m.get("hts_d") else (gs[0]["hts"], "the HTS used most")
        )
    ctx.temp_table(
        "hts_reference",
        {
            "part_number": list(reference),
            "ref_hts": [r[0] for r in reference.values()],
            "ref_d": [hts_digits(r[0]) for r in reference.values()],
        },
    )
    off_by_part: dict[str, list[dict]] = defaultdict(list)
    for r in ctx.rows(
        f"""SELECT {line_columns("l")}, r.ref_hts FROM lines l JOIN hts_reference r USING (part_number)
           WHERE l.hts_d <> '' AND NOT hts_eq(l.hts_d, r.ref_d)
           ORDER BY l.part_number, l.entry_summary_date, l.entry_number, l.line_number"""
    ):
        off_by_part[r["part_number"]].append(r)
    findings = []
    for part, gs in by_part.items():
        ref, label = reference[part]
        off = off_by_part.get(part, [])
        amount, basis, losses = _amount(ctx, off, ref, label)
        summary = [
            f"{g['hts']}: {g['n']} line(s) on {g['n_entries']} entries, {g['first']} to {g['last']}, value {money(g['value'])}"
            for g in gs
        ]
        m = master.get(part) or {}
        head = (
            f"Product master: {part} approved under {ref} [{m['source_file']} row {m['source_row']}]"
            if label.startswith("the product")
            else f"{part} is not in the product master; reference is the HTS used most, {ref}"
        )
        subject = {"part_number": part}
        counts = ", ".join(f"{g['hts']} on {g['n']} line(s)" for g in gs)
        findings.append(
            Finding(
                id=finding_id("hts_inconsistency", subject),
                check="hts_inconsistency",
                severity=severity_for("high", amount, ctx.params),
                title=f"{part} declared under {len(gs)} HTS numbers: {counts}",
                subject=subject,
                entries=sorted({r["entry_number"] for r in off}),
                amount_at_risk=amount,
                amount_basis=basis,
                evidence=[head, *summary, *cap([line_text(r, "differs from " + ref) for r in off], what="lines")],
                evidence_rows=[line_row(r) | {"reference_hts": ref} for r in off],
                lines=losses,
            )
        )
    return findings


@check(
    "hts_master_mismatch",
    title="Line HTS differs from the product master",
    legal_basis=CLASSIFICATION_BASIS,
    params=[],
    severity="high",
    subject=["part_number"],
)
def hts_master_mismatch(ctx: CheckContext) -> list[Finding]:
    """Entry lines whose HTS number (main tariff ordinal) differs from the HTS the product master
    approves for the part, one finding per part listing every such line. Parts not in the product
    master are not tested here (hts_inconsistency still sees them)."""
    master = _master(ctx)
    off_by_part: dict[str, list[dict]] = defaultdict(list)
    for r in ctx.rows(
        f"""SELECT {line_columns("l")}, c.part_lines
           FROM lines l JOIN master m USING (part_number)
           JOIN (SELECT part_number, count(*) AS part_lines FROM lines GROUP BY part_number) c USING (part_number)
           WHERE m.hts_d <> '' AND l.hts_d <> '' AND NOT hts_eq(l.hts_d, m.hts_d)
           ORDER BY l.part_number, l.entry_summary_date, l.entry_number, l.line_number"""
    ):
        off_by_part[r["part_number"]].append(r)
    findings = []
    for part, off in off_by_part.items():
        m = master[part]
        amount, basis, losses = _amount(ctx, off, m["hts"], "the approved HTS")
        declared = sorted({r["hts"] for r in off})
        subject = {"part_number": part}
        findings.append(
            Finding(
                id=finding_id("hts_master_mismatch", subject),
                check="hts_master_mismatch",
                severity=severity_for("high", amount, ctx.params),
                title=f"{part}: {len(off)} of {off[0]['part_lines']} line(s) declared {', '.join(declared)}; product master says {m['hts']}",
                subject=subject,
                entries=sorted({r["entry_number"] for r in off}),
                amount_at_risk=amount,
                amount_basis=basis,
                evidence=[
                    f"Product master: {part} '{m.get('description') or ''}' HTS {m['hts']}, approved by {m.get('approved_by') or 'n/a'} "
                    f"on {m.get('approved_date') or 'n/a'} [{m['source_file']} row {m['source_row']}]",
                    *cap([line_text(r) for r in off], what="lines"),
                ],
                evidence_rows=[line_row(r) | {"master_hts": m["hts"]} for r in off],
                lines=losses,
            )
        )
    return findings


@check(
    "ruling_conflict",
    title="Product master cites a ruling that classifies differently",
    legal_basis=["19 CFR 177.9(b)", *CLASSIFICATION_BASIS],
    params=[],
    severity="high",
    subject=["part_number"],
)
def ruling_conflict(ctx: CheckContext) -> list[Finding]:
    """The product master cites a CBP ruling whose TARIFF NO. differs from the HTS declared for that
    part (main tariff ordinal) or from the master's own HTS. A ruling binds only for merchandise
    described in it (19 CFR 177.9(b)); relying on a ruling that says another number is a red flag for
    the auditor. Chapter 99 numbers listed in a ruling are ignored. A cited ruling that was not
    ingested cannot be tested and is listed in the report notes."""
    master = _master(ctx)
    cited = {p: m for p, m in master.items() if (m.get("ruling_number") or "").strip()}
    rulings: dict[str, dict] = {}
    for r in ctx.rows("SELECT ruling_number, path, ruling_date, tariff_numbers, subject FROM rulings ORDER BY path"):
        rulings.setdefault(r["ruling_number"].upper(), r)
    tariffs_of = {}
    for part, m in cited.items():
        ruling = rulings.get(m["ruling_number"].strip().upper())
        if ruling:
            tariffs_of[part] = [t for t in (ruling["tariff_numbers"] or []) if not t.replace(".", "").startswith("99")]
    pairs = [(p, t) for p, ts in tariffs_of.items() for t in ts]
    ctx.temp_table("ruling_tariffs", {"part_number": [p for p, _ in pairs], "tariff": [t for _, t in pairs]})
    lines_by_part: dict[str, list[dict]] = defaultdict(list)
    for r in ctx.rows(
        f"""SELECT {line_columns("l")} FROM lines l WHERE l.hts_d <> '' AND l.part_number IN (SELECT part_number FROM ruling_tariffs)
           AND NOT EXISTS (SELECT 1 FROM ruling_tariffs t WHERE t.part_number = l.part_number
                           AND hts_eq(l.hts_d, regexp_replace(t.tariff, '[^0-9]', '', 'g')))
           ORDER BY l.part_number, l.entry_summary_date, l.entry_number, l.line_number"""
    ):
        lines_by_part[r["part_number"]].append(r)
    findings = []
    for part, m in sorted(cited.items()):
        number = m["ruling_number"].strip().upper()
        ruling = rulings.get(number)
        if ruling is None:
            ctx.note(
                f"ruling_conflict: {part} cites ruling {number}, which is not among the ingested rulings; not tested"
            )
            continue
        tariffs = [t for t in (ruling["tariff_numbers"] or []) if not t.replace(".", "").startswith("99")]
        if not tariffs:
            ctx.note(f"ruling_conflict: ruling {number} ({ruling['path']}) gives no TARIFF NO.; {part} not tested")
            continue
        off = lines_by_part.get(part, [])
        master_off = bool(m.get("hts")) and not any(hts_match(m["hts"], t) for t in tariffs)
        if not off and not master_off:
            continue
        amount, basis, losses = _amount(ctx, off, tariffs[0], "the ruling's HTS")
        if not off:
            amount, basis = (
                None,
                "no duty at stake shown by the entries: every line follows the product master; the master itself disagrees with the ruling",
            )
        subject = {"part_number": part}
        declared = sorted({r["hts"] for r in off}) or [m["hts"]]
        evidence = [
            f"Product master: {part} HTS {m.get('hts')}, ruling {number} [{m['source_file']} row {m['source_row']}]",
            f"Ruling {number} ({ruling['path']}, {ruling['ruling_date'] or 'undated'}): TARIFF NO. {', '.join(ruling['tariff_numbers'])}"
            + (f"; RE: {ruling['subject']}" if ruling.get("subject") else ""),
        ]
        if master_off:
            evidence.append(f"The product master's HTS {m['hts']} is not the ruling's {', '.join(tariffs)}")
        evidence += cap([line_text(r, f"ruling says {', '.join(tariffs)}") for r in off], what="lines")
        findings.append(
            Finding(
                id=finding_id("ruling_conflict", subject),
                check="ruling_conflict",
                severity=severity_for("high", amount, ctx.params),
                title=f"{part}: declared {', '.join(declared)} but ruling {number} cited in the product master says {', '.join(tariffs)}",
                subject=subject,
                entries=sorted({r["entry_number"] for r in off}),
                amount_at_risk=amount,
                amount_basis=basis,
                evidence=evidence,
                evidence_rows=[
                    line_row(r) | {"ruling": number, "ruling_tariff": ", ".join(tariffs), "ruling_file": ruling["path"]}
                    for r in off
                ]
                or [
                    {
                        "part_number": part,
                        "master_hts": m.get("hts"),
                        "ruling": number,
                        "ruling_tariff": ", ".join(tariffs),
                        "ruling_file": ruling["path"],
                        "source": f"{m['source_file']} row {m['source_row']}",
                    }
                ],
                lines=losses,
            )
        )
    return findings
