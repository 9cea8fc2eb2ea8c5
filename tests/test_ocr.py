"""Scanned reports: OCR with Tesseract, tables rebuilt from the page image, honest outcomes.

The scans are made here from the corpus PDFs by corpus/scan.py (a clean 200 dpi scan and a
photocopy-like one) and scored with the gold of the text. Tests that run Tesseract skip
when it (with its Vietnamese model) is not installed; .ci/run installs it.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_extract import extract, extract_text, i18n, read
from cchc_extract.errors import NoTextError
from cchc_extract.evaluate import load_gold, score_document
from cchc_extract.models import Report
from cchc_extract.readers import ocr
from cchc_extract.readers.ocr import OcrSettings, wants_ocr
from cchc_extract.readers.ocrtext import fix_text, harmonize_tables, ocr_file, repair_codes, split_joined

from .conftest import CORPUS, GOLD, ROOT

SEED_PDF = CORPUS / "000_hoang_cat_2024h1.pdf"
needs_tesseract = pytest.mark.skipif(
    ocr.tesseract_problem() is not None, reason="Tesseract with its Vietnamese model is not installed (.ci/run does)"
)


def _scan_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "corpus"))
    import scan

    return scan


@functools.cache
def scanned(degraded: bool) -> Path:
    folder = Path(os.environ.get("PYTEST_SCANS", "")) if os.environ.get("PYTEST_SCANS") else None
    import tempfile

    out = folder or Path(tempfile.mkdtemp(prefix="cchc-scans-"))
    return _scan_module().scan(SEED_PDF, out / ("degraded" if degraded else "clean"), degraded=degraded)


@functools.cache
def scan_report(degraded: bool) -> Report:
    return extract(scanned(degraded), with_text=True)


def _scores(report: Report) -> dict[str, float]:
    result = score_document(report, load_gold(GOLD / "000_hoang_cat_2024h1.json"))
    scores = {kind: score.f1 for kind, score in result.scores.items()}
    for name in ("table_rows.code", "table_rows.value"):
        acc = result.fields[name]
        scores[name] = acc.correct / acc.total
    return scores


def _pages(source: Path, pages: list[int], target: Path) -> Path:
    """A PDF of some pages of ``source``."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(str(source)), pages)
    out.save(str(target))
    return target


def _page_image(source: Path, page: int, target: Path, **save: object) -> Path:
    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(str(source))[page].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    image.save(target, dpi=(200, 200), **save)
    return target


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, timeout=600, env=env
    )


# --- the rules of patterns/ocr.yaml and the code repair: no Tesseract needed ----------------


@pytest.mark.parametrize(
    ("rule", "read_as", "fixed"), [(r.id, a, b) for r in ocr_file().rules for a, b in r.examples], ids=str
)
def test_ocr_rule_examples_are_fixed(rule, read_as, fixed):
    assert fix_text(read_as) == fixed, rule


@pytest.mark.parametrize(("rule", "text"), [(r.id, c) for r in ocr_file().rules for c in r.counterexamples], ids=str)
def test_ocr_rule_counterexamples_are_left_alone(rule, text):
    assert fix_text(text) == text, rule


@pytest.mark.parametrize(("joined", "parted"), ocr_file().joined_examples)
def test_two_syllables_read_as_one_word_are_parted(joined, parted):
    assert split_joined(joined) == parted
    assert fix_text(f"thực hiện {joined} năm 2024") == f"thực hiện {parted} năm 2024"


@pytest.mark.parametrize("word", ocr_file().joined_counterexamples)
def test_one_syllable_is_not_parted(word):
    assert split_joined(word) == word


@pytest.mark.parametrize(
    ("read_as", "fixed"),
    [
        # dots misread or lost: "1;1:1", "113", "1,2"
        (
            ["STT", "", "1", "1.1", "1;1:1", "1.1.2", "113", "1,2"],
            ["STT", "", "1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.2"],
        ),
        # an unreadable code between its neighbours; "Trong đó" and its sub-rows stay
        (
            ["3.2.5", "SIS)", "3.3.1", "Trong đó", "", "", "3.3.2", "đà", "3.3.4"],
            ["3.2.5", "3.3", "3.3.1", "Trong đó", "", "", "3.3.2", "3.3.3", "3.3.4"],
        ),
        (["5", "B.Í", "5.2", "5.3", "54", "6", "6.1."], ["5", "5.1", "5.2", "5.3", "5.4", "6", "6.1."]),
        # a digit misread as another: the order decides ("1.2.2" for "1.2.3" after an unreadable 1.2.2)
        (["1.2", "1.2.1", "tàn", "1.2.2", "1.3"], ["1.2", "1.2.1", "1.2.2", "1.2.3", "1.3"]),
        # the shallower code where two fit, a speck in an empty cell dropped
        (["2.3", "2.4.", "Mr", "3", ":", "4"], ["2.3", "2.4.", "2.5", "3", "", "4"]),
    ],
)
def test_table_codes_are_repaired_from_their_order(read_as, fixed):
    assert repair_codes(read_as) == fixed


