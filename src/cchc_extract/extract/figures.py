"""Figures: the quantities a report states in its narrative.

A figure is a number followed by its unit as written: a measure ("52gam", "150-200
mA", "1.446.000 đồng/ha/năm"), a scale and its word ("4.500 tỷ đồng"), or the noun
phrase counted ("313 hồ sơ trực tuyến", "40 xã, phường"), which ends where the
sentence goes on (patterns/units.yaml: its stop words, punctuation, a number, a
name); a ratio ("25/38 nhiệm vụ"); or a lone percentage ("100% thủ tục"). A share
written after it ("= 99 %", "(đạt 96,55%)", ", đạt 61%") belongs to it. Numbers
followed by a period or an age ("6 tháng", "15 tuổi"), after a word that makes
them a label ("Điều 5", "mức độ 4"), numbers inside references, and numbers alone
in a table cell (no unit follows them) are not figures.

Figures are also placed in the report's own arithmetic: a total followed by
"Trong đó" and the parts listed under it (``part_of``), and the figure a
percentage is a share of (``share_base``). The consistency rules read these.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .. import patternbook
from ..models import Figure, Span
from ..normalize import Document
from ..numbers import parse_number
from .spans import Spans

SectionOf = Callable[[int], str | None]

# A number: thousands grouped by dots ("1.446.000", "5.817,196"), a comma decimal ("96,55"),
# or a dot decimal where the digits after the dot cannot be a thousands group ("92.8", "13.92").
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+\.\d{1,2}(?![\d.])|\d+(?:,\d+)?"
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
_ENDS_SENTENCE = regex.compile(r"[.;:!?)”\"]\Z")
_ENDS_IN_WHICH = regex.compile(r"(?i)[\s.,;:]*trong\s+đó\s*:?\s*")
_IN_WHICH_LINE = regex.compile(r"(?i)\s*[-+*]?\s*trong\s+đó\s*:?\s*")
# a word of a counted noun phrase: letters, and a hyphen inside ("đi-ốt")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*")
_ACRONYM = regex.compile(r"[\p{Lu}\d&]{2,8}")
_SPELLED = regex.compile(r" ?\(\p{Ll}[\p{Ll}\s]{0,40}\)")
# a number written before a measure of power: "DC60V", "AC220V"
_CURRENT = regex.compile(r"(?<![\p{L}])(?:DC|AC)\Z")


@dataclass(frozen=True)
class _Patterns:
    # A number, with a ratio ("25/38"), a range ("150-200", "từ 07 đến 09") or a
    # percent sign after it; the unit after it is read by _unit_after.
    figure: regex.Pattern[str]
    share: regex.Pattern[str]
    not_a_figure_before: regex.Pattern[str]
    excepted_before: regex.Pattern[str]
    label_before: regex.Pattern[str]
    restated: regex.Pattern[str]
    measure: regex.Pattern[str]
    scale: regex.Pattern[str]
    pair: regex.Pattern[str]
    period: regex.Pattern[str]
    known: regex.Pattern[str]


@patternbook.derived
def _patterns() -> _Patterns:
    book = patternbook.units()
    return _Patterns(
        figure=regex.compile(
            rf"(?:(?<![\p{{L}}\d.,/:\-+−])|(?<=(?<!\p{{L}})(?:DC|AC)))"
            rf"(?:(?<=^|[\s(>])(?P<sign>[-−+])(?=\d))?(?P<num>{_NUM})"
            rf"(?:\s?/\s?(?P<total>{_NUM})(?![\d/:]|[.,]\d)"
            rf"|(?P<range>[ \t]?[-–][ \t]?|\n-[ \t]|\s+(?:đến|tới)\s+)"
            rf"(?P<sign2>[-−+])?(?P<num2>{_NUM})(?![\d/:]|[.,]\d))?"
            rf"(?P<percent>\s?%)?",
            regex.M,
        ),
        # a share after the counted noun: "= 99 %", "(đạt 96,55%)", ", đạt 61%", up to five words between
        share=regex.compile(
            rf"(?:\s+[^\s.;,()=]+){{0,5}}?\s*,?\s*(?P<open>\()?\s*(?:=|(?i:đạt|chiếm|bằng|tương\s+ứng|tỷ\s+lệ))"
            rf"\s*:?\s*(?P<pct>{_NUM})\s?%(?(open)\s*\))"
        ),
        # only whether it is there counts: searched from the right, it is tried at the end only
        not_a_figure_before=regex.compile(
            rf"(?i)(?<!\p{{L}})(?:{patternbook.alternation(book.not_after, ignore_case=True)})\s*\Z",
            regex.REVERSE,
        ),
        # a compound ending in such a word that is no such word ("thí điểm 05 mô hình")
        excepted_before=regex.compile(
            rf"(?i)(?<!\p{{L}})(?:{patternbook.alternation(book.not_after_except, ignore_case=True)})\s*\Z",
            regex.REVERSE,
        ),
        # a word before which a number is a label unless a known counted noun follows ("nhóm")
        label_before=regex.compile(
            rf"(?i)(?<!\p{{L}})(?:{patternbook.alternation(book.not_after_unless_counted, ignore_case=True)})\s*\Z",
            regex.REVERSE,
        ),
        # a percentage further on in the sentence that may restate a fraction: "165/165 kiến
        # nghị đã được trả lời (đạt 100%)"
        restated=regex.compile(rf"(?:=|(?i:đạt|chiếm|bằng|tương\s+ứng|tỷ\s+lệ))\s*:?\s*(?P<pct>{_NUM})\s?%"),
        measure=regex.compile(rf"(?:{patternbook.alternation(book.measures)})(?![\p{{L}}\d])"),
        scale=regex.compile(rf"(?i:{patternbook.alternation(book.scales, ignore_case=True)})\s(?P<word>\p{{L}}+)"),
        pair=regex.compile(rf"(?i:{patternbook.alternation(book.pairs, ignore_case=True)})(?![\p{{L}}])"),
        period=regex.compile(rf"(?i:{patternbook.alternation(book.not_units, ignore_case=True)})(?!\p{{L}})"),
        known=regex.compile(rf"(?i:{patternbook.alternation(book.by_word, ignore_case=True)})(?!\p{{L}})"),
    )


@dataclass
class _Found:
    start: int
    end: int
    value: float
    unit: str | None
    family: str | None = None
    share: float | None = None
    of_total: float | None = None


@dataclass(frozen=True)
class _Unit:
    text: str
    end: int
    measure: bool  # a unit of measure, not a counted noun


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
            unit_family=f.family,
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

    def free(a: int, b: int) -> bool:
        return not taken.overlaps(a, b)

    book = patternbook.units()
    for m in pats.figure.finditer(text, start, end):
        first = m.start("num") if not m["sign"] else m.start("sign")
        if not free(first, m.end()):
            continue
        lead = max(0, first - 24)
        if _counts_nothing(text, lead, first, m.end(), end, pats):
            continue
        value = parse_number(m["num"])
        if value is None:
            continue
        if m["sign"] and m["sign"] in "-−":
            value = -value
        if m["percent"]:
            values: list[tuple[int, float | None, int]] = [(first, value, m.end())]
            if m["num2"]:
                values = [(first, value, m.start("range")), (m.start("num2"), _signed(m, "2"), m.end())]
            for a, v, b in values:
                if v is not None:
                    out.append(_Found(a, b, v, "%"))
            taken.add(first, m.end())
            continue
        glued_to_current = bool(_CURRENT.search(text, max(0, first - 2), first))
        # the number spelled out after it, as laws write it: "09 (chín) ký tự", "05 (năm) năm"
        spelled = _SPELLED.match(text, m.end(), end)
        unit = _unit_after(text, spelled.end() if spelled else m.end(), end, pats, book)
        if unit is None or (glued_to_current and not unit.measure):
            continue
        if m["num2"] and "\n" in m["range"] and not unit.measure:
            continue  # "10\n- 5 hồ sơ": a number, then a list item
        if not unit.measure and len(unit.text) < 2:
            continue  # "6 b": a letter cut off (OCR), no noun
        if _mark_at_line_start(text, first, m, unit):
            continue
        total = parse_number(m["total"]) if m["total"] else None
        if total is not None and total <= 4 and value < total:
            continue  # "quá 1/2 thành viên", "2/3 số đại biểu": a fraction of them, no count
        if not free(first, unit.end):
            continue  # "các Điều 28, 30 và 32 Nghị định 58/2024/NĐ-CP": the unit is a reference's
        family = book.family_of(unit.text)
        stop = unit.end
        share = None
        s = pats.share.match(text, unit.end, min(end, unit.end + 80))
        if s and not _SENTENCE_END.search(text, unit.end, s.start("pct")):
            share = parse_number(s["pct"])
            stop = s.end()
        elif total:
            restated = _restated_share(text, unit.end, end, value, total, pats)
            if restated:  # the count's share, not a figure of its own
                share = parse_number(restated["pct"])
                taken.add(restated.start(), restated.end())
        if m["num2"]:
            second = _signed(m, "2")
            out.append(_Found(first, m.start("range"), value, unit.text, family))
            if second is not None:
                out.append(_Found(m.start("num2"), stop, second, unit.text, family, share))
        else:
            out.append(_Found(first, stop, value, unit.text, family, share, total))
        taken.add(first, stop)
        if unit.measure:  # "200m-500m": the range's second end, with the same measure
            again = regex.match(
                rf"[ \t]?[-–][ \t]?({_NUM}){regex.escape(unit.text)}(?![\p{{L}}\d])", text[stop : stop + 24]
            )
            if again and parse_number(again[1]) is not None and free(stop, stop + again.end()):
                out.append(
                    _Found(stop + again.start(1), stop + again.end(), parse_number(again[1]) or 0.0, unit.text, family)
                )
                taken.add(stop, stop + again.end())
    return out


def _mark_at_line_start(text: str, first: int, m: regex.Match[str], unit: _Unit) -> bool:
    """A footnote's number at the start of a line before a capitalised word, as a PDF's text
    layer gives a footnote ("3 Kế hoạch Kiểm tra công tác cải cách hành chính là ..."): a
    document writes a count with its leading zero ("03 Kế hoạch") or within a sentence. The
    line before ends a sentence or is blank; a line wrapped by hand ("... đã ban hành\n15 Kế
    hoạch") goes on with a count."""
    line_start = text.rfind("\n", 0, first) + 1
    if (
        unit.measure
        or not unit.text[:1].isupper()
        or _ACRONYM.fullmatch(unit.text.split()[0])  # "31 TTHC chưa đáp ứng" in a table's cell counts
        or m["total"]
        or m["num2"]
        or len(m["num"]) > 2
        or m["num"].startswith("0")
        or text[line_start:first].strip()
    ):
        return False
    before = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1 : max(0, line_start - 1)].strip()
    return not before or bool(_ENDS_SENTENCE.search(before))


