"""Start-up: compiled patterns kept on disk, and each command importing only what it needs.

The speed itself is measured in benchmarks/bench_startup.py; these tests hold what makes it:
the cache is used, gives the same patterns and the same output, and is never needed.
"""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import CORPUS, ROOT, SEED

SMALL = CORPUS / "002_lam_son_province_2025.txt"

_STATE = textwrap.dedent(
    """
    import json, sys
    from cchc_extract import extract, to_json, patterncache
    out = to_json(extract(sys.argv[1]))
    yaml = "yaml" in sys.modules
    print(json.dumps({"added": patterncache._added, "used": len(patterncache._used), "yaml": yaml, "out": out}))
    """
)


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _state(env: dict[str, str], path: Path = SMALL) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _STATE, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_compiled_patterns_are_kept_and_give_the_same_output(tmp_path):
    env = _env(CCHC_CACHE_DIR=str(tmp_path / "cache"))
    first = _state(env)
    files = list((tmp_path / "cache").glob("patterns-*.marshal"))
    assert first["added"] and len(files) == 1
    second = _state(env)
    assert not second["added"] and second["used"] >= 100  # every pattern came from the file
    assert first["yaml"] and not second["yaml"]  # and the pattern files' data: YAML is not even imported
    assert second["out"] == first["out"]
    assert list((tmp_path / "cache").glob("patterns-*.marshal")) == files  # nothing new to write


def test_a_broken_or_foreign_cache_file_is_compiled_anew_and_rewritten(tmp_path):
    env = _env(CCHC_CACHE_DIR=str(tmp_path))
    expected = _state(env)["out"]
    (path,) = tmp_path.glob("patterns-*.marshal")
    for junk in (b"", b"\x00garbage" * 100, path.read_bytes()[: path.stat().st_size // 2]):
        path.write_bytes(junk)
        again = _state(env)
        assert again["out"] == expected and again["added"]
        assert not _state(env)["added"]  # the file was written again, whole


def test_a_new_cache_file_keeps_the_three_newest_others(tmp_path):
    """Another key (another version installed beside) keeps its file, up to four in all."""
    for k in range(5):
        old = tmp_path / f"patterns-old{k}.marshal"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + k, 1_000_000 + k))
    _state(_env(CCHC_CACHE_DIR=str(tmp_path)))
    left = {p.name for p in tmp_path.glob("patterns-*.marshal")}
    olds = {"patterns-old2.marshal", "patterns-old3.marshal", "patterns-old4.marshal"}
    assert len(left) == 4 and olds < left


