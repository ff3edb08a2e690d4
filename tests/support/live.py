"""What the live servers of the end-to-end tests share: the API key they require and where the
screenshots of the browser tests land."""

from __future__ import annotations

from pathlib import Path

KEY = "live-test-key"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
