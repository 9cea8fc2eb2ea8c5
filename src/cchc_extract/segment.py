"""Segment a normalized report: header, body sections, closing, appendices.

The header is read as cells, whatever the conversion did to its two columns
(joined by "|", one cell per line, or "Số: 01 /KH-UBND Định Hưng, ngày ..." on one
line). Body headings follow the forms in patterns/headings.yaml, nested in the
order the report first uses them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass, field

import regex

from . import patternbook
from .extract.references import OwnNumber, Symbol, read_symbol
from .issuers import normalize_issuer
from .models import Appendix, Metadata, ParseWarning, Section, Span
from .normalize import Document
from .vietnamese import is_upper, recase_body, slug, strip_accents

# The words that mark the parts of a document are data: patterns/layout.yaml.
_layout = patternbook.layout
_RULE = regex.compile(r"^[-–—_=.*\s]*$")
_CELL = regex.compile(r"[^|\t]+")
_NUMBER_LABEL = regex.compile(r"Số\s*:?")
_NUMBER_CELL = regex.compile(r"[\d/\-–.…]")  # a cell that goes on with a number or its blank
# a number written by hand, as OCR reads it: one or two short marks before the symbol's "/"
# (see _illegible)
_MARKS = regex.compile(r"[:\s]*+(?P<marks>[^\s/\-–]{1,4}(?:\s[^\s/\-–]{1,4})?)\s*(?=/)")
_DASH = regex.compile(r"^[-–+•]\s*")
_SPACE = regex.compile(r"\s+")
_ENDS_SENTENCE = regex.compile(r"[.:;!?)]\s*$")


@patternbook.derived
def _blank_number_pattern() -> regex.Pattern[str]:
    """A symbol whose number is left blank in the header: "Số: /BC-UBND", "Số:    /QĐ-UBND", and
    with the year of a normative document: "Số:    /2025/QĐ-UBND"."""
    f = patternbook.reference_fragments()
    code, slash, hyphen, year = f["code"], f["slash"], f["hyphen"], f["year"]
    return regex.compile(
        rf"[\s.…]*[/\-–]\s*(?:(?P<year>{year}){slash})?"
        rf"(?P<symbol>{code}(?:{hyphen}{code})*(?:{slash}{code}(?:{hyphen}{code})*)?)"
    )


_RECIPIENT_ITEM = regex.compile(r"(?:^|\s)[-–+•]\s")
_ON_BEHALF = regex.compile(r"^(?:TM|T/M)\s*\.\s*(.+)$")
_FIRST_WORD = regex.compile(r"^\S+\s*")
_NUMBERED_TITLE = regex.compile(r"^\S+\s+\S+\s+(?:số\s*)?[\dIVX]+[a-z]?$")


@dataclass(frozen=True)
class _Cell:
    line: int
    start: int
    text: str


@dataclass
class Layout:
    """Where the parts of a report are, and the report's own identity."""

    metadata: Metadata
    header: Span
    body: Span
    closing: Span | None
    sections: list[Section]
    appendices: list[Appendix]
    extent: Span = (0, 0)  # the document, without the text a website put around it
    own: OwnNumber | None = None  # the document's own number, to tell mentions of itself
    own_numbers: list[Span] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.extent[0] for s in self.sections]

    def captions(self, doc: Document, lines: int = 5) -> list[Span]:
        """Each appendix's label and the few lines under it, where its caption stands."""
        out = []
        for appendix in self.appendices:
            first = doc.line_index(appendix.span[0])
            last = min(len(doc.lines) - 1, first + lines, doc.line_index(max(appendix.span[0], appendix.extent[1] - 1)))
            out.append((appendix.span[0], doc.lines[last].end))
        return out

    def section_at(self, offset: int) -> str | None:
        """The id of the innermost part holding ``offset`` (section, header, closing, ...)."""
        if offset < self.header[1]:
            return "header"
        index = bisect.bisect_right(self._starts, offset) - 1
        while index >= 0:
            section = self.sections[index]
            if section.extent[0] <= offset < section.extent[1]:
                return section.id
            index -= 1
        for appendix in self.appendices:
            if appendix.extent[0] <= offset < appendix.extent[1]:
                return f"appendix:{appendix.id}"
        if self.closing and self.closing[0] <= offset < self.closing[1]:
            return "closing"
        return "preamble"


