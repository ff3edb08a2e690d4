"""docs/data-formats.md read as a contract: its JSON examples, the subject keys of each check, and the
comparison of an example's keys with what a command printed.

A JSON example is a fenced block whose info string is ``json`` and a label, e.g. ```` ```json finding ````
(renderers use only the first word); ``planned`` after the label marks a shape of a command not in
faprep yet, ``exact`` one whose output may have no keys beyond those shown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"

# the labelled examples tests/e2e/test_contract.py compares with the commands' output
CHECKED = {"finding", "ask", "record-citation", "law-citation", "survey", "rebuttal", "disclosure", "timeline", "law"}
FLAGS = {"planned", "exact"}


@dataclass
class Example:
    label: str
    value: object
    line: int
    flags: set[str] = field(default_factory=set)

    @property
    def planned(self) -> bool:
        return "planned" in self.flags

    @property
    def exact(self) -> bool:
        return "exact" in self.flags


def json_blocks(text: str) -> list[tuple[str, str, int]]:
    """(info string after ``json``, body, line of the fence) of every ```` ```json ```` block."""
    out = []
    for m in re.finditer(r"^```json([^\n]*)\n(.*?)^```\s*$", text, re.M | re.S):
        out.append((m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1))
    return out


def examples(text: str | None = None) -> dict[str, Example]:
    """The labelled JSON examples of the page, by label; a block without a label, with an unknown flag,
    a label twice or JSON that does not parse raises ValueError naming its line."""
    text = DOC.read_text() if text is None else text
    found: dict[str, Example] = {}
    for info, body, line in json_blocks(text):
        words = info.split()
        if not words or words[0] in FLAGS:
            raise ValueError(f"data-formats.md line {line}: a JSON example needs a label (```json LABEL)")
        label, flags = words[0], set(words[1:])
        if flags - FLAGS:
            raise ValueError(f"data-formats.md line {line}: unknown flags {sorted(flags - FLAGS)}")
        if label in found:
            raise ValueError(f"data-formats.md line {line}: label {label!r} used twice")
        try:
            value = json.loads(body)
        except ValueError as exc:
            raise ValueError(f"data-formats.md line {line} ({label}): not JSON: {exc}") from None
        found[label] = Example(label, value, line, flags)
    return found


def subject_keys(text: str | None = None) -> dict[str, set[str]]:
    """Check id -> the keys its findings report in ``subject``, from the table of section 4."""
    text = DOC.read_text() if text is None else text
    rows = re.findall(r"^\| `(\w+)` \| .+ \| ((?:`\w+`(?:, )?)+) \|$", text, re.M)
    return {check: set(re.findall(r"`(\w+)`", keys)) for check, keys in rows}


def missing_keys(doc, real, path: str = "$", exact: bool = False) -> list[str]:
    """Where ``real`` lacks a key that ``doc`` shows: objects key by key, recursively; a list by its first
    element. Values are examples and not compared; keys beyond the doc's are allowed unless ``exact``."""
    if isinstance(doc, dict):
        if not isinstance(real, dict):
            return [f"{path}: the doc shows an object, the output has {type(real).__name__}"]
        wrong = [f"{path}.{k}: missing from the output" for k in doc if k not in real]
        if exact:
            wrong += [f"{path}.{k}: not in the doc, whose shape is exact" for k in real if k not in doc]
        for k in doc:
            if k in real:
                wrong += missing_keys(doc[k], real[k], f"{path}.{k}", exact)
        return wrong
    if isinstance(doc, list):
        if not isinstance(real, list):
            return [f"{path}: the doc shows a list, the output has {type(real).__name__}"]
        if doc and real and isinstance(doc[0], dict | list):
            return missing_keys(doc[0], real[0], f"{path}[0]", exact)
    return []
