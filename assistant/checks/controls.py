"""Recordkeeping and internal-control checks: missing entry records, entries the importer never
reviewed, repeated post-summary corrections.

An entry's documents are those linked to it at ingest (docs/data-formats.md section 3): documents whose
text or file name mentions the entry number, or an invoice number the entry's lines give. A
document counts by its recognised kind (``commercial_invoice``, ``packing_list``,
``entry_summary``, ...).

Retention: records must be kept 5 years from the date of entry (19 USC 1508(c)(1)); an entry whose
entry date (or entry summary date when the export has none) is before ``as_of`` minus
``retention_years`` is outside the period and is not flagged.
"""

from __future__ import annotations

from assistant.checks.base import (
    LINE_COLUMNS,
    CheckContext,
    Finding,
    LineLoss,
    cap,
    check,
    finding_id,
    line_row,
    line_text,
)
from assistant.stores.records import scalar

# Records on the 19 USC 1509(a)(1)(A) list ("(a)(1)(A) list"): failing to produce them on demand can
# bring a penalty of its own (19 USC 1509(g)); the commercial invoice is the one among the defaults.
A1A_LIST = {"commercial_invoice"}


@check(
    "missing_records",
    title="Entry within the retention period without a required record",
    legal_basis=["19 USC 1508", "19 USC 1509", "19 CFR Part 163"],
    params=["retention_years", "required_documents"],
    severity="medium",
    subject=["entry"],
)
def missing_records(ctx: CheckContext) -> list[Finding]:
    """An entry within the record retention period (retention_years before as_of, counted from the
    entry date) for which one of the required documents (required_documents, by default commercial
    invoice, packing list and entry summary CBP Form 7501) is not among the documents linked to it.
    A missing commercial invoice is high severity: it is an (a)(1)(A) list record whose failure to
    produce can be penalised under 19 USC 1509(g). Runs only when entry documents of at least one
    required kind have been ingested: before any, every entry would be flagged."""
    required = list(ctx.params.required_documents)
    if not scalar(ctx.con, "SELECT count(*) FROM documents WHERE list_contains(?, kind)", [required]):
        ctx.note(
            f"missing_records: no entry documents ingested yet (none of {', '.join(required)}); not tested. "
            "Ingest the entry files (invoices, packing lists, 7501s) to test recordkeeping"
        )
        return []
    start = ctx.retention_start
    entries = ctx.rows(
        """WITH ent AS (
               SELECT entry_number, entered, summary_date, n_lines, invoices, value, source_file
               FROM entries WHERE entered >= ?
           ), have AS (
               SELECT entry_number, kinds FROM entry_kinds
           )
           SELECT * FROM (
               SELECT e.*, list_filter(?::VARCHAR[], lambda k: NOT list_contains(coalesce(h.kinds, []::VARCHAR[]), k)) AS missing
               FROM ent e LEFT JOIN have h USING (entry_number))
           WHERE len(missing) > 0 ORDER BY entered, entry_number""",
        [start, required],
    )
    ctx.temp_table("entries_missing", {"entry_number": [e["entry_number"] for e in entries]})
    docs: dict[str, dict[str, list[str]]] = {}
    for r in ctx.rows(
        """SELECT entry_number, kind, path, via FROM entry_documents
           WHERE entry_number IN (SELECT entry_number FROM entries_missing)
           ORDER BY entry_number, kind, path"""
    ):
        docs.setdefault(r["entry_number"], {}).setdefault(r["kind"], []).append(f"{r['path']} ({r['via']})")
    findings = []
    for e in entries:
        have = docs.get(e["entry_number"], {})
        missing = list(e["missing"])
        subject = {"entry": e["entry_number"]}
        found = [f"found {k}: {', '.join(paths)}" for k, paths in sorted(have.items())]
        findings.append(
            Finding(
                id=finding_id("missing_records", subject),
                check="missing_records",
                severity="high" if A1A_LIST & set(missing) else "medium",
                title=f"{e['entry_number']} (entered {e['entered']}): no {', '.join(k.replace('_', ' ') for k in missing)} on file",
                cause=f"no {', '.join(k.replace('_', ' ') for k in missing)} on file",
                subject=subject,
                entries=[e["entry_number"]],
                amount_at_risk=None,
                amount_basis="not a duty amount: failure to produce records on demand is penalised under 19 USC 1509(g)",
                evidence=[
                    f"{e['entry_number']}: entered {e['entered']}, entry summary {e['summary_date']}, {e['n_lines']} line(s), "
                    f"invoice(s) {e['invoices'] or 'n/a'} [{e['source_file']}]",
                    f"Retention: within {ctx.params.retention_years} years of {ctx.as_of} (since {start})",
                    f"Missing: {', '.join(missing)}",
                    *(found or ["No document mentions this entry number or its invoice numbers"]),
                ],
                evidence_rows=[
                    {
                        "entry": e["entry_number"],
                        "entered": str(e["entered"]),
                        "summary_date": str(e["summary_date"]),
                        "lines": e["n_lines"],
                        "invoices": e["invoices"],
                        "missing": ", ".join(missing),
                        "found": "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(have.items())),
                    }
                ],
                lines=[],
            )
        )
    return findings


