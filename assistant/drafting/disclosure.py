"""A prior disclosure draft under 19 CFR 162.74 from the checks' findings, and the knowledge check.

For the findings named (check finding ids with a duty effect), the draft lays out each element of
162.74(b) from the records and cites them:

* (b)(1) the class or kind of merchandise: the parts, their descriptions and HTS numbers;
* (b)(2) the importations: every entry the finding affects (all the lines the check links to it over
  the retention period, not a sample), with its port of entry and date;
* (b)(3) the false statements or omissions, how and when they occurred;
* (b)(4) the true information: the value that should have been declared (an assist or royalty
  apportioned to each line by its value, as the check apportions the duty at stake), or the HTS and
  rate, with the statement that what is not yet known will follow within 30 days.

The loss of revenue is the duty at stake the checks compute, line by line, summed per entry (rounded so
the entries add up to the finding's duty at stake exactly), plus the merchandise processing fee where a
value was understated (estimated at the ad valorem rate, ``FAPREP_MPF_RATE``; ES-003 does not give the
fee paid, so the per-entry minimum and maximum are left to the broker). The tender (162.74(c)), the
addressing and envelope marking (162.74(e)), and, when the mock audit's projection is included, the
sampling plan and method 162.74(j) and 163.11(c)(3) require, are written out. What the records cannot
supply (the signatory, the port's address) is a blank to complete, highlighted.

**The knowledge check** (162.74(i)): a finding whose subject a contact on the FA timeline named (by its
id, or by the part, entry or payment it concerns) before the draft's date gets a warning that disclosure
treatment is presumptively unavailable for it, naming the contact; one no contact named says so. Nothing
is decided for the user: the draft is for review by counsel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.answering import answer as ans
from assistant.config import Settings
from assistant.drafting.toolkit import Draft, importer_name, write_draft
from assistant.errors import BadInput, NotFound
from assistant.formats import day, money

TO_COMPLETE = "[to be completed]"
VALUATION = ("undeclared_assist", "royalty_omission", "value_outlier")
# checks that test the same declaration (the HTS number of a line) from different references: a line two of
# them flag is one misstatement, its duty lost counted once
CLASSIFICATION = ("hts_inconsistency", "hts_master_mismatch", "ruling_conflict")
LAW = ("19 CFR 162.74(b)", "19 CFR 162.74(c)", "19 CFR 162.74(e)(1)", "19 CFR 162.74(i)(1)", "19 USC 1592(c)(4)")
SAMPLING_LAW = ("19 CFR 162.74(j)(1)", "19 CFR 163.11(c)(3)")


class EntryLoss(BaseModel):
    entry: str
    port: str | None
    date: str | None
    lines: list[int]
    loss: float  # duty
    added_value: float | None = None  # the value that should have been declared in addition
    fees: float = 0.0  # merchandise processing fee on the added value (estimate)
    findings: list[str] = []


class Violation(BaseModel):
    finding: str
    what: str
    how_and_when: str


class Knowledge(BaseModel):
    finding: str
    raised_by_cbp: bool
    contact: str | None
    why: str


class Disclosure(Draft):
    findings: list[str]
    merchandise: str
    entries: list[EntryLoss]
    violations: list[Violation]
    true_information: list[str]
    loss: dict[str, float]
    tender: str
    elements: dict[str, bool]
    knowledge: list[Knowledge]
    citations: list[ans.Citation] = []
    sampling: str | None = None
    addressing: str = ""
    importer_number: str | None = None  # the importer of record number on the entries, when one
    blanks: list[str] = Field(default_factory=list, description="what the records cannot supply, to complete")
    flags: list[str] = []


def _cents(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def allocate(total: float, parts: dict[str, float]) -> dict[str, float]:
    """``total`` (rounded to cents) split in proportion to ``parts``, each rounded to cents, adding up
    exactly (the largest remainders take the odd cents)."""
    cents = int(_cents(total) * 100)
    weight = sum(parts.values())
    if not parts or weight <= 0:
        return {k: 0.0 for k in parts}
    raw = {k: cents * v / weight for k, v in parts.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: -(raw[k] - int(raw[k])))[: cents - sum(out.values())]:
        out[k] += 1
    return {k: v / 100 for k, v in out.items()}


class _Finding:
    """One finding prepared for the disclosure: the finding, its lines as stored, its duty per line."""

    def __init__(self, finding, lines: list[dict]):
        self.f = finding
        self.lines = lines
        self.loss_of = {(ln.entry, ln.line): float(ln.loss or 0) for ln in finding.lines}
        self.added: dict[str, float] = {}  # entry: value to add for this finding (valuation findings)


def prepare_findings(settings: Settings, ids: list[str], look) -> list[_Finding]:
    """The findings named, found again by their checks over ``look``'s connection in one run (so they are
    current), with their lines; an unknown id or one with no duty effect is a ``BadInput`` naming it."""
    from assistant.checks import REGISTRY, run_checks

    if not ids:
        raise BadInput("finding: name at least one finding id (faprep check --json lists them)", field="finding")
    by_check: dict[str, list[str]] = defaultdict(list)
    for fid in ids:
        check = fid.split(":", 1)[0]
        if check not in REGISTRY:
            raise NotFound(
                f"finding {fid!r}: no check {check!r} (finding ids look like undeclared_assist:PAY-0117)",
                field="finding",
            )
        by_check[check].append(fid)
    out = []
    run = run_checks(settings, look.con, list(by_check))
    found = {f.id: f for f in run.findings}
    for wanted in by_check.values():
        for fid in wanted:
            f = found.get(fid)
            if f is None:
                raise NotFound(f"finding {fid!r}: the checks do not find it (as of {run.as_of})", field="finding")
            f.complete()
            if f.amount_at_risk is None or not any(ln.loss for ln in f.lines):
                why = (
                    f"no duty effect ({f.title}; {f.amount_basis or 'no duty at stake'})"
                    if f.amount_at_risk is None
                    else f"no loss of duty: {money(f.amount_at_risk)} at stake ({f.amount_basis})"
                )
                raise BadInput(
                    f"finding {fid!r}: {why}; a prior disclosure covers a loss of duties, taxes or fees: correct the "
                    "records instead",
                    field="finding",
                )
            keys = [(ln.entry, ln.line) for ln in f.lines]
            out.append(_Finding(f, look.lines_at(keys)))
    return out


# the words by which a contact names the type of a violation (162.74(i)(1): "the type of or circumstances of
# the disclosed violation"), per check; word stems, matched at the start of a word
TYPE_WORDS = {
    "undeclared_assist": ("assist", "tooling", "mold", "mould", "dies", "engineering work", "design work"),
    "royalty_omission": ("royalt", "licen", "trademark fee"),
    "value_outlier": ("undervalu", "under-valu", "transaction value", "price paid"),
    "hts_inconsistency": ("classif", "hts", "tariff number", "tariff classification"),
    "hts_master_mismatch": ("classif", "hts", "tariff number", "tariff classification"),
    "ruling_conflict": ("classif", "hts", "ruling"),
    "spi_without_certificate": ("usmca", "nafta", "certificat", "preferen", "special program", "trade agreement"),
    "origin_mismatch": ("origin", "country of"),
}
# contacts that set the audit's scope: naming an area of review there is not informing of a violation
SCOPE = ("engagement letter", "entrance conference")


def _names_any(text: str, names: set[str]) -> bool:
    """True when ``text`` names one of ``names`` as a whole word (KM-2040 is not KM-20401)."""
    from ingest.identifiers import names as names_one

    return any(names_one(text, n) for n in names)


def _type_named(text: str, check: str) -> str | None:
    """The word by which ``text`` names the type of violation ``check`` finds, if it does."""
    low = text.lower()
    return next((w for w in TYPE_WORDS.get(check, ()) if re.search(rf"\b{re.escape(w)}", low)), None)


def knowledge(findings: list[_Finding], events, as_of: dt.date) -> list[Knowledge]:
    """For each finding, whether a contact on the timeline before ``as_of`` raised it, naming the contact
    (162.74(i)): a contact tagged with the finding, or whose text names the part, entry or payment it
    concerns (its circumstances), or the type of violation (assists, royalties, classification, ...). A
    scope-setting contact (engagement letter, entrance conference) that names the type is mentioned, not
    counted: it names an area of review, not a violation; counsel weighs it."""
    out = []
    before = [e for e in events if e.date <= as_of.isoformat()]
    for pf in findings:
        f = pf.f
        names = {f.id, *(str(v) for v in f.subject.values() if isinstance(v, str))} | set(f.entries)
        names |= {str(r["part_number"]) for r in pf.lines if r.get("part_number")}
        names |= {str(r["part_number"]) for r in f.evidence_rows if r.get("part_number")}
        hit, how = None, ""
        for e in before:
            if f.id in e.findings:
                hit, how = e, "recorded against this finding"
            elif _names_any(e.text, names):
                hit, how = e, "it names what this finding concerns"
            elif e.kind not in SCOPE and (word := _type_named(e.text, f.check)):
                hit, how = e, f"it names the type of violation ('{word}')"
            if hit is not None:
                break
        if hit is not None:
            contact = f"{hit.kind} on {hit.date}: {hit.text}"
            why = (
                f"CBP raised it before this draft ({contact}; {how}): disclosure treatment is presumptively "
                "unavailable for this violation (19 CFR 162.74(i)(1)); counsel must weigh whether the disclosing party "
                "can rebut the presumption (162.74(i)(2))"
            )
            out.append(Knowledge(finding=f.id, raised_by_cbp=True, contact=contact, why=why))
            continue
        why = "no contact on the FA timeline names this finding, what it concerns or its type before this draft"
        scoped = next((e for e in before if e.kind in SCOPE and _type_named(e.text, f.check)), None)
        if scoped is not None:
            why += (
                f"; the {scoped.kind} of {scoped.date} names its area ('{_type_named(scoped.text, f.check)}') as one "
                "under review, which is not informing of a violation, but counsel should weigh it"
            )
        out.append(Knowledge(finding=f.id, raised_by_cbp=False, contact=None, why=why))
    return out


def draft_disclosure(
    settings: Settings, finding_ids: list[str], assistant=None, audit_sample: int | None = None, seed: int = 1
) -> Disclosure:
    """The prior disclosure draft for ``finding_ids`` (see the module doc); ``audit_sample``: include the
    mock audit's projection over a sample of that many lines, with its sampling plan and method."""
    from assistant.answering.ask import Assistant
    from assistant.stores.lookups import Lookups
    from assistant.stores.records import open_records
    from assistant.stores.timeline import Timeline
    from assistant.stores.workspace import Workspace

    own = assistant is None
    assistant = assistant or Assistant(settings)
    try:
        with open_records(settings) as rec:
            look = Lookups(rec.con)
            findings = prepare_findings(settings, list(dict.fromkeys(finding_ids)), look)
            flags: list[str] = []
            entries = _entries(findings, settings, flags)
            sampling = _sampling(settings, rec.con, audit_sample, seed) if audit_sample else None
        events = Timeline(Workspace.of(settings).root).events()
        known = knowledge(findings, events, settings.today)
        return _assemble(settings, findings, entries, known, sampling, assistant, flags)
    finally:
        if own:
            assistant.close()


