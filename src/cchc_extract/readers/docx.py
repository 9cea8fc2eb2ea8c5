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

import hashlib
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError
from .base import Block, RawDocument
from .fonts import LegacyRuns

MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 5000
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
    """A .docx report: body paragraphs and tables in order, then footnotes."""
    check_container(path, data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(path, "error.docx.unopenable", reason=str(exc)) from exc
    except Exception as exc:  # lxml errors inside a damaged part
        raise InputError(path, "error.docx.damaged_part", reason=f"{type(exc).__name__}: {exc}") from exc
    runs = LegacyRuns(document.styles.element)
    runs.convert(document.element.body)  # runs in TCVN3 or VNI fonts become Unicode
    styles = _Styles(document)
    numbering = _Numbering(document, styles)
    blocks: list[Block] = []
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(Block(row, hints=frozenset({"cell"})) for row in _table_rows(item))
        else:
            blocks.append(Block(numbering.prefix(item) + item.text, hints=_hints(item, styles)))
        blocks.append(Block(""))
    for note in _footnotes(data, runs):
        blocks.extend([Block(note), Block("")])
    return RawDocument(
        path=str(path),
        format="docx",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        encoding=runs.encoding,
        warnings=runs.warnings(),
    )


class _Styles:
    """Paragraph styles by id, read once: python-docx looks the default style up on every access."""

    def __init__(self, document: Any):
        self.by_id = {style.style_id: style for style in document.styles}

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


def _table_rows(table: Any) -> list[str]:
    """Rows as tab-separated cells; a merged cell is written in its first place only."""
    rows = []
    previous: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        texts = []
        for i, cell in enumerate(cells):
            repeated = (i > 0 and cells[i - 1]._tc is cell._tc) or (i < len(previous) and previous[i]._tc is cell._tc)
            texts.append("" if repeated else " ".join(cell.text.split()))
        rows.append("\t".join(texts))
        previous = cells
    return rows


class _Numbering:
    """Automatic list numbers, which Word keeps out of the paragraph text."""

    def __init__(self, document: Any, styles: _Styles):
        self.styles = styles
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
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


def _footnotes(data: bytes, runs: LegacyRuns) -> list[str]:
    """Footnote texts, "[n] text", read without resolving entities."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/footnotes.xml" not in archive.namelist():
            return []
        xml = archive.read("word/footnotes.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    runs.convert(root)
    notes = []
    for note in root.findall(f"{W}footnote"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in note.iter(f"{W}p")).strip()
        if text:
            notes.append(f"[{note.get(f'{W}id')}] {text}")
    return notes


def read_doc(path: Path, data: bytes) -> RawDocument:
    """An old Word .doc: converted to DOCX by LibreOffice (soffice) when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError(path, "error.doc.needs_libreoffice", "remedy.doc.install_libreoffice")
    if not data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "error.doc.not_doc")
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
            converted = (Path(folder) / "report.docx").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise InputError(path, "error.doc.conversion", reason=str(exc)) from exc
    raw = read_docx(path, converted)
    raw.format = "doc"
    raw.sha256 = hashlib.sha256(data).hexdigest()
    return raw
