"""Readers: decoding, line endings, pages, bad input."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from cchc_extract import CchcError, extract, normalize, read
from cchc_extract.readers.text import reflow_markdown

REPORT = "Số: 12/BC-UBND\nHoàng Cát, ngày 04 tháng 6 năm 2024\nBÁO CÁO\nKết quả cải cách hành chính\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (REPORT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig"),
        (REPORT.encode("utf-16"), "utf-16"),  # with a BOM, native order
        (codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), "utf-16"),
        (REPORT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_encodings_and_line_endings_give_the_same_text(tmp_path, data, encoding):
    report = extract(write(tmp_path, "r.txt", data), with_text=True)
    assert report.source.encoding == encoding
    assert report.text == REPORT
    assert report.metadata.number == "12"
    assert report.metadata.date.isoformat() == "2024-06-04"
    assert "\r" not in report.text


def test_nfd_input_is_normalized_to_nfc(tmp_path):
    path = write(tmp_path, "nfd.txt", unicodedata.normalize("NFD", REPORT).encode("utf-8"))
    report = extract(path, with_text=True)
    assert unicodedata.is_normalized("NFC", report.text)
    assert report.metadata.place == "Hoàng Cát"
    assert report.metadata.doc_type == "Báo cáo"


def test_form_feeds_number_the_pages(tmp_path):
    text = REPORT + "I. KẾT QUẢ\n\fII. PHƯƠNG HƯỚNG\nTheo Nghị định số 61/2018/NĐ-CP ngày 23/4/2018.\n"
    report = extract(write(tmp_path, "paged.txt", text.encode()))
    assert report.source.pages == 2
    assert [s.page for s in report.sections] == [1, 2]
    assert report.references[0].page == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n ", "is empty"),
        ("latin.txt", "Größe über Straße, Maße".encode("latin-1"), "not valid UTF-8"),
        ("fake.txt", b"%PDF-1.7\n...", "is a PDF file, not text"),
        ("zip.txt", b"PK\x03\x04rest", "ZIP container"),
        ("nul.txt", b"abc\x00def", "NUL bytes"),
        ("report.xyz", b"text", "unsupported format “.xyz”"),
    ],
)
def test_bad_input_is_one_clear_error_naming_the_file(tmp_path, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises(CchcError) as info:
        read(path)
    line = info.value.line()
    assert message in line
    assert str(path) in line
    assert "\n" not in line


def test_missing_file_and_folder_are_errors(tmp_path):
    with pytest.raises(CchcError, match="no such file"):
        read(tmp_path / "missing.txt")
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    with pytest.raises(CchcError, match="is a folder"):
        read(folder)


def test_a_folder_or_missing_file_without_a_known_suffix_is_named_for_what_it_is(tmp_path):
    (tmp_path / "reports").mkdir()
    with pytest.raises(CchcError, match="is a folder"):
        read(tmp_path / "reports")
    with pytest.raises(CchcError, match="no such file"):
        read(tmp_path / "report.odt")


def test_unsupported_format_lists_the_supported_ones(tmp_path):
    with pytest.raises(CchcError) as info:
        read(write(tmp_path, "a.odt", b"x"))
    assert ".txt" in info.value.line() and ".md" in info.value.line()


def test_markdown_reflow_joins_wrapped_paragraphs_but_keeps_units():
    lines = [
        "**I. TÌNH HÌNH",
        "THỰC HIỆN NHIỆM VỤ**",
        "Căn cứ Nghị định số",
        "63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ;",
        "- Bộ Tài chính (b/c);",
        "- Lưu: VT.",
        "|",
        "**TM. ỦY BAN NHÂN",
        "DÂN **",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "**Lâm Văn Bi**",
        "* *",
        "Số:",
        "1594/QĐ-TTPVHCC",
    ]
    out = [text for text, _ in reflow_markdown(lines)]
    assert out[0] == "**I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ**"
    assert out[1] == "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ;"
    assert out[2:4] == ["- Bộ Tài chính (b/c);", "- Lưu: VT."]
    assert out[4] == "|"
    assert out[5:9] == ["**TM. ỦY BAN NHÂN DÂN **", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "**Lâm Văn Bi**"]
    assert out[-2:] == ["Số:", "1594/QĐ-TTPVHCC"]


def test_markdown_and_text_renderings_agree(tmp_path):
    md = (
        "**ỦY BAN NHÂN DÂN XÃ AN BÌNH** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\n"
        "Số: 05/BC-UBND\n*An Bình, ngày 02\ntháng 01 năm 2025*\n\n**BÁO CÁO**\n\n**Kết quả năm 2024**\n\n"
        "**I. KẾT QUẢ**\n\nThực hiện Quyết định số 01/QĐ-UBND\nngày 02/01/2024 của UBND xã.\n"
    )
    report = extract(write(tmp_path, "a.md", md.encode()))
    assert report.source.format == "md"
    assert report.metadata.issuer == "Ủy ban nhân dân xã An Bình"
    assert report.metadata.date.isoformat() == "2025-01-02"
    assert [s.title for s in report.sections] == ["KẾT QUẢ"]
    assert [r.key for r in report.references] == ["01/QĐ-UBND/2024"]


def test_normalize_builds_lines_that_cover_the_text(tmp_path):
    doc = normalize(read(write(tmp_path, "x.txt", REPORT.encode())))
    assert [doc.line_text(i) for i in range(4)] == REPORT.splitlines()
    assert doc.line_index(doc.lines[2].start + 1) == 2