def _added_values(pf: _Finding, shares: dict[str, float], lines: dict) -> dict[str, float]:
    """The value that should have been declared in addition, per line (``entry|line``): a payment's
    undeclared balance apportioned as the check apportions its duty (by value, so it adds up to the
    balance exactly); for a price far below the usual, the line's duty at stake over its effective rate."""
    f = pf.f
    payment = next((r for r in f.evidence_rows if "payment_id" in r and "amount" in r), None)
    if payment is not None:
        undeclared = float(payment["amount"] or 0) - float(payment.get("declared") or 0)
        values = {}
        for key in shares:
            entry, line = key.rsplit("|", 1)
            values[key] = float(lines.get((entry, int(line)), {}).get("value") or 0)
        return allocate(undeclared, values if sum(values.values()) > 0 else shares)
    out = {}
    priced = {(r.get("entry"), r.get("line")): r for r in f.evidence_rows if "median_unit_price" in r}
    for key, loss in shares.items():
        entry, line = key.rsplit("|", 1)
        usual = priced.get((entry, int(line)))
        if usual is not None:  # a price far below the usual: the shortfall at the usual price
            short = (float(usual["median_unit_price"]) - float(usual["unit_price"])) * float(usual["quantity"] or 0)
            out[key] = float(_cents(max(short, 0.0)))
            continue
        row = lines.get((entry, int(line)), {})
        value, duty = float(row.get("value") or 0), float(row.get("total_duty") or row.get("duty") or 0)
        out[key] = float(_cents(loss * value / duty)) if duty > 0 else 0.0
    return out


