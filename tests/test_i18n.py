"""Messages in Vietnamese by default and in English on request, every one from the catalogue.

The other tests run in English (conftest.py sets CCHC_LANG=en); these choose their language.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
import regex

from cchc_extract import extract, i18n
from cchc_extract.errors import CchcError
from cchc_extract.models import Severity

from .conftest import ROOT, SEED

SOURCE = ROOT / "src" / "cchc_extract"
TEMPLATES = SOURCE / "export" / "templates"
# what a message id looks like: a family, then dotted lower-case words
_ID = regex.compile(r"^(?:word|kind|severity|check|warning|error|remedy|summary|html|cli)\.[a-z0-9_.]+$")
_TEMPLATE_ID = regex.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
_ERRORS = {
    "CchcError",
    "InputError",
    "UnsupportedFormat",
    "PatternError",
    "OutputError",
    "GoldError",
    "NoTextError",
    "OptionError",
    "InternalError",
}


def run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CCHC_LANG"}
    if lang:
        env["CCHC_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, env=env, timeout=120
    )


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SOURCE.rglob("*.py"))]


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _ids_in_code() -> set[str]:
    """Every message id the code names: id-like string literals, and the ids that
    ``ParseWarning.of(code, variant)`` builds."""
    ids: set[str] = set()
    for _, tree in _modules():
        for node in ast.walk(tree):
            text = _literal(node)
            if text and _ID.match(text):
                ids.add(text)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "of":
                parts = [_literal(a) for a in node.args[:2]]
                if parts and parts[0]:
                    ids.add(".".join(["warning", *(p for p in parts if p)]))
    for template in TEMPLATES.glob("*.j2"):
        ids.update(_TEMPLATE_ID.findall(template.read_text(encoding="utf-8")))
    ids.update(f"severity.{s}" for s in get_args(Severity))  # t("severity." + check.severity)
    return ids


def test_every_message_id_has_a_text_in_every_language_with_the_same_placeholders():
    catalogues = {lang: i18n.catalogue(lang) for lang in i18n.LANGUAGES}
    assert i18n.problems(catalogues) == []
    assert set(i18n.LANGUAGES) == {p.stem for p in (ROOT / "messages").glob("*.yaml")}


def test_a_missing_translation_or_placeholder_is_caught():
    vi, en = dict(i18n.catalogue("vi")), dict(i18n.catalogue("en"))
    del vi["check.percent.range.row"]
    en["word.more"] = "… and more"  # lost {count}
    found = i18n.problems({"vi": vi, "en": en})
    assert found[0].startswith("check.percent.range.row: no text in vi")
    assert found[1].startswith("word.more: placeholders differ")


def test_every_id_the_code_uses_is_in_the_catalogue_and_every_entry_is_used():
    used = _ids_in_code()
    texts = set(i18n.catalogue("vi"))
    assert sorted(used - texts) == [], "ids the code uses but the catalogue lacks"
    assert sorted(texts - used) == [], "catalogue entries no code uses"


def _message_arguments(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    """(what, node) for every place a message is made: a Check's message, a ParseWarning built
    directly, an error's problem and remedy."""
    found: list[tuple[str, ast.AST]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name == "Check":
            found += [("Check message", k.value) for k in node.keywords if k.arg == "message"]
        elif name == "ParseWarning":
            found.append(("ParseWarning(...) instead of ParseWarning.of", node))
        elif name in _ERRORS:
            found += [(f"{name} problem/remedy", a) for a in node.args[1:3]]
    return found


def _from_catalogue(node: ast.AST) -> bool:
    """A text taken from the catalogue: t(...), or a message id (a literal, a choice of two)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t":
        return True
    if isinstance(node, ast.IfExp):
        return _from_catalogue(node.body) and _from_catalogue(node.orelse)
    if isinstance(node, ast.Constant):
        return node.value is None or bool(_ID.match(str(node.value)))
    return isinstance(node, ast.Name)  # an id chosen above (pdf.py's remedy), checked by the test above


def test_every_message_the_code_makes_goes_through_the_catalogue():
    wrong = []
    for path, tree in _modules():
        for what, node in _message_arguments(tree):
            if path.name == "models.py" and what.startswith("ParseWarning("):
                continue  # ParseWarning.of itself
            if what.startswith("ParseWarning(") or not _from_catalogue(node):
                wrong.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {what}")
    assert wrong == []


def test_what_the_command_line_says_on_stderr_comes_from_the_catalogue():
    tree = ast.parse((SOURCE / "cli.py").read_text(encoding="utf-8"))
    wrong = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "echo"):
            continue
        if not any(k.arg == "err" for k in node.keywords):
            continue
        calls = {
            getattr(n.func, "id", getattr(n.func, "attr", None))
            for n in ast.walk(node.args[0])
            if isinstance(n, ast.Call)
        }
        if not calls & {"t", "line", "summary_text"}:
            wrong.append(f"cli.py:{node.lineno}")
    assert wrong == []


def test_the_seed_summary_and_errors_are_vietnamese_by_default():
    proc = run(str(SEED))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for label in ("BÁO CÁO số —/BC-UBND", "Cơ quan ban hành:", "Trích yếu:", "Người ký:", "Nơi nhận:"):
        assert label in out
    assert out.index("Kết quả kiểm tra (3)") < out.index("Văn bản được dẫn (") < out.index("Đề mục (21)")
    assert "Đánh số đề mục bị bỏ sót: sau “II” là “IV”" in out
    assert "✗ lỗi  percent.range" in out and "Checks (" not in out
    missing = run("does-not-exist.txt")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "cchc-extract: lỗi: does-not-exist.txt: không có tệp này"


@pytest.mark.parametrize("how", [("--lang", "en"), ("CCHC_LANG", "en")])
def test_english_with_lang_or_the_environment(how):
    option, value = how
    args = (str(SEED), "--lang", value) if option == "--lang" else (str(SEED),)
    proc = run(*args, lang=value if option == "CCHC_LANG" else None)
    assert proc.returncode == 0, proc.stderr
    assert "Checks (3)" in proc.stdout and "Heading number skipped: “II” is followed by “IV”" in proc.stdout
    assert "BÁO CÁO No. —/BC-UBND" in proc.stdout and "Issuer:" in proc.stdout
    missing = run("does-not-exist.txt", *args[1:], lang=value if option == "CCHC_LANG" else None)
    assert missing.stderr.strip() == "cchc-extract: error: does-not-exist.txt: no such file"


def test_an_unknown_language_is_refused_in_one_line():
    proc = run(str(SEED), "--lang", "fr")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "“fr”" in proc.stderr and "vi, en" in proc.stderr and "Traceback" not in proc.stderr


def test_ids_stay_the_same_in_every_language_only_messages_change():
    with i18n.use_language("vi"):
        vi = extract(SEED)
    with i18n.use_language("en"):
        en = extract(SEED)
    assert [(c.rule, c.severity, c.where) for c in vi.checks] == [(c.rule, c.severity, c.where) for c in en.checks]
    assert all(a.message != b.message for a, b in zip(vi.checks, en.checks, strict=True))
    assert vi.model_dump(exclude={"checks"}) == en.model_dump(exclude={"checks"})


def test_errors_are_written_in_the_language_current_when_shown():
    with pytest.raises(CchcError) as info:
        extract(ROOT / "nope.txt")
    with i18n.use_language("vi"):
        assert info.value.line().endswith("nope.txt: không có tệp này")
    with i18n.use_language("en"):
        assert info.value.line().endswith("nope.txt: no such file")


def test_values_are_shown_one_way_missing_numbers_dates():
    import datetime as dt

    with i18n.use_language("vi"):
        assert [i18n.show(v) for v in (None, "", 1234.5, 38.0, dt.date(2024, 6, 4))] == [
            "—",
            "—",
            "1.234,5",
            "38",
            "04/06/2024",
        ]
        assert i18n.more(15, 25) == "… và 10 nữa" and i18n.more(15, 15) is None
    with i18n.use_language("en"):
        assert i18n.show(1234.5) == "1,234.5" and i18n.more(15, 25) == "… and 10 more"
    assert i18n.parse_language("en_US.UTF-8") == "en" and i18n.parse_language("fr") is None


def test_a_page_warning_names_its_page_in_every_language():
    from cchc_extract.models import ParseWarning

    for lang, start in (("vi", "trang 7 "), ("en", "page 7 ")):
        with i18n.use_language(lang):
            for variant in (None, "nothing_found"):
                message = ParseWarning.of("page.no_text", variant, page=7).message
                assert message.startswith(start) and "{" not in message
