"""Draft responses to an FA draft report: each of CBP's findings tested against the records.

The report (PDF, DOCX or text) is split at its "Finding N: title" headings. Each finding is read for
its subject (classification, recordkeeping, assists and royalties, origin, USMCA) and the parts,
entries, payments, rulings and HTS numbers it names, then tested:

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
from assistant.drafting.survey import (
    Draft,
    document_text,
    docx_flags_and_sources,
    finding_ids_in,
    rewrite_all,
    write_draft,
)
from assistant.errors import RebuttalError
from assistant.formats import day, money
from assistant.stores.records import Records
from prompts import phrase

_FINDING = re.compile(r"^\s*(?:#{1,6}\s*)?Finding\s+(?:No\.?\s*)?(\d+)\s*[:.\-–]?\s*(.*)$", re.I)
TOPICS = [  # (topic, words in the finding), first match wins
    ("assists", r"\bassists?\b|royalt|licen[cs]e fee|1401a\(b\)\(1\)\((C|D)\)"),
    ("classification", r"classif|subheading|\bheading\b|\bHTSUS?\b"),
    ("recordkeeping", r"\brecords?\b|failed to produce|packing lists?|invoices?|\b1508\b|\b1509\b"),
    ("usmca", r"USMCA|preferen|special program|certification of origin"),
    ("origin", r"country of origin|\borigin\b|marking"),
]
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


class ReportFinding(BaseModel):
    number: int
    title: str
    text: str
    schedule: list[dict] = Field(default_factory=list, description="rows of an attached schedule: entry, line, amount")


class Period(BaseModel):
    start: dt.date
    end: dt.date


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


class Rebuttal(Draft):
    report: str
    responses: list[Response]
    audit_period: Period | None = None


# --- reading the report ----------------------------------------------------------------------------


_SECTION_FINDING = re.compile(r"^\s*(\d{1,2})[.)]\s+([A-Z][^.:]{2,70})[.:]?\s*$")  # "1. Classification"
_TABLE_FINDING = re.compile(r"^\s*(?:Finding\s+)?(?:No\.?\s*)?(\d{1,2})\s*\|\s*([^|]+?)\s*\|\s*(.+)$", re.I)
_SCHEDULE = re.compile(r"^\s*(?:#{1,6}\s*)?(schedule|attachment|appendix|exhibit|annex)\b(.*)$", re.I)
_MONEY = re.compile(r"\$\s?[\d,]+(?:\.\d{2})?|\b\d{1,3}(?:,\d{3})+\.\d{2}\b|\b\d+\.\d{2}\b")
_DATE = r"(?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})"
_PERIOD = re.compile(
    rf"\b(?:audit|review|scope|assessment)\s+period\b[^.]{{0,60}}?({_DATE})\s*(?:through|to|until|and|-|–)\s*({_DATE})",
    re.I,
)


def _schedule_row(line: str) -> dict | None:
    from assistant.normalize import money
    from ingest import identifiers as ids_

    entries = sorted(ids_.entry_numbers(line))
    if not entries:
        return None
    rest = line
    for e in entries:
        rest = rest.replace(e, " ")
    amount = next((m.group(0) for m in _MONEY.finditer(rest)), None)
    numbers = re.findall(r"(?<![\d.,$])\b(\d{1,3})\b(?![\d.,])", rest.replace(amount or "\x00", " "))
    value = money(amount) if amount else None
    return {
        "entry": entries[0],
        "line": int(numbers[0]) if numbers else None,
        "amount": float(value) if value is not None else None,
    }


def split_findings(text: str, source: str) -> list[ReportFinding]:
    """The findings of a draft report in the layouts CBP uses: "Finding 1: ...", "Finding No. 1 ...", a
    findings table ("1 | Classification | ..."), or numbered sections ("1. Classification"); the rows of
    a schedule of entries attached to a finding ("Schedule A – Finding 2", else the finding above it)."""
    lines = text.splitlines()
    found: list[list] = []
    pattern = _FINDING if any(_FINDING.match(x) for x in lines) else None
    in_schedule: list | None = None
    for line in lines:
        if not line.strip():
            continue
        s = _SCHEDULE.match(line)
        if s and not _FINDING.match(line):
            target = re.search(r"finding\s+(?:no\.?\s*)?(\d+)", s.group(2), re.I)
            in_schedule = next(
                (f for f in found if target and f[0] == int(target.group(1))), found[-1] if found else None
            )
            continue
        if in_schedule is not None:
            row = _schedule_row(line)
            if row:
                in_schedule[3].append(row)
            continue
        t = _TABLE_FINDING.match(line)
        m = pattern.match(line) if pattern else (_SECTION_FINDING.match(line) or None)
        if t and not pattern:
            found.append([int(t.group(1)), t.group(2).strip(), [t.group(3).replace("|", " ")], []])
        elif m:
            found.append([int(m.group(1)), m.group(2).strip(), [], []])
        elif found:
            found[-1][2].append(line.strip())
    if not found:
        raise RebuttalError(
            f"{source}: no findings found (expected headings like 'Finding 1: Classification', 'Finding No. 1', "
            "'1. Classification' or a findings table)"
        )
    return [
        ReportFinding(number=n, title=title or f"Finding {n}", text=" ".join(" ".join(body).split()), schedule=rows)
        for n, title, body, rows in found
    ]


def audit_period(text: str) -> Period | None:
    """The period the report says was reviewed ("audit period of January 1, 2023 through December 31, 2024")."""
    from assistant.normalize import date as as_date

    m = _PERIOD.search(" ".join(text.split()))
    if not m:
        return None
    dates = []
    for raw in m.groups():
        try:
            d = dt.datetime.strptime(raw, "%B %d, %Y").date() if raw[0].isalpha() else as_date(raw)
        except ValueError:
            return None
        if d is None:
            return None
        dates.append(d)
    return Period(start=min(dates), end=max(dates))


def read_report(path: Path) -> tuple[list[ReportFinding], Period | None]:
    text = document_text(path, RebuttalError)
    return split_findings(text, str(path)), audit_period(text)


def topic_of(finding: ReportFinding) -> str:
    text = f"{finding.title} {finding.text}"
    return next((t for t, words in TOPICS if re.search(words, text, re.I)), "other")


# --- testing each finding ----------------------------------------------------------------------------


class _Context:
    def __init__(self, settings: Settings, assistant, rec: Records, run, period: Period | None = None):
        from assistant.stores.lookups import Lookups

        self.settings, self.assistant, self.rec, self.run, self.period = settings, assistant, rec, run, period
        self.look = Lookups(rec.con)
        self.known = self.look.known()
        self.entry_dates = dict(
            rec.con.execute("SELECT entry_number, min(entry_summary_date) FROM entry_lines GROUP BY 1").fetchall()
        )

    def ids(self, text: str) -> dict[str, set[str]]:
        """Identifiers of a finding's heading and body; payment ids as the payments extract spells them."""
        found = self.assistant.retriever.identifiers_in(text)
        tokens = {t.strip(".,;:()[]'\"").upper() for t in text.split()}
        found["payment"] = {p for p in self.known.payments if p.upper() in tokens}
        return found

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