def _entries(findings: list[_Finding], settings: Settings, flags: list[str]) -> list[EntryLoss]:
    """The entries the findings affect, each with its port, date, lines, duty lost, added value and fee.
    A line two classification findings flag is counted once (under the first), said in ``flags``."""
    by_entry: dict[str, EntryLoss] = {}
    classified: dict[str, str] = {}  # entry|line: the classification finding that counted it
    for pf in findings:
        f = pf.f
        lines = {(r["entry_number"], r["line_number"]): r for r in pf.lines}
        shares = allocate(f.amount_at_risk or 0.0, {f"{e}|{n}": v for (e, n), v in pf.loss_of.items() if v})
        added = _added_values(pf, shares, lines) if f.check in VALUATION else {}
        if f.check in CLASSIFICATION:
            twice = {k: classified[k] for k in shares if k in classified}
            if twice:
                flags.append(
                    f"{f.id}: {len(twice)} of its lines are the same misstatement as "
                    f"{', '.join(sorted(set(twice.values())))} and their duty ({money(sum(shares[k] for k in twice))}) "
                    "is counted once, there"
                )
                shares = {k: v for k, v in shares.items() if k not in twice}
            classified.update({k: f.id for k in shares})
        shares = _within_period(f.id, shares, lines, settings.today, flags)
        for key, loss in shares.items():
            entry, line = key.rsplit("|", 1)
            row = lines.get((entry, int(line)), {})
            got = by_entry.setdefault(
                entry,
                EntryLoss(
                    entry=entry,
                    port=row.get("port_code"),
                    date=day(row.get("entry_date") or row.get("entry_summary_date")) or None,
                    lines=[],
                    loss=0.0,
                ),
            )
            got.lines = sorted(set(got.lines) | {int(line)})
            got.loss = float(_cents(got.loss + loss))
            if f.id not in got.findings:
                got.findings.append(f.id)
            if key in added:
                pf.added[entry] = float(_cents(pf.added.get(entry, 0.0) + added[key]))
                got.added_value = float(_cents((got.added_value or 0.0) + added[key]))
                got.fees = float(_cents(Decimal(str(got.added_value)) * Decimal(str(settings.mpf_rate))))
    return sorted(by_entry.values(), key=lambda e: (e.date or "", e.entry))


