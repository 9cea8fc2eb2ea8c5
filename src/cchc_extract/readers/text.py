"""Plain-text and Markdown reports.

Text: UTF-8 (with or without BOM) or UTF-16 (BOM), CRLF or LF; a form feed
starts a new page. Archive-era files in Windows-1258, TCVN3, VNI or VISCII bytes are
read when ``encoding`` names one, or recognised by ``auto`` (see ``decode``). Every
line is a block, so tab-separated appendix rows and the blank lines between paragraphs
survive as they are.

Markdown (as converted from published HTML): lines are hard-wrapped inside
paragraphs, bold and italic spans, and table cells set one per line between
``|`` lines. The reader joins the wrapped lines of a paragraph back into one
block, keeping list items, bold units (headings, signature lines) and cell
separators on lines of their own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import regex

from .. import legacy
from ..errors import InputError
from ..i18n import Message
from ..models import ParseWarning
from .base import Block, RawDocument

# Signatures of files that are not text although their name says so.
_MAGIC = {
    b"%PDF": Message("kind.pdf"),
    b"PK\x03\x04": Message("kind.zip"),
    b"\xd0\xcf\x11\xe0": Message("kind.doc"),
    b"\x89PNG": Message("kind.png"),
    b"\xff\xd8\xff": Message("kind.jpeg"),
}


def decode(path: Path, data: bytes, encoding: str = "auto") -> tuple[str, str, list[ParseWarning]]:
    """Decode report bytes; return (text, encoding, warnings). Undecodable bytes are an error.

    ``encoding`` is one of ``legacy.TEXT_ENCODINGS``. ``auto``: a byte-order mark, else
    UTF-8, else the legacy encoding (Windows-1258, TCVN3, VNI, VISCII) whose decoding
    reads most as Vietnamese, with a warning that says it was guessed. UTF-8 text is
    never converted.
    """
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(path, "error.text.binary", "remedy.text.suffix", what=what)
    body, bom = legacy.strip_bom(data)
    warnings: list[ParseWarning] = []
    if bom or encoding in ("auto", "utf-8", "utf-16"):
        used = bom or ("utf-16" if encoding == "utf-16" else "utf-8")
        try:
            text = body.decode("utf-16" if used == "utf-16" else "utf-8")
        except UnicodeDecodeError as exc:
            guess = legacy.guess_bytes(body) if encoding == "auto" else None
            if guess is None:
                raise InputError(
                    path,
                    "error.text.undecodable",
                    "remedy.text.encoding",
                    encoding=used.upper(),
                    byte=f"0x{data[exc.start]:02x}",
                    offset=str(exc.start),
                    choices=", ".join(e for e in legacy.TEXT_ENCODINGS if e != "auto"),
                ) from exc
            text, used = legacy.decode_bytes(body, guess.encoding), guess.encoding
            share, others = guess.explain()
            warnings.append(ParseWarning.of("encoding.guessed", name=legacy.NAMES[used], share=share, others=others))
    else:
        used = encoding
        try:
            text = legacy.decode_bytes(body, encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                path,
                "error.text.not_in_encoding",
                encoding=legacy.NAMES[encoding],
                byte=f"0x{body[exc.start]:02x}",
                offset=str(exc.start),
            ) from exc
    if "\x00" in text:
        raise InputError(path, "error.text.nul")
    if _mostly_foreign(text):
        raise InputError(path, "error.text.foreign", encoding=used)
    return text, used, warnings


_ODD = regex.compile(r"[\u2e80-\U0010ffff\p{Cc}\p{Co}\p{Cn}\p{Cs}--\s]", regex.V1)
_VISIBLE = regex.compile(r"\S")


_SUSPECT = regex.compile(r"[\u2e80-\U0010ffff\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _mostly_foreign(text: str, sample: int = 4000) -> bool:
    """Bytes that decode without error but into control, unassigned or CJK characters."""
    head = text[:sample]
    if not _SUSPECT.search(head):
        return False  # the usual case, decided in one pass
    visible = len(_VISIBLE.findall(head))
    return visible > 0 and len(_ODD.findall(head)) / visible > 0.3


def _pages(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\f")


def _raw(
    path: Path,
    data: bytes,
    fmt: str,
    blocks: list[Block],
    encoding: str,
    pages: int,
    warnings: list[ParseWarning],
) -> RawDocument:
    return RawDocument(
        path=str(path),
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        encoding=encoding,
        pages=pages if pages > 1 else None,
        warnings=warnings,
    )


def read_text(path: Path, data: bytes, encoding: str = "auto") -> RawDocument:
    """A plain-text report: one block per page (its lines as written), page numbers from form feeds."""
    text, encoding, warnings = decode(path, data, encoding)
    blocks = _page_blocks(text)
    return _raw(path, data, "txt", blocks, encoding, len(blocks), warnings)


def text_report(text: str, name: str) -> RawDocument:
    """A text already in memory (a spaCy Doc's), read as a text report is: no check that it
    looks like one, since it is text already."""
    blocks = _page_blocks(text)
    return _raw(Path(name), text.encode("utf-8"), "txt", blocks, "utf-8", len(blocks), [])


def _page_blocks(text: str) -> list[Block]:
    pages = _pages(text)
    paged = len(pages) > 1
    return [Block(page, page=number if paged else None) for number, page in enumerate(pages, start=1)]


# --- Markdown -----------------------------------------------------------------

_STARS = regex.compile(r"\*+")
_LIST_ITEM = regex.compile(r"^(?:[-+•–]\s|\*\s(?!\*)|\d{1,2}[.)]\s|[a-zđ]\)\s|[IVX]{1,5}[.\-]\s)")
_RULE = regex.compile(r"^[-–—_=*\s]+$")
_SENTENCE_END = regex.compile(r"[.:;!?]\s*\**\s*$")
# Lines that are units of their own whatever follows: signature lines ("KT. CHỦ
# TỊCH" over "PHÓ CHỦ TỊCH"), the header's "Số:" line and the motto.
_UNIT = regex.compile(
    r"^\**\s*(?:(?:TM|T/M|KT|K/T|Q|TL|T/L|TUQ)\s*\.\s*\p{Lu}|Số\s*:|Độc\s+lập\s*[-–]\s*Tự\s+do|Nơi\s+nhận)"
)


def _emphasis_state(line: str, bold: bool, italic: bool) -> tuple[bool, bool]:
    """Track open ``**`` and ``*`` spans across a line (a leading "* " is a bullet)."""
    if not line.strip() or line.strip() == "|":
        return False, False  # emphasis never spans paragraphs or cells
    only_stars = not line.replace("*", "").strip()
    for match in _STARS.finditer(line):
        run = len(match[0])
        if run == 1 and match.start() == 0 and line[1:2] == " " and not only_stars:
            continue
        if (run // 2) % 2 == 1:  # "****" closes one bold span and opens the next
            bold = not bold
        if run % 2 == 1:
            italic = not italic
    return bold, italic


_HEAD = 200


class _Paragraph:
    """A paragraph being rejoined: its lines, and what ``_joins`` asks of it, kept up to date
    line by line, so that deciding on the next line costs that line, not the paragraph
    (a file of 8,000 wrapped lines once took 21 s: every line rescanned all before it).
    One is reused for every paragraph: objects made per line would cost the collector."""

    __slots__ = ("bold", "head", "letters", "lines", "upper")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.bold = False
        self.head = ""
        self.letters = self.upper = 0

    def start(self, line: str) -> None:
        self.lines.clear()
        self.lines.append(line)
        self.head = line.strip()[:_HEAD]  # where a unit's words ("TM. ỦY BAN", "Nơi nhận") are looked for
        self.bold = line.lstrip().startswith("**")
        self.letters = self.upper = 0
        self._count(line)

    def add(self, line: str) -> None:
        stripped = line.strip()
        self.lines.append(stripped)
        self._count(stripped)
        if len(self.head) < _HEAD:
            self.head = f"{self.head} {stripped}"[:_HEAD]

    def _count(self, line: str) -> None:
        letters = list(filter(str.isalpha, line))
        self.letters += len(letters)
        self.upper += sum(map(str.isupper, letters))

    @property
    def single(self) -> str | None:
        """The paragraph's text while it is one line (rules, cell bars and tab rows never grow)."""
        return self.lines[0] if len(self.lines) == 1 else None

    def all_upper(self) -> bool | None:
        """True if every letter is a capital, False if some are not, None if too few letters."""
        return None if self.letters < 4 else self.letters == self.upper

    def text(self) -> str:
        return " ".join(self.lines)


def _letters_upper(line: str) -> bool | None:
    """True if every letter is a capital, False if some are not, None if too few letters."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return None
    return all(c.isupper() for c in letters)


def _joins(prev: _Paragraph, line: str, inside_emphasis: bool) -> bool:
    """Whether ``line`` continues the paragraph ``prev``.

    Only the paragraph's first line can be blank, a cell bar, a rule or hold a tab
    (such lines are never joined to, nor join), and a sentence end or a closing
    ``**`` lies in its last line (a joined line is no rule, so it has a character
    that is neither a space nor a star), so those are asked of one line; the unit
    words are looked for in the paragraph's first 200 characters.
    """
    last = prev.lines[-1]
    single = prev.single
    if (single is not None and not single.strip()) or not line.strip():
        return False
    if single is not None and (single.strip() == "|" or "\t" in single or _RULE.match(single)):
        return False  # cell separators, table rows and rules stand alone
    if line.strip() == "|" or "\t" in line or _RULE.match(line):
        return False
    if inside_emphasis:
        return True
    if _UNIT.match(prev.head) or _UNIT.match(line.strip()):
        return False
    stripped = line.lstrip()
    if _LIST_ITEM.match(stripped) and (_SENTENCE_END.search(last) or stripped[:1] in "-+•–*"):
        return False
    if stripped.startswith("**") or (prev.bold and last.rstrip().endswith("**")):
        return False
    prev_upper, line_upper = prev.all_upper(), _letters_upper(line)
    return not (prev_upper is not None and line_upper is not None and prev_upper != line_upper)


def _split_bold_units(lines: list[str]) -> list[str]:
    """ "**THÔNG TƯ****Quy định chế độ ...**": two bold blocks a conversion put on one line
    (a type line and its subject) are two lines, as they were in the page."""
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith("**") and "****" in line:
            parts = line.split("****")
            out.extend([parts[0] + "**", *("**" + p + "**" for p in parts[1:-1]), "**" + parts[-1]])
        else:
            out.append(line)
    return out


def reflow_markdown(lines: list[str]) -> list[tuple[str, bool]]:
    """Join hard-wrapped Markdown lines into paragraphs; flag those wholly in bold."""
    out: list[tuple[str, bool]] = []
    paragraph = _Paragraph()
    bold = italic = False
    for line in _split_bold_units(lines):
        # not the tabs: a table's row whose last cells are empty ("I. Lĩnh vực: ...", then
        # nothing under the other headers) stays a row, not a line to join to the next row
        line = _TRAILING_SPACE.sub("", line)
        if paragraph.lines and _joins(paragraph, line, bold or italic):
            paragraph.add(line)
        else:
            if paragraph.lines:
                out.append((paragraph.text(), paragraph.bold))
            paragraph.start(line)
        bold, italic = _emphasis_state(line, bold, italic)
    if paragraph.lines:
        out.append((paragraph.text(), paragraph.bold))
    return out


_TRAILING_SPACE = regex.compile(r"[^\S\t]+$")
_GFM_ROW = regex.compile(r"^\s*\|(?:[^|\n]*\|){2,}\s*$")
_GFM_RULE = regex.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _html_tables(lines: list[str]) -> list[str]:
    """HTML tables kept inside Markdown, as tab-separated rows."""
    if not any("<table" in line.lower() for line in lines):
        return lines
    out: list[str] = []
    i = 0
    while i < len(lines):
        if "<table" not in lines[i].lower():
            out.append(lines[i])
            i += 1
            continue
        k = i
        while k < len(lines) and "</table>" not in lines[k].lower():
            k += 1
        from .htmltable import HtmlTable  # html.parser only for a file that has a table

        parser = HtmlTable()
        parser.feed("\n".join(lines[i : k + 1]))
        out.extend("\t".join(row) for row in parser.rows if any(row))
        out.append("")
        i = k + 1
    return out


def _pipe_tables(lines: list[str]) -> list[str]:
    """GitHub-style tables ("| STT | Chỉ tiêu | ... |" over "|---|---|") as tab-separated rows."""
    out = []
    for line in lines:
        if _GFM_RULE.match(line):
            continue
        if _GFM_ROW.match(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out.append("\t".join(cells) if any(cells) else "")
        else:
            out.append(line)
    return out


_BOLD = frozenset({"bold"})
_NO_HINTS: frozenset[str] = frozenset()


def read_markdown(path: Path, data: bytes, encoding: str = "auto") -> RawDocument:
    """A Markdown report: paragraphs rejoined, ``|`` cell separators kept as lines."""
    text, encoding, warnings = decode(path, data, encoding)
    pages = _pages(text)
    paged = len(pages) > 1
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        for line, bold in reflow_markdown(_pipe_tables(_html_tables(page.split("\n")))):
            hints = _BOLD if bold and line.rstrip().endswith("**") else _NO_HINTS
            blocks.append(Block(line, page=number if paged else None, hints=hints))
    return _raw(path, data, "md", blocks, encoding, len(pages), warnings)
