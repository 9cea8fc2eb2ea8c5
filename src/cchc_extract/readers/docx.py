"""Word reports (.docx) through python-docx, and old .doc files through LibreOffice.

Paragraphs and tables come in body order. A paragraph keeps its line breaks, and
a blank line follows it, as in a text report; automatic list numbers ("1.",
"a)") are written back in front of the text, since Word stores them apart.
Tables become tab-separated lines, merged cells written once (the rest of a
merge is an empty cell), so the table reader sees the same grid as in a text
report. Header and footer text stays out of the body; footnotes follow it. Runs typed
in TCVN3 or VNI fonts are converted to Unicode first (``fonts.py``).

A DOCX is a ZIP file: it is inspected before anything is unpacked, and refused
when its parts would inflate beyond ``MAX_UNPACKED`` bytes or ``MAX_RATIO`` times
their packed size (zip bombs). XML entities are never resolved (python-docx's
parser and ours both set ``resolve_entities=False``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ..errors import CchcError, InputError, first_line
from ..i18n import t
from ..models import ParseWarning
from .base import Block, RawDocument
from .fonts import LegacyRuns


@functools.cache
def _markup_errors() -> tuple[type[Exception], ...]:
    """What python-docx raises on markup it cannot interpret: its own errors (InvalidXmlError
    for an attribute outside its type, such as w:val="maybe"), and plain ones from the grid
    walk ("no tr above topmost tr" when the first row continues a merge)."""
    from docx.exceptions import PythonDocxError

    return (ValueError, TypeError, KeyError, AttributeError, IndexError, PythonDocxError)


MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 5000
MAX_COLUMNS = 63  # Word's own limit; a gridSpan of 99999 would write as many empty cells per row
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_container(path: Path, data: bytes) -> None:
    """Refuse what is not a DOCX, or would inflate too far, before unpacking it."""
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(path, "error.docx.is_doc")
        raise InputError(path, "error.docx.not_zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(path, "error.docx.damaged", reason=str(exc)) from exc
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        raise InputError(path, "error.docx.not_word")
    if len(members) > MAX_PARTS:
        raise InputError(path, "error.docx.too_many_parts", parts=len(members), limit=MAX_PARTS)
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise InputError(path, "error.docx.zip_bomb", size=str(total), limit=str(MAX_UNPACKED))
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise InputError(
                path,
                "error.docx.zip_ratio",
                part=member.filename,
                ratio=member.file_size // max(member.compress_size, 1),
                limit=MAX_RATIO,
            )


def read_docx(path: Path, data: bytes) -> RawDocument:
    """A .docx report: body paragraphs and tables in order, then footnotes.

    A part or an element python-docx cannot make sense of (a malformed footnotes
    part, a table whose first row continues a vertical merge, a ``gridSpan`` that is
    not a number) costs what it holds of structure, not the document: its text is
    read as written, and a warning says what was lost.
    """
    check_container(path, data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(path, "error.docx.unopenable", reason=first_line(exc)) from exc
    except Exception as exc:  # lxml errors inside a damaged part
        raise InputError(path, "error.docx.damaged_part", reason=f"{type(exc).__name__}: {first_line(exc)}") from exc
    warnings = _Warnings()
    runs = LegacyRuns(_styles_root(document))
    runs.convert(document.element.body)  # runs in TCVN3 or VNI fonts become Unicode
    styles = _Styles(document, warnings)
    numbering = _Numbering(document, styles, warnings)
    blocks: list[Block] = []
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(Block(row, hints=frozenset({"cell"})) for row in _table_rows(item, warnings))
        else:
            blocks.append(_paragraph(item, styles, numbering, warnings))
        blocks.append(Block(""))
    for note in _footnotes(data, runs, warnings):
        blocks.extend([Block(note), Block("")])
    return RawDocument(
        path=str(path),
        format="docx",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        encoding=runs.encoding,
        warnings=runs.warnings() + warnings.found,
    )


def _styles_root(document: Any) -> Any:
    """The styles part's XML, or None when python-docx cannot read it (``_Styles`` warns)."""
    try:
        return document.styles.element
    except _markup_errors():
        return None


class _Warnings:
    """What a damaged document lost, one warning per kind of loss (not one per paragraph)."""

    def __init__(self) -> None:
        self.found: list[ParseWarning] = []
        self.codes: set[str] = set()

    def add(self, warning: ParseWarning) -> None:
        if warning.code not in self.codes:
            self.codes.add(warning.code)
            self.found.append(warning)


def _why(exc: Exception) -> str:
    """What a library said, in one line, for a warning's ``{reason}``."""
    return f"{type(exc).__name__}: {first_line(exc)}"


def _paragraph(paragraph: Any, styles: _Styles, numbering: _Numbering, warnings: _Warnings) -> Block:
    try:
        return Block(numbering.prefix(paragraph) + paragraph.text, hints=_hints(paragraph, styles))
    except _markup_errors() as exc:  # python-docx on a malformed attribute
        warnings.add(ParseWarning.of("docx.paragraph_markup", reason=_why(exc)))
        return Block(_xml_text(paragraph._p))


def _xml_text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


class _Styles:
    """Paragraph styles by id, read once: python-docx looks the default style up on every access."""

    def __init__(self, document: Any, warnings: _Warnings):
        try:
            self.by_id = {style.style_id: style for style in document.styles}
        except _markup_errors() as exc:
            warnings.add(ParseWarning.of("docx.styles", reason=_why(exc)))
            self.by_id = {}

    def of(self, paragraph: Any) -> Any:
        ppr = paragraph._p.pPr
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        return self.by_id.get(style_id) if style_id else None


