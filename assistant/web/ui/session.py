"""The session bar above the tabs: who is signed in, the workspace picker, sign-out."""

from __future__ import annotations

import gradio as gr

from assistant.web.access import UIAccess
from assistant.web.ui.common import shown

HOW = {"open": "no sign-in configured", "sso": "single sign-on", "admin-key": "admin key"}


def build(access: UIAccess):
    """The bar; returns the callback run when the page loads and the components it fills."""

    def load(request: gr.Request):
        actor = access.actor(request)
        picked = access.workspace_of(request, actor)
        if picked:
            access.picked[getattr(request, "session_hash", None) or ""] = picked
        return (
            f"Signed in as **{actor.name}** ({actor.role}; {HOW.get(actor.via, 'key')})",
            gr.update(choices=access.workspaces(actor), value=picked),
        )

    def pick(name: str, request: gr.Request):
        access.pick(request, name)
        return f"Working in workspace **{name}**."

    with gr.Row(equal_height=True):
        who = gr.Markdown(elem_id="signed-in")
        workspace = gr.Dropdown(label="Workspace", choices=[], elem_id="workspace", scale=1)
        picked = gr.Markdown(elem_id="workspace-picked")
        gr.Button("Sign out", link="/logout", size="sm", scale=0, elem_id="sign-out")
    workspace.input(shown(pick), workspace, picked)
    return shown(load), [who, workspace]
