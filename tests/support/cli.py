"""The ``faprep`` command as a user runs it: a fresh process, its exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def faprep(
    *args: str,
    env: dict | None = None,
    home: Path | None = None,
    workspace: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """Run ``python -m assistant ARGS...``; ``home`` and ``workspace`` set ``FAPREP_HOME`` and
    ``FAPREP_WORKSPACE`` over ``env`` (default: this process's environment)."""
    env = dict(os.environ if env is None else env)
    if home is not None:
        env["FAPREP_HOME"] = str(home)
    if workspace is not None:
        env["FAPREP_WORKSPACE"] = workspace
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
