"""A live `faprep serve` on loopback over a copy of the ingested sample case."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

KEY = "live-test-key"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, workspace: str, env_extra: dict | None = None, log: Path | None = None):
    """``faprep serve`` in a subprocess; returns (process, base url) once /health answers."""
    port = free_port()
    env = {**os.environ, "FAPREP_HOME": str(home), "FAPREP_WORKSPACE": workspace, **(env_extra or {})}
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                            env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"faprep serve exited with {proc.returncode}" + (f": {log.read_text()[-2000:]}" if log else ""))
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("faprep serve did not answer /health within 120 s")


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def live(ingested, tmp_path_factory):
    """(base url, settings of the copy, case folder); the server requires the API key ``KEY``."""
    from tests.conftest import make_settings

    settings, _, folder, _ = ingested
    home = tmp_path_factory.mktemp("live")
    # the same workspace name: the Chroma collection is named after it
    shutil.copytree(settings.workspace_dir, home / settings.workspace, ignore=shutil.ignore_patterns("write.lock"))
    copy = make_settings(home, settings.workspace, as_of=settings.as_of)
    proc, base = start_server(home, settings.workspace, {"FAPREP_API_KEY": KEY, "FAPREP_AS_OF": str(settings.as_of)},
                              log=home / "serve.log")
    yield base, copy, folder
    stop_server(proc)
