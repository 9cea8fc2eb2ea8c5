"""The review page, opened in a real browser: Debian's headless Chromium driven by selenium.

The page is written by the command a user runs, loaded from its file, and checked in the
browser's DOM: one highlighted element per record of the JSON, each check linking to
elements that exist, the table rows checks name marked; a screenshot is taken, and the
browser's network log shows that the page asked for nothing beyond itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REAL_DEV, SEED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# the flags of a browser that fetches nothing on its own and keeps no state between runs
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium and chromium-driver (.ci/run does)")
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _requests(driver, page: Path) -> list[str]:
    """The URLs the page at ``page`` asked for (its own file included), from the network log."""
    uri = page.as_uri()
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent" and message["params"].get("documentURL") == uri:
            urls.append(message["params"]["request"]["url"])
    return urls


def _open(driver, page: Path) -> list[str]:
    driver.get_log("performance")  # forget what came before
    driver.get(page.as_uri())
    driver.execute_script("return document.readyState")
    return _requests(driver, page)


def _check_page(driver, page: Path, data: dict, tmp_path: Path) -> None:
    requests = _open(driver, page)
    assert requests == [page.as_uri()], f"the page asked for more than itself: {requests}"
    count = "return document.querySelectorAll(arguments[0]).length"
    assert driver.execute_script(count, "mark[data-kind=reference]") == len(data["references"])
    assert driver.execute_script(count, "mark[data-kind=figure]") == len(data["figures"])
    assert driver.execute_script(count, "mark[data-kind=section]") == len(data["sections"])
    assert driver.execute_script(count, "li.check") == len(data["checks"])
    # each record's element holds the record's words, and carries its fields on hover
    for kind, key in (("ref", "references"), ("fig", "figures"), ("sec", "sections")):
        for i, record in enumerate(data[key]):
            text = driver.execute_script("return document.getElementById(arguments[0]).textContent", f"{kind}-{i}")
            assert " ".join(text.split()) == " ".join(record["text"].split())[: len(" ".join(text.split()))]
    title = driver.execute_script("return document.getElementById('ref-0').title")
    assert data["references"][0]["doc_type"] in title
    # every link of every check leads to an element of the page
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('li.check a')).map(a => a.getAttribute('href'))"
    )
    missing = driver.execute_script("return arguments[0].filter(h => !document.getElementById(h.slice(1)))", links)
    assert missing == [] and (bool(links) or not data["checks"])
    rows = {where for check in data["checks"] for where in check["where"] if where.startswith("appendix:")}
    if rows:
        assert driver.execute_script(count, "tr.flagged") >= 1
    shot = tmp_path / f"{page.stem}.png"
    assert driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_the_seed_review_page_in_a_browser(browser, tmp_path):
    page = tmp_path / "seed.html"
    proc = run(str(SEED), "--html", str(page), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "text" not in data  # the page needed the text; the JSON stays as asked
    _check_page(browser, page, data, tmp_path)
    # the check of the seed's 207 % names appendix row 7.2.2: its row is marked, and links back
    flagged = browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.flagged')).map(r => r.textContent)"
    )
    assert any("207" in row for row in flagged)
    # a check's link into the text lands on the heading it names, which scrolls into view
    browser.get(page.as_uri() + "#check-1")
    href = browser.execute_script("return document.querySelector('#check-1 a[data-target=text]').getAttribute('href')")
    browser.get(page.as_uri() + href)
    assert browser.execute_script("return document.querySelector(':target').textContent").startswith("IV")


def test_a_real_document_review_page_in_a_browser(browser, tmp_path):
    source = REAL_DEV / "r004.md"
    if not source.exists():
        pytest.skip("../shared/real-dev is not beside the repository")
    page = tmp_path / "r004.html"
    proc = run(str(source), "--html", str(page), "--json", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["tables"] and data["references"]
    _check_page(browser, page, data, tmp_path)
    assert browser.execute_script("return document.documentElement.lang") == "en"


def test_the_network_check_sees_a_request_when_there_is_one(browser, tmp_path):
    """The control: a page (without the review page's policy) that asks the loopback for an
    image shows up in the log, so an empty log means no request, not a blind test."""
    page = tmp_path / "control.html"
    page.write_text('<!doctype html><img src="http://127.0.0.1:9/none.png">', encoding="utf-8")
    assert "http://127.0.0.1:9/none.png" in _open(browser, page)


def test_batch_writes_a_page_per_document_and_an_index(browser, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("000_hoang_cat_2024h1.txt", "004_an_phu_planted_errors_2025.txt"):
        shutil.copy(SEED.parent / name, corpus / name)
    pages = tmp_path / "pages"
    args = ["batch", str(corpus), "--db", str(tmp_path / "r.sqlite"), "--html", str(pages), "--jobs", "1", "-q"]
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    index = pages / "index.html"
    assert _open(browser, index) == [index.as_uri()]
    entries = browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.entry')).map("
        "r => [r.querySelector('a').getAttribute('href'), r.dataset.errors, r.dataset.warnings])"
    )
    assert len(entries) == 2 and all((pages / href).is_file() for href, _, _ in entries)
    assert entries[0][1] > "0"  # the report with the most errors first: the planted one
    # run again: nothing to extract, and the index still lists both
    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert index.read_text(encoding="utf-8").count('class="entry"') == 2


def test_the_page_is_self_contained():
    from cchc_extract import extract
    from cchc_extract.export.html import render_page

    html = render_page(extract(SEED, with_text=True))
    assert "default-src 'none'" in html
    lowered = html.lower()
    for external in ("<script", "<link", "@import", "src=", "url("):
        assert external not in lowered, external
    assert 'href="http' not in lowered and "href='http" not in lowered  # URLs in the text stay text
