import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from assistant import normalize as nz

ENTRIES = ["ABC-1234567-8", "abc12345678", "HL7 0101234 5", "ABC-123456-8", "", None, "12345678901", "AB-1234567-8"]
HTS = ["3924901050", "3924.90.1050", "9903.88.03", "3924.90", "", None, "3924.90.10.50"]
MONEY = ["$1,234.56", "1234.5", "(5.00)", "-7", "USD 12.00", ".5", "", None, "abc", "1.2.3", "$"]
DATES = ["01/31/2024", "2024-01-31", "20240131", "13/45/2024", "2024-02-30", "", None, "31.01.2024"]


def _py(fn, v):
    try:
        return fn(v)
    except ValueError:
        return "error"


def test_entry_number_forms():
    assert nz.entry_number("abc12345678") == "ABC-1234567-8"
    assert nz.entry_number("HL7 0101234 5") == "HL7-0101234-5"
    assert nz.entry_number("ABC-123456-8") is None  # 10 characters


def test_hts_forms():
    assert nz.hts_number("3924901050") == "3924.90.1050"
    assert nz.hts_number("9903.88.03") == "9903.88.03"
    assert nz.hts_number("3924.90") is None


def test_money_and_dates():
    assert nz.parse_money("$1,234.56") == Decimal("1234.56")
    assert nz.parse_money("(5.00)") == Decimal("-5.00")
    assert nz.parse_money("") is None
    with pytest.raises(ValueError):
        nz.parse_money("abc")
    assert nz.date("01/31/2024") == dt.date(2024, 1, 31)
    assert nz.date("2024-01-31") == dt.date(2024, 1, 31)
    with pytest.raises(ValueError):
        nz.date("2024-02-30")


def test_header_key_variants():
    assert nz.header_key("\ufeffHTS Number - Full") == nz.header_key("hts_number_full") == "hts number full"
    assert nz.header_key("Line Tariff Quantity (1)") == "line tariff quantity 1"


@pytest.mark.parametrize(
    "values,py,sql",
    [
        (ENTRIES, nz.entry_number, nz.sql_entry_number),
        (HTS, nz.hts_number, nz.sql_hts_number),
        (MONEY, nz.parse_money, nz.sql_money),
        (DATES, nz.date, nz.sql_date),
    ],
)
def test_python_and_sql_forms_agree(values, py, sql):
    con = duckdb.connect()
    for v in values:
        got = con.execute(f"SELECT {sql('x')} FROM (SELECT ?::VARCHAR AS x)", [v]).fetchone()[0]
        want = _py(py, v)
        # SQL returns NULL where Python raises: the loader reports such a non-blank value as an error
        assert got == (None if want == "error" else want), v