def _counts_nothing(text: str, lead: int, first: int, after: int, end: int, pats: _Patterns) -> bool:
    """Whether the word before the number at ``first`` makes it a number of something else
    ("Điều 5", "năm 2025", "nhóm 2"); not where that word ends a compound that is no such
    word ("thí điểm 05 mô hình"), nor where it is a label and a noun the units know follows
    the number (``after``): "nằm trong nhóm 15 tỉnh, thành phố" counts."""
    if not pats.not_a_figure_before.search(text, lead, first) or pats.excepted_before.search(text, lead, first):
        return False
    if pats.label_before.search(text, lead, first) and after < end and text[after] == " ":
        return not (pats.pair.match(text, after + 1, end) or pats.known.match(text, after + 1, end))
    return True


def _signed(m: regex.Match[str], which: str) -> float | None:
    value = parse_number(m[f"num{which}"])
    if value is not None and m[f"sign{which}"] and m[f"sign{which}"] in "-−":
        return -value
    return value


def _unit_after(text: str, pos: int, end: int, pats: _Patterns, book: patternbook.Units) -> _Unit | None:
    """The unit written at ``pos``, right after a number: a measure ("mm", "đồng/ha/năm"), a
    scale and its word ("tỷ đồng"), or a counted noun phrase ("hồ sơ trực tuyến"); None
    where what follows is no unit (a period, a name, punctuation)."""
    glued = pos < end and not text[pos].isspace()
    q = pos if glued else pos + 1
    if q >= end or (not glued and text[pos] != " " and not _wrapped(text, pos)):
        return None  # a tab or a line break: the next cell or line is not this number's unit
    measure = pats.measure.match(text, q, end)
    if measure:
        return _Unit(
            text[q : _rate(text, measure.end(), end, pats, book)], _rate(text, measure.end(), end, pats, book), True
        )
    if glued:
        return None  # "2025TT", "3a": letters glued to a number that are no measure
    period = pats.period.match(text, q, end)
    if period:
        known = pats.known.match(text, q, end)
        if not known or known.end() <= period.end():
            return None  # "6 tháng", "05 điều"; but "22 Chương trình", "02 kỳ đối thoại" are counts
    scaled = pats.scale.match(text, q, end)
    if scaled:
        return _Unit(text[q : scaled.end()], scaled.end(), False)
    phrase_end = _noun_phrase(text, q, end, pats, book)
    if phrase_end is None:
        return None
    phrase_end = _rate(text, phrase_end, end, pats, book)
    return _Unit(text[q:phrase_end], phrase_end, False)


