"""Every entry of patterns/ carries examples and counterexamples; this runs them all."""

from __future__ import annotations

import pytest
import regex

from cchc_extract import find_references, patternbook
from cchc_extract.patternbook import reference_file, reference_fragments

HEADINGS = patternbook.heading_entries()
DOC_TYPES = patternbook.doc_types().entries
FORMS = reference_file().forms
ISSUER_CODES = list(patternbook.issuers().codes.values())


def _heading_cases():
    for form in HEADINGS:
        for example in form.examples:
            yield form.id, example, True
        for counter in form.counterexamples:
            yield form.id, counter, False


@pytest.mark.parametrize(("form_id", "text", "matches"), list(_heading_cases()))
def test_heading_examples(form_id, text, matches):
    compiled = {h.id: h.regex for h in patternbook.heading_forms()}[form_id]
    line, _, number = text.partition(" => ")
    match = compiled.match(line)
    if matches:
        assert match, f"{form_id} should match {line!r}"
        assert match["number"] == number
    else:
        assert not match, f"{form_id} should not match {text!r}"


@pytest.mark.parametrize(
    ("name", "example"), [(e.name, x) for e in DOC_TYPES for x in e.examples], ids=lambda v: str(v)[:40]
)
def test_doc_type_examples(name, example):
    refs, _ = find_references(example)
    assert [r.doc_type for r in refs] == [name], refs


@pytest.mark.parametrize(
    ("name", "example"), [(e.name, x) for e in ISSUER_CODES for x in e.examples], ids=lambda v: str(v)[:40]
)
def test_issuer_code_examples(name, example):
    refs, _ = find_references(example)
    assert len(refs) == 1 and refs[0].issuer_normalized == name, refs


@pytest.mark.parametrize(
    ("form_id", "example"), [(f.id, x) for f in FORMS for x in f.examples], ids=lambda v: str(v)[:40]
)
def test_reference_form_examples_are_found_whole(form_id, example):
    form = next(f for f in FORMS if f.id == form_id)
    matches = [regex.search(p, example) for p in form.expanded(reference_fragments())]
    assert any(m and m[0] == example for m in matches), (form_id, example, matches)
    refs, _ = find_references(example)
    if form_id == "short" and not example.startswith("ND"):
        assert refs == []  # kept only when it resolves to an earlier full reference
    else:
        assert [(r.form, r.text) for r in refs] == [(form_id, example)]


@pytest.mark.parametrize(
    ("form_id", "counter"), [(f.id, x) for f in FORMS for x in f.counterexamples], ids=lambda v: str(v)[:40]
)
def test_reference_form_counterexamples(form_id, counter):
    form = next(f for f in FORMS if f.id == form_id)
    for pattern in form.expanded(reference_fragments()):
        match = regex.search(pattern, counter)
        assert not match or match[0] != counter.strip(), (form_id, counter)


@pytest.mark.parametrize("text", reference_file().counterexamples)
def test_lookalikes_are_not_references(text):
    refs, _ = find_references(text)
    assert refs == []


def test_every_type_code_is_unique_and_every_entry_has_an_example():
    codes = [e.code for e in DOC_TYPES if e.code]
    assert len(codes) == len(set(codes))
    missing = [e.name for e in DOC_TYPES if e.code and not e.examples]
    assert missing == []


def test_a_malformed_pattern_file_is_reported_whole(tmp_path, monkeypatch):
    from cchc_extract.errors import PatternError

    (tmp_path / "headings.yaml").write_text(
        "forms:\n"
        "  - {id: x, pattern: '(', oops: 1}\n"  # does not compile, and a field no entry has
        "  - {id: y, pattern: '^(?P<number>[IVX]+)[.] '}\n",  # compiles, but has no title group
        encoding="utf-8",
    )
    monkeypatch.setenv("CCHC_PATTERNS", str(tmp_path))
    for _ in range(2):  # a file that fails its checks is not kept as checked (patterncache)
        with pytest.raises(PatternError) as info:
            patternbook._validated("headings.yaml", patternbook._HeadingsFile)
        message = info.value.line()
        assert "patterns/headings.yaml" in message and "3 bad entries" in message
        assert "pattern does not compile" in message and "lacks groups ['title']" in message


@pytest.mark.parametrize(
    "example", [x for d in reference_file().date_forms for x in d.examples], ids=lambda v: v.replace("\n", " ")
)
def test_date_form_examples_date_a_reference(example):
    refs, _ = find_references(f"Quyết định số 07/QĐ-UBND ngày {example} của UBND xã")
    assert refs[0].date is not None and refs[0].text.endswith(f"{example} của UBND xã")


