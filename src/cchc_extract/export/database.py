"""Reports into a database: SQLite by default, PostgreSQL by URL, one schema for both.

Every record table is keyed by the document's sha256, so loading the same file
twice adds nothing, and a document's rows are written inside one savepoint of
a transaction that may hold several documents: a crash leaves each document
either whole or absent. ``references`` is a reserved word
in SQL, so mentions of other documents live in ``doc_references``; the view
``citations`` answers "which reports cite which document key".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import operator
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import OutputError, first_line
from ..identity import report_identity
from ..models import Report, TableRow

_TYPES = {
    "sqlite": {"real": "REAL", "date": "TEXT", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    "postgresql": {"real": "DOUBLE PRECISION", "date": "DATE", "serial": "BIGSERIAL PRIMARY KEY"},
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    pages INTEGER,
    doc_type TEXT,
    number TEXT,
    symbol TEXT,
    issuer TEXT,
    issuer_normalized TEXT,
    place TEXT,
    date {date},
    subject TEXT,
    signer TEXT,
    signer_title TEXT,
    schema_version TEXT NOT NULL,
    extracted_at TEXT NOT NULL,
    seconds {real},
    report TEXT NOT NULL,
    identity TEXT,
    fingerprint TEXT,
    report_key TEXT
);
CREATE TABLE IF NOT EXISTS sections (
    document TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    id TEXT NOT NULL,
    number TEXT,
    level INTEGER,
    title TEXT,
    parent TEXT,
    span_start INTEGER,
    span_end INTEGER,
    page INTEGER,
    PRIMARY KEY (document, ordinal)
);
CREATE TABLE IF NOT EXISTS doc_references (
    document TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    doc_type TEXT,
    number TEXT,
    year INTEGER,
    symbol TEXT,
    key TEXT,
    date {date},
    issuer TEXT,
    issuer_normalized TEXT,
    resolved_key TEXT,
    section TEXT,
    span_start INTEGER,
    span_end INTEGER,
    page INTEGER,
    self_mention INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document, ordinal)
);
CREATE INDEX IF NOT EXISTS doc_references_key ON doc_references (key);
CREATE INDEX IF NOT EXISTS doc_references_type ON doc_references (doc_type);
CREATE TABLE IF NOT EXISTS figures (
    document TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    value {real} NOT NULL,
    unit TEXT,
    share_percent {real},
    of_total {real},
    label TEXT,
    section TEXT,
    span_start INTEGER,
    span_end INTEGER,
    page INTEGER,
    unit_family TEXT,
    PRIMARY KEY (document, ordinal)
);
CREATE INDEX IF NOT EXISTS figures_unit ON figures (unit);
CREATE TABLE IF NOT EXISTS table_rows (
    document TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    table_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    table_title TEXT,
    code TEXT,
    label TEXT,
    unit TEXT,
    unit_resolved TEXT,
    value TEXT,
    number {real},
    note TEXT,
    parent TEXT,
    legend TEXT,
    value_label TEXT,
    extra TEXT,
    page INTEGER,
    PRIMARY KEY (document, table_id, ordinal)
);
CREATE INDEX IF NOT EXISTS table_rows_code ON table_rows (code);
CREATE TABLE IF NOT EXISTS checks (
    document TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    location TEXT,
    PRIMARY KEY (document, ordinal)
);
CREATE INDEX IF NOT EXISTS checks_rule ON checks (rule);
CREATE TABLE IF NOT EXISTS failures (
    id {serial},
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    UNIQUE (path, sha256)
);
CREATE INDEX IF NOT EXISTS failures_sha256 ON failures (sha256);
"""

# Columns added after a database may have been made by an earlier version: added on open.
_ADDED_COLUMNS = (
    ("doc_references", "self_mention", "INTEGER NOT NULL DEFAULT 0"),
    ("figures", "unit_family", "TEXT"),
    ("documents", "identity", "TEXT"),
    ("documents", "fingerprint", "TEXT"),
    ("documents", "report_key", "TEXT"),
)
# Indexes on added columns: made once the columns are there.
_ADDED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS documents_report_key ON documents (report_key)",
    "CREATE INDEX IF NOT EXISTS documents_identity ON documents (identity)",
    "CREATE INDEX IF NOT EXISTS documents_fingerprint ON documents (fingerprint)",
)

