"""Frozen records that cost little to define and to make, with pydantic only when asked for.

The output contract (``models``) and the entries of the pattern files (``patternbook``) are
``Record`` classes: plain frozen dataclasses, keyword-only, whose fields are written as pydantic
fields are (``Field(default=None, description=...)``). Defining thirty of them costs a few
milliseconds, where pydantic models cost tens of milliseconds to import and build; extracting a
small report costs a few more. A record keeps the pydantic API its users know: ``model_dump``,
``model_dump_json``, ``model_copy(update=...)``, ``model_validate``, ``model_validate_json`` and
``model_json_schema``.

Validation and the JSON Schema come from the record's *pydantic twin*
(``Cls.pydantic_model()``): a pydantic model built on first use from the record's fields (names,
types, defaults, descriptions, docstring, checks), with nested records replaced by their twins.
So the schema is the one pydantic gives for the same definitions, and ``model_validate`` checks
data exactly as a pydantic model would, then returns the record.

The extraction builds its records itself and never validates them: the tests hold that every
record of every report has the types its fields declare (``tests/test_records.py``).

JSON is written as pydantic-core writes it (the same separators, ``null`` for a non-finite
float, ``0.00001`` and ``1.5e-7`` rather than Python's ``1e-05`` and ``1.5e-07``), so that the
output is byte for byte what the pydantic models gave.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeGuard, TypeVar, dataclass_transform

_R = TypeVar("_R", bound="Record")
_MISSING: Any = dataclasses.MISSING


def Field(
    default: Any = _MISSING,
    *,
    default_factory: Callable[[], Any] | None = None,
    description: str | None = None,
) -> Any:
    """A record's field: a default (or a factory of one) and a description for the schema."""
    metadata = {"description": description} if description is not None else {}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field,))
class Record:
    """Base of every record: immutable, keyword-only, strict about unknown fields when validated."""

    # checks a field's value must pass when validated: (field, function raising ValueError),
    # inherited; the pydantic twin runs them as field validators
    _checks: ClassVar[tuple[tuple[str, Callable[[Any], Any]], ...]] = ()
    _doc: ClassVar[str | None] = None  # the docstring as written, not the one dataclasses makes up
    _names: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._doc = cls.__dict__.get("__doc__")
        if cls._doc is None:
            cls.__doc__ = cls.__name__  # or dataclasses writes one from inspect.signature, which costs
        # A dataclass for its fields (dataclasses.fields, replace, asdict work on records), but
        # with the one __init__ below and the base's equality and immutability: dataclasses'
        # frozen=True and eq=True compile four more functions for every class, and a process
        # that extracts one small report defines about thirty records.
        dataclasses.dataclass(cls, init=False, repr=False, eq=False, kw_only=True)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        cls._names = tuple(f.name for f in fields)
        type.__setattr__(cls, "__init__", _make_init(cls.__qualname__, fields))

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._names)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in self._names))

    # --- what pydantic models offer -----------------------------------------------------

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """The (name, value) pairs ``repr`` shows; a record may show fewer."""
        for name in self._names:
            yield name, getattr(self, name)

    def __repr__(self) -> str:
        args = ", ".join(repr(value) if name is None else f"{name}={value!r}" for name, value in self.__repr_args__())
        return f"{type(self).__name__}({args})"

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The record's fields, in their order (the contract's order)."""
        return cls._names

    def model_copy(self: _R, *, update: dict[str, Any] | None = None) -> _R:
        """A copy with some fields replaced (not validated, as with pydantic)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def model_dump(self, *, mode: str = "python", exclude: set[str] | None = None) -> dict[str, Any]:
        """The record as a dict of plain values; ``mode="json"`` gives what JSON can hold
        (dates as ISO strings, tuples as lists)."""
        return _dump_record(self, mode == "json", exclude, [])

    def model_dump_json(self, *, indent: int | None = None, exclude: set[str] | None = None) -> str:
        """The record as JSON, written as pydantic writes it.

        By pydantic-core itself where it is loaded already (a batch, a program that uses
        pydantic) or where the record is big enough that importing it costs less than writing
        the JSON with the json module (thousands of table rows: json's indented writer is
        written in Python); else by json, with pydantic's float format."""
        if "pydantic_core" in sys.modules or self._json_items() >= _PYDANTIC_CORE_FROM:
            return json_by_pydantic_core(self, indent, exclude)
        return json_by_json_module(self, indent, exclude)

    def _json_items(self) -> int:
        """About how many records the JSON holds (a record with long lists says)."""
        return 1

    @classmethod
    def model_validate(cls: type[_R], data: Any) -> _R:
        """The record of ``data``, checked by the pydantic twin (``pydantic.ValidationError``
        when it does not fit), with pydantic's conversions (an ISO string to a date ...)."""
        if isinstance(data, cls):
            return data
        return cls.from_validated(cls.validated_dump(data))

    @classmethod
    def model_validate_json(cls: type[_R], data: str | bytes) -> _R:
        return cls.from_validated(cls.pydantic_model().model_validate_json(data).model_dump())

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        schema: dict[str, Any] = cls.pydantic_model().model_json_schema()
        return schema

    @classmethod
    def pydantic_model(cls) -> Any:
        """The pydantic model of the same fields (imports pydantic)."""
        return _twin(cls)

    @classmethod
    def from_validated(cls: type[_R], data: dict[str, Any]) -> _R:
        """The record of data that is already right (a validated dump, or a file this module
        wrote): nested records are built, nothing is checked."""
        record: _R = _builder(cls)(data)  # type: ignore[assignment]
        return record

    @classmethod
    def validated_dump(cls, data: Any) -> dict[str, Any]:
        """``data`` checked by the pydantic twin, as the plain dict ``from_validated`` takes
        (``pydantic.ValidationError`` when it does not fit)."""
        dump: dict[str, Any] = _twin(cls).model_validate(data).model_dump()
        return dump

    @classmethod
    def shape(cls) -> str:
        """The fields and their types, nested records' too: data validated against one shape is
        not taken for another's."""
        return repr(_shape(cls))