PERIOD_YEARS = 5  # 19 USC 1621: a penalty claim for a violation more than five years old is barred


def _within_period(fid: str, shares: dict[str, float], lines: dict, today: dt.date, flags: list[str]) -> dict:
    """The lines entered within the five years before ``today`` (19 USC 1621); older ones are left out and
    said in ``flags`` with their duty, so the draft's loss is the disclosure period's."""
    try:
        start = today.replace(year=today.year - PERIOD_YEARS)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - PERIOD_YEARS, day=28)
    old = {}
    for key in shares:
        entry, line = key.rsplit("|", 1)
        row = lines.get((entry, int(line)), {})
        when = row.get("entry_date") or row.get("entry_summary_date")
        if isinstance(when, dt.datetime):
            when = when.date()
        if isinstance(when, dt.date) and when < start:
            old[key] = shares[key]
    if old:
        entries = sorted({k.rsplit("|", 1)[0] for k in old})
        flags.append(
            f"{fid}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} entered before {start.isoformat()} "
            f"({', '.join(entries[:5])}{' ...' if len(entries) > 5 else ''}) fall outside the five-year period of "
            f"19 USC 1621 and are not in this draft; their duty at stake {money(sum(old.values()))}"
        )
    return {k: v for k, v in shares.items() if k not in old}


