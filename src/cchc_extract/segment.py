"""Segment a normalized report: header, body sections, closing, appendices.

The header is read as cells, whatever the conversion did to its two columns
(joined by "|", one cell per line, or "Số: 01 /KH-UBND Định Hưng, ngày ..." on one
line). Body headings follow the forms in patterns/headings.yaml, nested in the
order the report first uses them.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
from dataclasses import dataclass, field

import regex

from . import patternbook
from .issuers import normalize_issuer
from .models import Appendix, Metadata, Section, Span
from .normalize import Document
from .vietnamese import is_upper, recase_body, slug, strip_accents

_MOTTO = regex.compile(
    r"(?i)CỘNG\s+H[OÒ][ÀA]\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]\s*Tự\s+do|[ĐD][ẢA]NG\s+C[ỘO]NG\s*S[ẢA]N\s+VI[ỆE]T\s+NAM"
)
_RULE = regex.compile(r"^[-–—_=.*\s]*$")
_PLACE_DATE = regex.compile(
    r"(?P<place>[^,|\t]*?)\s*,?\s*ngày\s*(?P<day>\d{1,2})?[\s.…]*tháng\s*(?P<month>\d{1,2})?"
    r"[\s.…]*năm\s*(?P<year>\d{4})",
    regex.I,
)
_SUBJECT_LEAD = regex.compile(r"^(?:V/v|Về\s+việc)\s*:?\s*", regex.I)
_BODY_LEAD = regex.compile(
    r"^(?:Căn\s+cứ|Thực\s+hiện|Kính\s+gửi|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Trên\s+cơ\s+sở|Ngày\s+\d)",
    regex.I,
)
_AUTHORITY = regex.compile(
    r"^(?:CHỦ\s+TỊCH|PHÓ\s+CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|TRƯỞNG\s+BAN|CHÁNH\s+VĂN\s+PHÒNG|"
    r"ỦY\s+BAN\s+NHÂN\s+DÂN|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|BAN\s+THƯỜNG\s+VỤ|BAN\s+CHẤP\s+HÀNH)\b"
)
_RECIPIENTS = regex.compile(r"^(?:Nơi\s+nhận|NƠI\s+NHẬN)\s*:?\s*", regex.I)
_SIGN_PREFIX = regex.compile(r"^(?:TM|T/M|KT|K/T|Q|TL|T/L|TUQ)\s*\.\s*\p{Lu}")
_SIGN_NOISE = regex.compile(r"^\(.*\)$|^\[.*\]$|^(?:Đã\s+ký|đã\s+ký)")
_NAME = regex.compile(r"^\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}*){1,5}$")
_APPENDIX = regex.compile(
    r"^(?P<label>(?:PHỤ\s+LỤC|Phụ\s+lục|PHỤ\s+BIỂU|Phụ\s+biểu|MẪU\s+BIỂU\s+SỐ|Mẫu\s+biểu\s+số|BIỂU\s+MẪU"
    r"|Biểu\s+mẫu|BIỂU\s+SỐ|Biểu\s+số|MẪU\s+SỐ|Mẫu\s+số)\b[^\n]{0,40})$"
)
_BARE_BODY = regex.compile(r"^(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN$|^HỘI\s+ĐỒNG\s+NHÂN\s+DÂN$|^BAN\s+CHẤP\s+HÀNH$")
_ISSUER_IN_TEXT = regex.compile(
    r"(?<!\p{L})(?P<issuer>(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|HĐND)\s+"
    r"(?:xã|phường|thị\s+trấn|huyện|quận|thị\s+xã|thành\s+phố|tỉnh)"
    r"(?:\s+\p{Lu}[\p{Ll}\p{M}]*){1,4})"
)
_CELL = regex.compile(r"[^|\t]+")
_NUMBER_LABEL = regex.compile(r"Số\s*:?")
_DASH = regex.compile(r"^[-–+•]\s*")
_ENDS_SENTENCE = regex.compile(r"[.:;!?)]\s*$")


@patternbook.derived
def _symbol_pattern() -> regex.Pattern[str]:
    f = patternbook.reference_fragments()
    code, slash, hyphen = f["code"], f["slash"], f["hyphen"]
    return regex.compile(
        rf"^Số\s*:?\s*(?P<number>\d{{1,5}}[a-zđ]?)?\s*(?:(?P<year>{f['year']})\s*/\s*)?"
        rf"(?P<sep>[/\-–])\s*(?P<symbol>{code}(?:{hyphen}{code})*(?:{slash}{code}(?:{hyphen}{code})*)?)"
    )


_CATALOGUE_NUMBER = regex.compile(r"^(\d{1,5}[a-zđ]?)\s*[/\-]\s*(\S+)$")
_CATALOGUE_DATE = regex.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
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
    own_numbers: list[Span] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.extent[0] for s in self.sections]

    def section_at(self, offset: int) -> str | None:
        """The id of the innermost part holding ``offset`` (section, header, closing, ...)."""
        if offset < self.header[1]:
            return "header"
        for appendix in self.appendices:
            if appendix.extent[0] <= offset < appendix.extent[1]:
                return f"appendix:{appendix.id}"
        if self.closing and self.closing[0] <= offset < self.closing[1]:
            return "closing"
        index = bisect.bisect_right(self._starts, offset) - 1
        while index >= 0:
            section = self.sections[index]
            if section.extent[0] <= offset < section.extent[1]:
                return section.id
            index -= 1
        return "preamble"


def segment(doc: Document) -> Layout:
    """Find header, sections, closing and appendices, and read the metadata."""
    lines = doc.line_texts()
    header = _read_header(doc, lines)
    body_start_line = header.end_line
    closing_line = _find_closing(lines, body_start_line)
    appendix_lines = _find_appendices(
        lines, closing_line if closing_line is not None else body_start_line, strict=closing_line is None
    )
    end_line = len(lines)
    body_end_line = min([x for x in (closing_line, *appendix_lines[:1]) if x is not None], default=end_line)
    closing_end_line = appendix_lines[0] if appendix_lines else end_line

    def at(i: int) -> int:
        return doc.lines[i].start if i < len(doc.lines) else len(doc.text)

    body = (at(body_start_line), at(body_end_line))
    sections = _sections(doc, lines, body_start_line, body_end_line)
    closing_span = (at(closing_line), at(closing_end_line)) if closing_line is not None else None
    closing = _read_closing(lines, closing_line, closing_end_line) if closing_line is not None else {}
    appendices = _appendices(doc, lines, appendix_lines)

    issuer = header.issuer or closing.pop("issuer_from_signature", None)
    if not issuer:
        match = _ISSUER_IN_TEXT.search(doc.text, body[0], min(body[1], body[0] + 3000))
        issuer = match["issuer"] if match else None
    doc_type = header.doc_type or _type_from_symbol(header.symbol)
    metadata = Metadata(
        doc_type=doc_type,
        number=header.number,
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
    return Layout(
        metadata=metadata,
        header=(0, at(body_start_line)),
        body=body,
        closing=closing_span,
        sections=sections,
        appendices=appendices,
        own_numbers=header.own_spans,
        warnings=header.warnings,
    )


# --- header -------------------------------------------------------------------


@dataclass
class _Header:
    end_line: int = 0
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    parent: str | None = None
    place: str | None = None
    date: dt.date | None = None
    subject: str | None = None
    catalogue_signer: str | None = None
    own_spans: list[Span] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def _cells(doc: Document, lines: list[str], upto: int) -> list[_Cell]:
    cells: list[_Cell] = []
    for i in range(upto):
        base = doc.lines[i].start
        for match in _CELL.finditer(lines[i]):
            text = match[0].strip()
            if not text:
                continue
            start = base + match.start() + (len(match[0]) - len(match[0].lstrip()))
            if cells and _NUMBER_LABEL.fullmatch(cells[-1].text) and cells[-1].line == i - 1:
                # "Số:" in one cell and "1594/QĐ-TTPVHCC" on the next line
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


def _doc_type_line(lines: list[str], limit: int) -> tuple[int, str, str] | None:
    """The line that names the document type in capitals ("BÁO CÁO"), with any rest."""
    for i in range(min(limit, len(lines))):
        text = lines[i].strip().strip("|").strip()
        if not text or not is_upper(text) or text.endswith(":") or len(text) > 160:
            continue
        # compared without accents: scans read "BÁO CÁO" as "BAO CÁO"
        bare = strip_accents(text)
        for name, upper in _type_names():
            if bare == upper or bare.startswith(upper + " "):
                return i, name, text[len(upper) :].strip()
    return None


def _read_header(doc: Document, lines: list[str]) -> _Header:
    header = _Header()
    found = _doc_type_line(lines, 150)
    symbol_re = _symbol_pattern()
    limit = found[0] if found else min(len(lines), 60)
    cells = _split_at_motto(_cells(doc, lines, limit))
    anchor: int | None = None
    last_header_line = -1
    for index, cell in enumerate(cells):
        number = symbol_re.match(cell.text)
        if number and header.symbol is None:
            header.number = number["number"]
            year = f"{number['year']}/" if number["year"] else ""
            header.symbol = year + number["symbol"].replace(" ", "") if year else number["symbol"].replace(" ", "")
            header.own_spans.append((cell.start, cell.start + number.end()))
            rest = cell.text[number.end() :]
            anchor = index if anchor is None else anchor
            last_header_line = max(last_header_line, cell.line)
            if rest.strip():
                _place_date(header, rest)
            continue
        if _MOTTO.search(cell.text):
            anchor = index if anchor is None else anchor
            last_header_line = max(last_header_line, cell.line)
            continue
        if (
            header.date is None
            and header.place is None
            and _PLACE_DATE.search(cell.text)
            and (anchor is not None or found)
        ):
            _place_date(header, cell.text)
            last_header_line = max(last_header_line, cell.line)
            continue
        lead = _SUBJECT_LEAD.match(cell.text)
        if lead and anchor is not None and header.subject is None and not found:
            header.subject = cell.text[lead.end() :].strip()
            last_header_line = max(last_header_line, cell.line)
    if anchor is not None:
        header.parent, header.issuer = _bodies(cells, anchor)
    if found:
        line, header.doc_type, rest = found
        header.subject, header.end_line = _subject(lines, line, rest)
    else:
        header.end_line = last_header_line + 1 if last_header_line >= 0 else 0
    _fill_from_catalogue(header, _catalogue(cells[:200]))
    return header


def _fill_from_catalogue(header: _Header, cells: dict[str, _Cell]) -> None:
    if not cells:
        return
    catalogue = {k: c.text.strip() for k, c in cells.items()}
    if "number" in cells:
        number = cells["number"]
        header.own_spans.append((number.start, number.start + len(number.text)))
        match = _CATALOGUE_NUMBER.match(catalogue["number"])
        if match and header.symbol is None:
            header.number, header.symbol = match[1], match[2]
    if header.doc_type is None and "doc_type" in catalogue:
        header.doc_type = patternbook.doc_types().name_for_word(catalogue["doc_type"]) or catalogue["doc_type"]
    if header.issuer is None and "issuer" in catalogue:
        header.issuer = catalogue["issuer"]
    if header.date is None and "date" in catalogue:
        match = _CATALOGUE_DATE.match(catalogue["date"])
        if match:
            with contextlib.suppress(ValueError):
                header.date = dt.date(int(match[3]), int(match[2]), int(match[1]))
    header.catalogue_signer = catalogue.get("signer")


def _place_date(header: _Header, text: str) -> None:
    match = _PLACE_DATE.search(text)
    if not match:
        return
    place = match["place"].strip(" ,|")
    header.place = place or None
    if match["day"] and match["month"]:
        try:
            header.date = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            header.warnings.append(("date.impossible", f"the report's date {match[0].strip()!r} is impossible"))


def _split_at_motto(cells: list[_Cell]) -> list[_Cell]:
    """Two columns read as one line ("TỈNH ỦY BẮC NINH ĐẢNG CỘNG SẢN VIỆT NAM"): cut at the motto."""
    out = []
    for cell in cells:
        match = _MOTTO.search(cell.text)
        if match and match.start() > 0:
            left = cell.text[: match.start()].rstrip()
            out.append(_Cell(cell.line, cell.start, left))
            out.append(_Cell(cell.line, cell.start + match.start(), cell.text[match.start() :]))
        else:
            out.append(cell)
    return out


def _bodies(cells: list[_Cell], anchor: int) -> tuple[str | None, str | None]:
    """Parent and issuing body: the capitalised cells around the motto and "Số" line."""

    def is_body(cell: _Cell) -> bool:
        text = cell.text
        return is_upper(text) and text[:1].isalpha() and not _MOTTO.search(text) and not text.startswith("SỐ")

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
        elif not (_RULE.match(cell.text) or _MOTTO.search(cell.text) or cell.text.startswith("Số")):
            break
        j += 1
    merged: list[str] = []
    for name in names:
        if merged and _BARE_BODY.match(merged[-1]):
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
            (_BODY_LEAD.match(text) and not is_upper(text))
            or _AUTHORITY.match(text)
            or _heading(text)
            or _RECIPIENTS.match(text)
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
        and not (_AUTHORITY.match(nxt) or _heading(nxt) or _BODY_LEAD.match(nxt))
    )


def _type_from_symbol(symbol: str | None) -> str | None:
    """The type a symbol's first code names ("BC-UBND" -> Báo cáo); none: a công văn."""
    if not symbol:
        return None
    types = patternbook.doc_types()
    first = regex.split(r"[-/]", symbol.split("/")[-1] if regex.match(r"\d{4}/", symbol) else symbol)[0]
    code = types.canonical_code(first)
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


