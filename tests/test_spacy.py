"""The spaCy integration: components found through entry points, records as spans on a Doc.

spaCy is in the test extra, so these run wherever the tests run; cchc-extract itself
never imports it (the last tests check that in a fresh process).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy
from spacy import displacy
from spacy.tokens import Doc, DocBin, Span

from cchc_extract.evaluate import GoldError, load_gold, pair_corpus
from cchc_extract.normalize import clean_text
from cchc_extract.spacy import SPANS_KEYS, blank, gold_doc, gold_docs, set_reference_ents

from .conftest import CORPUS, GOLD, ROOT, SEED, corpus_documents, extracted

LANGS = ["xx", "vi"]  # "vi" is the Vietnamese blank pipeline without pyvi
KINDS = ("references", "figures", "sections")


@functools.cache
def pipeline(lang: str) -> spacy.language.Language:
    nlp = blank(lang)
    for kind in KINDS:
        nlp.add_pipe(f"cchc_{kind}")
    return nlp


def raw_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_components_are_found_through_entry_points_without_importing_the_package():
    script = textwrap.dedent(
        f"""
        import json, sys, spacy
        nlp = spacy.blank("xx")
        nlp.add_pipe("cchc_references")
        doc = nlp(open({str(SEED)!r}, encoding="utf-8").read())
        print(json.dumps([s._.cchc.key for s in doc.spans["cchc_references"]]))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    seed = extracted(SEED)
    assert json.loads(proc.stdout) == [r.key for r in seed.references]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("normalized", [False, True], ids=["file-text", "normalized-text"])
def test_seed_records_become_spans_in_the_order_of_the_json(lang, normalized):
    seed = extracted(SEED)
    assert seed.text is not None and seed.text != raw_text(SEED)  # the seed has markup to remove
    doc = pipeline(lang)(seed.text if normalized else raw_text(SEED))
    references = list(doc.spans["cchc_references"])
    assert len(references) >= 32
    assert [s._.cchc.key for s in references] == [r.key for r in seed.references]
    assert [s._.cchc for s in references] == seed.references
    assert [s._.cchc for s in doc.spans["cchc_figures"]] == seed.figures
    assert [s._.cchc for s in doc.spans["cchc_sections"]] == seed.sections
    assert [s._.cchc.id for s in doc.spans["cchc_section_extents"]] == [s.id for s in seed.sections]
    ref = references[22]
    assert (ref.label_, ref.kb_id_, ref.text) == ("Quyết định", "129/QĐ-UBND/2023", "quyết định số 129/QĐ-UBND")
    assert {s.label_ for s in doc.spans["cchc_figures"]} >= {"hồ sơ", "người", "thủ tục", "%"}
    assert {s.label_ for s in doc.spans["cchc_sections"]} == {"roman", "arabic"}
    report = doc._.cchc_report
    assert report.metadata == seed.metadata and report.checks == seed.checks and report.tables == seed.tables
    # spans of the report point into the normalized text, kept on the report when doc.text is not it
    assert report.text == (None if normalized else seed.text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.name)
def test_every_record_lands_on_a_span_that_holds_its_text(lang, path):
    nlp = pipeline(lang)
    normalized = extracted(path).text
    assert normalized is not None
    for text, compare in ((normalized, lambda t: t), (raw_text(path), clean_text)):
        doc = nlp(text)
        report = doc._.cchc_report
        source = report.text or doc.text
        groups = {"references": report.references, "figures": report.figures, "sections": report.sections}
        for kind, records in groups.items():
            spans = list(doc.spans[SPANS_KEYS[kind]])
            assert len(spans) == len(records)
            for span, record in zip(spans, records, strict=True):
                assert source[record.span[0] : record.span[1]] == record.text
                assert record.text in compare(span.text), (kind, record.text, span.text)
                # "expand": the span is the tokens the record touches, no more
                assert len(compare(span.text)) < len(record.text) + 2 * max(len(t) for t in span) + 2
        for span, section in zip(doc.spans["cchc_section_extents"], report.sections, strict=True):
            assert compare(span.text).startswith(section.text.strip())


