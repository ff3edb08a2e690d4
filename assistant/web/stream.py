"""Pieces of an answer as it is shown: server-sent events for the API, sentences for both the
stream and the UI's chat."""

from __future__ import annotations

import json
import re


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def sentences(text: str) -> list[str]:
    """``text`` cut after each sentence, the whitespace kept, so the pieces join back to ``text``."""
    parts = re.split(r"(?<=[.!?\]])(\s+)", text)
    out, buf = [], ""
    for p in parts:
        buf += p
        if p.strip() == "" and buf.strip():
            out.append(buf)
            buf = ""
    if buf:
        out.append(buf)
    return out or [text]