def _restated_share(
    text: str, pos: int, end: int, value: float, total: float, pats: _Patterns
) -> regex.Match[str] | None:
    """The percentage that restates the fraction value/total further on in its sentence, as
    the next number written after it ("165/165 kiến nghị đã được các cơ quan trả lời (đạt
    100%)"), equal to it as rounded to the digits written; None where the next number is
    anything else."""
    stop = min(_sentence_end(text, pos), end)
    digit = _DIGIT.search(text, pos, stop)
    found = pats.restated.search(text, pos, stop) if digit else None
    if not found or found.start("pct") != digit.start():
        return None
    pct = parse_number(found["pct"])
    decimals = regex.search(r"[.,](\d+)\Z", found["pct"])
    # rounded to the digits written, give or take a clerk's rounding of the digit after ("86,1%"
    # for 629/731, 86.05): "30,2%" for 42/139 (30.22), but not "98%" for 97/100
    if pct is None or abs(pct - 100 * value / total) > 0.5 * 10.0 ** -(len(decimals[1]) if decimals else 0) + 0.06:
        return None
    return found


def _wrapped(text: str, pos: int) -> bool:
    """A line break at ``pos`` that only wraps a paragraph ("... sẽ có 23\ntỉnh, thành phố"):
    a long line of running text before it, a word in lower case after it."""
    if text[pos] != "\n":
        return False
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos]
    return len(line) >= 40 and "\t" not in line and "|" not in line and text[pos + 1 : pos + 2].islower()