def test_text_with_crlf_nfd_accents_and_markup_maps_back():
    import unicodedata

    text = unicodedata.normalize("NFD", raw_text(SEED)).replace("\n", "\r\n").replace("Hoàng Cát", "Hoàng  Cát")
    doc = pipeline("vi")(text)
    seed = extracted(SEED)
    assert [s._.cchc.key for s in doc.spans["cchc_references"]] == [r.key for r in seed.references]
    for span in [*doc.spans["cchc_references"], *doc.spans["cchc_figures"], *doc.spans["cchc_sections"]]:
        assert span._.cchc.text in clean_text(span.text.replace("\r\n", "\n"))


def test_one_extraction_per_doc_and_the_combined_component_gives_the_same_groups():
    text = raw_text(SEED)
    combined = blank("xx")
    combined.add_pipe("cchc_extract")
    single = pipeline("xx")
    a, b = combined(text), single(text)
    for key in [*SPANS_KEYS.values(), "cchc_section_extents"]:
        assert [(s.start, s.end, s.label_, s.id_) for s in a.spans[key]] == [
            (s.start, s.end, s.label_, s.id_) for s in b.spans[key]
        ]
    only = blank("xx")
    only.add_pipe("cchc_extract", config={"records": ["figures"]})
    assert set(only(text).spans) == {"cchc_figures"}
    with pytest.raises(ValueError, match="choose from references, figures, sections"):
        blank("xx").add_pipe("cchc_extract", config={"records": ["tables"]})


def test_any_text_goes_through_even_one_that_is_no_report():
    nlp = pipeline("xx")
    for text in ["", "漢字" * 100, "%PDF-1.4 no PDF", "a\x00b", "Theo Nghị định số 61/2018/NĐ-CP."]:
        doc = nlp(text)
        assert [s._.cchc.key for s in doc.spans["cchc_references"]] == (["61/2018/NĐ-CP"] if "61" in text else [])
        assert doc._.cchc_report.source.path == "<spaCy Doc>"


def test_a_custom_spans_key_and_the_record_still_found():
    nlp = blank("xx")
    nlp.add_pipe("cchc_references", config={"spans_key": "sc"})
    doc = nlp(raw_text(SEED))
    assert set(doc.spans) == {"sc"} and doc.spans["sc"][0]._.cchc.key == "01/QĐ-UBND/2024"


@pytest.mark.parametrize("lang", LANGS)
def test_docbin_round_trip_keeps_span_groups_records_and_report(lang):
    nlp = pipeline(lang)
    doc = nlp(raw_text(SEED))
    seed = extracted(SEED)

    def groups(d: Doc) -> dict[str, list[tuple[int, int, str, str, str]]]:
        return {k: [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in g] for k, g in d.spans.items()}

    with_data = DocBin(store_user_data=True)
    with_data.add(doc)
    (back,) = DocBin().from_bytes(with_data.to_bytes()).get_docs(nlp.vocab)
    assert groups(back) == groups(doc)
    assert [s._.cchc.key for s in back.spans["cchc_references"]] == [r.key for r in seed.references]
    assert back._.cchc_report.metadata == seed.metadata
    plain = DocBin()
    plain.add(doc)
    (bare,) = DocBin().from_bytes(plain.to_bytes()).get_docs(blank(lang).vocab)
    assert groups(bare) == groups(doc)  # labels and keys kept; the records went with the user data
    assert bare.spans["cchc_references"][0]._.cchc is None and bare._.cchc_report is None


def test_pipeline_saved_and_loaded_finds_the_components_again(tmp_path):
    pipeline("vi").to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names == ["cchc_references", "cchc_figures", "cchc_sections"]
    assert len(loaded(raw_text(SEED)).spans["cchc_references"]) == 34