# One row per cited key and citing report: the renderings of one report (its .txt, .docx,
# .pdf) share a report_key and count once, shown by the first of them by path (a document
# stored before report keys is a report of its own); mentions: in the rendering that cites
# the key most often; renderings: how many of the report's files cite it.
_VIEW = """
{create} citations AS
SELECT cited_key, cited_type, report_key, document, path, issuer, date, mentions, renderings
FROM (
    SELECT per_file.*,
           ROW_NUMBER() OVER (PARTITION BY cited_key, cited_type, report_key ORDER BY path, document) AS rank,
           MAX(file_mentions) OVER (PARTITION BY cited_key, cited_type, report_key) AS mentions,
           COUNT(*) OVER (PARTITION BY cited_key, cited_type, report_key) AS renderings
    FROM (
        SELECT r.key AS cited_key, r.doc_type AS cited_type, COALESCE(d.report_key, d.sha256) AS report_key,
               d.sha256 AS document, d.path, d.issuer, d.date, COUNT(*) AS file_mentions
        FROM doc_references r JOIN documents d ON d.sha256 = r.document
        WHERE r.key IS NOT NULL AND r.self_mention = 0
        GROUP BY r.key, r.doc_type, d.report_key, d.sha256, d.path, d.issuer, d.date
    ) per_file
) ranked
WHERE rank = 1
"""


Table = tuple[str, tuple[str, ...], list[tuple[Any, ...]]]
DocumentRows = list[Table]  # (table, columns, rows) for each table; "documents" comes first

_DOCUMENT_COLUMNS = (
    "sha256",
    "path",
    "format",
    "pages",
    "doc_type",
    "number",
    "symbol",
    "issuer",
    "issuer_normalized",
    "place",
    "date",
    "subject",
    "signer",
    "signer_title",
    "schema_version",
    "extracted_at",
    "seconds",
    "report",
    "identity",
    "fingerprint",
    "report_key",
)
_IDENTITY, _FINGERPRINT, _REPORT_KEY = (_DOCUMENT_COLUMNS.index(c) for c in ("identity", "fingerprint", "report_key"))
_SECTION_COLUMNS = ("document", "ordinal", "id", "number", "level", "title", "parent", "span_start", "span_end", "page")
_REFERENCE_COLUMNS = (
    "document",
    "ordinal",
    "text",
    "doc_type",
    "number",
    "year",
    "symbol",
    "key",
    "date",
    "issuer",
    "issuer_normalized",
    "resolved_key",
    "section",
    "span_start",
    "span_end",
    "page",
    "self_mention",
)
_FIGURE_COLUMNS = (
    "document",
    "ordinal",
    "text",
    "value",
    "unit",
    "share_percent",
    "of_total",
    "label",
    "section",
    "span_start",
    "span_end",
    "page",
    "unit_family",
)
_ROW_FIELDS = TableRow.field_names()  # the columns are the contract's, in its order
_ROW_VALUES = operator.attrgetter(*_ROW_FIELDS)
# the fields that hold a mapping or a list, stored as JSON text
_ROW_JSON = tuple(
    i for i, f in enumerate(dataclasses.fields(TableRow)) if any(k in str(f.type) for k in ("dict", "list"))
)
_TABLE_ROW_COLUMNS = ("document", "table_id", "ordinal", "table_title", *_ROW_FIELDS)
_CHECK_COLUMNS = ("document", "ordinal", "rule", "severity", "message", "location")


def _sha(document: DocumentRows) -> str:
    return str(document[0][2][0][0])  # the first value of the documents row


