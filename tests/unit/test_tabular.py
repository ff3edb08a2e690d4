import csv
from decimal import Decimal

import duckdb
import pytest

from assistant.errors import HeaderError
from assistant.stores.records import Records
from ingest import tabular as t

HEAD = (
    "Entry Summary Number,Entry Summary Date,Entry Summary Line Number,HTS Number - Full,"
    "Country of Origin Code,Line Tariff Goods Value Amount,Part Number"
)


def _load(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    rec = Records(tmp_path / "r.duckdb")
    return rec, t.load_structured(rec.con, p, name)


def test_es003_rows_typed_and_raw_kept(tmp_path):
    rec, res = _load(tmp_path, "e.csv", HEAD + '\nhl712345678,01/31/2024,1,3924901050,cn,"$1,234.56",km-1\n')
    assert res.kind == "entry_lines" and res.rows == 1 and res.rejects == []
    row = rec.con.execute(
        "SELECT entry_number, entry_summary_date::VARCHAR, hts, country_of_origin, value, part_number, raw "
        "FROM entry_lines"
    ).fetchone()
    assert row[:6] == ("HL7-1234567-8", "2024-01-31", "3924.90.1050", "CN", Decimal("1234.56"), "KM-1")
    assert '"$1,234.56"' in row[6]


def test_header_variants_semicolon_bom_lowercase(tmp_path):
    head = ";".join(h.lower().replace(" ", "_") for h in HEAD.split(","))
    rec, res = _load(
        tmp_path, "v.csv", head + "\nABC-1234567-8;2024-01-31;2;3924.90.1050;CN;10.00;X\n", encoding="utf-8-sig"
    )
    assert res.kind == "entry_lines" and res.rows == 1


def test_each_kind_recognised_by_header():
    assert t.match_header(["Part Number", "Description", "HTS Number"]).spec.kind == "products"
    assert t.match_header(["Payment ID", "Payment Date", "Amount", "Memo"]).spec.kind == "payments"
    assert (
        t.match_header(["Certificate ID", "Program", "Part Number", "Blanket Start", "Blanket End"]).spec.kind
        == "certificates"
    )
    assert (
        t.match_header(["Entry Summary Number", "Reviewed By", "Review Date", "Result"]).spec.kind == "broker_reviews"
    )


def test_wrong_headers_rejected_with_reason():
    with pytest.raises(t.HeaderError, match="not recognised"):
        t.match_header(["foo", "bar"])
    with pytest.raises(t.HeaderError, match="lacks required column.*Line Tariff Goods Value Amount"):
        t.match_header(
            [
                "Entry Summary Number",
                "Entry Summary Date",
                "Entry Summary Line Number",
                "HTS Number - Full",
                "Country of Origin Code",
            ]
        )


def test_bad_rows_rejected_by_row_and_field_good_rows_kept(tmp_path):
    body = (
        "\nABC-1234567-8,01/31/2024,1,3924901050,CN,10,A"
        "\nbroken,row"
        "\nABC-1234567-8,02/30/2024,2,3924901050,CN,10,B"
        "\nABC-1234567-8,01/31/2024,3,3924901050,CN,ten dollars,C"
        "\nABC-1234567-8,01/31/2024,4,3924901050,CN,,D"
        "\nABC-1234567-8,01/31/2024,5,3924901050,CN,$5.00,E\n"
    )
    rec, res = _load(tmp_path, "e.csv", HEAD + body)
    assert res.rows == 2
    got = [(r.row, r.field, r.reason) for r in res.rejects]
    assert got[0][0] == 2 and "malformed line" in got[0][2]
    assert got[1] == (3, "Entry Summary Date", "'02/30/2024' is not a date (MM/DD/YYYY or YYYY-MM-DD)")
    assert got[2] == (4, "Line Tariff Goods Value Amount", "'ten dollars' is not an amount of money")
    assert got[3] == (5, "Line Tariff Goods Value Amount", "required value is blank")
    rows = rec.con.execute("SELECT source_row, part_number FROM entry_lines ORDER BY 1").fetchall()
    assert rows == [(1, "A"), (6, "E")]


def test_xlsx_same_header_row(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Payment ID", "Payment Date", "Vendor Name", "Amount", "GL Account", "Memo"])
    ws.append(["P-1", dt.datetime(2024, 3, 1), "Mould Co", 1500.5, "5100 Tooling", "mold"])
    wb.save(tmp_path / "pay.xlsx")
    rec = Records(tmp_path / "r.duckdb")
    res = t.load_structured(rec.con, tmp_path / "pay.xlsx", "pay.xlsx")
    assert res.kind == "payments" and res.rows == 1
    assert rec.con.execute("SELECT payment_date::VARCHAR, amount FROM payments").fetchone() == (
        "2024-03-01",
        Decimal("1500.50"),
    )


def test_empty_file_rejected(tmp_path):
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(t.HeaderError, match="empty"):
        t.load_structured(duckdb.connect(), tmp_path / "e.csv", "e.csv")


ES003_HEAD = (
    "Entry Summary Number,Entry Summary Date,Entry Summary Line Number,HTS Number - Full,"
    "Country of Origin Code,Line Tariff Goods Value Amount,Part Number"
)


def _rows(n: int) -> list[str]:
    return [f"QRS-77{i:05d}-1,03/0{1 + i % 9}/2025,1,6116938800,VN,${100 + i:,.2f},GL-{i:03d}" for i in range(n)]


def test_report_exports_with_title_rows_and_a_footer_load_like_the_clean_file(tmp_path):
    clean = ES003_HEAD + "\n" + "\n".join(_rows(12)) + "\n"
    report = (
        "ES-003 Entry Summary Line Tariff Details\nRun Date: 12/01/2026\n"
        "Filter: Importer Number = 12-3456789,,,,\n\n"
        + clean
        + ',,,,,,\nTotal Records: 12\nGrand Total,,,,,"$1,266.00",\n'
    )
    _, plain = _load(tmp_path, "clean.csv", clean)
    rec, res = _load(tmp_path, "report.csv", report)
    assert (res.kind, res.rows, res.rejects) == (plain.kind, plain.rows, [])
    assert any("skipped 4 line(s) above the header" in n for n in res.notes), res.notes
    assert any("footer" in n and "Total Records: 12" in n for n in res.notes), res.notes
    first = rec.con.execute(
        "SELECT source_row, entry_number FROM entry_lines WHERE source_file = 'report.csv' ORDER BY source_row LIMIT 1"
    ).fetchone()
    assert first == (1, "QRS-7700000-1")  # row 1 is the first data row after the header, as in the clean file


def test_an_xlsx_report_reads_the_sheet_with_records_and_names_the_others(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    params = wb.active
    params.title = "Parameters"
    params.append(["Report", "ES-003"])
    params.append(["Run by", "ACE Reports"])
    data = wb.create_sheet("Line Details")
    data.append(["ES-003 Entry Summary Line Tariff Details"])
    data.append([])
    for line in [ES003_HEAD, *_rows(7)]:
        data.append(line.replace('"', "").split(",") if "$" not in line else next(csv.reader([line])))
    data.append(["Total Records: 7"])
    wb.save(tmp_path / "export.xlsx")
    rec = Records(tmp_path / "r.duckdb")
    res = t.load_structured(rec.con, tmp_path / "export.xlsx", "export.xlsx")
    assert res.kind == "entry_lines" and res.rows == 7 and res.rejects == [], res.rejects
    assert any("read sheet 'Line Details'" in n and "'Parameters'" in n for n in res.notes), res.notes
    assert any("footer" in n for n in res.notes)


def test_no_header_anywhere_is_still_a_clear_refusal(tmp_path):
    (tmp_path / "notes.csv").write_text("Quarterly notes\nnothing,tabular,here\n")
    rec = Records(tmp_path / "r.duckdb")
    with pytest.raises(HeaderError, match="not recognised"):
        t.load_structured(rec.con, tmp_path / "notes.csv", "notes.csv")
