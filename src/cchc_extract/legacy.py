"""Legacy Vietnamese encodings to Unicode NFC: TCVN3 (ABC), VNI, VISCII, VPS and Windows-1258.

Text typed before Unicode is bytes of a font encoding: in a ``.VnTime`` (TCVN3) or
``VNI-Times`` font the byte 0xB8 is drawn "á", but every program that does not know
the font reads it as "¸" ("Uû ban nh©n d©n" for "Ủy ban nhân dân").

The tables come from viparse (validated on real government documents; see README,
"Dependencies, and why"). This module adds what viparse lacks:

- VNI letters written as one byte or a pair viparse does not list: ỵ/Ỵ ("î"/"Î") and
  ẳ/Ẳ ("aú"/"AÚ");
- capitals of TCVN3: it has no capital letters with a tone mark, and headings were typed
  in the "H" fonts (``.VnTimeH``) that draw every letter as a capital. A reader that sees
  fonts passes ``capitals=True`` for such a run; text without fonts (a ``.txt``, a PDF's
  text layer) gets back the words typed in capitals (``restore_capitals``);
- bytes: a file's bytes become the characters the tables are written for;
- detection by the share of decoded words that are Vietnamese syllables (``syllables``),
  for text files (``guess_bytes``) and for PDF text layers (``assess_pages``).
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from . import patternbook
from .syllables import Share, syllable_share

if TYPE_CHECKING:
    from viparse.normalize.tables import Charmap

# Encodings a font can carry, whose text is converted character by character.
FONT_ENCODINGS = ("tcvn3", "vni", "viscii", "vps")
# What ``--encoding`` accepts for a text file.
TEXT_ENCODINGS = ("auto", "utf-8", "utf-16", "cp1258", "tcvn3", "vni", "viscii", "vps")
# Tried by ``guess_bytes`` on a file that is not UTF-8, the first winning a tie. VPS keys
# the same bytes as VISCII to other letters and is never guessed (viparse's reasoning).
GUESSED = ("cp1258", "tcvn3", "vni", "viscii")
NAMES = {
    "cp1258": "Windows-1258",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI",
    "viscii": "VISCII",
    "vps": "VPS",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
}

# Letters viparse's VNI table lacks: VNI writes ỵ as one byte (0xEE), and the breve
# with the hook above as 0xFA after the vowel.
_VNI_MISSING = (("î", "ỵ"), ("Î", "Ỵ"), ("aú", "ẳ"), ("AÚ", "Ẳ"))

# Letters only Unicode writes: a text holding one is Unicode, whatever its font says.
UNICODE_VIETNAMESE = regex.compile(
    r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)

# A decoding must make at least this share of the words syllables to be taken.
MIN_SHARE = 0.5
# A text layer whose best reading makes fewer of its words syllables is not text.
GARBLED_SHARE = 0.3
# Fewer words than this tell nothing about an encoding.
MIN_WORDS = 20


@functools.cache
def charmap(encoding: str) -> Charmap:
    """viparse's table for a font encoding, with the VNI letters it lacks."""
    from viparse.normalize.encodings import CHARMAPS
    from viparse.normalize.tables import build_charmap

    base = CHARMAPS[encoding]
    if encoding != "vni":
        return base
    added = {source for source, _ in _VNI_MISSING}
    return build_charmap("vni", [*(p for p in base.pairs if p[0] not in added), *_VNI_MISSING])


def convert(text: str, encoding: str, *, capitals: bool = False) -> str:
    """Text typed in a font of ``encoding`` as Unicode NFC; ``capitals`` for a TCVN3 "H" font run."""
    if "\u2212" in text or "\u2219" in text:
        # signs a PDF's text layer writes for some TCVN3 bytes: viparse restores them
        # where they stand for letters, and converts
        from viparse.normalize.tables import convert as convert_with

        out = convert_with(text, charmap(encoding))
    else:
        out = unicodedata.normalize("NFC", _fast(encoding)(text))
    return out.upper() if capitals else out


@functools.cache
def _fast(encoding: str) -> Callable[[str], str]:
    """viparse's conversion as one C-level pass: ``str.translate`` for a table of single
    characters, else one search for every sequence, longest first (as viparse matches)."""
    pairs = charmap(encoding).pairs
    if all(len(source) == 1 for source, _ in pairs):
        table = str.maketrans({source: letter for source, letter in pairs})
        return lambda text: text.translate(table)
    letters = dict(pairs)
    sequences = regex.compile("|".join(regex.escape(s) for s, _ in sorted(pairs, key=lambda p: -len(p[0]))))
    return lambda text: sequences.sub(lambda m: letters[m[0]], text)