def test_codes_that_follow_each_other_are_left_alone():
    codes = ["STT", "", "1", "1.1", "1.1.1", "1.1.2", "1.2", "Trong đó", "", "2", "2.1.", "3"]
    assert repair_codes(codes) == codes


def test_a_header_repeated_on_each_page_and_codes_across_pages_are_put_right():
    header = [["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu"]]
    first = [*map(list, header), ["1", "Công tác chỉ đạo", "", ""], ["1.1", "Kế hoạch", "", "01"]]
    first[0][0] = "STI1T"  # the name of the code column misread: "STT" again, or the table stage misses it
    second = [["SITL", "Chỉ tiêu thống kê", "Đơn vị tính:", "Số liệu"], ["1l1", "Số nhiệm vụ", "Nhiệm vụ", "25"]]
    harmonize_tables([first, second])
    assert first[0] == second[0] == header[0]
    assert second[1] == ["1.1.1", "Số nhiệm vụ", "Nhiệm vụ", "25"]


def test_a_page_goes_to_ocr_when_its_text_layer_is_not_usable():
    assert wants_ocr("auto", usable=False) and not wants_ocr("auto", usable=True)
    assert wants_ocr("always", usable=True) and not wants_ocr("never", usable=False)


def test_tesseract_gets_a_plain_image_on_stdin_and_one_thread(monkeypatch):
    import numpy as np

    seen: dict[str, object] = {}

    def fake_run(command, input, env, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(command=command, input=input, env=env)
        tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        tsv += "5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96.5\tBÁO\n"
        return subprocess.CompletedProcess(command, 0, tsv.encode(), b"")

    monkeypatch.setattr(ocr.subprocess, "run", fake_run)
    words = ocr.tesseract(np.full((40, 60), 255, dtype=np.uint8), 200)
    assert seen["env"]["OMP_THREAD_LIMIT"] == "1"  # type: ignore[index]
    assert seen["input"][:12] == b"P5\n60 40\n255"  # type: ignore[index]  # PGM: no compression
    assert seen["command"][:3] == ["tesseract", "stdin", "stdout"]  # type: ignore[index]
    assert [(w.text, w.left, w.conf) for w in words] == [("BÁO", 10, 96.5)]


def test_an_unknown_ocr_mode_is_one_line_and_status_2():
    proc = cli(str(SEED_PDF), "--ocr", "sometimes")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "auto, always, never" in proc.stderr


# --- scans read by Tesseract ----------------------------------------------------------------


@needs_tesseract
def test_the_seed_scanned_at_200_dpi_scores_as_the_issue_asks():
    report = scan_report(False)
    scores = _scores(report)
    assert report.source.ocr and report.source.pages == 13
    assert scores["references"] >= 0.97 and scores["sections"] == 1.0 and scores["metadata"] >= 0.9, scores
    assert scores["table_rows"] >= 0.95 and scores["table_rows.code"] >= 0.95, scores
    assert scores["table_rows.value"] >= 0.95, scores
    assert len(report.tables) == 1 and report.tables[0].id == "phu-luc-01b"
    assert all(r.page for r in report.references) and all(r.page for r in report.tables[0].rows)
    assert report.text and all(report.text[a:b] == r.text for r in report.references for a, b in [r.span])


@needs_tesseract
def test_a_photocopy_like_scan_is_read_almost_as_well_in_the_text():
    scores = _scores(scan_report(True))
    # measured 1.00 / 1.00 / 0.98 / 0.77 / 0.92 (README, "Scanned reports"); a floor against regressions
    assert scores["references"] >= 0.95 and scores["sections"] >= 0.95 and scores["figures"] >= 0.9, scores
    assert scores["table_rows"] >= 0.7 and scores["metadata"] >= 0.85, scores


@needs_tesseract
def test_a_pdf_of_text_pages_and_scanned_pages_is_read_page_by_page(tmp_path):
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(SEED_PDF)), list(range(6)))
    mixed.import_pages(pdfium.PdfDocument(str(scanned(False))), list(range(6, 13)))
    path = tmp_path / "000_hoang_cat_2024h1.pdf"
    mixed.save(str(path))
    report = extract(path)
    text_only = extract(SEED_PDF)
    assert report.source.ocr and report.source.pages == 13
    assert [r.key for r in report.references] == [r.key for r in text_only.references]
    assert _scores(report)["table_rows"] >= 0.95
    assert not [w for w in report.warnings if w.code == "page.no_text"]


