"""The chat tab: a conversation with the assistant, the answer shown sentence by sentence, and its
sources beside it (passages with their quote and a link that opens the file, records as tables)."""

from __future__ import annotations

import html
from urllib.parse import quote

import gradio as gr

from assistant.services import asking
from assistant.services.asking import AskInput
from assistant.services.inputs import made
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.access import UIAccess
from assistant.web.stream import sentences
from assistant.web.ui.common import error_text

NO_SOURCES = "<p><em>Sources appear here.</em></p>"


def record_html(c) -> str:
    """A record citation as a small table: the stored fields of its rows, the value stated and how."""
    rows = ", ".join(map(str, c.rows[:20])) + (" ..." if len(c.rows) > 20 else "")
    count = f" ({c.row_count} rows)" if c.row_count > 1 else ""
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in c.fields.items()
    )
    return (
        f'<li class="citation record" data-n="{c.n}"><strong>[{c.n}]</strong> {html.escape(c.source)}, '
        f"row(s) {html.escape(rows)}{count} (record)"
        f'<table class="record-fields">{cells}'
        f"<tr><th>value</th><td><mark>{html.escape(c.value)}</mark></td></tr>"
        f"<tr><th>how</th><td>{html.escape(c.how)}</td></tr></table></li>"
    )


def passage_html(runtime: WorkspaceRuntime, c) -> str:
    """A passage citation: where it is (a link that opens the file at its page) and its verbatim quote."""
    link = f"/api/w/{quote(runtime.name)}/sources/{quote(c.source)}?t={runtime.source_token(c.source)}"
    if c.page is not None:
        link += f"#page={c.page}"
    where = html.escape(c.source) + (f", page {c.page}" if c.page is not None else "")
    ruling = f", {html.escape(c.ruling_number)}" if c.ruling_number else ""
    if c.ocr_confidence is not None:
        ruling += f", OCR, confidence {c.ocr_confidence:.2f}"
    return (
        f'<li class="citation" data-n="{c.n}"><strong>[{c.n}]</strong> '
        f'<a href="{link}" target="_blank" rel="noopener">{where}</a> ({html.escape(c.kind)}{ruling})'
        f"<br><mark>{html.escape(' '.join(c.quote.split()))}</mark></li>"
    )


def law_html(c) -> str:
    """A law citation: the paragraph cited (a link that opens the section at it) and its verbatim quote."""
    link = f"/law/{quote(c.source)}#p-{quote(c.paragraph)}"
    as_of = f", as amended through {html.escape(c.as_of)}" if c.as_of else ""
    return (
        f'<li class="citation law" data-n="{c.n}"><strong>[{c.n}]</strong> '
        f'<a href="{link}" target="_blank" rel="noopener">{html.escape(c.cite)}</a> {html.escape(c.title)}{as_of}'
        f"<br><mark>{html.escape(' '.join(c.quote.split()))}</mark></li>"
    )


def citations_html(runtime: WorkspaceRuntime, result) -> str:
    if not result.citations:
        return "<p><em>No sources cited.</em></p>"
    items = [
        record_html(c) if c.is_record else law_html(c) if c.is_law else passage_html(runtime, c)
        for c in result.citations
    ]
    flags = "".join(f"<li>{html.escape(f)}</li>" for f in result.flags)
    return (
        "<h3>Sources</h3><ol class='citations'>"
        + "".join(items)
        + "</ol>"
        + (f"<h4>Flags</h4><ul>{flags}</ul>" if flags else "")
    )


def build(access: UIAccess) -> None:
    def respond(question: str, history: list, session_id: str | None, request: gr.Request):
        history = list(history or [])
        question = (question or "").strip()
        if not question:
            yield history, "", session_id, gr.skip()
            return
        history.append({"role": "user", "content": question})
        history.append({"role": "assistant", "content": "Searching the records…"})
        yield history, "", session_id, gr.skip()
        try:
            runtime = access.runtime(request, "POST /ask")
            result = asking.ask(
                runtime, access.caller(request), made(AskInput, question=question, session_id=session_id)
            )
        except Exception as exc:  # noqa: BLE001 - shown to the user as the answer
            history[-1] = {"role": "assistant", "content": f"Error: {error_text(exc)}"}
            yield history, "", session_id, ""
            return
        history.pop()
        if result.resolved:
            history.append(
                {
                    "role": "assistant",
                    "content": f"Understood as: {result.resolved}",
                    "metadata": {"title": "Understood as"},
                }
            )
        if result.tools_called:
            history.append(
                {
                    "role": "assistant",
                    "content": "Ran: " + ", ".join(result.tools_called),
                    "metadata": {"title": "Tools called: " + ", ".join(result.tools_called)},
                }
            )
        history.append({"role": "assistant", "content": ""})
        cites = citations_html(runtime, result)
        for piece in sentences(result.answer):
            history[-1] = {"role": "assistant", "content": history[-1]["content"] + piece}
            yield history, "", result.session_id, gr.skip()
        yield history, "", result.session_id, cites

    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label="Assistant",
                height=480,
                elem_id="chat",
                feedback_options=None,
                placeholder="Ask about your rulings, manuals, entries or findings.",
            )
            with gr.Row():
                box = gr.Textbox(
                    show_label=False,
                    placeholder="e.g. How long must entry records be kept?",
                    elem_id="question",
                    scale=5,
                )
                send = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
            new = gr.Button("New conversation", size="sm")
        with gr.Column(scale=2):
            cites = gr.HTML(NO_SOURCES, elem_id="citations")
    session = gr.State(None)
    for trigger in (send.click, box.submit):
        trigger(respond, [box, chat, session], [chat, box, session, cites])
    new.click(lambda: ([], None, NO_SOURCES), None, [chat, session, cites])
