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


def test_a_malformed_pattern_file_is_reported_whole(monkeypatch):
    from cchc_extract.errors import PatternError

    monkeypatch.setattr(patternbook, "_load", lambda name: {"forms": [{"id": "x", "pattern": "(", "oops": 1}]})
    with pytest.raises(PatternError) as info:
        patternbook._validated("headings.yaml", patternbook._HeadingsFile)
    message = info.value.line()
    assert "patterns/headings.yaml" in message and "2 bad entries" in message


@pytest.mark.parametrize(
    "example", [x for d in reference_file().date_forms for x in d.examples], ids=lambda v: v.replace("\n", " ")
)
def test_date_form_examples_date_a_reference(example):
    refs, _ = find_references(f"Quyết định số 07/QĐ-UBND ngày {example} của UBND xã")
    assert refs[0].date is not None and refs[0].text.endswith(example)


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
