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
    CheckContext, Finding, LineLoss, cap, check, finding_id, hts_match, line_row, line_text, money, severity_for,
)

CLASSIFICATION_BASIS = ["19 USC 1484(a)(1)", "19 USC 1500(b)", "19 USC 1592"]


def _master(ctx: CheckContext) -> dict[str, dict]:
    """The product master, one row per part (the last file and row win when a part repeats)."""
    rows = ctx.rows(
        """SELECT * EXCLUDE (raw) FROM products WHERE part_number IS NOT NULL
           QUALIFY row_number() OVER (PARTITION BY part_number ORDER BY source_file DESC, source_row DESC) = 1"""
    )
    return {r["part_number"]: r for r in rows}


def _lines_of_parts(ctx: CheckContext, parts: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    if not parts:
        return out
    for r in ctx.rows(
        "SELECT * FROM lines WHERE list_contains(?, part_number) ORDER BY entry_summary_date, entry_number, line_number",
        [parts],
    ):
        out[r["part_number"]].append(r)
    return out


def _loss(ctx: CheckContext, line: dict, reference_hts: str) -> float | None:
    ref = ctx.hts_rate(reference_hts)
    if ref is None:
        return None
    declared = ctx.hts_rate(line["hts"])
    declared_rate = declared[0] if declared else float(line["total_duty"] or 0) / float(line["value"] or 1)
    return round(max(0.0, ref[0] - declared_rate) * float(line["value"] or 0), 2)


def _amount(ctx: CheckContext, off: list[dict], reference_hts: str, label: str) -> tuple[float | None, str, list[LineLoss]]:
    losses = [LineLoss(entry=r["entry_number"], line=r["line_number"], loss=_loss(ctx, r, reference_hts)) for r in off]
    ref = ctx.hts_rate(reference_hts)
    if ref is None:
        return None, (f"not computed: {label} {reference_hts} was never declared on a line without a trade-program "
                      "claim, so its duty rate is not in the records"), losses
    total = round(sum(x.loss or 0 for x in losses), 2)
    basis = (f"sum over the {len(off)} line(s) declared otherwise of entered value x (duty rate of {label} {reference_hts}, "
             f"{ref[0]:.2%} as observed on {ref[1]} line(s), - duty rate of the HTS declared), not below 0")
    return total, basis, losses


@check(
    "hts_inconsistency", title="Part declared under more than one HTS number",
    legal_basis=CLASSIFICATION_BASIS, params=[], severity="high", subject=["part_number"],
)
def hts_inconsistency(ctx: CheckContext) -> list[Finding]:
    """A part number declared under more than one HTS number (main tariff ordinal) across entries. The
    same goods must be classified the same way every time; a split shows that someone, the importer or
    the broker, classified without the product master. The reference HTS is the product master's
    when the part is in it, otherwise the one used on most lines."""
    split = ctx.rows(
        """SELECT part_number FROM lines WHERE part_number IS NOT NULL AND hts IS NOT NULL
           GROUP BY part_number HAVING count(DISTINCT regexp_replace(hts, '\\D', '', 'g')) > 1 ORDER BY part_number"""
    )
    parts = [r["part_number"] for r in split]
    master = _master(ctx)
    findings = []
    for part, lines in _lines_of_parts(ctx, parts).items():
        by_hts: dict[str, list[dict]] = defaultdict(list)
        for r in lines:
            by_hts[r["hts"]].append(r)
        in_master = part in master and master[part].get("hts")
        if in_master:
            reference, label = master[part]["hts"], "the product master's HTS"
        else:
            reference, label = max(by_hts, key=lambda h: (len(by_hts[h]), h)), "the HTS used most,"
        off = [r for r in lines if not hts_match(r["hts"], reference)]
        amount, basis, losses = _amount(ctx, off, reference, label.rstrip(","))
        summary = [
            f"{h}: {len(rs)} line(s) on {len({r['entry_number'] for r in rs})} entries, "
            f"{rs[0]['entry_summary_date']} to {rs[-1]['entry_summary_date']}, value {money(sum(float(r['value'] or 0) for r in rs))}"
            for h, rs in sorted(by_hts.items(), key=lambda kv: -len(kv[1]))
        ]
        head = (f"Product master: {part} approved under {reference} [{master[part]['source_file']} row {master[part]['source_row']}]"
                if in_master else f"{part} is not in the product master; reference is the HTS used most, {reference}")
        subject = {"part_number": part}
        counts = ", ".join(f"{h} on {len(rs)} line(s)" for h, rs in sorted(by_hts.items(), key=lambda kv: -len(kv[1])))
        findings.append(Finding(
            id=finding_id("hts_inconsistency", subject), check="hts_inconsistency",
            severity=severity_for("high", amount, ctx.params),
            title=f"{part} declared under {len(by_hts)} HTS numbers: {counts}",
            subject=subject, entries=sorted({r["entry_number"] for r in off}),
            amount_at_risk=amount, amount_basis=basis,
            evidence=[head, *summary, *cap([line_text(r, "differs from " + reference) for r in off], what="lines")],
            evidence_rows=[line_row(r) | {"reference_hts": reference} for r in off], lines=losses,
        ))
    return findings


@check(
    "hts_master_mismatch", title="Line HTS differs from the product master",
    legal_basis=CLASSIFICATION_BASIS, params=[], severity="high", subject=["part_number"],
)
def hts_master_mismatch(ctx: CheckContext) -> list[Finding]:
    """Entry lines whose HTS number (main tariff ordinal) differs from the HTS the product master
    approves for the part, one finding per part listing every such line. Parts not in the product
    master are not tested here (hts_inconsistency still sees them)."""
    master = _master(ctx)
    with_hts = {p: m for p, m in master.items() if m.get("hts")}
    findings = []
    for part, lines in _lines_of_parts(ctx, sorted(with_hts)).items():
        m = with_hts[part]
        off = [r for r in lines if r["hts"] and not hts_match(r["hts"], m["hts"])]
        if not off:
            continue
        amount, basis, losses = _amount(ctx, off, m["hts"], "the approved HTS")
        declared = sorted({r["hts"] for r in off})
        subject = {"part_number": part}
        findings.append(Finding(
            id=finding_id("hts_master_mismatch", subject), check="hts_master_mismatch",
            severity=severity_for("high", amount, ctx.params),
            title=f"{part}: {len(off)} of {len(lines)} line(s) declared {', '.join(declared)}; product master says {m['hts']}",
            subject=subject, entries=sorted({r["entry_number"] for r in off}),
            amount_at_risk=amount, amount_basis=basis,
            evidence=[
                f"Product master: {part} '{m.get('description') or ''}' HTS {m['hts']}, approved by {m.get('approved_by') or 'n/a'} "
                f"on {m.get('approved_date') or 'n/a'} [{m['source_file']} row {m['source_row']}]",
                *cap([line_text(r) for r in off], what="lines"),
            ],
            evidence_rows=[line_row(r) | {"master_hts": m["hts"]} for r in off], lines=losses,
        ))
    return findings


@check(
    "ruling_conflict", title="Product master cites a ruling that classifies differently",
    legal_basis=["19 CFR 177.9(b)", *CLASSIFICATION_BASIS], params=[], severity="high", subject=["part_number"],
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
    lines_by_part = _lines_of_parts(ctx, sorted(cited))
    findings = []
    for part, m in sorted(cited.items()):
        number = m["ruling_number"].strip().upper()
        ruling = rulings.get(number)
        if ruling is None:
            ctx.note(f"ruling_conflict: {part} cites ruling {number}, which is not among the ingested rulings; not tested")
            continue
        tariffs = [t for t in (ruling["tariff_numbers"] or []) if not t.replace(".", "").startswith("99")]
        if not tariffs:
            ctx.note(f"ruling_conflict: ruling {number} ({ruling['path']}) gives no TARIFF NO.; {part} not tested")
            continue
        lines = lines_by_part.get(part, [])
        off = [r for r in lines if r["hts"] and not any(hts_match(r["hts"], t) for t in tariffs)]
        master_off = bool(m.get("hts")) and not any(hts_match(m["hts"], t) for t in tariffs)
        if not off and not master_off:
            continue
        amount, basis, losses = _amount(ctx, off, tariffs[0], "the ruling's HTS")
        if not off:
            amount, basis = None, "no duty at stake shown by the entries: every line follows the product master; the master itself disagrees with the ruling"
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
        findings.append(Finding(
            id=finding_id("ruling_conflict", subject), check="ruling_conflict",
            severity=severity_for("high", amount, ctx.params),
            title=f"{part}: declared {', '.join(declared)} but ruling {number} cited in the product master says {', '.join(tariffs)}",
            subject=subject, entries=sorted({r["entry_number"] for r in off}),
            amount_at_risk=amount, amount_basis=basis, evidence=evidence,
            evidence_rows=[line_row(r) | {"ruling": number, "ruling_tariff": ", ".join(tariffs), "ruling_file": ruling["path"]} for r in off]
            or [{"part_number": part, "master_hts": m.get("hts"), "ruling": number, "ruling_tariff": ", ".join(tariffs),
                 "ruling_file": ruling["path"], "source": f"{m['source_file']} row {m['source_row']}"}],
            lines=losses,
        ))
    return findings
