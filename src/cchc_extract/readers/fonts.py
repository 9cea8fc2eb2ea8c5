"""Word runs typed in legacy fonts (TCVN3 ``.VnTime``, VNI ``VNI-Times``), converted to Unicode in place.

Each run is decided by its own font, so a Unicode header pasted on a TCVN3 body comes
out right. A run's font is its own ``w:rFonts``, else its character style's, else its
paragraph style's (each through ``w:basedOn``), else the document's defaults. Word draws
the Latin-1 characters that legacy encodings live in with the ``w:hAnsi`` font (``w:ascii``
where no ``w:hAnsi`` is given); a theme font is a Unicode font. A run in a TCVN3 "H" font
(``.VnTimeH``) is all capitals.

Word writes TCVN3's "ư" (byte 0xAD, the soft hyphen of Windows-1252) as
``<w:softHyphen/>``: in a TCVN3 run it is that letter. A VNI tone mark that a change
of formatting put at the start of the next run goes back to its vowel.

Text that only Unicode can write (ạ, ư, đ ...) in a run with a legacy font is Unicode
typed while an old template's font stayed on; it is left, and so is every run of an
encoding whose text reads less as Vietnamese converted than as it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .. import legacy
from ..models import ParseWarning
from ..syllables import syllable_share

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_UNICODE = ""  # a theme font: Unicode


@dataclass
class _Piece:
    """The text elements of one legacy run, in order."""

    texts: list[Any]
    encoding: str
    capitals: bool
    paragraph: Any


@dataclass
class LegacyRuns:
    """Converts the legacy-font runs of a document's parts; says what it found."""

    styles: Any  # the root of styles.xml, or None
    converted: Counter[str] = field(default_factory=Counter)  # text elements changed, per encoding
    left: Counter[str] = field(default_factory=Counter)  # runs in a legacy font holding Unicode
    fonts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._by_id: dict[str, Any] = {}
        self._chains: dict[str, dict[str, str]] = {}
        self._defaults: dict[str, str] = {}
        self._default_paragraph: str | None = None
        if self.styles is None:
            return
        for style in self.styles.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            self._by_id[style_id] = style
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                self._default_paragraph = style_id
        defaults = self.styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self._defaults = _own_fonts(defaults)

    @property
    def encoding(self) -> str | None:
        """The legacy encodings converted ("tcvn3", "tcvn3+vni"), None if none was."""
        return "+".join(sorted(self.converted)) or None

    def warnings(self) -> list[ParseWarning]:
        if not self.left:
            return []
        count = sum(self.left.values())
        fonts = ", ".join(sorted(self.fonts))
        return [ParseWarning.of("encoding.unicode_in_legacy_font", count=count, fonts=fonts)]

    def convert(self, root: Any) -> None:
        """Convert, in place, every legacy-font run under ``root`` (a body, a footnotes part)."""
        unicode_before = Counter(self.left)
        pieces = self._pieces(root)
        for encoding in {p.encoding for p in pieces}:
            mine = [p for p in pieces if p.encoding == encoding]
            # once some runs of this font held Unicode, the font proves nothing for the rest
            if not _reads_better(mine, trust_font=self.left[encoding] == unicode_before[encoding]):
                self.left[encoding] += len(mine)
                continue
            _rejoin_vni_marks(mine)
            for piece in mine:
                for element in piece.texts:
                    before = element.text or ""
                    element.text = legacy.convert(before, encoding, capitals=piece.capitals)
                    element.set(_SPACE, "preserve")
                    if element.text != before:
                        self.converted[encoding] += 1

    def _pieces(self, root: Any) -> list[_Piece]:
        pieces = []
        paragraph_styles: dict[Any, str | None] = {}
        for run in root.iter(f"{W}r"):
            paragraph = _paragraph_of(run)
            if paragraph not in paragraph_styles:
                paragraph_styles[paragraph] = _style_id(paragraph, "pPr", "pStyle") or self._default_paragraph
            font = self._font(run, paragraph_styles[paragraph])
            encoding = legacy.font_encoding(font)
            if encoding is None or font is None:
                continue
            texts = _text_elements(run, encoding)
            if not texts:
                continue
            self.fonts.add(font)
            if legacy.UNICODE_VIETNAMESE.search("".join(t.text or "" for t in texts)):
                self.left[encoding] += 1
                continue
            pieces.append(_Piece(texts, encoding, legacy.is_capital_font(font), paragraph))
        return pieces

    def _font(self, run: Any, paragraph_style: str | None) -> str | None:
        fonts = dict(self._defaults)
        if paragraph_style:
            fonts.update(self._style_fonts(paragraph_style))
        run_style = _style_id(run, "rPr", "rStyle")
        if run_style:
            fonts.update(self._style_fonts(run_style))
        fonts.update(_own_fonts(run.find(f"{W}rPr")))
        name = fonts.get("hAnsi", fonts.get("ascii"))
        return name or None

    def _style_fonts(self, style_id: str) -> dict[str, str]:
        """A style's fonts through its ``basedOn`` chain (cached; a loop in the chain is cut)."""
        if style_id in self._chains:
            return self._chains[style_id]
        self._chains[style_id] = {}  # a style based on itself ends here
        style = self._by_id.get(style_id)
        fonts: dict[str, str] = {}
        if style is not None:
            based = style.find(f"{W}basedOn")
            if based is not None and based.get(f"{W}val"):
                fonts.update(self._style_fonts(based.get(f"{W}val")))
            fonts.update(_own_fonts(style.find(f"{W}rPr")))
        self._chains[style_id] = fonts
        return fonts


