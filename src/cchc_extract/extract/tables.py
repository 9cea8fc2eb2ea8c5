"""Tables: statistics rows as records, whatever page breaks did to them.

From a grid (see grids.py) this module:

1. takes the header rows (before the first row with a code or a figure) and
   merges multi-line headers into column names ("Kết quả thống kê / Số liệu");
2. maps columns to code / label / unit / value / note by their names, keeping
   every other column by name in ``extra``;
3. drops header rows repeated after a page break and joins a row that a page
   break split in two;
4. reads codes ("2.3." -> "2.3"), parents, "Trong đó" sub-rows, "nt" units,
   coded answers ("Có = 1 Không = 0") and numbers ("1.177" -> 1177).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from .. import patternbook
from ..models import ParseWarning, Table, TableRow
from ..numbers import parse_number
from .grids import Grid, GridRow

SectionOf = Callable[[int], str | None]

_CODE = regex.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,4}\.?|[IVXL]{1,6}\.?|[a-zđ]\)?|[A-Z]\.?)$")
_LEGEND_PAIR = regex.compile(r"(?P<meaning>[^=]+?)\s*=\s*(?P<value>\d+)")
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("stt", "tt", "số tt", "số thứ tự", "mã số", "mã", "mã chỉ tiêu"),
    "unit": ("đơn vị tính", "đvt", "đơn vị"),
    "note": ("ghi chú",),
    "label": ("chỉ tiêu", "nội dung", "tên chỉ tiêu", "danh mục", "nhiệm vụ", "tên", "hạng mục", "lĩnh vực"),
    "value": ("số liệu", "kết quả", "giá trị", "số lượng", "thực hiện", "tổng số"),
}
_NUMBER_MARKS = regex.compile(r"[()\s*]")
_LETTER = regex.compile(r"[A-Z]")


@dataclass(frozen=True)
class _Roles:
    code: int | None
    label: int | None
    unit: int | None
    value: int | None
    note: int | None


def build_table(grid: Grid, table_id: str, title: str | None, section: str | None) -> tuple[Table, list[ParseWarning]]:
    """Interpret a grid as a table; return it and warnings (values that are not numbers)."""
    header_rows, body = _split_header(grid.rows)
    if any(r.short for r in header_rows):
        columns = merge_spanned_header([r.cells[: r.short or len(r.cells)] for r in header_rows], grid.columns)
    else:
        columns = merge_header([r.cells for r in header_rows], grid.columns)
    roles = _roles(columns, body)
    warnings: list[ParseWarning] = []
    header_keys = {_row_key(r.cells) for r in header_rows}
    header_firsts = {r.cells[0].strip() for r in header_rows if r.cells}
    rows: list[TableRow] = []
    last_coded: str | None = None
    last_unit: str | None = None  # the unit an "nt" ("same as above") row takes
    in_subrows = False
    pending_join = False
    named = {roles.code, roles.label, roles.unit, roles.value, roles.note}
    extra_columns = [(i, name) for i, name in enumerate(columns) if i not in named]
    sub_rows = patternbook.layout("sub_rows")
    for grid_row in body:
        cells = grid_row.cells
        repeated = bool(cells) and cells[0].strip() in header_firsts and _row_key(cells) in header_keys
        if repeated or _is_numbering_row(cells):
            pending_join = pending_join or grid_row.after_break
            continue
        code_cell = _cell(cells, roles.code)
        label = _clean(_cell(cells, roles.label))
        unit = _cell(cells, roles.unit) or None
        value = _cell(cells, roles.value) or None
        note = _cell(cells, roles.note) or None
        extra = {name: (cells[i] or None) for i, name in extra_columns}
        is_sub = bool(sub_rows.match(code_cell))
        code = _code(code_cell) if not is_sub else None
        # A row that a page break cut: its rest on the next page has no code and goes on
        # in lower case ("... chuyên môn" / "cấp xã đã kiểm tra"), or holds a label only.
        bare = not unit and not value and not any(extra.values())
        continues = (
            rows
            and not code_cell
            and label
            and (pending_join or grid_row.after_break or label[:1].islower())
            and (bare or label[:1].islower())
        )
        pending_join = False
        if continues:
            rows[-1] = _join_rows(rows[-1], label, unit, value, note)
            last_unit = rows[-1].unit_resolved or last_unit
            continue
        if not code_cell and not label and not value and not unit:
            continue
        if code:
            in_subrows = False
            last_coded = code
            parent = _parent(code)
        else:
            in_subrows = in_subrows or is_sub
            parent = last_coded if (in_subrows or is_sub or last_coded) else None
        unit_resolved = _resolve_unit(unit, last_unit)
        last_unit = unit_resolved or last_unit
        legend = parse_legend(unit) if unit else None
        number = parse_number(value)
        rows.append(
            TableRow(
                code=code,
                label=label or None,
                unit=unit,
                unit_resolved=unit_resolved,
                value=value,
                number=number,
                note=note,
                parent=parent,
                legend=legend,
                value_label=legend.get(_plain(value)) if legend and value else None,
                extra=extra,
                page=grid_row.page,
            )
        )
        if value and number is None and not legend:
            warnings.append(
                ParseWarning.of(
                    "table.value",
                    page=grid_row.page,
                    span=(grid_row.start, grid_row.start),
                    row=code or label,
                    value=value,
                )
            )
    role_of = {index: role for role, index in vars(roles).items() if index is not None}
    table = Table(
        id=table_id,
        title=title,
        columns=columns,
        column_roles=[role_of.get(i) for i in range(len(columns))],
        rows=rows,
        section=section,
        span=grid.span,
        page=grid.rows[0].page if grid.rows else None,
    )
    return table, warnings


def _join_rows(previous: TableRow, label: str, unit: str | None, value: str | None, note: str | None) -> TableRow:
    """The two halves of a row cut by a page break, cell by cell."""

    def joined(a: str | None, b: str | None) -> str | None:
        return f"{a} {b}" if a and b else (a or b)

    unit_all = joined(previous.unit, unit)
    value_all = previous.value or value
    update: dict[str, object] = {
        "label": joined(previous.label, label),
        "unit": unit_all,
        "note": joined(previous.note, note),
    }
    if unit and unit_all != previous.unit:
        update["unit_resolved"] = unit_all
        update["legend"] = parse_legend(unit_all) if unit_all else None
    if value_all != previous.value:
        update["value"] = value_all
        update["number"] = parse_number(value_all)
    return previous.model_copy(update=update)


def _split_header(rows: list[GridRow]) -> tuple[list[GridRow], list[GridRow]]:
    """Header rows come before the first row that has a code or a figure."""
    for i, row in enumerate(rows):
        first = row.cells[0] if row.cells else ""
        if (
            _CODE.match(first)
            or patternbook.layout("sub_rows").match(first)
            or _has_figure(row.cells[1:])
            or _is_numbering_row(row.cells)
        ):
            return rows[:i], rows[i:]
    return rows[:1], rows[1:]


def _has_figure(cells: tuple[str, ...]) -> bool:
    return any(parse_number(c) is not None for c in cells if c)


def _is_numbering_row(cells: tuple[str, ...]) -> bool:
    """The "(1) (2) (3) ..." or "1 2 3 ..." row under a header that numbers the columns."""
    if not cells or not cells[-1].strip(" ()*").isdigit():
        return False  # the last column of a numbering row is a number too
    filled = [_NUMBER_MARKS.sub("", c) for c in cells if c]
    while filled and _LETTER.fullmatch(filled[0]):
        filled = filled[1:]  # "A | B | 1 | 2 | 3": the label columns are lettered
    if len(filled) < 3:
        return False
    numbers = filled
    return all(n.isdigit() for n in numbers) and [int(n) for n in numbers] == list(
        range(int(numbers[0]), int(numbers[0]) + len(numbers))
    )


def merge_header(header: list[tuple[str, ...]], width: int) -> list[str]:
    """Column names from stacked header rows; an upper cell spans the empty cells to its right.

    ["STT", "Chỉ tiêu", "Kết quả thống kê", "", "Ghi chú"] over
    ["", "", "Đơn vị tính", "Số liệu", ""] gives
    ["STT", "Chỉ tiêu", "Kết quả thống kê / Đơn vị tính", "Kết quả thống kê / Số liệu", "Ghi chú"].
    """
    names: list[list[str]] = [[] for _ in range(width)]
    # the columns that some later header row fills, from the bottom up in one pass (a fuzzed
    # table of 1,000 header rows by 1,000 columns rescanned every later row for each row)
    below: list[list[bool]] = [[] for _ in header]
    seen = [False] * width
    for k in range(len(header) - 1, -1, -1):
        below[k] = seen[:]
        for i, cell in enumerate(header[k][:width]):
            seen[i] = seen[i] or bool(cell)
    first: dict[tuple[str, ...], int] = {}
    for k, row in enumerate(header):
        cells = list(row) + [""] * (width - len(row))
        filled_below = below[first.setdefault(row, k)]  # a row repeated is judged where it first stands
        carry = ""
        for i, cell in enumerate(cells):
            cell = _clean(cell)
            if cell:
                carry = cell
                names[i].append(cell)
            elif carry and filled_below[i] and i > 0 and names[i - 1] and names[i - 1][-1] == carry:
                names[i].append(carry)
            else:
                carry = ""
    out = []
    for i, parts in enumerate(names):
        out.append(" / ".join(dict.fromkeys(parts)) if parts else f"column {i + 1}")
    return out


def merge_spanned_header(header: list[tuple[str, ...]], width: int) -> list[str]:
    """Column names from header rows that lost their merged-cell layout (HTML to Markdown).

    The first row has fewer cells than the table has columns because some of them
    spanned the cells of the next row: "STT | Nội dung | ĐVT | Năm hiện hành 2025 | Năm 2026"
    over "Kế hoạch | Ước thực hiện". Which cells spanned is not written down; the group
    headers are taken to be the first cells that name no role (not STT, Nội dung, ĐVT, ...),
    and their sub-cells are shared among them evenly, in order.
    """
    rows = [[_clean(c) for c in row if _clean(c)] for row in header if any(c.strip() for c in row)]
    rows = [r for r in rows if not _is_numbering_row(tuple(r))]
    if not rows:
        return [f"column {i + 1}" for i in range(width)]
    top = rows[0]
    subs = rows[1] if len(rows) > 1 else []
    extra = width - len(top)
    spanning = len(subs) - extra
    if extra <= 0 or not subs or not 0 < spanning <= len(top):
        return (top + [f"column {i + 1}" for i in range(len(top), width)])[:width]
    candidates = [i for i, name in enumerate(top) if _role_of(name) is None]
    chosen = (candidates + [i for i in range(len(top)) if i not in candidates])[:spanning]
    share, rest = divmod(len(subs), spanning)
    spans = {index: share + (1 if k < rest else 0) for k, index in enumerate(sorted(chosen))}
    names: list[str] = []
    queue = list(subs)
    for i, name in enumerate(top):
        if i in spans:
            names.extend(f"{name} / {queue.pop(0)}" for _ in range(spans[i]))
        else:
            names.append(name)
    names += [f"column {i + 1}" for i in range(len(names), width)]
    return names[:width]


def has_named_columns(columns: list[str]) -> bool:
    """Whether any column is named as statistics tables name them (STT, Chỉ tiêu, Đơn vị tính ...)."""
    return any(_role_of(name) is not None for name in columns)


def _names_role(name: str, role: str) -> bool:
    """Whether a column name (its lowest header part) says the column holds ``role``."""
    last = name.split(" / ")[-1].casefold()
    return any(last == w or last.startswith((w + " ", w + "(")) for w in _ROLE_WORDS[role])


def _role_of(name: str) -> str | None:
    return next((role for role in _ROLE_WORDS if role != "value" and _names_role(name, role)), None)


def _roles(columns: list[str], body: list[GridRow]) -> _Roles:
    found: dict[str, int] = {}
    for role in ("code", "unit", "note", "label", "value"):
        for i, name in enumerate(columns):
            if i in found.values():
                continue
            if _names_role(name, role):
                found[role] = i
                break
    if "code" not in found and columns and all(not r.cells[0] or _CODE.match(r.cells[0]) for r in body):
        found["code"] = 0
    if "label" not in found:
        free = [i for i in range(len(columns)) if i not in found.values()]
        if free:
            found["label"] = free[0]
    if "value" not in found:
        numeric = [
            i
            for i in range(len(columns))
            if i not in found.values() and any(parse_number(r.cells[i]) is not None for r in body if i < len(r.cells))
        ]
        if len(numeric) == 1:
            found["value"] = numeric[0]
    return _Roles(found.get("code"), found.get("label"), found.get("unit"), found.get("value"), found.get("note"))


def _cell(cells: tuple[str, ...], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _clean(text: str) -> str:
    return " ".join(text.replace("*", " ").split()).strip()


def _row_key(cells: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_clean(c).casefold() for c in cells)


def _code(cell: str) -> str | None:
    cell = cell.strip()
    if not cell or not _CODE.match(cell):
        return None
    return cell.rstrip(".").rstrip(")")


def _parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _resolve_unit(unit: str | None, above: str | None) -> str | None:
    """The unit of a row: as written, or for "nt" the unit ``above`` (the last one resolved)."""
    if unit is None:
        return None
    if patternbook.layout("same_as_above").match(unit.strip()):
        return above
    return unit


def parse_legend(unit: str) -> dict[str, str] | None:
    """ "Có = 1 Không = 0" -> {"1": "Có", "0": "Không"}; None when the cell is a plain unit."""
    if unit.count("=") < 2:
        return None  # a legend pairs at least two meanings with "="
    pairs = [(m["value"], m["meaning"].strip(" ;,")) for m in _LEGEND_PAIR.finditer(unit)]
    if len(pairs) < 2:
        return None
    return {value: meaning for value, meaning in pairs}


def _plain(value: str) -> str:
    number = parse_number(value)
    return str(int(number)) if number is not None and float(number).is_integer() else value.strip()
