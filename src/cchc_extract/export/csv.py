"""One CSV per table, UTF-8 with a BOM so that Excel opens Vietnamese text correctly.

Two dialects (``DIALECTS``):

- ``excel`` (the default): comma-separated, one column per row field of the contract
  (code, label, unit, value, number, ...), then the table's other columns by name;
  for programs as much as for people.
- ``excel-vn``: for Excel set to Vietnamese (Windows' region "Vietnamese", whose list
  separator is ";" and decimal mark ","): semicolon-separated, the table's title and its
  unit line ("Đơn vị: Triệu đồng") on the first lines, then the document's own column
  headers and cells in its order; numbers with a decimal comma and no thousands mark
  ("1177", "12,5"), so that Excel reads them as numbers.

In both, numbers are written as numbers: "38", not "38.0".
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..errors import OutputError
from ..models import Report, Table, TableRow
from ..numbers import parse_number
from .review import table_grid

FIELDS = [name for name in TableRow.field_names() if name != "extra"]  # extra columns follow by name
DIALECTS = ("excel", "excel-vn")


def _number(value: float, decimal: str = ".") -> str:
    """38.0 -> "38", 12.5 -> "12.5" (or "12,5"), never an exponent."""
    text = str(int(value)) if value == int(value) else f"{value:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal)


def table_csv(table: Table, dialect: str = "excel") -> str:
    """The rows of a table as CSV text in ``dialect`` (see the module's docstring)."""
    if dialect == "excel-vn":
        return _excel_vn(table)
    if dialect != "excel":
        raise ValueError(f"unknown CSV dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    extra = list(dict.fromkeys(name for row in table.rows for name in row.extra))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS + extra)
    for row in table.rows:
        data = row.model_dump()
        cells = [data[f] for f in FIELDS]
        cells[FIELDS.index("legend")] = json.dumps(row.legend, ensure_ascii=False) if row.legend else None
        if row.number is not None:
            cells[FIELDS.index("number")] = _number(row.number)
        writer.writerow(["" if c is None else c for c in cells] + [row.extra.get(name) or "" for name in extra])
    return out.getvalue()


def _excel_vn(table: Table) -> str:
    columns, roles, grid = table_grid(table)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    width = len(columns)
    for line in (table.title, table.unit_line):
        if line:
            writer.writerow([line] + [""] * (width - 1))
    writer.writerow(columns)
    for row, cells in zip(table.rows, grid, strict=True):
        written = []
        for role, cell in zip(roles, cells, strict=True):
            if role == "value" and row.number is not None and not row.legend:
                written.append(_number(row.number, ","))
            elif role in (None, "value") and cell and (number := parse_number(cell)) is not None:
                written.append(_number(number, ","))  # a figure in another column of numbers
            else:
                written.append("" if cell is None else cell)
        writer.writerow(written)
    return out.getvalue()


def write_csv(report: Report, folder: Path, *, force: bool = False, dialect: str = "excel") -> list[Path]:
    """Write ``<table id>.csv`` for each table into ``folder``; refuse to overwrite unless forced."""
    targets = [(folder / f"{table.id}.csv", table) for table in report.tables]
    existing = [str(path) for path, _ in targets if path.exists()]
    if existing and not force:
        raise OutputError(existing[0], "error.output.exists", "remedy.output.force")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, table in targets:
            path.write_text(table_csv(table, dialect), encoding="utf-8-sig")
    except OSError as exc:
        raise OutputError.unwritable(folder, exc) from exc
    return [path for path, _ in targets]
