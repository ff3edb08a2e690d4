"""Testing each finding of an FA draft report against the records, by its topic.

Each finding (read by ``assistant.drafting.report_reading``: its topic and the parts, entries,
payments, rulings and HTS numbers it names) is tested:

- **classification**: the product master's HTS number, rationale and ruling for each part named;
  the ruling's own tariff number and the sentence of the ruling that states it (quoted verbatim);
  the HTS numbers the entries declared; the classification checks for the part. A ruling that
  supports the declared number answers CBP's reclassification: ``disagree``.
- **recordkeeping**: for each entry named, the documents on file by kind. A document CBP says is
  missing but that is on file is cited (``disagree`` when all are, ``partial`` when some are,
  ``agree`` when none is).
- **assists / royalties**: the payments named, or to a vendor or for a part named, through the
  ``undeclared_assist`` and ``royalty_omission`` checks. A confirmed finding is ``agree``, with the
  payments as evidence and a corrective action plan; payments already declared are ``disagree``.
- **origin / USMCA**: the ``origin_mismatch`` and ``spi_without_certificate`` checks for what is named.

A finding faprep cannot test is answered ``partial`` with a flag saying the position needs review:
never a guessed position.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters
from assistant.checks.base import CLASSIFICATION_CHECKS, hts_digits, hts_match
from assistant.config import Settings
from assistant.drafting.report_reading import Period, ReportFinding, finding_identifiers, topic_of
from assistant.drafting.toolkit import renumber
from assistant.formats import day
from assistant.stores.records import Records
from prompts import phrase

DOC_KINDS = {
    "packing list": "packing_list",
    "invoice": "commercial_invoice",
    "entry summar": "entry_summary",
    "7501": "entry_summary",
    "bill of lading": "bill_of_lading",
}
KIND_NAMES = {
    "packing_list": "packing list",
    "commercial_invoice": "commercial invoice",
    "entry_summary": "entry summary (CBP Form 7501)",
    "bill_of_lading": "bill of lading",
}


class ScheduleRow(BaseModel):
    """One row of a schedule of entries attached to a finding, tested against the records."""

    entry: str
    line: int | None = None
    amount: float | None = None
    on_record: bool = False  # the entry is in the entry lines
    on_file: list[str] = []  # required documents on file
    missing: list[str] = []  # required documents not on file
    outside_retention: bool = False  # entered before the retention period (19 USC 1508): need not be kept
    confirmed: bool = False  # a required record is missing for an entry within the retention period
    finding_ids: list[str] = []


class Response(BaseModel):
    finding: str = Field(description="the draft report's finding, as read")
    number: int
    title: str
    topic: str
    position: str  # agree | disagree | partial
    answer: str
    citations: list[ans.Citation] = []
    checks_run: list[str] = []
    evidence: list[str] = Field(default_factory=list, description="facts from the records behind the position")
    corrective_action: str = ""
    cip: list[dict] = Field(
        default_factory=list,
        description="Compliance Improvement Plan: actions, each with an owner and a target date to fill in",
    )
    evidence_for_cbp: list[str] = Field(
        default_factory=list, description="with a disagreement: what to provide CBP so it can close the finding"
    )
    schedule: list[ScheduleRow] = []
    flags: list[str] = []


# --- what every test shares ------------------------------------------------------------------------


class Context:
    """What every test reads: the settings, the ``Assistant`` (its retriever and documents), the records
    and their lookups, the check run and the report's audit period."""

    def __init__(self, settings: Settings, assistant, rec: Records, run, period: Period | None = None):
        from assistant.stores.lookups import Lookups

        self.settings, self.assistant, self.rec, self.run, self.period = settings, assistant, rec, run, period
        self.look = Lookups(rec.con)
        self.known = self.look.known()
        self.entry_dates = self.look.entry_dates()

    def ids(self, text: str) -> dict[str, set[str]]:
        """Identifiers of a finding's heading and body; payment ids as the payments extract spells them."""
        return finding_identifiers(text, self.assistant.retriever, self.known.payments)

    def in_period(self, finding) -> bool:
        """A check finding within the report's audit period (all of them when the report states none)."""
        if self.period is None:
            return True
        days = [self.entry_dates.get(e) for e in finding.entries]
        days += [
            dt.date.fromisoformat(str(r["payment_date"])[:10])
            for r in finding.evidence_rows[:1]
            if r.get("payment_date")
        ]
        return any(d and self.period.start <= d <= self.period.end for d in days)

    def period_text(self) -> str:
        return f" from {day(self.period.start)} to {day(self.period.end)}" if self.period else ""


