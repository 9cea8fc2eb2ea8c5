"""Figures: the quantities a report states in its narrative.

A figure is a number followed by a counted noun from patterns/units.yaml ("313 hồ
sơ"), a ratio ("25/38 nhiệm vụ") or a lone percentage ("100% thủ tục"). A share
written after it ("= 99 %", "(đạt 96,55%)", ", đạt 61%") belongs to it. Numbers
followed by a time word ("6 tháng", "10 ngày"), numbers inside references, and
anything in tables, the header or the closing are not figures.

Figures are also placed in the report's own arithmetic: a total followed by
"Trong đó" and the parts listed under it (``part_of``), and the figure a
percentage is a share of (``share_base``). The consistency rules read these.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .. import patternbook
from ..models import Figure, Span
from ..normalize import Document
from ..numbers import parse_number
from .spans import Spans

SectionOf = Callable[[int], str | None]

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_MARKER = regex.compile(r"^\s*((?:[-–+*•]\s*)+)")
_IN_WHICH = regex.compile(r"(?i)(?<!\p{L})trong\s+đó(?!\p{L})")
# A sentence ends at a full stop or a line break; "4.250 hồ sơ; trong đó ..." goes on.
_SENTENCE_END = regex.compile(r"\.(?=\s|$)|\n")
_CLAUSE_END = regex.compile(r"[.;](?=\s|$)|\n")
_LABEL_STOP = r"[.;()\n]|(?<!\d):|(?<![\p{L}])(?:Trong đó|trong đó)(?!\p{L})"
_SLASHED = r"\S*\d/\S*"  # "25/38", "Kế hoạch 12/KH": tried only where a "/" is, as it costs most
# searched from the right: only the last stop before a figure matters
_LAST_LABEL_STOP = regex.compile(_LABEL_STOP, regex.REVERSE)
_LAST_LABEL_STOP_OR_SLASHED = regex.compile(f"{_LABEL_STOP}|{_SLASHED}", regex.REVERSE)
# words that end a label's clause without being part of what is counted ("... là", "... đạt")
_TRAILING = frozenset(("là", "đạt", "có", "gồm", "được", "với", "đến", "khoảng", "trên", "về"))
_TRAILING_PAIRS = frozenset((("tổng", "cộng"), ("tổng", "số")))
_LABEL_WINDOW = 400
_SENTENCE_MAX = 1500
_LEADING = regex.compile(r"^[\s\-–+*•]+")
_COMMA = regex.compile(r",(?=\s)")
_DIGIT = regex.compile(r"\d")
_ENDS_IN_WHICH = regex.compile(r"(?i)[\s.,;:]*trong\s+đó\s*:?\s*")
_IN_WHICH_LINE = regex.compile(r"(?i)\s*[-+*]?\s*trong\s+đó\s*:?\s*")


@dataclass(frozen=True)
class _Patterns:
    # A ratio "25/38 nhiệm vụ", a count "313 hồ sơ" or a percentage "100%", in one
    # pattern: one scan of the text finds all three, and at a number the first that
    # fits wins in that order.
    figure: regex.Pattern[str]
    share: regex.Pattern[str]
    not_a_figure_before: regex.Pattern[str]


@patternbook.derived
def _patterns() -> _Patterns:
    book = patternbook.units()
    words = patternbook.alternation([w for e in book.entries for w in e.words], ignore_case=True)
    unit = rf"(?P<unit>(?i:{words}))(?!\p{{L}})"
    tail = r"(?![\d/:]|[.,]\d)"
    return _Patterns(
        figure=regex.compile(
            rf"(?<![\p{{L}}\d.,/:\-])(?P<num>{_NUM})"
            rf"(?:\s?/\s?(?P<total>{_NUM}){tail}\s*{unit}|{tail}\s*{unit}|\s?(?P<percent>%))"
        ),
        # a share after the counted noun: "= 99 %", "(đạt 96,55%)", ", đạt 61%", up to five words between
        share=regex.compile(
            rf"(?:\s+[^\s.;,()=]+){{0,5}}?\s*,?\s*(?P<open>\()?\s*(?:=|(?i:đạt|chiếm|bằng|tương\s+ứng|tỷ\s+lệ))"
            rf"\s*:?\s*(?P<pct>{_NUM})\s?%(?(open)\s*\))"
        ),
        # only whether it is there counts: searched from the right, it is tried at the end only
        not_a_figure_before=regex.compile(
            r"(?i)(?:mức\s+độ|điều|khoản|điểm|năm|giai\s+đoạn|số|lần\s+thứ|khóa|phụ\s+lục|đề\s+án)\s*\Z",
            regex.REVERSE,
        ),
    )


@dataclass
class _Found:
    start: int
    end: int
    value: float
    unit: str | None
    share: float | None = None
    of_total: float | None = None


def find_figures(
    doc: Document,
    regions: list[Span],
    section_of: SectionOf = lambda _: None,
    exclude: list[Span] | None = None,
) -> list[Figure]:
    """Figures in the given regions of the normalized text, in reading order."""
    pats = _patterns()
    blocked = sorted(exclude or [])
    found: list[_Found] = []
    for start, end in regions:
        found.extend(_in_region(doc, start, end, pats, blocked))
    found.sort(key=lambda f: f.start)
    figures = [
        Figure(
            text=doc.text[f.start : f.end],
            value=f.value,
            unit=f.unit,
            share_percent=f.share,
            of_total=f.of_total,
            label=_label(doc.text, f.start),
            section=section_of(f.start),
            span=(f.start, f.end),
            page=doc.page_at(f.start),
        )
        for f in found
    ]
    return _arithmetic(doc, figures)


def _in_region(doc: Document, start: int, end: int, pats: _Patterns, blocked: list[Span]) -> list[_Found]:
    text = doc.text
    taken = Spans(blocked)
    out: list[_Found] = []

    narrative: dict[int, bool] = {}  # per line: not a table row, a cell or a bar

    def free(a: int, b: int) -> bool:
        if taken.overlaps(a, b):
            return False
        index = doc.line_index(a)
        if index not in narrative:
            line = doc.line_text(index)
            narrative[index] = "\t" not in line and line.strip() != "|" and not doc.in_cell(index)
        return narrative[index]

    book = patternbook.units()
    for m in pats.figure.finditer(text, start, end):
        if not free(m.start(), m.end()) or pats.not_a_figure_before.search(text, max(0, m.start() - 20), m.start()):
            continue
        value = parse_number(m["num"])
        if value is None:
            continue
        if m["percent"]:
            out.append(_Found(m.start(), m.end(), value, "%"))
            taken.add(*m.span())
            continue
        entry = book.entry(m["unit"])
        if entry is None:
            continue
        stop = m.end()
        share = None
        s = pats.share.match(text, m.end(), min(end, m.end() + 80))
        if s and not _SENTENCE_END.search(text, m.end(), s.start("pct")):
            share = parse_number(s["pct"])
            stop = s.end()
        total = parse_number(m["total"]) if m["total"] else None
        out.append(_Found(m.start(), stop, value, entry.unit, share, total))
        taken.add(m.start(), stop)
    return out


def _label(text: str, start: int) -> str | None:
    """What is counted: the words of the clause before the number (before its colon, if any)."""
    before = _line_before(text, start).rstrip()
    if before.endswith(":"):
        before = before[:-1]
    last = (_LAST_LABEL_STOP_OR_SLASHED if "/" in before else _LAST_LABEL_STOP).search(before)
    cut = last.end() if last else 0
    # a comma ends the label only where another figure stands before it in the clause:
    # "trực tuyến 3.120 hồ sơ, trực tiếp 1.130 hồ sơ", not "một cửa, một cửa liên thông"
    for m in _COMMA.finditer(before[cut:]):
        if _DIGIT.search(before[cut : cut + m.start()]):
            cut += m.end()
            break
    words = _LEADING.sub("", before[cut:]).split()
    while len(words) > 1:  # a word at the very start stays: it is the label
        if words[-1].casefold() in _TRAILING:
            words.pop()
        elif len(words) > 2 and (words[-2].casefold(), words[-1].casefold()) in _TRAILING_PAIRS:
            del words[-2:]
        else:
            break
    return " ".join(words[-16:]) or None


# --- the report's own arithmetic ----------------------------------------------


def _marker(line: str) -> str:
    m = _MARKER.match(line)
    return "".join(m[1].split()) if m else ""


def _arithmetic(doc: Document, figures: list[Figure]) -> list[Figure]:
    """Link parts to their total ("Trong đó") and shares to their base."""
    part_of: dict[int, Span] = {}
    share_base: dict[int, Span] = {}
    by_line: dict[int, list[int]] = {}
    for i, f in enumerate(figures):
        by_line.setdefault(doc.line_index(f.span[0]), []).append(i)
    aside = {i for i, f in enumerate(figures) if _in_parentheses(doc.text, f.span[0])}
    starts = {line: [figures[k].span[0] for k in ks] for line, ks in by_line.items()}

    def on_line(line: int) -> tuple[list[int], list[int]]:
        return by_line.get(line, []), starts.get(line, [])

    for i, total in enumerate(figures):
        if total.unit == "%" or i in part_of or i in aside:
            continue
        line = doc.line_index(total.span[0])
        sentence_end = _sentence_end(doc.text, total.span[1])
        inline = _IN_WHICH.search(doc.text, total.span[1], sentence_end)
        between = (
            [k for k in _between(on_line(line), total.span[1] - 1, inline.start()) if k not in aside] if inline else []
        )
        if inline and not between:
            # the parts run from "trong đó" to the end of the clause: "...; trình độ ..." is another;
            # figures in parentheses are comparisons ("tăng 10,48% so cùng kỳ (10.482 tỷ đồng)")
            parts_end = min(sentence_end, _clause_end(doc.text, inline.end()))
            parts = [
                k
                for k in _between(on_line(line), inline.end(), parts_end)
                if figures[k].unit == total.unit and k not in aside
            ]
            for k in parts:
                part_of[k] = total.span
            continue
        if inline:
            continue
        block = _block_after(doc, line, total.span[1])
        if block is None:
            continue
        part_lines, deeper_lines = block
        last_part: int | None = None
        for index in sorted(part_lines + deeper_lines):
            for k in by_line.get(index, []):
                if figures[k].unit != total.unit:
                    continue
                if index in part_lines and (last_part is None or doc.line_index(figures[last_part].span[0]) != index):
                    part_of[k] = total.span
                    last_part = k
                elif last_part is not None and figures[k].share_percent is not None:
                    share_base[k] = figures[last_part].span
    for k, span in part_of.items():
        if figures[k].share_percent is not None and k not in share_base:
            share_base[k] = span
    return [
        f.model_copy(update={"part_of": part_of.get(i), "share_base": share_base.get(i)})
        if i in part_of or i in share_base
        else f
        for i, f in enumerate(figures)
    ]


def _between(line: tuple[list[int], list[int]], after: int, before: int) -> list[int]:
    """Figures of one line (indexes and starts, in reading order) starting after ``after``, before ``before``."""
    indexes, starts = line
    return indexes[bisect.bisect_right(starts, after) : bisect.bisect_left(starts, before)]


def _line_before(text: str, pos: int) -> str:
    """The line up to ``pos``, at most _LABEL_WINDOW characters: a huge line must not cost its length."""
    window = max(0, pos - _LABEL_WINDOW)
    return text[max(text.rfind("\n", window, pos) + 1, window) : pos]


def _in_parentheses(text: str, pos: int) -> bool:
    before = _line_before(text, pos)
    return before.count("(") > before.count(")")


def _clause_end(text: str, pos: int) -> int:
    end = min(len(text), pos + _SENTENCE_MAX)
    m = _CLAUSE_END.search(text, pos, end)
    return m.start() if m else end


def _sentence_end(text: str, pos: int) -> int:
    """Where the sentence goes on to; a "sentence" without a full stop ends after _SENTENCE_MAX characters."""
    end = min(len(text), pos + _SENTENCE_MAX)
    m = _SENTENCE_END.search(text, pos, end)
    return m.start() if m else end


def _block_after(doc: Document, line: int, after: int) -> tuple[list[int], list[int]] | None:
    """Lines listing the parts of a total whose line ends with "Trong đó:" (or is followed
    by a "Trong đó:" line): those with the first item's bullet are parts, those with
    another bullet are details of the part above, one with the total's bullet ends it."""
    text = doc.line_text(line)
    line_end = doc.lines[line].end
    if line_end - after > 80:
        return None  # more than "Trong đó:" follows the total on its line
    rest = doc.text[after:line_end]
    k = line + 1
    # the total ends its line with "Trong đó:", or the next line is "Trong đó:" alone
    inline = _ENDS_IN_WHICH.fullmatch(rest)
    if not inline and rest.strip(" .,;:"):
        return None
    if not inline:
        while k < len(doc.lines) and not doc.line_text(k).strip():
            k += 1
        if k >= len(doc.lines) or not _IN_WHICH_LINE.fullmatch(doc.line_text(k)):
            return None
        k += 1
    own = _marker(text)
    first: str | None = None
    parts: list[int] = []
    deeper: list[int] = []
    while k < len(doc.lines) and k <= line + 40:
        item = doc.line_text(k)
        if not item.strip():
            k += 1
            continue
        if patternbook.any_heading().match(item.strip()) and not _MARKER.match(item):
            break
        mark = _marker(item)
        if first is None:
            first = mark
        if mark == own and mark != first:
            break
        if mark == first:
            parts.append(k)
        else:
            deeper.append(k)
        k += 1
    return (parts, deeper) if len(parts) >= 2 else None