def test_a_clerk_adds_a_type_code_without_touching_python(tmp_path, monkeypatch):
    import shutil
    from importlib import resources

    source = resources.files("cchc_extract.patterns")
    for name in ("doc_types.yaml", "issuers.yaml", "headings.yaml", "references.yaml"):
        shutil.copy(str(source.joinpath(name)), tmp_path / name)
    text = "Thực hiện Kế hoạch kiểm tra số 07/KHKT-UBND ngày 02/02/2024"
    assert find_references(text)[0][0].doc_type == "Kế hoạch"  # unknown code: the type word decides
    with open(tmp_path / "doc_types.yaml", "a", encoding="utf-8") as f:
        f.write(
            "  - {code: KHKT, name: Kế hoạch kiểm tra, words: [kế hoạch kiểm tra], kind: administrative,\n"
            '     examples: ["Kế hoạch kiểm tra số 07/KHKT-UBND"]}\n'
        )
    monkeypatch.setenv(patternbook.PATTERNS_ENV, str(tmp_path))
    patternbook.reload()
    try:
        ref = find_references(text)[0][0]
        assert (ref.doc_type, ref.text) == ("Kế hoạch kiểm tra", "Kế hoạch kiểm tra số 07/KHKT-UBND ngày 02/02/2024")
    finally:
        monkeypatch.delenv(patternbook.PATTERNS_ENV)
        patternbook.reload()


def test_a_type_word_with_a_hyphen_is_found_before_its_number(tmp_path, monkeypatch):
    import shutil
    from importlib import resources

    source = resources.files("cchc_extract.patterns")
    for name in ("doc_types.yaml", "issuers.yaml", "headings.yaml", "references.yaml"):
        shutil.copy(str(source.joinpath(name)), tmp_path / name)
    with open(tmp_path / "doc_types.yaml", "a", encoding="utf-8") as f:
        f.write(
            "  - {code: KHDA, name: Kế hoạch-dự án, words: [kế hoạch-dự án], kind: administrative,\n"
            '     examples: ["Kế hoạch-dự án số 07/KHDA-UBND"]}\n'
        )
    monkeypatch.setenv(patternbook.PATTERNS_ENV, str(tmp_path))
    patternbook.reload()
    try:
        ref = find_references("Thực hiện Kế hoạch-dự án số 07/KHDA-UBND ngày 02/02/2024")[0][0]
        assert (ref.doc_type, ref.text) == ("Kế hoạch-dự án", "Kế hoạch-dự án số 07/KHDA-UBND ngày 02/02/2024")
    finally:
        monkeypatch.delenv(patternbook.PATTERNS_ENV)
        patternbook.reload()


def _longest_first(words: list[str]) -> str:
    """The plain alternation that patternbook.alternation's trie must agree with."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in unique)


def test_alternation_matches_the_longest_word_like_a_plain_alternation():
    words = ["thủ tục", "thủ tục hành chính", "thôn", "TTHC", "hồ sơ", "bộ hồ sơ", "hồ"]
    pattern = regex.compile(rf"(?:{patternbook.alternation(words)})(?!\w)")
    assert pattern.match("thủ tục hành chính x")[0] == "thủ tục hành chính"
    assert pattern.match("thủ tục\nhành chính")[0] == "thủ tục\nhành chính"
    assert pattern.match("thủ tục hành")[0] == "thủ tục"  # the longer word does not fit: the shorter does
    assert pattern.match("hồ sơ")[0] == "hồ sơ" and pattern.match("hồ nước")[0] == "hồ"
    assert not pattern.match("tthc")  # case counts unless asked otherwise
    folded = regex.compile(rf"(?i:{patternbook.alternation(words, ignore_case=True)})")
    assert folded.match("THỦ TỤC HÀNH CHÍNH")[0] == "THỦ TỤC HÀNH CHÍNH" and folded.match("tthc")


def test_alternation_agrees_with_a_plain_alternation_on_random_words():
    import random

    rng = random.Random(7)
    for _ in range(300):
        words = ["".join(rng.choice("ab ") for _ in range(rng.randint(1, 4))).strip() or "a" for _ in range(5)]
        text = "".join(rng.choice("ab ") for _ in range(6))
        trie = regex.compile(f"(?:{patternbook.alternation(words)})(?!b)")
        plain = regex.compile(f"(?:{_longest_first(words)})(?!b)")
        got, want = trie.search(text), plain.search(text)
        assert (got and got.span()) == (want and want.span()), (words, text)


def _layout_cases():
    for entry in patternbook.layout_entries():
        yield from ((entry.id, x, True) for x in entry.examples)
        yield from ((entry.id, x, False) for x in entry.counterexamples)


@pytest.mark.parametrize(("name", "text", "found"), list(_layout_cases()), ids=lambda v: str(v)[:40])
def test_layout_examples(name, text, found):
    assert bool(patternbook.layout(name).search(text)) is found, (name, text)


def test_every_layout_entry_has_examples_and_unknown_names_are_refused():
    assert all(entry.examples for entry in patternbook.layout_entries())
    with pytest.raises(Exception, match="no pattern “nope”"):
        patternbook.layout("nope")
