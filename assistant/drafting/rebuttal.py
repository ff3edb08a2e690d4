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

import re
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters
from assistant.answering.routing import PAYMENT_RE
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
from assistant.formats import day
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
    flags: list[str] = []


class Rebuttal(Draft):
    report: str
    responses: list[Response]


# --- reading the report ----------------------------------------------------------------------------


def split_findings(text: str, source: str) -> list[ReportFinding]:
    found: list[list] = []
    for line in text.splitlines():
        m = _FINDING.match(line)
        if m:
            found.append([int(m.group(1)), m.group(2).strip(), []])
        elif found and line.strip():
            found[-1][2].append(line.strip())
    if not found:
        raise RebuttalError(f"{source}: no findings found (expected headings like 'Finding 1: Classification')")
    return [
        ReportFinding(number=n, title=title or f"Finding {n}", text=" ".join(" ".join(body).split()))
        for n, title, body in found
    ]


def read_report(path: Path) -> list[ReportFinding]:
    return split_findings(document_text(path, RebuttalError), str(path))


def topic_of(finding: ReportFinding) -> str:
    text = f"{finding.title} {finding.text}"
    return next((t for t, words in TOPICS if re.search(words, text, re.I)), "other")


# --- testing each finding ----------------------------------------------------------------------------


class _Context:
    def __init__(self, settings: Settings, assistant, rec: Records, run):
        self.settings, self.assistant, self.rec, self.run = settings, assistant, rec, run

    def ids(self, text: str) -> dict[str, set[str]]:
        found = self.assistant.retriever.identifiers_in(text)
        found["payment"] = {m.upper() for m in PAYMENT_RE.findall(text)}
        return found


def _classification(f: ReportFinding, ctx: _Context) -> Response:
    ids = ctx.ids(f.text)
    parts = sorted(ids.get("part", set()))
    named_hts = sorted(ids.get("hts", set()))
    evidence, citations, flags, position = [], [], [], None
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
    return Response(
        finding=f.text,
        number=f.number,
        title=f.title,
        topic="classification",
        position=position,
        answer=answer,
        citations=_renumber(citations),
        checks_run=checks,
        evidence=evidence,
        flags=flags,
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
    entries = sorted(ctx.ids(f.text).get("entry", set()))
    text = f.text.lower()
    claimed = sorted({kind for word, kind in DOC_KINDS.items() if word in text}) or [
        "commercial_invoice",
        "packing_list",
        "entry_summary",
    ]
    evidence, citations, found, missing = [], [], [], []
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
    checks = ["missing_records"]
    named = lambda pairs: [f"{KIND_NAMES[k]} for entry {e}" for e, k in pairs]  # noqa: E731
    if not entries:
        position, answer = "partial", phrase("records_no_entry")
    elif found and not missing:
        position, answer = "disagree", phrase("records_disagree", found=named(found))
    elif found:
        position, answer = "partial", phrase("records_partial", found=named(found), missing=named(missing))
    else:
        position, answer = "agree", phrase("records_agree", missing=["the " + m for m in named(missing)])
    marks = " ".join(f"[{c.n}]" for c in _renumber(citations))
    if marks:
        answer += " " + phrase("records_on_file", marks=marks)
    corrective = phrase("records_corrective") if missing else ""
    return Response(
        finding=f.text,
        number=f.number,
        title=f.title,
        topic="recordkeeping",
        position=position,
        answer=answer,
        citations=_renumber(citations),
        checks_run=checks,
        evidence=evidence,
        corrective_action=corrective,
    )


def _assists(f: ReportFinding, ctx: _Context) -> Response:
    ids = ctx.ids(f.text)
    payments = set(ids.get("payment", set()))
    parts = ids.get("part", set())
    vendors = [(pid, name) for pid, name in ctx.rec.payment_vendors() if name and name.lower() in f.text.lower()]
    payments |= {pid for pid, _ in vendors}
    checks = ["undeclared_assist", "royalty_omission"]
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
    return Response(
        finding=f.text,
        number=f.number,
        title=f.title,
        topic="assists",
        position=position,
        answer=answer,
        checks_run=checks,
        evidence=evidence,
        corrective_action=corrective.strip(),
        flags=flags,
    )


def _without_prior_disclosure(hits) -> str:
    """The checks' recommendations, less their advice to disclose before an FA begins: in a response to a
    draft report the FA is under way, and the response says what still applies."""
    sentences = []
    for x in hits:
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z0-9])", x.recommendation or ""):
            if "prior disclosure" not in sentence.lower() and sentence not in sentences:
                sentences.append(sentence)
    return " ".join(sentences).strip() + " "


def _by_checks(f: ReportFinding, ctx: _Context, topic: str, checks: list[str]) -> Response:
    ids = ctx.ids(f.text)
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
        return Response(
            finding=f.text,
            number=f.number,
            title=f.title,
            topic=topic,
            position="agree",
            answer=phrase(
                "confirmed",
                items=[f"{x.title} [{x.id}]" for x in hits],
                at_stake=sum(x.amount_at_risk or 0 for x in hits),
            ),
            checks_run=checks,
            evidence=[e for x in hits for e in x.evidence],
            corrective_action=" ".join(dict.fromkeys(x.recommendation for x in hits if x.recommendation)),
        )
    return Response(
        finding=f.text,
        number=f.number,
        title=f.title,
        topic=topic,
        position="partial",
        answer=phrase("checks_found_nothing"),
        checks_run=checks,
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

    findings = read_report(report)
    run = check_workspace(settings)
    own = assistant is None
    assistant = assistant or Assistant(settings)
    try:
        with open_records(settings) as rec:
            ctx = _Context(settings, assistant, rec, run)
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
                        Response(
                            finding=f.text,
                            number=f.number,
                            title=f.title,
                            topic="other",
                            position="partial",
                            answer=phrase("no_test"),
                            flags=["not tested against the records: the position needs review"],
                        )
                    )
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
    )


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
        if r.corrective_action:
            p = doc.add_paragraph()
            p.add_run("Corrective action: ").bold = True
            p.add_run(r.corrective_action)
        docx_flags_and_sources(doc, r.flags, r.citations)
    doc.save(str(path))


def write_rebuttal(rebuttal: Rebuttal, settings: Settings, path: Path) -> None:
    write_draft(
        path, rebuttal, lambda p: rebuttal_docx(rebuttal, settings, p), lambda: rebuttal_markdown(rebuttal, settings)
    )