def segment(doc: Document) -> Layout:
    """Find the document's extent, header, sections, closing and appendices, and read the
    metadata. Text around the document (a website's, when it was taken from one) is set
    aside, with a warning saying so."""
    lines = doc.line_texts()
    start_line = _document_start(lines)
    site_line = _site_text_after(lines, start_line)
    header = _read_header(doc, lines, start_line, site_line)
    body_start_line = header.end_line
    closing_line = _find_closing(lines, body_start_line, site_line)
    end = _own_title_after(doc, closing_line if closing_line is not None else body_start_line, site_line, header)
    end_line = doc.line_index(end) + (end > doc.lines[doc.line_index(end)].start) if end < len(doc.text) else len(lines)
    if closing_line is not None and closing_line >= end_line:
        closing_line = None
    appendix_lines = _find_appendices(
        lines, closing_line if closing_line is not None else body_start_line, end_line, strict=closing_line is None
    )
    body_end_line = min([x for x in (closing_line, *appendix_lines[:1]) if x is not None], default=end_line)
    closing_end_line = appendix_lines[0] if appendix_lines else end_line

    def at(i: int) -> int:
        return doc.lines[i].start if i < len(doc.lines) else len(doc.text)

    closing = _read_closing(lines, closing_line, closing_end_line) if closing_line is not None else {}
    attached = _attachment(lines, closing, closing_end_line)
    if attached is not None:
        appendix_lines = [attached, *appendix_lines]
        closing_end_line = attached
    body = (at(body_start_line), at(body_end_line))
    used: dict[str, int] = {}
    sections = _sections(doc, lines, body_start_line, body_end_line, used)
    closing_span = (at(closing_line), at(closing_end_line)) if closing_line is not None else None
    # the document may end inside a line (a website's title joined to its last sentence)
    appendices = [
        a.model_copy(update={"extent": (a.extent[0], min(a.extent[1], end))})
        for a in _appendices(doc, lines, appendix_lines, end_line)
    ]
    for n, first in enumerate(appendix_lines):
        last = appendix_lines[n + 1] if n + 1 < len(appendix_lines) else end_line
        sections += _sections(doc, lines, first + 1, last, used, in_tables=True)
    sections = [_within(doc, section, end) for section in sections]

    issuer = header.issuer or closing.pop("issuer_from_signature", None)
    if not issuer:
        match = _layout("issuer_in_text").search(doc.text, body[0], min(body[1], body[0] + 3000))
        issuer = match["issuer"] if match else None
    doc_type = header.doc_type or _type_without_type_line(header, lines[body_start_line : body_start_line + 5])
    metadata = Metadata(
        doc_type=doc_type,
        number=header.number,
        year=header.year,
        symbol=header.symbol,
        issuer=issuer,
        issuer_normalized=normalize_issuer(issuer),
        parent_body=header.parent,
        place=header.place,
        date=header.date,
        subject=header.subject,
        signer=closing.get("signer") or header.catalogue_signer,
        signer_title=closing.get("signer_title"),
        signing_authority=closing.get("signing_authority", []),
        recipients=closing.get("recipients", []),
    )
    own = None
    if header.symbol and header.form:
        date_year = header.date.year if header.date else None
        symbol = Symbol(header.form, header.number or "", header.year, header.symbol, 0)
        own = OwnNumber(symbol, doc_type, date_year)
    return Layout(
        metadata=metadata,
        header=(at(start_line), at(body_start_line)),
        body=body,
        closing=closing_span,
        sections=sections,
        appendices=appendices,
        extent=(at(start_line), end),
        own=own,
        own_numbers=header.own_spans,
        warnings=header.warnings + _set_aside(lines, start_line, end_line),
    )


def _set_aside(lines: list[str], start: int, end: int) -> list[ParseWarning]:
    """A warning for the text before and after the document, where there is any."""
    before = sum(1 for line in lines[:start] if line.strip(" |"))
    after = sum(1 for line in lines[end:] if line.strip(" |"))
    if not before and not after:
        return []
    if before and after:
        return [ParseWarning.of("document.extent", "both", before=before, after=after)]
    if before:
        return [ParseWarning.of("document.extent", "before", before=before)]
    return [ParseWarning.of("document.extent", "after", after=after)]


# --- extent -------------------------------------------------------------------

# At most this many lines of the issuer's block stand above the motto or "Số:" line.
_ISSUER_BLOCK_LINES = 8


def _document_start(lines: list[str]) -> int:
    """The first line of the document: the issuer's block above the first national motto or
    own "Số:" line (text before it, such as a website's notices and index cells, is not the
    document's); the first line where there is no such header."""
    anchor = next((i for i, line in enumerate(lines) if _is_header_anchor(line)), None)
    if anchor is None:
        return _after_site_text(lines)
    start, content = anchor, 0
    for i in range(anchor - 1, -1, -1):
        text = lines[i].strip().strip("|").strip()
        if not text or _RULE.match(text):
            continue
        if content == _ISSUER_BLOCK_LINES or not _may_head_a_header(text):
            break
        start, content = i, content + 1
    return start


# A website's text before an excerpt without a header is looked for in this many lines.
_SITE_TEXT_LINES = 150


def _after_site_text(lines: list[str]) -> int:
    """Where a document without a header of its own starts: after the last line a website
    puts before it (its notices and index cells) and the value cell that follows a label."""
    pattern = _layout("site_text_before")
    last = next(
        (i for i in range(min(len(lines), _SITE_TEXT_LINES) - 1, -1, -1) if pattern.match(lines[i].strip())), None
    )
    if last is None:
        return 0
    start = last + 1
    if lines[last].strip().endswith(":"):  # a label: its value is the next line with text
        while start < len(lines) and not lines[start].strip(" |"):
            start += 1
        start += 1
    return min(start, len(lines))


def _is_header_anchor(line: str) -> bool:
    text = line.strip().strip("|").strip()
    return bool(_layout("motto").search(text)) or _own_number(text) is not None


