"""Chunking in word pieces of the embedding model, so no chunk is silently truncated.

all-MiniLM-L6-v2 reads at most 256 word pieces (2 of them special tokens). A page is tokenized
once with character offsets; windows of ``size`` tokens overlap by ``overlap`` tokens and end on
a sentence or line boundary where one lies in the window's last third. Every chunk is an exact
span ``text[start:end]`` of its page, so a quote taken from a chunk is verbatim source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    n_tokens: int


_BREAKS = (".", "!", "?", ":", ";")


def chunk_spans(text: str, offsets: list[tuple[int, int]], size: int, overlap: int) -> list[Span]:
    """Spans over ``text`` given the tokenizer's (start, end) offsets of each token."""
    n = len(offsets)
    if n == 0:
        return []
    if overlap >= size:
        raise ValueError("chunk overlap must be smaller than the chunk size")
    spans: list[Span] = []
    i = 0
    while i < n:
        j = min(i + size, n)
        if j < n:
            # prefer ending after a sentence or line break in the last third of the window
            for k in range(j - 1, i + (2 * size) // 3, -1):
                end_char = offsets[k][1]
                nxt = text[end_char : end_char + 1]
                if text[end_char - 1 : end_char] in _BREAKS and (nxt.isspace() or nxt == "") or nxt == "\n":
                    j = k + 1
                    break
        start, end = offsets[i][0], offsets[j - 1][1]
        spans.append(Span(start, end, j - i))
        if j >= n:
            break
        i = max(j - overlap, i + 1)
    return spans


def load_tokenizer(model_dir: Path):
    """The model's fast tokenizer, read from its ``tokenizer.json`` with the ``tokenizers`` library.

    This avoids importing transformers (seconds) before the first page can be chunked; a model
    directory without ``tokenizer.json`` falls back to transformers' AutoTokenizer.
    """
    path = Path(model_dir) / "tokenizer.json"
    if path.is_file():
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(path))
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)


class Chunker:
    """Token-exact chunker bound to a fast tokenizer (``tokenizers.Tokenizer`` or a transformers one).

    It works on its own copy of the tokenizer with truncation and padding off (the model's
    ``tokenizer.json`` truncates at 128), so one Chunker per thread is safe.
    """

    def __init__(self, tokenizer, size: int = 200, overlap: int = 40):
        from tokenizers import Tokenizer

        if size > 254:
            raise ValueError("chunks longer than 254 word pieces would be truncated by all-MiniLM-L6-v2")
        base = getattr(tokenizer, "backend_tokenizer", tokenizer)
        self.tokenizer = Tokenizer.from_str(base.to_str())
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.size, self.overlap = size, overlap

    def split(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        offsets = self.tokenizer.encode(text, add_special_tokens=False).offsets
        return chunk_spans(text, offsets, self.size, self.overlap)
