"""The drafts tab: the pre-assessment survey answers, the response to a draft report and the prior
disclosure, each drafted, shown as editable Markdown, downloadable as DOCX as drafted and as edited;
and the FA timeline (contacts with CBP, the 19 CFR 163.11 clocks) the disclosure's knowledge check reads."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.services import drafts
from assistant.services.uploads import REPORT_SUFFIXES, file_chunks
from assistant.web.access import UIAccess
from assistant.web.ui.common import LEGAL_NOTE, servable, shown


def _kept(runtime, upload) -> Path | None:
    """A file the user chose in the browser, kept for one draft as the API keeps an upload."""
    if not upload:
        return None
    path = Path(upload)
    with path.open("rb") as fh:
        return drafts.receive_draft_input(runtime, path.name, file_chunks(fh))


def _edited_docx(access: UIAccess, stem: str):
    @shown
    def save(text: str, request: gr.Request):
        runtime = access.runtime(request, f"POST /drafts/{stem}")
        return servable(drafts.save_edited(runtime, access.caller(request), stem, text))

    return save


def _survey_tab(access: UIAccess) -> None:
    from assistant.drafting.survey import survey_markdown

    @shown
    def survey(questionnaire, request: gr.Request):
        runtime = access.runtime(request, "POST /drafts/survey")
        given = _kept(runtime, questionnaire)
        draft, files = drafts.draft_survey(runtime, access.caller(request), given, formats=("docx",))
        return survey_markdown(draft, runtime.settings), servable(files["docx"])

    questionnaire = gr.File(
        label="Your own questionnaire (optional; the 22 built-in questions otherwise)",
        file_types=list(REPORT_SUFFIXES),
    )
    go = gr.Button("Draft survey answers", variant="primary", elem_id="draft-survey")
    text = gr.Textbox(label="Draft (editable Markdown)", lines=22, max_lines=60, elem_id="survey-text")
    with gr.Row():
        docx = gr.File(label="DOCX as drafted", interactive=False, elem_id="survey-docx")
        save = gr.Button("Save my edits as DOCX", elem_id="save-survey")
        docx_edited = gr.File(label="DOCX with your edits", interactive=False, elem_id="survey-docx-edited")
    go.click(survey, questionnaire, [text, docx])
    save.click(_edited_docx(access, "survey"), text, docx_edited)


def _rebuttal_tab(access: UIAccess):
    from assistant.drafting.rebuttal import rebuttal_markdown

    @shown
    def rebuttal(upload, document, request: gr.Request):
        runtime = access.runtime(request, "POST /drafts/rebuttal")
        report = _kept(runtime, upload)
        draft, files = drafts.draft_rebuttal(
            runtime, access.caller(request), report, None if report else document, formats=("docx",)
        )
        return rebuttal_markdown(draft, runtime.settings), servable(files["docx"])

    @shown
    def reports(request: gr.Request):
        found = access.runtime(request, "GET /status").documents("fa_draft_report")
        return gr.update(choices=found, value=found[0] if found else None)

    with gr.Row():
        report = gr.File(label="FA draft report (PDF, DOCX, TXT, MD)", file_types=list(REPORT_SUFFIXES))
        document = gr.Dropdown(label="…or an ingested draft report", choices=[], allow_custom_value=False)
    go = gr.Button("Draft the response", variant="primary", elem_id="draft-rebuttal")
    text = gr.Textbox(label="Draft (editable Markdown)", lines=22, max_lines=60)
    with gr.Row():
        docx = gr.File(label="DOCX as drafted", interactive=False)
        save = gr.Button("Save my edits as DOCX")
        docx_edited = gr.File(label="DOCX with your edits", interactive=False)
    go.click(rebuttal, [report, document], [text, docx])
    save.click(_edited_docx(access, "rebuttal"), text, docx_edited)
    return reports, document


def _timeline_rows(view) -> list[list[str]]:
    return [[e["date"], e["kind"], e["text"], ", ".join(e["findings"]), e["id"]] for e in view.events]


def _clocks_markdown(view) -> str:
    lines = [f"- **{c.rule}** {c.what}: due {c.due or 'n/a'} ({c.starts}) — {c.status}" for c in view.clocks]
    if lines:
        return "\n".join(lines)
    if view.events:
        return (
            "No clock of 19 CFR 163.11 is running yet: they start at the closing conference (the report within 90 "
            "days) and at the entrance conference's estimated termination date."
        )
    return "No contact recorded yet."


def _disclosure_tab(access: UIAccess) -> None:
    from assistant.drafting.disclosure import disclosure_markdown
    from assistant.services import timeline
    from assistant.stores.timeline import KINDS

    @shown
    def show(request: gr.Request):
        view = timeline.view(access.runtime(request, "GET /timeline"))
        return _timeline_rows(view), _clocks_markdown(view)

    @shown
    def add(date, kind, text, touched, request: gr.Request):
        runtime = access.runtime(request, "POST /timeline")
        timeline.add_event(runtime, access.caller(request), date, kind, text, list(touched or []))
        view = timeline.view(runtime)
        return _timeline_rows(view), _clocks_markdown(view)

    @shown
    def choices(request: gr.Request):
        found = drafts.disclosable(access.runtime(request, "POST /drafts/disclosure"))
        return gr.update(choices=found, value=[]), gr.update(choices=found, value=[])

    @shown
    def disclose(picked, sample, request: gr.Request):
        runtime = access.runtime(request, "POST /drafts/disclosure")
        draft, files = drafts.draft_disclosure(
            runtime,
            access.caller(request),
            list(picked or []),
            audit_sample=int(sample) if sample else None,
            formats=("docx",),
        )
        return disclosure_markdown(draft, runtime.settings), servable(files["docx"])

    gr.Markdown(
        "### The FA timeline\nEach contact with CBP, the findings it touched, and the clocks 19 CFR 163.11 sets. "
        "The disclosure's knowledge check (19 CFR 162.74(i)) reads it."
    )
    events = gr.Dataframe(
        headers=["date", "kind", "what", "findings", "id"], interactive=False, wrap=True, elem_id="timeline-events"
    )
    clocks = gr.Markdown(elem_id="timeline-clocks")
    with gr.Row():
        date = gr.Textbox(label="Date (YYYY-MM-DD)", scale=1, elem_id="timeline-date")
        kind = gr.Dropdown(list(KINDS), value="request for information", label="Kind", scale=1)
        text = gr.Textbox(label="What it was about", scale=3, elem_id="timeline-text")
    touched = gr.Dropdown(label="Findings it touched (optional)", choices=[], multiselect=True)
    with gr.Row():
        add_btn = gr.Button("Add to the timeline", elem_id="timeline-add")
        refresh = gr.Button("Refresh findings and timeline", elem_id="disclosure-refresh")
    gr.Markdown("### Prior disclosure (19 CFR 162.74)")
    picked = gr.Dropdown(
        label="Findings to disclose (those with a duty effect)", choices=[], multiselect=True, elem_id="disclose-pick"
    )
    sample = gr.Number(label="Include the mock audit's projection: sample size (optional)", value=None, precision=0)
    go = gr.Button("Draft the prior disclosure", variant="primary", elem_id="draft-disclosure")
    draft_text = gr.Textbox(label="Draft (editable Markdown)", lines=22, max_lines=60, elem_id="disclosure-text")
    with gr.Row():
        docx = gr.File(label="DOCX as drafted", interactive=False, elem_id="disclosure-docx")
        save = gr.Button("Save my edits as DOCX")
        docx_edited = gr.File(label="DOCX with your edits", interactive=False)
    add_btn.click(add, [date, kind, text, touched], [events, clocks])
    refresh.click(choices, None, [touched, picked]).then(show, None, [events, clocks])
    go.click(disclose, [picked, sample], [draft_text, docx])
    save.click(_edited_docx(access, "disclosure"), draft_text, docx_edited)


def build(access: UIAccess):
    """The tab; returns the callback that lists the ingested draft reports (run when the page loads)
    and the dropdown it fills."""
    gr.Markdown(LEGAL_NOTE)
    with gr.Tab("Pre-assessment survey"):
        _survey_tab(access)
    with gr.Tab("Prior disclosure and FA timeline"):
        _disclosure_tab(access)
    with gr.Tab("Response to the draft report"):
        return _rebuttal_tab(access)
