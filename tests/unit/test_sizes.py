"""Sizes a reader can take in: no runtime module over 800 lines and no function over 100 in
``assistant/`` and ``ingest/`` (split where a reader would)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULE_LINES, FUNCTION_LINES = 800, 100

pytestmark = pytest.mark.unit


def _modules():
    for package in ("assistant", "ingest"):
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_module_over_800_lines():
    big = {str(p.relative_to(ROOT)): n for p in _modules() if (n := p.read_text().count("\n")) > MODULE_LINES}
    assert not big, big


def test_no_function_over_100_lines():
    long = []
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > FUNCTION_LINES:
                    long.append(f"{p.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, long
