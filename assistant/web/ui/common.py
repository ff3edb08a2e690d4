"""What every tab of the UI shares: the legal note, the one error renderer, downloads, the style."""

from __future__ import annotations

import functools
import logging
import shutil
import tempfile
import uuid
from pathlib import Path

import gradio as gr

import prompts
from assistant.errors import FaprepError

LEGAL_NOTE = prompts.LEGAL_NOTE + " Drafts are drafts: review them before they reach CBP."
log = logging.getLogger(__name__)

CSS = """
#legal-note {border-left: 4px solid #d97706; padding: .4rem .8rem; background: #fffbeb; color: #78350f}
#citations mark {background: #fde68a; padding: 0 .1rem}
#citations li {margin-bottom: .7rem}
#citations table.record-fields {font-size: .85rem; margin-top: .2rem}
#citations table.record-fields th {text-align: left; padding-right: .6rem; font-weight: 600}
"""


def error_text(exc: BaseException) -> str:
    """What the UI shows for a failure: a ``FaprepError``'s message; for anything else a reference to
    the server log (where the details are), never a traceback. The UI's one error renderer."""
    if isinstance(exc, FaprepError):
        return exc.message
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s in the UI", ref, exc_info=exc)
    return f"internal error (reference {ref}; the server log has the details)"


def shown(fn):
    """A UI callback whose failures reach the user as ``error_text`` in Gradio's error toast."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is shown, the unexpected ones logged
            raise gr.Error(error_text(exc)) from None

    return run


def servable(path: Path) -> str:
    """A copy of an output file where Gradio serves downloads from (its temporary folder), so the UI
    never has to open the workspaces' folders to the file route."""
    folder = Path(tempfile.gettempdir()) / "faprep-ui" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return str(shutil.copy2(path, folder / path.name))
