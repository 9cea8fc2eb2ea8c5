"""The command line, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_json_output_follows_the_contract():
    proc = run(str(SEED), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema_version"] == "1"
    assert set(data) >= {"source", "metadata", "sections", "references", "figures", "tables", "checks", "warnings"}
    assert "text" not in data
    assert data["source"]["format"] == "txt" and len(data["source"]["sha256"]) == 64
    assert data["metadata"]["date"] == "2024-06-04"
    assert data["metadata"]["number"] is None
    ref = data["references"][0]
    assert set(ref) >= {
        "text",
        "doc_type",
        "number",
        "year",
        "symbol",
        "key",
        "date",
        "issuer",
        "issuer_normalized",
        "section",
        "span",
        "page",
    }


def test_with_text_adds_the_normalized_text_that_spans_point_into():
    data = json.loads(run(str(SEED), "--with-text").stdout)
    for record in data["references"] + data["sections"]:
        start, end = record["span"]
        assert data["text"][start:end] == record["text"]


def test_summary_shows_checks_first_then_outline():
    proc = run(str(SEED))
    assert proc.returncode == 0
    out = proc.stdout
    assert out.index("Checks (") < out.index("Sections (")
    assert "numbering.gap" in out and "IV.8" in out and "Nguyễn Văn An" in out


def test_out_never_overwrites_without_force(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("keep me", encoding="utf-8")
    proc = run(str(SEED), "--json", "--out", str(target))
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    assert run(str(SEED), "--json", "--out", str(target), "--force").returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == "1"


def test_schema_is_generated_from_the_models():
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "Report"
    assert "Reference" in schema["$defs"] and "key" in schema["$defs"]["Reference"]["properties"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "is empty"),
        ("bad.txt", b"\xff\xfe\xfa\x00garbage\x00", "does not look like a report"),
        ("report.odt", b"x", "unsupported format"),
    ],
)
def test_bad_input_is_one_line_exit_2_no_traceback(tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    proc = run(str(path), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in proc.stderr


def test_console_script_and_module_agree():
    script = Path(sys.executable).parent / "cchc-extract"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    direct = subprocess.run([str(script), str(SEED), "--json"], capture_output=True, text=True, timeout=120)
    assert json.loads(direct.stdout) == json.loads(run(str(SEED), "--json").stdout)


def test_every_command_has_help_and_is_documented():
    from cchc_extract.cli import COMMANDS

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(COMMANDS)
    assert set(commands) == {"extract", "schema", "eval", "batch", "cites", "cited", "gold-draft", "gold-docbin"}
    for command in commands:
        proc = run(command, "--help")
        assert proc.returncode == 0 and "Usage" in proc.stdout
        assert f"cchc-extract {command}" in readme or command == "extract", command
    assert "--version" in run("--help").stdout


def test_csv_writes_one_file_per_table_with_a_bom_and_never_overwrites(tmp_path):
    folder = tmp_path / "csv"
    proc = run(str(SEED), "--csv", str(folder))
    assert proc.returncode == 0, proc.stderr
    path = folder / "phu-luc-01b.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,label,unit,unit_resolved,value,number")
    assert len(lines) == 1 + 77
    assert any(line.startswith("3.3.1,Số lượng hồ sơ đã tiếp nhận,Số lượng hồ sơ") for line in lines)
    again = run(str(SEED), "--csv", str(folder))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert path.read_bytes() == raw


def test_eval_json_scores_the_corpus_and_min_f1_guards_it(tmp_path):
    from .conftest import CORPUS, GOLD

    proc = run("eval", str(CORPUS), "--gold", str(GOLD), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["documents"] >= 6
    assert set(data["by_type"]["references"]) == {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert {d["document"] for d in data["per_document"]} >= {"000_hoang_cat_2024h1.txt"}
    # a gold that expects a reference the report lacks lowers recall below the bar
    gold = tmp_path / "gold"
    gold.mkdir()
    seed_gold = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    seed_gold["references"].append({"number": "999", "symbol": "QĐ-UBND"})
    (gold / "000_hoang_cat_2024h1.json").write_text(json.dumps(seed_gold, ensure_ascii=False), encoding="utf-8")
    low = run("eval", str(CORPUS), "--gold", str(gold), "--min-f1", "0.999")
    assert low.returncode == 1 and "references" in low.stderr


def test_eval_diff_shows_missed_and_extra(tmp_path):
    from .conftest import CORPUS, GOLD

    gold = tmp_path / "gold"
    gold.mkdir()
    data = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    dropped = data["references"].pop(0)
    data["references"].append({"number": "999", "symbol": "QĐ-UBND"})
    (gold / "000_hoang_cat_2024h1.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = run("eval", str(CORPUS), "--gold", str(gold), "--diff", "000_hoang_cat_2024h1.txt").stdout
    assert '- missed references: {"number": "999"' in out
    extra = [line for line in out.splitlines() if line.startswith("  + extra  references: ")]
    assert len(extra) == 1 and f'"number": "{dropped["number"]}"' in extra[0] and dropped["symbol"] in extra[0]


def test_gold_draft_is_marked_and_loads_as_gold(tmp_path):
    from cchc_extract.evaluate import load_gold

    target = tmp_path / "draft.json"
    proc = run("gold-draft", str(SEED), "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    draft = load_gold(target)
    assert draft.draft is True and "DRAFT" in (draft.notes or "")
    assert len(draft.references or []) == 34 and len(draft.table_rows or []) == 77


def test_eval_without_gold_is_a_clear_error(tmp_path):
    proc = run("eval", str(tmp_path), "--gold", str(tmp_path))
    assert proc.returncode == 2 and "no document here has a gold file" in proc.stderr


def test_unwritable_outputs_are_one_line_errors(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for args in (
        (str(SEED), "--csv", str(blocker / "sub")),
        (str(SEED), "--json", "--out", str(blocker / "out.json")),
    ):
        proc = run(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cchc_extract",
            "batch",
            str(SEED),
            "--db",
            str(tmp_path / "r.sqlite"),
            "--jsonl",
            str(blocker / "x.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "cannot be written" in proc.stderr and "Traceback" not in proc.stderr


def test_a_file_whose_name_starts_with_a_dash_is_read_after_double_dash(tmp_path):
    (tmp_path / "-rf.txt").write_bytes(SEED.read_bytes())
    proc = run("--", "-rf.txt", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("-rf.txt  (txt")
    proc = run("--json", "--", "-rf.txt", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["source"]["path"] == "-rf.txt"
    assert (tmp_path / "-rf.txt").exists()


def test_eval_floors_per_type_and_field(tmp_path):
    from .conftest import CORPUS, GOLD

    ok = run("eval", str(CORPUS), "--gold", str(GOLD), "--floor", "references=0.9", "--floor", "references.date=0.9")
    assert ok.returncode == 0, ok.stderr
    high = run("eval", str(CORPUS), "--gold", str(GOLD), "--floor", "references=1.01")
    assert high.returncode == 1 and "references 1.000 < 1.01" in high.stderr
    typo = run("eval", str(CORPUS), "--gold", str(GOLD), "--floor", "referencs=0.5")
    assert typo.returncode == 1 and "referencs not measured" in typo.stderr
    bad = run("eval", str(CORPUS), "--gold", str(GOLD), "--floor", "references")
    assert bad.returncode == 2 and "TYPE=NUMBER" in bad.stderr