def _may_head_a_header(text: str) -> bool:
    """A line of the issuer's block: a body's name in capitals, or a short line that does not
    read as a sentence, a list item or a label ("BỘ TÀI CHÍNH", "Ủy ban nhân dân")."""
    if is_upper(text) and len(text) <= 120:
        return True
    return len(text) <= 60 and not text.endswith((".", ":", ";", ",")) and not _DASH.match(text)


def _site_text_after(lines: list[str], start: int) -> int:
    """The first line after ``start`` that a website puts after a document (patterns/layout.yaml
    ``site_text_after``), or the end."""
    pattern = _layout("site_text_after")
    return next((i for i in range(start + 1, len(lines)) if pattern.match(lines[i].strip())), len(lines))


def _own_title_after(doc: Document, start: int, stop: int, header: _Header) -> int:
    """A website's title line restating the document ("Công văn 5348/CT-CS năm 2025 hướng
    dẫn ... do Cục Thuế ban hành") ends the document: where the first such title stands from
    line ``start`` on, at a line's start or after a sentence that a reflow joined it to; the
    start of line ``stop`` where there is none."""
    end = doc.lines[stop].start if stop < len(doc.lines) else len(doc.text)
    if not header.number or not header.symbol:
        return end
    year = rf"{header.year}\s?/\s?" if header.year else ""
    own = regex.compile(
        rf"(?:^|(?<=[.;!?…][*\"”’)]*[ \t]))(?:{patternbook.reference_fragments()['type_word']})[ \t]+"
        rf"0*{regex.escape(header.number.lstrip('0'))}\s?/\s?{year}{regex.escape(header.symbol)}(?![\p{{L}}\d])",
        regex.M,
    )
    found = own.search(doc.text, doc.lines[start].start if start < len(doc.lines) else len(doc.text), end)
    return found.start() if found else end


# --- header -------------------------------------------------------------------


@dataclass
class _Header:
    end_line: int = 0
    doc_type: str | None = None
    number: str | None = None
    year: int | None = None
    symbol: str | None = None
    form: str | None = None
    letter: bool = False  # a "V/v" subject: the document is a letter (công văn)
    issuer: str | None = None
    parent: str | None = None
    place: str | None = None
    date: dt.date | None = None
    subject: str | None = None
    catalogue_signer: str | None = None
    own_spans: list[Span] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


def _cells(doc: Document, lines: list[str], first: int, upto: int) -> list[_Cell]:
    cells: list[_Cell] = []
    for i in range(first, upto):
        base = doc.lines[i].start
        for match in _CELL.finditer(lines[i]):
            text = match[0].strip()
            if not text:
                continue
            start = base + match.start() + (len(match[0]) - len(match[0].lstrip()))
            if (
                cells
                and _NUMBER_LABEL.fullmatch(cells[-1].text)
                and (cells[-1].line == i - 1 or (cells[-1].line == i and _NUMBER_CELL.match(text)))
            ):
                # "Số:" in one cell and "1594/QĐ-TTPVHCC" on the next line, or in the next cell of
                # its line, where a PDF's text layer puts a tab for the blank left for the number
                # ("Số:\t/BNV-CCHC\tHà Nội, ngày ...")
                prev = cells.pop()
                gap = doc.text[prev.start + len(prev.text) : start]
                text = prev.text + gap + text
                start = prev.start
            cells.append(_Cell(i, start, text))
    return cells


# Legal-database pages put the identity in label/value cells before the document.
_CATALOGUE = {
    "số hiệu": "number",
    "loại văn bản": "doc_type",
    "nơi ban hành": "issuer",
    "cơ quan ban hành": "issuer",
    "người ký": "signer",
    "ngày ban hành": "date",
}


def _catalogue(cells: list[_Cell]) -> dict[str, _Cell]:
    """Label/value cells such as "Số hiệu:" | "624/TB-VPCP" from a legal-database page."""
    found: dict[str, _Cell] = {}
    for cell, nxt in itertools.pairwise(cells):
        label = cell.text.rstrip(": ").casefold()
        if cell.text.endswith(":") and label in _CATALOGUE and not nxt.text.endswith(":"):
            found.setdefault(_CATALOGUE[label], nxt)
    return found


@patternbook.derived
def _type_names() -> tuple[tuple[str, str], ...]:
    """Document type names, longest first, with their accent-less capitals."""
    names = sorted({e.name for e in patternbook.doc_types().entries}, key=len, reverse=True)
    return tuple((name, strip_accents(name.upper())) for name in names)


def _doc_type_line(lines: list[str], first: int, limit: int) -> tuple[int, str, str] | None:
    """The line that names the document type in capitals ("BÁO CÁO"), with any rest."""
    for i in range(first, min(limit, len(lines))):
        text = lines[i].strip().strip("|").strip()
        if not text or not is_upper(text) or text.endswith(":") or len(text) > 160:
            continue
        # compared without accents: scans read "BÁO CÁO" as "BAO CÁO"
        bare = strip_accents(text)
        for name, upper in _type_names():
            if bare == upper or bare.startswith(upper + " "):
                return i, name, text[len(upper) :].strip()
    return None


