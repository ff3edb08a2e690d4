"""The records database's schema: the structured tables (one per kind of file, from the column
specs of docs/data-formats.md section 2), the document catalogue, the manifest, and its versions.

The schema has a version (``schema_version``); ``migrate`` applies the ordered ``MIGRATIONS`` a
workspace has not had yet, so a workspace made by an older faprep is upgraded in place, never
silently rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import normalize as nz
from assistant.errors import WorkspaceTooNew


@dataclass(frozen=True)
class Column:
    name: str  # column in the records table
    header: str  # spelling of docs/data-formats.md (ACE spelling for ES-003)
    type: str  # entry | hts | money | date | int | number | text | upper | flag
    required: bool = False
    aliases: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {nz.header_key(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True)
class TableSpec:
    kind: str  # records table name
    label: str
    columns: tuple[Column, ...]
    # headers that must be present for the file to be recognised as this kind
    signature: tuple[str, ...] = field(default=())

    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


ES003 = TableSpec(
    "entry_lines",
    "ACE ES-003 entry lines",
    (
        Column("entry_number", "Entry Summary Number", "entry", True, ("Entry Number", "Entry No")),
        Column("entry_type", "Entry Type Code", "text", aliases=("Entry Type",)),
        Column("entry_summary_date", "Entry Summary Date", "date", True),
        Column("entry_date", "Entry Date", "date"),
        Column("importer_number", "Importer Number", "text", aliases=("IOR Number",)),
        Column("port_code", "Port of Entry Code", "text", aliases=("Port Code",)),
        Column("line_number", "Entry Summary Line Number", "int", True, ("Line Number",)),
        Column("tariff_ordinal", "Tariff Ordinal Number", "int"),
        Column("hts", "HTS Number - Full", "hts", True, ("HTS Number Full", "HTSUS Number", "Tariff Number")),
        Column("country_of_origin", "Country of Origin Code", "upper", True, ("Country of Origin",)),
        Column("country_of_export", "Country of Export Code", "upper"),
        Column("mid", "Manufacturer ID", "upper", aliases=("MID",)),
        Column("spi", "Line SPI Code", "upper", aliases=("SPI Code", "SPI")),
        Column("quantity", "Line Tariff Quantity (1)", "number", aliases=("Line Tariff Quantity",)),
        Column("uom", "Line Tariff UOM (1) Code", "upper", aliases=("Line Tariff UOM Code",)),
        Column("value", "Line Tariff Goods Value Amount", "money", True, ("Entered Value",)),
        Column("duty", "Line Tariff Duty Amount", "money"),
        Column("psc", "Post Summary Correction Indicator", "flag", aliases=("PSC Indicator",)),
        Column("related_party", "Related Party Indicator", "flag"),
        Column("part_number", "Part Number", "upper", aliases=("SKU",)),
        Column("description", "Line Description", "text"),
        Column("invoice_number", "Commercial Invoice Number", "upper", aliases=("Invoice Number",)),
        Column("additions", "Line Additions Amount", "money"),
    ),
    signature=("Entry Summary Number", "Entry Summary Line Number", "HTS Number - Full"),
)

PRODUCTS = TableSpec(
    "products",
    "product master",
    (
        Column("part_number", "Part Number", "upper", True, ("SKU",)),
        Column("description", "Description", "text"),
        Column("hts", "HTS Number", "hts", True, ("HTS", "Approved HTS")),
        Column("country_of_origin", "Country of Origin", "upper"),
        Column("ruling_number", "Ruling Number", "upper", aliases=("Ruling",)),
        Column("rationale", "Classification Rationale", "text", aliases=("Rationale",)),
        Column("approved_by", "Approved By", "text"),
        Column("approved_date", "Approved Date", "date"),
    ),
    signature=("Part Number", "HTS Number", "Description"),
)

PAYMENTS = TableSpec(
    "payments",
    "payments",
    (
        Column("payment_id", "Payment ID", "upper", True),
        Column("payment_date", "Payment Date", "date", True),
        Column("vendor_name", "Vendor Name", "text"),
        Column("vendor_country", "Vendor Country", "upper"),
        Column("mid", "Manufacturer ID", "upper", aliases=("MID",)),
        Column("amount", "Amount", "money", True),
        Column("gl_account", "GL Account", "text"),
        Column("memo", "Memo", "text"),
        Column("part_number", "Part Number", "upper"),
        Column("included_in_price", "Included In Invoice Price", "flag"),
    ),
    signature=("Payment ID", "Payment Date", "Amount"),
)

CERTIFICATES = TableSpec(
    "certificates",
    "certificates",
    (
        Column("certificate_id", "Certificate ID", "upper", True),
        Column("program", "Program", "upper", True),
        Column("part_number", "Part Number", "upper", True),
        Column("producer", "Producer", "text"),
        Column("blanket_start", "Blanket Start", "date", True),
        Column("blanket_end", "Blanket End", "date", True),
        Column("document", "Document", "text"),
    ),
    signature=("Certificate ID", "Program", "Blanket Start"),
)

BROKER_REVIEWS = TableSpec(
    "broker_reviews",
    "broker reviews",
    (
        Column("entry_number", "Entry Summary Number", "entry", True, ("Entry Number",)),
        Column("reviewed_by", "Reviewed By", "text"),
        Column("review_date", "Review Date", "date", True),
        Column("result", "Result", "text"),
    ),
    signature=("Entry Summary Number", "Reviewed By", "Review Date"),
)

SPECS: tuple[TableSpec, ...] = (ES003, PRODUCTS, PAYMENTS, CERTIFICATES, BROKER_REVIEWS)
SPEC_BY_KIND = {s.kind: s for s in SPECS}

_SQL_TYPES = {
    "entry": "VARCHAR",
    "hts": "VARCHAR",
    "money": "DECIMAL(18,2)",
    "date": "DATE",
    "int": "INTEGER",
    "number": "DOUBLE",
    "text": "VARCHAR",
    "upper": "VARCHAR",
    "flag": "BOOLEAN",
}


def table_ddl(spec: TableSpec) -> str:
    cols = ",\n  ".join(f"{c.name} {_SQL_TYPES[c.type]}" for c in spec.columns)
    return (
        f"CREATE TABLE IF NOT EXISTS {spec.kind} (\n  source_file VARCHAR NOT NULL,\n  source_row INTEGER NOT NULL,\n"
        f"  {cols},\n  raw VARCHAR\n)"
    )


# Version 1: the schema as it was before versions were kept (every statement idempotent, so a
# workspace made then is adopted as version 1 without a change).
BASELINE = [
    *(table_ddl(spec) for spec in SPECS),
    """CREATE TABLE IF NOT EXISTS files (
        path VARCHAR PRIMARY KEY,      -- as given relative to the case root, or absolute
        abs_path VARCHAR,
        sha256 VARCHAR,
        size BIGINT,
        category VARCHAR,              -- records | document | rejected
        kind VARCHAR,                  -- entry_lines, products, ... or a document kind
        status VARCHAR,                -- writing | done | rejected | partial
        n_rows INTEGER, n_rejected INTEGER, n_pages INTEGER, n_chunks INTEGER,
        message VARCHAR,
        ingested_at TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS file_rejects (
        path VARCHAR, row INTEGER, field VARCHAR, reason VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS documents (
        path VARCHAR PRIMARY KEY, kind VARCHAR, title VARCHAR, n_pages INTEGER, n_chars INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS pages (
        path VARCHAR, page INTEGER, text VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS chunks (
        chunk_id VARCHAR PRIMARY KEY, path VARCHAR, page INTEGER, char_start INTEGER, char_end INTEGER,
        kind VARCHAR, text VARCHAR, n_tokens INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS identifiers (
        path VARCHAR, chunk_id VARCHAR, id_kind VARCHAR, value VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS rulings (
        ruling_number VARCHAR, path VARCHAR, ruling_date DATE, tariff_numbers VARCHAR[], subject VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id INTEGER, started TIMESTAMP, finished TIMESTAMP, n_seen INTEGER, n_ingested INTEGER,
        n_skipped INTEGER, n_rejected INTEGER, n_pruned INTEGER, status VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    # An entry document is linked to every entry its text or file name mentions, and to every
    # entry whose lines name an invoice number that the document mentions.
    """CREATE OR REPLACE VIEW document_entries AS
        SELECT DISTINCT i.path, i.value AS entry_number, 'mentions entry' AS via
        FROM identifiers i WHERE i.id_kind = 'entry'
        UNION
        SELECT DISTINCT i.path, e.entry_number, 'invoice ' || e.invoice_number AS via
        FROM identifiers i JOIN (SELECT DISTINCT entry_number, invoice_number FROM entry_lines
                                 WHERE invoice_number IS NOT NULL) e
          ON i.id_kind = 'ref' AND i.value = e.invoice_number""",
]


# (version, what it changes, statements), in order; a statement runs once per workspace.
Migration = tuple[int, str, list[str]]
MIGRATIONS: list[Migration] = [
    (1, "records, document catalogue, manifest and run log", BASELINE),
    (
        2,
        "pages read by OCR: the flag and the mean confidence",
        [
            "ALTER TABLE pages ADD COLUMN IF NOT EXISTS ocr BOOLEAN DEFAULT false",
            "ALTER TABLE pages ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE",
        ],
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP, description VARCHAR)"
)


def schema_version(con) -> int:
    """The workspace's schema version: 0 for a database made before versions were kept (or empty)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' AND table_schema = 'main'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM main.schema_version").fetchone()
    return int(row[0] or 0) if row else 0


def migrate(con, migrations: list[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations newer than the workspace's version, each in one transaction; the versions applied.

    A workspace made by a newer faprep (a version this one does not know) is refused, never changed.
    """
    current = schema_version(con)
    latest = migrations[-1][0]
    if current > latest:
        raise WorkspaceTooNew(
            f"this workspace's records are at schema version {current}, made by a newer faprep than this one "
            f"(which knows versions up to {latest}): upgrade faprep, or use another workspace"
        )
    applied = []
    for version, description, statements in migrations:
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_VERSION_TABLE)
            for statement in statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, current_timestamp, ?)", [version, description])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