def test_references_as_entities():
    doc = pipeline("xx")(raw_text(SEED))
    seed = extracted(SEED)
    # entities another component set: the one overlapping a reference gives way, the other stays
    first = doc.spans["cchc_references"][0]
    doc.ents = [Span(doc, 0, 1, label="OTHER"), Span(doc, first.start + 1, first.start + 2, label="OTHER")]
    assert set_reference_ents(doc) == []
    assert [(e.start, e.label_) for e in doc.ents[:1]] == [(0, "OTHER")]
    references = list(doc.ents[1:])
    assert [e.kb_id_ for e in references] == [r.key or "" for r in seed.references]  # a short form may have no key
    assert [e.label_ for e in references] == [r.doc_type for r in seed.references]
    assert [e._.cchc for e in references] == seed.references
    # references that overlap cannot all be entities: the later one is returned
    doc.spans["overlap"] = [first, doc[first.start + 1 : first.end + 2]]
    assert [s.start for s in set_reference_ents(doc, "overlap")] == [first.start + 1]


def test_displacy_renders_a_span_group():
    doc = pipeline("xx")(raw_text(SEED))
    html = displacy.render(doc, style="span", options={"spans_key": "cchc_references"})
    assert "Quyết định" in html and "Nghị định" in html and "129/QĐ-UBND" in html


# --- training data from gold ---------------------------------------------------


def test_gold_becomes_training_data_labelled_as_the_components_label():
    pairs = pair_corpus(CORPUS, GOLD)
    docs = gold_docs(pairs, "vi")
    golds = sorted({gold for _, gold in pairs})
    assert len(docs) == len(golds)  # one Doc per gold file, not per rendering
    nlp = blank("vi")
    nlp.add_pipe("cchc_extract")
    stored = DocBin(docs=docs).to_bytes()
    for doc, gold_path in zip(DocBin().from_bytes(stored).get_docs(nlp.vocab), golds, strict=True):
        gold = load_gold(gold_path)
        references, figures = list(doc.spans["cchc_references"]), list(doc.spans["cchc_figures"])
        assert [s.kb_id_ for s in references] == [g.key or "" for g in gold.references]
        assert [s.label_ for s in references] == [g.doc_type for g in gold.references]
        in_text_order = sorted(references, key=lambda s: s.start)  # gold lists a short form or two last
        assert [e.kb_id_ for e in doc.ents] == [s.kb_id_ for s in in_text_order]
        for span, record in zip([*references, *figures], [*gold.references, *gold.figures], strict=True):
            assert " ".join(record.text.split()) in " ".join(span.text.split())
        sections = list(doc.spans["cchc_sections"])
        assert len(sections) == len(gold.sections)
        for span, section in zip(sections, gold.sections, strict=True):
            assert section.number in span.text and section.title.split()[0] in span.text
        # the extraction finds the records of this gold: each starts where the extractor's does
        # (which may take more words, such as the issuer after a reference)
        predicted = nlp(doc.text)
        for key in SPANS_KEYS.values():
            assert sorted((s.start, s.kb_id_) for s in doc.spans[key]) == [
                (s.start, s.kb_id_) for s in predicted.spans[key]
            ], key
        assert doc.spans["cchc_references"][0]._.cchc is None  # training data carry no report


def test_gold_written_to_the_guide_leaves_out_what_it_does_not_annotate_in_full(tmp_path):
    data = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    guide = {
        "id": "hoang-cat",
        "source": SEED.name,
        "references": data["references"],
        "sections": [{"id": s["id"], "title": s["title"]} for s in data["sections"] if s["level"] == 1],
        "figures": [],
        "figures_skipped": True,
    }
    (tmp_path / "hoang-cat.json").write_text(json.dumps(guide, ensure_ascii=False), encoding="utf-8")
    doc = gold_doc(blank("xx"), SEED, tmp_path / "hoang-cat.json")
    assert set(doc.spans) == {"cchc_references"}
    assert len(doc.spans["cchc_references"]) == len(data["references"])


