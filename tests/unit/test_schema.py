"""Schema versions: a workspace made before versions were kept is upgraded in place, its rows kept;
migrations run once each, in order; a workspace from a newer faprep is refused, never changed."""

from __future__ import annotations

import duckdb
import pytest

from assistant.errors import WorkspaceTooNew
from assistant.stores.records import Records
from assistant.stores.schema import BASELINE, MIGRATIONS, SCHEMA_VERSION, migrate, schema_version


def _previous_workspace(path):
    """A records database as the faprep before schema versions left it: the baseline DDL run on open,
    some rows ingested, no version table."""
    con = duckdb.connect(str(path))
    for ddl in BASELINE:
        con.execute(ddl)
    con.execute(
        "INSERT INTO files (path, sha256, category, kind, status, n_rows) VALUES ('products.csv', 'abc', 'records', 'products', 'done', 1)"
    )
    con.execute(
        "INSERT INTO products (source_file, source_row, part_number, hts, raw) VALUES ('products.csv', 1, 'QX-11', '3926909985', '{}')"
    )
    con.close()


def test_a_workspace_of_the_previous_schema_is_upgraded_in_place(tmp_path):
    db = tmp_path / "records.duckdb"
    _previous_workspace(db)
    with Records(db) as rec:
        assert schema_version(rec.con) == SCHEMA_VERSION
        assert rec.manifest() == {"products.csv": ("abc", "done")}  # not rebuilt: the manifest and rows stay
        assert rec.con.execute("SELECT part_number, hts FROM products").fetchall() == [("QX-11", "3926909985")]
    with Records(db) as rec:  # a second open applies nothing again
        assert rec.con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_a_read_only_open_upgrades_first(tmp_path):
    db = tmp_path / "records.duckdb"
    _previous_workspace(db)
    with Records(db, read_only=True) as rec:
        assert schema_version(rec.con) == SCHEMA_VERSION
        assert rec.con.execute("SELECT count(*) FROM products").fetchone()[0] == 1


def test_migrations_apply_once_in_order_and_a_failed_one_changes_nothing(tmp_path):
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    extra = [
        *MIGRATIONS,
        (SCHEMA_VERSION + 1, "a column", ["ALTER TABLE products ADD COLUMN unit_weight DOUBLE"]),
    ]
    assert migrate(con, extra) == [m[0] for m in extra]
    assert migrate(con, extra) == []
    assert "unit_weight" in [r[0] for r in con.execute("DESCRIBE products").fetchall()]
    broken = [*extra, (SCHEMA_VERSION + 2, "broken", ["CREATE TABLE t1 (a INT)", "NOT SQL AT ALL"])]
    with pytest.raises(duckdb.Error):
        migrate(con, broken)
    assert schema_version(con) == SCHEMA_VERSION + 1
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 't1'").fetchone()[0] == 0


def test_a_workspace_from_a_newer_faprep_is_refused_unchanged(tmp_path):
    db = tmp_path / "records.duckdb"
    with Records(db):
        pass
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_version VALUES (?, current_timestamp, 'from the future')", [SCHEMA_VERSION + 5])
    con.close()
    with pytest.raises(WorkspaceTooNew, match="newer faprep"):
        Records(db)
    con = duckdb.connect(str(db), read_only=True)
    assert schema_version(con) == SCHEMA_VERSION + 5
    con.close()
