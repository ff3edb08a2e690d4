"""``faprep`` command line. Commands only translate arguments to one call of the service layer
(``assistant.services``) and render its result: rich tables for people, JSON for scripts.

One module per group of commands: :mod:`records` (ingest, status, check, audit), :mod:`asking` (ask),
:mod:`drafting` (draft survey, draft rebuttal, draft disclosure),
:mod:`timeline` (the FA timeline), :mod:`law` (the law shelf), :mod:`people` (users, log),
:mod:`running` (model, serve, demo, eval). Heavy libraries (torch, Chroma, DuckDB) are imported inside the commands, so
``faprep --help`` starts fast.
"""

from __future__ import annotations

import sys

from assistant.cli import asking, drafting, law, people, records, running, timeline  # noqa: F401  (register the commands)
from assistant.cli.common import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    sys.exit(app())