@needs_tesseract
def test_images_are_read_png_jpeg_and_every_page_of_a_tiff(tmp_path):
    png = _page_image(scanned(False), 0, tmp_path / "page.png")
    jpeg = _page_image(scanned(False), 0, tmp_path / "page.jpg", quality=80)
    for path in (png, jpeg):
        report = extract(path)
        assert report.source.ocr and report.source.pages == 1
        assert (report.metadata.symbol, str(report.metadata.date)) == ("BC-UBND", "2024-06-04")
        assert "01/QĐ-UBND/2024" in [r.key for r in report.references]
    from PIL import Image

    frames = [Image.open(_page_image(scanned(False), k, tmp_path / f"p{k}.png")) for k in (0, 10)]
    tiff = tmp_path / "two.tiff"
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(200, 200))
    report = extract(tiff)
    assert (report.source.format, report.source.pages) == ("tiff", 2)
    assert report.tables and {r.page for r in report.tables[0].rows} == {2}
    assert [r.code for r in report.tables[0].rows][:3] == ["4", "4.1", "4.2"]


@needs_tesseract
def test_ocr_reports_progress_over_pages_in_order(tmp_path):
    two = _pages(scanned(False), [0, 1], tmp_path / "two.pdf")
    calls: list[tuple[int, int]] = []
    raw = read(two, ocr=OcrSettings(progress=lambda done, total: calls.append((done, total))))
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert raw.ocr and [b.page for b in raw.blocks if b.text][:1] == [1] and max(b.page or 0 for b in raw.blocks) == 2


@needs_tesseract
def test_ocr_always_reads_a_text_pdf_by_ocr_and_never_leaves_a_scan_unread(tmp_path):
    one = _pages(SEED_PDF, [0], tmp_path / "one.pdf")
    assert read(one, ocr="always").ocr and not read(one).ocr
    with pytest.raises(NoTextError, match="OCR is off"):
        read(scanned(False), ocr="never")


@needs_tesseract
def test_nothing_to_read_is_its_own_error_and_exit_status(tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (1200, 1600), 255).save(blank)
    proc = cli(str(blank), "--json")
    assert proc.returncode == 3 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "no text could be read" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli(str(scanned(False)), "--ocr", "never")
    assert proc.returncode == 3 and "--ocr never" in proc.stderr


