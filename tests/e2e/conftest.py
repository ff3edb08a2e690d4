"""A live `faprep serve` on loopback over a copy of the ingested sample case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluation.bench.common import start_server, stop_server

KEY = "live-test-key"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def live(ingested, tmp_path_factory):
    """(base url, settings of the copy, case folder); the server requires the API key ``KEY``."""
    from tests.conftest import make_settings

    settings, _, folder, _ = ingested
    home = tmp_path_factory.mktemp("live")
    # the same workspace name: the Chroma collection is named after it
    shutil.copytree(settings.workspace_dir, home / settings.workspace, ignore=shutil.ignore_patterns("write.lock"))
    copy = make_settings(home, settings.workspace, as_of=settings.as_of)
    proc, base = start_server(
        home,
        settings.workspace,
        {"FAPREP_API_KEY": KEY, "FAPREP_AS_OF": str(settings.as_of), "FAPREP_MAX_REQUEST_MB": "5"},
        log=home / "serve.log",
    )
    yield base, copy, folder
    stop_server(proc)