def _noun_phrase(text: str, q: int, end: int, pats: _Patterns, book: patternbook.Units) -> int | None:
    """Where the noun phrase counted from ``q`` ends ("45 đơn vị hành chính cấp xã, gồm"):
    its words up to a stop word, punctuation, a number, a name or the longest length; None
    where no noun starts at ``q``."""
    # a pair ("xã, phường") or a noun the units know ("chỉ tiêu", whose "chỉ" alone would end it)
    head = pats.pair.match(text, q, end) or pats.known.match(text, q, end)
    pos, count = (head.end(), len(head[0].split())) if head else (q, 0)
    while count < book.phrase_words:
        gap = pos if count == 0 else pos + 1
        if count and not (pos < end and text[pos] == " "):
            break
        word = _WORD.match(text, gap, end)
        if not word:
            break
        written = word[0]
        folded = written.casefold()
        nxt = _WORD.match(text, word.end() + 1, end) if word.end() < end and text[word.end()] == " " else None
        two = f"{folded} {nxt[0].casefold()}" if nxt else None
        if folded in book.phrase_stops or (two and two in book.phrase_stops):
            break
        if (
            written[:1].isupper()
            and not _ACRONYM.fullmatch(written)
            and (count or not _capital_nouns().match(text, gap))
        ):
            break  # a name ("34 Luật Doanh nghiệp", "03 tỉnh Ninh Bình")
        if count == 0 and pats.period.match(text, word.start(), end):
            return None
        pos, count = word.end(), count + 1
    return pos if count else None


@patternbook.derived
def _capital_nouns() -> regex.Pattern[str]:
    """Nouns counted even when written with a capital ("16 Hội", "02 Quyết định"): the units'
    words and the document types' words, whole."""
    words = [*patternbook.units().by_word, *(w for e in patternbook.doc_types().entries for w in e.words)]
    return regex.compile(rf"(?i:{patternbook.alternation(words, ignore_case=True)})(?!\p{{L}})")


def _rate(text: str, pos: int, end: int, pats: _Patterns, book: patternbook.Units) -> int:
    """The unit goes on after "/" with what it is per: a measure or period ("đồng/ha/năm",
    "lần/ngày"), a noun of one or two words ("con/phụ nữ"), or a count of one ("bé trai/100
    bé gái"); not with a longer phrase ("GB/hộp thư điện tử") or a time span ("thư/10 phút")."""
    while pos < end and text[pos] == "/":
        q = pos + 1
        measure = pats.measure.match(text, q, end) or pats.period.match(text, q, end)
        if measure:
            pos = measure.end()
            continue
        count = regex.match(r"\d+\s", text[q : q + 8])
        if count and pats.period.match(text, q + count.end(), end):
            break
        start = q + (count.end() if count else 0)
        phrase = _noun_phrase(text, start, end, pats, book)
        if phrase is None or len(text[start:phrase].split()) > 2:
            break
        pos = phrase
    return pos


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
                if _kind(figures[k]) == _kind(total) and k not in aside
            ]
            # "135 đơn vị hành chính cấp xã, gồm 110 xã và 25 phường; trong đó có 101 xã, 25
            # phường ... và 09 xã": the parts are of the earlier figure they add up to
            added = sum(figures[k].value for k in parts)
            owner = total
            if parts and not math.isclose(added, total.value):
                earlier = [
                    k
                    for k in _between(on_line(line), -1, total.span[0])
                    if k not in aside and _kind(figures[k]) == _kind(total) and math.isclose(figures[k].value, added)
                ]
                owner = figures[earlier[-1]] if earlier else total
            for k in parts:
                part_of[k] = owner.span
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
                if _kind(figures[k]) != _kind(total):
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


def _kind(figure: Figure) -> str | None:
    """What a figure counts, to tell parts of one total: its unit's family, else its unit."""
    return figure.unit_family or figure.unit


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
