"""One report, one identity: the renderings of a report (its .txt, .docx, .pdf, a scan)
grouped under one ``report_key``, so that a citation index counts reports, not files.

Two renderings are the same report when their headers give the same type, number,
date and issuer (``report_identity``), or when their texts hold the same words
(``text_fingerprint``). The words are compared as a multiset, without order, case or
punctuation: a PDF lays a table's cells out in another order than the DOCX it was
printed from (the seed's appendix does), and wraps its lines elsewhere. The database
groups renderings on either (``export.database.Store`` assigns the key as it writes).
"""

from __future__ import annotations

import hashlib

import regex

from .extract.references import canonical_symbol
from .models import Metadata
from .normalize import clean_text

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_SPACE = regex.compile(r"\s+")


def report_identity(metadata: Metadata) -> str | None:
    """ "Báo cáo 215/BC-UBND 2024-12-15 ủy ban nhân dân huyện thạch lâm" when the header
    gives the type, number, date and issuer; else None (the seed's "Số: /BC-UBND" has no
    number, so it is known by its text alone). Leading zeros of the number and the case
    of the issuer do not count."""
    m = metadata
    issuer = m.issuer_normalized or m.issuer
    if not (m.doc_type and m.number and m.date and issuer):
        return None
    number = m.number.lstrip("0").lower() or "0"
    if m.year:
        number += f"/{m.year}"
    if m.symbol:
        number += f"/{canonical_symbol(m.symbol)}"
    return f"{m.doc_type} {number} {m.date.isoformat()} {_SPACE.sub(' ', issuer).strip().casefold()}"


def text_fingerprint(text: str) -> str:
    """ "text:" and a hash of the words of ``text`` (letters and digits, case folded) in
    sorted order: the same for every rendering of one text, whatever the layout."""
    words = sorted(_WORD.findall(text.casefold()))
    return "text:" + hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:24]


def canonical_key(text: str) -> str:
    """A reference key as a person may type it ("61/2018/nđ-cp", "61/2018/NÐ- CP") in the
    spelling of the keys the extractor makes ("61/2018/NĐ-CP")."""
    text = _SPACE.sub("", clean_text(text))
    cut = min((i for i in (text.find("/"), text.find("-")) if i > 0), default=len(text))
    return text[:cut].lower() + (canonical_symbol(text[cut:]) if cut < len(text) else "")
