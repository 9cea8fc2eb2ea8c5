from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cchc_extract import Report

# The compiled patterns of the test session and of the commands it runs are cached in a
# folder of their own, not in the user's cache folder (tests/test_startup.py tests that).
_CACHE = tempfile.mkdtemp(prefix="cchc-test-cache-")
os.environ.setdefault("CCHC_CACHE_DIR", _CACHE)
atexit.register(shutil.rmtree, _CACHE, True)

# Messages are Vietnamese by default. The tests of what the extractor finds read its
# messages in English, in this process and the commands it starts; the tests of the
# languages themselves (test_i18n.py) choose theirs explicitly.
os.environ["CCHC_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"
SEED = CORPUS / "000_hoang_cat_2024h1.txt"
# Real published documents beside the project (never in the repository); tests
# that read them skip when the folder is absent, as on a fresh clone elsewhere.
REAL_DEV = ROOT.parent / "shared" / "real-dev"


@functools.cache
def extracted(path: Path) -> Report:
    from cchc_extract import extract

    return extract(path, with_text=True)


@pytest.fixture(scope="session")
def seed() -> Report:
    return extracted(SEED)


def corpus_documents() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"})
