"""Render the corpus reports in archive-era encodings, as clerks typed them before Unicode.

    python corpus/legacy.py              # writes corpus/legacy/<name>.<form>.<suffix>
    python corpus/legacy.py --no-pdf     # without the PDF renderings (no LibreOffice needed)

From each report's Unicode DOCX (``build.py``) and its text:

- ``tcvn3.docx``: every run in TCVN3 bytes under the Normal style's ``.VnTime``; capitals
  with tone marks, which TCVN3 lacks, in ``.VnTimeH`` runs (a line typed in capitals is
  one such run, a capital inside a word of small letters a run of its own; the capital
  written as its small letter's byte, which the H font draws as a capital); the letter
  "ư" (0xAD) written as Word writes it, ``<w:softHyphen/>``;
- ``vni.docx``: every run in VNI bytes, the font ``VNI-Times`` set on each run;
- ``mixed.docx``: the header (up to the title in capitals) in Unicode, set in Times New
  Roman, pasted on a TCVN3 body;
- ``cp1258.txt`` and ``tcvn3.txt`` (``.md`` for a Markdown report): the text file's bytes
  in Windows-1258 (tone marks combining) and in TCVN3 (no capitals with tone marks);
- for the seed only, PDFs that LibreOffice prints from the VNI and TCVN3 DOCX (their
  text layers carry the legacy bytes; see ``build_printed_tcvn3_docx``), and ``garbled.pdf``, whose text layer is in no
  encoding at all (each letter shifted), as a PDF with broken font maps gives.

The renderings are committed; a test renders the DOCX and text forms again and compares.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "legacy"
SEED = "000_hoang_cat_2024h1"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_FORMS = ("tcvn3", "vni", "mixed")
TEXT_FORMS = ("cp1258", "tcvn3")
TCVN3_CAPITALS = set("ĂÂÊÔƠƯĐ")


def _needs_capital_font(char: str) -> bool:
    """A capital TCVN3 cannot write in .VnTime: one with a tone mark ("Ủ", "Á")."""
    return char.isupper() and not char.isascii() and char not in TCVN3_CAPITALS


def _segments(text: str) -> list[tuple[str, bool]]:
    """A run's text as (text, in the H font) pieces: a run of capitals whole, else each capital apart."""
    if any(_needs_capital_font(c) for c in text) and not any(c.islower() for c in text):
        return [(text, True)]
    out: list[tuple[str, bool]] = []
    for char in text:
        capital = _needs_capital_font(char)
        if out and out[-1][1] == capital:
            out[-1] = (out[-1][0] + char, capital)
        else:
            out.append((char, capital))
    return out


def _split_runs(body: Any) -> None:
    """One content element (text, break, tab) per run, so runs can be split by font."""
    for run in list(body.iter(f"{W}r")):
        content = [c for c in run if c.tag != f"{W}rPr"]
        if len(content) <= 1:
            continue
        rpr = run.find(f"{W}rPr")
        for child in content:
            single = run.makeelement(f"{W}r", {})
            if rpr is not None:
                single.append(copy.deepcopy(rpr))
            single.append(child)
            run.addprevious(single)
        run.getparent().remove(run)


def _set_font(run: Any, name: str) -> None:
    rpr = run.find(f"{W}rPr")
    if rpr is None:
        rpr = run.makeelement(f"{W}rPr", {})
        run.insert(0, rpr)
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        fonts = rpr.makeelement(f"{W}rFonts", {})
        rpr.insert(0, fonts)
    for key in ("ascii", "hAnsi", "cs"):
        fonts.set(f"{W}{key}", name)


def _write_text(run: Any, surface: str) -> None:
    """The run's text in the font's bytes, 0xAD as Word writes it: ``<w:softHyphen/>``."""
    for child in [c for c in run if c.tag != f"{W}rPr"]:
        run.remove(child)
    for k, part in enumerate(surface.split("\xad")):
        if k:
            run.append(run.makeelement(f"{W}softHyphen", {}))
        if part:
            element = run.makeelement(f"{W}t", {})
            element.text = part
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(element)


def _tcvn3_run(run: Any) -> None:
    from cchc_extract import legacy

    text = "".join(t.text or "" for t in run.iter(f"{W}t"))
    for piece, capital in _segments(text):
        new = copy.deepcopy(run)
        _write_text(new, legacy.encode(piece, "tcvn3"))  # a capital with a tone mark: its small letter's byte
        if capital:
            _set_font(new, ".VnTimeH")
        run.addprevious(new)
    run.getparent().remove(run)


