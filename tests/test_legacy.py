"""Legacy encodings: every Vietnamese letter round-trips, fonts and syllables as data, text files guessed."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from cchc_extract import CchcError, extract, legacy, patternbook
from cchc_extract.syllables import is_syllable, syllable_share

from .conftest import SEED

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
LETTERS = LOWER + [c.upper() for c in LOWER]
# TCVN3 writes these capitals in its ordinary fonts; every other capital needs an "H" font.
TCVN3_CAPITALS = set("ĂÂÊÔƠƯĐ")


def test_every_letter_and_tone_is_all_there_is():
    assert len(LETTERS) == 2 * (12 * 6 + 1)
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in LETTERS)


@pytest.mark.parametrize("encoding", ["vni", "viscii", "vps"])
@pytest.mark.parametrize("letter", LETTERS)
def test_every_letter_round_trips(encoding, letter):
    surface = legacy.encode(letter, encoding)
    assert surface != letter or letter < "\xff"  # written in the encoding's own bytes
    assert legacy.convert(surface, encoding) == letter
    assert legacy.convert(f"x{surface}x", encoding) == f"x{letter}x"


@pytest.mark.parametrize("letter", LETTERS)
def test_every_letter_round_trips_in_tcvn3_capitals_in_the_h_font(letter):
    surface = legacy.encode(letter, "tcvn3")
    assert surface.encode("latin-1")  # one byte of the font
    capital_font = letter.isupper() and not letter.isascii() and letter not in TCVN3_CAPITALS
    if capital_font:
        assert surface == legacy.encode(letter.lower(), "tcvn3")  # the small letter's byte...
        assert legacy.convert(surface, "tcvn3") == letter.lower()  # ...which .VnTime draws small
    assert legacy.convert(surface, "tcvn3", capitals=capital_font) == letter  # .VnTimeH draws it capital


@pytest.mark.parametrize("encoding", ["cp1258", "tcvn3", "vni", "viscii", "vps"])
def test_every_letter_round_trips_as_file_bytes(encoding):
    text = " ".join(LOWER)
    data = legacy.encode_bytes(text, encoding)
    assert legacy.decode_bytes(data, encoding) == text
    if encoding != "tcvn3":  # a TCVN3 file has no capitals with tone marks
        assert legacy.decode_bytes(legacy.encode_bytes(text.upper(), encoding), encoding) == text.upper()


def test_vni_letters_viparse_lacks():
    # ỵ is one byte (0xEE), ẳ the breve with hook (0xFA) after "a"; ì, í are themselves
    assert legacy.convert("Kyø hoïp thöù ba, khoâng chaäm treã, heä thoáng", "vni") == (
        "Kỳ họp thứ ba, không chậm trễ, hệ thống"
    )
    assert legacy.convert("chuù î, aúng, AÚ, ì, í, Ì, Í", "vni") == "chú ỵ, ẳng, Ẳ, ì, í, Ì, Í"


def test_tcvn3_words_typed_in_capitals_get_them_back():
    text = legacy.decode_bytes(
        legacy.encode_bytes("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nỦY BAN NHÂN DÂN", "tcvn3"), "tcvn3"
    )
    assert text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nỦY BAN NHÂN DÂN"
    kept = "Số: 12/BC-UBND\nUỷ ban nhân dân tỉnh Thanh Hoá, Để"
    assert legacy.decode_bytes(legacy.encode_bytes(kept, "tcvn3"), "tcvn3") == kept
    assert (
        legacy.restore_capitals("ủy ban nhân dân. ấp Tân Lập\n- ứng dụng") == "Ủy ban nhân dân. Ấp Tân Lập\n- Ứng dụng"
    )


def _font_cases():
    book = patternbook.encodings_file()
    for family in book.fonts:
        yield from ((family.encoding, name, True) for name in family.examples)
        yield from ((family.encoding, name, False) for name in family.counterexamples)


@pytest.mark.parametrize(("encoding", "font", "matches"), list(_font_cases()))
def test_font_examples(encoding, font, matches):
    assert (legacy.font_encoding(font) == encoding) is matches


def test_capital_font_examples():
    book = patternbook.encodings_file().capital_fonts
    assert all(legacy.is_capital_font(f) for f in book.examples)
    assert not any(legacy.is_capital_font(f) for f in book.counterexamples)


def test_syllable_examples():
    book = patternbook.encodings_file().syllables
    assert [w for w in book.examples if not is_syllable(w)] == []
    assert [w for w in book.counterexamples if is_syllable(w)] == []


def test_unicode_reports_read_as_syllables_and_mojibake_does_not():
    text = SEED.read_text(encoding="utf-8")
    assert syllable_share(text).value > 0.9
    for encoding in ("tcvn3", "vni"):
        assert syllable_share(legacy.encode(text, encoding)).value < 0.4


@pytest.mark.parametrize("encoding", ["cp1258", "tcvn3", "vni", "viscii"])
def test_auto_recognises_legacy_bytes_and_says_it_guessed(tmp_path, encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(legacy.encode_bytes(SEED.read_text(encoding="utf-8"), encoding))
    report = extract(path)
    assert report.source.encoding == encoding
    guessed = [w for w in report.warnings if w.code == "encoding.guessed"]
    assert len(guessed) == 1 and legacy.NAMES[encoding] in guessed[0].message
    assert report.metadata.issuer == "UBND xã Hoàng Cát"
    explicit = extract(path, encoding=encoding)
    assert explicit.source.encoding == encoding and not any(w.code == "encoding.guessed" for w in explicit.warnings)


def test_utf8_with_latin1_letters_is_never_converted(tmp_path):
    text = (
        "BÁO CÁO\nKết quả năm 2024\n\nI. KẾT QUẢ\nÔng Müller (Đức) và bà Ségolène thăm xã; phí © 2024 là 5 € "
        "± 1 %; đồng chí Hà Thị Ánh, Hồ Văn Ân; « café » và ñandú; ½ số hồ sơ.\n"
    )
    path = tmp_path / "unicode.txt"
    path.write_text(text, encoding="utf-8")
    report = extract(path, with_text=True)
    assert report.source.encoding == "utf-8" and report.text == text
    assert not report.warnings or all(w.code != "encoding.guessed" for w in report.warnings)


def test_explicit_encoding_on_the_cli_and_unknown_names(tmp_path, capsys):
    from cchc_extract.cli import main

    path = tmp_path / "r.txt"
    path.write_bytes(legacy.encode_bytes("BÁO CÁO\nKết quả cải cách hành chính của Ủy ban nhân dân xã\n", "cp1258"))
    with pytest.raises(SystemExit) as stop:
        main(["extract", str(path), "--encoding", "cp1258", "--json"])
    assert stop.value.code == 0 and '"encoding": "cp1258"' in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["extract", str(path), "--encoding", "latin-9"])
    assert stop.value.code == 2 and "unknown encoding “latin-9”" in capsys.readouterr().err
    with pytest.raises(CchcError, match="not Windows-1258 text"):
        extract(_write(tmp_path, "bad.txt", b"B\x81o"), encoding="cp1258")


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_tcvn3_capital_word_examples():
    book = patternbook.encodings_file().tcvn3_capitals
    for example in book.examples:
        small, _, expected = example.partition(" => ")
        assert legacy.restore_capitals(small) == expected
    for counter in book.counterexamples:
        assert legacy.restore_capitals(f"và {counter}") == f"và {counter}"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii", "vps"])
def test_the_fast_conversion_is_viparses(encoding):
    from viparse.normalize.tables import convert as viparse_convert

    surface = legacy.encode(SEED.read_text(encoding="utf-8"), encoding)
    assert legacy.convert(surface, encoding) == viparse_convert(surface, legacy.charmap(encoding))
    # a PDF's U+2212 for TCVN3's "ư" goes through viparse, which restores it
    assert legacy.convert("Th\u00abng t\u2212 vµ ngh\u00d6 \u22125", "tcvn3") == "Thông tư và nghệ \u22125"
