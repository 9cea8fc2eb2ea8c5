"""Stored reports as Parquet datasets, for data lakes (DuckDB, pandas, Spark, Polars).

``batch --parquet DIR`` writes one dataset (a folder of ``.parquet`` files) per record
kind: ``documents``, ``sections``, ``references``, ``figures``, ``table_rows``,
``checks`` and ``failures``. Their columns are the database's, in its order, with types
that never depend on the data (``column_types``): a column that is empty in one file is
typed as in every other, so that the files of many runs read as one table.

Documents come after the database has committed them, and are written in row groups
of ``DOCUMENTS_PER_ROW_GROUP``; a file is published (renamed from a hidden ``.tmp``
name, which readers skip) once it holds ``DOCUMENTS_PER_FILE`` documents or is
``SECONDS_PER_FILE`` old, and at the end of the batch. The files of one publication
share a name across the datasets, and ``documents`` is renamed last: a publication cut
short by a kill leaves files without their ``documents`` part, which the next run
deletes. Documents the database holds but the datasets lack (committed but not yet
published when the batch was killed, or stored by a run without ``--parquet``) are
written from the database by the next run over the same files, without extracting them
again. So a rerun appends what is missing and nothing twice. ``failures`` mirrors the
database's table and is written whole at the end of every run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import CchcError, OutputError
from .database import DocumentRows, Store, document_rows, schema_columns

# the database's tables by the name of their dataset ("references" is no reserved word here)
DATASETS = {
    "documents": "documents",
    "sections": "sections",
    "references": "doc_references",
    "figures": "figures",
    "table_rows": "table_rows",
    "checks": "checks",
    "failures": "failures",
}
_RECORDS = [name for name in DATASETS if name != "failures"]

DOCUMENTS_PER_ROW_GROUP = 512
DOCUMENTS_PER_FILE = 20_000
SECONDS_PER_FILE = 60.0

_BOOLEAN = {"self_mention"}
_TIMESTAMPS = {"extracted_at", "failed_at"}
_SKIPPED = {"id"}  # failures.id: a counter of one database, meaningless in another


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise CchcError(None, "error.parquet.pyarrow", "remedy.parquet.pyarrow") from exc
    return pyarrow


def column_types() -> dict[str, Any]:
    """The Arrow schema of each dataset, from the database's column types: INTEGER as int64,
    REAL as float64, dates as date32, times as UTC timestamps, text as string."""
    pa = _pyarrow()
    by_sql = {"INTEGER": pa.int64(), "REAL": pa.float64(), "DATE": pa.date32(), "TEXT": pa.string()}
    schemas = {}
    tables = schema_columns()
    for name, table in DATASETS.items():
        fields = []
        for column, sql_type in tables[table]:
            if column in _SKIPPED:
                continue
            if column in _BOOLEAN:
                kind = pa.bool_()
            elif column in _TIMESTAMPS:
                kind = pa.timestamp("ms", tz="UTC")  # Parquet has no seconds unit: ms is what reads back
            else:
                kind = by_sql[sql_type]
            fields.append(pa.field(column, kind))
        schemas[name] = pa.schema(fields)
    return schemas


def _convert(value: Any, kind: Any) -> Any:
    """A database value (dates and times as ISO text, booleans as 0/1) as Arrow takes it."""
    if value is None:
        return None
    pa = _pyarrow()
    if kind == pa.date32() and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(kind, pa.TimestampType) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if kind == pa.bool_():
        return bool(value)
    return value


def _table(schema: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    pa = _pyarrow()
    where = {c: i for i, c in enumerate(columns)}
    arrays = []
    for field in schema:
        i = where[field.name]
        plain = field.type in (pa.string(), pa.int64(), pa.float64())
        values = [row[i] for row in rows] if plain else [_convert(row[i], field.type) for row in rows]
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


class ParquetSink:
    """The Parquet datasets of one folder, appended to by one batch at a time."""

    def __init__(self, folder: Path):
        self.pa = _pyarrow()
        self.folder = Path(folder)
        try:
            for name in DATASETS:
                (self.folder / name).mkdir(parents=True, exist_ok=True)
            self._lock = (self.folder / ".lock").open("w")
        except OSError as exc:
            raise OutputError.unwritable(self.folder, exc) from exc
        try:
            import fcntl

            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass  # no advisory locks here: one batch at a time is then the user's to keep
        except OSError as exc:
            self._lock.close()
            raise OutputError(self.folder, "error.parquet.busy") from exc
        self.schemas = column_types()
        self._clean()
        self.exported = self._exported()
        self.run = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        self.sequence = 0
        self.buffer: dict[str, list[Any]] = {name: [] for name in _RECORDS}
        self.buffered = 0  # documents in the buffer
        self.writers: dict[str, Any] = {}  # the open file of each dataset, by dataset
        self.in_file = 0  # documents in the open files
        self.opened = 0.0

    def _parts(self, name: str) -> list[Path]:
        return sorted((self.folder / name).glob("part-*.parquet"))

    def _clean(self) -> None:
        """Remove what a killed batch left: hidden files it was writing, and the parts of a
        publication whose ``documents`` part it did not rename."""
        published = {p.name for p in self._parts("documents")}
        for name in DATASETS:
            for path in (self.folder / name).glob(".*.tmp"):
                path.unlink(missing_ok=True)
        for name in _RECORDS:
            for path in self._parts(name):
                if path.name not in published:
                    path.unlink(missing_ok=True)

    def _exported(self) -> set[str]:
        """The sha256 of every document in the ``documents`` dataset."""
        pq = self.pa.parquet
        found: set[str] = set()
        for path in self._parts("documents"):
            found.update(pq.read_table(path, columns=["sha256"]).column("sha256").to_pylist())
        return found

    def catch_up(self, store: Store, shas: Iterable[str]) -> None:
        """Write the documents of ``shas`` that the database holds and the datasets lack,
        from the report JSON stored with each (nothing is extracted again)."""
        from ..models import Report

        missing = [sha for sha in dict.fromkeys(shas) if sha not in self.exported]
        for start in range(0, len(missing), 500):
            documents = []
            for report_json, extracted_at, seconds, fingerprint, report_key in store.stored_documents(
                missing[start : start + 500]
            ):
                rows = document_rows(Report.model_validate_json(report_json), report_json, seconds, fingerprint)
                _, columns, (row,) = rows[0]
                values = dict(zip(columns, row, strict=True)) | {"extracted_at": extracted_at, "report_key": report_key}
                rows[0] = ("documents", columns, [tuple(values[c] for c in columns)])
                documents.append(rows)
            self.add(documents)

    def add(self, documents: Sequence[DocumentRows]) -> None:
        """Append documents the database has just stored."""
        for document in documents:
            sha = str(document[0][2][0][0])
            if sha in self.exported:
                continue
            self.exported.add(sha)
            for name, (_, columns, rows) in zip(_RECORDS, document, strict=True):
                if rows:
                    self.buffer[name].append((columns, rows))
            self.buffered += 1
        if self.buffered >= DOCUMENTS_PER_ROW_GROUP:
            self._write_row_group()
        if self.writers and (self.in_file >= DOCUMENTS_PER_FILE or time.monotonic() - self.opened >= SECONDS_PER_FILE):
            self.publish()

    def _write_row_group(self) -> None:
        pq = self.pa.parquet
        if not self.writers:
            self.opened = time.monotonic()
        for name in _RECORDS:
            pieces = self.buffer[name]
            if not pieces:
                continue
            columns = pieces[0][0]
            table = _table(self.schemas[name], columns, [row for _, rows in pieces for row in rows])
            writer = self.writers.get(name)
            if writer is None:
                writer = self.writers[name] = pq.ParquetWriter(self._temporary(name), self.schemas[name])
            writer.write_table(table, row_group_size=max(table.num_rows, 1))
            pieces.clear()
        self.in_file += self.buffered
        self.buffered = 0

    def _file(self, name: str) -> Path:
        return self.folder / name / f"part-{self.run}-{self.sequence:05}.parquet"

    def _temporary(self, name: str) -> Path:
        final = self._file(name)
        return final.with_name(f".{final.name}.tmp")

    def publish(self) -> None:
        """Close the open files and give them their names, ``documents`` last."""
        if self.buffered:
            self._write_row_group()
        if not self.writers:
            return
        for name in sorted(self.writers, key=lambda n: n == "documents"):
            self.writers[name].close()
            os.replace(self._temporary(name), self._file(name))
        self.writers.clear()
        self.in_file = 0
        self.sequence += 1

    def close(self, store: Store | None = None) -> None:
        """Publish what is written, write ``failures`` from ``store``, and let the folder go;
        a dataset still without a file gets an empty one, so that every reader finds it."""
        try:
            self.publish()
            if store is not None:
                self._write_whole("failures", "failures", store.failures())
            for name in _RECORDS:
                if not self._parts(name) and not (self.folder / name / "empty.parquet").exists():
                    self._write_whole(name, "empty", ([], []))
                elif self._parts(name):
                    (self.folder / name / "empty.parquet").unlink(missing_ok=True)
        finally:
            with contextlib.suppress(OSError):
                self._lock.close()

    def _write_whole(self, name: str, stem: str, content: tuple[Sequence[str], Sequence[Sequence[Any]]]) -> None:
        columns, rows = content
        table = _table(self.schemas[name], columns or self.schemas[name].names, rows)
        final = self.folder / name / f"{stem}.parquet"
        temporary = final.with_name(f".{final.name}.tmp")
        self.pa.parquet.write_table(table, temporary)
        os.replace(temporary, final)
