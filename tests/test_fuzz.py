"""The fuzzing harness (fuzz/), and every input it ever found failing, as regression tests."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cchc_extract import CchcError, extract
from cchc_extract.errors import InternalError
from fuzz import mutators
from fuzz.run import Outcome, build_case, judge

from .conftest import ROOT

FOUND = Path(__file__).parent / "data" / "fuzz"
CASES = json.loads((FOUND / "cases.json").read_text(encoding="utf-8"))["cases"]
KEPT = sorted(p for p in FOUND.iterdir() if p.suffix != ".json")  # failing inputs kept as files


def behaves(path: Path) -> None:
    """What every input must get from the library: a report, or one line naming the file."""
    try:
        extract(path)
    except InternalError as error:
        pytest.fail(f"a bug met on {path.name}: {error.line()}")
    except CchcError as error:
        assert str(path) in error.line() and "\n" not in error.line()


@pytest.mark.parametrize("found", CASES, ids=[c["case"] for c in CASES])
def test_every_case_that_failed_now_behaves(tmp_path, found):
    run_seed, index = (int(part) for part in found["case"].split(":"))
    case = build_case(run_seed, index)
    assert str(case.seed.relative_to(ROOT)) == found["seed_file"]
    assert hashlib.sha256(case.data).hexdigest() == found["sha256"], (
        "the mutators changed, so this case no longer rebuilds the input that failed: keep the failing"
        " inputs as files in tests/data/fuzz/ (python -m fuzz.run --replay on the old commit) before changing them"
    )
    path = tmp_path / f"case{case.suffix}"
    path.write_bytes(case.data)
    behaves(path)


@pytest.mark.parametrize("path", KEPT, ids=[p.name for p in KEPT])
def test_every_kept_failing_input_now_behaves(path):
    behaves(path)


def _outcome(**changes) -> Outcome:
    fields = {"status": 0, "signal": None, "seconds": 0.1, "max_rss_kb": 1, "stderr": "", "stdout_json": True}
    return Outcome(**{**fields, **changes})


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        (_outcome(), None),
        (_outcome(status=2, stderr="cchc-extract: error: x.pdf: is not a PDF file\n", stdout_json=None), None),
        (_outcome(status=1, stderr="Traceback (most recent call last):\n  ...\nValueError: x\n"), "traceback"),
        (_outcome(status=1, stderr="╭─ Traceback ─╮\n"), "traceback"),
        (_outcome(status=2, stderr="one\ntwo\nthree\nfour\n"), "stderr-lines"),
        (_outcome(status=2, stderr="x: cchc-extract failed (a bug: please report it with the file)\n"), "internal"),
        (_outcome(status=2, stderr="x: lỗi (đây là lỗi của chương trình: xin báo lỗi kèm theo tệp)\n"), "internal"),
        (_outcome(status=2, stderr="x.pdf: cannot be read as pdf: MemoryError: \n"), "memory"),
        (_outcome(status=None, signal=11), "signal-SIGSEGV"),
        (_outcome(status=None, timed_out=True), "hang"),
        (_outcome(status=3, stderr="cchc-extract: error: x.pdf: no text could be read from its page\n"), None),
        (_outcome(status=1), "exit-1"),
        (_outcome(stdout_json=False), "stdout-not-json"),
    ],
)
def test_the_judge_tells_a_clean_refusal_from_a_failure(outcome, kind):
    assert judge(outcome) == kind


@pytest.mark.parametrize("suffix", sorted(mutators.BY_SUFFIX))
def test_a_case_is_rebuilt_byte_for_byte_from_its_key(suffix):
    seed = next(p for p in sorted((ROOT / "corpus").iterdir()) if p.suffix == suffix)
    first = build_case(5, 17, [seed])
    again = build_case(5, 17, [seed])
    assert first.data == again.data and first.mutations == again.mutations
    assert first.data != seed.read_bytes() or first.mutations  # something was done
    for name, mutator in {**mutators.BYTES, **mutators.BY_SUFFIX[suffix]}.items():
        out = mutator(random.Random(name), seed.read_bytes())
        assert isinstance(out, bytes), name


def test_a_short_run_of_the_harness_passes_and_says_what_it_ran(tmp_path):
    options = ["--iterations", "8", "--jobs", "2", "--exec-every", "4", "--out", str(tmp_path), "--seed", "99"]
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz.run", *options],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "8 cases in" in proc.stdout and "failed 0" in proc.stdout and "fresh interpreters 2" in proc.stdout
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("wall", "cpu", "late"),
    [
        (21.0, 6.0, False),  # slow only because the machine was busy: not a hang
        (21.0, 20.5, True),  # computing past the limit
        (61.0, 0.1, True),  # waiting without computing (a deadlock)
        (21.0, None, True),  # CPU time unknown: the wall clock judges
    ],
)
def test_a_case_is_late_by_its_cpu_time_or_by_waiting_three_times_the_limit(wall, cpu, late):
    from fuzz.run import overdue

    assert overdue(wall, cpu, 20.0) is late


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="CPU time of another process is read from /proc")
def test_the_cpu_time_of_a_running_case_is_read_and_sleeping_costs_none():
    from fuzz.run import cpu_seconds

    spin = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\nprint(flush=True)\n"
    busy = subprocess.Popen([sys.executable, "-c", spin + "time.sleep(30)"], stdout=subprocess.PIPE)
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        busy.stdout.readline()  # it has spun 0.6 s of CPU time
        time.sleep(0.2)
        assert cpu_seconds(busy.pid) >= 0.5
        assert cpu_seconds(idle.pid) < 0.3
    finally:
        busy.kill()
        idle.kill()
        busy.wait()
        idle.wait()
    assert cpu_seconds(busy.pid) is None  # reaped: nothing to read


def test_a_case_may_take_longer_for_each_page_ocr_may_read():
    import argparse

    from fuzz.run import limit, ocr_pages

    args = argparse.Namespace(timeout=20.0, timeout_per_mb=10.0, timeout_per_page=10.0)
    pdf = build_case(1, next(i for i in range(500) if build_case(1, i).suffix == ".pdf"))
    text = build_case(1, next(i for i in range(500) if build_case(1, i).suffix == ".txt"))
    assert ocr_pages(text) == 0 and limit(args, text) < 20.0 + 10.0 * 4
    pages = ocr_pages(pdf)
    assert limit(args, pdf) == pytest.approx(20.0 + 10.0 * len(pdf.data) / 1e6 + 10.0 * pages)
    whole = type(pdf)(pdf.run_seed, pdf.index, pdf.seed, pdf.seed.read_bytes(), [])
    assert ocr_pages(whole) >= 2  # the corpus PDFs have two pages or more
    junk = type(pdf)(pdf.run_seed, pdf.index, pdf.seed, b"%PDF-1.4 nothing else", pdf.mutations)
    assert ocr_pages(junk) == 0  # PDFium cannot open it: nothing to OCR