@functools.cache
def vni_marks() -> str:
    """The characters VNI writes after a vowel as its tone mark, circumflex, breve or horn."""
    return "".join(sorted({source[1] for source, _ in charmap("vni").pairs if len(source) == 2}))


def changes(text: str, encoding: str) -> bool:
    """Whether ``text`` holds any character that ``encoding`` reads as another letter."""
    return _keys(encoding).search(text) is not None


@functools.cache
def _keys(encoding: str) -> regex.Pattern[str]:
    # a VNI vowel changes only with its mark after it: the marks are what tells
    chars = {c for source, _ in charmap(encoding).pairs for c in (source if len(source) > 1 else source[0])}
    chars -= set("AEIOUYaeiouy")
    return regex.compile("[" + regex.escape("".join(sorted(chars))) + "\u2212\u2219]")


# --- fonts --------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a font family carries ("tcvn3" for ".VnTime"), None for a Unicode font."""
    if not font:
        return None
    name = font.strip().casefold()
    for family in patternbook.encodings_file().fonts:
        if name.startswith(tuple(p.casefold() for p in family.prefixes)):
            return family.encoding
    return None


def is_capital_font(font: str | None) -> bool:
    """A TCVN3 "H" font (".VnTimeH"), which draws every letter as a capital."""
    suffix = patternbook.encodings_file().capital_fonts.suffix
    return bool(font) and font_encoding(font) == "tcvn3" and font.rstrip().endswith(suffix)  # type: ignore[union-attr]


# --- capitals of TCVN3 text without fonts ---------------------------------------

_WORD = regex.compile(r"\p{L}+")
# Where a sentence starts: the line's start (after a list mark or an opening sign), or
# after a full stop.
_SENTENCE_START = regex.compile(r"(?:^|[.!?]\s+)[\s\-+*•–(\"“']*(?=\p{Ll})", regex.M)


# Letters with a tone mark, both cases: TCVN3 writes them only in lower case.
_TONED = frozenset(
    unicodedata.normalize("NFC", c + tone)
    for v in "aăâeêioôơuưy"
    for c in (v, v.upper())
    for tone in "\u0300\u0301\u0303\u0309\u0323"
)
_SMALL_TONED = regex.compile("[" + "".join(sorted(c for c in _TONED if c.islower())) + "]")


def _toned(char: str) -> bool:
    return char in _TONED


def _shouting(word: str) -> bool | None:
    """Whether a word was typed in capitals: True if the letters TCVN3 writes as capitals
    are all capitals (two at least, or one after a toned letter: "ủY"), False if some are
    small, None if it cannot tell ("Số" is a capitalised word or a shouted one)."""
    plain = [c for c in word if not _toned(c)]
    if any(c.islower() for c in plain):
        return False
    if len(plain) >= 2 or (plain and word[0] != plain[0]):
        return True
    return None


@functools.lru_cache(maxsize=1 << 14)
def _word_case(word: str) -> tuple[bool | None, bool]:
    """Whether a word was typed in capitals (``_shouting``), and whether it holds a toned letter."""
    return _shouting(word), any(c in _TONED for c in word)


def restore_capitals(text: str) -> str:
    """Capitals that TCVN3 text without fonts lost: "CéNG HßA" read as "CộNG HòA" -> "CỘNG HÒA".

    A word whose other letters are capitals is a word typed in capitals ("HòA", "ĐạO",
    "ủY"); so is a word that cannot tell ("Số", "ở") next to a word in capitals with a
    tone mark ("SỐ LIỆU"), but not next to a code ("Số: 12/BC-UBND"). A small toned letter
    where a sentence starts ("ủy ban" at a line's start) is a capital, and so are the
    words of ``encodings.yaml``'s ``tcvn3_capitals`` ("Ủy ban"). Words with small letters
    typed as such ("Uỷ", "tỉnh") keep them.
    """

    def line(match: regex.Match[str]) -> str:
        row = match[0]
        if _SMALL_TONED.search(row) is None:
            return row
        words = list(_WORD.finditer(row))
        infos = [_word_case(w[0]) for w in words]
        if not any(v is True and toned for v, toned in infos):
            return row  # no word typed in capitals with a tone mark: nothing to give back
        # a line of capitals: no word in small letters, and one at least in capitals with a tone mark
        shouted = not any(v is False for v, _ in infos)
        out = []
        last = 0
        for k, word in enumerate(words):
            shout = infos[k][0]
            if shout is None:
                near = [infos[j] for j in (k - 1, k + 1) if 0 <= j < len(words)]
                shout = shouted or (any(v is True and t for v, t in near) and not any(v is False for v, _ in near))
            out.append(row[last : word.start()])
            out.append(word[0].upper() if shout else word[0])
            last = word.end()
        out.append(row[last:])
        return "".join(out)

    text = _capitalize_sentences(regex.sub(r"[^\n]+", line, text))
    return _capital_words().sub(lambda m: m[0][0].upper() + m[0][1:], text)