def _clean_title(title: str) -> str:
    return title.strip().rstrip(" :;.").strip()


def _sections(doc: Document, lines: list[str], first: int, stop: int) -> list[Section]:
    found: list[tuple[int, str, str, str, str, str | None, int]] = []  # line, id, number, form, title, parent, level
    stack: list[tuple[str, str, str]] = []  # form, id, number
    used: dict[str, int] = {}
    for i in range(first, stop):
        text = lines[i]
        hit = _heading(text)
        if not hit or doc.in_cell(i):
            continue
        form, match = hit
        number = match["number"]
        forms = [f for f, _, _ in stack]
        if form in forms:
            del stack[forms.index(form) :]
        parent = stack[-1] if stack else None
        section_id = _section_id(parent, number, used)
        title = _continued(lines, i, match["title"], stop)
        found.append((i, section_id, number, form, _clean_title(title), parent[1] if parent else None, len(stack) + 1))
        stack.append((form, section_id, number))
    end = doc.lines[stop].start if stop < len(doc.lines) else len(doc.text)
    sections = []
    for k, (i, section_id, number, form, title, parent_id, level) in enumerate(found):
        line = doc.lines[i]
        next_start = next((doc.lines[f[0]].start for f in found[k + 1 :] if f[6] <= level), end)
        sections.append(
            Section(
                id=section_id,
                number=number,
                level=level,
                title=title,
                parent=parent_id,
                form=form,
                text=doc.text[line.start : line.end],
                span=(line.start, line.end),
                extent=(line.start, next_start),
                page=line.page,
            )
        )
    return sections


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


