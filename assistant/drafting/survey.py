"""Draft answers to the FA pre-assessment survey, grounded in the importer's own records.

For each question of the questionnaire (``prompts/survey_questions.md`` by default, or the user's
own PDF/DOCX/MD/TXT with numbered questions):

1. **Policy**: sentences of the importer's written procedures (compliance manual, broker
   instructions, training records) that answer it, chosen and quoted the way
   ``faprep ask`` does, each quote checked verbatim against its page.
2. **Records**: facts computed from the records database for the question's area (entries and
   lines, share of lines on the master HTS, broker reviews recorded, complete document sets, ...).
3. **Checks**: the findings of the area's deterministic checks: where the records contradict the
   written procedure, the draft says so.

Where no written procedure answers a question, the answer says so and the question's ``gaps`` name
it: a gap is something to fix before the audit, never papered over with invented text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters
from assistant.checks.base import CLASSIFICATION_CHECKS, VALUE_CHECKS
from assistant.config import Settings
from assistant.drafting.toolkit import OUTPUT_SUFFIXES as OUTPUT_SUFFIXES  # importable from here, as before
from assistant.drafting.toolkit import (
    Draft,
    document_text,
    docx_flags_and_sources,
    finding_ids_in,
    importer_name,
    rewrite_all,
    write_draft,
)
from assistant.drafting.toolkit import markdown_docx as markdown_docx  # importable from here, as before
from assistant.errors import QuestionnaireError
from assistant.formats import day
from prompts import DIR as PROMPTS
from prompts import phrase

DEFAULT_QUESTIONNAIRE = PROMPTS / "survey_questions.md"
# The importer's written procedures. Not "other": statutes and unrecognised files are not its procedures.
POLICY_KINDS = ["compliance_manual", "broker_instructions", "training_record"]
POLICY_GAP = 0.3  # a survey answer quotes the sentences within this of the best one (ask: 0.5)
# Words every compliance document uses: a quoted sentence must share one of the question's other terms
# (a question on training is not answered by a sentence that only says "customs compliance").
DOMAIN_WORDS = frozenset(
    "customs compliance company company's companys program import imports imported importer "
    "importation goods merchandise entry entries trade ensure describe procedure procedures "
    "policy policies process processes".split()
)

# area -> (words that place a user's question in it, the checks that test it)
AREAS: dict[str, tuple[str, list[str]]] = {
    "organization": (
        r"mission|organi[sz]ation|responsib|report to|risk assessment|assesses? (customs )?risk|scope",
        [],
    ),
    "classification": (
        r"classif|hts|tariff (number|schedule)|ruling",
        list(CLASSIFICATION_CHECKS),
    ),
    "valuation": (
        r"valu|assist|royalt|licen[cs]e fee|related[- ]part|commission|price",
        list(VALUE_CHECKS),
    ),
    "origin": (r"origin|marking|marked", ["origin_mismatch"]),
    "trade_programs": (
        r"usmca|nafta|preference|trade program|\bspi\b|certification of origin",
        ["spi_without_certificate"],
    ),
    "adcvd_301_232": (r"antidumping|countervailing|ad/cvd|section (301|232)|chapter 99", []),
    "broker": (r"broker", ["broker_review_missing"]),
    "recordkeeping": (
        r"record ?keeping|retention|retain|\bkeep\b.*\brecords\b|\brecords\b.*\b(kept|keep)\b",
        ["missing_records"],
    ),
    "internal_audit": (r"internal audit|error rate|audit", []),
    "training": (r"train", []),
    "corrective_action": (r"correct|prior disclosure|162\.74", ["psc_pattern"]),
}
_AREA_HEADINGS = {  # the default questionnaire's headings
    "organization and risk assessment": "organization",
    "classification": "classification",
    "valuation": "valuation",
    "country of origin and marking": "origin",
    "special trade programs": "trade_programs",
    "ad/cvd and section 301/232": "adcvd_301_232",
    "broker management": "broker",
    "recordkeeping": "recordkeeping",
    "internal audit and error rates": "internal_audit",
    "training": "training",
    "corrective action and prior disclosure": "corrective_action",
}
_NUMBERED = re.compile(r"^\s*(?:Q(?:uestion)?\s*)?(\d{1,3})[.):]\s+(\S.*)$", re.I)
# CBP numbers its questionnaire by section and sub-question: "1.1", "1.1.1", "2.3.4" (in a DOCX table:
# "1.2.1 | Describe ...")
_HIERARCHICAL = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3})\.?(?:\s*\|\s*|\s+)(\S.*)$")
_SECTION = re.compile(r"^\s*(?:#{1,6}\s*)?(?:section|part)\s+([0-9IVX]{1,4})\s*[-–—:.]?\s*(.*)$", re.I)
# the preparers' contact block above the questions: "Name: ____  Title: ____", "Phone:", "E-mail:"
_CONTACT = re.compile(r"\b(company name|importer name|name|title|position|phone|telephone|tel\.?|e-?mail)\s*:", re.I)
# what a sub-question asks for, and what a sentence must hold to answer it
ASKS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "when": (
        re.compile(
            r"\bwhen (was|were|did|is|are)\b.*\blast\b|\blast (updated|revised|reviewed|performed|"
            r"conducted|completed|changed)\b|\bdate of (the )?(last|most recent)\b",
            re.I,
        ),
        re.compile(
            r"\b(19|20)\d{2}\b|\b(january|february|march|april|may|june|july|august|september|october|"
            r"november|december)\b",
            re.I,
        ),
    ),
    "how_often": (
        re.compile(r"\bhow (often|frequently)\b|\bfrequency\b", re.I),
        re.compile(
            r"\b(annual(ly)?|yearly|every|each (year|quarter|month|week)|quarterly|monthly|weekly|daily|"
            r"once a|twice a|semi-?annual(ly)?|biennial(ly)?|per (year|quarter|month))\b",
            re.I,
        ),
    ),
    "communicated": (
        re.compile(r"\bcommunicat\w*|\bdisseminat\w*|\bmade aware\b|\bnotif\w*", re.I),
        re.compile(
            r"\b(e-?mail\w*|memo\w*|intranet|training|meeting\w*|distribut\w*|posted|communicat\w*|"
            r"notif\w*|circulat\w*|sharepoint|newsletter\w*|acknowledg\w*|briefing\w*|letter)\b",
            re.I,
        ),
    ),
}
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(.+?)\s*#*\s*$|([A-Z][A-Z0-9 ,/&()-]{3,})\s*$)")


@dataclass
class SurveyQuestion:
    id: str  # "Q3" for a flat numbering, the questionnaire's own "1.2.1" for CBP's
    question: str
    area: str
    parent: str | None = None  # the question a sub-question belongs to (its text), for context only
    asks: str | None = None  # when | how_often | communicated: what the answer's sentences must hold


class SurveyAnswer(BaseModel):
    question_id: str
    question: str
    area: str
    answer: str
    citations: list[ans.Citation] = []
    facts: list[str] = Field(default_factory=list, description="facts computed from the records")
    exceptions: list[str] = Field(default_factory=list, description="check findings in this area, by id")
    gaps: list[str] = Field(default_factory=list, description="what the records do not show")
    flags: list[str] = []


class Survey(Draft):
    questionnaire: str
    answers: list[SurveyAnswer]
    contact: dict[str, str] = Field(
        default_factory=dict,
        description="the preparers' contact block: importer, name, title, phone, email (blank: to be completed)",
    )


# --- the questionnaire ---------------------------------------------------------------------------


def _area_words(text: str) -> str | None:
    return next((area for area, (words, _) in AREAS.items() if re.search(words, text, re.I)), None)


def area_of(question: str, heading: str | None = None) -> str:
    """The area of a question: the built-in questionnaire's heading; else a specific area its own words
    name (classification, valuation, ...); else the area its section heading names ("Section 1 –
    Information about ...'s organization ..."); else what its words say; else general."""
    if heading and heading.strip().lower() in _AREA_HEADINGS:
        return _AREA_HEADINGS[heading.strip().lower()]
    own = _area_words(question)
    if own and own != "organization":
        return own
    return (_area_words(heading) if heading else None) or own or "general"


def parse_questionnaire(text: str, source: str) -> list[SurveyQuestion]:
    """The questions of a questionnaire, in its order and with its numbering.

    Flat numbers ("1. ...", "Q2) ...", "Question 3: ...") become ``Q1``, ``Q2``; CBP's hierarchical ones
    ("1.1", "1.2.1") are kept as the ids, a sub-question knowing its parent. Instructions ("Describe
    ...", "Identify ...") are questions too. A question's wrapped lines are joined until a blank line, a
    heading or the next number; the area comes from the heading above it ("Section 1 – Information about
    ...'s organization ..."), else from its words. The preparers' contact block is not a question.
    """
    questions: list[list] = []  # [number, text, heading, open]
    heading = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if questions:
                questions[-1][3] = False  # a blank line ends a question's text
            continue
        m = _HIERARCHICAL.match(line) or _NUMBERED.match(line)
        if m and not _CONTACT.match(m.group(2)):
            questions.append([m.group(1), m.group(2).strip(" |"), heading, True])
            continue
        s = _SECTION.match(line)
        if s:
            heading = s.group(2).strip() or f"Section {s.group(1)}"
            if questions:
                questions[-1][3] = False
            continue
        if _CONTACT.search(line) and (not questions or not questions[-1][3]):
            continue  # "Name: ______  Title: ______"
        h = _HEADING.match(line)
        if h and not (questions and questions[-1][3] and not questions[-1][1].rstrip().endswith(("?", "."))):
            heading = (h.group(1) or h.group(2)).strip()
            if questions:
                questions[-1][3] = False
        elif questions and questions[-1][3]:
            questions[-1][1] += " " + line.strip(" |")  # a question wrapped over lines
    if not questions:
        raise QuestionnaireError(
            f"{source}: no numbered questions found (expected lines like '1. How ...?' or '1.2.1 Describe ...')"
        )
    out: list[SurveyQuestion] = []
    seen: dict[str, SurveyQuestion] = {}
    for number, q, head, _ in questions:
        qid = number if "." in number else f"Q{number}"
        if qid in seen:
            raise QuestionnaireError(f"{source}: question number {number} appears twice")
        question = " ".join(q.split())
        parent = seen.get(qid.rsplit(".", 1)[0]) if "." in qid else None
        asks = next((k for k, (pattern, _) in ASKS.items() if pattern.search(question)), None) if parent else None
        area = area_of(question, head) if head or not parent else parent.area
        if parent and area == "general":
            area = parent.area
        seen[qid] = SurveyQuestion(qid, question, area, parent.question if parent else None, asks)
        out.append(seen[qid])
    return out


def load_questionnaire(path: Path | None = None) -> tuple[str, list[SurveyQuestion]]:
    """(name, questions) of the built-in questionnaire or of the user's PDF/DOCX/MD/TXT file."""
    path = Path(path) if path else DEFAULT_QUESTIONNAIRE
    name = "built-in (prompts/survey_questions.md)" if path == DEFAULT_QUESTIONNAIRE else str(path)
    return name, parse_questionnaire(document_text(path, QuestionnaireError), str(path))


# --- facts from the records ----------------------------------------------------------------------


def _pct(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "n/a"


def records_facts(con, settings: Settings, run) -> dict[str, list[str]]:
    """Facts per area, computed from the records (``prepare`` has built ``lines`` and ``master``) and,
    for the error rate, from the check run."""
    from assistant.checks.base import years_before
    from assistant.stores.lookups import Lookups

    look = Lookups(con)
    facts: dict[str, list[str]] = {a: [] for a in AREAS}
    overview = look.lines_overview()
    n_lines, n_entries = overview["n_lines"], overview["n_entries"]
    if not n_lines:
        return facts
    facts["organization"].append(
        f"The records hold {n_entries:,} entries ({n_lines:,} entry lines) entered {overview['first_entered']} to "
        f"{overview['last_entered']}, entered value ${overview['entered_value'] or 0:,.2f} (ES-003 entry data)."
    )
    _classification_facts(facts["classification"], look.master_coverage())
    _valuation_facts(facts["valuation"], look.value_counts(), n_lines)
    facts["origin"].append(
        "Countries of origin declared, by entry lines: "
        + ", ".join(f"{c or 'none'} {_pct(n, n_lines)}" for c, n in look.origins(5))
        + "."
    )
    programs = look.program_counts()
    facts["trade_programs"].append(
        f"{programs['spi']:,} entry lines claim a trade program, {programs['usmca']:,} of them USMCA (SPI S/S+); "
        f"{programs['certificates']} USMCA certifications are in the certificate register."
    )
    special = look.special_duty_counts()
    facts["adcvd_301_232"].append(
        f"{special['ch99']:,} Chapter 99 tariff lines (e.g. Section 301/232) are reported on the "
        f"entries; {special['adcvd']:,} entries are AD/CVD entries (type 03)."
    )
    reviewed = look.entries_reviewed()
    facts["broker"].append(
        f"{reviewed:,} of {n_entries:,} entries ({_pct(reviewed, n_entries)}) have a review recorded "
        "in the broker review log."
    )
    years = settings.checks.retention_years
    kept = look.document_sets(years_before(settings.today, years))
    facts["recordkeeping"].append(
        f"{kept['complete']:,} of the {kept['in_retention']:,} entries of the last {years} years "
        f"({_pct(kept['complete'], kept['in_retention'])}) have a commercial invoice, packing list and entry "
        "summary on file."
    )
    psc = look.psc_counts()
    facts["corrective_action"].append(
        f"Post-summary corrections are recorded on {psc['lines']:,} lines of {psc['entries']:,} entries."
    )
    facts["internal_audit"].append(error_rate_fact(run, n_lines))
    return facts


def _classification_facts(out: list[str], master: dict) -> None:
    if master["parts"]:
        out.append(f"The product master lists {master['parts']} parts; {master['with_ruling']} cite a CBP ruling.")
        on_master, compared = master["on_master"], master["compared"]
        out.append(
            f"{on_master:,} of {compared:,} entry lines of master parts ({_pct(on_master, compared)}) declared the "
            "product master's HTS number."
        )


def _valuation_facts(out: list[str], counts: dict, n_lines: int) -> None:
    out.append(
        f"{counts['with_additions']:,} of {n_lines:,} entry lines declare additions to the price "
        f"(${counts['additions'] or 0:,.2f}); {counts['related']:,} lines are flagged as related-party transactions."
    )
    if counts["payments"]:
        out.append(f"The payments register holds {counts['payments']:,} payments (${counts['paid'] or 0:,.2f}).")


def error_rate_fact(run, n_lines: int) -> str:
    """The share of entry lines a revenue check flags: the records' own error rate."""
    from assistant.checks.mock_audit import LINE_CHECKS

    flagged = {(ll.entry, ll.line) for f in run.findings if f.check in LINE_CHECKS for ll in f.complete().lines}
    return (
        f"The checks flag {len(flagged):,} of {n_lines:,} entry lines ({_pct(len(flagged), n_lines)}) with a "
        "classification, value or origin error: the records' own error rate, before any review."
    )


# --- the survey ----------------------------------------------------------------------------------


def shares_a_term(question: str):
    """A test that a sentence shares a term of the question beyond the domain's common words, compared
    by their first five letters (broker/brokers, instructed/instruction, review/reviews)."""
    from assistant.stores.lexical import STOPWORDS, tokenize

    stems = {t[:5] for t in tokenize(question, stems=False) if t not in STOPWORDS and t not in DOMAIN_WORDS}
    return lambda text: bool(stems & {t[:5] for t in tokenize(text, stems=False)})


def draft_survey(settings: Settings, questionnaire: Path | None = None, assistant=None) -> Survey:
    """A draft answer for every question; ``assistant`` (an open ``Assistant``) is reused when given."""
    from assistant.answering.ask import Assistant
    from assistant.checks import check_workspace
    from assistant.checks.base import prepare
    from assistant.stores.records import open_records

    name, questions = load_questionnaire(questionnaire)
    run = check_workspace(settings)
    with open_records(settings) as rec:
        prepare(rec.con)
        facts = records_facts(rec.con, settings, run)
    by_check: dict[str, list] = {}
    for f in run.findings:
        by_check.setdefault(f.check, []).append(f)
    titles = {c.id: c.title for c in run.checks}

    own = assistant is None
    assistant = assistant or Assistant(settings)
    try:
        answers = [_answer(q, assistant, facts, by_check, titles) for q in questions]
        if assistant.llm is not None:
            rewrite_all(
                assistant.llm, "answer to a pre-assessment survey question", answers, lambda a: finding_ids_in(a.answer)
            )
    finally:
        if own:
            assistant.close()
    return Survey(
        workspace=settings.workspace,
        as_of=settings.today,
        questionnaire=name,
        answers=answers,
        contact=contact_block(settings),
        mode="llm" if assistant.llm is not None else "extractive",
    )


# the law a question about a legal duty of its area is answered with (quoted from the law shelf)
LAW_BY_AREA = {
    "recordkeeping": ["19 CFR 163.4(a)"],
    "broker": ["19 USC 1484(a)(1)"],
    "classification": ["19 USC 1484(a)(1)"],
    "corrective_action": ["19 CFR 162.74(a)(1)"],
    "valuation": ["19 CFR 152.102(a)(1)"],
    "trade_programs": ["19 CFR 182.12(a)"],
    "origin": ["19 USC 1304(a)"],
}
LEGAL_DUTY = re.compile(
    r"\b(required|requirements?|requires?|must|obligations?|laws?|legal\w*|regulations?|retain\w*|retention|keep|"
    r"kept|disclos\w*|reasonable care|compl(?:y|ies|iance with)|mandat\w*)\b",
    re.I,
)
FACT_FLOOR = 0.3  # a fact of the records is given with a question this close to it (cosine of their embeddings)


def bearing(question: str, facts: list[str], embedder) -> list[str]:
    """The facts of a question's area that bear on it: close to it in meaning, or sharing a term with it
    (not every fact of the area with every question of it)."""
    if not facts:
        return []
    sims = embedder.embed(facts) @ embedder.embed_query(question)
    terms = ans.content_terms(question)
    return [f for f, sim in zip(facts, sims) if sim >= FACT_FLOOR or terms & ans.content_terms(f)]


def law_cited(q: SurveyQuestion, assistant, first: int) -> list:
    """The paragraphs of the law on a legal duty the question asks about (its area's), each cited."""
    if q.parent or not LEGAL_DUTY.search(q.question):
        return []
    out = []
    for cite in LAW_BY_AREA.get(q.area, []):
        c = assistant.law.paragraph_citation(first + len(out), cite, limit=500)
        if c is not None:
            out.append(c)
    return out


def _answer(q: SurveyQuestion, assistant, facts, by_check, titles) -> SurveyAnswer:
    """A question's answer from the written procedures (quoted), the records' facts and the checks'
    exceptions of its area. A sub-question (CBP's "1.2.1") is read with its parent for context ("they"
    is the procedures the parent names) but answered only by sentences that answer it: a date for
    "when was the last", a frequency for "how often", a channel for "how is it communicated"; else it
    is a gap. It never repeats its parent's answer, facts or exceptions."""
    keep = shares_a_term(q.question if not q.parent else f"{q.question} {q.parent}")
    if q.asks:
        holds = ASKS[q.asks][1]
        keep_terms = keep
        keep = lambda text: bool(holds.search(text)) and keep_terms(text)  # noqa: E731
    query = q.question if not q.parent else f"{q.question} ({q.parent})"
    policy = assistant.answer_from_documents(query, Filters(kinds=POLICY_KINDS), gap=POLICY_GAP, keep=keep)
    parts, gaps = [], []
    if policy.citations:
        parts.append(phrase("survey_policy", text=policy.answer.removeprefix("From the records: ").split("\n\n")[0]))
    else:
        parts.append(phrase("survey_no_policy"))
        gaps.append(phrase("survey_gap", question=q.question))
    area_facts = bearing(q.question, facts.get(q.area, []), assistant.retriever.embedder) if not q.parent else []
    if area_facts:
        parts.append(phrase("survey_facts", facts=area_facts))
    law = law_cited(q, assistant, len(policy.citations) + 1)
    if law:
        parts.append("The law: " + " ".join(f'{c.cite}: "{" ".join(c.quote.split())}" [{c.n}]' for c in law))
    checks = AREAS.get(q.area, ("", []))[1] if not q.parent else []
    exceptions = [f"{f.title} [{f.id}]" for cid in checks for f in by_check.get(cid, [])]
    if exceptions:
        parts.append(phrase("survey_exceptions", items=exceptions))
    elif checks:
        parts.append(phrase("survey_no_exceptions", titles=[titles.get(c, c) for c in checks]))
    text = "\n\n".join(parts)
    if q.area == "classification" or ans.LEGAL_NOTE in policy.answer:
        text += "\n\n" + ans.LEGAL_NOTE
    return SurveyAnswer(
        question_id=q.id,
        question=q.question,
        area=q.area,
        answer=text,
        citations=policy.citations + law,
        facts=area_facts,
        exceptions=exceptions,
        gaps=gaps,
        flags=policy.flags,
    )


# --- outputs -------------------------------------------------------------------------------------


CONTACT_FIELDS = [
    ("importer", "Importer"),
    ("name", "Prepared by"),
    ("title", "Title"),
    ("phone", "Phone"),
    ("email", "E-mail"),
]
TO_COMPLETE = "[to be completed]"


def contact_block(settings: Settings) -> dict[str, str]:
    """The questionnaire's contact block from the settings (FAPREP_IMPORTER_NAME, FAPREP_PREPARER_*);
    a blank one stays blank, shown highlighted as to be completed."""
    return {
        "importer": settings.importer_name or settings.workspace,
        "name": settings.preparer_name,
        "title": settings.preparer_title,
        "phone": settings.preparer_phone,
        "email": settings.preparer_email,
    }


def question_label(question_id: str) -> str:
    """How a question is numbered in the drafts: "Q3." for a flat numbering, "1.2.1" as CBP numbers it."""
    return f"{question_id}." if question_id.startswith("Q") else question_id


def survey_markdown(survey: Survey, settings: Settings) -> str:
    from prompts import render

    return render("survey.md.j2", survey=survey, importer=importer_name(settings, survey))


def survey_docx(survey: Survey, settings: Settings, path: Path) -> None:
    """A document a compliance manager can edit and send: title, importer, date, each question with
    its answer, gaps highlighted, and its sources."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    doc = Document()
    doc.add_heading("Focused Assessment Pre-Assessment Survey: draft answers", level=0)
    doc.add_paragraph(f"Importer: {importer_name(settings, survey)}")
    doc.add_paragraph(f"Date: {day(survey.as_of)}    Questionnaire: {survey.questionnaire}")
    note = doc.add_paragraph()
    note.add_run("Draft for review. " + survey.note).italic = True
    gapped = [a for a in survey.answers if a.gaps]
    doc.add_paragraph(
        f"{len(survey.answers)} questions: {len(survey.answers) - len(gapped)} answered from written "
        f"procedures, {len(gapped)} with gaps (highlighted)."
    )
    if survey.contact:
        doc.add_heading("Contact", level=1)
        for key, label in CONTACT_FIELDS:
            para = doc.add_paragraph(f"{label}: ")
            value = survey.contact.get(key) or ""
            run = para.add_run(value or TO_COMPLETE)
            if not value:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    for a in survey.answers:
        doc.add_heading(f"{question_label(a.question_id)} {a.question}", level=2)
        for block in a.answer.split("\n\n"):
            doc.add_paragraph(block)
        for gap in a.gaps:
            run = doc.add_paragraph().add_run("GAP: " + gap)
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        docx_flags_and_sources(doc, a.flags, a.citations)
    doc.save(str(path))


def write_survey(survey: Survey, settings: Settings, path: Path) -> None:
    write_draft(path, survey, lambda p: survey_docx(survey, settings, p), lambda: survey_markdown(survey, settings))