def _merchandise(findings: list[_Finding], look_rows) -> str:
    parts: dict[str, tuple[str, set[str]]] = {}
    for pf in findings:
        for r in pf.lines:
            desc, hts = parts.setdefault(
                r.get("part_number") or "(no part number)", (r.get("description") or "", set())
            )
            hts.add(r.get("hts") or "")
            if not desc and r.get("description"):
                parts[r.get("part_number") or "(no part number)"] = (r["description"], hts)
    return "; ".join(
        f"{p}{' (' + d + ')' if d else ''}, HTS {', '.join(sorted(h for h in hts if h))}"
        for p, (d, hts) in sorted(parts.items())
    )


def _violation(pf: _Finding, entries: list[EntryLoss]) -> Violation:
    f = pf.f
    mine = [e for e in entries if f.id in e.findings]
    dates = sorted(e.date for e in mine if e.date)
    span = f"{dates[0]} to {dates[-1]}" if dates else "dates not on record"
    how = (
        f"On {len(mine)} entr{'y' if len(mine) == 1 else 'ies'} made {span}: "
        + "; ".join(f.evidence[:3])
        + (f" ... ({len(f.evidence) - 3} more evidence lines in the checks' report)" if len(f.evidence) > 3 else "")
    )
    return Violation(finding=f.id, what=f.title, how_and_when=how)


def _true_information(pf: _Finding) -> str:
    f = pf.f
    if pf.added:
        added = sum(pf.added.values())
        per = "; ".join(f"{e} +{money(v)}" for e, v in list(pf.added.items())[:40])
        more = f" ... and {len(pf.added) - 40} more entries" if len(pf.added) > 40 else ""
        return (
            f"{f.title}: the entered value should have included {money(added)} in all, "
            + (
                "the quantity at the part's usual unit price less the price declared"
                if f.check == "value_outlier"
                else "apportioned to each line by its value as the checks apportion it"
            )
            + f" (per entry: {per}{more}); the duty on it is {money(f.amount_at_risk)}. The price actually paid or "
            "payable is what counsel must confirm from the invoices and payments before it is stated."
            * (f.check == "value_outlier")
        )
    if f.check in CLASSIFICATION:
        return (
            f"{f.title}: the true information is that classification with its rate ({f.amount_basis}): duty "
            f"{money(f.amount_at_risk)} in all. The classification is for review by the importer and its licensed "
            "customs broker (19 USC 1641) before it is stated to CBP."
        )
    return f"{f.title}: {f.amount_basis}: duty {money(f.amount_at_risk)}. {f.recommendation}".strip()


def _sampling(settings: Settings, con, sample: int, seed: int) -> str:
    from assistant.checks import run_checks
    from assistant.checks.mock_audit import run_audit

    r = run_audit(
        con,
        run_checks(settings, con),
        settings.today,
        sample,
        seed=seed,
        retention_years=settings.checks.retention_years,
    )
    lo, hi = r.projected_loss_ci95
    return (
        f"Sampling plan and method (162.74(j), 163.11(c)(3)): a value-stratified random sample of {r.sample_size} of "
        f"the {r.population_lines:,} entry lines summarized {r.period_start} to {r.period_end} ({len(r.strata)} strata "
        f"of about equal value, seed {r.seed}, reproducible), each line tested by faprep's line-level checks; "
        f"{len(r.errors)} lines in error, loss found in the sample {money(r.sample_loss)}; projected loss of revenue "
        f"{money(r.projected_loss)} (95% interval {money(lo)} to {money(hi)}), by stratified estimation. The loss "
        "of this draft is that of the entries listed for the findings named; a disclosure that relies on the sample "
        "instead tenders the projected loss for the period. Review of every transaction is the alternative; the plan "
        "must meet CBP's approval."
    )