def parts_named(f: ReportFinding, ctx: _Context) -> tuple[list[str], list[str]]:
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
        for p in ctx.look.rows("SELECT part_number, description FROM products WHERE description IS NOT NULL"):
            desc = content_terms(p["description"])
            common = desc & words
            if len(common) >= 2 and len(common) >= 0.6 * len(desc):
                how[p["part_number"]] = (
                    f"{p['part_number']}: matched by its description '{p['description']}' "
                    f"({len(common)} of {len(desc)} words): confirm it is the product CBP means"
                )
    return sorted(how), [how[p] for p in sorted(how)]


def _classification(f: ReportFinding, ctx: _Context) -> Response:
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
        f, "classification", position, answer, checks, evidence, "", citations=_renumber(citations), flags=flags
    )


def _document_citation(ctx: _Context, path: str, kind: str, entry: str) -> ans.Citation | None:
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


def _recordkeeping(f: ReportFinding, ctx: _Context) -> Response:
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
    marks = " ".join(f"[{c.n}]" for c in _renumber(citations))
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
        citations=_renumber(citations),
        schedule=schedule,
    )


def _entries_tested(ctx: _Context) -> str:
    start, end = (ctx.period.start, ctx.period.end) if ctx.period else (dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    n = sum(1 for d in ctx.entry_dates.values() if d and start <= d <= end)
    return f"{n:,} entries summarized{ctx.period_text()}"


def _general(f: ReportFinding, ctx: _Context, topic: str, checks: list[str], what: str, tested: str) -> Response:
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


def _assists(f: ReportFinding, ctx: _Context) -> Response:
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


def _payments_tested(ctx: _Context) -> str:
    start, end = (ctx.period.start, ctx.period.end) if ctx.period else (dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    rows = ctx.look.payments_between(start, end)
    return f"{len(rows):,} payments to foreign parties dated{ctx.period_text() or ' in the records'}"


def _lines_tested(ctx: _Context, usmca: bool) -> str:
    start, end = (ctx.period.start, ctx.period.end) if ctx.period else (dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    rows = [r for r in ctx.look.lines_between(start, end) if (r.get("tariff_ordinal") or 1) == 1]
    if usmca:
        rows = [r for r in rows if (r.get("spi") or "") in ctx.settings.checks.usmca_spi_codes]
        return f"{len(rows):,} entry lines claiming USMCA{ctx.period_text()}"
    return f"{len(rows):,} entry lines{ctx.period_text()}"


def _by_checks(f: ReportFinding, ctx: _Context, topic: str, checks: list[str]) -> Response:
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


def _states(position: str, text: str) -> bool:
    t = text.lower()
    if position == "disagree":
        return "disagree" in t
    if position == "agree":
        return "agree" in t.replace("disagree", "")
    return "in part" in t or "partial" in t or "needs review" in t


def _renumber(citations: list[ans.Citation]) -> list[ans.Citation]:
    out, seen = [], set()
    for c in citations:
        key = (c.source, c.page, c.char_start)
        if key not in seen:
            seen.add(key)
            out.append(c.model_copy(update={"n": len(out) + 1}))
    return out


def draft_rebuttal(settings: Settings, report: Path, assistant=None) -> Rebuttal:
    from assistant.answering.ask import Assistant
    from assistant.checks import check_workspace
    from assistant.stores.records import open_records

    findings, period = read_report(report)
    run = check_workspace(settings)
    own = assistant is None
    assistant = assistant or Assistant(settings)
    try:
        with open_records(settings) as rec:
            ctx = _Context(settings, assistant, rec, run, period)
            responses = []
            for f in findings:
                topic = topic_of(f)
                if topic == "classification":
                    responses.append(_classification(f, ctx))
                elif topic == "recordkeeping":
                    responses.append(_recordkeeping(f, ctx))
                elif topic == "assists":
                    responses.append(_assists(f, ctx))
                elif topic == "usmca":
                    responses.append(_by_checks(f, ctx, topic, ["spi_without_certificate"]))
                elif topic == "origin":
                    responses.append(_by_checks(f, ctx, topic, ["origin_mismatch"]))
                else:
                    responses.append(
                        _response(
                            f,
                            "other",
                            "partial",
                            phrase("no_test"),
                            [],
                            [],
                            "",
                            flags=["not tested against the records: the position needs review"],
                        )
                    )
        for r in responses:
            finish(r)
        if assistant.llm is not None:
            rewrite_all(
                assistant.llm,
                "response to a finding of a CBP Focused Assessment draft report",
                responses,
                lambda r: finding_ids_in(r.answer),
            )
            for r in responses:  # the position is faprep's, from the records; the prose must not turn it
                if not _states(r.position, r.answer):
                    r.flags.append(f"the rewritten response does not state the position '{r.position}': review")
    finally:
        if own:
            assistant.close()
    return Rebuttal(
        workspace=settings.workspace,
        as_of=settings.today,
        report=str(report),
        responses=responses,
        mode="llm" if assistant.llm is not None else "extractive",
        audit_period=period,
    )


def finish(r: Response) -> None:
    """The corrective part as CBP names it, a Compliance Improvement Plan (CIP): its actions, each with an
    owner and a target date left for the importer to fill; with a disagreement, the evidence to send CBP."""
    if r.corrective_action:
        actions = [a.strip() for a in re.split(r"(?<=[.;])\s+(?=[A-Z])", r.corrective_action) if a.strip()]
        r.cip = [{"action": a.rstrip(";"), "owner": "", "target_date": ""} for a in actions]
        r.corrective_action = phrase("cip", actions=[c["action"] for c in r.cip])
    if r.position == "disagree":
        r.evidence_for_cbp = [f"{c.source}" + (f", page {c.page}" if c.page else "") for c in r.citations]
        r.evidence_for_cbp += [e for e in r.evidence if e not in r.evidence_for_cbp]


# --- outputs ---------------------------------------------------------------------------------------


def rebuttal_markdown(rebuttal: Rebuttal, settings: Settings) -> str:
    from prompts import render

    return render("rebuttal.md.j2", r=rebuttal, importer=settings.importer_name or f"workspace {rebuttal.workspace}")


def rebuttal_docx(rebuttal: Rebuttal, settings: Settings, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Response to the Focused Assessment draft report", level=0)
    doc.add_paragraph(f"Importer: {settings.importer_name or 'workspace ' + rebuttal.workspace}")
    doc.add_paragraph(f"Date: {day(rebuttal.as_of)}    Draft report: {Path(rebuttal.report).name}")
    if rebuttal.audit_period:
        doc.add_paragraph(
            f"Audit period (as the report states it): {day(rebuttal.audit_period.start)} to "
            f"{day(rebuttal.audit_period.end)}"
        )
    doc.add_paragraph().add_run(
        "Draft for review by the importer, its licensed customs broker and counsel. " + rebuttal.note
    ).italic = True
    for r in rebuttal.responses:
        doc.add_heading(f"Finding {r.number}: {r.title}", level=2)
        p = doc.add_paragraph()
        p.add_run("CBP's finding: ").bold = True
        p.add_run(r.finding).italic = True
        p = doc.add_paragraph()
        p.add_run("Position: ").bold = True
        p.add_run(r.position.upper()).bold = True
        for block in r.answer.split("\n\n"):
            doc.add_paragraph(block)
        if r.evidence:
            doc.add_paragraph("Evidence from the records").runs[0].bold = True
            for e in r.evidence:
                doc.add_paragraph(e, style="List Bullet")
        if r.schedule:
            doc.add_paragraph("Schedule of entries, tested against the records").runs[0].bold = True
            _docx_table(
                doc,
                ["entry", "line", "amount", "records on file", "missing", "finding confirmed"],
                [
                    [
                        s.entry,
                        "" if s.line is None else str(s.line),
                        "" if s.amount is None else money(s.amount),
                        ", ".join(s.on_file) if s.on_record else "not in our entry data",
                        ", ".join(s.missing),
                        "yes"
                        if s.confirmed
                        else ("no: beyond the retention period" if s.outside_retention and s.missing else "no"),
                    ]
                    for s in r.schedule
                ],
            )
        if r.corrective_action:
            p = doc.add_paragraph()
            p.add_run("Corrective action: ").bold = True
            p.add_run(r.corrective_action)
        if r.cip:
            _docx_table(
                doc,
                ["#", "action", "owner", "target date"],
                [[str(i), c["action"], c["owner"], c["target_date"]] for i, c in enumerate(r.cip, 1)],
                blank="[to be assigned]",
            )
        if r.evidence_for_cbp:
            doc.add_paragraph("Evidence to provide CBP to close the finding").runs[0].bold = True
            for e in r.evidence_for_cbp:
                doc.add_paragraph(e, style="List Bullet")
        docx_flags_and_sources(doc, r.flags, r.citations)
    doc.save(str(path))


def _docx_table(doc, header: list[str], rows: list[list[str]], blank: str = "") -> None:
    """A table with a header row; an empty cell gets ``blank``, highlighted, for the importer to fill."""
    from docx.enum.text import WD_COLOR_INDEX

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            run = cell.paragraphs[0].add_run(text or blank)
            if not text and blank:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def write_rebuttal(rebuttal: Rebuttal, settings: Settings, path: Path) -> None:
    write_draft(
        path, rebuttal, lambda p: rebuttal_docx(rebuttal, settings, p), lambda: rebuttal_markdown(rebuttal, settings)
    )
