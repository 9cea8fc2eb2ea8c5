"""The fork server that a local Dask cluster's workers are forked from (``batch --engine dask``).

Dask's nannies start their workers through ``multiprocessing``'s fork server, a process
that does nothing but fork: each worker then starts in milliseconds with ``distributed``
imported and the patterns compiled. Python's fork server is a new interpreter that must
import ``distributed`` (a third of a second) and compile the patterns again, after the
batch has imported the first for its client: on a 2-core machine that start-up was a
seventh of a 100-PDF batch (benchmarks/bench_dask.py).

So the batch forks its own process as the fork server (``fork_from_here``), once it has
imported ``distributed`` and before it starts any thread: the fork costs a millisecond
and shares the imports. It is the fork server Python's ``multiprocessing`` would have
started (its ``forkserver.main`` serves the requests); only the process it runs in comes
from a fork instead of a new interpreter. Where this process already runs other threads
(a fork would copy a lock one of them holds), or where the system has no fork server,
Python's own is started (``spawn_fork_server``), importing what ``_PRELOAD`` names.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import socket
import sys
import threading
import warnings
from typing import Any

# what Python's fork server imports before it forks a worker (Dask's own choice, and the
# package with its patterns compiled)
_PRELOAD = ["distributed", "numpy", "cchc_extract._preload"]


def available() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods()


def spawn_fork_server() -> None:
    """Start Python's fork server (if none runs), importing ``_PRELOAD``; nothing where the
    system has no fork server."""
    if not available():
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(_PRELOAD)
    forkserver.ensure_running()


def fork_from_here() -> bool:
    """Fork this process as the fork server, which compiles the patterns and then serves.

    Imports ``distributed`` here first, so that the fork server and every worker share it.
    Returns whether a fork server runs now (this one, or one started before); ``False``
    where it cannot be done safely: no fork server on this system, another thread running,
    or ``distributed`` not installed (the batch then says what to install).
    """
    if not available():
        return False
    from multiprocessing import connection, forkserver, resource_tracker, util

    # the one instance that every forkserver context of this process asks for its address
    server: Any = forkserver._forkserver
    with server._lock:
        if server._forkserver_pid is not None:
            pid, _ = os.waitpid(server._forkserver_pid, os.WNOHANG)
            if not pid:
                return True  # still serving
            os.close(server._forkserver_alive_fd)
            server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
            if hasattr(server, "_forkserver_authkey"):  # Python 3.14: ours asks no key
                server._forkserver_authkey = None
        # (only Python's threads are seen: a library's own, as OpenBLAS's after numpy is
        # imported, has handlers of its own for a fork)
        if threading.active_count() > 1:
            return False
        try:
            import distributed  # noqa: F401
        except ImportError:
            return False
        resource_tracker.ensure_running()  # its pipe is handed to each worker, as Python does
        for stream in (sys.stdout, sys.stderr):  # what this process buffered is written once
            with contextlib.suppress(Exception):
                stream.flush()
        # from here on as ForkServer.ensure_running, with os.fork where it spawns a new
        # interpreter: a listening socket for the requests, and a pipe whose only writer is
        # this process, so that the fork server stops when the batch does (kill -9 too)
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")  # type: ignore[attr-defined]
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()
            try:
                with warnings.catch_warnings():  # Python 3.12+ warns of the library threads above
                    warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                    pid = os.fork()
            except OSError:  # no memory or too many processes: Python's own fork server, spawned
                os.close(alive_w)
                os.close(alive_r)
                return False
            if pid == 0:
                # the lock this process held as it forked: the fork server's workers start
                # processes of their own through a fork server too
                server._lock = threading.Lock()
                os.close(alive_w)
                _serve(listener.fileno(), alive_r)
            os.close(alive_r)
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    return True


def _serve(listener: int, alive: int) -> None:
    """The fork server's life: the patterns compiled, then Python's loop; never returns."""
    code = 1
    try:
        # the batch's own signal handlers (SIGTERM stops a batch) are not a worker's: Dask
        # stops a worker with SIGTERM; SIGINT and SIGCHLD are forkserver.main's to set
        for number in signal.valid_signals():
            with contextlib.suppress(OSError, ValueError, TypeError):
                handler = signal.getsignal(number)
                if callable(handler) and handler is not signal.default_int_handler:
                    signal.signal(number, signal.SIG_DFL)
        from .pipeline import warm_up

        with contextlib.suppress(Exception):  # broken patterns: each document says so
            warm_up()
        # what exists now lives as long as every worker forked from here: their cycle
        # collector need not go through it again and again (as in the built-in pool)
        gc.freeze()
        from multiprocessing import forkserver

        forkserver.main(listener, alive, [])
    except SystemExit:  # the batch has ended: the pipe reads as closed
        code = 0
    finally:
        os._exit(code)
