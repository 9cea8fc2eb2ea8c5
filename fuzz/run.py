"""Run the fuzzer: mutants of the corpus through the CLI, under a time and a memory limit.

    python -m fuzz.run --seconds 60                    # the short seeded run CI makes
    python -m fuzz.run --iterations 100000 --jobs 2    # the long run (see fuzz/README.md)
    python -m fuzz.run --replay 13:4711                # rebuild and rerun one case

Case ``i`` of a run with ``--seed S`` is built from ``random.Random(f"{S}:{i}")`` alone:
a corpus file, then one to three mutations fit for its format (``fuzz/mutators.py``).
Each case runs in a process of its own, forked from one that has imported every reader
and compiled every pattern: ``cchc-extract CASE --json`` as the console script runs it
(``cli.main``), and every ``--exec-every``-th case as a fresh interpreter instead
(``python -m cchc_extract``). The process gets ``--memory`` MB of address space and
``--timeout`` seconds of CPU time, ``--timeout-per-mb`` more for each MB of the case and
``--timeout-per-page`` more for each page OCR may read (``ocr_pages``), and
three times that on the wall clock (see ``overdue``). A case fails
when it runs past the time, dies by a signal, exits other than 0, 2 or 3 (3: nothing
could be read, the ``no_text`` outcome), prints a traceback, more than three lines on
stderr, an internal error or a MemoryError, or exits 0 with stdout that is not JSON. A failing case is kept
in ``--out`` with a JSON file saying how to reproduce it; the run exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cchc_extract.i18n import LANGUAGES, catalogue

from .mutators import BY_SUFFIX, mutate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MAX_STDERR_LINES = 3
# how an InternalError (a bug met on a file) ends its line, in every language of the catalogue
_INTERNAL = tuple(catalogue(lang)["remedy.internal"] for lang in LANGUAGES)


def seeds() -> list[Path]:
    """The corpus files, the seeds of every mutant."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in BY_SUFFIX)


@dataclass
class Case:
    run_seed: int
    index: int
    seed: Path
    data: bytes
    mutations: list[str]

    @property
    def suffix(self) -> str:
        return self.seed.suffix

    @property
    def key(self) -> str:
        return f"{self.run_seed}:{self.index}"


def build_case(run_seed: int, index: int, files: list[Path] | None = None) -> Case:
    """Case ``index`` of run ``run_seed``: the same bytes every time."""
    rng = random.Random(f"{run_seed}:{index}")
    seed = rng.choice(files or seeds())
    data, mutations = mutate(rng, seed.suffix, seed.read_bytes())
    return Case(run_seed, index, seed, data, mutations)


@dataclass
class Outcome:
    status: int | None  # exit status, None when killed by the runner (time) or a signal
    signal: int | None
    seconds: float
    max_rss_kb: int
    stderr: str
    stdout_json: bool | None  # for exit 0: whether stdout parsed as JSON
    timed_out: bool = False


def judge(outcome: Outcome) -> str | None:
    """The kind of failure, or None when the case behaved as a bad input must."""
    if outcome.timed_out:
        return "hang"
    err = outcome.stderr
    if "MemoryError" in err or "bad_alloc" in err or "out of memory" in err.lower():
        return "memory"
    if outcome.signal is not None:
        return f"signal-{signal.Signals(outcome.signal).name}"
    if "Traceback" in err or "╭─" in err:  # a plain or a rich traceback
        return "traceback"
    if any(text in err for text in _INTERNAL):
        return "internal"
    if outcome.status not in (0, 2, 3):
        return f"exit-{outcome.status}"
    if len(err.strip().splitlines()) > MAX_STDERR_LINES:
        return "stderr-lines"
    if outcome.status == 0 and outcome.stdout_json is False:
        return "stdout-not-json"
    return None


# --- running one case -----------------------------------------------------------------


