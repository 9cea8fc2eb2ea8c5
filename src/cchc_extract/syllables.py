"""Whether a word is a written Vietnamese syllable, and the share of such words in a text.

This is how the encoding of a text is told from the text alone: decoded the right way,
a Vietnamese report is mostly syllables ("Ủy ban nhân dân"); decoded the wrong way it
is mostly not ("Uû ban nh©n d©n", "Uûy ban nhaân daân"). Every onset and rhyme is data
in ``patterns/encodings.yaml``; a rhyme closed by c, ch, p or t takes only the acute or
the dot below ("bát", "bạt", never "bàt"), which tells apart decodings that a letter
model would confuse.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex

from . import patternbook

# The five tone marks, as NFD writes them.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_STOP_TONES = frozenset("\u0301\u0323")  # acute, dot below
_STOPS = ("c", "ch", "p", "t")

# A word: what lies between white space, digits and punctuation. The characters of a
# legacy encoding read as Latin-1 ("©", "¸", "µ") and the signs a PDF writes for some of
# its bytes (U+2212, U+2219) are part of a word, so that "nh©n" counts as one word that
# is not a syllable.
_WORD = regex.compile(r"[^\s0-9!-/:-@\[-`{-~\u00a0\u2010-\u2027\u2030-\u205e]+")


@patternbook.derived
def _syllable() -> regex.Pattern[str]:
    book = patternbook.encodings_file().syllables
    onsets = patternbook.alternation(book.onsets)
    rhymes = patternbook.alternation(book.rhymes)
    return regex.compile(rf"(?:{onsets})?(?P<rhyme>{rhymes})")


@functools.lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """A written Vietnamese syllable, in any case: "Ủy", "QUỐC", "nghiêng"; not "nh©n", "caùc", "Müller"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    match = _syllable().fullmatch(base)
    if match is None:
        return False
    if match["rhyme"].endswith(_STOPS):
        return bool(tones) and tones[0] in _STOP_TONES
    return True


@dataclass(frozen=True)
class Share:
    """How many words a text has, and how many of them are Vietnamese syllables."""

    words: int
    syllables: int

    @property
    def value(self) -> float:
        return self.syllables / self.words if self.words else 0.0


def syllable_share(text: str) -> Share:
    """The words of ``text`` that are Vietnamese syllables."""
    words = _WORD.findall(text)
    return Share(len(words), sum(1 for word in words if is_syllable(word)))
