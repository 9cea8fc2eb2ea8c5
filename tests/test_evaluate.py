"""The scorer on hand-built prediction/gold pairs with known counts."""

from __future__ import annotations

import json

import pytest

from cchc_extract.evaluate import Gold, GoldError, Score, load_gold, match_records, score_document

from .conftest import CORPUS, GOLD, SEED, extracted


def ref(number: str, symbol: str | None, **fields):
    return {"number": number, "symbol": symbol, **fields}


def test_score_arithmetic():
    s = Score(tp=3, fp=1, fn=2)
    assert (s.precision, s.recall) == (0.75, 0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Score().as_dict()["f1"] == 1.0  # nothing expected, nothing found


def test_duplicates_are_counted_as_often_as_they_occur():
    gold = [ref("01", "QĐ-UBND"), ref("01", "QĐ-UBND"), ref("61", "NĐ-CP")]
    pred = [ref("01", "QĐ-UBND"), ref("61", "NĐ-CP"), ref("61", "NĐ-CP"), ref("61", "NĐ-CP")]
    score, _, missed, extra = match_records("references", gold, pred, "key")
    assert (score.tp, score.fp, score.fn) == (2, 2, 1)
    assert missed == [ref("01", "QĐ-UBND")] and len(extra) == 2


def test_key_mode_matches_spelling_variants_and_reports_field_accuracy():
    gold = [ref("01", "QĐ-UBND", date="2024-01-02", issuer="UBND xã"), ref("61", "NĐ-CP", date="2018-04-23")]
    pred = [ref("1", "qđ-ubnd", date="2024-01-02", issuer="UBND  xã"), ref("61", "NĐ- CP", date=None)]
    score, fields, _, _ = match_records("references", gold, pred, "key")
    assert (score.tp, score.fp, score.fn) == (2, 0, 0)
    assert (fields["references.date"].correct, fields["references.date"].total) == (1, 2)
    assert (fields["references.issuer"].correct, fields["references.issuer"].total) == (1, 1)


def test_strict_mode_needs_every_gold_field():
    gold = [ref("61", "NĐ-CP", date="2018-04-23")]
    pred = [ref("61", "NĐ-CP", date=None)]
    score, _, _, _ = match_records("references", gold, pred, "strict")
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


def test_the_assignment_prefers_the_prediction_that_agrees_most():
    gold = [ref("01", "QĐ-UBND", date="2024-01-02"), ref("01", "QĐ-UBND", date="2023-01-05")]
    pred = [ref("01", "QĐ-UBND", date="2023-01-05"), ref("01", "QĐ-UBND", date="2024-01-02")]
    score, fields, _, _ = match_records("references", gold, pred, "strict")
    assert score.tp == 2 and fields["references.date"].correct == 2


@pytest.mark.parametrize(
    ("gold", "pred", "counts"),
    [([], [], (0, 0, 0)), ([ref("1", "A")], [], (0, 0, 1)), ([], [ref("1", "A")], (0, 1, 0))],
)
def test_empty_sides(gold, pred, counts):
    score, _, _, _ = match_records("references", gold, pred, "key")
    assert (score.tp, score.fp, score.fn) == counts


def test_checks_match_on_rule_and_overlapping_place():
    gold = [{"rule": "numbering.gap", "where": ["II", "IV"]}, {"rule": "percent.range", "where": ["7.2.2"]}]
    pred = [{"rule": "numbering.gap", "where": ["II", "IV", "12-20"]}, {"rule": "percent.range", "where": ["3.2"]}]
    score, _, _, _ = match_records("checks", gold, pred, "key")
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)


def test_removing_gold_records_changes_the_counts_exactly():
    report = extracted(SEED)
    data = json.loads((GOLD / "000_hoang_cat_2024h1.json").read_text(encoding="utf-8"))
    full = score_document(report, Gold.model_validate(data))
    removed = 5
    data["references"] = data["references"][removed:]
    data["metadata"].pop("signer")
    fewer = score_document(report, Gold.model_validate(data))
    before, after = full.scores["references"], fewer.scores["references"]
    assert after.tp == before.tp - removed and after.fp == before.fp + removed and after.fn == before.fn
    assert fewer.scores["metadata"].tp == full.scores["metadata"].tp - 1