@dataclass
class Running:
    case: Case
    pid: int
    path: Path
    started: float
    fresh_interpreter: bool
    allowed: float  # its time limit (``limit``), worked out once: counting a PDF's pages opens it


def limit(args: argparse.Namespace, case: Case) -> float:
    """Seconds a case may take: ``--timeout``, and ``--timeout-per-mb`` more for each MB of it.

    Extraction is linear in the size of a report, but a 4 MB report takes half a minute on a
    loaded machine; a superlinear path takes minutes at that size (a repeated appendix once
    took over 200 s for 2.5 MB), and a quadratic line 52 s for 15 KB, well past this limit.
    """
    return args.timeout + args.timeout_per_mb * len(case.data) / 1e6 + args.timeout_per_page * ocr_pages(case)


def ocr_pages(case: Case) -> int:
    """How many pages of the case OCR may read: a PDF's pages (when PDFium can count them), one
    for an image, none for text and DOCX. Tesseract takes 0.5 to 5 s of CPU a page (the most on
    pages of noise, as a PDF whose fonts were damaged renders), the rest of the extraction
    milliseconds."""
    if case.suffix in {".png", ".jpg", ".jpeg", ".tif", ".tiff"}:
        return 1
    if case.suffix != ".pdf":
        return 0
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(case.data)
        try:
            return len(document)
        finally:
            document.close()
    except Exception:  # a PDF PDFium cannot open is not OCR'd either
        return 0


# A case is judged by the CPU time it has used, so that a machine loaded by other work does
# not make a slow case look hung (a 13-page PDF read by OCR took 6 s alone and 21 s beside a
# test suite); one that waits without using the CPU (a deadlock, a read that never returns)
# is caught by the wall clock, at this many times the limit.
WAIT_FACTOR = 3