@patternbook.derived
def _capital_words() -> regex.Pattern[str]:
    """Words administrative writing always capitalises ("Ủy ban"), from ``encodings.yaml``."""
    words = [w.lower() for w in patternbook.encodings_file().tcvn3_capitals.words]
    return regex.compile(rf"(?<!\p{{L}})(?:{patternbook.alternation(words)})(?!\p{{L}})")


def _capitalize_sentences(text: str) -> str:
    out = list(text)
    for match in _SENTENCE_START.finditer(text):
        at = match.end()
        if at < len(text) and text[at] in _TONED and text[at].islower():
            out[at] = text[at].upper()
    return "".join(out)


# --- bytes --------------------------------------------------------------------

# The bytes 0x80-0x9F as Windows shows them in a font of a legacy encoding (quotes,
# dashes); a byte Windows-1252 leaves undefined stays its Latin-1 control character.
_C1 = {b: bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0xA0)}
_C1_AS_WINDOWS = {b: c for b, c in _C1.items() if c != "\ufffd"}


def decode_bytes(data: bytes, encoding: str) -> str:
    """A legacy file's bytes as Unicode NFC; raise ``UnicodeDecodeError`` where a byte has no meaning."""
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    if encoding in ("viscii", "vps"):  # their letters sit in the control ranges too
        return convert(data.decode("latin-1"), encoding)
    surface = data.decode("latin-1").translate(_C1_AS_WINDOWS)
    text = convert(surface, encoding)
    return restore_capitals(text) if encoding == "tcvn3" else text


@dataclass(frozen=True)
class Guess:
    """The encoding a file's bytes read best in, and how each candidate read."""

    encoding: str
    shares: dict[str, Share]

    @property
    def share(self) -> Share:
        return self.shares[self.encoding]

    def explain(self) -> tuple[str, str]:
        """The values of the ``encoding.guessed`` warning: this encoding's share of Vietnamese
        syllables ("83%"), and the other candidates' (" (TCVN3 12%, VNI 3%)", or nothing)."""
        others = ", ".join(
            f"{NAMES[e]} {s.value:.0%}" for e, s in self.shares.items() if e != self.encoding and s.words
        )
        return f"{self.share.value:.0%}", f" ({others})" if others else ""


def guess_bytes(data: bytes, sample: int = 1 << 15) -> Guess | None:
    """The legacy encoding whose decoding of ``data`` reads most as Vietnamese, or None if none does."""
    head = data[:sample]
    shares: dict[str, Share] = {}
    for encoding in GUESSED:
        try:
            shares[encoding] = syllable_share(decode_bytes(head, encoding))
        except UnicodeDecodeError:
            shares[encoding] = Share(0, 0)
    best = max(GUESSED, key=lambda e: shares[e].value)  # the first of equals
    if shares[best].words == 0 or shares[best].value < MIN_SHARE:
        return None
    return Guess(best, shares)


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    """The bytes after a byte-order mark, and the encoding it names."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data, "utf-16"
    return data, None


# --- text layers (PDF) --------------------------------------------------------


@dataclass(frozen=True)
class TextLayer:
    """What a page's text layer is: Unicode (``encoding`` None), legacy bytes, or no text at all.

    ``usable`` is False for a text layer that reads as Vietnamese in no known encoding
    (a PDF whose fonts map glyphs to the wrong characters): such a page has no usable
    text, and OCR is the way to read it.
    """

    encoding: str | None
    usable: bool
    share: float
    words: int


def _eligible(line: str) -> bool:
    """A line that may be legacy text: it holds no letter that only Unicode writes."""
    return UNICODE_VIETNAMESE.search(line) is None


def _reading(lines: Sequence[str], encoding: str | None) -> Share:
    if encoding is None:
        return syllable_share("\n".join(lines))
    return syllable_share("\n".join(convert(line, encoding) if _eligible(line) else line for line in lines))


def assess(lines: Sequence[str], prior: str | None = None) -> TextLayer:
    """How a page's lines read: as they are, or as TCVN3 or VNI; ``prior`` decides a page too short to tell."""
    as_is = _reading(lines, None)
    if not any(_eligible(line) and changes(line, e) for line in lines for e in ("tcvn3", "vni")):
        return TextLayer(None, as_is.words < MIN_WORDS or as_is.value >= GARBLED_SHARE, as_is.value, as_is.words)
    readings = {e: _reading(lines, e) for e in ("tcvn3", "vni")}
    best = max(readings, key=lambda e: readings[e].value)
    if as_is.words < MIN_WORDS:
        return TextLayer(prior, True, readings[prior].value if prior else as_is.value, as_is.words)
    if readings[best].value >= MIN_SHARE and readings[best].value > as_is.value + 0.1:
        return TextLayer(best, True, readings[best].value, as_is.words)
    top = max(as_is.value, readings[best].value)
    return TextLayer(None, top >= GARBLED_SHARE, as_is.value, as_is.words)