# --- the tests, by topic -----------------------------------------------------------------------------


def parts_named(f: ReportFinding, ctx: Context) -> tuple[list[str], list[str]]:
    """The parts a classification finding concerns, and how each was found: named in its heading or body;
    else the parts of the example entry it names (those declared under the HTS number it names, if it
    names one); else the parts declared under that HTS number; else the product master rows whose
    description the finding's words match (with how many of the description's words matched)."""
    from assistant.answering.answer import content_terms

    text = f"{f.title} {f.text}"
    ids = ctx.ids(text)
    named_hts = sorted(ids.get("hts", set()))
    parts = sorted(ids.get("part", set()))
    if parts:
        return parts, [f"{p}: named in the finding" for p in parts]
    how: dict[str, str] = {}
    for entry in sorted(ids.get("entry", set())):
        for r in ctx.look.entry_lines(entry):
            if (r.get("tariff_ordinal") or 1) != 1 or not r.get("part_number"):
                continue
            if named_hts and not any(hts_match(h, r["hts"]) for h in named_hts):
                continue
            how.setdefault(
                r["part_number"],
                f"{r['part_number']}: on line {r['line_number']} of example entry {entry}"
                + (f", declared under {r['hts']}" if named_hts else ""),
            )
    if not how:
        for h in named_hts:
            _master, lines = ctx.look.parts_under(h)
            for r in lines:
                if r.get("part_number"):
                    how.setdefault(
                        r["part_number"], f"{r['part_number']}: declared under {h}, the subheading the finding names"
                    )
    if not how:
        words = content_terms(text)
        for p in ctx.look.product_descriptions():
            desc = content_terms(p["description"])
            common = desc & words
            if len(common) >= 2 and len(common) >= 0.6 * len(desc):
                how[p["part_number"]] = (
                    f"{p['part_number']}: matched by its description '{p['description']}' "
                    f"({len(common)} of {len(desc)} words): confirm it is the product CBP means"
                )
    return sorted(how), [how[p] for p in sorted(how)]


