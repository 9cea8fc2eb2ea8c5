"""Load the YAML files in ``patterns/``, validate them, compile them once.

The files are data a clerk edits; this module is the only code that reads them.
Every malformed entry of a file is reported in one ``PatternError``, not just the first.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, overload

import regex

from .errors import PatternError
from .patterncache import PATTERNS_ENV, data_folder, install, load_yaml, parsed
from .records import Field, Record

install()  # the patterns compiled from here on are kept on disk between processes (patterncache)

_DERIVED: list[Any] = []


_F = TypeVar("_F", bound=Callable[..., Any])


@overload
def derived(function: _F) -> _F: ...
@overload
def derived(*, maxsize: int | None = None) -> Callable[[_F], _F]: ...
def derived(function: Any = None, *, maxsize: int | None = None) -> Any:
    """Cache a value computed from the pattern files; ``reload()`` forgets it.

    ``@derived`` for a value computed once (a compiled pattern), ``@derived(maxsize=N)``
    for one computed per argument (a name re-cased), which a long batch must bound.
    """

    def wrap(fn: Any) -> Any:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _DERIVED.append(cached)
        return cached

    return wrap(function) if function is not None else wrap


class Entry(Record):
    """An entry of a pattern file: checked by its pydantic twin when the file is first read."""


class DocTypeEntry(Entry):
    code: str | None
    name: str
    words: list[str]
    kind: str
    examples: list[str] = Field(default_factory=list)


class IssuerCodeEntry(Entry):
    code: str
    name: str
    default_type: str | None = None
    examples: list[str] = Field(default_factory=list)


def _compiles(value: str) -> None:
    try:
        regex.compile(value)
    except regex.error as exc:
        raise ValueError(f"pattern does not compile: {exc}") from exc


def _captures_number_and_title(value: str) -> None:
    missing = {"number", "title"} - set(regex.compile(value).groupindex)
    if missing:
        raise ValueError(f"pattern lacks groups {sorted(missing)}")


class _PatternEntry(Entry):
    """An entry that is one regex, with the texts it must find and must not."""

    _checks = (("pattern", _compiles),)

    id: str
    pattern: str
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class HeadingForm(_PatternEntry):
    _checks = (("pattern", _captures_number_and_title),)


class ReferenceForm(Entry):
    id: str
    pattern: str
    # The pattern is searched once per alternative, with {alternative} replaced by
    # it: a pattern that starts with one word is found by a fast scan for that word,
    # one that starts with a choice between words is tried at every character.
    alternatives: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)

    def expanded(self, fragments: dict[str, str]) -> list[str]:
        """The patterns to search for, fragments filled in: one per alternative."""
        return [expand(self.pattern.replace("{alternative}", a), fragments) for a in self.alternatives or [""]]


class UnitEntry(Entry):
    family: str
    words: list[str]
    examples: list[str] = Field(default_factory=list)


class _UnitsFile(Entry):
    units: list[UnitEntry]
    measures: list[str]
    scales: list[str]
    pairs: list[str]
    phrase_stops: list[str]
    phrase_words: int
    not_units: list[str]
    not_after: list[str]
    not_after_except: list[str]
    not_after_unless_counted: list[str]
    target_words: list[str]
    label_abbreviations: dict[str, str]
    label_stop_words: list[str]


class _DocTypesFile(Entry):
    types: list[DocTypeEntry]


class _IssuersFile(Entry):
    codes: list[IssuerCodeEntry]
    abbreviations: dict[str, str]
    phrases: dict[str, str]
    proper_names: list[str]
    whole_bodies: list[str]
    whole_body_terms: list[str]
    admin_units: list[str]
    stop_words: list[str]
    name_words: list[str] = Field(default_factory=list)
    organs: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)


class _HeadingsFile(Entry):
    forms: list[HeadingForm]


class LayoutPattern(_PatternEntry):
    """A word or mark of a document's layout (patterns/layout.yaml)."""


class _LayoutFile(Entry):
    patterns: list[LayoutPattern]


class _ReferencesFile(Entry):
    fragments: dict[str, str]
    forms: list[ReferenceForm]
    date_forms: list[ReferenceForm]
    counterexamples: list[str]


_E = TypeVar("_E", bound=Entry)


def _validated(name: str, model: type[_E]) -> _E:
    """A pattern file's entries. A clerk trying a new pattern points ``PATTERNS_ENV``
    (``CCHC_PATTERNS``) at a copy of patterns/, without reinstalling.

    The file is parsed and checked (by the model's pydantic twin) once; patterncache keeps the
    checked data under the hash of the file's bytes and the model's shape, so that a later
    process builds the entries from it without importing PyYAML or pydantic."""
    override = os.environ.get(PATTERNS_ENV)
    source = Path(override) / name if override else data_folder("cchc_extract.patterns").joinpath(name)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise PatternError(f"patterns/{name}", "error.patterns.yaml", reason=str(exc)) from exc
    return model.from_validated(parsed(raw, lambda raw: _check(name, model, raw), kind=model.shape()))