def test_an_empty_variable_means_no_cache_on_disk(tmp_path):
    env = _env(CCHC_CACHE_DIR="", HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    _state(env)
    assert not any(tmp_path.rglob("patterns-*"))


def test_by_default_the_cache_is_in_the_user_cache_folder(tmp_path):
    env = _env(XDG_CACHE_HOME=str(tmp_path / "xdg"))
    _state(env)
    assert len(list((tmp_path / "xdg" / "cchc-extract").glob("patterns-*.marshal"))) == 1


def test_an_unwritable_cache_folder_changes_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    env = _env(CCHC_CACHE_DIR=str(blocker / "cache"))
    assert _state(env)["out"] == _state(_env(CCHC_CACHE_DIR=""))["out"]


def test_an_edit_of_the_pattern_files_is_another_key(tmp_path, monkeypatch):
    from cchc_extract import patterncache

    copy = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", copy)
    monkeypatch.setenv("CCHC_PATTERNS", str(copy))
    before = patterncache.cache_key()
    with (copy / "units.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert patterncache.cache_key() != before


def test_stored_arguments_are_what_regex_compiles_now():
    """Each stored entry, replayed, is the pattern ``regex`` compiles from the same text."""
    import regex._main as engine

    from cchc_extract import extract, patterncache

    extract(SEED)
    if not patterncache._original:
        pytest.skip("the pattern cache is off (CCHC_CACHE_DIR is empty)")
    original = patterncache._original[0]
    assert len(patterncache._stored) >= 100
    for (pattern, flags, _), stored in list(patterncache._stored.items()):
        _, fresh = patterncache.capture(engine, original, pattern, flags, False, False)
        assert fresh is not None and marshal.loads(fresh) == marshal.loads(stored), pattern


_IMPORTS = textwrap.dedent(
    """
    import json, sys
    from cchc_extract.cli import main
    try:
        main(json.loads(sys.argv[1]))
    except SystemExit as exit:
        assert not exit.code, exit.code
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
    """
)
_FORMATS = {"pdfplumber", "pypdfium2", "pdfminer", "docx", "lxml", "PIL", "cv2", "numpy", "spacy", "thinc"}
_CLI_LAYERS = {"typer", "click", "rich"}
# the readers of other formats, OCR and spaCy of this package
_OWN = {"cchc_extract.readers.pdf", "cchc_extract.readers.docx", "cchc_extract.readers.ocr", "cchc_extract.spacy"}


@pytest.mark.parametrize(
    ("args", "also_absent"),
    [
        (["--help"], {"pydantic", "regex", "yaml", "cchc_extract.i18n"}),
        (["--version"], {"pydantic", "regex", "yaml", "cchc_extract.i18n"}),
        (["schema"], {"yaml"}),
        ([str(SEED), "--json"], set()),
        (["extract", "--help"], {"pydantic", "regex", "yaml", "cchc_extract.i18n"}),
    ],
)
def test_each_command_imports_only_what_it_needs(args, also_absent):
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTS, json.dumps(args)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    modules = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    loaded = {m.split(".")[0] for m in modules}
    assert "cchc_extract" in loaded
    assert not (loaded | modules) & (_FORMATS | _CLI_LAYERS | also_absent), args
    assert not modules & _OWN, args


def test_a_text_report_imports_neither_pydantic_nor_yaml_once_the_cache_holds_the_patterns(tmp_path):
    """The pattern files are parsed and checked (PyYAML, pydantic) by the first process only;
    the records are plain dataclasses, the JSON is written by json."""
    env = {**_env(CCHC_CACHE_DIR=str(tmp_path / "cache")), "PYTHONPATH": os.pathsep.join(sys.path)}
    loaded = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", _IMPORTS, json.dumps([str(SMALL), "--json"])],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        loaded.append(set(json.loads(proc.stderr.strip().splitlines()[-1])))
    first, second = loaded
    assert {"pydantic", "yaml"} <= first  # checked once
    light = {"pydantic", "pydantic_core", "yaml", "importlib.resources", "shutil", "html.parser", "csv", "platformdirs"}
    assert not second & light
    assert not {m for m in second if m.startswith("cchc_extract.export.")} - {"cchc_extract.export.json"}


_NAMES_AFTER_SUBMODULES = textwrap.dedent(
    """
    import cchc_extract.export.summary, cchc_extract.normalize, cchc_extract.segment
    import cchc_extract
    from cchc_extract import export, normalize, segment
    from cchc_extract.export import summary, to_json
    print(all(callable(f) for f in (normalize, segment, summary, to_json, export.summary, cchc_extract.extract)))
    """
)


def test_a_public_name_stays_the_function_when_its_submodule_was_imported_first():
    """``export.summary`` is the function, as ``cchc_extract.normalize`` is, whichever was imported
    first (both packages import their names on first use: ``_lazy``)."""
    proc = subprocess.run([sys.executable, "-c", _NAMES_AFTER_SUBMODULES], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"


def test_the_console_script_ends_with_its_output_whole_and_the_cache_saved(tmp_path):
    """``run`` leaves by ``os._exit`` after the atexit functions: nothing written is lost."""
    env = {**_env(CCHC_CACHE_DIR=str(tmp_path / "cache")), "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "cchc_extract"]
    proc = subprocess.run([*command, str(SMALL), "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)["source"]["path"] == str(SMALL)
    assert len(list((tmp_path / "cache").glob("patterns-*.marshal"))) == 1  # written at exit
    out = tmp_path / "report.json"
    proc = subprocess.run([*command, str(SMALL), "--json", "--out", str(out)], env=env, timeout=120)
    assert proc.returncode == 0 and json.loads(out.read_text(encoding="utf-8"))["schema_version"] == "1"
    proc = subprocess.run([*command, str(tmp_path / "none.txt")], capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_the_schema_is_the_contract_as_before():
    """The JSON Schema, byte for byte, as the models gave it before they were built lazily.
    A field added to the contract changes it: write the new schema to the file with
    ``cchc-extract schema --out tests/data/report.schema.json --force`` and review the diff."""
    from cchc_extract.export import schema_json

    expected = (ROOT / "tests" / "data" / "report.schema.json").read_text(encoding="utf-8")
    assert schema_json() + "\n" == expected
