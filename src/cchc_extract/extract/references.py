"""Every mention of another document: symbol, type, date, issuer and a join key.

The symbol shapes, the date forms and the "ngày" lead live in
patterns/references.yaml; type words and codes in doc_types.yaml; issuer codes
in issuers.yaml. This module only strings them together:

1. find every symbol with each form (overlaps settled once, longest first);
2. look left for the type word ("Quyết định số"), right for the date and the
   issuer ("ngày 02/01/2024 của UBND xã");
3. join coordinated symbols ("số 129/QĐ-UBND và số 130/QĐ-UBND ngày ...") so
   that they share the date written after the last of them;
4. resolve short forms ("ND 34", "Nghị định số 61") against earlier full ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .. import patternbook
from ..issuers import is_title, issuer_for_code, normalize_issuer, without_term, without_titles
from ..models import ParseWarning, Reference
from .spans import Span, Spans

SectionOf = Callable[[int], str | None]
PageOf = Callable[[int], int | None]

# two patterns, each starting with its own literal, so that each is found by a fast scan
_URLS = (regex.compile(r"https?://[^\s<>)\]]+"), regex.compile(r"www\.[^\s<>)\]]+"))
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_SPACE = regex.compile(r"\s+")
# the type of "văn bản số ...", which says no more than that a document is cited
_GENERIC_TYPE = "Công văn"
_WORD = regex.compile(r"\S+")
_CODE_SPLIT = regex.compile(r"[-/–]")
_CODE = regex.compile(r"[^-/]+")
# characters that end an issuer phrase whatever surrounds them (one alternative of the
# stop pattern, and the bound of its search)
# (a tab or "|" ends a table's cell: "của Chủ tịch UBND tỉnh\t\tVăn phòng UBND tỉnh")
_HARD_STOP_CHARS = r"[;.()\[\]\n:\t|]"
_HARD_STOP = regex.compile(_HARD_STOP_CHARS)
_NOT_WORDS = regex.compile(r"[^\p{L}\s:,]", regex.REVERSE)
# A law named before its number: "Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13",
# "Luật sửa đổi, bổ sung một số điều của Luật ...". Its name holds no other symbol ("/"),
# and a comma or "và" before another law word starts that law's name.
_LAW_WORD = r"Bộ\s+luật|Luật|Pháp\s+lệnh"
_LAW_NAME_CHAR = rf"(?:(?!(?:,|\s(?:và|hoặc))\s*(?:{_LAW_WORD})\s)[^;.:()\n/])"
# ... except in an amending law's name, which names the laws it amends: "Luật sửa đổi, bổ
# sung một số điều của Luật Phòng, chống thiên tai và Luật Đê điều số 60/2020/QH14"
_AMENDING = r"sửa\s+đổi[^;.:()\n/]"


@dataclass(frozen=True)
class _Patterns:
    forms: tuple[tuple[str, regex.Pattern[str]], ...]
    short: tuple[regex.Pattern[str], ...]
    type_before: regex.Pattern[str]
    date_after: tuple[regex.Pattern[str], ...]
    issuer_after: regex.Pattern[str]
    coordination: regex.Pattern[str]
    list_joint: regex.Pattern[str]
    stop: regex.Pattern[str]
    law_name: regex.Pattern[str]
    form_lead: regex.Pattern[str]
    example_lead: regex.Pattern[str]
    named_law: regex.Pattern[str]
    date_before: regex.Pattern[str]
    # the last words of the type words, and "số": type_before can only match where
    # the text before a number ends with one of them; None where a type word holds
    # something else than letters, spaces and commas (then neither shortcut of _type_before holds)
    word_ends: frozenset[str] | None


@patternbook.derived
def _patterns() -> _Patterns:
    data = patternbook.reference_file()
    frags = patternbook.reference_fragments()
    forms = tuple(
        (form.id, regex.compile(pattern))
        for form in data.forms
        if form.id != "short"
        for pattern in form.expanded(frags)
    )
    short = next(form for form in data.forms if form.id == "short")
    lead = frags["date_lead"]
    dates = tuple(regex.compile(rf"\A{lead}(?:{patternbook.expand(d.pattern, frags)})") for d in data.date_forms)
    book = patternbook.issuers()
    words = book.stop_words
    titled = [w[:1].upper() + w[1:] for w in words if w.casefold() not in book.name_words]
    stop_words = patternbook.alternation([*words, *(w.upper() for w in words), *titled])
    date_forms = "|".join(f"(?:{patternbook.expand(d.pattern, frags)})" for d in data.date_forms)
    type_words = [w for e in patternbook.doc_types().entries for w in e.words]
    compound_types = patternbook.alternation([w.casefold() for w in type_words if " " in w])
    # a type word of two words or more, capitalised, after a place's level ("của UBND tỉnh Kết
    # luận của đồng chí ..."): a place's name goes there, so the document's summary begins
    titled_types = patternbook.alternation([w[:1].upper() + w[1:] for w in type_words if " " in w])
    levels = patternbook.alternation(book.admin_units, ignore_case=True)
    whole = patternbook.alternation(book.whole_bodies, ignore_case=True)
    terms = patternbook.alternation(book.whole_body_terms, ignore_case=True)
    word_ends = (
        frozenset([w.split()[-1].casefold() for w in type_words] + ["số"])
        if all(w.replace(" ", "").replace(",", "").isalpha() for w in type_words)
        else None
    )
    return _Patterns(
        forms=forms,
        short=tuple(regex.compile(pattern) for pattern in short.expanded(frags)),
        # "Quyết định số", "Kế hoạch số:", "công văn", "Kế hoạch kiểm tra số" (a few
        # lower-case words between), or a bare "số" right before the number.
        type_before=regex.compile(
            rf"(?:(?<!\p{{L}})(?P<tw>(?i:{frags['type_word']}))\s*(?:(?:\s\p{{Ll}}+){{0,4}}\s*(?i:số)\s*:?\s*)?"
            rf"|(?<!\p{{L}})(?P<so>(?i:số))\s*:?\s*)\Z"
        ),
        date_after=dates,
        issuer_after=regex.compile(r"\s*,?\s*(?i:của)\s+"),
        # what may stand between two coordinated symbols: ", ", " và ", "; " and an optional "số"
        coordination=regex.compile(r"\A\s*(?:[,;]\s*)?(?:(?i:và|hoặc)\s+)?(?:(?i:số)\s*:?\s*)?\Z"),
        # what joins the items of a list that one issuer closes: ", ", "; ", " và ", and the
        # parts of the next item cited before its type word ("và khoản 1 Điều 3 ")
        list_joint=regex.compile(rf"\s*(?:[,;]\s*)?(?:(?i:và|hoặc)\s+)?{frags['part_lead']}\Z"),
        # An issuer ends at punctuation, at a stop word, or at a comma or "và" that
        # goes on with a verb, a number or another document; a comma or "và" before
        # another name ("của Bộ Tài chính, Bộ Kế hoạch và Đầu tư") does not end it.
        stop=regex.compile(
            rf"(?:,|\s(?i:và))(?=\s*(?:\p{{Ll}}|\d|(?i:{frags['type_word']}|số)(?!\p{{L}})))"
            rf"|(?<!\p{{L}})(?:{stop_words})(?!\p{{L}})|\s\d|{_HARD_STOP_CHARS}"
            # a type word of two words or more, in lower case, goes on with the sentence: "của
            # Chính phủ nghị định ..." ("luật" alone stands in names: "Ủy ban Pháp luật")
            rf"|\s(?=\p{{Ll}})(?:{compound_types})(?!\p{{L}})"
            rf"|(?<=(?<!\p{{L}})(?i:{levels}))\s+(?={titled_types}(?!\p{{L}}))"
            # a word in lower case after a body whose name is whole, the whole issuer so far ("của
            # Chính phủ cơ sở dữ liệu"; the stop is searched from the issuer's first word)
            rf"|(?<=\A(?i:{whole}))\s+(?=\p{{Ll}})(?!(?i:{terms})(?!\p{{L}}))"
        ),
        law_name=regex.compile(rf"(?<!\p{{L}})(?:{_LAW_WORD})\s(?:{_AMENDING}{{0,150}}|{_LAW_NAME_CHAR}{{0,100}})\Z"),
        form_lead=regex.compile(frags["form_lead"]),
        example_lead=regex.compile(frags["example_lead"]),
        named_law=regex.compile(
            rf"(?<!\p{{L}})(?P<word>{_LAW_WORD})\s(?:{_AMENDING}{{0,150}}?|{_LAW_NAME_CHAR}{{1,100}}?)"
            rf"\s(?i:số)\s*:?\s*\Z"
        ),
        date_before=regex.compile(
            rf"(?<!\p{{L}})(?i:ngày)\s+(?:{date_forms})\s*,?\s+[^.;:\n]{{0,80}}?(?<!\p{{L}})ban\s+hành\s+\Z"
        ),
        word_ends=word_ends,
    )


@dataclass(slots=True)
class _Hit:  # filled in step by step, in place
    form: str
    start: int  # mention start: the type word, "số", or the number
    number_start: int
    end: int  # symbol end
    number: str
    year: int | None
    symbol: str
    type_word: str | None
    date: dt.date | None = None
    date_text: str | None = None
    date_end: int | None = None
    date_year: int | None = None  # legible even when the date is impossible (31/02/2024)
    issuer: str | None = None
    issuer_end: int | None = None  # where an issuer written right after this mention ends


def find_references(
    text: str,
    section_of: SectionOf = lambda _: None,
    page_of: PageOf = lambda _: None,
    exclude: set[tuple[int, int]] | None = None,
) -> tuple[list[Reference], list[ParseWarning]]:
    """All references in ``text`` in reading order, and warnings (impossible dates).

    ``exclude`` holds spans that are not references (the report's own "Số:" line).
    """
    pats = _patterns()
    spans = sorted(exclude or ())
    for url, literal in zip(_URLS, ("http", "www."), strict=True):
        if literal in text:
            spans += [m.span() for m in url.finditer(text)]
    if "@" in text:
        spans += [m.span() for m in _EMAIL.finditer(text)]
    blocked = Spans(spans)
    hits = _settle([h for h in _symbol_hits(text, pats) if not blocked.overlaps(h.number_start, h.end)])
    hits = [_with_context(text, h, pats) for h in hits]
    hits = _coordinate(text, hits, pats)
    _share_trailing_date(text, hits, pats)
    _share_trailing_issuer(text, hits, pats)
    warnings = [
        ParseWarning.of(
            "date.impossible",
            "reference",
            page=page_of(h.start),
            span=(h.start, h.end),
            text=text[h.start : h.end],
            date=h.date_text,
        )
        for h in hits
        if h.date_text and h.date is None
    ]
    refs = _year_from_other_mentions([_record(text, h, section_of, page_of) for h in hits])
    refs.extend(_short_forms(text, refs, pats, section_of, page_of, blocked))
    refs.sort(key=lambda r: r.span)
    return refs, warnings


def _symbol_hits(text: str, pats: _Patterns) -> list[_Hit]:
    hits = []
    for form_id, pattern in pats.forms:
        for m in pattern.finditer(text):
            if pats.form_lead.search(text, max(0, m.start() - 24), m.start()):
                continue  # "mẫu số 03/TNDN": a form, not a document
            if pats.example_lead.search(text, max(0, m.start() - 120), m.start()):
                continue  # "Ví dụ 1: Quyết định của ..." over "Số 246-QĐ/BKTTW": how to write one
            before = _type_before(text, m.start(), pats)
            start = before.start() if before else m.start()
            type_word = before["tw"] if before and before["tw"] else None
            if type_word and type_word.casefold() in {"luật", "bộ luật", "pháp lệnh"}:
                # "Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13": the name belongs to it
                name = pats.law_name.search(text, max(0, start - 110), start + len(type_word))
                if name:
                    start = name.start()
            elif (
                before
                and (before["so"] or (type_word or "")[:1].islower())
                and _may_name_a_law(text, max(0, start - 110), m.start())
            ):
                # "Luật Tín ngưỡng, tôn giáo số 02/2016/QH14", "Luật Ban hành văn bản quy phạm
                # pháp luật số 64/2025/QH15": a named law, then "số" (a type word in lower case
                # there is a word of the law's name)
                named = pats.named_law.search(text, max(0, start - 110), m.start())
                if named and named.start() <= start:
                    start, type_word = named.start(), named["word"]
            hits.append(
                _Hit(
                    form=form_id,
                    start=start,
                    number_start=m.start(),
                    end=m.end(),
                    number=m["number"],
                    year=int(m["year"]) if "year" in m.re.groupindex else None,
                    symbol=_SPACE.sub("", m["symbol"]),
                    type_word=type_word,
                )
            )
    return hits


def _type_before(text: str, end: int, pats: _Patterns) -> regex.Match[str] | None:
    """The type word or "số" that ends ``text[:end]`` ("Quyết định số "), searched at most 64
    characters back. Where every type word is letters, spaces and commas, the search is skipped unless
    the text before ends with the last word of one (or "số"), and starts where the letters,
    spaces and colons before ``end`` begin; otherwise it covers the 64 characters."""
    if pats.word_ends is None:
        return pats.type_before.search(text, max(0, end - 64), end)
    if _last_word(text, end) not in pats.word_ends:
        return None
    return pats.type_before.search(text, _words_from(text, end, 64), end)


def _last_word(text: str, end: int) -> str:
    """The letters that end ``text[:end]``, past any spaces and a colon, case-folded."""
    i = end
    while i > 0 and (text[i - 1].isspace() or text[i - 1] == ":"):
        i -= 1
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[j:i].casefold()


def _words_from(text: str, end: int, most: int) -> int:
    """Where the letters, spaces, colons and commas that end ``text[:end]`` begin (at most ``most``
    back): a type word with its "số" is made of nothing else, so its search starts there."""
    other = _NOT_WORDS.search(text, max(0, end - most), end)
    return other.end() if other else max(0, end - most)


def _may_name_a_law(text: str, start: int, end: int) -> bool:
    """Whether the words a named-law pattern needs ("Luật", "Bộ luật", "Pháp lệnh") are there."""
    window = text[start:end]
    return "uật" in window or "lệnh" in window


def _settle(hits: list[_Hit]) -> list[_Hit]:
    """One hit per stretch of text: where two overlap, the longer symbol wins."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.number_start, -(h.end - h.number_start))):
        if kept and hit.number_start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _with_context(text: str, hit: _Hit, pats: _Patterns) -> _Hit:
    pos = hit.end
    window = text[pos : pos + 160]
    for pattern in pats.date_after:
        m = pattern.match(window)
        if m:
            hit.date = _date(m)
            hit.date_text = m.group(0).split("gày", 1)[-1].strip() if "gày" in m[0] else m[0].strip()
            hit.date_end = pos + m.end()
            hit.date_year = int(m["year"])
            pos += m.end()
            break
    # "Ngày 19/01/2024 UBND xã ban hành kế hoạch số 38/KH-UBND": the clause says when the
    # document was issued, but the mention itself gives no date (``date`` stays null, as the
    # annotation guide reads it); the year still tells which 38/KH-UBND it is, for the key.
    if hit.date_text is None and text[max(0, hit.start - 40) : hit.start].rstrip().endswith("hành"):
        before = pats.date_before.search(text, max(0, hit.start - 140), hit.start)
        if before:
            hit.date_year = int(before["year"])
    # a joint document's symbol names each body that issued it (TTLT-BTC-BKH&ĐT-BTTTT)
    issuer = _issuer_after(text, pos, pats, bodies=max(1, len(_codes(hit.symbol)) - 1))
    if issuer:
        hit.issuer, hit.issuer_end = issuer
    return hit


def _date(m: regex.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(m["year"]), int(m["month"]), int(m["day"]))
    except ValueError:
        return None


def _issuer_after(text: str, pos: int, pats: _Patterns, bodies: int = 1) -> tuple[str, int] | None:
    """The issuer phrase "của ..." right after ``pos``, and where it ends; ``bodies``: how many
    bodies it may name, one after the other (those of a joint document's symbol)."""
    lead = pats.issuer_after.match(text, pos, pos + 20)
    if not lead:
        return None
    start = lead.end()
    # the phrase as it reads, a paragraph's wrapped lines joined (a text taken from a PDF wraps
    # "của Ban Thường\nvụ Tỉnh ủy"); the same length, so its offsets are the text's
    seg = _unwrapped(text, start, min(len(text), start + 168))
    # the stop pattern also stops at the first of these characters: search no further
    # (but let a look-ahead from before it read on, past a line break inside a type word)
    hard = _HARD_STOP.search(seg, 0, 120)
    stop = pats.stop.search(seg, 0, min(hard.end() + 48, 120) if hard else 120)
    end = stop.start() if stop else min(len(seg), 120)
    words = [(w[0], w.end()) for w in _WORD.finditer(seg, 0, end)][:20]
    words = _bodies(words, bodies)
    if not words:
        return None
    phrase = " ".join(w for w, _ in words).rstrip(",;:")
    last, last_end = words[-1]
    if not phrase:
        return None
    return phrase, start + last_end - (len(last) - len(last.rstrip(",;:")))


def _unwrapped(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with the line breaks that only wrap a paragraph made spaces: after a
    long line, before a letter that starts no list item."""
    seg = text[start:end]
    if "\n" not in seg:
        return seg
    out = list(seg)
    for k, char in enumerate(seg):
        if char != "\n":
            continue
        line_start = text.rfind("\n", 0, start + k) + 1
        nxt = seg[k + 1 : k + 2]
        if start + k - line_start >= _WRAPPED_LINE and nxt.isalpha():
            out[k] = " "
    return "".join(out)


# a line at least this long, broken before a word, was wrapped, not ended
_WRAPPED_LINE = 50


def _bodies(words: list[tuple[str, int]], most: int) -> list[tuple[str, int]]:
    """The issuer up to a comma that goes on with another body or a person's title ("HĐND tỉnh
    Lâm Đồng, Giám đốc Sở Tài chính ...", "Văn phòng Quốc hội, Bộ Xây dựng làm việc"), past
    ``most - 1`` such commas; a name with a comma in it ("Bộ Văn hóa, Thể thao và Du lịch")
    and titles held together ("Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ") go on."""
    named = 1
    for k, (word, _) in enumerate(words[:-1]):
        if not word.endswith(","):
            continue
        before = " ".join(w for w, _ in words[: k + 1]).rstrip(",")
        after = " ".join(w for w, _ in words[k + 1 : k + 4])
        if _starts_a_body(after) and not is_title(before):
            if named == most:
                return words[: k + 1]
            named += 1
    return words


def _starts_a_body(words: str) -> bool:
    book = patternbook.issuers()
    folded = words.casefold()
    return any(folded == w or folded.startswith(w + " ") for w in (*book.organs, *book.titles, "ubnd", "hđnd"))


def _coordinate(text: str, hits: list[_Hit], pats: _Patterns) -> list[_Hit]:
    """Give coordinated symbols the date and issuer written after the last of the group."""
    out = list(hits)
    i = 0
    while i < len(out):
        j = i
        while (
            j + 1 < len(out)
            and out[j].date_end is None
            and out[j + 1].type_word is None
            and pats.coordination.match(text[out[j].end : out[j + 1].number_start])
        ):
            j += 1
        last = out[j]
        for k in range(i, j):
            hit = out[k]
            hit.date, hit.date_text, hit.date_year = last.date, last.date_text, last.date_year
            hit.issuer = hit.issuer or last.issuer
            hit.type_word = hit.type_word or (out[i].type_word if k > i else None)
        if j > i and out[i].type_word:
            for k in range(i + 1, j + 1):
                out[k].type_word = out[k].type_word or out[i].type_word
        i = j + 1
    return out


def _share_trailing_date(text: str, hits: list[_Hit], pats: _Patterns) -> None:
    """Two documents of one body named together and dated once ("Tờ trình số 347/TTr-CP và
    Đề án số 348/ĐA-CP ngày 09 tháng 5 năm 2025"): the date is the first's too, where both
    are administrative and their symbols name the same body."""
    for k in range(len(hits) - 2, -1, -1):
        hit, nxt = hits[k], hits[k + 1]
        if hit.date_text is not None or nxt.date_text is None or hit.form != "administrative" or nxt.form != hit.form:
            continue
        if _codes(hit.symbol)[1:] != _codes(nxt.symbol)[1:] or not _codes(hit.symbol)[1:]:
            continue
        if pats.list_joint.match(text, hit.end, nxt.start):
            hit.date, hit.date_text, hit.date_year = nxt.date, nxt.date_text, nxt.date_year


def _share_trailing_issuer(text: str, hits: list[_Hit], pats: _Patterns) -> None:
    """A list of mentions, each with its own type word and date, closed by one issuer
    ("Nghị định số 48/2013/NĐ-CP ngày ... và Nghị định số 92/2017/NĐ-CP ngày ... của Chính
    phủ"): the issuer is every item's, where the item's own symbol does not name another
    body ("Luật ... số 80/2015/QH13 ... và Nghị định ... của Chính phủ": QH is the Quốc hội)."""
    for k in range(len(hits) - 2, -1, -1):
        hit, nxt = hits[k], hits[k + 1]
        if hit.issuer or not nxt.issuer:
            continue
        if not pats.list_joint.match(text, hit.date_end or hit.end, nxt.start):
            continue
        if _alike(hit, nxt) and _issuer_fits(hit, nxt.issuer):
            hit.issuer = nxt.issuer


def _alike(a: _Hit, b: _Hit) -> bool:
    """Two mentions of one kind, as a list one issuer closes holds: the same type word or type
    code, or symbols that name the same body ("Công văn số 2231/SNV-CCHC và Báo cáo thẩm định
    số 18/BCTĐ-STP của Sở Tư pháp": the Sở Tư pháp's is the report only)."""
    codes_a, codes_b = _codes(a.symbol), _codes(b.symbol)
    if codes_a[1:] and codes_a[1:] == codes_b[1:]:
        return True
    if a.type_word and b.type_word:
        return a.type_word.casefold() == b.type_word.casefold()
    return bool(codes_a) and bool(codes_b) and codes_a[0] == codes_b[0]


def _issuer_fits(hit: _Hit, issuer: str) -> bool:
    """Whether ``issuer`` may have issued the document of ``hit``: its symbol names no other
    body. The body may be named with its head's title before it ("Bộ trưởng Bộ Tài chính"
    for BTC) or its place after it ("Ủy ban nhân dân tỉnh Cà Mau" for UBND), but "Văn phòng
    Chính phủ" is not the "Chính phủ" of NĐ-CP."""
    codes = _codes(hit.symbol)
    known = [n.casefold() for n in (issuer_for_code(c) for c in codes[1:] or codes) if n]
    if not known:
        return True
    body = without_titles((normalize_issuer(issuer) or issuer).casefold())
    return any(body == n or body.startswith(n + " ") for n in known)


def _codes(symbol: str) -> list[str]:
    return [c for c in _CODE_SPLIT.split(symbol) if c]


def canonical_code(code: str) -> str:
    """A code in the spelling of the tables ("TTG" -> "TTg"), else in capitals."""
    types, issuers = patternbook.doc_types(), patternbook.issuers()
    return types.canonical_code(code) or issuers.canonical_code(code) or code.upper()


@patternbook.derived(maxsize=4096)  # the same symbols come back in report after report
def canonical_symbol(symbol: str) -> str:
    """ "NĐ- cp" -> "NĐ-CP": separators kept, codes canonically cased, spaces gone."""
    symbol = _SPACE.sub("", symbol).replace("–", "-")
    return _CODE.sub(lambda m: canonical_code(m[0]), symbol)


def _record(text: str, hit: _Hit, section_of: SectionOf, page_of: PageOf) -> Reference:
    types = patternbook.doc_types()
    codes = _codes(hit.symbol)
    if hit.form == "party" or (codes and types.canonical_code(codes[0])):
        type_code, issuer_codes = codes[0], codes[1:]
    else:
        type_code, issuer_codes = None, codes
    doc_type = None
    canonical_type = types.canonical_code(type_code) if type_code else None
    written = types.name_for_word(hit.type_word) if hit.type_word else None
    # The type as the text names it, where it names one more precisely than "văn bản"
    # ("Báo cáo thẩm tra" for the code BC, "Đơn đề nghị" for "01/CV"); otherwise the type
    # the symbol's code names ("Văn bản số 12/KH-UBND" is a Kế hoạch).
    if written and (written != _GENERIC_TYPE or not canonical_type):
        doc_type = written
    elif canonical_type:
        doc_type = types.by_code[canonical_type].name
    if doc_type is None:
        doc_type = _default_type(issuer_codes)
    key = reference_key(hit.form, hit.number, hit.year, hit.symbol, hit.date_year)
    end = hit.issuer_end or hit.date_end or hit.end
    issuer_normalized = normalize_issuer(hit.issuer) if hit.issuer else None
    if issuer_normalized is None and issuer_codes:
        issuer_normalized = issuer_for_code(issuer_codes[0])
    return Reference(
        text=text[hit.start : end],
        doc_type=doc_type,
        number=hit.number,
        year=hit.year,
        symbol=hit.symbol,
        key=key,
        date=hit.date,
        date_text=hit.date_text if hit.date is None else None,
        issuer=hit.issuer,
        issuer_normalized=issuer_normalized,
        form=hit.form,
        section=section_of(hit.start),
        span=(hit.start, end),
        page=page_of(hit.start),
    )


def reference_key(form: str, number: str, year: int | None, symbol: str, date_year: int | None) -> str:
    """The identity reports are joined on: "61/2018/NĐ-CP", "22-KH/TU", "01/QĐ-UBND/2024"
    (administrative numbers restart every year, so their key takes the year of the date)."""
    number, symbol = number.lower(), canonical_symbol(symbol)
    if form == "normative":  # "144/2002/QĐ/BTC", as written before 2004, is "QĐ-BTC"
        return f"{number}/{year}/{symbol.replace('/', '-')}"
    if form == "party":
        return f"{number}-{symbol}"
    return f"{number}/{symbol}" + (f"/{date_year}" if date_year else "")


@dataclass(frozen=True)
class Symbol:
    """A document's number and symbol read with the reference grammar."""

    form: str
    number: str
    year: int | None
    symbol: str
    end: int


def read_symbol(text: str, pos: int = 0) -> Symbol | None:
    """The number and symbol that start at ``pos`` ("105/2025/QĐ-UBND", "22-KH/TU",
    "5348/CT-CS"), read with the same forms as references; the longest reading wins."""
    best: Symbol | None = None
    for form_id, pattern in _patterns().forms:
        m = pattern.match(text, pos)
        if m and (best is None or m.end() > best.end):
            year = int(m["year"]) if "year" in m.re.groupindex else None
            best = Symbol(form_id, m["number"], year, _SPACE.sub("", m["symbol"]), m.end())
    return best


@dataclass(frozen=True)
class OwnNumber:
    """The document's own number and symbol, from its header, and what it takes to tell
    a mention of the document itself from a citation of another."""

    symbol: Symbol
    doc_type: str | None
    date_year: int | None

    @property
    def key(self) -> str | None:
        s = self.symbol
        return reference_key(s.form, s.number, s.year, s.symbol, self.date_year) if s.number else None

    def is_mentioned_by(self, ref: Reference) -> bool:
        """The same number and symbol (and year), at a date of the document's year if any."""
        own = self.symbol
        if not own.number or ref.number is None or ref.symbol is None:
            return False
        if ref.number.lstrip("0").lower() != own.number.lstrip("0").lower() or ref.year != own.year:
            return False
        if canonical_symbol(ref.symbol) != canonical_symbol(own.symbol):
            return False
        return own.year is not None or ref.date is None or self.date_year in (None, ref.date.year)


def mark_self(text: str, refs: list[Reference], own: OwnNumber | None, captions: list[Span]) -> list[Reference]:
    """Mark the mentions of the document's own number ("Kèm theo Kế hoạch số 0204/KH-UBND"
    in an appendix caption): they are not citations. An appendix caption's "kèm theo" names
    the document the appendix is attached to, this one, even where its number is mistyped or
    was left blank when the appendix was drafted: a mention there of a document of the same
    type and symbol is this document."""
    if own is None:
        return refs
    attached_to = patternbook.layout("attached_to")
    out = []
    for ref in refs:
        start = ref.span[0]
        caption = next((c for c in captions if c[0] <= start < c[1]), None)
        own_caption = (
            caption is not None
            and ref.doc_type == own.doc_type
            and ref.symbol is not None
            and canonical_symbol(ref.symbol) == canonical_symbol(own.symbol.symbol)
            and attached_to.search(text, caption[0], start) is not None
        )
        if own_caption or own.is_mentioned_by(ref):
            ref = ref.model_copy(update={"self": True})
        out.append(ref)
    return out


def _year_from_other_mentions(refs: list[Reference]) -> list[Reference]:
    """An undated administrative mention ("Kế hoạch số 05/KH-UBND nêu trên") takes the
    year-qualified key of the same number and symbol cited with a date elsewhere in
    the report, when exactly one such key exists; otherwise its key stays year-less."""
    dated: dict[str, set[str]] = {}
    for ref in refs:
        if ref.form == "administrative" and ref.key and _has_year(ref.key):
            dated.setdefault(ref.key[:-5], set()).add(ref.key)
    out = []
    for ref in refs:
        undated = ref.form == "administrative" and ref.key and not _has_year(ref.key)
        keys = dated.get(ref.key or "", set()) if undated else set()
        if len(keys) == 1:
            key = next(iter(keys))
            ref = ref.model_copy(update={"key": key, "resolved_key": key})
        out.append(ref)
    return out


def _has_year(key: str) -> bool:
    """Whether an administrative key ends with its year: "05/KH-UBND/2024"."""
    return len(key) > 5 and key[-5] == "/" and key[-4:].isascii() and key[-4:].isdigit()


def _default_type(issuer_codes: list[str]) -> str:
    """No type code: a law of the National Assembly ("QH13"), else a công văn."""
    first = without_term(issuer_codes[0]) if issuer_codes else ""
    return {"QH": "Luật", "UBTVQH": "Pháp lệnh", "CTN": "Lệnh"}.get(first.upper(), "Công văn")


def _short_forms(
    text: str,
    full: list[Reference],
    pats: _Patterns,
    section_of: SectionOf,
    page_of: PageOf,
    blocked: Spans,
) -> list[Reference]:
    """ "ND 34" or "Nghị định số 61" without a symbol, resolved to one earlier full reference."""
    out = []
    taken = Spans([r.span for r in full] + blocked.spans)
    earlier: dict[tuple[str | None, str], list[Reference]] = {}
    for r in full:
        if r.number and r.key:
            earlier.setdefault((r.doc_type, r.number.lstrip("0")), []).append(r)
    for m in sorted((m for pattern in pats.short for m in pattern.finditer(text)), key=lambda m: m.start()):
        if taken.overlaps(m.start(), m.end()):
            continue
        word = m["type_word"]
        doc_type = "Nghị định" if word in {"ND", "NĐ"} else patternbook.doc_types().name_for_word(word)
        number = m["number"]
        keys = {r.key for r in earlier.get((doc_type, number.lstrip("0")), []) if r.span[0] < m.start()}
        resolved = keys.pop() if len(keys) == 1 else None
        if resolved is None and word not in {"ND", "NĐ"}:
            continue
        out.append(
            Reference(
                text=m[0],
                doc_type=doc_type,
                number=number,
                key=resolved,
                resolved_key=resolved,
                form="short",
                section=section_of(m.start()),
                span=m.span(),
                page=page_of(m.start()),
            )
        )
    return out
