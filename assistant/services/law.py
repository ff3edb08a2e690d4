"""The law shelf as users see it: what is on it, and newer editions put on it."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.services.runtime import Caller, WorkspaceRuntime
from assistant.stores.lawshelf import LawShelf


def shelf_of(settings: Settings) -> LawShelf:
    return LawShelf(settings.home)


def index(settings: Settings, progress=None) -> dict | None:
    """Bring the shelf's index up to date for the embedding model configured (None when the shelf is
    off or already current): what was embedded, kept and dropped."""
    from assistant.stores.embeddings import get_embedder, model_cache, stamp_of

    if settings.law == "off":
        return None
    embedder = get_embedder(settings)
    return shelf_of(settings).ensure(embedder, stamp_of(embedder), model_cache(settings) / "law", progress)


def catalogue(settings: Settings) -> dict:
    """``faprep law``: each text on the shelf (Part, sections, as-of date, sha256, origin, indexed) and the index."""
    shelf = shelf_of(settings)
    manifest = shelf.manifest()
    return {
        "enabled": settings.law != "off",
        "texts": shelf.catalogue(),
        "index": {
            "folder": str(shelf.index_dir),
            "model": manifest.get("model"),
            "built": manifest.get("built"),
            "chunks": sum(v.get("chunks", 0) for v in manifest.get("texts", {}).values()),
            "bytes": shelf.size_bytes(),
        },
    }


def update(runtime: WorkspaceRuntime, caller: Caller, folder: Path, progress=None) -> dict:
    """Put the regulation texts of ``folder`` on the shelf and re-index what changed; logged as ``law update``
    (for the whole home). Returns the texts taken, the files refused with their reason, and the index work."""
    shelf = shelf_of(runtime.settings)
    taken, refused = shelf.update(folder)
    built = index(runtime.settings, progress) if taken else None
    out = {
        "taken": [{"file": t.name, "source": t.source, "part": t.part, "sections": len(t.sections)} for t in taken],
        "refused": refused,
        "index": built,
    }
    runtime.record(
        caller,
        "law update",
        {"folder": str(folder)},
        home_wide=True,
        taken=[t.name for t in taken],
        refused=[r["file"] for r in refused],
    )
    return out


def prepare(settings: Settings) -> dict:
    """Embed the built-in texts once for this machine (``faprep model``, run by ``make install``), so
    no home waits for it: a home's first index then copies the vectors from the machine's cache."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        built = index(settings.model_copy(update={"home": Path(tmp), "law": "on"}))
    return {"chunks": built["chunks"] if built else 0, "seconds": round(built["seconds"], 1) if built else 0.0}
