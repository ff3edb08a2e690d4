"""Records built row by row in a real DuckDB, for the unit tests of the checks and the mock audit."""

from __future__ import annotations

import datetime as dt

from assistant.checks import run_checks
from assistant.stores.records import Records
from tests.support.workspace import make_settings

AS_OF = dt.date(2026, 6, 30)
D = dt.date.fromisoformat


class Case:
    """A workspace's records built row by row; ``run`` runs checks over them."""

    def __init__(self, tmp_path, **check_env):
        self.settings = make_settings(tmp_path, "unit", as_of=AS_OF)
        self.rec = Records(tmp_path / "records.duckdb")
        self.row = 0

    def add(self, table: str, **values) -> None:
        self.row += 1
        values = {"source_file": f"{table}.csv", "source_row": self.row, **values}
        cols = ", ".join(values)
        self.rec.con.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values())
        )

    def line(
        self, entry, line, day, part, hts, value, qty=100, duty=None, coo="CN", mid="CNMAKER1SHA", ordinal=1, **kw
    ):
        day = D(day) if isinstance(day, str) else day
        self.add(
            "entry_lines",
            entry_number=entry,
            line_number=line,
            tariff_ordinal=ordinal,
            entry_summary_date=day,
            entry_date=kw.pop("entry_date", day),
            part_number=part,
            hts=hts,
            value=value,
            quantity=qty,
            duty=value * 0.05 if duty is None else duty,
            country_of_origin=coo,
            mid=mid,
            **kw,
        )

    def product(self, part, hts, coo="CN", ruling=None):
        self.add(
            "products",
            part_number=part,
            hts=hts,
            country_of_origin=coo,
            ruling_number=ruling,
            description=f"item {part}",
        )

    def run(self, *checks, **filters):
        return run_checks(self.settings, self.rec.con, list(checks) or None, **filters)

    def subjects(self, *checks):
        return [f.subject for f in self.run(*checks).findings]
