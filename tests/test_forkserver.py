"""The fork server of a local Dask cluster: forked from the batch when it is safe (its
workers then start with ``distributed`` and the patterns ready), Python's own otherwise;
it keeps none of the batch's signal handlers and ends with the batch, kill -9 too."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists() or sys.platform != "linux", reason="reads /proc; a fork server needs Linux"
)

# what a process forked by the fork server finds in itself, and who its parent is
_PROBE = """
import gc, json, multiprocessing, os, signal, sys, threading
from cchc_extract import _forkserver, patternbook

def probe(connection):
    compiled = sum(cache.cache_info().currsize for cache in patternbook._DERIVED)
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
        parent = f.read().replace(b"\\0", b" ").decode()
    connection.send({
        "distributed": "distributed" in sys.modules,
        "compiled": compiled,
        "frozen": gc.get_freeze_count(),
        "parent": parent,
    })

if __name__ == "__main__":
    if "--thread" in sys.argv:
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
    if "--handler" in sys.argv:
        signal.signal(signal.SIGTERM, lambda *_: None)
    from cchc_extract.dask_engine import get_ready
    forked = _forkserver.fork_from_here()
    get_ready(local=True)
    from multiprocessing import forkserver
    server = forkserver._forkserver._forkserver_pid
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("forkserver").Process(target=probe, args=(theirs,))
    process.start()
    found = ours.recv()
    process.join()
    print(json.dumps({"forked": forked, "server": server, "me": os.getpid(), **found}), flush=True)
    if "--stay" in sys.argv:
        threading.Event().wait()
"""


def _run_probe(tmp_path: Path, *flags: str) -> dict[str, object]:
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(_PROBE), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), *flags], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_fork_server_is_a_fork_of_the_batch_with_distributed_and_the_patterns_ready(tmp_path):
    found = _run_probe(tmp_path)
    assert found["forked"] is True
    assert "probe.py" in str(found["parent"])  # the batch's own command line: a fork, not a new interpreter
    assert found["distributed"] is True
    assert int(found["compiled"]) > 0  # compiled by the fork server, before the worker began
    assert int(found["frozen"]) > 0  # and kept out of the workers' cycle collector


def test_with_another_thread_running_python_starts_its_own_fork_server(tmp_path):
    found = _run_probe(tmp_path, "--thread")
    assert found["forked"] is False  # a fork would copy whatever lock the thread holds
    assert "multiprocessing.forkserver" in str(found["parent"])
    assert found["distributed"] is True and int(found["compiled"]) > 0  # its preload


def _caught_signals(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16)
    raise AssertionError("no SigCgt line")


def test_the_fork_server_drops_the_batchs_handlers_and_ends_with_the_batch_killed(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(_PROBE), encoding="utf-8")
    command = [sys.executable, str(script), "--handler", "--stay"]
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        found = json.loads(batch.stdout.readline())  # type: ignore[union-attr]
        server = int(found["server"])
        assert found["forked"] is True and found["me"] == batch.pid
        assert _caught_signals(batch.pid) & (1 << (signal.SIGTERM - 1))  # the batch's handler
        assert not _caught_signals(server) & (1 << (signal.SIGTERM - 1))  # not the fork server's
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(server):
            time.sleep(0.05)
        assert not _alive(server)
    finally:
        batch.kill()
        batch.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


_RESTART = """
import json, os, sys
from pathlib import Path
from cchc_extract import dask_engine
from cchc_extract.batch import run_batch
from cchc_extract.export.database import open_store

def info():
    import dask
    return os.getppid(), dask.config.get("distributed.worker.profile.enabled")

seen = {}
run = dask_engine._Driver.run

def watched(self):  # a worker restarted mid-batch (as after a time limit), then the batch
    seen["before"] = self.client.submit(info, pure=False).result()
    self.client.restart_workers(list(self.client.scheduler_info()["workers"]))
    seen["after"] = self.client.submit(info, pure=False).result()
    run(self)

if __name__ == "__main__":
    dask_engine._Driver.run = watched
    folder = Path(sys.argv[1])
    summary = run_batch([str(folder)], open_store(str(folder / "r.sqlite")), jobs=1, engine="dask")
    print(json.dumps({**seen, "done": summary.done}))
"""


def test_a_worker_restarted_mid_batch_comes_from_the_fork_server_set_as_the_first(tmp_path):
    script = tmp_path / "restart.py"
    script.write_text(textwrap.dedent(_RESTART), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("BÁO CÁO\nKết quả\n\nI. KẾT QUẢ\nTiếp nhận 12 hồ sơ.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(folder)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["done"] == 1
    assert found["after"] == found["before"]  # the same parent (the fork server), no profiler
    assert found["after"][1] is False
