"""Compiled patterns kept on disk, so that a new process skips the ``regex`` module's parser.

Compiling the package's patterns (about 140, most built from ``patterns/``) costs some 200 ms in
every new process, 86 % of it in ``regex``'s pure-Python parser, which turns a pattern into a list
of opcodes for its C engine; running the extraction on a small report costs a few ms. So the
opcodes are kept: ``install()`` puts a step in front of ``regex``'s compiler that hands the C
engine the stored opcodes of a pattern it has compiled before, and records those of a new one.
Every ``regex.compile``, ``regex.search(string_pattern, ...)`` and so on in the package (or in the
process) goes through it; nothing else changes.

- Where: ``CCHC_CACHE_DIR`` if set (set and empty: no cache on disk at all), else the user's
  cache folder as platformdirs gives it (``~/.cache/cchc-extract`` on Linux).
- Keyed by the ``regex`` version, Python's version, the package version and the content of
  the pattern files (``CCHC_PATTERNS`` included): another key is another file; when one is
  written, all but the four newest are removed. Within a file each entry is keyed by the pattern
  text and flags themselves, so an entry can only ever stand for the pattern it was made from.
- Safe to delete, never required: a missing, unreadable or foreign file is read as empty, a
  stored entry the engine refuses is compiled anew, a folder that cannot be written is left
  alone. New entries are written once, when the process ends (atomically: a temporary file
  renamed). The file is ``marshal`` data (plain strings, numbers, lists), so reading it runs no code.

What is stored is the argument list ``regex`` itself passes to its C engine (``_regex.compile``)
after parsing; replaying it gives the same pattern object. That reaches into ``regex``'s
internals (``regex._main._compile`` and ``_regex``), hence the version in the key, and
``install()`` does nothing when those internals are not as expected.

The same file keeps the pattern files as parsed from YAML and checked (``parsed``), each under
the hash of its bytes and of the shape it was checked against: a process whose pattern files are
those of the cache neither imports PyYAML nor pydantic, nor parses or checks them again.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import marshal
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_ENV = "CCHC_CACHE_DIR"
PATTERNS_ENV = "CCHC_PATTERNS"  # a copy of patterns/ to use instead of the installed one (patternbook)
# 2: each entry's arguments marshalled on their own, decoded when the pattern is asked for: a
# file of thousands of entries (a batch's documents add theirs) is read in a millisecond
_FORMAT = 2
_MOST = 4096  # entries kept in one file: patterns built from a document's words must not pile up

_lock = threading.RLock()
_installed = False
_stored: dict[tuple[str, int, int], bytes] = {}  # (pattern, flags, version) -> engine arguments, marshalled
_used: dict[tuple[str, int, int], None] = {}  # entries this process hit or added, in order
_added = False
_ready: dict[tuple[str, int, int], Any] = {}  # patterns built in this process
_file: Path | None = None
_files: dict[str, bytes] = {}  # sha256 of a pattern file -> its parsed data, marshalled
_files_used: dict[str, None] = {}
_MOST_FILES = 64
_KEEP_FILES = 4  # cache files (keys) kept in the folder
_original: list[Callable[..., Any]] = []  # regex's own compile, once installed


def cache_dir() -> Path | None:
    """The folder of the cache files, or None when ``CCHC_CACHE_DIR`` is set empty."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value.strip() else None
    if sys.platform == "linux":  # platformdirs' answer on Linux, without importing it
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg if xdg else os.path.expanduser("~/.cache")) / "cchc-extract"
    import platformdirs

    return Path(platformdirs.user_cache_dir("cchc-extract", appauthor=False))


def data_folder(package: str) -> Any:
    """The folder of a data package shipped with cchc-extract (``cchc_extract.patterns``,
    ``cchc_extract.messages``): a ``Path`` where the package lies in the file system, as it
    does once installed, else importlib.resources' view of it. (importlib.resources and what it
    imports cost more to start than reading the files.)"""
    module = importlib.import_module(package)
    file = getattr(module, "__file__", None)
    if file and os.path.isdir(os.path.dirname(file)):
        return Path(file).parent
    from importlib import resources

    return resources.files(package)