def _read_header(doc: Document, lines: list[str], first: int, stop: int) -> _Header:
    """The header of the document that starts at line ``first`` (the site text before it
    aside), looked for before line ``stop``."""
    header = _Header()
    found = _doc_type_line(lines, first, min(stop, first + _HEADER_LINES))
    limit = found[0] if found else min(stop, first + 60)
    cells = _split_at_motto(_cells(doc, lines, first, limit))
    anchor: int | None = None
    last_header_line = -1
    for index, cell in enumerate(cells):
        own = _own_number(cell.text) if header.symbol is None else None
        if own:
            symbol, end, illegible = own
            if illegible:
                written = cell.text[:end].strip()
                header.warnings.append(ParseWarning.of("number.illegible", number=written))
            header.number = symbol.number or None
            header.year, header.symbol, header.form = symbol.year, symbol.symbol, symbol.form
            header.own_spans.append((cell.start, cell.start + end))
            rest = cell.text[end:]
            anchor = index if anchor is None else anchor
            last_header_line = max(last_header_line, cell.line)
            if rest.strip():
                _place_date(header, rest)
            continue
        if _layout("motto").search(cell.text):
            anchor = index if anchor is None else anchor
            last_header_line = max(last_header_line, cell.line)
            continue
        if (
            header.date is None
            and header.place is None
            and find_place_date(cell.text) is not None
            and (anchor is not None or found)
            and not _layout("body_lead").match(cell.text)  # "Căn cứ Luật ... ngày 14 tháng 6 năm 2019"
        ):
            _place_date(header, cell.text)
            last_header_line = max(last_header_line, cell.line)
            continue
        lead = _layout("subject_lead").match(cell.text)
        if lead and anchor is not None and header.subject is None and not found:
            header.subject = cell.text[lead.end() :].strip()
            header.letter = True
            last_header_line = max(last_header_line, cell.line)
    if anchor is not None:
        header.parent, header.issuer = _bodies(cells, anchor)
    if found:
        line, header.doc_type, rest = found
        header.subject, header.end_line = _subject(lines, line, rest)
    else:
        header.end_line = last_header_line + 1 if last_header_line >= 0 else first
    _fill_from_catalogue(header, _catalogue(_cells(doc, lines, 0, first) + cells[:200]))
    return header


# The type line ("QUYẾT ĐỊNH") stands within this many lines of the header's first.
_HEADER_LINES = 40


def _own_number(text: str) -> tuple[Symbol, int, str | None] | None:
    """The document's own number and symbol in a "Số:" cell, read with the reference grammar
    ("Số: 105/2025/QĐ-UBND", "Số: 22-KH/TU"), or with the number left blank ("Số: /BC-UBND")
    or written by hand and unreadable after OCR ("Số: 4#/QĐ-TTg": ``_illegible``);
    with where the symbol ends in ``text``, and the marks OCR read for an illegible number."""
    # a rule drawn under the issuer may run into the line ("------ Số: 1661/NQ-UBTVQH15")
    skip = len(text) - len(text.lstrip("-–—_ "))
    lead = _layout("number_lead").match(text[skip:])
    if not lead:
        return None
    symbol = read_symbol(text, skip + lead.end())
    if symbol:
        return symbol, symbol.end, None
    marks = _MARKS.match(text, skip + lead.end())
    if marks and not _illegible(marks["marks"]):
        marks = None
    blank = _blank_number_pattern().match(text, marks.end() if marks else skip + lead.end())
    if blank:
        year = int(blank["year"]) if blank["year"] else None
        form = "normative" if year else "administrative"
        symbol = Symbol(form, "", year, _SPACE.sub("", blank["symbol"]), blank.end())
        return symbol, blank.end(), marks["marks"] if marks else None
    return None


def _illegible(marks: str) -> bool:
    """Marks no number is written with: a sign ("4#"), a letter first ("M09"), a letter no
    number's suffix is ("56Ÿ"), or two groups ("3 39"), each with a digit or a sign.
    "123A" and "12b1" are numbers (legible); "TB" is no number at all."""
    groups = marks.split()
    if not all(any(not c.isalpha() for c in g) for g in groups):
        return False
    return (
        len(groups) == 2
        or any(not c.isalnum() or (c.isalpha() and not c.isascii()) for c in marks)
        or marks[0].isalpha()
    )


def _fill_from_catalogue(header: _Header, cells: dict[str, _Cell]) -> None:
    """A legal-database page's label cells ("Số hiệu:", "Nơi ban hành:") are the site's,
    not the document's: they name who issued and signed it where the document does not,
    but its identity (type, number, date) is read from its own header only."""
    if not cells:
        return
    catalogue = {k: c.text.strip() for k, c in cells.items()}
    if "number" in cells:
        number = cells["number"]
        header.own_spans.append((number.start, number.start + len(number.text)))
    if header.issuer is None and "issuer" in catalogue:
        header.issuer = catalogue["issuer"]
    header.catalogue_signer = catalogue.get("signer")


@dataclass(frozen=True)
class PlaceDate:
    """The match of ``place_date`` in a line: the place, the date's parts, and the whole text."""

    place: str
    day: str | None
    month: str | None
    year: str
    text: str
    illegible: bool = False  # a day or month written by hand, which OCR could not read


_SPACE_CHAR = regex.compile(r"\s")