def assess_pages(pages: Sequence[Sequence[str]]) -> list[TextLayer]:
    """Each page's text layer, pages too short to tell taking the encoding of the document's text."""
    whole = assess([line for lines in pages for line in lines])
    return [assess(lines, prior=whole.encoding) for lines in pages]


def page_text_usable(lines: Sequence[str]) -> bool:
    """Whether a page's text layer is text (Unicode or a legacy encoding), rather than garbage to OCR."""
    return assess(lines).usable


def convert_line(line: str, encoding: str) -> str:
    """One line of a legacy text layer as Unicode; a line that already reads better as it is stays.

    A page in TCVN3 may carry a Unicode header pasted on it: its lines holding letters only
    Unicode writes are left, and so is a line that reads as fewer syllables converted.
    """
    if not _eligible(line) or not changes(line, encoding):
        return line
    converted = convert(line, encoding)
    if encoding == "tcvn3":
        converted = restore_capitals(converted)
    if syllable_share(converted).syllables < syllable_share(line).syllables:
        return line
    return converted


# --- encoding (for renderings and tests) ----------------------------------------


@functools.cache
def _inverse(encoding: str) -> dict[str, str]:
    inverse: dict[str, str] = {}
    for source, letter in sorted(charmap(encoding).pairs, key=lambda p: len(p[0]), reverse=True):
        inverse[letter] = source  # the shortest source wins
    return inverse


def encode(text: str, encoding: str) -> str:
    """Unicode text as a font of ``encoding`` holds it: the inverse of ``convert``.

    TCVN3 has no capitals with tone marks: they come out as their small letters, which a
    TCVN3 "H" font draws as capitals (wrap such text in one). A Latin-1 letter that
    VNI, VISCII or VPS keep as it is stays.
    """
    inverse = _inverse(encoding)
    pairs = charmap(encoding).pairs
    kept = {source[0] for source, _ in pairs} | {source[1] for source, _ in pairs if len(source) > 1}
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char < "\x80":
            out.append(char)
        elif encoding != "tcvn3" and char <= "\xff" and char not in kept:
            out.append(char)  # a Latin-1 letter the encoding writes as itself (VNI's ì and í)
        elif char in inverse:
            out.append(inverse[char])
        elif encoding == "tcvn3" and char.lower() in inverse:
            out.append(inverse[char.lower()])
        else:
            out.append(char)
    return "".join(out)


def encode_bytes(text: str, encoding: str) -> bytes:
    """Unicode text as a legacy text file's bytes (the inverse of ``decode_bytes``)."""
    if encoding == "cp1258":
        return "".join(_cp1258_form(c) for c in unicodedata.normalize("NFC", text)).encode("cp1258")
    surface = encode(text, encoding)
    if encoding in ("viscii", "vps"):  # 8-bit sets without typographic signs
        return surface.translate(_TYPOGRAPHIC).encode("latin-1")
    windows = {c: bytes([b]) for b, c in _C1_AS_WINDOWS.items()}  # quotes and dashes as Windows writes them
    return b"".join(windows.get(c) or c.encode("latin-1") for c in surface)


_TYPOGRAPHIC = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "•": "-"})


def _cp1258_form(char: str) -> str:
    """A letter as Windows-1258 writes it: precomposed where it has one, else a base letter
    (with its circumflex, breve or horn) followed by a combining tone mark."""
    try:
        char.encode("cp1258")
        return char
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFD", char)
    tones = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
    return base + tones