@check(
    "broker_review_missing",
    title="Entry filed by the broker with no review by the importer",
    legal_basis=["19 USC 1484(a)(1)", "19 USC 1641"],
    params=[],
    severity="low",
    subject=["entry"],
)
def broker_review_missing(ctx: CheckContext) -> list[Finding]:
    """An entry with no review in the importer's broker review log (broker_reviews.csv). The importer
    stays responsible for entries its licensed broker files (reasonable care, 19 USC 1484); CBP asks
    for evidence that they are reviewed. Runs only when a review log was ingested."""
    if scalar(ctx.con, "SELECT count(*) FROM broker_reviews") == 0:
        ctx.note("broker_review_missing: no broker review log ingested; not tested")
        return []
    span = ctx.con.execute("SELECT min(review_date), max(review_date), count(*) FROM broker_reviews").fetchone() or (
        None,
        None,
        0,
    )
    rows = ctx.rows(
        """SELECT entry_number, summary_date, entered, n_lines, value, source_file, source_row FROM entries
           WHERE entry_number NOT IN (SELECT entry_number FROM broker_reviews WHERE entry_number IS NOT NULL)
           ORDER BY summary_date, entry_number"""
    )
    findings = []
    for e in rows:
        subject = {"entry": e["entry_number"]}
        findings.append(
            Finding(
                id=finding_id("broker_review_missing", subject),
                check="broker_review_missing",
                severity="low",
                title=f"{e['entry_number']} (entry summary {e['summary_date']}, {e['n_lines']} line(s)) has no review in the broker review log",
                cause=f"entries summarised in {e['summary_date'].year} Q{(e['summary_date'].month - 1) // 3 + 1} with no review in the log"
                if e["summary_date"]
                else "entries with no review in the log",
                subject=subject,
                entries=[e["entry_number"]],
                amount_at_risk=None,
                amount_basis="not a duty amount: an internal-control gap",
                evidence=[
                    f"{e['entry_number']}: entry summary {e['summary_date']}, {e['n_lines']} line(s), value ${float(e['value'] or 0):,.2f} "
                    f"[{e['source_file']} row {e['source_row']}]",
                    f"Broker review log: {span[2]} review(s) from {span[0]} to {span[1]}; none for this entry",
                ],
                evidence_rows=[
                    {
                        "entry": e["entry_number"],
                        "summary_date": str(e["summary_date"]),
                        "lines": e["n_lines"],
                        "value": float(e["value"] or 0),
                        "filer_code": e["entry_number"][:3],
                    }
                ],
            )
        )
    return findings


@check(
    "psc_pattern",
    title="Repeated post-summary corrections on one part",
    legal_basis=["19 CFR 101.9(b)", "19 USC 1484(a)(1)"],
    params=["psc_min_entries"],
    severity="medium",
    subject=["part_number"],
)
def psc_pattern(ctx: CheckContext) -> list[Finding]:
    """A part number whose lines carry the Post Summary Correction indicator on at least
    psc_min_entries different entries. One correction is a fix; a pattern shows a root cause
    (product master, broker instructions, supplier data) that CBP will ask about."""
    rows = ctx.rows(
        f"""SELECT {LINE_COLUMNS} FROM lines WHERE psc AND part_number IN (
               SELECT part_number FROM lines WHERE psc AND part_number IS NOT NULL
               GROUP BY part_number HAVING count(DISTINCT entry_number) >= ?)
           ORDER BY part_number, entered, entry_number, line_number""",
        [ctx.params.psc_min_entries],
    )
    by_part: dict[str, list[dict]] = {}
    for r in rows:
        by_part.setdefault(r["part_number"], []).append(r)
    findings = []
    for part, lines in by_part.items():
        entries = sorted({r["entry_number"] for r in lines})
        subject = {"part_number": part}
        findings.append(
            Finding(
                id=finding_id("psc_pattern", subject),
                check="psc_pattern",
                severity="medium",
                title=f"{part}: post-summary corrections on {len(entries)} entries ({lines[0]['entry_summary_date']} to {lines[-1]['entry_summary_date']})",
                subject=subject,
                entries=entries,
                amount_at_risk=None,
                amount_basis="not a duty amount: the corrections were filed",
                evidence=cap([line_text(r, "PSC filed") for r in lines], what="lines"),
                evidence_rows=[line_row(r) for r in lines],
                lines=[LineLoss(entry=r["entry_number"], line=r["line_number"]) for r in lines],
            )
        )
    return findings