def test_types_the_gold_does_not_annotate_are_not_scored():
    result = score_document(extracted(SEED), Gold.model_validate({"references": []}))
    assert set(result.scores) == {"references"}
    assert result.scores["references"].fp == len(extracted(SEED).references)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not readable JSON"),
        ('{"references": [{"number": "1", "date": 5, "surprise": 1}]}', "field references.0"),
        ('{"sections": [{"title": "no id"}]}', "field sections.0.id"),
    ],
)
def test_malformed_gold_names_the_file_and_field(tmp_path, content, message):
    path = tmp_path / "doc.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as info:
        load_gold(path)
    assert message in info.value.line() and str(path) in info.value.line()


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem)
def test_every_gold_file_is_valid_and_has_its_document(gold_path):
    gold = load_gold(gold_path)
    assert gold.document and (CORPUS / gold.document).exists()
    assert not gold.draft, "a draft must be corrected by reading before it is gold"


# --- gold written to the annotation guide (../shared/real-dev/gold) ---------------

_LETTER = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH MẪU\tĐộc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND\tMẫu, ngày 05 tháng 3 năm 2025
KẾ HOẠCH
Thực hiện công tác cải cách hành chính
I. MỤC ĐÍCH
1. Nội dung
Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ, tiếp nhận 10 hồ sơ.
II. TỔ CHỨC THỰC HIỆN
Kế hoạch số 12/KH-UBND ngày 05/3/2025 được gửi các đơn vị.
"""


def _letter_report():
    from cchc_extract.pipeline import extract_raw
    from cchc_extract.readers import Block, RawDocument

    return extract_raw(RawDocument(path="letter.txt", format="txt", sha256="0" * 64, blocks=[Block(_LETTER)]))


def _guide_gold(**fields):
    base = {"id": "p1", "source": "letter.txt", "metadata": {"number": "12", "symbol": "KH-UBND"}}
    return Gold.model_validate({**base, **fields})


def test_guide_gold_scores_roman_headings_only_by_their_numeral():
    report = _letter_report()
    assert [s.id for s in report.sections] == ["I", "I.1", "II"]
    result = score_document(report, _guide_gold(sections=[{"id": "I", "title": "MỤC ĐÍCH"}, {"id": "II"}]))
    assert (result.scores["sections"].tp, result.scores["sections"].fp) == (2, 0)


def test_guide_gold_leaves_self_mentions_out_of_the_references():
    report = _letter_report()
    assert [r.self for r in report.references] == [False, True]
    gold = _guide_gold(references=[{"number": "61", "year": 2018, "symbol": "NĐ-CP"}], self_mentions=1)
    score = score_document(report, gold).scores["references"]
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)
    # gold in the project's own shape counts every mention, its own number included
    own = score_document(report, Gold.model_validate({"references": gold.model_dump()["references"]}))
    assert own.scores["references"].fp == 1


def test_skipped_figures_are_not_scored():
    result = score_document(_letter_report(), _guide_gold(figures=[], figures_skipped=True))
    assert "figures" not in result.scores
    result = score_document(_letter_report(), _guide_gold(figures=[]))
    assert result.scores["figures"].fp == 1


def test_gold_is_paired_with_its_declared_source_in_a_sub_folder(tmp_path):
    from cchc_extract.evaluate import pair_corpus

    (tmp_path / "docs" / "site").mkdir(parents=True)
    (tmp_path / "docs" / "site" / "a.md").write_text(_LETTER, encoding="utf-8")
    (tmp_path / "docs" / "b.txt").write_text(_LETTER, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text(json.dumps({"id": "a", "source": "site/a.md"}), encoding="utf-8")
    (gold / "b.json").write_text(json.dumps({"document": "b.txt"}), encoding="utf-8")
    pairs = pair_corpus(tmp_path / "docs", gold)
    assert [(d.relative_to(tmp_path).as_posix(), g.name) for d, g in pairs] == [
        ("docs/b.txt", "b.json"),
        ("docs/site/a.md", "a.json"),
    ]
    (gold / "c.json").write_text(json.dumps({"id": "c", "source": "site/missing.md"}), encoding="utf-8")
    with pytest.raises(GoldError, match=r"missing\.md"):
        pair_corpus(tmp_path / "docs", gold)