def _find_closing(lines: list[str], start: int) -> int | None:
    recipients = signature = None
    for i in range(start, len(lines)):
        first = lines[i].lstrip()[:1]  # the patterns need "N" (Nơi nhận) or "T", "K", "Q" (TM., KT., Q.)
        if recipients is None and first in ("N", "n") and _RECIPIENTS.match(lines[i].strip()):
            recipients = i
        elif (
            signature is None
            and first in ("T", "K", "Q")
            and _SIGN_PREFIX.match(lines[i].strip())
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
    out: dict = {"recipients": [], "signing_authority": []}
    i = first
    recipient_lines: set[int] = set()
    while i < stop:
        head = _RECIPIENTS.match(lines[i].strip())
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
        if k in recipient_lines or not text or _RULE.match(text) or _SIGN_NOISE.match(text):
            continue
        if _SIGN_PREFIX.match(text):
            out["signing_authority"].append(text)
            tm = _ON_BEHALF.match(text)
            if tm:
                out["issuer_from_signature"] = recase_body(tm[1])
            continue
        if is_upper(text) and len(text) < 80:
            titles.append(text)
            continue
        if _NAME.match(text) and (titles or out["signing_authority"]):
            out["signer"] = text
            break
    if titles:
        out["signer_title"] = titles[-1]
    elif out["signing_authority"]:
        out["signer_title"] = _FIRST_WORD.sub("", out["signing_authority"][-1])
    return out


def _recipient(text: str) -> str:
    return _DASH.sub("", text.strip()).rstrip(" ;.,").strip()


# --- appendices ---------------------------------------------------------------


def _find_appendices(lines: list[str], start: int, strict: bool) -> list[int]:
    found = []
    for i in range(start, len(lines)):
        text = lines[i].strip()
        match = _APPENDIX.match(text)
        if not match or text.endswith((".", ";", ",")):
            continue
        if strict and not (is_upper(text) or _NUMBERED_TITLE.match(text)):
            continue
        found.append(i)
    return found


def _appendices(doc: Document, lines: list[str], starts: list[int]) -> list[Appendix]:
    out: list[Appendix] = []
    used: dict[str, int] = {}
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
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
        base = slug(label)
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