def document_rows(
    report: Report, report_json: str, seconds: float | None = None, fingerprint: str | None = None
) -> DocumentRows:
    """The rows that store one report, ready to insert: plain values a worker process can send.

    ``fingerprint``: ``identity.text_fingerprint`` of the report's text, by which its
    renderings are known when the header does not tell who issued what when; the
    ``report_key`` is left for ``Store.write`` to settle against what is stored.
    """
    sha = report.source.sha256
    m = report.metadata
    document = (
        sha,
        report.source.path,
        report.source.format,
        report.source.pages,
        m.doc_type,
        m.number,
        m.symbol,
        m.issuer,
        m.issuer_normalized,
        m.place,
        _date(m.date),
        m.subject,
        m.signer,
        m.signer_title,
        report.schema_version,
        _now(),
        seconds,
        report_json,
        report_identity(m),
        fingerprint,
        None,  # report_key
    )
    return [
        ("documents", _DOCUMENT_COLUMNS, [document]),
        (
            "sections",
            _SECTION_COLUMNS,
            [
                (sha, i, s.id, s.number, s.level, s.title, s.parent, s.span[0], s.span[1], s.page)
                for i, s in enumerate(report.sections)
            ],
        ),
        (
            "doc_references",
            _REFERENCE_COLUMNS,
            [
                (
                    sha,
                    i,
                    r.text,
                    r.doc_type,
                    r.number,
                    r.year,
                    r.symbol,
                    r.key,
                    _date(r.date),
                    r.issuer,
                    r.issuer_normalized,
                    r.resolved_key,
                    r.section,
                    r.span[0],
                    r.span[1],
                    r.page,
                    int(r.self),
                )
                for i, r in enumerate(report.references)
            ],
        ),
        (
            "figures",
            _FIGURE_COLUMNS,
            [
                (
                    sha,
                    i,
                    f.text,
                    f.value,
                    f.unit,
                    f.share_percent,
                    f.of_total,
                    f.label,
                    f.section,
                    f.span[0],
                    f.span[1],
                    f.page,
                    f.unit_family,
                )
                for i, f in enumerate(report.figures)
            ],
        ),
        (
            "table_rows",
            _TABLE_ROW_COLUMNS,
            [(sha, t.id, i, t.title, *_row_values(r)) for t in report.tables for i, r in enumerate(t.rows)],
        ),
        (
            "checks",
            _CHECK_COLUMNS,
            [(sha, i, c.rule, c.severity, c.message, _json(c.where)) for i, c in enumerate(report.checks)],
        ),
    ]


