"""Origin and trade-program checks: USMCA claims without a certificate, origin that contradicts the
product master or the manufacturer.

Dates: a certification covers goods *entered* during its blanket period, so a line's date here is
its Entry Date, or its Entry Summary Date when the export has no Entry Date. Both blanket dates are
inclusive: a claim on the last day is covered, one the day after is not.

A manufacturer ID (MID) starts with the ISO country code of the manufacturer; Canadian MIDs start
with a province code (``XO`` Ontario, ``XQ`` Quebec, ...), read as ``CA``.
"""

from __future__ import annotations

from collections import defaultdict

from assistant.checks.base import (
    LINE_COLUMNS,
    CheckContext,
    Finding,
    LineLoss,
    check,
    finding_id,
    line_columns,
    line_row,
    line_text,
    money,
    severity_for,
)


@check(
    "spi_without_certificate",
    title="USMCA claim without a certificate covering it",
    legal_basis=["19 CFR 182.12", "19 CFR Part 182", "19 USC 1508"],
    params=["usmca_spi_codes"],
    severity="high",
    subject=["entry", "line"],
)
def spi_without_certificate(ctx: CheckContext) -> list[Finding]:
    """An entry line claiming USMCA preference (Line SPI Code S or S+) with no USMCA certification
    on file for its part number whose blanket period (start and end inclusive) covers the line's
    entry date. A claim must be supported by a certification in the importer's possession when the
    claim is made (19 CFR 182.12); without one, the duty saved is owed."""
    codes = [c.upper() for c in ctx.params.usmca_spi_codes]
    usmca = """part_number IS NOT NULL
               AND upper(coalesce(nullif(trim(program), ''), 'USMCA')) IN ('USMCA', 'CUSMA', 'T-MEC')"""
    on_file: dict[str, list[str]] = defaultdict(list)
    listed: dict[str, list[str]] = defaultdict(list)
    for c in ctx.rows(f"SELECT * EXCLUDE (raw) FROM certificates WHERE {usmca} ORDER BY blanket_start"):
        part = c["part_number"].strip().upper()
        on_file[part].append(
            f"On file: certificate {c['certificate_id']} ({c.get('program') or 'USMCA'}) for {c['part_number']}, "
            f"blanket {c['blanket_start']} to {c['blanket_end']}, producer {c.get('producer') or 'n/a'}"
            + (f", document {c['document']}" if c.get("document") else "")
            + f" [{c['source_file']} row {c['source_row']}]"
        )
        listed[part].append(f"{c['certificate_id']} {c['blanket_start']}..{c['blanket_end']}")
    # Only the claims no certificate covers come back, with the certificates either side of the gap.
    claims = ctx.rows(
        f"""WITH certs AS (
                SELECT upper(trim(part_number)) AS part, blanket_start, blanket_end FROM certificates
                WHERE {usmca} AND blanket_start IS NOT NULL AND blanket_end IS NOT NULL
            ), claims AS (
                SELECT {LINE_COLUMNS}, upper(trim(coalesce(part_number, ''))) AS part FROM lines
                WHERE list_contains(?, upper(trim(spi)))
            )
            SELECT c.*,
                   (SELECT max(k.blanket_end) FROM certs k WHERE k.part = c.part AND k.blanket_end < c.entered) AS ended,
                   (SELECT min(k.blanket_start) FROM certs k WHERE k.part = c.part AND k.blanket_start > c.entered) AS starts
            FROM claims c
            WHERE NOT EXISTS (SELECT 1 FROM certs k WHERE k.part = c.part
                              AND k.blanket_start <= c.entered AND c.entered <= k.blanket_end)
            ORDER BY c.entered, c.entry_number, c.line_number""",
        [codes],
    )
    findings = []
    for r in claims:
        part, day = r["part"], r["entered"]
        certs = on_file.get(part, [])
        if not part:
            why = "the line gives no part number, so no certificate can be matched to it"
            cause = "USMCA claims on lines with no part number"
        elif not certs:
            why = f"no USMCA certificate on file for {part}"
            cause = f"{part}: USMCA claims with no certificate on file"
        else:
            why = f"no certificate for {part} covers {day}"
            cause = f"{part}: USMCA claims " + (
                f"between the certificate ending {r['ended']} and the one starting {r['starts']}"
                if r["ended"] and r["starts"]
                else f"after the last certificate, ending {r['ended']}"
                if r["ended"]
                else f"before the first certificate, starting {r['starts']}"
                if r["starts"]
                else "with no certificate giving a blanket period"
            )
        rate = ctx.hts_rate(r["hts"])
        if rate:
            amount = round(float(r["value"] or 0) * rate[0], 2)
            basis = (
                f"entered value {money(r['value'])} x {rate[0]:.2%}, the duty rate observed for {r['hts']} on "
                f"{rate[1]} line(s) without a program claim"
            )
        else:
            amount, basis = None, f"not computed: no line without a program claim shows the duty rate of {r['hts']}"
        subject = {"entry": r["entry_number"], "line": r["line_number"]}
        date_note = "entry date" if r.get("entry_date") else "entry summary date (no entry date in the export)"
        findings.append(
            Finding.of(
                id=finding_id("spi_without_certificate", subject),
                check="spi_without_certificate",
                severity=severity_for("high", amount, ctx.params),
                title=f"{r['entry_number']} line {r['line_number']}: USMCA claim ({r['spi']}) on {part or 'a line with no part number'}, {why}",
                subject=subject,
                entries=[r["entry_number"]],
                amount_at_risk=amount,
                amount_basis=basis,
                evidence=[line_text(r, f"{date_note} {day}"), why[0].upper() + why[1:] + ".", *certs],
                evidence_rows=[line_row(r) | {"certificates_on_file": "; ".join(listed.get(part, [])) or "none"}],
                cause=cause,
                lines=[LineLoss(entry=r["entry_number"], line=r["line_number"], loss=amount)],
            )
        )
    return findings


