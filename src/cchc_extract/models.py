"""The output contract (schema_version "1") as frozen records.

These records are the source of truth for ``../shared/design/output-contract.md``:
``cchc-extract schema`` prints the JSON Schema of their pydantic twins (``records``). Fields
may be added freely; renaming or removing one needs a new ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from .i18n import t
from .records import Field
from .records import Record as _Base

SCHEMA_VERSION: Literal["1"] = "1"

Span = tuple[int, int]
Severity = Literal["error", "warning", "info"]


class Record(_Base):
    """Base of every record of the contract: immutable, and strict about unknown fields."""

    # the fields a short repr shows (all of them when empty): a record prints on one line
    _repr_fields: ClassVar[tuple[str, ...]] = ()

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        if not self._repr_fields:
            yield from super().__repr_args__()
            return
        for name in self._repr_fields:
            value = getattr(self, name)
            if value is not None and value != [] and value is not False:
                yield name, value.isoformat() if isinstance(value, dt.date) else value


class Source(Record):
    path: str
    sha256: str
    format: str = Field(description="txt, md, docx, pdf, ...")
    pages: int | None = None
    ocr: bool = False
    encoding: str | None = Field(default=None, description="detected text encoding, for text formats")


class Metadata(Record):
    doc_type: str | None = Field(default=None, description='full name, e.g. "Báo cáo"')
    number: str | None = Field(default=None, description='as written; null for "Số: /BC-UBND"')
    year: int | None = Field(default=None, description='when the own number carries one: 2025 in "105/2025/QĐ-UBND"')
    symbol: str | None = Field(default=None, description='"BC-UBND"')
    issuer: str | None = Field(default=None, description='issuing body, e.g. "UBND xã Hoàng Cát"')
    issuer_normalized: str | None = Field(default=None, description="abbreviations expanded")
    parent_body: str | None = Field(default=None, description="the body above the issuer in the header")
    place: str | None = None
    date: dt.date | None = None
    subject: str | None = Field(default=None, description="trích yếu")
    signer: str | None = None
    signer_title: str | None = Field(default=None, description='e.g. "PHÓ CHỦ TỊCH"')
    signing_authority: list[str] = Field(
        default_factory=list, description='prefix lines as written: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"'
    )
    recipients: list[str] = Field(default_factory=list)


class Section(Record):
    _repr_fields = ("id", "title", "span")

    id: str = Field(description='"I", "I.1", "II.3.a"')
    number: str = Field(description="as written")
    level: int = Field(description="1 for the outermost heading form in use (Roman headings)")
    title: str
    parent: str | None = None
    form: str = Field(description="id of the heading form in patterns/headings.yaml")
    text: str = Field(description="the heading line as written")
    span: Span = Field(description="the heading line")
    extent: Span = Field(description="from the heading to the end of the section's content")
    page: int | None = None


class Appendix(Record):
    _repr_fields = ("id", "title", "span")

    id: str
    title: str
    text: str
    span: Span
    extent: Span
    page: int | None = None


class Reference(Record):
    _repr_fields = ("text", "key", "date", "span")

    text: str
    doc_type: str | None = None
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    key: str | None = Field(default=None, description="canonical identity used to join reports")
    date: dt.date | None = None
    date_text: str | None = Field(default=None, description="the date as written, kept when it is impossible")
    issuer: str | None = Field(default=None, description="as written")
    issuer_normalized: str | None = None
    form: str = Field(description="id of the reference form that matched")
    self: bool = Field(default=False, description="a mention of the document's own number, not a citation")
    resolved_key: str | None = Field(default=None, description="for short forms: the full reference meant")
    section: str | None = None
    span: Span
    page: int | None = None


class Figure(Record):
    _repr_fields = ("text", "value", "unit", "share_percent", "span")

    text: str
    value: float
    unit: str | None = Field(
        default=None, description='the unit as written after the number ("hồ sơ trực tuyến", "tỷ đồng", "mm"), or "%"'
    )
    unit_family: str | None = Field(
        default=None, description='the family of the unit where patterns/units.yaml knows it ("hồ sơ", "người", "đồng")'
    )
    share_percent: float | None = None
    of_total: float | None = Field(default=None, description='38 in "25/38 nhiệm vụ"')
    label: str | None = Field(default=None, description="what is counted, from the words before the number")
    part_of: Span | None = Field(default=None, description='span of the total this figure is a part of ("Trong đó")')
    share_base: Span | None = Field(default=None, description="span of the figure its percentage is a share of")
    section: str | None = None
    span: Span
    page: int | None = None


class TableRow(Record):
    _repr_fields = ("code", "label", "value", "unit_resolved")

    code: str | None = None
    label: str | None = None
    unit: str | None = None
    unit_resolved: str | None = None
    value: str | None = None
    number: float | None = None
    note: str | None = None
    parent: str | None = None
    legend: dict[str, str] | None = None
    value_label: str | None = None
    extra: dict[str, str | None] = Field(default_factory=dict)
    page: int | None = None


class Table(Record):
    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        yield "id", self.id
        if self.title:
            yield "title", self.title if len(self.title) <= 60 else self.title[:59] + "…"
        yield "rows", len(self.rows)

    id: str
    title: str | None = None
    columns: list[str] = Field(default_factory=list)
    column_roles: list[str | None] = Field(
        default_factory=list,
        description="for each column, the row field it fills (code, label, unit, value, note), or null: kept in extra",
    )
    unit_line: str | None = Field(
        default=None, description='the unit of the whole table as written above it ("Đơn vị: Triệu đồng")'
    )
    rows: list[TableRow] = Field(default_factory=list)
    section: str | None = None
    span: Span | None = None
    page: int | None = None


class Check(Record):
    _repr_fields = ("rule", "severity", "message")

    rule: str = Field(description="stable rule id, e.g. numbering.gap")
    severity: Severity
    message: str
    where: list[str] = Field(default_factory=list, description="spans, section ids or row codes")


class ParseWarning(Record):
    """What a stage noticed but could not settle; every stage returns these, the pipeline collects them."""

    _repr_fields = ("code", "message", "page")

    code: str
    message: str
    page: int | None = None
    span: Span | None = None

    @classmethod
    def of(
        cls, code: str, variant: str | None = None, *, page: int | None = None, span: Span | None = None, **args: Any
    ) -> ParseWarning:
        """A warning whose message is ``warning.<code>`` (or ``warning.<code>.<variant>``) of the catalogue;
        ``page`` fills its ``{page}`` too."""
        message_id = f"warning.{code}.{variant}" if variant else f"warning.{code}"
        return cls(code=code, message=t(message_id, page=page, **args), page=page, span=span)


class Report(Record):
    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """One line: the file, the report's identity, and how many records of each kind."""
        m = self.metadata
        yield "path", self.source.path
        for name in ("doc_type", "number", "symbol", "date"):
            value = getattr(m, name)
            if value is not None:
                yield name, value.isoformat() if isinstance(value, dt.date) else value
        for kind in ("sections", "references", "figures", "tables", "checks", "warnings"):
            yield kind, len(getattr(self, kind))

    def _json_items(self) -> int:
        listed = len(self.sections) + len(self.appendices) + len(self.references) + len(self.figures)
        return listed + len(self.checks) + len(self.warnings) + sum(len(table.rows) for table in self.tables)

    schema_version: Literal["1"] = "1"
    source: Source
    metadata: Metadata
    sections: list[Section] = Field(default_factory=list)
    appendices: list[Appendix] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[ParseWarning] = Field(default_factory=list)
    extent: Span | None = Field(
        default=None,
        description="the document itself in the normalized text: what a website put around it lies outside",
    )
    text: str | None = Field(default=None, description="the normalized text, with --with-text")
