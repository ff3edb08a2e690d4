"""The workspace's file layout: the one place that knows where each store and output lives.

Everything a case needs is under ``$FAPREP_HOME/<workspace>``, so a case can be backed up, moved
or deleted as one folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import NoRecords


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def of(cls, settings: Settings) -> Workspace:
        return cls(settings.workspace_dir)

    @property
    def records(self) -> Path:
        """DuckDB: records, document catalogue, manifest."""
        return self.root / "records.duckdb"

    @property
    def duckdb_tmp(self) -> Path:
        return self.root / "duckdb_tmp"

    @property
    def write_lock(self) -> Path:
        return self.root / "write.lock"

    @property
    def chroma(self) -> Path:
        """The embedded Chroma store (unused with a Chroma server)."""
        return self.root / "chroma"

    @property
    def lexical(self) -> Path:
        return self.root / "lexical"

    @property
    def sessions(self) -> Path:
        return self.root / "sessions"

    @property
    def answers_log(self) -> Path:
        return self.root / "audit" / "answers.jsonl"

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def drafts_in(self) -> Path:
        """Draft reports and questionnaires uploaded for one draft (not ingested)."""
        return self.root / "drafts_in"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def jobs(self) -> Path:
        return self.root / "jobs"

    def has_records(self) -> bool:
        return self.records.exists()

    def require_records(self, what: str = "records") -> Path:
        """The records database, or ``NoRecords`` telling the user to ingest first."""
        if not self.records.exists():
            raise NoRecords(f"workspace {self.root} holds no {what}: run `faprep ingest CASE_FOLDER` first")
        return self.records