def overdue(wall: float, cpu: float | None, allowed: float) -> bool:
    """Whether a case that has run ``wall`` seconds, ``cpu`` of them on the CPU (None: not
    known), is past ``allowed``: on the CPU, or waiting ``WAIT_FACTOR`` times as long."""
    if cpu is None:
        return wall > allowed
    return cpu > allowed or wall > WAIT_FACTOR * allowed


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) process ``pid`` and the children it has waited for have
    used so far, from /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # utime, stime, and those of its children waited for (Tesseract's runs): fields 14 to 17
    return sum(int(f) for f in fields[11:15]) / _TICKS


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(path: Path, megabytes: int, fresh_interpreter: bool) -> None:
    """In the forked process: stdout and stderr to files beside the case, then the CLI."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the run, which lets its cases finish
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    out = os.open(path.with_suffix(".stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(path.with_suffix(".stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(err, 2)
    _limit_memory(megabytes)
    if fresh_interpreter:
        os.execv(sys.executable, [sys.executable, "-m", "cchc_extract", str(path), "--json"])
    code = 1
    try:
        from cchc_extract import cli

        cli.main([str(path), "--json"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def start(case: Case, folder: Path, megabytes: int, fresh_interpreter: bool, allowed: float) -> Running:
    path = folder / f"case-{case.index}{case.suffix}"
    path.write_bytes(case.data)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            _child(path, megabytes, fresh_interpreter)
        finally:
            os._exit(1)
    return Running(case, pid, path, time.monotonic(), fresh_interpreter, allowed)


def collect(running: Running, status: int, usage: resource.struct_rusage, timed_out: bool) -> Outcome:
    err_path, out_path = running.path.with_suffix(".stderr"), running.path.with_suffix(".stdout")
    stderr = err_path.read_text(encoding="utf-8", errors="replace") if err_path.exists() else ""
    code = os.waitstatus_to_exitcode(status)
    stdout_json = None
    if code == 0 and not timed_out:
        try:
            json.loads(out_path.read_bytes())
            stdout_json = True
        except (ValueError, OSError):
            stdout_json = False
    return Outcome(
        status=code if code >= 0 and not timed_out else None,
        signal=-code if code < 0 and not timed_out else None,
        seconds=time.monotonic() - running.started,
        max_rss_kb=usage.ru_maxrss,
        stderr=stderr,
        stdout_json=stdout_json,
        timed_out=timed_out,
    )


def cleanup(running: Running) -> None:
    for path in (running.path, running.path.with_suffix(".stdout"), running.path.with_suffix(".stderr")):
        path.unlink(missing_ok=True)


def keep(running: Running, outcome: Outcome, kind: str, out: Path) -> Path:
    """Keep a failing input and how to reproduce it."""
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(running.case.data).hexdigest()[:12]
    target = out / f"{kind}-{digest}{running.case.suffix}"
    target.write_bytes(running.case.data)
    how = {
        "kind": kind,
        "case": running.case.key,
        "seed_file": str(running.case.seed.relative_to(ROOT)),
        "mutations": running.case.mutations,
        "fresh_interpreter": running.fresh_interpreter,
        "exit_status": outcome.status,
        "signal": outcome.signal,
        "seconds": round(outcome.seconds, 3),
        "max_rss_mb": round(outcome.max_rss_kb / 1024, 1),
        "stderr": outcome.stderr[-4000:],
        "reproduce": [f"cchc-extract {target} --json", f"python -m fuzz.run --replay {running.case.key}"],
    }
    target.with_suffix(".json").write_text(json.dumps(how, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


# --- the run --------------------------------------------------------------------


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    runs: int = 0
    by_format: Counter[str] = field(default_factory=Counter)
    by_exit: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    fresh: int = 0
    slowest: float = 0.0
    peak_rss_kb: int = 0
    kept: list[str] = field(default_factory=list)

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        failed = sum(self.failures.values())
        return (
            f"{self.runs} cases in {elapsed:.0f} s ({self.runs / max(elapsed, 1e-9):.1f}/s); "
            f"formats {dict(sorted(self.by_format.items()))}; exits {dict(sorted(self.by_exit.items()))}; "
            f"fresh interpreters {self.fresh}; failed {failed} {dict(self.failures)}; "
            f"slowest {self.slowest:.1f} s; peak memory {self.peak_rss_kb / 1024:.0f} MB"
        )


def warm() -> None:
    """Import every reader and compile every pattern once, before the cases fork."""
    from cchc_extract import cli, extract  # noqa: F401 - imported for the children
    from cchc_extract.pipeline import warm_up

    warm_up()
    for seed in seeds():
        extract(seed)
    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace) -> int:
    files = seeds()
    warm()
    stats = Stats()
    stopping: list[int] = []  # a long run stopped by Ctrl-C or SIGTERM finishes its cases and reports

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    out = Path(args.out)
    deadline = stats.started + args.seconds if args.seconds else None
    running: dict[int, Running] = {}
    next_index = args.start
    last_report = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cchc-fuzz-") as tmp:
        folder = Path(tmp)
        while True:
            more = not stopping and next_index < args.start + args.iterations
            more = more and (deadline is None or time.monotonic() < deadline)
            while more and len(running) < args.jobs:
                case = build_case(args.seed, next_index, files)
                fresh = args.exec_every > 0 and next_index % args.exec_every == 0
                child = start(case, folder, args.memory, fresh, limit(args, case))
                running[child.pid] = child
                next_index += 1
                more = next_index < args.start + args.iterations and (deadline is None or time.monotonic() < deadline)
                more = more and not stopping
            if not running:
                break
            _reap(running, stats, args, out)
            if not args.quiet and time.monotonic() - last_report >= args.report_every:
                last_report = time.monotonic()
                print(stats.line(), flush=True)
    print(stats.line() + f"; cases {args.start}..{next_index - 1}" + (" (stopped)" if stopping else ""), flush=True)
    for path in stats.kept:
        print(f"kept {path}", flush=True)
    return 1 if stats.failures else 0


def _reap(running: dict[int, Running], stats: Stats, args: argparse.Namespace, out: Path) -> None:
    """Wait a little for any case to end; stop those past the time limit."""
    pid, status, usage = os.wait4(-1, os.WNOHANG)
    timed_out = False
    if pid == 0:
        now = time.monotonic()
        late = next((r for r in running.values() if overdue(now - r.started, cpu_seconds(r.pid), r.allowed)), None)
        if late is None:
            time.sleep(0.002)
            return
        os.kill(late.pid, signal.SIGKILL)
        pid, status, usage = os.wait4(late.pid, 0)
        timed_out = True
    child = running.pop(pid, None)
    if child is None:
        return  # not a case (nothing else is forked here)
    outcome = collect(child, status, usage, timed_out)
    stats.runs += 1
    stats.fresh += child.fresh_interpreter
    stats.by_format[child.case.suffix] += 1
    stats.by_exit["killed" if outcome.status is None else str(outcome.status)] += 1
    stats.slowest = max(stats.slowest, outcome.seconds)
    stats.peak_rss_kb = max(stats.peak_rss_kb, outcome.max_rss_kb)
    kind = judge(outcome)
    if kind:
        stats.failures[kind] += 1
        kept = keep(child, outcome, kind, out)
        stats.kept.append(str(kept))
        if not args.quiet:
            print(f"FAILED {kind}: case {child.case.key} {child.case.mutations} -> {kept}", flush=True)
    cleanup(child)


def replay(args: argparse.Namespace) -> int:
    """Rebuild one case, keep it, run it once (both ways), and say what happened."""
    run_seed, index = (int(part) for part in args.replay.split(":"))
    case = build_case(run_seed, index)
    warm()
    worst = 0
    with tempfile.TemporaryDirectory(prefix="cchc-fuzz-") as tmp:
        for fresh in (False, True):
            child = start(case, Path(tmp), args.memory, fresh, limit(args, case))
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    outcome = collect(child, status, usage, False)
                    break
                if overdue(time.monotonic() - child.started, cpu_seconds(child.pid), child.allowed):
                    os.kill(child.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(child.pid, 0)
                    outcome = collect(child, status, usage, True)
                    break
                time.sleep(0.01)
            kind = judge(outcome)
            how = "python -m cchc_extract" if fresh else "cli.main in a fork"
            print(
                f"case {case.key} ({case.seed.name}, {case.mutations}) via {how}: {kind or 'ok'}, "
                f"exit {outcome.status}, {outcome.seconds:.2f} s, stderr: {outcome.stderr.strip()[:300]!r}"
            )
            if kind:
                print(f"kept {keep(child, outcome, kind, Path(args.out))}")
                worst = 1
            cleanup(child)
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=13, help="the run's seed (default 13)")
    parser.add_argument("--iterations", type=int, default=10**9, help="stop after this many cases")
    parser.add_argument("--seconds", type=float, default=None, help="stop starting cases after this long")
    parser.add_argument("--start", type=int, default=0, help="the first case's index (to split a run)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cases at once (default: CPUs)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one case may take (default 20)")
    parser.add_argument(
        "--timeout-per-mb", type=float, default=10.0, help="and this many more per MB of the case (default 10)"
    )
    parser.add_argument(
        "--timeout-per-page",
        type=float,
        default=10.0,
        help="and this many more per page OCR may read, a PDF's or an image's (default 10)",
    )
    parser.add_argument("--memory", type=int, default=2048, help="MB of address space per case (default 2048)")
    parser.add_argument("--exec-every", type=int, default=25, help="every Nth case in a fresh interpreter too")
    parser.add_argument("--out", default=str(ROOT / "fuzz" / "findings"), help="where failing inputs are kept")
    parser.add_argument("--report-every", type=float, default=60.0, help="seconds between progress lines")
    parser.add_argument("--replay", help="SEED:INDEX: rebuild this case and run it once")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args)
    if args.seconds is None and args.iterations == 10**9:
        parser.error("give --seconds or --iterations")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