def build_docx(source: Path, target: Path, form: str) -> None:
    """A corpus DOCX in TCVN3, VNI, or a Unicode header on a TCVN3 body."""
    import docx

    from cchc_extract import legacy

    document = docx.Document(str(source))
    document.core_properties.author = "cchc-extract corpus"
    body = document.element.body
    if form in ("tcvn3", "mixed"):
        document.styles["Normal"].font.name = ".VnTime"
    _split_runs(body)
    pasted = {run for element in _header(body) for run in element.iter(f"{W}r")} if form == "mixed" else set()
    for run in list(body.iter(f"{W}r")):
        if run.find(f"{W}t") is None:
            continue
        if run in pasted:
            _set_font(run, "Times New Roman")
        elif form == "vni":
            _write_text(run, legacy.encode("".join(t.text or "" for t in run.iter(f"{W}t")), "vni"))
            _set_font(run, "VNI-Times")
        else:
            _tcvn3_run(run)
    document.save(str(target))


def _header(body: Any) -> list[Any]:
    """The body's elements up to the title in capitals ("BÁO CÁO"): the header a clerk pastes."""
    out = []
    for element in body:
        out.append(element)
        text = "".join(t.text or "" for t in element.iter(f"{W}t"))
        if element.tag == f"{W}p" and sum(c.isalpha() for c in text) >= 4 and text.isupper():
            break
    return out


def build_text(source: Path, target: Path, encoding: str) -> None:
    from cchc_extract import legacy

    target.write_bytes(legacy.encode_bytes(source.read_text(encoding="utf-8"), encoding))


def _shifted(text: str) -> str:
    """Each letter moved three places on in the alphabet: a text layer in no encoding at all."""
    import unicodedata

    out = []
    for char in unicodedata.normalize("NFD", text):
        if "a" <= char <= "z":
            out.append(chr((ord(char) - 97 + 3) % 26 + 97))
        elif "A" <= char <= "Z":
            out.append(chr((ord(char) - 65 + 3) % 26 + 65))
        elif not unicodedata.combining(char):
            out.append(char)
    return "".join(out)


def build_garbled_docx(source: Path, target: Path) -> None:
    import docx

    document = docx.Document(str(source))
    document.core_properties.author = "cchc-extract corpus"
    for element in document.element.body.iter(f"{W}t"):
        element.text = _shifted(element.text or "")
    document.save(str(target))


def build_printed_tcvn3_docx(source: Path, target: Path) -> None:
    """The TCVN3 DOCX as a PDF printer sees it: "ư" (0xAD) drawn, written U+2212 in the text layer.

    Word, printing with .VnTime installed, draws 0xAD as "ư" and its PDF text layer maps
    it to U+2212 (viparse measured this on real TCVN3 PDFs); LibreOffice, without the
    font, would take it for a soft hyphen and draw nothing.
    """
    import docx

    document = docx.Document(str(source))
    for hyphen in list(document.element.body.iter(f"{W}softHyphen")):
        letter = hyphen.makeelement(f"{W}t", {})
        letter.text = "\u2212"
        hyphen.addprevious(letter)
        hyphen.getparent().remove(hyphen)
    document.save(str(target))


def sources() -> list[Path]:
    return sorted(p for pattern in ("*.txt", "*.md") for p in HERE.glob(pattern))


def build(folder: Path, pdf: bool = True) -> list[Path]:
    sys.path.insert(0, str(HERE))
    from build import build_pdf

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources():
        for form in DOCX_FORMS:
            target = folder / f"{source.stem}.{form}.docx"
            build_docx(HERE / f"{source.stem}.docx", target, form)
            written.append(target)
        for encoding in TEXT_FORMS:
            target = folder / f"{source.stem}.{encoding}{source.suffix}"
            build_text(source, target, encoding)
            written.append(target)
    if pdf:
        with tempfile.TemporaryDirectory() as scratch:
            garbled = Path(scratch) / f"{SEED}.garbled.docx"
            build_garbled_docx(HERE / f"{SEED}.docx", garbled)
            tcvn3 = Path(scratch) / f"{SEED}.tcvn3.docx"
            build_printed_tcvn3_docx(folder / f"{SEED}.tcvn3.docx", tcvn3)
            for docx_path in (folder / f"{SEED}.vni.docx", tcvn3, garbled):
                written.append(build_pdf(docx_path, folder))
    return written


def main() -> None:
    sys.path.insert(0, str(HERE))
    from build import command_line

    command_line(__doc__.splitlines()[0], build, OUT, "DOCX and text renderings")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    main()
