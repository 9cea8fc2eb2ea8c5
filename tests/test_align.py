"""Moving spans back onto the text as given, and finding gold records by their words."""

from __future__ import annotations

import unicodedata

import pytest

from cchc_extract.align import OffsetMap, find_heading, find_words
from cchc_extract.normalize import clean_text
from cchc_extract.vietnamese import fold_tones

from .conftest import SEED, extracted


def test_offset_map_starts_after_removed_markup_and_ends_before_it():
    original = "a <i>Nghị định</i> số 61\r\n**Tổng số: 10 hồ sơ**\f  x\u00a0y"
    normalized = clean_text(original.replace("\r\n", "\n").replace("\f", "\n"))
    assert normalized == "a Nghị định số 61\nTổng số: 10 hồ sơ\nx y"
    back = OffsetMap(original, normalized).span
    for words in ("Nghị định", "Nghị định số 61", "10 hồ sơ", "Tổng số", "x y", "a"):
        start = normalized.index(words)
        a, b = back((start, start + len(words)))
        assert clean_text(original[a:b]) == words, (words, original[a:b])


def test_offset_map_covers_composed_letters_whole():
    original = unicodedata.normalize("NFD", "Quyết định số 01")
    normalized = clean_text(original)
    assert len(original) > len(normalized)
    start = normalized.index("định")
    a, b = OffsetMap(original, normalized).span((start, start + len("định")))
    assert unicodedata.normalize("NFC", original[a:b]) == "định"


def test_offset_map_on_the_seed_file():
    seed = extracted(SEED)
    original = SEED.read_text(encoding="utf-8")
    assert seed.text is not None and seed.text != original
    back = OffsetMap(original, seed.text).span
    for record in [*seed.references, *seed.figures, *seed.sections]:
        a, b = back(record.span)
        assert clean_text(original[a:b]) == record.text


def test_offset_map_refuses_texts_of_different_lines():
    with pytest.raises(ValueError, match="same lines"):
        OffsetMap("one\ntwo", "one")


def test_words_are_found_as_a_reader_compares_them():
    text = "Theo Quyết định số 01/QĐ-UBND\nngày 02/01/2024 của UBND tỉnh Thanh Hóa; Quyết định số 01/QĐ-UBND"
    folded = fold_tones(text)
    first = find_words(folded, "Quyết định số 01/QĐ-UBND ngày 02/01/2024 của UBND tỉnh Thanh Hoá")
    assert first is not None and text[first[0] : first[1]].endswith("Thanh Hóa")
    again = find_words(folded, "Quyết định số 01/QĐ-UBND", first[1])
    assert again is not None and again[0] > first[1]
    assert find_words(folded, "Quyết định số 02/QĐ-UBND") is None


def test_headings_are_found_by_number_and_title():
    lines = ["I. KẾT QUẢ", "1. Thủ tục hành chính:", "2. Hiện đại hóa hành chính và", "chuyển đổi số", "1. Thủ tục"]
    assert find_heading(lines, "1", "Thủ tục hành chính") == (1, "arabic")
    assert find_heading(lines, "2", "Hiện đại hoá hành chính và chuyển đổi số") == (2, "arabic")
    assert find_heading(lines, "1", "Thủ tục", 2) == (4, "arabic")
    assert find_heading(lines, "I", "KẾT QUẢ") == (0, "roman")
    assert find_heading(lines, "II", "KẾT QUẢ") is None
