from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

# Messages are Vietnamese by default. The tests of what the extractor finds read its
# messages in English, in this process and the commands it starts; the tests of the
# languages themselves (test_i18n.py) choose theirs explicitly.
os.environ["CCHC_LANG"] = "en"

from cchc_extract import Report, extract

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"
SEED = CORPUS / "000_hoang_cat_2024h1.txt"
# Real published documents beside the project (never in the repository); tests
# that read them skip when the folder is absent, as on a fresh clone elsewhere.
REAL_DEV = ROOT.parent / "shared" / "real-dev"


@functools.cache
def extracted(path: Path) -> Report:
    return extract(path, with_text=True)


@pytest.fixture(scope="session")
def seed() -> Report:
    return extracted(SEED)


def corpus_documents() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".md"})
