"""Habits people bring to a command line and a library: standard input and output, several
files at once, -h, examples in the help, shell completion, a text rather than a file."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_extract import ParseWarning, extract, extract_text, find_figures, find_references, find_tables
from cchc_extract.errors import CchcError

from .conftest import CORPUS, GOLD, REAL_DEV, SEED

MARKDOWN = CORPUS / "003_dinh_hung_plan_2025.md"


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_extract", *args],
        input=stdin,
        capture_output=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def _without_source(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "source"}


def test_stdin_with_format_md_gives_the_same_records_as_the_file():
    piped = run("-", "--format", "md", "--json", stdin=MARKDOWN.read_bytes())
    assert piped.returncode == 0, piped.stderr
    data = json.loads(piped.stdout)
    assert data["source"]["path"] == "<stdin>" and data["source"]["format"] == "md"
    assert _without_source(data) == _without_source(json.loads(run(str(MARKDOWN), "--json").stdout))


def test_stdin_recognises_a_pdf_and_reads_text_otherwise():
    pdf = run("-", "--json", stdin=SEED.with_suffix(".pdf").read_bytes())
    assert pdf.returncode == 0, pdf.stderr
    assert json.loads(pdf.stdout)["source"]["format"] == "pdf"
    text = run("-", "--json", stdin=SEED.read_bytes())
    assert json.loads(text.stdout)["metadata"]["date"] == "2024-06-04"
    empty = run("-", stdin=b"")
    assert empty.returncode == 2 and empty.stderr.strip() == "cchc-extract: error: <stdin>: is empty"


def test_format_overrides_the_suffix(tmp_path):
    odd = tmp_path / "report.dat"
    shutil.copy(SEED, odd)
    refused = run(str(odd))
    assert refused.returncode == 2 and "unsupported format “.dat”" in refused.stderr and "--format" in refused.stderr
    read = run(str(odd), "--format", "txt", "--json")
    assert read.returncode == 0 and json.loads(read.stdout)["source"]["format"] == "txt"


def test_several_reports_and_globs_give_json_lines(tmp_path):
    proc = run(str(SEED), str(MARKDOWN), "--json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [json.loads(line)["source"]["path"] for line in lines] == [str(SEED), str(MARKDOWN)]
    globbed = run(str(CORPUS / "00[01]_*.txt"), "--json")
    assert [Path(json.loads(line)["source"]["path"]).name[:3] for line in globbed.stdout.splitlines()] == ["000", "001"]
    summaries = run(str(SEED), str(MARKDOWN), "--lang", "en")
    assert summaries.stdout.count("Checks (") == 2


def test_a_bad_file_among_several_is_one_line_and_the_others_are_done(tmp_path):
    proc = run(str(SEED), str(tmp_path / "missing.txt"), "--json")
    assert proc.returncode == 2
    assert len(proc.stdout.splitlines()) == 1 and json.loads(proc.stdout)["metadata"]["date"] == "2024-06-04"
    assert proc.stderr.strip() == f"cchc-extract: error: {tmp_path / 'missing.txt'}: no such file"


def test_out_dash_is_stdout_and_csv_per_report_for_several(tmp_path):
    proc = run(str(SEED), "--json", "--out", "-")
    assert proc.returncode == 0 and json.loads(proc.stdout)["schema_version"] == "1"
    both = run(str(SEED), str(CORPUS / "005_binh_minh_consistent_2025.txt"), "--csv", str(tmp_path / "t"))
    assert both.returncode == 0, both.stderr
    assert (tmp_path / "t" / SEED.stem / "phu-luc-01b.csv").is_file()
    assert any((tmp_path / "t" / "005_binh_minh_consistent_2025").glob("*.csv"))


def test_h_is_help_every_command_has_examples_and_the_usage_names_the_shortcut():
    from cchc_extract.cli import COMMANDS

    root = run("-h")
    assert root.returncode == 0 and "cchc-extract [OPTIONS] REPORT... | COMMAND" in " ".join(root.stdout.split())
    for command in COMMANDS:
        short, long = run(command, "-h"), run(command, "--help")
        assert short.returncode == 0 and short.stdout == long.stdout
        assert ("Example" in short.stdout and f"cchc-extract {command}" in short.stdout) or command == "extract"
    assert "cat report.md | cchc-extract - --format md --json" in run(str(SEED), "-h").stdout


def test_shell_completion_is_on_and_knows_the_shortcut():
    def complete(words: str, cword: int) -> list[str]:
        env = {"_CCHC_EXTRACT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return run(env=env).stdout.split()

    assert complete("cchc-extract ba", 1) == ["batch"]
    assert complete("cchc-extract report.txt --form", 2) == ["--format"]
    assert complete("cchc-extract report.txt --csv-dialect ", 3) == ["excel", "excel-vn"]
    assert "_cchc_extract_completion" in run("--show-completion", "bash").stdout


def test_extract_text_takes_a_text_or_bytes():
    text = SEED.read_text(encoding="utf-8")
    from_text = extract_text(text)
    assert from_text.source.path == "<text>" and from_text.source.format == "txt"
    assert from_text.model_dump(exclude={"source"}) == extract(SEED).model_dump(exclude={"source"})
    from_bytes = extract_text(SEED.with_suffix(".pdf").read_bytes(), format=None, name="seed.pdf")
    assert from_bytes.source.format == "pdf" and from_bytes.metadata.date == from_text.metadata.date
    markdown = extract_text(MARKDOWN.read_text(encoding="utf-8"), "md")
    assert len(markdown.references) == len(extract(MARKDOWN).references)
    with pytest.raises(CchcError, match="is empty"):
        extract_text("  \n")
    with pytest.raises(TypeError):
        extract_text("text", "pdf")


def test_reports_and_records_print_short():
    report = extract(SEED)
    shown = repr(report)
    assert shown.startswith("Report(path=") and "references=34" in shown and "checks=3" in shown and len(shown) < 300
    for record in (report.references[0], report.figures[0], report.sections[0], report.tables[0], report.checks[0]):
        assert len(repr(record)) < 400 and repr(record).startswith(type(record).__name__ + "(")
    assert "rows=77" in repr(report.tables[0])


def test_stage_functions_return_warnings_as_the_report_does():
    from cchc_extract import normalize, read, segment

    doc = normalize(read(SEED))
    layout = segment(doc)
    refs, ref_warnings = find_references("Quyết định số 88/QĐ-UBND ngày 31/02/2024 của UBND huyện")
    assert [type(w) for w in ref_warnings] == [ParseWarning] and ref_warnings[0].code == "date.impossible"
    assert refs[0].text.startswith("Quyết định số 88/QĐ-UBND ngày 31/02/2024"[: ref_warnings[0].span[1]])
    tables, table_warnings = find_tables(doc, layout)
    figures = find_figures(doc, [layout.body], layout.section_at)
    report = extract(SEED)
    assert [t.id for t in tables] == [t.id for t in report.tables] and table_warnings == []
    assert {f.span for f in figures} >= {f.span for f in report.figures if f.section != "appendix:phu-luc-01b"}


def test_summary_cuts_long_lists_unless_full_and_wraps_long_titles():
    short = run(str(SEED), "--lang", "en").stdout
    full = run(str(SEED), "--lang", "en", "--full").stdout
    assert "Cited documents (25, 34 mentions)" in short
    assert "… and 10 more" in short and "… and" not in full
    assert max(len(line) for line in short.splitlines()) <= 100
    # the long heading IV.1 is wrapped, whole: its last words are there
    assert "năm 2024" in full.split("IV.1", 1)[1].split("IV.2", 1)[0]
    assert "  Signed:            CHỦ TỊCH\n                     Nguyễn Văn An" in short


def test_eval_refuses_draft_gold_unless_allowed(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    data = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    (gold / "000_hoang_cat_2024h1.json").write_text(json.dumps(data | {"draft": True}), encoding="utf-8")
    refused = run("eval", str(CORPUS), "--gold", str(gold))
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "is a draft" in refused.stderr and "--allow-draft" in refused.stderr and refused.stdout == ""
    allowed = run("eval", str(CORPUS), "--gold", str(gold), "--allow-draft")
    assert allowed.returncode == 0, allowed.stderr


def test_csv_for_vietnamese_excel(tmp_path):
    proc = run(str(SEED), "--csv", str(tmp_path / "vn"), "--csv-dialect", "excel-vn")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "vn" / "phu-luc-01b.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    report = extract(SEED)
    table = report.tables[0]
    assert rows[0][0] == table.title and rows[1] == table.columns  # the title, then the document's headers
    by_code = {row[0]: row for row in rows[2:]}
    value = table.column_roles.index("value")
    assert by_code["1.1.2"][value] == "25"
    plain = run(str(SEED), "--csv", str(tmp_path / "plain"))
    assert plain.returncode == 0
    numbers = [
        row["number"]
        for row in csv.DictReader(io.StringIO((tmp_path / "plain" / "phu-luc-01b.csv").read_text(encoding="utf-8-sig")))
    ]
    assert "25" in numbers and not any(n.endswith(".0") for n in numbers)


def test_csv_keeps_a_real_table_unit_line_and_decimal_commas(tmp_path):
    source = REAL_DEV / "r004.md"
    if not source.exists():
        pytest.skip("../shared/real-dev is not beside the repository")
    proc = run(str(source), "--csv", str(tmp_path), "--csv-dialect", "excel-vn")
    assert proc.returncode == 0, proc.stderr

    def rows(name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO((tmp_path / name).read_text(encoding="utf-8-sig")), delimiter=";"))

    money = rows("mau-bieu-so-02.csv")
    assert money[1][0] == "Đơn vị: Triệu đồng." and money[2][:2] == ["STT", "Nội dung"]
    assert money[3][2] == "10367700"  # "10.367.700" as written: a number to Excel, no thousands dots
    shares = [cell for row in rows("mau-bieu-so-01.csv")[2:] for cell in row]
    assert "34,48" in shares and "8" in shares  # decimal commas; "8,00" is the number 8
    assert not any(c.count(".") and c.replace(".", "").isdigit() for c in shares)
