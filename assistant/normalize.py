"""Normalisation of the values importers export: entry numbers, HTS numbers, money, dates.

Each rule exists twice on purpose: as a Python function (single values: documents, queries,
tests) and as a DuckDB SQL expression (millions of rows, streamed). ``tests/unit/test_normalize``
checks that both forms agree on the same samples.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from assistant.errors import BadInput

_NON_ALNUM = re.compile(r"[^A-Z0-9]")
_ENTRY_COMPACT = re.compile(r"^[A-Z0-9]{3}[0-9]{8}$")


def entry_number(value: str | None) -> str | None:
    """``abc12345678`` / ``ABC-1234567-8`` -> ``ABC-1234567-8``; None when not 11 characters.

    The check digit is never verified: CBP's own exports contain entries faprep must accept.
    """
    if value is None:
        return None
    compact = _NON_ALNUM.sub("", str(value).upper())
    if not _ENTRY_COMPACT.match(compact):
        return None
    return f"{compact[:3]}-{compact[3:10]}-{compact[10]}"


def hts_number(value: str | None) -> str | None:
    """``3924901050`` / ``3924.90.1050`` -> ``3924.90.1050``; 8-digit subheadings kept as ``3924.90.10``."""
    if value is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    if len(digits) == 10:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    if len(digits) == 8:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    return None


def parse_money(value: str | None) -> Decimal | None:
    """``$1,234.56`` -> 1234.56, ``(5.00)`` -> -5.00; blank -> None; garbage raises ValueError."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    cleaned = text.strip("()").replace("$", "").replace(",", "").replace("USD", "").strip()
    if cleaned.startswith("-"):
        negative, cleaned = True, cleaned[1:]
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", cleaned):
        raise ValueError(f"not an amount of money: {value!r}")
    try:
        amount = Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueError(f"not an amount of money: {value!r}") from exc
    return -amount if negative else amount


def iso_date(value: str | None, field: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option or request field → a date (None when not given); ``BadInput`` naming the field."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field} {value!r}: not a date (YYYY-MM-DD)", field=field) from None


_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d")


def date(value: str | None) -> dt.date | None:
    """``MM/DD/YYYY`` (ACE), ISO ``YYYY-MM-DD`` or ``YYYYMMDD``; blank -> None; garbage raises ValueError."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date (MM/DD/YYYY or YYYY-MM-DD): {value!r}")


def flag(value: str | None) -> bool:
    return str(value or "").strip().upper() in {"Y", "YES", "TRUE", "1", "X"}


def header_key(name: str) -> str:
    """Header spelling variants to one key: case, spaces, underscores, punctuation, BOM."""
    return re.sub(r"[^a-z0-9]+", " ", name.replace("\ufeff", "").lower()).strip()


# --- SQL forms of the same rules (DuckDB) -----------------------------------------------------


def sql_blank(col: str) -> str:
    return f"(nullif(trim({col}), '') IS NULL)"


def sql_entry_number(col: str) -> str:
    compact = f"regexp_replace(upper(coalesce({col}, '')), '[^A-Z0-9]', '', 'g')"
    return (
        f"CASE WHEN regexp_full_match({compact}, '[A-Z0-9]{{3}}[0-9]{{8}}') "
        f"THEN substr({compact}, 1, 3) || '-' || substr({compact}, 4, 7) || '-' || substr({compact}, 11, 1) END"
    )


def sql_hts_number(col: str) -> str:
    digits = f"regexp_replace(coalesce({col}, ''), '[^0-9]', '', 'g')"
    return (
        f"CASE WHEN length({digits}) IN (8, 10) "
        f"THEN substr({digits}, 1, 4) || '.' || substr({digits}, 5, 2) || '.' || substr({digits}, 7) END"
    )


def sql_money(col: str) -> str:
    text = f"trim({col})"
    negative = f"(starts_with({text}, '(') AND ends_with({text}, ')')) OR starts_with(replace({text}, '$', ''), '-')"
    cleaned = f"ltrim(trim(replace(replace(replace(replace(replace({text}, '(', ''), ')', ''), '$', ''), ',', ''), 'USD', '')), '-')"
    value = f"TRY_CAST(CASE WHEN regexp_full_match({cleaned}, '\\d+(\\.\\d+)?|\\.\\d+') THEN {cleaned} END AS DECIMAL(18,2))"
    return f"(CASE WHEN {negative} THEN -{value} ELSE {value} END)"


def sql_date(col: str) -> str:
    text = f"trim({col})"
    return (
        f"CAST(coalesce(try_strptime({text}, '%m/%d/%Y'), try_strptime({text}, '%Y-%m-%d'), "
        f"try_strptime(CASE WHEN length({text}) = 8 THEN {text} END, '%Y%m%d')) AS DATE)"
    )


def sql_flag(col: str) -> str:
    return f"(upper(trim(coalesce({col}, ''))) IN ('Y', 'YES', 'TRUE', '1', 'X'))"


def sql_text(col: str) -> str:
    return f"nullif(trim({col}), '')"


def sql_upper(col: str) -> str:
    return f"nullif(upper(trim({col})), '')"
