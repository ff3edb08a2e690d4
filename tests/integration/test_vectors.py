"""The vector store gives the same neighbours in every process (Chroma HNSW search breadth)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support.workspace import make_settings

QUERIES = [
    "How long are entry records kept?",
    "Must molds supplied free of charge to the manufacturer be added to the customs value?",
    "plastic alphabet letter charms classification",
    "When are blanket USMCA certifications renewed?",
]

_SEARCH = """
import json
from assistant.config import Settings
from assistant.stores.embeddings import get_embedder
from assistant.stores.vectors import VectorStore
s = Settings()
store, emb = VectorStore(s), get_embedder(s)
print(json.dumps([[cid for cid, _ in store.query(emb.embed_query(q), k=40)] for q in json.loads({queries!r})]))
"""


def test_existing_collection_gets_the_wider_search(tmp_path):
    import chromadb

    from assistant.stores.vectors import VectorStore

    settings = make_settings(tmp_path, "old", hnsw_ef_search=321)
    path = settings.workspace_dir / "chroma"
    path.mkdir(parents=True)
    raw = chromadb.PersistentClient(path=str(path), settings=chromadb.config.Settings(anonymized_telemetry=False))
    made = raw.get_or_create_collection(f"{settings.collection}_old", metadata={"hnsw:space": "cosine"})
    assert made.configuration_json["hnsw"]["ef_search"] == 100  # Chroma's default, as older workspaces have
    store = VectorStore(settings)
    assert store.collection.configuration_json["hnsw"]["ef_search"] == 321
    assert store.collection.configuration_json["hnsw"]["space"] == "cosine"


def test_same_neighbours_in_fresh_processes(ingested):
    settings = ingested[0]
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    code = _SEARCH.format(queries=json.dumps(QUERIES))
    runs = []
    for _ in range(4):
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert all(len(ids) == 40 for ids in runs[0])
    for other in runs[1:]:
        assert other == runs[0]


def test_a_renamed_workspace_folder_keeps_its_vectors(ingested, tmp_path):
    import shutil

    from assistant.stores.vectors import VectorStore

    settings = ingested[0]
    shutil.copytree(settings.workspace_dir, tmp_path / "renamed", ignore=shutil.ignore_patterns("write.lock"))
    moved = make_settings(tmp_path, "renamed")
    store = VectorStore(moved)
    assert store.count() == ingested[1].totals()["chunks"] > 0
    assert store.collection.name == f"{settings.collection}_{settings.workspace}"


def test_a_workspace_is_never_queried_with_vectors_of_another_kind(tmp_path):
    """Documents embedded in fp32 are not searched with an int8 question (nor the other way round), an
    ingest of the other kind writes nothing, and `reembed` makes them searchable again."""
    import pytest

    from assistant.answering.retrieval import Retriever
    from assistant.errors import VectorsMismatch
    from assistant.services.ingesting import reembed
    from assistant.services.runtime import Caller, WorkspaceRuntime
    from assistant.stores.embeddings import get_embedder, vectors_key
    from assistant.stores.vectors import VectorStore
    from ingest.pipeline import Ingestor

    case = tmp_path / "case"
    case.mkdir()
    (case / "manual.md").write_text(
        "# Compliance manual\n\nEntry records are kept for five years from the date of entry.\n\n"
        "Assists supplied free of charge to a foreign manufacturer are reported to the broker.\n"
    )
    (case / "memo.txt").write_text("Broker instructions: send every entry summary to Trade Compliance first.\n")
    fp32 = make_settings(tmp_path / "home", "kinds", embedding_precision="fp32")
    int8 = make_settings(tmp_path / "home", "kinds", embedding_precision="int8")
    assert Ingestor(fp32).run([case]).ok
    fp32_key, int8_key = vectors_key(get_embedder(fp32)), vectors_key(get_embedder(int8))
    assert fp32_key != int8_key and VectorStore(fp32).made_by() == fp32_key
    with pytest.raises(VectorsMismatch, match="faprep reembed"):
        Retriever(int8)
    (case / "more.txt").write_text("Royalties paid to the licensor are added to the price actually paid.\n")
    chunks = VectorStore(fp32).count()
    with pytest.raises(VectorsMismatch):
        Ingestor(int8).run([case])
    assert VectorStore(fp32).count() == chunks  # nothing of the other kind was written

    done = reembed(WorkspaceRuntime(int8), Caller("test"))
    assert done["chunks"] == chunks and done["were"] == fp32_key and done["vectors"] == int8_key
    hits = Retriever(int8).search("How long are entry records kept?", k=3)
    assert hits and "five years" in hits[0].text
    with pytest.raises(VectorsMismatch):
        Retriever(fp32)