class Store:
    """A database of reports. ``open_store`` picks SQLite or PostgreSQL from the target."""

    dialect = "sqlite"
    mark = "?"
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)
    # what the database raises on a row it refuses, as opposed to failing itself
    row_errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError)

    def __init__(self, connection: Any):
        self.connection = connection
        self.create()

    def create(self) -> None:
        types = _TYPES[self.dialect]
        with self.transaction() as cursor:
            for statement in _SCHEMA.format(**types).split(";"):
                if statement.strip():
                    cursor.execute(statement)
            for table, column, kind in _ADDED_COLUMNS:
                if column not in self._columns(cursor, table):
                    cursor.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            for statement in _ADDED_INDEXES:
                cursor.execute(statement)
            # the view is made again: an earlier version's counted mentions of a report's own number,
            # and counted files, not reports
            cursor.execute("DROP VIEW IF EXISTS citations")
            cursor.execute(_VIEW.format(create="CREATE VIEW"))

    def _columns(self, cursor: Any, table: str) -> set[str]:
        if self.dialect == "sqlite":
            cursor.execute(f"PRAGMA table_info({table})")
            return {row[1] for row in cursor.fetchall()}
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,))
        return {row[0] for row in cursor.fetchall()}

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        cursor = self.connection.cursor()
        try:
            yield cursor
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        finally:
            cursor.close()

    def known(self) -> set[str]:
        """The sha256 of every stored document."""
        with self.transaction() as cursor:
            cursor.execute("SELECT sha256 FROM documents")
            return {row[0] for row in cursor.fetchall()}

    def write(self, documents: Sequence[DocumentRows]) -> list[Exception | None]:
        """Store several documents in one commit; each is written whole or not at all.

        The group is first inserted table by table, all documents at once (rows of
        one table go in together, which the database does fastest). If the database
        refuses a row (``row_errors``: a constraint, a value it cannot take), that
        attempt is rolled back and the documents are written again one by one, each
        inside its own savepoint: the one refused is rolled back alone and its error
        returned in its place (None where a document was stored, or was there already,
        perhaps stored meanwhile by another batch). Any other error is the database
        failing (disk full, connection lost): it is raised as it came, the group rolled
        back. Committing a group at a time spares a commit per document; a crash loses at
        most the uncommitted group, which the next run redoes.

        The transaction takes the write lock first (``BEGIN IMMEDIATE``; on PostgreSQL an
        advisory lock), so that two batches writing to one database wait for each other
        in turn instead of failing on a lock, or on each other's documents.
        """
        with self.transaction() as cursor:
            self._lock(cursor)
            new = [d for d in documents if not self._stored(cursor, _sha(d))]
            self._assign_report_keys(cursor, new)
            cursor.execute("SAVEPOINT documents")
            try:
                self._insert_all(cursor, new)
            except self.errors as exc:
                self._roll_back_to(cursor, "documents", exc)
                if not isinstance(exc, self.row_errors):
                    raise
                return [self._write_one(cursor, d) for d in documents]
            cursor.execute("RELEASE SAVEPOINT documents")
        return [None] * len(documents)

    def _assign_report_keys(self, cursor: Any, documents: Sequence[DocumentRows]) -> None:
        """Give each document the ``report_key`` of its report: that of a stored rendering (or
        of one earlier in this group) with the same identity, else with the same text
        fingerprint, else its identity, else its fingerprint. A key, once given, never
        changes: a later rendering takes the key its report already has."""
        if not documents:
            return
        rows = [d[0][2][0] for d in documents]
        identities = sorted({r[_IDENTITY] for r in rows if r[_IDENTITY]})
        fingerprints = sorted({r[_FINGERPRINT] for r in rows if r[_FINGERPRINT]})
        by_identity: dict[str, str] = {}
        by_fingerprint: dict[str, str] = {}
        lookups = (("identity", identities, by_identity), ("fingerprint", fingerprints, by_fingerprint))
        for column, values, known in lookups:
            for start in range(0, len(values), 500):
                part = values[start : start + 500]
                cursor.execute(
                    f"SELECT {column}, MIN(report_key) FROM documents WHERE {column} IN"
                    f" ({', '.join([self.mark] * len(part))}) AND report_key IS NOT NULL GROUP BY {column}",
                    part,
                )
                known.update(cursor.fetchall())
        for document, row in zip(documents, rows, strict=True):
            identity, fingerprint = row[_IDENTITY], row[_FINGERPRINT]
            key = (
                by_identity.get(identity or "")
                or by_fingerprint.get(fingerprint or "")
                or identity
                or fingerprint
                or row[0]
            )
            if identity:
                by_identity.setdefault(identity, key)
            if fingerprint:
                by_fingerprint.setdefault(fingerprint, key)
            document[0][2][0] = (*row[:_REPORT_KEY], key, *row[_REPORT_KEY + 1 :])

    def _lock(self, cursor: Any) -> None:
        """Take the database's write lock for this transaction (waiting up to the busy timeout)."""
        if not self.connection.in_transaction:
            cursor.execute("BEGIN IMMEDIATE")  # a deferred BEGIN would fail, not wait, on upgrading its lock

    def _roll_back_to(self, cursor: Any, savepoint: str, cause: Exception) -> None:
        """Undo to ``savepoint``; should the database have dropped the whole transaction
        (SQLite does on a full disk), raise the error that made it, not "no such savepoint"."""
        try:
            cursor.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
            cursor.execute(f"RELEASE SAVEPOINT {savepoint}")
        except self.errors:
            raise cause from None

    def _stored(self, cursor: Any, sha: str) -> bool:
        cursor.execute(f"SELECT 1 FROM documents WHERE sha256 = {self.mark}", (sha,))
        return cursor.fetchone() is not None

    def _insert_all(self, cursor: Any, documents: Sequence[DocumentRows]) -> None:
        if not documents:
            return
        for k, (table, columns, _) in enumerate(documents[0]):
            rows = [row for document in documents for row in document[k][2]]
            if rows:
                marks = ", ".join([self.mark] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        cursor.executemany(f"DELETE FROM failures WHERE sha256 = {self.mark}", [(_sha(d),) for d in documents])

    def _write_one(self, cursor: Any, document: DocumentRows) -> Exception | None:
        """One document in its own savepoint: its error, or None once it is stored."""
        cursor.execute("SAVEPOINT document")
        try:
            if not self._stored(cursor, _sha(document)):
                self._insert_all(cursor, [document])
        except self.errors as exc:
            self._roll_back_to(cursor, "document", exc)
            if not isinstance(exc, self.row_errors):
                raise
            return None if self._stored(cursor, _sha(document)) else exc
        cursor.execute("RELEASE SAVEPOINT document")
        return None

    def stored_documents(self, shas: Sequence[str]) -> list[tuple[Any, ...]]:
        """(report JSON, extracted_at, seconds, fingerprint, report_key) of the stored documents
        among ``shas``, from which their rows can be made again."""
        with self.transaction() as cursor:
            cursor.execute(
                "SELECT report, extracted_at, seconds, fingerprint, report_key FROM documents"
                f" WHERE sha256 IN ({', '.join([self.mark] * len(shas))}) ORDER BY sha256",
                list(shas),
            )
            return list(cursor.fetchall()) if shas else []

    def failures(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """The columns and rows of ``failures``, oldest first."""
        columns = ("path", "sha256", "kind", "message", "failed_at")
        with self.transaction() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM failures ORDER BY failed_at, path")
            return columns, list(cursor.fetchall())

    def forget_stored_failures(self) -> None:
        """Drop the failures of files whose document is stored now (a later run, or another batch,
        stored it), so that ``failures`` lists only what is still missing."""
        with self.transaction() as cursor:
            self._lock(cursor)
            cursor.execute("DELETE FROM failures WHERE sha256 IN (SELECT sha256 FROM documents)")

    def fail(self, path: str, sha256: str, kind: str, message: str) -> None:
        """Record a file that could not be read; a second failure of the same file replaces the first."""
        with self.transaction() as cursor:
            self._lock(cursor)
            cursor.execute(
                f"INSERT INTO failures (path, sha256, kind, message, failed_at) VALUES ({', '.join([self.mark] * 5)})"
                " ON CONFLICT (path, sha256) DO UPDATE SET kind = excluded.kind, message = excluded.message,"
                " failed_at = excluded.failed_at",
                (path, sha256, kind, message, _now()),
            )

    def close(self) -> None:
        self.connection.close()


_WRITE_LOCK = 0x63636863  # "cchc": the advisory lock the writers of one database share


class PostgresStore(Store):
    dialect = "postgresql"
    mark = "%s"

    def __init__(self, connection: Any):
        import psycopg

        self.errors = (psycopg.Error,)
        self.row_errors = (psycopg.IntegrityError, psycopg.DataError)
        super().__init__(connection)

    def _lock(self, cursor: Any) -> None:
        # one writer at a time, as SQLite's BEGIN IMMEDIATE: two batches inserting the same
        # document would otherwise wait on each other's rows and then fail on the duplicate
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))


