"""Messages in the user's language: Vietnamese by default, English on request.

Every text a person reads (check messages, warnings, errors, the summary's labels,
the review page) is looked up by a stable id in a catalogue, one YAML file per
language in ``messages/`` (shipped as ``cchc_extract.messages``)::

    t("check.percent.range.row", table="phu-luc-01b", code="7.2.2", label="...", value="207")

The language is ``vi`` unless ``CCHC_LANG`` (or ``--lang``, or ``use_language``)
says otherwise. Ids (``percent.range``, ``page.no_text``) stay the same in every
language; only the texts differ. Values given to a message are shown the same way
everywhere: a missing one as ``MISSING``, a number in the language's own style
("1.234,5" in Vietnamese, "1,234.5" in English), a date as dd/mm/yyyy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import os
import string
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

DEFAULT = "vi"
LANGUAGES = ("vi", "en")
# the environment variable that chooses the language; the CLI's --lang sets it too, so
# that worker processes speak the same language as the command that started them
ENV = "CCHC_LANG"
# one form for every value the document does not give, in every language and output
MISSING = "—"

_current: ContextVar[str | None] = ContextVar("cchc_language", default=None)


def parse_language(value: str | None) -> str | None:
    """A known language for ``value`` ("en", "EN", "en_US.UTF-8", "vi-VN"), or None."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


def language() -> str:
    """The language messages are written in now."""
    return _current.get() or parse_language(os.environ.get(ENV)) or DEFAULT


def set_language(lang: str) -> None:
    """Write messages in ``lang`` from now on, in this process and the workers it starts."""
    code = parse_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current.set(code)
    os.environ[ENV] = code


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Write messages in ``lang`` inside the ``with`` block (this thread only)."""
    code = parse_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    token = _current.set(code)
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The texts of one language, by id."""
    from .patterncache import data_folder, load_yaml, parsed

    source = data_folder("cchc_extract.messages").joinpath(f"{lang}.yaml")
    data = parsed(source.read_bytes(), load_yaml)  # kept parsed between processes (patterncache)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"messages/{lang}.yaml must map message ids to texts")
    return data


def problems(catalogues: Mapping[str, Mapping[str, str]]) -> list[str]:
    """What keeps catalogues from being translations of each other: an id one language lacks,
    or a text whose placeholders differ from the other languages' (empty when all agree)."""
    found: list[str] = []
    ids = set().union(*catalogues.values())
    for message_id in sorted(ids):
        lacking = [lang for lang, texts in catalogues.items() if message_id not in texts]
        if lacking:
            found.append(f"{message_id}: no text in {', '.join(lacking)}")
            continue
        names = {lang: placeholders(texts[message_id]) for lang, texts in catalogues.items()}
        if len({frozenset(n) for n in names.values()}) > 1:
            found.append(f"{message_id}: placeholders differ: {names}")
    return found


def placeholders(template: str) -> set[str]:
    """The names a text fills in: {"table", "code"} for "{table} row {code}"."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def t(message_id: str, /, **args: Any) -> str:
    """The text of ``message_id`` in the current language, its placeholders filled in."""
    template = catalogue(language())[message_id]
    return template.format_map({name: show(value) for name, value in args.items()}) if args else template


def show(value: Any) -> str:
    """A value as messages show it: missing, a number, a date, or its text."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return t("word.yes") if value else t("word.no")
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def number(value: float) -> str:
    """A number in the current language's style, without a needless ".0"."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if language() == "vi":  # 1.234,5: the dot groups thousands, the comma marks decimals
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def more(shown: int, total: int) -> str | None:
    """ "… và 12 nữa" when a list of ``total`` was cut to ``shown``; None when nothing was cut."""
    return t("word.more", count=total - shown) if total > shown else None


@dataclass(frozen=True)
class Message:
    """A message kept as its id and values, written out in the language current when shown."""

    id: str
    args: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return t(self.id, **self.args)
