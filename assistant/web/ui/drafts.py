"""The drafts tab: the pre-assessment survey answers and the response to a draft report, each drafted,
shown as editable Markdown, downloadable as DOCX as drafted and as edited."""

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


def build(access: UIAccess):
    """The tab; returns the callback that lists the ingested draft reports (run when the page loads)
    and the dropdown it fills."""
    gr.Markdown(LEGAL_NOTE)
    with gr.Tab("Pre-assessment survey"):
        _survey_tab(access)
    with gr.Tab("Response to the draft report"):
        return _rebuttal_tab(access)