def _check(name: str, model: type[Entry], raw: bytes) -> dict[str, Any]:
    from pydantic import ValidationError

    try:
        data = load_yaml(raw)
    except ValueError as exc:  # a YAML error, or bytes that are not UTF-8
        raise PatternError(f"patterns/{name}", "error.patterns.yaml", reason=str(exc)) from exc
    try:
        return model.validated_dump(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise PatternError(
            f"patterns/{name}", "error.patterns.entries", count=exc.error_count(), problems=problems
        ) from exc


@dataclass(frozen=True)
class Units:
    entries: tuple[UnitEntry, ...]
    by_word: dict[str, UnitEntry]
    measures: tuple[str, ...]
    scales: tuple[str, ...]
    pairs: tuple[str, ...]
    phrase_stops: frozenset[str]
    phrase_words: int
    not_units: tuple[str, ...]
    not_after: tuple[str, ...]
    not_after_except: tuple[str, ...]
    not_after_unless_counted: tuple[str, ...]
    target_words: tuple[str, ...]
    label_abbreviations: dict[str, str]
    label_stop_words: frozenset[str]

    def entry(self, written: str) -> UnitEntry | None:
        return self.by_word.get(" ".join(written.casefold().split()))

    def family_of(self, unit: str | None) -> str | None:
        """The family of a unit as written, from the words it begins with ("hồ sơ trực tuyến"
        -> "hồ sơ", "cán bộ, công chức" -> "người"), longest word first; None if unknown."""
        if not unit:
            return None
        folded = " ".join(unit.casefold().split())
        match = _unit_word_pattern().match(folded)
        return self.by_word[match[0]].family if match else None

    def family_in(self, text: str | None) -> str | None:
        """The unit family named anywhere in ``text`` ("Số lượng hồ sơ" -> "hồ sơ"), longest word first."""
        if not text:
            return None
        return _family_in(" ".join(text.casefold().split()))


@derived
def _family_in(folded: str) -> str | None:
    book = units()
    match = _unit_word_pattern().search(folded)
    return book.by_word[match[0]].family if match else None


@derived
def _unit_word_pattern() -> regex.Pattern[str]:
    return regex.compile(rf"(?<![\p{{L}}\d])(?:{alternation(units().by_word)})(?![\p{{L}}\d])")


@derived
def units() -> Units:
    data: _UnitsFile = _validated("units.yaml", _UnitsFile)
    by_word: dict[str, UnitEntry] = {}
    for entry in data.units:
        for word in entry.words:
            by_word.setdefault(" ".join(word.casefold().split()), entry)
    return Units(
        entries=tuple(data.units),
        by_word=by_word,
        measures=tuple(data.measures),
        scales=tuple(data.scales),
        pairs=tuple(data.pairs),
        phrase_stops=frozenset(w.casefold() for w in data.phrase_stops),
        phrase_words=data.phrase_words,
        not_units=tuple(data.not_units),
        not_after=tuple(data.not_after),
        not_after_except=tuple(data.not_after_except),
        not_after_unless_counted=tuple(data.not_after_unless_counted),
        target_words=tuple(data.target_words),
        label_abbreviations=dict(data.label_abbreviations),
        label_stop_words=frozenset(w.casefold() for w in data.label_stop_words),
    )


def reload() -> None:
    """Forget every loaded file and everything derived from them; the next use reads them again."""
    for cached in _DERIVED:
        cached.cache_clear()


def alternation(words: Iterable[str], *, ignore_case: bool = False) -> str:
    """A regex that matches any of the literal words, the longest where several fit;
    a space in a word matches any run of white space.

    The words are written as a trie ("thủ\\s+tục(?:\\s+hành\\s+chính)?|thôn"): at each
    character one branch at most can go on, where a plain alternation would try
    every word in turn. ``ignore_case``: the words are case-folded first, and the
    result must then be used inside ``(?i:...)``.

    The words come from the pattern files, so the result is kept by patterncache, under the
    words themselves, for the next process.
    """
    unique = sorted({w.casefold() for w in words} if ignore_case else set(words))
    written: str = parsed("\n".join(unique).encode(), lambda _: _alternation(unique), kind="alternation")
    return written


def _alternation(words: list[str]) -> str:
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie(tree)


_escape = functools.lru_cache(maxsize=4096)(regex.escape)  # one character at a time, and the same few hundred


def _trie(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if char == " " else _escape(char)) + _trie(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # greedy: a longer word is tried before the shorter one that ends here
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True)
class DocTypes:
    entries: tuple[DocTypeEntry, ...]
    by_code: dict[str, DocTypeEntry]
    by_code_folded: dict[str, str]
    by_word: dict[str, DocTypeEntry]

    def canonical_code(self, code: str) -> str | None:
        """The table's spelling of a type code written in any case ("TTR" -> "TTr")."""
        return self.by_code_folded.get(code.casefold())

    def name_for_word(self, word: str) -> str | None:
        entry = self.by_word.get(" ".join(word.casefold().split()))
        return entry.name if entry else None


@dataclass(frozen=True)
class Issuers:
    codes: dict[str, IssuerCodeEntry]
    codes_folded: dict[str, str]
    abbreviations: dict[str, str]
    phrases: dict[str, str]
    proper_names: tuple[str, ...]
    whole_bodies: tuple[str, ...]
    whole_body_terms: tuple[str, ...]
    admin_units: tuple[str, ...]
    stop_words: tuple[str, ...]
    name_words: frozenset[str] = frozenset()
    organs: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()

    def canonical_code(self, code: str) -> str | None:
        return self.codes_folded.get(code.casefold())


@derived
def doc_types() -> DocTypes:
    data: _DocTypesFile = _validated("doc_types.yaml", _DocTypesFile)
    by_code = {e.code: e for e in data.types if e.code}
    by_word: dict[str, DocTypeEntry] = {}
    for entry in data.types:
        for word in entry.words:
            by_word.setdefault(" ".join(word.casefold().split()), entry)
    return DocTypes(
        entries=tuple(data.types),
        by_code=by_code,
        by_code_folded={c.casefold(): c for c in by_code},
        by_word=by_word,
    )


@derived
def issuers() -> Issuers:
    data: _IssuersFile = _validated("issuers.yaml", _IssuersFile)
    codes = {e.code: e for e in data.codes}
    return Issuers(
        codes=codes,
        codes_folded={c.casefold(): c for c in codes},
        abbreviations=dict(data.abbreviations),
        phrases={k.casefold(): v for k, v in data.phrases.items()},
        proper_names=tuple(data.proper_names),
        whole_bodies=tuple(data.whole_bodies),
        whole_body_terms=tuple(data.whole_body_terms),
        admin_units=tuple(data.admin_units),
        stop_words=tuple(data.stop_words),
        name_words=frozenset(w.casefold() for w in data.name_words),
        organs=tuple(data.organs),
        titles=tuple(data.titles),
    )


@dataclass(frozen=True)
class CompiledHeading:
    id: str
    regex: regex.Pattern[str]


@derived
def heading_forms() -> tuple[CompiledHeading, ...]:
    return tuple(CompiledHeading(f.id, regex.compile(f.pattern)) for f in heading_entries())


@derived
def any_heading() -> regex.Pattern[str]:
    """One pattern for all heading forms, in their order, each branch named ``f<index>``:
    most lines are no heading, and one test tells so sooner than a test per form;
    ``lastgroup`` of a match names the first form that fits."""
    branches = (f"(?P<f{k}>{regex.sub(r'[(][?]P<[^>]+>', '(?:', f.pattern)})" for k, f in enumerate(heading_entries()))
    return regex.compile("|".join(branches))


@derived
def heading_entries() -> tuple[HeadingForm, ...]:
    return tuple(_validated("headings.yaml", _HeadingsFile).forms)


@derived
def layout_entries() -> tuple[LayoutPattern, ...]:
    return tuple(_validated("layout.yaml", _LayoutFile).patterns)


@derived(maxsize=None)
def layout(name: str) -> regex.Pattern[str]:
    """The compiled pattern of patterns/layout.yaml named ``name`` ("motto", "recipients" ...)."""
    for entry in layout_entries():
        if entry.id == name:
            return regex.compile(entry.pattern)
    raise PatternError("patterns/layout.yaml", "error.patterns.missing", name=name)


@derived
def reference_file() -> _ReferencesFile:
    return _validated("references.yaml", _ReferencesFile)


def expand(pattern: str, fragments: dict[str, str]) -> str:
    """Replace ``{name}`` placeholders by fragments (fragments may use earlier ones)."""
    for _ in range(5):
        new = regex.sub(r"\{(\w+)\}", lambda m: fragments.get(m[1], m[0]), pattern)
        if new == pattern:
            break
        pattern = new
    return pattern


@derived
def reference_fragments() -> dict[str, str]:
    """Fragments of references.yaml, plus the type words built from doc_types.yaml."""
    data = reference_file()
    words = [w for e in doc_types().entries for w in e.words]
    fragments = dict(data.fragments)
    fragments["type_word"] = f"(?i:{alternation(words, ignore_case=True)})"
    codes = [e.code for e in doc_types().entries if e.code] + list(issuers().codes)
    fragments["known_code"] = f"(?i:{alternation(codes, ignore_case=True)})"
    return {k: expand(v, fragments) for k, v in fragments.items()}


class FontFamily(Entry):
    encoding: str
    prefixes: list[str]
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class CapitalFonts(Entry):
    suffix: str
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class Syllables(Entry):
    onsets: list[str]
    rhymes: list[str]
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class CapitalWords(Entry):
    words: list[str]
    examples: list[str] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class EncodingsFile(Entry):
    fonts: list[FontFamily]
    capital_fonts: CapitalFonts
    tcvn3_capitals: CapitalWords
    syllables: Syllables


@derived
def encodings_file() -> EncodingsFile:
    """Legacy-font families and the shape of a Vietnamese syllable (``encodings.yaml``)."""
    return _validated("encodings.yaml", EncodingsFile)
