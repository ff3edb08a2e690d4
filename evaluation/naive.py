"""The naive LangChain RAG baseline: load, split 1000/200, dense-only Chroma, top 5.

PDFs are read page by page with pypdf (what ``PyPDFLoader`` does), text files whole (``TextLoader``),
DOCX as their paragraphs (``Docx2txtLoader``); tabular records are not documents and are skipped. The
chunks go through ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` into
``langchain_chroma.Chroma``, embedded with the same all-MiniLM-L6-v2 weights faprep uses (the same
vectors, through faprep's verified model), and a question is answered with ``similarity_search(k=5)``.
"""

from __future__ import annotations

from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings


class SameModel(Embeddings):
    """faprep's embedder (same weights, same vectors) behind LangChain's Embeddings interface."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def load(folder: Path) -> list[Document]:
    from docx import Document as Docx
    from pypdf import PdfReader

    docs = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.name.startswith(".")):
        source = path.relative_to(folder).as_posix()
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            for i, page in enumerate(PdfReader(str(path)).pages):
                docs.append(
                    Document(page_content=page.extract_text() or "", metadata={"source": source, "page": i + 1})
                )
        elif suffix in (".txt", ".md"):
            docs.append(
                Document(
                    page_content=path.read_text(encoding="utf-8", errors="replace"),
                    metadata={"source": source, "page": None},
                )
            )
        elif suffix == ".docx":
            text = "\n".join(p.text for p in Docx(str(path)).paragraphs)
            docs.append(Document(page_content=text, metadata={"source": source, "page": None}))
    return docs


class NaiveRAG:
    def __init__(self, folder: Path, persist_dir: Path, embedder, reuse: bool = False):
        """Load, split and embed ``folder``; ``reuse`` opens a store already built in ``persist_dir``."""
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        docs = load(folder)
        self.chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        self.pages = len(docs)
        if reuse and Path(persist_dir).exists():
            self.store = Chroma(
                collection_name="naive", embedding_function=SameModel(embedder), persist_directory=str(persist_dir)
            )
        else:
            self.store = Chroma.from_documents(
                self.chunks, SameModel(embedder), persist_directory=str(persist_dir), collection_name="naive"
            )

    def search(self, question: str, k: int = 5) -> list[tuple[str, str]]:
        """(source path, chunk text) of the top ``k`` chunks."""
        return [(d.metadata["source"], d.page_content) for d in self.store.similarity_search(question, k=k)]