def open_store(target: str) -> Store:
    """A store for ``target``: a ``postgresql://`` URL, or a path to an SQLite file (created if absent)."""
    if target.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg
        except ImportError as exc:
            raise OutputError(target, "error.db.psycopg", "remedy.db.psycopg") from exc
        try:
            return PostgresStore(psycopg.connect(target))
        except psycopg.Error as exc:
            raise OutputError(hide_password(target), "error.db.connect", reason=first_line(exc)) from exc
    path = Path(target)
    if path.exists() and path.is_dir():
        raise OutputError(path, "error.db.folder")
    try:
        connection = sqlite3.connect(path, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        # 16 KB pages for a new file (an existing one keeps its own): fewer page splits
        # and overflow pages for the rows and the report JSON a batch writes
        connection.execute("PRAGMA page_size = 16384")
        connection.execute("PRAGMA journal_mode = WAL")
        # WAL with NORMAL sync: every commit is atomic and survives a killed process; only a
        # power cut may lose the last few commits, which the next run then simply redoes
        connection.execute("PRAGMA synchronous = NORMAL")
        return Store(connection)
    except sqlite3.DatabaseError as exc:
        raise OutputError(path, "error.db.sqlite", reason=str(exc)) from exc


def schema_columns() -> dict[str, list[tuple[str, str]]]:
    """Each table's columns with their SQL type as PostgreSQL names it (INTEGER, REAL, DATE,
    TEXT), in the schema's order: for exporters that keep the database's types."""
    types = {"real": "REAL", "date": "DATE", "serial": "INTEGER"}
    tables: dict[str, list[tuple[str, str]]] = {}
    for statement in _SCHEMA.format(**types).split(";"):
        head, _, body = statement.partition("(")
        if "CREATE TABLE" not in head:
            continue
        name = head.split()[-1]
        tables[name] = [
            (line.split()[0], line.split()[1].rstrip(","))
            for line in body.splitlines()
            if line.strip() and not line.split()[0].isupper() and not line.strip().startswith(")")
        ]
    return tables


def hide_password(url: str) -> str:
    """A database target fit to print: a URL's password replaced by ***."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, rest = head.split("//", 1)
    return f"{scheme}//{rest.split(':', 1)[0]}:***@{tail}"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _row_values(row: TableRow) -> list[Any]:
    """A table row's values as its columns hold them: mappings and lists as JSON text."""
    values = list(_ROW_VALUES(row))
    for i in _ROW_JSON:
        values[i] = _json(values[i])
    return values


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
