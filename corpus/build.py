"""Render the corpus reports to DOCX (python-docx) and PDF (LibreOffice), the way clerks type them.

    python corpus/build.py              # writes corpus/<name>.docx and corpus/<name>.pdf
    python corpus/build.py --no-pdf     # only the DOCX renderings (no LibreOffice needed)
    python corpus/build.py --borderless corpus/000_hoang_cat_2024h1.txt --out tests/data
                                        # tables without ruling lines, as many clerks print them

A DOCX keeps the line structure of the source: a run of lines is one paragraph
(line breaks inside), a blank line starts the next paragraph. Headings are
ordinary bold paragraphs. Lines of cells ("|" or tabs) become real Word tables:
the two-column header a borderless table, each page of an appendix its own table
after a page break, header cells merged across and down as a clerk merges them.
The PDF is LibreOffice's rendering of that DOCX.

The rendered files are committed so that tests run without LibreOffice; the
test suite renders again and compares the text, not the bytes (both tools stamp
dates into their files).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import regex

HERE = Path(__file__).resolve().parent
OUT = HERE
SOURCES = ("*.txt", "*.md")

_BOLD_LINE = regex.compile(
    r"^(?:[IVX]{1,5}[.\-]\s|PHẦN\s|Phần\s|[A-Z]\.\s|\d{1,2}\.\s(?=\p{Lu})|\d{1,2}\.\d{1,2}\.?\s|Phụ lục|PHỤ LỤC|"
    r"BÁO CÁO$|KẾ HOẠCH$|QUYẾT ĐỊNH$|TM\.|KT\.|CHỦ TỊCH$|PHÓ CHỦ TỊCH$)"
)


def source_lines(path: Path) -> list[str]:
    """The report as the extractor reads it: normalized lines (Markdown markup gone)."""
    from cchc_extract import normalize, read

    doc = normalize(read(path))
    return [doc.line_text(i) for i in range(len(doc.lines))]


def _is_cells(line: str) -> bool:
    return "\t" in line or (" | " in line and line.count("|") == 1)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in (line.split("\t") if "\t" in line else line.split("|"))]


def _chunks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Paragraphs ("p": consecutive lines), tables ("t": consecutive cell lines), page breaks ("br")."""
    out: list[tuple[str, list[str]]] = []
    blank_run = 0
    for line in lines:
        if line.strip() == "|":
            continue  # a Markdown cell separator: the cells become paragraphs
        if not line.strip():
            blank_run += 1
            continue
        kind = "t" if _is_cells(line) else "p"
        if out and out[-1][0] == kind and blank_run == 0:
            out[-1][1].append(line)
        else:
            if kind == "t" and out and out[-1][0] == "t" and blank_run:
                out.append(("br", []))
            out.append((kind, [line]))
        blank_run = 0
    return out


def build_docx(source: Path, target: Path, *, borderless: bool = False) -> None:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(12)
    core = document.core_properties
    core.author = "cchc-extract corpus"
    pending_break = False
    for kind, lines in _chunks(source_lines(source)):
        if kind == "br":
            pending_break = True
            continue
        if kind == "p":
            paragraph = document.add_paragraph()
            if pending_break:
                paragraph.add_run().add_break(WD_BREAK.PAGE)
                pending_break = False
            for k, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.bold = bool(_BOLD_LINE.match(line)) or None
                if k < len(lines) - 1:
                    run.add_break()
            continue
        if pending_break:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            pending_break = False
        _table(document, [_cells(line) for line in lines], borderless=borderless)
    document.save(str(target))


def _table(document, rows: list[list[str]], borderless: bool = False) -> None:  # type: ignore[no-untyped-def]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    table = document.add_table(rows=len(rows), cols=width)
    if width > 2 and not borderless:
        table.style = "Table Grid"
    merged: set[tuple[int, int]] = set()
    # a header over a sub-header: "Kết quả thống kê" spans the cells right of it that are
    # empty above and filled below; cells empty below take the cell above them
    if len(rows) > 1 and rows[0][0] == "STT" and not rows[1][0]:
        top, sub = rows[0], rows[1]
        for i in range(width):
            if top[i] and not sub[i]:
                table.cell(0, i).merge(table.cell(1, i))
                merged.add((1, i))
            elif not top[i] and sub[i] and i > 0 and top[i - 1]:
                table.cell(0, i - 1).merge(table.cell(0, i))
                merged.add((0, i))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in merged:
                continue
            cell = table.cell(r, c)
            if r == 0 and (0, c + 1) in merged and cell.text:
                continue
            cell.text = text
    _widths(table, rows)


def _widths(table, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    """A narrow code column, the longest column wide, the rest even: 16.5 cm in all."""
    from docx.shared import Cm

    width = len(rows[0])
    longest = max(range(width), key=lambda i: sum(len(r[i]) for r in rows))
    narrow = 1.9 if width > 2 else 0.0
    others = [i for i in range(width) if i not in (0, longest)] if width > 2 else []
    rest = 16.5 - narrow - 2.6 * len(others)
    sizes = {i: 2.6 for i in others} | {longest: max(rest, 4.0)}
    if width > 2:
        sizes[0] = narrow
    else:
        sizes = {0: 8.25, 1: 8.25}
    table.autofit = False
    for i, column in enumerate(table.columns):
        column.width = Cm(sizes.get(i, 2.6))
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(sizes.get(i, 2.6))


def build_pdf(docx_path: Path, folder: Path) -> Path:
    return convert(docx_path, folder, "pdf")


def convert(path: Path, folder: Path, to: str) -> Path:
    """LibreOffice's rendering of a document as ``to`` ("pdf", "doc") in ``folder``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit(
            f"LibreOffice (soffice) is needed for {to} renderings: apt-get install libreoffice-writer-nogui"
        )
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(folder),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return folder / f"{path.stem}.{to}"


def sources() -> list[Path]:
    return sorted(p for pattern in SOURCES for p in HERE.glob(pattern))


def build(folder: Path, pdf: bool = True, *, only: list[Path] | None = None, borderless: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in only or sources():
        stem = f"{source.stem}_borderless" if borderless else source.stem
        target = folder / f"{stem}.docx"
        build_docx(source, target, borderless=borderless)
        written.append(target)
        if pdf:
            written.append(build_pdf(target, folder))
    return written


def command_line(description: str, build_into: Callable[[Path, bool], list[Path]], out: Path, what: str) -> None:
    """Parse ``--out`` and ``--no-pdf``, build, and list what was written."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--no-pdf", action="store_true", help=f"only the {what}")
    args = parser.parse_args()
    for path in build_into(args.out, not args.no_pdf):
        _show(path)


def _show(path: Path) -> None:
    print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("sources", nargs="*", type=Path, help="corpus reports (default: all)")
    parser.add_argument("--no-pdf", action="store_true", help="only the DOCX renderings")
    parser.add_argument(
        "--borderless", action="store_true", help="tables without ruling lines; files named <stem>_borderless"
    )
    args = parser.parse_args()
    for path in build(args.out, pdf=not args.no_pdf, only=args.sources or None, borderless=args.borderless):
        _show(path)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    main()