def test_gold_kinds_left_out_are_not_annotated_and_a_record_not_in_the_text_is_an_error(tmp_path):
    data = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    del data["figures"]
    (tmp_path / "partial.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    doc = gold_doc(blank("xx"), SEED, tmp_path / "partial.json")
    assert set(doc.spans) == {"cchc_references", "cchc_sections"}
    in_order = [s.start for s in doc.spans["cchc_references"]]
    # a record listed out of reading order still lands where it stands in the text
    data["references"].append(data["references"].pop(0))
    data["sections"].append(data["sections"].pop(0))
    (tmp_path / "shuffled.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shuffled = gold_doc(blank("xx"), SEED, tmp_path / "shuffled.json")
    assert [s.start for s in shuffled.spans["cchc_references"]] == [*in_order[1:], in_order[0]]
    assert shuffled.spans["cchc_sections"][-1].text.startswith("I. CÔNG TÁC CHỈ ĐẠO")
    data = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    data["references"][3]["text"] = "Quyết định số 999/QĐ-UBND"
    (tmp_path / "wrong.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldError, match=r"references\[3\] “Quyết định số 999/QĐ-UBND” is not in 000_hoang_cat"):
        gold_doc(blank("xx"), SEED, tmp_path / "wrong.json")
    data["references"][3]["text"] = extracted(SEED).references[3].text
    data["sections"][1]["title"] = "Không có mục này"
    (tmp_path / "wrong.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldError, match=r"sections\[1\] 1\. 'Không có mục này' is not in 000_\w+.txt$"):
        gold_doc(blank("xx"), SEED, tmp_path / "wrong.json")


def test_gold_docbin_command_writes_training_data_and_never_overwrites(tmp_path):
    out = tmp_path / "train.spacy"
    args = ["gold-docbin", str(CORPUS), "--gold", str(GOLD), "--out", str(out), "--lang", "vi"]
    proc = subprocess.run([sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "87 references, 92 figures, 81 sections" in proc.stderr
    docs = list(DocBin().from_disk(out).get_docs(blank("vi").vocab))
    assert len(docs) == 6 and docs[0].spans["cchc_references"][22].kb_id_ == "129/QĐ-UBND/2023"
    again = subprocess.run([sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_gold_docbin_without_spacy_is_one_line_and_status_2(tmp_path):
    script = (
        "import sys; sys.modules['spacy'] = None\n"  # as if spaCy were not installed
        "from cchc_extract.cli import main\n"
        f"main(['gold-docbin', {str(CORPUS)!r}, '--gold', {str(GOLD)!r}, '--out', {str(tmp_path / 'x.spacy')!r}])"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "cchc-extract: error: this command needs spaCy (pip install 'cchc-extract[spacy]')"


# --- the core never imports spaCy ------------------------------------------------


def test_the_command_line_never_imports_spacy(tmp_path):
    assert importlib.util.find_spec("spacy") is not None  # installed: the test means something
    runs = [
        [str(SEED), "--json"],
        ["eval", str(CORPUS), "--gold", str(GOLD)],
        ["gold-draft", str(SEED)],
        ["schema"],
        ["batch", str(SEED), "--db", str(tmp_path / "r.sqlite"), "--jobs", "1", "--quiet"],
    ]
    script = textwrap.dedent(
        """
        import json, sys
        from cchc_extract.cli import main
        try:
            main(json.loads(sys.argv[1]))
        except SystemExit as exit:
            assert not exit.code, exit.code
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc") or m == "cchc_extract.spacy")
        print(json.dumps(heavy), file=sys.stderr)
        """
    )
    for args in runs:
        proc = subprocess.run(
            [sys.executable, "-c", script, json.dumps(args)], capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stderr.strip().splitlines()[-1]) == [], args


def test_the_readme_examples_run(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## With spaCy") : readme.index("### Training data from gold")]
    code = "\n".join(block.split("```")[0] for block in part.split("```python\n")[1:])
    (tmp_path / "corpus").symlink_to(CORPUS)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "quyết định số 129/QĐ-UBND | Quyết định | 129/QĐ-UBND/2023 2023-12-28" in proc.stdout
    assert "UBND xã Hoàng Cát ['percent.range', 'numbering.gap'" in proc.stdout
    assert "Nghị định" in (tmp_path / "refs.html").read_text(encoding="utf-8")