def _classification(f: ReportFinding, ctx: Context) -> Response:
    ids = ctx.ids(f"{f.title} {f.text}")
    parts, found_how = parts_named(f, ctx)
    named_hts = sorted(ids.get("hts", set()))
    evidence, citations, flags, position = [], [], [], None
    if not parts:
        r = _general(f, ctx, "classification", list(CLASSIFICATION_CHECKS), "entry lines", _lines_tested(ctx, False))
        r.answer += "\n\n" + ans.LEGAL_NOTE
        return r
    evidence += [f"Part {how}." for how in found_how if "named in the finding" not in how]
    if any("matched by its description" in how for how in found_how):
        flags.append("the part was found by its description, not named: confirm it is the product CBP means")
    supported, unsupported = [], []
    checks = list(CLASSIFICATION_CHECKS)
    every_declared: dict[str, set[str]] = {}  # part -> HTS numbers on any tariff line (Chapter 99 included)
    for part in parts:
        row = ctx.rec.product(part)
        lines = ctx.rec.declared_hts(part)
        every_declared[part] = {h for h, _ in lines}
        declared = sorted({h for h, main in lines if main and h})
        if declared:
            evidence.append(f"{part} was declared under {', '.join(declared)} (ES-003 entry data).")
        if row is None:
            unsupported.append(part)
            evidence.append(f"{part} is not in the product master.")
            continue
        desc, hts, ruling, rationale, src, src_row = row
        evidence.append(
            f"Product master ({src} row {src_row}): {part} '{desc}', HTS {hts}, ruling "
            f"{ruling or 'none'}, rationale: {(rationale or 'none recorded').rstrip('.')}."
        )
        tariffs = []
        if ruling:
            r = ctx.rec.ruling(ruling)
            if r is None:
                flags.append(f"ruling {ruling} cited in the product master is not among the ingested rulings")
            else:
                tariffs = list(r[0] or [])
                evidence.append(f"CBP ruling {ruling} ({r[1]}), '{r[2]}', classifies under {', '.join(tariffs)}.")
                quote = ctx.assistant.answer_from_documents(
                    f"The applicable subheading for {desc} will be {hts}",
                    Filters(ruling=ruling),
                    gap=0.2,
                    keep=lambda t, ts=tariffs: any(hts_digits(x) in hts_digits(t) for x in ts),
                )
                citations += quote.citations
        if tariffs and all(hts_match(d, tariffs[0]) for d in declared) and hts_match(hts, tariffs[0]):
            supported.append(part)
        else:
            unsupported.append(part)
    flagged = [x for x in ctx.run.findings if x.check in checks and any(x.concerns(part_number=p) for p in parts)]
    if not parts:
        flags.append("the finding names no part number faprep knows: the position needs review")
    if supported and not unsupported and not flagged:
        position = "disagree"
        proposed = [h for h in named_hts if not any(hts_match(h, d) for p in supported for d in every_declared[p])]
        answer = phrase("classification_disagree", parts=supported, proposed=proposed)
    elif parts:
        position = "partial" if supported else "agree"
        answer = phrase(
            "classification_not_supported",
            supported=supported,
            unsupported=unsupported,
            flagged_parts=sorted({str(x.subject.get("part_number", "")) for x in flagged}),
            flagged=[f"{x.title} [{x.id}]" for x in flagged],
            cited=bool(citations),
        )
    else:
        position = "partial"
        answer = phrase("untested")
    answer += "\n\n" + ans.LEGAL_NOTE
    return _response(
        f, "classification", position, answer, checks, evidence, "", citations=renumber(citations), flags=flags
    )


def _document_citation(ctx: Context, path: str, kind: str, entry: str) -> ans.Citation | None:
    """The line of the document that names the entry or its reference (else its first line), as a
    citation whose quote is verified against the first page's text."""
    row = ctx.rec.first_page(path)
    if not row:
        return None
    page, text = row
    ref = Path(path).stem.split("_")[-1]
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    line = next((x for x in lines if entry in x or ref in x), lines[0] if lines else "")
    span = ans.verify_quote(text, line, 0)
    if span is None:
        return None
    chunk = ctx.rec.chunk_at(path, page, span[0])
    passage = next(iter(ctx.assistant.retriever.passages([chunk] if chunk else [])), None)
    return ans.Citation(
        n=1,
        source=path,
        page=page,
        kind=kind,
        quote=line,
        chunk_id=passage.chunk_id if passage else "",
        chunk_sha256=passage.sha256 if passage else "",
        ocr_confidence=passage.ocr_confidence if passage else None,
        char_start=span[0],
        char_end=span[1],
    )