def find_place_date(text: str) -> PlaceDate | None:
    """What ``_layout("place_date").search(text)`` finds, in time linear in ``text``.

    place_date is "(?P<place>[^,|\\t]*?)\\s*,?\\s*" and then issue_date. Its leftmost match
    ends its place where the first issue_date of the line begins, less the spaces and the one
    comma before it; the place starts after the last comma, bar or tab before that. Searched
    as one pattern, every start in a line ran to the line's end (52 s on a 15 KB line).
    """
    date = _layout("issue_date").search(text)
    if date is None:
        return None
    end = _back_over_spaces(text, date.start())
    if end > 0 and text[end - 1] == ",":
        end = _back_over_spaces(text, end - 1)
    start = max(text.rfind(",", 0, end), text.rfind("|", 0, end), text.rfind("\t", 0, end)) + 1
    illegible = bool(date["day_illegible"] or date["month_illegible"])
    return PlaceDate(text[start:end], date["day"], date["month"], date["year"], text[start : date.end()], illegible)


def _back_over_spaces(text: str, end: int) -> int:
    while end > 0 and _SPACE_CHAR.match(text, end - 1):
        end -= 1
    return end


def _place_date(header: _Header, text: str) -> None:
    match = find_place_date(text)
    if match is None:
        return
    place = match.place.strip(" ,|")
    header.place = place or None
    if match.illegible:
        header.warnings.append(ParseWarning.of("date.illegible", date=match.text.strip()))
    elif match.day and match.month:
        try:
            header.date = dt.date(int(match.year), int(match.month), int(match.day))
        except ValueError:
            header.warnings.append(ParseWarning.of("date.impossible", "report", date=match.text.strip()))


def _split_at_motto(cells: list[_Cell]) -> list[_Cell]:
    """Two columns read as one line: cut a cell where the motto begins ("TỈNH ỦY BẮC NINH ĐẢNG
    CỘNG SẢN VIỆT NAM"), where "Số:" begins after the issuer's name ("BAN CHỈ ĐẠO ... Số:
    /BC-BCĐ"), and after the motto's last words ("... Hạnh phúc Lâm Đồng, ngày ...")."""
    out = []
    for cell in cells:
        cuts = sorted(
            {
                m.start()
                for m in (_layout("motto").search(cell.text), _NUMBER_INSIDE.search(cell.text))
                if m and m.start() > 0
            }
            | {m.end() for m in [_MOTTO_END.search(cell.text)] if m and cell.text[m.end() :].strip()}
        )
        bounds = [0, *cuts, len(cell.text)]
        for a, b in itertools.pairwise(bounds):
            piece = cell.text[a:b]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(_Cell(cell.line, cell.start + a + lead, piece.strip()))
    return out


_NUMBER_INSIDE = regex.compile(r"(?<=\s)Số\s*:")
_MOTTO_END = regex.compile(r"(?i)Hạnh\s+phúc\s*-*")


def _bodies(cells: list[_Cell], anchor: int) -> tuple[str | None, str | None]:
    """Parent and issuing body: the capitalised cells around the motto and "Số" line."""

    def is_body(cell: _Cell) -> bool:
        text = cell.text
        return is_upper(text) and text[:1].isalpha() and not _layout("motto").search(text) and not text.startswith("SỐ")

    names: list[str] = []
    i = anchor - 1
    while i >= 0 and (is_body(cells[i]) or _RULE.match(cells[i].text)):
        if is_body(cells[i]):
            names.insert(0, cells[i].text)
        i -= 1
    j = anchor
    while j < len(cells) and j < anchor + 8:
        cell = cells[j]
        if is_body(cell):
            names.append(cell.text)
        elif not (_RULE.match(cell.text) or _layout("motto").search(cell.text) or cell.text.startswith("Số")):
            break
        j += 1
    merged: list[str] = []
    for name in names:
        if merged and _layout("bare_body").match(merged[-1]):
            merged[-1] = f"{merged[-1]} {name}"
        else:
            merged.append(name)
    if not merged:
        return None, None
    issuer = recase_body(merged[-1])
    parent = recase_body(merged[0]) if len(merged) > 1 else None
    return parent, issuer


def _subject(lines: list[str], type_line: int, rest: str) -> tuple[str | None, int]:
    """The trích yếu after the type line, and the first line of the body."""
    parts = [rest] if rest else []
    i = type_line + 1
    last = type_line
    while i < len(lines):
        text = lines[i].strip()
        if not text or text == "|":
            if parts and not _continues_subject(lines, i, parts[-1]):
                break
            i += 1
            continue
        if (
            (_layout("body_lead").match(text) and not is_upper(text))
            or _layout("signer_title").match(text)
            or _heading(text)
            or _layout("recipients").match(text)
        ):
            break
        if parts and not is_upper(parts[-1]) and not is_upper(text):
            # a mixed-case subject is one paragraph; the next one is the body
            prev_blank = not lines[i - 1].strip()
            if prev_blank:
                break
        parts.append(text)
        last = i
        i += 1
        if not is_upper(text) and text.endswith((":", ".")):
            break
    subject = " ".join(parts).strip() or None
    return subject, last + 1


def _continues_subject(lines: list[str], blank: int, previous: str) -> bool:
    """A capitalised subject may go on after a blank line with more capitals."""
    nxt = next((lines[k].strip() for k in range(blank + 1, min(blank + 3, len(lines))) if lines[k].strip()), "")
    return (
        bool(nxt)
        and is_upper(previous)
        and is_upper(nxt)
        and not (_layout("signer_title").match(nxt) or _heading(nxt) or _layout("body_lead").match(nxt))
    )


