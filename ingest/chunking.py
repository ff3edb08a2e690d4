"""Chunking in word pieces of the embedding model, so no chunk is silently truncated.

all-MiniLM-L6-v2 reads at most 256 word pieces (2 of them special tokens). A page is tokenized
once with character offsets; windows of ``size`` tokens overlap by ``overlap`` tokens and end on
a sentence or line boundary where one lies in the window's last third. Every chunk is an exact
span ``text[start:end]`` of its page, so a quote taken from a chunk is verbatim source text.
"""

from __future__ import annotations

from dataclasses import dataclass


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
                nxt = text[end_char:end_char + 1]
                if text[end_char - 1:end_char] in _BREAKS and (nxt.isspace() or nxt == "") or nxt == "\n":
                    j = k + 1
                    break
        start, end = offsets[i][0], offsets[j - 1][1]
        spans.append(Span(start, end, j - i))
        if j >= n:
            break
        i = max(j - overlap, i + 1)
    return spans


class Chunker:
    """Token-exact chunker bound to a Hugging Face fast tokenizer."""

    def __init__(self, tokenizer, size: int = 200, overlap: int = 40):
        if size > 254:
            raise ValueError("chunks longer than 254 word pieces would be truncated by all-MiniLM-L6-v2")
        self.tokenizer, self.size, self.overlap = tokenizer, size, overlap

    def split(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        return chunk_spans(text, enc["offset_mapping"], self.size, self.overlap)
