"""Vector store adapter: Chroma, embedded (PersistentClient) or a Chroma server (HttpClient).

faprep computes the embeddings itself (one verified model for ingest and queries), so the
collection has no embedding function of its own. Telemetry is off in both modes.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import VectorsMismatch, VectorStoreError
from assistant.stores.workspace import Workspace

log = logging.getLogger(__name__)


# Chroma's shared client state is not safe to create from two threads at once (seen under load:
# "'RustBindingsAPI' object has no attribute 'bindings'"), so opening a store is serialised.
_OPEN_LOCK = threading.Lock()
VECTORS_KEY = "faprep_vectors"  # the collection's metadata entry naming how its vectors were made


class VectorStore:
    def __init__(self, settings: Settings):
        with _OPEN_LOCK:
            self._open(settings)

    def _open(self, settings: Settings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if settings.chroma_host:
            try:
                self.client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
                self.client.heartbeat()
            except Exception as exc:  # noqa: BLE001 - connection errors come in many types
                raise VectorStoreError(
                    f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({exc})"
                ) from exc
            self.location = f"chroma server {settings.chroma_host}:{settings.chroma_port}"
        else:
            path: Path = Workspace.of(settings).chroma
            path.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            self.location = str(path)
        # One collection per workspace, so a shared Chroma server can serve several cases.
        name = f"{settings.collection}_{settings.workspace}"
        if not settings.chroma_host:
            name = self._embedded_name(name, settings.collection)
        # A new collection is made with its search breadth; an existing one keeps its stored
        # configuration, which _search_breadth brings up to date.
        configuration: Any = {"hnsw": {"space": "cosine", "ef_search": settings.hnsw_ef_search}}
        self.collection = self.client.get_or_create_collection(
            name=name, metadata={"hnsw:space": "cosine"}, configuration=configuration, embedding_function=None
        )
        self._search_breadth(settings.hnsw_ef_search)
        self._max_batch = max(1, min(5000, self.client.get_max_batch_size()))

    def _embedded_name(self, name: str, prefix: str) -> str:
        """The embedded store lives inside its workspace folder, so when that folder was renamed or
        copied under another name, its one collection is still this workspace's."""
        names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        if name in names:
            return name
        ours = [n for n in names if n.startswith(prefix + "_")]
        if len(ours) == 1:
            log.info("workspace folder renamed: using its collection %s", ours[0])
            return ours[0]
        return name

    def _search_breadth(self, ef_search: int) -> None:
        """Widen HNSW's search list so the same query finds the same neighbours in every process.

        With Chroma's default (100) a search over a few thousand chunks sometimes missed a neighbour
        near rank 6 of 40, differently from one process to the next; fusion normalises the dense list,
        so that changed the top passages. The setting is stored with the collection (embedded or server).
        """
        hnsw = (self.collection.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("ef_search") == ef_search:
            return
        # Chroma's SQLite answers "database is locked" while another writer (a second process on
        # the same workspace, Chroma's own background flush) holds it; the change is small, so it
        # is tried again for a few seconds, and a store that stays locked opens with its old breadth.
        delay = 0.05
        for attempt in range(8):
            try:
                self.collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
                return
            except Exception as exc:  # noqa: BLE001 - Chroma raises InternalError for a busy database
                if "locked" not in str(exc) or attempt == 7:
                    log.warning(
                        "could not set the search breadth of %s to %d (%s); searching with %s",
                        self.collection.name,
                        ef_search,
                        exc,
                        hnsw.get("ef_search"),
                    )
                    return
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    # --- which vectors these are ----------------------------------------------------------------------

    def made_by(self) -> str | None:
        """The key of the embeddings the collection's vectors were made with (``vectors_key``); None for a
        collection stamped by no version that records it."""
        return (self.collection.metadata or {}).get(VECTORS_KEY)

    def mark(self, key: str) -> None:
        """Record that the collection's vectors are made with ``key``."""
        if self.made_by() != key:
            self.collection.modify(metadata={VECTORS_KEY: key})

    def check(self, key: str, workspace: str) -> None:
        """Refuse to mix vectors: raise ``VectorsMismatch`` when the collection holds vectors made another
        way than ``key``. A collection from before the stamp (fp32 only existed then) is stamped now."""
        made = self.made_by()
        if made == key or self.count() == 0:
            return
        if made is None and key.endswith("|fp32"):
            self.mark(key)
            return
        raise VectorsMismatch(
            f"workspace '{workspace}': its document vectors were made with {made or 'fp32 (unrecorded)'}, and this "
            f"process embeds with {key}; questions would be compared with vectors of another kind. Run "
            "`faprep reembed` to embed the workspace's documents again, or set FAPREP_EMBEDDING_PRECISION back."
        )

    def upsert(self, ids, embeddings, documents, metadatas) -> None:
        for i in range(0, len(ids), self._max_batch):
            j = i + self._max_batch
            self.collection.upsert(
                ids=ids[i:j], embeddings=embeddings[i:j], documents=documents[i:j], metadatas=metadatas[i:j]
            )

    def delete_paths(self, paths: list[str]) -> None:
        if paths:
            where: Any = {"path": {"$in": list(paths)}}
            self.collection.delete(where=where)

    def count(self) -> int:
        return self.collection.count()

    def query(
        self, embedding, k: int = 10, where: dict | None = None, ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (id, cosine distance); ``ids`` restricts the search to those chunks."""
        res = self.collection.query(
            query_embeddings=[embedding], n_results=k, where=where or None, ids=ids, include=["distances"]
        )
        distances = res["distances"] or [[]]
        return list(zip(res["ids"][0], distances[0]))