@check(
    "origin_mismatch",
    title="Country of origin contradicts the product master or the manufacturer",
    legal_basis=["19 USC 1304", "19 CFR Part 134", "19 USC 1484(a)(1)", "19 USC 1592"],
    params=[],
    severity="high",
    subject=["entry", "line"],
)
def origin_mismatch(ctx: CheckContext) -> list[Finding]:
    """An entry line (main tariff ordinal) whose declared country of origin differs from the product
    master's country of origin for the part, or from the country of its manufacturer ID. A wrong
    origin can hide Section 301 or AD/CVD duty and a wrong marking. Lines with neither a master
    origin nor a readable MID cannot be tested."""
    findings = []
    for r in ctx.rows(
        f"""SELECT {line_columns("l")}, l.declared_origin AS declared, m.origin AS master_origin,
                  m.source_file AS master_file, m.source_row AS master_row, l.mid_country AS mid_c
           FROM lines l LEFT JOIN master m USING (part_number)
           WHERE l.declared_origin IS NOT NULL
             AND ((m.origin IS NOT NULL AND m.origin <> l.declared_origin)
                  OR (l.mid_country IS NOT NULL AND l.mid_country <> l.declared_origin))
           ORDER BY l.entered, l.entry_number, l.line_number"""
    ):
        declared = r["declared"]
        reasons, rows = [], {}
        if r["master_origin"] and r["master_origin"] != declared:
            reasons.append(
                f"product master says {r['master_origin']} for {r['part_number']} [{r['master_file']} row {r['master_row']}]"
            )
            rows["master_origin"] = r["master_origin"]
        mc = r["mid_c"]
        if mc and mc != declared:
            reasons.append(f"manufacturer ID {r['mid']} is in {mc}")
            rows["mid_country"] = mc
        if not reasons:
            continue
        subject = {"entry": r["entry_number"], "line": r["line_number"]}
        findings.append(
            Finding(
                id=finding_id("origin_mismatch", subject),
                check="origin_mismatch",
                severity="high",
                title=f"{r['entry_number']} line {r['line_number']}: {r.get('part_number') or 'line'} declared origin {declared}; "
                + "; ".join(x.split(" [")[0] for x in reasons),
                cause=f"{r.get('part_number') or 'lines with no part number'}: declared origin {declared}; "
                + "; ".join(
                    x
                    for x in (
                        rows.get("master_origin") and f"product master says {rows['master_origin']}",
                        rows.get("mid_country") and f"manufacturer's country {rows['mid_country']}",
                    )
                    if x
                ),
                subject=subject,
                entries=[r["entry_number"]],
                amount_at_risk=None,
                amount_basis="not computed: the duty depends on the true origin (e.g. Section 301 duty if the goods are of Chinese origin)",
                evidence=[line_text(r), *reasons],
                evidence_rows=[line_row(r) | rows],
                lines=[LineLoss(entry=r["entry_number"], line=r["line_number"], loss=None)],
            )
        )
    return findings
