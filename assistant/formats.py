"""How faprep writes money and dates for people: one function each, used by the CLI, the UI, the
reports, the drafts and the templates (``prompts`` registers them as filters)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def money(x: float | Decimal | int | None) -> str:
    """``$1,234.56``; ``n/a`` when the amount is unknown."""
    return "n/a" if x is None else f"${float(x):,.2f}"


def day(d: dt.date | dt.datetime | None) -> str:
    """A date as ISO 8601 (``2026-12-02``), the form faprep writes everywhere; empty when unknown."""
    if d is None:
        return ""
    return (d.date() if isinstance(d, dt.datetime) else d).isoformat()