def test_without_tesseract_a_scan_says_how_to_install_it(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no tesseract on this PATH
    image = tmp_path / "page.png"
    from PIL import Image

    Image.new("L", (400, 300), 255).save(image)
    proc = cli(str(image), env=env)
    assert proc.returncode == 3
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in proc.stderr and proc.stderr.count("\n") == 1


@needs_tesseract
def test_a_batch_stores_scans_mixed_pdfs_and_images_and_counts_what_had_no_text(tmp_path):
    from PIL import Image

    folder = tmp_path / "archive"
    folder.mkdir()
    _pages(scanned(False), [0, 1], folder / "scan.pdf")
    _pages(SEED_PDF, [2], folder / "mixed_source.pdf")
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument(str(folder / "mixed_source.pdf"))
    mixed.import_pages(pdfium.PdfDocument(str(scanned(False))), [3])
    mixed.save(str(folder / "mixed.pdf"))
    (folder / "mixed_source.pdf").unlink()
    _page_image(scanned(False), 0, folder / "page.png")
    Image.new("L", (1200, 1600), 255).save(folder / "blank.png")
    blank_pdf = pdfium.PdfDocument.new()
    blank_pdf.new_page(595, 842)
    blank_pdf.save(str(folder / "blank.pdf"))
    db = tmp_path / "r.sqlite"
    proc = cli("batch", str(folder), "--db", str(db), "--jobs", "2")
    assert proc.returncode == 1, proc.stderr  # some files failed: the two with nothing to read
    assert "done 3, skipped 0 (already stored), failed 2 (2 with no text)" in proc.stderr
    with sqlite3.connect(db) as connection:
        stored = dict(connection.execute("SELECT path, json_extract(report, '$.source.ocr') FROM documents"))
        failures = connection.execute("SELECT path, kind FROM failures ORDER BY path").fetchall()
    assert {Path(p).name: bool(v) for p, v in stored.items()} == {"scan.pdf": True, "mixed.pdf": True, "page.png": True}
    assert [(Path(p).name, kind) for p, kind in failures] == [("blank.pdf", "no_text"), ("blank.png", "no_text")]


def test_a_page_read_with_low_confidence_gets_a_warning_naming_it():
    low = ocr.OcrPage(4, [ocr.OcrLine("Báo cáo", 0, 10, 10)], confidence=61.5)
    sure = ocr.OcrPage(5, [ocr.OcrLine("Báo cáo", 0, 10, 10)], confidence=95.0)
    [warning] = ocr.ocr_warnings(low)
    assert (warning.code, warning.page) == ("ocr.low_confidence", 4)
    assert warning.message.startswith("page 4 was read by OCR") and "62 %" in warning.message
    assert ocr.ocr_warnings(sure) == []
    empty = ocr.OcrPage(6, [], None)
    assert [(w.code, w.page) for w in ocr.ocr_warnings(empty)] == [("page.no_text", 6)]
    with i18n.use_language("vi"):  # the code stays; the message is the catalogue's
        [warning] = ocr.ocr_warnings(low)
        assert warning.code == "ocr.low_confidence" and warning.message.startswith("trang 4 được đọc bằng OCR")


# --- OCR and the habits of the command line: standard input, several reports, the language ---


def _without_tesseract(tmp_path: Path, lang: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CCHC_LANG"}
    return {**env, "PATH": str(tmp_path), **({"CCHC_LANG": lang} if lang else {})}


def test_nothing_to_read_is_said_in_vietnamese_by_default_from_the_catalogue(tmp_path):
    from PIL import Image

    image = tmp_path / "page.png"
    Image.new("L", (400, 300), 255).save(image)
    proc = cli(str(image), env=_without_tesseract(tmp_path))
    assert proc.returncode == 3
    assert proc.stderr.strip() == (
        f"cchc-extract: lỗi: {image}: không đọc được chữ nào từ trang duy nhất của tệp: tệp là ảnh, và không chạy"
        " được OCR: chưa cài Tesseract (apt-get install tesseract-ocr tesseract-ocr-vie)"
    )
    proc = cli(str(image), "--ocr", "sometimes", env=_without_tesseract(tmp_path))
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "cchc-extract: lỗi: không biết chế độ OCR “sometimes” (dùng một trong: auto, always, never)"
    )


def test_several_reports_exit_3_when_only_nothing_could_be_read_and_2_when_an_input_is_bad(tmp_path):
    from PIL import Image

    from .conftest import SEED

    image = tmp_path / "page.png"
    Image.new("L", (400, 300), 255).save(image)
    env = _without_tesseract(tmp_path, "en")
    proc = cli(str(image), str(SEED), "--json", env=env)
    assert proc.returncode == 3, proc.stderr
    assert Report.model_validate_json(proc.stdout).source.path == str(SEED)  # one line: the seed's JSON
    assert proc.stderr.count("\n") == 1 and "no text could be read from its page" in proc.stderr
    proc = cli(str(image), str(tmp_path / "missing.txt"), str(SEED), "--json", env=env)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 2 and len(proc.stdout.splitlines()) == 1


def test_a_scan_on_standard_input_is_recognised_by_its_bytes(tmp_path):
    png = _page_image(SEED_PDF, 0, tmp_path / "page.png").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_extract", "-", "--json", "--ocr", "never"],
        input=png,
        capture_output=True,
        timeout=120,
    )
    # an image, whatever its name: with OCR off there is nothing to read (no text reader tried it)
    assert proc.returncode == 3 and b"<stdin>: no text could be read" in proc.stderr
    with pytest.raises(NoTextError, match="it is an image, and OCR is off"):
        extract_text(png, format=None, ocr="never")


@needs_tesseract
def test_a_scanned_page_from_bytes_gives_what_the_file_gives(tmp_path):
    page = _page_image(scanned(False), 0, tmp_path / "page.png")
    from_file = extract(page)
    from_bytes = extract_text(page.read_bytes(), format=None, name="page.png")
    assert from_bytes.source.ocr and from_bytes.source.format == "png"
    assert from_bytes.references and from_bytes.references == from_file.references
    assert extract_text(page.read_bytes(), format="png").metadata == from_file.metadata


def test_the_batch_summary_counts_what_had_no_text_in_either_language():
    from cchc_extract.batch import Outcome, Summary, summary_text

    failed = [Outcome(f"{k}.png", "failed", kind="no_text", message=f"{k}.png: …") for k in "ab"]
    summary = Summary(done=3, failed=3, outcomes=[*failed, Outcome("c.txt", "failed", kind="input", message="…")])
    with i18n.use_language("en"):
        assert summary_text(summary, 2.0).startswith(
            "done 3, skipped 0 (already stored), failed 3 (2 with no text) in 2 s (1.5 files/s)"
        )
        assert "with no text" not in summary_text(Summary(done=1), 1.0)
    with i18n.use_language("vi"):
        assert summary_text(summary, 2.0).startswith(
            "xong 3, bỏ qua 0 (đã có trong cơ sở dữ liệu), lỗi 3 (2 tệp không đọc được chữ),"
            " trong 2 giây (1,5 tệp/giây)"
        )
