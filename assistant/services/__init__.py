"""The service layer: one call per user action, the same for the CLI, the API and the UI.

Each function takes the workspace's :class:`~assistant.services.runtime.WorkspaceRuntime`, the
:class:`~assistant.services.runtime.Caller` and typed inputs, does the work and writes the action's one
activity entry (:meth:`WorkspaceRuntime.record`); interfaces translate their input to these calls
and render the results, nothing more.

| action | call | activity entry |
|---|---|---|
| ask | :func:`asking.ask` | ``ask`` |
| ingest files on this machine / uploads | :func:`ingesting.ingest`, :func:`ingesting.ingest_uploads` | ``ingest`` |
| run the checks (and write reports) | :func:`checking.check` | ``check`` |
| export the findings report | :func:`checking.export_findings` | ``export findings`` |
| mock audit | :func:`checking.mock_audit` | ``mock audit`` |
| draft the survey / the response to a draft report | :func:`drafts.draft_survey`, :func:`drafts.draft_rebuttal` | ``draft survey``, ``draft rebuttal`` |
| save an edited draft | :func:`drafts.save_edited` | ``draft <kind> edited`` |
| download an output / open a cited source | :func:`drafts.download`, :func:`drafts.open_source` | ``download``, ``open source`` |
| users: add, new key, remove | :func:`people.add_user`, ``rotate_key``, ``remove_user`` | ``users add``, ``users key``, ``users remove`` |
"""

from __future__ import annotations

from assistant.services.runtime import Caller, Home, WorkspaceRuntime

__all__ = ["Caller", "Home", "WorkspaceRuntime"]