def _type_without_type_line(header: _Header, opening: list[str]) -> str | None:
    """The type of a document whose header has no type line: the type its symbol's first code
    names ("BC-UBND" -> Báo cáo), and a công văn where that code names no type. A letter (a
    "V/v" subject, or "Kính gửi" opening the body) is a công văn whatever letters its symbol
    has ("5615/CT-CS": CT is the Cục Thuế), unless the code after the type's names a body
    ("TTr-SNV": a tờ trình of the Sở Nội vụ, which is addressed too)."""
    if not header.symbol:  # no header of its own (an excerpt): no type to tell
        return None
    types = patternbook.doc_types()
    codes = regex.split(r"[-/]", header.symbol)
    code = types.canonical_code(codes[0])
    letter = header.letter or any(_layout("letter_lead").match(line.strip()) for line in opening)
    if letter and not (code and len(codes) > 1 and patternbook.issuers().canonical_code(codes[1])):
        return "Công văn"
    return types.by_code[code].name if code else "Công văn"


# --- body ---------------------------------------------------------------------


def _heading(text: str) -> tuple[str, regex.Match[str]] | None:
    if "\t" in text or "|" in text:
        return None
    which = patternbook.any_heading().match(text)
    if not which or not which.lastgroup:
        return None
    form = patternbook.heading_forms()[int(which.lastgroup[1:])]
    match = form.regex.match(text)
    return (form.id, match) if match else None


# a footnote's number glued to the last letter of a title in capitals, as a PDF's text layer
# gives the superscript ("III. KẾT QUẢ XẾP LOẠI ... CÔNG CHỨC1"): after a Vietnamese word (one
# with a letter outside ASCII); "PHỤ LỤC 2", "COVID-19", "COVID19", "IPV6" keep theirs
_FOOTNOTE_MARK = regex.compile(r"(?<=\p{Lu}*[^\x00-\x7f]\p{Lu}*)(?<=\p{Lu})\d{1,2}\Z")


def _clean_title(title: str) -> str:
    title = title.strip().rstrip(" :;.").strip()
    return _FOOTNOTE_MARK.sub("", title) if is_upper(title) else title


def _sections(
    doc: Document, lines: list[str], first: int, stop: int, used: dict[str, int], in_tables: bool = False
) -> list[Section]:
    """The headings between lines ``first`` and ``stop``, nested in the order their forms first
    appear. ``in_tables``: an appendix, whose tables group their rows under Roman headings
    ("I. Bộ, ngành" in a cell, or "I." in one cell and its title in the next)."""
    found: list[tuple[int, int, str, str, str, str, str | None, int]] = []  # line, last line, id, ...
    stack: list[tuple[str, str, str]] = []  # level (the form, and a decimal's depth), id, number
    quoted = depth = 0  # lines left of a passage quoted from another text, and quotes open
    for i in range(first, stop):
        text = lines[i].strip()
        if quoted:
            # an amendment quotes the text it puts in ("“3. Thu nhập từ ...”"): the numbers
            # there are the other text's, not headings of this document
            depth += _quote_balance(text)
            quoted = 0 if depth <= 0 else quoted - 1
            continue
        if _QUOTE_OPEN.match(text) and not _QUOTE_CLOSE.search(text, 1):
            # the line opens a quotation it does not close ("“Ngày không hẹn” trong ..." does)
            depth = max(1, _quote_balance(text))
            quoted = _QUOTED_LINES
            continue
        heading = _heading_at(doc, lines, i, stop, in_tables)
        if not heading:
            continue
        form, number, title, last = heading
        level = f"{form}{number.count('.')}" if form == "decimal" else form  # "1.1.1" nests under "1.1"
        levels = [f for f, _, _ in stack]
        if level in levels:
            del stack[levels.index(level) :]
        parent = stack[-1] if stack else None
        section_id = _section_id(parent, number, used)
        found.append((i, last, section_id, number, form, title, parent[1] if parent else None, len(stack) + 1))
        stack.append((level, section_id, number))
    end = doc.lines[stop].start if stop < len(doc.lines) else len(doc.text)
    sections = []
    for k, (i, last, section_id, number, form, title, parent_id, depth) in enumerate(found):
        line = doc.lines[i]
        next_start = next((doc.lines[f[0]].start for f in found[k + 1 :] if f[7] <= depth), end)
        span = (line.start, doc.lines[last].end)
        sections.append(
            Section(
                id=section_id,
                number=number,
                level=depth,
                title=title,
                parent=parent_id,
                form=form,
                text=doc.text[span[0] : span[1]],
                span=span,
                extent=(line.start, next_start),
                page=line.page,
            )
        )
    return sections


def _within(doc: Document, section: Section, end: int) -> Section:
    """A heading on the line where the document ends inside it keeps only its own words."""
    if section.span[1] <= end:
        return section
    text = doc.text[section.span[0] : end]
    hit = _heading(text.strip())
    title = _clean_title(hit[1]["title"]) if hit else section.title
    extent = (section.extent[0], min(section.extent[1], end))
    return section.model_copy(update={"span": (section.span[0], end), "text": text, "title": title, "extent": extent})


