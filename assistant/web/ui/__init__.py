"""The web UI (Gradio), mounted on the API's app at ``/``: a session bar and four tabs, one module each:
:mod:`chat`, :mod:`documents`, :mod:`findings`, :mod:`drafts` (and :mod:`session`, the bar).

Every action of a tab is one call of the service layer (``assistant.services``), for the workspace of
the session and checked against the API's access rules (``assistant.web.access.UIAccess``); the tabs
hold no logic beyond layout and turning results into tables, charts and HTML.
"""

from __future__ import annotations

import gradio as gr

from assistant.services.runtime import Home
from assistant.web.access import Gatekeeper, UIAccess
from assistant.web.ui import chat, documents, drafts, findings, session
from assistant.web.ui.chat import citations_html
from assistant.web.ui.common import CSS, LEGAL_NOTE, error_text

__all__ = ["build", "mount", "citations_html", "error_text", "LEGAL_NOTE"]


def build(access: UIAccess, concurrency: int = 2):
    with gr.Blocks(title="faprep") as ui:
        gr.Markdown("# faprep — Focused Assessment preparation")
        load_who, who_outputs = session.build(access)
        gr.Markdown(LEGAL_NOTE, elem_id="legal-note")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat.build(access)
            with gr.Tab("Documents", id="documents"):
                load_status, status_outputs = documents.build(access)
            with gr.Tab("Findings", id="findings"):
                findings.build(access)
            with gr.Tab("Drafts", id="drafts"):
                load_reports, reports_dropdown = drafts.build(access)
        ui.load(load_who, None, who_outputs).then(load_status, None, status_outputs).then(
            load_reports, None, reports_dropdown
        )
    # Gradio queues each event one at a time by default; let as many run as the server has askers.
    ui.queue(default_concurrency_limit=concurrency)
    return ui


def mount(app, home: Home, keeper: Gatekeeper) -> None:
    """The UI at ``/``: sign-in by user name and key (or the admin key under any name), or single
    sign-on by a trusted proxy's header when ``trusted_proxies`` is set; nothing asked when no key
    and no user are configured."""
    access = UIAccess(home, keeper)
    settings = home.settings
    auth, auth_dependency = None, None
    if settings.trusted_proxies:

        def auth_dependency(request):  # noqa: F811 - the proxy's user, or None (401)
            actor = keeper.from_proxy(request.client.host if request.client else None, request.headers)
            return actor.name if actor else None

    elif not keeper.open:

        def auth(user: str, key: str) -> bool:
            return keeper.ui_login(user, key)

    gr.mount_gradio_app(
        app,
        build(access, settings.serve_askers),
        path="/",
        auth=auth,
        auth_dependency=auth_dependency,
        auth_message="Sign in with your user name and your key (or any name and the admin key)." if auth else None,
        max_file_size=home.get().upload_limit,
        css=CSS,
        footer_links=["api"],
    )