def _recordkeeping(f: ReportFinding, ctx: Context) -> Response:
    text = f"{f.title} {f.text}"
    entries = sorted(ctx.ids(text).get("entry", set()) | {r["entry"] for r in f.schedule})
    low = text.lower()
    claimed = sorted({kind for word, kind in DOC_KINDS.items() if word in low}) or [
        "commercial_invoice",
        "packing_list",
        "entry_summary",
    ]
    checks = ["missing_records"]
    if not entries:
        return _general(f, ctx, "recordkeeping", checks, what="entries", tested=_entries_tested(ctx))
    evidence, citations, found, missing = [], [], [], []
    confirmed_by = {e: [x.id for x in ctx.run.findings if x.check in checks and x.concerns(entry=e)] for e in entries}
    for entry in entries:
        on_file = {k: p for p, k in ctx.rec.documents_on_file(entry)}
        for kind in claimed:
            name = KIND_NAMES.get(kind, kind)
            if kind in on_file:
                found.append((entry, kind))
                evidence.append(f"The {name} for entry {entry} is on file: {on_file[kind]}.")
                cited = _document_citation(ctx, on_file[kind], kind, entry)
                if cited:
                    citations.append(cited)
            else:
                missing.append((entry, kind))
                evidence.append(f"No {name} for entry {entry} is on file.")
    from assistant.checks.base import years_before

    kept_since = years_before(ctx.settings.today, ctx.settings.checks.retention_years)
    schedule = []
    for r in f.schedule:
        entered = ctx.entry_dates.get(r["entry"])
        old = bool(entered and entered < kept_since)
        lacks = [KIND_NAMES[k] for e, k in missing if e == r["entry"]]
        schedule.append(
            ScheduleRow(
                entry=r["entry"],
                line=r.get("line"),
                amount=r.get("amount"),
                on_record=entered is not None,
                on_file=[KIND_NAMES[k] for e, k in found if e == r["entry"]],
                missing=lacks,
                outside_retention=old,
                confirmed=bool(lacks) and not old,
                finding_ids=confirmed_by.get(r["entry"], []),
            )
        )
    named = lambda pairs: [f"{KIND_NAMES[k]} for entry {e}" for e, k in pairs]  # noqa: E731
    if found and not missing:
        position, answer = "disagree", phrase("records_disagree", found=named(found))
    elif found:
        position, answer = "partial", phrase("records_partial", found=named(found), missing=named(missing))
    else:
        position, answer = "agree", phrase("records_agree", missing=["the " + m for m in named(missing)])
    if schedule:
        answer += " " + phrase(
            "schedule_tested",
            rows=len(schedule),
            confirmed=sum(r.confirmed for r in schedule),
            on_file=sum(not r.missing and r.on_record for r in schedule),
            unknown=[r.entry for r in schedule if not r.on_record],
            old=[r.entry for r in schedule if r.outside_retention and r.missing],
            years=ctx.settings.checks.retention_years,
        )
    marks = " ".join(f"[{c.n}]" for c in renumber(citations))
    if marks:
        answer += " " + phrase("records_on_file", marks=marks)
    corrective = phrase("records_corrective") if missing else ""
    return _response(
        f,
        "recordkeeping",
        position,
        answer,
        checks,
        evidence,
        corrective,
        citations=renumber(citations),
        schedule=schedule,
    )