def cache_key() -> str:
    """What the stored patterns depend on, as a short hash: versions and the pattern files."""
    import regex

    from . import __version__

    digest = hashlib.sha256()
    for part in (str(_FORMAT), regex.__version__, sys.version, __version__):
        digest.update(part.encode() + b"\0")
    override = os.environ.get(PATTERNS_ENV)
    folder: Any = Path(override) if override else data_folder("cchc_extract.patterns")
    try:
        files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
        for file in files:
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        digest.update(b"unreadable patterns")  # patternbook says what is wrong with them
    return digest.hexdigest()[:20]


def install() -> None:
    """Put the cache in front of ``regex``'s compiler (once per process; no-op if disabled)."""
    global _installed, _file
    with _lock:
        if _installed:
            return
        _installed = True
        folder = cache_dir()
        if folder is None:
            return
        try:
            import regex._main as engine
        except ImportError:
            return
        original = getattr(engine, "_compile", None)
        if original is None or not hasattr(getattr(engine, "_regex", None), "compile"):
            return
        _file = folder / f"patterns-{cache_key()}.marshal"
        entries, files = _read(_file)
        _stored.update(entries)
        _files.update(files)
        engine._compile = _front(engine, original)
        _original.append(original)
        atexit.register(save)


def _read(path: Path) -> tuple[dict[tuple[str, int, int], bytes], dict[str, bytes]]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}, {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("entries"), list):
        return {}, {}
    entries = {}
    for item in data["entries"]:
        if isinstance(item, tuple) and len(item) == 4 and isinstance(item[0], str) and isinstance(item[3], bytes):
            entries[(item[0], item[1], item[2])] = item[3]
    files = data.get("files")
    if not isinstance(files, dict):
        return entries, {}
    return entries, {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, bytes)}


def parsed(raw: bytes, parse: Callable[[bytes], Any], *, kind: str = "") -> Any:
    """The data of a pattern file whose bytes are ``raw``: as an earlier process parsed the same
    bytes, else ``parse(raw)`` (kept for the next process). A fresh copy on every call.
    ``kind`` names what ``parse`` makes of the bytes (the shape of the records it checks them
    against): the same bytes parsed for another kind are another entry."""
    global _added
    key = hashlib.sha256(kind.encode() + b"\0" + raw).hexdigest() if kind else hashlib.sha256(raw).hexdigest()
    with _lock:
        blob = _files.get(key)
        if blob is not None:
            with contextlib.suppress(EOFError, ValueError, TypeError):
                data = marshal.loads(blob)
                _files_used[key] = None
                return data
        data = parse(raw)
        if _file is not None and len(_files) < _MOST_FILES:
            with contextlib.suppress(ValueError):  # data marshal cannot write (a YAML date) is not kept
                _files[key] = marshal.dumps(data)
                _files_used[key] = None
                _added = True
        return data


