"""Shared fixtures: a sample case built once, ingested once for real (model, Chroma, DuckDB)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from evaluation.datasets.sample_case import CORPUS  # noqa: E402, F401  (the corpus shipped with the project)

AS_OF = dt.date.today()


def make_settings(home: Path, workspace: str = "test", **kw):
    from assistant.config import Settings

    return Settings(home=home, workspace=workspace, **kw)


@pytest.fixture(scope="session")
def sample_case(tmp_path_factory) -> tuple[Path, dict]:
    from evaluation.datasets.sample_case import GROUND_TRUTH, build_sample_case

    folder = tmp_path_factory.mktemp("case") / "keystone"
    build_sample_case(folder, as_of=AS_OF)
    return folder, json.loads((folder / GROUND_TRUTH).read_text())


@pytest.fixture(scope="session")
def ingested(sample_case, tmp_path_factory):
    """The sample case ingested into a fresh workspace: (settings, report, folder, truth)."""
    from assistant import services

    folder, truth = sample_case
    settings = make_settings(tmp_path_factory.mktemp("home"), "sample", as_of=AS_OF)
    report = services.ingest(settings, [folder])
    return settings, report, folder, truth


@pytest.fixture
def pdf_writer():
    from evaluation.datasets.sample_case.documents import write_pdf

    return write_pdf