def _entries_tested(ctx: Context) -> str:
    start, end = (ctx.period.start, ctx.period.end) if ctx.period else (dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    n = sum(1 for d in ctx.entry_dates.values() if d and start <= d <= end)
    return f"{n:,} entries summarized{ctx.period_text()}"


def _general(f: ReportFinding, ctx: Context, topic: str, checks: list[str], what: str, tested: str) -> Response:
    """A finding in general terms (no part, entry or payment named): the topic's checks over the audit
    period decide. Agree when they find the kind of problem (listed, with the duty at stake); disagree
    when they find none (saying what was tested); partial when the records hold nothing to test."""
    hits = [x for x in ctx.run.findings if x.check in checks and ctx.in_period(x)]
    if hits:
        answer = phrase(
            "general_confirmed",
            items=[f"{x.title} [{x.id}]" for x in hits],
            at_stake=sum(x.amount_at_risk or 0 for x in hits),
            tested=tested,
        )
        corrective = _without_prior_disclosure(hits) + (
            phrase("duty_and_disclosure") if topic != "recordkeeping" else ""
        )
        return _response(f, topic, "agree", answer, checks, [e for x in hits for e in x.evidence[:3]], corrective)
    if tested.startswith("0 "):
        return _response(
            f,
            topic,
            "partial",
            phrase("general_nothing_to_test", what=what, period=ctx.period_text()),
            checks,
            [],
            "",
            flags=[f"the records hold no {what}{ctx.period_text()} to test: review"],
        )
    return _response(
        f,
        topic,
        "disagree",
        phrase("general_none", tested=tested, checks=checks),
        checks,
        [f"Tested: {tested}; checks run: {', '.join(checks)}; findings: none."],
        "",
    )


def _response(
    f: ReportFinding,
    topic: str,
    position: str,
    answer: str,
    checks: list[str],
    evidence: list[str],
    corrective: str,
    citations: list | None = None,
    schedule: list | None = None,
    flags: list[str] | None = None,
) -> Response:
    return Response(
        finding=f.text,
        number=f.number,
        title=f.title,
        topic=topic,
        position=position,
        answer=answer,
        citations=citations or [],
        checks_run=checks,
        evidence=evidence,
        corrective_action=corrective.strip(),
        schedule=schedule or [],
        flags=flags or [],
    )


def _assists(f: ReportFinding, ctx: Context) -> Response:
    from assistant.answering.facts import distinctive_words, vendor_hits

    text = f"{f.title} {f.text}"
    ids = ctx.ids(text)
    payments = set(ids.get("payment", set()))
    parts = ids.get("part", set())
    # a vendor is named by a distinctive word of its name written as a name ("Everbright"), not by a
    # word of the finding's prose that happens to be in a name ("paid foreign manufacturers for tooling")
    named_vendors = set(vendor_hits(text, distinctive_words(ctx.known.vendors), as_names=True))
    vendors = [(pid, name) for pid, name in ctx.rec.payment_vendors() if name in named_vendors]
    payments |= {pid for pid, _ in vendors}
    checks = ["undeclared_assist", "royalty_omission"]
    if not payments and not parts:
        return _general(f, ctx, "assists", checks, what="payments", tested=_payments_tested(ctx))
    hits = [
        x
        for x in ctx.run.findings
        if x.check in checks
        and (any(x.concerns(payment_id=p) for p in payments) or any(x.concerns(part_number=p) for p in parts))
    ]
    if payments and parts:  # both named: the payments that concern a named part
        by_part = [x for x in hits if any(x.concerns(part_number=p) for p in parts)]
        hits = by_part or hits
    evidence = [e for x in hits for e in x.evidence]
    flags = []
    if hits:
        position = "agree"
        answer = phrase(
            "confirmed", items=[f"{x.title} [{x.id}]" for x in hits], at_stake=sum(x.amount_at_risk or 0 for x in hits)
        )
        corrective = _without_prior_disclosure(hits) + phrase("duty_and_disclosure")
    elif payments:
        position = "disagree"
        rows = ctx.rec.payments(sorted(payments))
        evidence += [f"Payment {p} ${a:,.2f} to {v}: included in the price: {inc}" for p, a, v, inc in rows]
        answer, corrective = phrase("payments_declared"), ""
    else:
        position, answer, corrective = "partial", phrase("no_payment"), ""
        flags.append("no payment matched: the position needs review")
    return _response(f, "assists", position, answer, checks, evidence, corrective, flags=flags)


def _without_prior_disclosure(hits) -> str:
    """The checks' recommendations, less their advice to disclose before an FA begins: in a response to a
    draft report the FA is under way, and the response says what still applies."""
    sentences = []
    for x in hits:
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z0-9])", x.recommendation or ""):
            if "prior disclosure" not in sentence.lower() and sentence not in sentences:
                sentences.append(sentence)
    return " ".join(sentences).strip() + " "


