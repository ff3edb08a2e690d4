"""The checks' prepared relations: stored once per change of the records, never read stale."""

from __future__ import annotations

import datetime as dt

from assistant.stores import prepared
from assistant.stores.records import Records


def _line(rec: Records, row: int, entry: str, line: int, value: float, ordinal: int = 1, duty: float = 10.0):
    rec.con.execute(
        """INSERT INTO entry_lines (source_file, source_row, entry_number, line_number, tariff_ordinal, hts,
                                    entry_summary_date, value, duty, part_number)
           VALUES ('es003.csv', ?, ?, ?, ?, '3924.90.5650', ?, ?, ?, 'P-1')""",
        [row, entry, line, ordinal, dt.date(2026, 1, 5), value, duty],
    )


def _source(rec: Records, view: str) -> str:
    return rec.con.execute("SELECT sql FROM duckdb_views() WHERE view_name = ?", [view]).fetchone()[0]


def test_stored_when_fresh_rebuilt_for_the_connection_when_stale(tmp_path):
    with Records(tmp_path / "records.duckdb") as rec:
        _line(rec, 1, "AAA-0000001-1", 1, 1000)
        _line(rec, 2, "AAA-0000001-1", 1, 0, ordinal=2, duty=250)  # a Chapter 99 row: duty only
        assert prepared.refresh(rec.con) is True
        assert prepared.refresh(rec.con) is False  # nothing changed
        prepared.prepare(rec.con)
        assert "prepared_lines" in _source(rec, "lines")
        assert rec.con.execute("SELECT count(*), sum(total_duty) FROM lines").fetchone() == (1, 260)
        # a row written after the last refresh: the stored tables are stale and not read
        _line(rec, 3, "AAA-0000002-1", 1, 500)
        prepared.prepare(rec.con)
        assert "stale_lines" in _source(rec, "lines")
        assert rec.con.execute("SELECT count(*) FROM lines").fetchone() == (2,)
        assert rec.con.execute("SELECT count(*) FROM entries").fetchone() == (2,)
        assert prepared.refresh(rec.con) is True
        prepared.prepare(rec.con)
        assert "prepared_lines" in _source(rec, "lines")
        assert rec.con.execute("SELECT count(*) FROM lines").fetchone() == (2,)


def test_a_changed_record_file_changes_the_stamp(tmp_path):
    with Records(tmp_path / "records.duckdb") as rec:
        _line(rec, 1, "AAA-0000001-1", 1, 1000)
        rec.con.execute(
            "INSERT INTO files (path, sha256, status, category) VALUES ('es003.csv', 'aaa', 'ingested', 'records')"
        )
        before = prepared.stamp(rec.con)
        # same rows, same source rows, new content: only the file's hash tells
        rec.con.execute("UPDATE files SET sha256 = 'bbb' WHERE path = 'es003.csv'")
        assert prepared.stamp(rec.con) != before


def test_a_workspace_from_before_stored_tables_gets_them_on_a_read_only_open(tmp_path):
    import duckdb

    path = tmp_path / "records.duckdb"
    with Records(path) as rec:
        _line(rec, 1, "AAA-0000001-1", 1, 1000)
        prepared.refresh(rec.con)
        for name in prepared.NAMES:
            rec.con.execute(f"DROP TABLE prepared_{name}")  # as a workspace of an older faprep
    # held read-only by another connection: nothing stored, the read-only open still works
    holder = duckdb.connect(str(path), read_only=True)
    with Records(path, read_only=True) as rec:
        assert not prepared.stored_tables(rec.con)
        prepared.prepare(rec.con)
        assert "stale_lines" in _source(rec, "lines")
    holder.close()
    # nothing else holds it: the read-only open stores them once, and the checks read them
    with Records(path, read_only=True) as rec:
        assert prepared.stored_tables(rec.con)
        prepared.prepare(rec.con)
        assert "prepared_lines" in _source(rec, "lines")
        assert rec.con.execute("SELECT count(*) FROM lines").fetchone() == (1,)