_QUOTE_OPEN = regex.compile(r"^[“\"]")
_QUOTE_CLOSE = regex.compile(r"[”\"]")


def _quote_balance(text: str) -> int:
    """How many quotations a line leaves open (negative: closes): curly quotes by pair,
    straight ones by their parity, opening where the line starts with one."""
    straight = text.count('"') % 2
    return text.count("“") - text.count("”") + (straight if text.startswith('"') else -straight)


_QUOTED_LINES = 150  # a quotation left open ends here, so that it cannot swallow the rest


_ROMAN_CELL = regex.compile(r"^(?P<number>X{0,3}(?:IX|IV|V?I{1,3}|V|X))\.$")


def _heading_at(
    doc: Document, lines: list[str], i: int, stop: int, in_tables: bool
) -> tuple[str, str, str, int] | None:
    """The heading on line ``i`` (form, number, title, its last line), if it is one. A line of
    a table is one only in the Roman form, the numeral of a group of rows: a row of its own
    ("I.\tLĩnh vực: ..."), or, in an appendix, a cell ("I. Bộ, ngành") or two ("I." | title).
    "I" without its dot in a numbered column is a row's number, not a heading."""
    text = lines[i]
    if "\t" in text:  # a table row: "I.\tLĩnh vực: ..." groups the rows under it
        cells = [c.strip() for c in text.split("\t") if c.strip()]
        if len(cells) == 2 and _ROMAN_CELL.match(cells[0]) and cells[1][:1].isalpha():
            return "roman", cells[0].rstrip("."), _clean_title(cells[1]), i
        hit = _heading(cells[0]) if len(cells) == 1 else None
        return ("roman", hit[1]["number"], _clean_title(hit[1]["title"]), i) if hit and hit[0] == "roman" else None
    if not doc.in_cell(i):
        hit = _heading(text)
        if not hit:
            return None
        form, match = hit
        return form, match["number"], _clean_title(_continued(lines, i, match["title"], stop)), i
    if not in_tables:
        return None
    hit = _heading(text.strip())
    if hit and hit[0] == "roman":
        return "roman", hit[1]["number"], _clean_title(hit[1]["title"]), i
    numeral = _ROMAN_CELL.match(text.strip())
    if not numeral:
        return None
    k = i + 1  # the title in the next cell: past the "|" that ends this one
    while k < stop and lines[k].strip() in ("", "|"):
        k += 1
    title = lines[k].strip() if k < stop else ""
    if not title or not doc.in_cell(k) or _heading(title) or not title[:1].isalpha():
        return None
    return "roman", numeral["number"], _clean_title(title), k


def _continued(lines: list[str], i: int, title: str, stop: int) -> str:
    """A heading line that a page break cut mid-sentence ("... theo chuyên đề, lĩnh")
    goes on in the next paragraph when that one starts in lower case."""
    if _ENDS_SENTENCE.search(title):
        return title
    k = i + 1
    while k < stop and not lines[k].strip():
        k += 1
    nxt = lines[k].strip() if k < stop else ""
    if (nxt[:1].islower() or nxt[:1].isdigit()) and k - i <= 3 and "\t" not in nxt and not _heading(nxt):
        return f"{title.rstrip()} {nxt}"
    return title


def _section_id(parent: tuple[str, str, str] | None, number: str, used: dict[str, int]) -> str:
    number = " ".join(number.split())
    if parent and "." in number and number.split(".")[0] == parent[2]:
        number = number.split(".", 1)[1]  # "1.2" under "1." is "I.1.2", not "I.1.1.2"
    base = f"{parent[1]}.{number}" if parent else number
    return unique_id(base, used)


def unique_id(base: str, used: dict[str, int], sep: str = "~") -> str:
    """``base``, or ``base~2``, ``base~3`` ... when it was taken; counted, not searched."""
    k = used.get(base, 0) + 1
    candidate = base if k == 1 else f"{base}{sep}{k}"
    while candidate in used:  # "I.1~2" written out in the report itself
        k += 1
        candidate = f"{base}{sep}{k}"
    used[base] = k
    used[candidate] = max(used.get(candidate, 0), 1)
    return candidate


# --- closing ------------------------------------------------------------------


def _find_closing(lines: list[str], start: int, stop: int) -> int | None:
    recipients = signature = None
    for i in range(start, stop):
        first = lines[i].lstrip()[:1]  # the patterns need "N" (Nơi nhận) or "T", "K", "Q" (TM., KT., Q.)
        if recipients is None and first in ("N", "n") and _layout("recipients").match(lines[i].strip()):
            recipients = i
        elif (
            signature is None
            and first in ("T", "K", "Q")
            and _layout("signing_prefix").match(lines[i].strip())
            and is_upper(lines[i])
        ):
            signature = i
        if recipients is not None and signature is not None:
            break
    candidates = [i for i in (recipients, signature) if i is not None]
    if recipients is not None and signature is not None and abs(recipients - signature) > 40:
        candidates = [recipients]
    return min(candidates) if candidates else None