def load_yaml(raw: bytes) -> Any:
    """The data of a YAML file (pattern files, message catalogues); PyYAML is imported only here,
    when the cache does not already hold the file. A YAML error, or bytes that are not UTF-8,
    is a ``ValueError``."""
    import yaml

    # libyaml's loader where PyYAML was built with it (the wheels are): the same safe
    # subset of YAML, read several times faster
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw.decode("utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc


def _front(engine: Any, original: Callable[..., Any]) -> Callable[..., Any]:
    """The step put in front of ``regex._main._compile``."""
    uncached = engine.DEBUG | engine.LOCALE
    root = sys.modules["regex"]

    def compile_pattern(pattern: Any, flags: int, ignore_unused: Any, kwargs: Any, cache_it: Any) -> Any:
        if kwargs or type(pattern) is not str or flags & uncached:
            return original(pattern, flags, ignore_unused, kwargs, cache_it)
        key = (pattern, int(flags), int(root.DEFAULT_VERSION))
        compiled = _ready.get(key)
        if compiled is not None:
            return compiled
        with _lock:
            compiled = _replay(engine, key)
            if compiled is None:
                compiled = _record(engine, original, key, ignore_unused, cache_it)
            # one that could not be kept (bound to the locale) is left to regex's own cache
            if key in _stored and len(_ready) < _MOST:
                _ready[key] = compiled
        return compiled

    return compile_pattern


def _replay(engine: Any, key: tuple[str, int, int]) -> Any:
    blob = _stored.get(key)
    if blob is None:
        return None
    try:
        compiled = engine._regex.compile(*marshal.loads(blob))
    except Exception:  # an entry the engine (or marshal) refuses is compiled anew
        del _stored[key]
        return None
    _used[key] = None
    return compiled


def _record(
    engine: Any, original: Callable[..., Any], key: tuple[str, int, int], ignore_unused: Any, cache: Any
) -> Any:
    """Compile through ``regex`` itself, and keep the arguments it handed its C engine."""
    global _added
    compiled, arguments = capture(engine, original, key[0], key[1], ignore_unused, cache)
    if arguments is not None and len(_used) < _MOST:
        _stored[key] = arguments
        _used[key] = None
        _added = True
    return compiled


def capture(
    engine: Any, original: Callable[..., Any], pattern: str, flags: int, ignore_unused: Any = False, cache: Any = True
) -> tuple[Any, bytes | None]:
    """The pattern compiled by ``regex`` (``original`` is its ``_compile``), and the arguments
    it handed its C engine, marshalled, or None when they cannot be kept (a pattern bound to the
    locale, or one ``regex`` took from its own cache)."""
    real = engine._regex
    seen: list[tuple[Any, ...]] = []

    class Catch:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def compile(self, *arguments: Any) -> Any:
            seen.append(arguments)
            return real.compile(*arguments)

    with _lock:
        engine._regex = Catch()
        try:
            compiled = original(pattern, flags, ignore_unused, {}, cache)
        finally:
            engine._regex = real
    if len(seen) != 1 or engine._locale_sensitive.get((str, pattern), True):
        return compiled, None
    return compiled, _marshalled(seen[0])


def _marshalled(arguments: tuple[Any, ...]) -> bytes | None:
    """The engine's arguments as marshal writes them (flags, an ``IntFlag``, as plain ints), or
    None where marshal cannot."""
    plain = tuple(int(a) if isinstance(a, int) and type(a) not in (int, bool) else a for a in arguments)
    try:
        return marshal.dumps(plain)
    except ValueError:
        return None


def save() -> None:
    """Write the entries new in this process (run at exit); errors leave the cache as it was."""
    global _added
    with _lock:
        if not _added or _file is None:
            return
        keep = list(_used) + [k for k in _stored if k not in _used]
        files = list(_files_used) + [k for k in _files if k not in _files_used]
        data = {
            "format": _FORMAT,
            "entries": [(*k, _stored[k]) for k in keep[:_MOST]],
            "files": {k: _files[k] for k in files[:_MOST_FILES]},
        }
        _added = False
        try:
            _file.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

            handle, temporary = tempfile.mkstemp(dir=_file.parent, prefix=".patterns-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                marshal.dump(data, out)
            os.replace(temporary, _file)
        except (OSError, ValueError):
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary)
            return
        # the newest few stay: two installs of different versions may share the folder
        with contextlib.suppress(OSError):
            kept = sorted(_file.parent.glob("patterns-*.marshal"), key=lambda f: f.stat().st_mtime, reverse=True)
            for old in kept[_KEEP_FILES:]:
                if old != _file:
                    old.unlink()