def _assemble(settings, findings, entries, known, sampling, assistant, flags: list[str]) -> Disclosure:
    duty = float(_cents(sum(e.loss for e in entries)))
    fees = float(_cents(sum(e.fees for e in entries)))
    total = float(_cents(duty + fees))
    citations = []
    for cite in LAW + (SAMPLING_LAW if sampling else ()):
        c = assistant.law.paragraph_citation(len(citations) + 1, cite, limit=700)
        if c is not None:
            citations.append(c)
    ports = sorted({e.port for e in entries if e.port})
    numbers = sorted({str(r["importer_number"]) for pf in findings for r in pf.lines if r.get("importer_number")})
    violations = [_violation(pf, entries) for pf in findings]
    true_info = [_true_information(pf) for pf in findings]
    true_info.append(
        "Any information not yet known to the disclosing party will be provided within 30 days of the date of this "
        "disclosure (162.74(b)(4)), or within any extension the Fines, Penalties and Forfeitures Officer grants."
    )
    flags = [f"{k.finding}: {k.why}" for k in known if k.raised_by_cbp] + flags
    if fees:
        flags.append(
            f"the merchandise processing fee is estimated at {settings.mpf_rate:.4%} of the value added; the broker "
            "should apply each entry's minimum and maximum"
        )
    return Disclosure(
        workspace=settings.workspace,
        as_of=settings.today,
        findings=[pf.f.id for pf in findings],
        importer_number=", ".join(numbers) or None,
        merchandise=_merchandise(findings, None),
        entries=entries,
        violations=violations,
        true_information=true_info,
        loss={"duty": duty, "fees": fees, "total": total},
        tender=(
            f"The disclosing party tenders {money(total)} (duty {money(duty)}, fees {money(fees)}) with this "
            "disclosure, the actual loss of duties, taxes and fees it has calculated (162.74(c)); it may instead tender "
            "within 30 days after CBP notifies it in writing of CBP's calculation."
        ),
        elements={
            "162.74(b)(1)": bool(findings and all(pf.lines for pf in findings)),
            "162.74(b)(2)": bool(entries) and all(e.port and e.date for e in entries),
            "162.74(b)(3)": bool(violations),
            "162.74(b)(4)": bool(true_info) and duty > 0,
        },
        knowledge=known,
        citations=citations,
        sampling=sampling,
        addressing=(
            'Addressed to the Commissioner of U.S. Customs and Border Protection, with the words "PRIOR DISCLOSURE" '
            "printed conspicuously on the face of the envelope, presented to a CBP officer at the port of entry of "
            f"the disclosed violation (162.74(e)(1)): port(s) {', '.join(ports) or TO_COMPLETE}"
            + (
                " (several ports: copies to each Fines, Penalties and Forfeitures Officer, 162.74(e)(2))"
                if len(ports) > 1
                else ""
            )
            + "."
        ),
        blanks=[
            "signatory (name and title of the person signing for the importer)",
            "the address of the Fines, Penalties and Forfeitures office of the port(s)",
            *([] if numbers else ["the importer of record number (not on the entries)"]),
            *(
                [f"the port of entry of {sum(1 for e in entries if not e.port)} entries (not in the entry data)"]
                if any(not e.port for e in entries)
                else []
            ),
            "date of filing",
        ],
        flags=flags,
    )


def disclosure_markdown(d: Disclosure, settings: Settings) -> str:
    from prompts import render

    return render(
        "disclosure.md.j2",
        d=d,
        importer=importer_name(settings, d),
        disclosing=settings.importer_name or f"{TO_COMPLETE} (the importer's name; FAPREP_IMPORTER_NAME)",
        blank=TO_COMPLETE,
    )


def disclosure_docx(d: Disclosure, settings: Settings, path: Path) -> None:
    """The letter as an editable DOCX: the Markdown's structure, the blanks highlighted."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    doc = Document()
    for line in disclosure_markdown(d, settings).splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            level = len(text) - len(text.lstrip("#"))
            doc.add_heading(text.lstrip("# ").replace("**", ""), level=min(level, 4))
            continue
        para = doc.add_paragraph(style="List Bullet" if text.startswith("- ") else None)
        for i, piece in enumerate(text.removeprefix("- ").replace("**", "").split(TO_COMPLETE)):
            if i:
                para.add_run(TO_COMPLETE).font.highlight_color = WD_COLOR_INDEX.YELLOW
            para.add_run(piece)
    doc.save(str(path))


def write_disclosure(d: Disclosure, settings: Settings, path: Path) -> None:
    write_draft(path, d, lambda p: disclosure_docx(d, settings, p), lambda: disclosure_markdown(d, settings))