def _read_closing(lines: list[str], first: int, stop: int) -> dict:
    out: dict = {"recipients": [], "signing_authority": [], "first_line": first}
    i = first
    recipient_lines: set[int] = set()
    while i < stop:
        head = _layout("recipients").match(lines[i].strip())
        if head:
            recipient_lines.add(i)
            rest = lines[i].strip()[head.end() :]
            out["recipients"].extend(_recipient(p) for p in _RECIPIENT_ITEM.split(rest) if _recipient(p))
            k = i + 1
            while k < stop:
                text = lines[k].strip()
                if not text:
                    k += 1
                    continue
                if not _DASH.match(text):
                    break
                recipient_lines.add(k)
                if _recipient(text):
                    out["recipients"].append(_recipient(text))
                k += 1
            break
        i += 1
    titles: list[str] = []
    for k in range(first, stop):
        text = lines[k].strip().strip("|").strip()
        if k in recipient_lines or not text or _RULE.match(text) or _layout("signature_noise").match(text):
            continue
        if _layout("signing_prefix").match(text):
            out["signing_authority"].append(text)
            tm = _ON_BEHALF.match(text)
            if tm:
                out["issuer_from_signature"] = recase_body(tm[1])
            continue
        if is_upper(text) and len(text) < 80:
            titles.append(text)
            out["last_line"] = k
            continue
        if _layout("signer_name").match(text) and (titles or out["signing_authority"]):
            out["signer"] = text
            out["last_line"] = k
            break
    out["recipient_lines"] = recipient_lines
    if titles:
        out["signer_title"] = titles[-1]
    elif out["signing_authority"]:
        out["signer_title"] = _FIRST_WORD.sub("", out["signing_authority"][-1])
    return out


def _attachment(lines: list[str], closing: dict, stop: int) -> int | None:
    """Where a document attached after the signature starts (the "KẾ HOẠCH" or "QUY ĐỊNH" a
    decision issues, under its caption "Ban hành kèm theo Quyết định số ..."): the first line
    of text after the signature block that is not one of its recipients."""
    captioned = _captioned_type_line(lines, closing.get("first_line", 0), stop)
    if captioned is not None:
        return captioned
    last = closing.get("last_line")
    if last is None:
        return None
    skip = closing.get("recipient_lines", set())
    for k in range(last + 1, stop):
        text = lines[k].strip().strip("|").strip()
        if not text or k in skip or _RULE.match(text) or _layout("signature_noise").match(text):
            continue
        if _layout("recipients").match(text) or _DASH.match(text):
            return None  # the recipients after the signature: no attachment before them
        return k
    return None


def _captioned_type_line(lines: list[str], first: int, stop: int) -> int | None:
    """Where a document attached after the signature starts, by its caption "(Ban hành kèm
    theo Quyết định số ...)": at the title lines above the caption ("KẾ HOẠCH ...", "Phần I.
    DANH MỤC ..."), however the signature block before it was laid out."""
    caption = regex.compile(r"(?i)kèm\s+theo")
    for i in range(first + 1, stop):
        typed = _doc_type_line(lines, i, i + 1)
        if typed and len(typed[2]) <= 200 and any(caption.search(lines[k]) for k in range(i, min(stop, i + 5))):
            return i  # "KẾ HOẠCH" with "(Kèm theo ...)" under it or at the end of its title
        if not _CAPTION.match(lines[i].strip()):
            continue
        start = i
        for k in range(i - 1, max(first, i - 6), -1):
            text = lines[k].strip()
            if not text:
                continue
            if not (is_upper(text) or _doc_type_line(lines, k, k + 1) or (_heading(text) and len(text) < 40)):
                break
            start = k
        return start if start < i else None
    return None


_CAPTION = regex.compile(r"(?i)^[(\[]?\s*(?:ban\s+hành\s+)?kèm\s+theo\s+\p{L}+")


def _recipient(text: str) -> str:
    return _DASH.sub("", text.strip()).rstrip(" ;.,").strip()


# --- appendices ---------------------------------------------------------------


def _find_appendices(lines: list[str], start: int, stop: int, strict: bool) -> list[int]:
    found = []
    for i in range(start, stop):
        text = lines[i].strip()
        match = _layout("appendix_label").match(text)
        if not match or text.endswith((".", ";", ",")):
            continue
        if strict and not (is_upper(text) or _NUMBERED_TITLE.match(text)):
            continue
        found.append(i)
    return found


def _appendices(doc: Document, lines: list[str], starts: list[int], end_line: int) -> list[Appendix]:
    out: list[Appendix] = []
    used: dict[str, int] = {}
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else end_line
        title_parts = [lines[i].strip()]
        k = i + 1
        while k < stop and len(title_parts) < 4:
            text = lines[k].strip()
            if text and is_upper(text) and "\t" not in text and not text.startswith("STT"):
                title_parts.append(text)
            elif text:
                break
            k += 1
        label = lines[i].strip()
        base = slug(label)[:40].rstrip("-")  # an attached document is labelled by its first line
        appendix_id = unique_id(base, used, "-")
        line = doc.lines[i]
        end = doc.lines[stop].start if stop < len(doc.lines) else len(doc.text)
        out.append(
            Appendix(
                id=appendix_id,
                title=" ".join(title_parts),
                text=label,
                span=(line.start, line.end),
                extent=(line.start, end),
                page=line.page,
            )
        )
    return out