_FACTORY: Any = object()  # the default of a field whose default is made by a factory


def _make_init(qualname: str, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """A keyword-only ``__init__`` that sets each field, as a frozen dataclass's does."""
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params, body = [], []
    for f in fields:
        name = f.name
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = f.default
            params.append(f"{name}=_default_{name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{name}"] = f.default_factory
            params.append(f"{name}=_FACTORY")
            body.append(f"if {name} is _FACTORY: {name} = _factory_{name}()")
        else:
            params.append(name)
        body.append(f"_set(__record__, {name!r}, {name})")
    # not "self": Reference has a field of that name
    signature = f"__record__, *, {', '.join(params)}" if params else "__record__"
    source = f"def __init__({signature}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    exec(source, namespace)  # code built from the class's own field names, as dataclasses does
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{qualname}.__init__"
    return init


# from how many records pydantic-core writes the JSON even when it has to be imported (some 10
# ms): json's indented writer takes about as long for some 2,000 table rows
_PYDANTIC_CORE_FROM = 2000


# --- dumping ------------------------------------------------------------------------------

_PLAIN = (str, int, bool, type(None))


def _dump_record(record: Record, json_mode: bool, exclude: set[str] | None, odd: list[bool]) -> dict[str, Any]:
    names = record._names if not exclude else [n for n in record._names if n not in exclude]
    return {name: _dump(getattr(record, name), json_mode, odd) for name in names}


def _dump(value: Any, json_mode: bool, odd: list[bool]) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        if not odd and (not math.isfinite(value) or (value and -1e-4 < value < 1e-4)):
            odd.append(True)  # written differently by json and by pydantic: see _float_text
        return value
    if kind is list:
        return [_dump(v, json_mode, odd) for v in value]
    if kind is tuple:
        items = [_dump(v, json_mode, odd) for v in value]
        return items if json_mode else tuple(items)
    if kind is dict:
        return {k: _dump(v, json_mode, odd) for k, v in value.items()}
    if isinstance(value, Record):
        return _dump_record(value, json_mode, None, odd)
    if json_mode and isinstance(value, dt.date):
        return value.isoformat()
    return value


def json_by_pydantic_core(record: Record, indent: int | None, exclude: set[str] | None) -> str:
    """The record's JSON as pydantic-core writes a dataclass (imports it)."""
    from pydantic_core import to_json

    return to_json(record, indent=indent, exclude=exclude, inf_nan_mode="null").decode()


def json_by_json_module(record: Record, indent: int | None, exclude: set[str] | None) -> str:
    """The record's JSON as pydantic-core writes it, by the json module (imports nothing)."""
    odd: list[bool] = []
    return _dumps(_dump_record(record, True, exclude, odd), indent, bool(odd))


def _dumps(data: Any, indent: int | None, odd_floats: bool) -> str:
    separators = (",", ":") if indent is None else (",", ": ")
    if not odd_floats:
        return json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    return "".join(_PydanticFloats(ensure_ascii=False, indent=indent, separators=separators).iterencode(data))


def _float_text(value: float) -> str:
    """A float as pydantic-core writes it: Python's shortest repr, except ``null`` for a
    non-finite value, decimals down to 0.00001, and exponents without a leading zero."""
    if not math.isfinite(value):
        return "null"
    text = float.__repr__(value)
    mantissa, marker, exponent = text.partition("e-0")
    if not marker:
        return text
    if exponent == "5":  # 1.5e-05 -> 0.000015
        sign = "-" if mantissa.startswith("-") else ""
        return f"{sign}0.0000{mantissa.lstrip('-').replace('.', '')}"
    return f"{mantissa}e-{exponent}"


class _PydanticFloats(json.JSONEncoder):
    """json's own encoder (the Python one, which lets the float format be chosen)."""

    def iterencode(self, o: Any, _one_shot: bool = False) -> Iterator[str]:
        make: Any = json.encoder._make_iterencode  # type: ignore[attr-defined]  # json's own, not in typeshed
        encoder = json.encoder.encode_basestring
        chunks: Iterator[str] = make(
            {}, self.default, encoder, self.indent, _float_text, self.key_separator, self.item_separator,
            self.sort_keys, self.skipkeys, _one_shot,
        )(o, 0)  # fmt: skip
        return chunks


# --- building from plain data ----------------------------------------------------------


def _is_record(kind: Any) -> TypeGuard[type[Record]]:
    return isinstance(kind, type) and issubclass(kind, Record)


# The annotations a record may nest other records in, as written ("Source", "list[Section]",
# "CapitalFonts | None"); building from them needs no typing.get_type_hints, which costs more than
# building a small report's records.
_NESTED = re.compile(r"(?:(list)\[(\w+)\]|(\w+))(\s*\|\s*None)?")


def _referenced(cls: type[Record]) -> list[tuple[str, str, type[Record]]]:
    """The fields of ``cls`` that hold records: (name, "one", "list" or "optional", the record)."""
    names = vars(sys.modules[cls.__module__])
    found = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        written = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        words = [names.get(w) for w in re.findall(r"\w+", written)]
        records = [w for w in words if _is_record(w)]
        if not records:
            continue
        match = _NESTED.fullmatch(written.strip())
        if match is None or len(records) > 1:
            raise TypeError(f"{cls.__name__}.{f.name}: records can be nested as X, X | None or list[X], not {written}")
        how = "list" if match[1] else "optional" if match[4] else "one"
        found.append((f.name, how, records[0]))
    return found


_BUILDERS: dict[type[Record], Callable[[dict[str, Any]], Record]] = {}


def _builder(cls: type[Record]) -> Callable[[dict[str, Any]], Record]:
    """How to make a ``cls`` of its plain dict, nested records included (made once per class)."""
    built = _BUILDERS.get(cls)
    if built is None:
        built = _BUILDERS[cls] = _make_builder(cls)
    return built


def _each(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda values: [inner(v) for v in values]


def _unless_none(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else inner(value)


def _make_builder(cls: type[Record]) -> Callable[[dict[str, Any]], Record]:
    nested: list[tuple[str, Callable[[Any], Any]]] = []
    for name, how, kind in _referenced(cls):
        inner = _builder(kind)
        nested.append((name, _each(inner) if how == "list" else _unless_none(inner) if how == "optional" else inner))

    def build(data: dict[str, Any]) -> Record:
        if nested:
            data = dict(data)
            for name, step in nested:
                if name in data:
                    data[name] = step(data[name])
        return cls(**data)

    return build


def _shape(cls: type[Record]) -> list[Any]:
    shape: list[Any] = [cls.__name__, [(f.name, str(f.type)) for f in dataclasses.fields(cls)]]  # type: ignore[arg-type]
    shape.extend(_shape(kind) for _, _, kind in _referenced(cls))
    return shape


def _records_in(kind: Any) -> Iterator[type[Record]]:
    if _is_record(kind):
        yield kind
    for arg in typing.get_args(kind):
        yield from _records_in(arg)


# --- the pydantic twin ----------------------------------------------------------------


_TWINS: dict[type[Record], Any] = {}


def _twin(cls: type[Record]) -> Any:
    twin = _TWINS.get(cls)
    if twin is None:
        twin = _TWINS[cls] = _make_twin(cls)
    return twin


def _make_twin(cls: type[Record]) -> Any:
    from pydantic import ConfigDict, create_model, field_validator
    from pydantic import Field as PydanticField

    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        options = dict(f.metadata)
        if f.default is not dataclasses.MISSING:
            info = PydanticField(f.default, **options)
        elif f.default_factory is not dataclasses.MISSING:
            info = PydanticField(default_factory=f.default_factory, **options)
        else:
            info = PydanticField(**options)
        fields[f.name] = (_twin_type(hints[f.name]), info)
    validators = {}
    checks = [check for klass in reversed(cls.__mro__) for check in klass.__dict__.get("_checks", ())]
    for k, (name, check) in enumerate(dict.fromkeys(checks)):
        validators[f"_check_{k}"] = field_validator(name)(_as_validator(check))
    return create_model(
        cls.__name__,
        __config__=ConfigDict(frozen=True, extra="forbid"),
        __doc__=cls._doc,
        __module__=cls.__module__,
        __validators__=validators,
        **fields,
    )


def _as_validator(check: Callable[[Any], Any]) -> Any:
    def validate(model: Any, value: Any) -> Any:
        check(value)
        return value

    return classmethod(validate)


def _twin_type(kind: Any) -> Any:
    """``kind`` with every record in it replaced by its pydantic twin."""
    if _is_record(kind):
        return _twin(kind)
    args = typing.get_args(kind)
    if not args or not any(True for _ in _records_in(kind)):
        return kind
    origin = typing.get_origin(kind)
    new = tuple(_twin_type(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(lambda a, b: a | b, new)
    return origin[new if len(new) > 1 else new[0]]