def _own_fonts(rpr: Any) -> dict[str, str]:
    """The ascii and hAnsi fonts an ``w:rPr`` sets itself; a theme font counts as Unicode."""
    if rpr is None:
        return {}
    element = rpr.find(f"{W}rFonts")
    if element is None:
        return {}
    fonts = {}
    for key in ("ascii", "hAnsi"):
        if element.get(f"{W}{key}Theme"):
            fonts[key] = _UNICODE
        elif element.get(f"{W}{key}"):
            fonts[key] = element.get(f"{W}{key}")
    return fonts


def _style_id(element: Any, properties: str, tag: str) -> str | None:
    props = element.find(f"{W}{properties}")
    ref = props.find(f"{W}{tag}") if props is not None else None
    return ref.get(f"{W}val") if ref is not None else None


def _paragraph_of(run: Any) -> Any:
    node = run.getparent()
    while node is not None and node.tag != f"{W}p":
        node = node.getparent()
    return node


def _text_elements(run: Any, encoding: str) -> list[Any]:
    """A run's ``w:t`` elements; in TCVN3 each ``w:softHyphen`` becomes the "ư" it is."""
    texts = []
    for child in list(run):
        if child.tag == f"{W}softHyphen" and encoding == "tcvn3":
            letter = child.makeelement(f"{W}t", {})
            letter.text = "\xad"
            child.addprevious(letter)
            run.remove(child)
            texts.append(letter)
        elif child.tag == f"{W}t":
            texts.append(child)
    return texts


def _reads_better(pieces: list[_Piece], trust_font: bool) -> bool:
    """Whether these runs read more as Vietnamese converted than as they are (too few words to tell:
    whether the font is to be trusted)."""
    text = "\n".join(t.text or "" for p in pieces for t in p.texts)
    before = syllable_share(text)
    if before.words < legacy.MIN_WORDS and trust_font:
        return True
    return syllable_share(legacy.convert(text, pieces[0].encoding)).value > before.value


def _rejoin_vni_marks(pieces: list[_Piece]) -> None:
    """A VNI tone mark that begins a text element belongs to the vowel ending the one before."""
    if not pieces or pieces[0].encoding != "vni":
        return
    marks = legacy.vni_marks()
    previous = None
    previous_paragraph = None
    for piece in pieces:
        for element in piece.texts:
            text = element.text or ""
            if previous is not None and previous_paragraph is piece.paragraph:
                lead = len(text) - len(text.lstrip(marks))
                if lead and (previous.text or "")[-1:].isalpha():
                    previous.text = (previous.text or "") + text[:lead]
                    element.text = text = text[lead:]
            previous, previous_paragraph = element, piece.paragraph
