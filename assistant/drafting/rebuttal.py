"""Draft responses to an FA draft report: each of CBP's findings tested against the records.

The draft is made in three steps, each in its own module:

1. **Reading the report** (``assistant.drafting.report_reading``): the report (PDF, DOCX or text) is
   split at its "Finding N: title" headings, with the schedules of entries attached and the audit
   period it states; each finding is read for its subject (classification, recordkeeping, assists and
   royalties, origin, USMCA) and the parts, entries, payments, rulings and HTS numbers it names.
2. **Testing each finding** (``assistant.drafting.finding_tests``): the records, the rulings and the
   checks for what the finding names decide its position: ``agree``, ``disagree`` or ``partial``. A
   finding faprep cannot test is answered ``partial`` with a flag saying the position needs review:
   never a guessed position.
3. **Orchestration and writing** (here): every finding's response finished as CBP asks for it (a
   Compliance Improvement Plan of actions, each with an owner and a target date to fill; with a
   disagreement, the evidence to send CBP); with a language model, the prose rewritten and checked, a
   rewrite that does not state faprep's position flagged; then the draft as JSON, DOCX or Markdown
   (``prompts/rebuttal.md.j2``).
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.config import Settings
from assistant.drafting.finding_tests import Context, Response, ScheduleRow, respond
from assistant.drafting.report_reading import (
    Period,
    ReportFinding,
    audit_period,
    read_report,
    split_findings,
    topic_of,
)
from assistant.drafting.toolkit import (
    Draft,
    docx_flags_and_sources,
    docx_table,
    finding_ids_in,
    importer_name,
    rewrite_all,
    write_draft,
)
from assistant.formats import day, money
from prompts import phrase

__all__ = [  # what callers import from here; the rest lives in report_reading, finding_tests and toolkit
    "Period",
    "Rebuttal",
    "ReportFinding",
    "Response",
    "ScheduleRow",
    "audit_period",
    "draft_rebuttal",
    "finish",
    "read_report",
    "rebuttal_docx",
    "rebuttal_markdown",
    "split_findings",
    "topic_of",
    "write_rebuttal",
]


class Rebuttal(Draft):
    report: str
    responses: list[Response]
    audit_period: Period | None = None


def _states(position: str, text: str) -> bool:
    t = text.lower()
    if position == "disagree":
        return "disagree" in t
    if position == "agree":
        return "agree" in t.replace("disagree", "")
    return "in part" in t or "partial" in t or "needs review" in t


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
            ctx = Context(settings, assistant, rec, run, period)
            responses = [respond(f, ctx) for f in findings]
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

    return render("rebuttal.md.j2", r=rebuttal, importer=importer_name(settings, rebuttal))


def rebuttal_docx(rebuttal: Rebuttal, settings: Settings, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Response to the Focused Assessment draft report", level=0)
    doc.add_paragraph(f"Importer: {importer_name(settings, rebuttal)}")
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
            docx_table(
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
            docx_table(
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


def write_rebuttal(rebuttal: Rebuttal, settings: Settings, path: Path) -> None:
    write_draft(
        path, rebuttal, lambda p: rebuttal_docx(rebuttal, settings, p), lambda: rebuttal_markdown(rebuttal, settings)
    )