def _hints(paragraph: Any, styles: _Styles) -> frozenset[str]:
    hints = set()
    style = styles.of(paragraph)
    name = (style.name or "") if style is not None else ""
    if name.startswith(("Heading", "Title")):
        hints.add("heading")
    style_bold = bool(style is not None and style.font.bold)
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs and all(r.bold or (r.bold is None and style_bold) for r in runs):
        hints.add("bold")
    return frozenset(hints)


def _table_rows(table: Any, warnings: _Warnings) -> list[str]:
    """Rows as tab-separated cells; a merged cell is written in its first place only."""
    try:
        return _merged_rows(table)
    except _markup_errors() as exc:
        # python-docx resolves merges from the grid; a grid it cannot follow ("vMerge" on the
        # first row, gridSpan="abc") leaves the cells as Word wrote them
        warnings.add(ParseWarning.of("docx.table_grid", reason=_why(exc)))
        return [
            "\t".join(" ".join(_xml_text(tc).split()) for tc in list(tr.iter(f"{W}tc"))[:MAX_COLUMNS])
            for tr in table._tbl.iter(f"{W}tr")
        ]


def _merged_rows(table: Any) -> list[str]:
    rows = []
    previous: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        if len(cells) > MAX_COLUMNS:
            raise ValueError(t("error.docx.too_many_columns", columns=len(cells), limit=MAX_COLUMNS))
        texts = []
        for i, cell in enumerate(cells):
            repeated = (i > 0 and cells[i - 1]._tc is cell._tc) or (i < len(previous) and previous[i]._tc is cell._tc)
            texts.append("" if repeated else " ".join(cell.text.split()))
        rows.append("\t".join(texts))
        previous = cells
    return rows


class _Numbering:
    """Automatic list numbers, which Word keeps out of the paragraph text."""

    def __init__(self, document: Any, styles: _Styles, warnings: _Warnings):
        self.styles = styles
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        try:
            self._read(root)
        except _markup_errors() as exc:
            warnings.add(ParseWarning.of("docx.numbering", reason=_why(exc)))
            self.levels = {}

    def _read(self, root: Any) -> None:
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None and ref.get(f"{W}val") in abstract:
                self.levels[num.get(f"{W}numId")] = abstract[ref.get(f"{W}val")]

    def prefix(self, paragraph: Any) -> str:
        numpr = _numpr(paragraph._p.pPr)
        style = self.styles.of(paragraph)
        if numpr is None and style is not None:
            numpr = _numpr(style.element.pPr)  # numbering set by the style ("List Number")
        if numpr is None or numpr.numId is None:
            return ""
        num_id = str(numpr.numId.val)
        level = int(numpr.ilvl.val) if numpr.ilvl is not None and numpr.ilvl.val is not None else 0
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 10)
        counts[level] += 1
        for deeper in range(level + 1, 10):
            counts[deeper] = 0
        fmt, template, _ = levels[level]
        if fmt == "bullet":
            return "- "
        text = template
        for k in range(level + 1):
            kfmt, _, kstart = levels.get(k, ("decimal", "", 1))
            text = text.replace(f"%{k + 1}", _format(counts[k] + kstart - 1, kfmt))
        return text + " " if text else ""


def _numpr(ppr: Any) -> Any:
    return ppr.numPr if ppr is not None else None


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        out, rest = "", value
        for amount, numeral in numerals:
            while rest >= amount:
                out, rest = out + numeral, rest - amount
        return out.lower() if fmt == "lowerRoman" else out
    return str(value)


def _footnotes(data: bytes, runs: LegacyRuns, warnings: _Warnings) -> list[str]:
    """Footnote texts, "[n] text", read without resolving entities; a damaged part is a warning."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/footnotes.xml" not in archive.namelist():
                return []
            xml = archive.read("word/footnotes.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(xml, parser)
    except (etree.LxmlError, zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        warnings.add(ParseWarning.of("docx.footnotes", reason=_why(exc)))
        return []
    runs.convert(root)
    notes = []
    for note in root.findall(f"{W}footnote"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(_xml_text(p) for p in note.iter(f"{W}p")).strip()
        if text:
            notes.append(f"[{note.get(f'{W}id')}] {text}")
    return notes


def check_word_ole(path: Path, data: bytes) -> None:
    """Refuse an OLE file that is not a Word document before LibreOffice sees it.

    LibreOffice reads whatever it is given, and turns an OLE container of junk into
    pages of mojibake; a Word .doc has a ``WordDocument`` stream that starts with the
    Word signature (0xA5EC, the first field of its File Information Block).
    """
    if not data.startswith(_OLE):
        raise InputError(path, "error.doc.not_doc")
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                raise InputError(path, "error.doc.not_word")
            head = ole.openstream("WordDocument").read(2)
    except CchcError:
        raise
    except Exception as exc:  # olefile on a damaged container: any of several types
        # its OSError says what is wrong; other types come from deep inside and say nothing useful
        why = first_line(exc) if isinstance(exc, OSError) else f"olefile: {type(exc).__name__}"
        raise InputError(path, "error.doc.damaged_ole", reason=why) from exc
    if head != b"\xec\xa5":
        raise InputError(path, "error.doc.no_word_signature")


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_doc(path: Path, data: bytes) -> RawDocument:
    """An old Word .doc: converted to DOCX by LibreOffice (soffice) when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError(path, "error.doc.needs_libreoffice", "remedy.doc.install_libreoffice")
    check_word_ole(path, data)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.doc"
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--headless",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise InputError(path, "error.doc.conversion", reason=first_line(exc)) from exc
        target = Path(folder) / "report.docx"
        if not target.is_file():
            raise InputError(path, "error.doc.not_converted")
        converted = target.read_bytes()
    raw = read_docx(path, converted)
    raw.format = "doc"
    raw.sha256 = hashlib.sha256(data).hexdigest()
    return raw
