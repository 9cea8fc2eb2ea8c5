"""What a command costs from a cold start, as a multiple of starting Python itself.

Run: python benchmarks/bench_startup.py [--runs 21] [--venv DIR]

The package is installed as a user installs it (``pip install .``, not editable, bytecode
compiled by pip) into a new virtual environment in a temporary folder, unless ``--venv`` names
one that already has it. Then, round after round, each command runs once, in an order that
rotates between rounds, so that a burst of load on the (shared) machine falls on every command
alike:

- ``python -c pass``: the interpreter alone, the unit of the ratios;
- ``cchc-extract small.txt --json``: a small text report (a corpus report of about 3 KB);
- ``cchc-extract --help``, ``--version`` and ``schema``;
- ``cchc-extract small.txt --json`` with an empty pattern cache (a new ``CCHC_CACHE_DIR`` each
  run): what the first run after an install or an edit of ``patterns/`` costs;
- ``python -c "from pydantic import BaseModel"``: what importing pydantic alone costs, a floor
  for every command that builds the contract's models.

Prints min and median wall time of each, and their ratio to ``python -c pass`` (min to min,
median to median). Targets (issue 19): ``--json`` at most 10 times, ``--help`` at most 6.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "corpus" / "002_lam_son_province_2025.txt"
TARGETS = {"small.txt --json": 10.0, "--help": 6.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds (each runs every command once)")
    parser.add_argument("--venv", type=Path, help="a virtual environment that already has cchc-extract installed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cchc-startup-") as folder:
        work = Path(folder)
        venv = args.venv or _install(work / "venv")
        python = venv / "bin" / "python"
        script = venv / "bin" / "cchc-extract"
        small = work / "small.txt"
        shutil.copyfile(SMALL, small)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
        env["CCHC_CACHE_DIR"] = str(work / "cache")
        commands = {
            "python -c pass": [str(python), "-c", "pass"],
            "small.txt --json": [str(script), str(small), "--json"],
            "--help": [str(script), "--help"],
            "--version": [str(script), "--version"],
            "schema": [str(script), "schema"],
            "small.txt --json, no cache": [str(script), str(small), "--json"],
            "import pydantic.BaseModel": [str(python), "-c", "from pydantic import BaseModel"],
        }
        for name, command in commands.items():  # warm the disk and fill the pattern cache
            _run(command, env, name, work)
        times: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(args.runs):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(_run(commands[name], env, name, work))
    base_min, base_median = min(times["python -c pass"]), statistics.median(times["python -c pass"])
    print(f"{args.runs} interleaved runs each; ratios to `python -c pass` (min to min, median to median)")
    print(f"{'command':<28} {'min ms':>8} {'median ms':>10} {'x min':>7} {'x median':>9}  target")
    for name, values in times.items():
        low, mid = min(values), statistics.median(values)
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"<= {target:g}x: " + ("met" if mid / base_median <= target else "NOT met")
        ratios = f"{low / base_min:>7.2f} {mid / base_median:>9.2f}"
        print(f"{name:<28} {low * 1000:>8.1f} {mid * 1000:>10.1f} {ratios}  {verdict}")
    return 0


def _install(venv: Path) -> Path:
    print(f"installing cchc-extract (not editable) into {venv} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)],
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    return venv


def _run(command: list[str], env: dict[str, str], name: str, work: Path) -> float:
    if name.endswith("no cache"):
        env = {**env, "CCHC_CACHE_DIR": tempfile.mkdtemp(dir=work, prefix="cache-")}
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}): {proc.stderr.decode(errors='replace').strip()}")
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())
