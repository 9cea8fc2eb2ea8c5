"""One CSV per table, UTF-8 with a BOM so that Excel opens Vietnamese text correctly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..errors import OutputError
from ..models import Report, Table, TableRow

FIELDS = [name for name in TableRow.model_fields if name != "extra"]  # extra columns follow by name


def table_csv(table: Table) -> str:
    """The rows of a table as CSV text; extra columns follow the standard ones by name."""
    extra = list(dict.fromkeys(name for row in table.rows for name in row.extra))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS + extra)
    for row in table.rows:
        data = row.model_dump()
        cells = [data[f] for f in FIELDS]
        cells[FIELDS.index("legend")] = json.dumps(row.legend, ensure_ascii=False) if row.legend else None
        writer.writerow(["" if c is None else c for c in cells] + [row.extra.get(name) or "" for name in extra])
    return out.getvalue()


def write_csv(report: Report, folder: Path, *, force: bool = False) -> list[Path]:
    """Write ``<table id>.csv`` for each table into ``folder``; refuse to overwrite unless forced."""
    targets = [(folder / f"{table.id}.csv", table) for table in report.tables]
    existing = [str(path) for path, _ in targets if path.exists()]
    if existing and not force:
        raise OutputError(existing[0], "already exists", "use --force to overwrite it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, table in targets:
            path.write_text(table_csv(table), encoding="utf-8-sig")
    except OSError as exc:
        raise OutputError(folder, f"cannot be written: {exc.strerror or exc}") from exc
    return [path for path, _ in targets]
