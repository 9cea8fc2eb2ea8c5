"""Records: plain frozen dataclasses on the extraction path, pydantic twins for checks and schema.

The extraction builds its records without validating them, so these tests hold what pydantic
used to: every field of every record of real reports has the type it declares, and the JSON is
byte for byte what pydantic writes for the same data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
import types
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

from cchc_extract import extract
from cchc_extract.models import Figure, Metadata, Reference, Report, Section, TableRow
from cchc_extract.patternbook import HeadingForm
from cchc_extract.records import Record, json_by_json_module, json_by_pydantic_core

from .conftest import CORPUS, REAL_DEV


def _type_problems(value: object, kind: object, where: str) -> list[str]:
    """Where ``value`` is not exactly of type ``kind``: an int is no float, a list no tuple."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is typing.Any:
        return []
    if origin is typing.Literal:
        return [] if value in args else [f"{where}: {value!r} not one of {args}"]
    if origin in (typing.Union, types.UnionType):
        fits = [_type_problems(value, a, where) for a in args]
        return [] if any(not f for f in fits) else [f"{where}: {value!r} fits none of {kind}"]
    if kind is type(None):
        return [] if value is None else [f"{where}: {value!r} is not None"]
    if origin in (list, tuple, dict):
        if type(value) is not origin:
            return [f"{where}: a {type(value).__name__}, not a {origin.__name__}"]
        if origin is list:
            return [p for i, v in enumerate(value) for p in _type_problems(v, args[0], f"{where}[{i}]")]
        if origin is tuple:
            if len(value) != len(args):
                return [f"{where}: {len(value)} items, not {len(args)}"]
            return [
                p
                for i, (v, a) in enumerate(zip(value, args, strict=True))
                for p in _type_problems(v, a, f"{where}[{i}]")
            ]
        return [
            p for k, v in value.items() for p in _type_problems(k, args[0], where) + _type_problems(v, args[1], where)
        ]
    if isinstance(kind, type) and issubclass(kind, Record):
        if type(value) is not kind:
            return [f"{where}: a {type(value).__name__}, not a {kind.__name__}"]
        hints = typing.get_type_hints(kind)
        return [p for n in kind.field_names() for p in _type_problems(getattr(value, n), hints[n], f"{where}.{n}")]
    return [] if type(value) is kind else [f"{where}: {value!r:.60} is a {type(value).__name__}, not {kind}"]


def _documents() -> list[Path]:
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    if REAL_DEV.is_dir():  # real documents, where ../shared is beside the repository
        files += sorted(REAL_DEV.glob("r0*.*")) + sorted((REAL_DEV / "tvpl").glob("*.md"))[::8]
    return files


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return [extract(path, with_text=True) for path in _documents()]


def test_the_checker_sees_a_wrong_type():
    figure = Figure(text="25 hồ sơ", value=25, span=[0, 8])  # type: ignore[arg-type]
    assert _type_problems(figure, Figure, "f") == [
        "f.value: 25 is a int, not <class 'float'>",
        "f.span: a list, not a tuple",
    ]


def test_every_field_of_every_record_has_its_declared_type(reports):
    assert len(reports) >= 17  # the corpus's reports in three formats, and real ones where ../shared is
    problems = [p for r in reports for p in _type_problems(r, Report, r.source.path)]
    assert problems == []


@pytest.mark.parametrize("write", [json_by_json_module, json_by_pydantic_core])
def test_the_json_is_what_pydantic_writes(reports, write):
    """Both writers (json for a small report in a new process, pydantic-core otherwise) write
    what a pydantic model of the same data writes."""
    twin = Report.pydantic_model()
    for report in reports:
        checked = twin.model_validate(report.model_dump())
        for indent, exclude in ((2, None), (None, None), (2, {"text"})):
            expected = checked.model_dump_json(indent=indent, exclude=exclude)
            assert write(report, indent, exclude) == expected, report.source.path


@pytest.mark.parametrize(
    "value",
    [
        0.0,
        -0.0,
        25.0,
        0.1,
        1e-4,
        1e-5,
        -2.5e-5,
        1.234e-6,
        1.5e-7,
        5e-324,
        1e15,
        1e16,
        1.5e22,
        float("inf"),
        float("nan"),
    ],
)
def test_floats_are_written_as_pydantic_writes_them(value):
    figure = Figure(text="x", value=25.0, share_percent=value, span=(0, 1))
    expected = Figure.pydantic_model()(**dataclasses.asdict(figure)).model_dump_json()
    assert json_by_json_module(figure, None, None) == expected == json_by_pydantic_core(figure, None, None)
    assert figure.model_dump_json() == expected
    assert json.loads(figure.model_dump_json(indent=2))["share_percent"] == (
        value if value == value and abs(value) != float("inf") else None
    )


def test_validation_is_pydantic_s(reports):
    report = reports[0]
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report and type(again.sections[0]) is Section and isinstance(again.sections[0].span, tuple)
    data = {"text": "Quyết định số 12/QĐ-UBND", "form": "numbered", "span": [0, 24], "date": "2025-03-01"}
    reference = Reference.model_validate(data)
    assert reference.date == dt.date(2025, 3, 1) and reference.span == (0, 24)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Reference.model_validate({**data, "colour": "red"})
    with pytest.raises(ValidationError, match="span"):
        Reference.model_validate({**data, "span": "0-24"})


def test_records_are_frozen_values():
    row = TableRow(code="3.3.1", value="12", number=12.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.value = "13"  # type: ignore[misc]
    assert row == TableRow(code="3.3.1", value="12", number=12.0)
    assert row != TableRow(code="3.3.1", value="13", number=13.0)
    assert pickle.loads(pickle.dumps(row)) == row
    section = Section(id="I", number="I", level=1, title="x", form="roman", text="I. x", span=(0, 4), extent=(0, 9))
    assert hash(section) == hash(section.model_copy()) and len({section, section.model_copy()}) == 1
    assert row.model_copy(update={"value": "13"}).value == "13" and row.value == "12"
    assert Metadata().recipients is not Metadata().recipients  # each record its own list
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        TableRow(colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'span'"):
        Reference(text="x", form="numbered")  # type: ignore[call-arg]
    assert repr(Reference(text="x", form="f", span=(1, 2), self=True)) == "Reference(text='x', span=(1, 2))"
    assert repr(row) == "TableRow(code='3.3.1', value='12')"


def test_a_pattern_entry_is_checked_by_its_twin():
    twin = HeadingForm.pydantic_model()
    with pytest.raises(ValidationError, match="pattern lacks groups"):
        twin.model_validate({"id": "x", "pattern": "^(?P<number>[IVX]+)[.] "})
    with pytest.raises(ValidationError, match="pattern does not compile"):
        twin.model_validate({"id": "x", "pattern": "("})
    entry = HeadingForm.from_validated(
        HeadingForm.validated_dump({"id": "x", "pattern": "^(?P<number>I)(?P<title>.+)"})
    )
    assert entry == HeadingForm(id="x", pattern="^(?P<number>I)(?P<title>.+)")


class _Inner(Record):
    a: int


class _Outer(Record):
    inner: dict[str, _Inner]


def test_a_record_nests_records_only_in_the_forms_it_can_build():
    with pytest.raises(TypeError, match=r"records can be nested as X, X \| None or list\[X\]"):
        _Outer.from_validated({"inner": {}})