def _payments_tested(ctx: Context) -> str:
    start, end = (ctx.period.start, ctx.period.end) if ctx.period else (dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    rows = ctx.look.payments_between(start, end)
    return f"{len(rows):,} payments to foreign parties dated{ctx.period_text() or ' in the records'}"


def _lines_tested(ctx: Context, usmca: bool) -> str:
    start, end = (ctx.period.start, ctx.period.end) if ctx.period else (dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    rows = [r for r in ctx.look.lines_between(start, end) if (r.get("tariff_ordinal") or 1) == 1]
    if usmca:
        rows = [r for r in rows if (r.get("spi") or "") in ctx.settings.checks.usmca_spi_codes]
        return f"{len(rows):,} entry lines claiming USMCA{ctx.period_text()}"
    return f"{len(rows):,} entry lines{ctx.period_text()}"


def _by_checks(f: ReportFinding, ctx: Context, topic: str, checks: list[str]) -> Response:
    ids = ctx.ids(f"{f.title} {f.text}")
    if not ids.get("part") and not ids.get("entry"):
        return _general(f, ctx, topic, checks, what="entry lines", tested=_lines_tested(ctx, topic == "usmca"))
    hits = [
        x
        for x in ctx.run.findings
        if x.check in checks
        and (
            any(x.concerns(part_number=p) for p in ids.get("part", set()))
            or any(x.concerns(entry=e) for e in ids.get("entry", set()))
        )
    ]
    if hits:
        confirmed = phrase(
            "confirmed", items=[f"{x.title} [{x.id}]" for x in hits], at_stake=sum(x.amount_at_risk or 0 for x in hits)
        )
        corrective = " ".join(dict.fromkeys(x.recommendation for x in hits if x.recommendation))
        return _response(f, topic, "agree", confirmed, checks, [e for x in hits for e in x.evidence], corrective)
    return _response(
        f,
        topic,
        "partial",
        phrase("checks_found_nothing"),
        checks,
        [],
        "",
        flags=["the checks found nothing for this finding: the position needs review"],
    )


# the paragraphs of the law each topic's response quotes (from the law shelf)
LAW_BY_TOPIC = {
    "classification": ["19 USC 1484(a)(1)"],
    "recordkeeping": ["19 CFR 163.4(a)", "19 CFR 163.6(b)(1)"],
    "assists": ["19 CFR 152.102(a)(1)", "19 CFR 152.103(d)"],
    "usmca": ["19 CFR 182.12(a)", "19 CFR 182.15"],
    "origin": ["19 USC 1304(a)"],
}


def respond(f: ReportFinding, ctx: Context) -> Response:
    """The response to one finding, by its topic (``topic_of``), with the paragraphs of the law it rests on
    quoted; a finding of no topic faprep tests is answered ``partial``, flagged for review."""
    response = _respond(f, ctx)
    law = []
    for cite in LAW_BY_TOPIC.get(response.topic, []):
        c = ctx.assistant.law.paragraph_citation(len(response.citations) + len(law) + 1, cite, limit=600)
        if c is not None:
            law.append(c)
    if law:
        quoted = " ".join(f'{c.cite}: "{" ".join(c.quote.split())}" [{c.n}]' for c in law)
        body, note = response.answer, ""
        if body.endswith(ans.LEGAL_NOTE):  # the legal note stays last
            body, note = body[: -len(ans.LEGAL_NOTE)].rstrip(), "\n\n" + ans.LEGAL_NOTE
        response.answer = f"{body}\n\nThe law: {quoted}{note}"
        response.citations = [*response.citations, *law]
    return response


def _respond(f: ReportFinding, ctx: Context) -> Response:
    topic = topic_of(f)
    if topic == "classification":
        return _classification(f, ctx)
    if topic == "recordkeeping":
        return _recordkeeping(f, ctx)
    if topic == "assists":
        return _assists(f, ctx)
    if topic == "usmca":
        return _by_checks(f, ctx, topic, ["spi_without_certificate"])
    if topic == "origin":
        return _by_checks(f, ctx, topic, ["origin_mismatch"])
    return _response(
        f,
        "other",
        "partial",
        phrase("no_test"),
        [],
        [],
        "",
        flags=["not tested against the records: the position needs review"],
    )
