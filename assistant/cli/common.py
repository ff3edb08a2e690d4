"""What every command shares: the app, the consoles, settings, the workspace's runtime, the caller,
and the CLI's one error renderer (:func:`command`)."""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager

import typer
from rich.console import Console

from assistant.errors import FaprepError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="faprep: get ready for a CBP Focused Assessment. Ingest your records, run the checks, ask with citations.",
)
console = Console()
err = Console(stderr=True)

WorkspaceOpt = typer.Option(
    None, "--workspace", "-w", help="case workspace name (default: FAPREP_WORKSPACE or 'default')"
)


def settings_of(workspace: str | None):
    from assistant.config import get_settings

    settings = get_settings(workspace=workspace)
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


def runtime_of(workspace: str | None):
    """The runtime of the workspace a command works on, and the caller it acts as (the OS user)."""
    from assistant.services.runtime import Caller, WorkspaceRuntime

    return WorkspaceRuntime(settings_of(workspace)), Caller.command_line()


@contextmanager
def opened_runtime(workspace: str | None):
    """``runtime_of`` for a command that asks (its askers closed when it is done)."""
    runtime, caller = runtime_of(workspace)
    try:
        yield runtime, caller
    finally:
        runtime.close()


def command(group: typer.Typer, name: str | None = None):
    """Register a command whose failures faprep raises on purpose (``FaprepError``) and file-system
    errors are one line on stderr and exit status 2, never a traceback: the CLI's one error renderer."""

    def register(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (FaprepError, OSError) as exc:
                err.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
                raise typer.Exit(2) from None

        return group.command(name)(run)

    return register
