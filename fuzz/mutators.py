"""Mutators: a corpus file in, a damaged variant out, chosen by a seeded random generator.

Every mutator is ``name(rng, data) -> bytes`` and deterministic given the generator's
state, so a failing input is rebuilt from (run seed, iteration) alone. They know the
formats they damage:

- text and Markdown: lines repeated, cut, shuffled; Markdown and HTML syntax, table
  bars, tabs, form feeds, figures and references spliced in; invalid UTF-8, BOMs, NULs;
- DOCX: the XML of a part (an element dropped, doubled or moved, an attribute given a
  hostile value, merges and list numbers that point nowhere, entities, a tag broken)
  and the ZIP around it (a part dropped, doubled or swapped, data flipped, header
  fields rewritten, the archive cut or padded);
- PDF: the cross-reference table and trailer, objects (``/Type /Page`` turned into
  ``/Pages``, page trees, media boxes, dictionaries), fonts (subtypes, widths, encodings,
  ToUnicode maps) and content streams (operators and numbers, unbalanced ``q``/``BT``,
  a stream cut or its ``/Length`` wrong); the cross-references are rebuilt after most
  of these, so that the damage reaches past PDFium's repair of a broken table;
- any format: bytes flipped, cut, doubled, deleted.
"""

from __future__ import annotations

import io
import random
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable

Mutator = Callable[[random.Random, bytes], bytes]

# --- any bytes -------------------------------------------------------------------


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64))):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def set_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    specials = (0x00, 0xFF, 0x7F, 0x80, 0x0A, 0x0D, 0x09, 0x0C, 0x3C, 0x3E, 0x25, 0x2F)
    for _ in range(rng.choice((1, 4, 16))):
        if out:
            out[rng.randrange(len(out))] = rng.choice(specials) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def duplicate_chunk(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data * 2
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.choice((1, 16, 256, 4096))]
    at = rng.randrange(len(data))
    return data[:at] + chunk * rng.choice((1, 2, 50, 1000)) + data[at:]


def delete_chunk(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.choice((1, 16, 256, 4096)) :]


def insert_random(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.choice((1, 8, 100, 2000))) + data[at:]


BYTES: dict[str, Mutator] = {
    "flip_bits": flip_bits,
    "set_bytes": set_bytes,
    "truncate": truncate,
    "duplicate_chunk": duplicate_chunk,
    "delete_chunk": delete_chunk,
    "insert_random": insert_random,
}

# --- text and Markdown ----------------------------------------------------------------

# What the extractors look for, so that spliced text reaches them: headings, references,
# figures, shares, totals, table rows, Markdown and HTML markup, odd characters.
TOKENS = [
    "**",
    "*",
    "|",
    "\t",
    "\f",
    "# ",
    "- ",
    "I. ",
    "IV.8. ",
    "1. ",
    "a) ",
    "d) ",
    "đ) ",
    "Số: ",
    "Số: 12/BC-UBND",
    "ngày 31 tháng 02 năm 2024",
    "ngày 04/6/2024",
    "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018",
    "Quyết định số 129/QĐ-UBND và số 130/QĐ-UBND ngày 28/12/2023",
    "NĐ 61",
    "Kế hoạch số 05/KH-UBND",
    "22-KH/TU",
    "Tổng số 100 hồ sơ, trong đó: trực tuyến 60 hồ sơ, trực tiếp 50 hồ sơ, đạt 207%",
    "1.234.567,89 triệu đồng",
    "Trong đó",
    "PHỤ LỤC",
    "Phụ lục 01b",
    "STT\tNội dung\tĐơn vị tính\tSố liệu",
    "3.3.1\tSố lượng hồ sơ đã tiếp nhận\tHồ sơ\t313",
    "nt",
    "Có = 1 Không = 0",
    "Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    '<table><tr><td colspan="3">x</td></tr>',
    '<td colspan="99999999">',
    "</table>",
    "<i>",
    "| a | b |\n|---|---|",
    "\u00ad",
    "\u200b",
    "\ufffe",
    "Ð",
    "\u0301",
    "%",
    "(",
    ")",
    "9" * 400,
    "1." * 200,
]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def repeat_line(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    k = rng.randrange(len(lines))
    lines[k : k + 1] = [lines[k]] * rng.choice((2, 100, 3000))
    return b"\n".join(lines)


def repeat_block(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    block = lines[start : start + rng.choice((2, 10, 50))]
    lines[start:start] = block * rng.choice((2, 20, 200))
    return b"\n".join(lines)


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    window = lines[start : start + rng.choice((3, 20, 200))]
    rng.shuffle(window)
    lines[start : start + len(window)] = window
    return b"\n".join(lines)


def delete_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    del lines[start : start + rng.choice((1, 5, 50))]
    return b"\n".join(lines)


def splice_tokens(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    for _ in range(rng.choice((1, 3, 20))):
        at = rng.randrange(len(text) + 1)
        token = rng.choice(TOKENS)
        text = text[:at] + (token * rng.choice((1, 1, 5, 200))) + text[at:]
    return text.encode("utf-8", "surrogateescape")


def wrap_lines(rng: random.Random, data: bytes) -> bytes:
    """Hard-wrap at a width, as HTML converted to Markdown comes."""
    text = data.decode("utf-8", "surrogateescape")
    width = rng.choice((1, 3, 20, 60))
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(line[k : k + width] for k in range(0, max(1, len(line)), width))
    return "\n".join(out).encode("utf-8", "surrogateescape")


def markdown_cells(rng: random.Random, data: bytes) -> bytes:
    """Cells one per line between ``|`` lines, as published documents set tables."""
    lines = _lines(data)
    start = rng.randrange(len(lines))
    out: list[bytes] = []
    for line in lines[start : start + rng.choice((5, 50))]:
        out.extend([b"|", *line.split(b"\t")])
    lines[start : start + len(out)] = out
    return b"\n".join(lines)


def reencode(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    choice = rng.randrange(6)
    if choice == 0:
        return text.encode("utf-16")
    if choice == 1:
        return b"\xef\xbb\xbf" + data
    if choice == 2:
        return text.encode("cp1258", "replace")
    if choice == 3:
        return data.replace(b"\n", b"\r\n")
    if choice == 4:
        return data.replace(b"\n", b"\r")
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice((b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x1b[2J")) + data[at:]


TEXT: dict[str, Mutator] = {
    "repeat_line": repeat_line,
    "repeat_block": repeat_block,
    "shuffle_lines": shuffle_lines,
    "delete_lines": delete_lines,
    "splice_tokens": splice_tokens,
    "wrap_lines": wrap_lines,
    "markdown_cells": markdown_cells,
    "reencode": reencode,
}

# --- DOCX --------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HOSTILE_VALUES = ["abc", "-1", "0", "99999999999999999999", "1e400", "", " ", "NaN", "restart", "continue", "%1%2%3"]
INSERTS = [
    f'<w:tcPr xmlns:w="{W}"><w:vMerge/></w:tcPr>',
    f'<w:tcPr xmlns:w="{W}"><w:vMerge w:val="restart"/><w:gridSpan w:val="abc"/></w:tcPr>',
    f'<w:gridSpan xmlns:w="{W}" w:val="99999"/>',
    f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="99"/><w:numId w:val="7777"/></w:numPr>',
    f'<w:pStyle xmlns:w="{W}" w:val="NoSuchStyle"/>',
    f'<w:tbl xmlns:w="{W}"><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    f'<w:tr xmlns:w="{W}"><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>',
    f'<w:footnoteReference xmlns:w="{W}" w:id="424242"/>',
    f'<w:b xmlns:w="{W}" w:val="maybe"/>',
    f'<w:br xmlns:w="{W}" w:type="page"/>',
    f'<w:t xmlns:w="{W}">Nghị định số 61/2018/NĐ-CP ngày 31/02/2024</w:t>',
]
ENTITY_HEADERS = [
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">',
]


def _read_zip(data: bytes) -> list[tuple[str, bytes]] | None:
    """The members of an archive, or None when an earlier mutation broke it past reading."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(item.filename, archive.read(item.filename)) for item in archive.infolist()]
    except Exception:  # any of zipfile's failures on a damaged archive
        return None


def _write_zip(parts: list[tuple[str, bytes]], stored: bool = False) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, body in parts:
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), body, compress_type=method)
    return out.getvalue()


def _xml_parts(parts: list[tuple[str, bytes]]) -> list[int]:
    indexes = [i for i, (name, _) in enumerate(parts) if name.endswith((".xml", ".rels"))]
    main = [i for i in indexes if parts[i][0] == "word/document.xml"]
    return main * 4 + indexes  # the body is where most of the reading happens


def _on_part(rng: random.Random, data: bytes, edit: Callable[[random.Random, bytes], bytes]) -> bytes:
    parts = _read_zip(data)
    if parts is None:
        return flip_bits(rng, data)  # an earlier mutation broke the archive: damage it further
    candidates = _xml_parts(parts)
    if not candidates:
        return flip_bits(rng, data)
    k = rng.choice(candidates)
    parts[k] = (parts[k][0], edit(rng, parts[k][1]))
    return _write_zip(parts)


def _tree_edit(rng: random.Random, xml: bytes) -> bytes:
    from lxml import etree

    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.LxmlError:
        return xml
    elements = list(root.iter())
    if len(elements) < 2:
        return xml
    target = rng.choice(elements[1:])
    parent = target.getparent()
    choice = rng.randrange(6)
    if choice == 0 and parent is not None:
        parent.remove(target)
    elif choice == 1 and parent is not None:
        parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
    elif choice == 2:
        other = rng.choice(elements)
        if other is not target and target not in list(other.iterancestors()) and parent is not None:
            parent.remove(target)
            other.append(target)
    elif choice == 3:
        keys = list(target.attrib) or [f"{{{W}}}val"]
        target.set(rng.choice(keys), rng.choice(HOSTILE_VALUES))
    elif choice == 4:
        target.insert(rng.randrange(len(target) + 1), etree.fromstring(rng.choice(INSERTS)))
    else:
        for _ in range(rng.choice((50, 300))):  # deep nesting
            wrapper = etree.SubElement(target, f"{{{W}}}sdtContent")
            target = wrapper
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def docx_xml_tree(rng: random.Random, data: bytes) -> bytes:
    return _on_part(rng, data, _tree_edit)


def docx_xml_text(rng: random.Random, data: bytes) -> bytes:
    """Break the XML as text: a tag cut, an entity prolog, a '<broken'."""

    def edit(rng: random.Random, xml: bytes) -> bytes:
        choice = rng.randrange(4)
        if choice == 0:
            at = rng.randrange(len(xml) + 1)
            return xml[:at] + b"<broken" + xml[at:]
        if choice == 1:
            body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
            return rng.choice(ENTITY_HEADERS).encode() + body.replace(b"</w:t>", b"&d;</w:t>", 3)
        if choice == 2:
            return xml[: rng.randrange(len(xml) + 1)]
        return BYTES[rng.choice(list(BYTES))](rng, xml)

    return _on_part(rng, data, edit)


def docx_footnotes(rng: random.Random, data: bytes) -> bytes:
    """Add (or replace) a footnotes part, well-formed or not."""
    members = _read_zip(data)
    if members is None:
        return data
    parts = [(n, b) for n, b in members if n != "word/footnotes.xml"]
    note = (
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>Kế hoạch số 53/KH-UBND ngày 21/3/2018.</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    variants = [note, b"<broken", rng.choice(ENTITY_HEADERS).encode() + note, note[: rng.randrange(len(note))]]
    parts.append(("word/footnotes.xml", rng.choice(variants)))
    return _write_zip(parts)


def docx_zip_parts(rng: random.Random, data: bytes) -> bytes:
    """The archive's members: one dropped, doubled, swapped, renamed; stored uncompressed."""
    parts = _read_zip(data)
    if not parts:
        return truncate(rng, data)
    choice = rng.randrange(5)
    k = rng.randrange(len(parts))
    if choice == 0:
        del parts[k]
    elif choice == 1:
        parts.append((parts[k][0], rng.choice(parts)[1]))  # the same name twice, other content
    elif choice == 2:
        j = rng.randrange(len(parts))
        parts[k], parts[j] = (parts[k][0], parts[j][1]), (parts[j][0], parts[k][1])
    elif choice == 3:
        parts[k] = (
            rng.choice(["../../evil.xml", "word/document.xml", "/abs.xml", "a" * 300, "wörd/x.xml"]),
            parts[k][1],
        )
    return _write_zip(parts, stored=choice == 4)


def docx_zip_bytes(rng: random.Random, data: bytes) -> bytes:
    """The archive's own structure: a header field rewritten, compressed data flipped, cut, padded."""
    out = bytearray(data)
    central = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    local = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    choice = rng.randrange(4)
    if choice == 0 and central:
        at = rng.choice(central)
        field = rng.choice((10, 16, 20, 24, 28, 42))  # method, crc, sizes, name length, offset
        width = 2 if field in (10, 28) else 4
        out[at + field : at + field + width] = rng.randbytes(width)
    elif choice == 1 and local:
        at = rng.choice(local) + 30 + rng.randrange(200)
        for k in range(at, min(len(out), at + rng.choice((1, 16)))):
            out[k] ^= 0xFF
    elif choice == 2:
        return data[: rng.randrange(len(data))]
    else:
        return data + rng.randbytes(rng.choice((1, 100, 10000)))
    return bytes(out)


DOCX: dict[str, Mutator] = {
    "docx_xml_tree": docx_xml_tree,
    "docx_xml_text": docx_xml_text,
    "docx_footnotes": docx_footnotes,
    "docx_zip_parts": docx_zip_parts,
    "docx_zip_bytes": docx_zip_bytes,
}

# --- PDF -------------------------------------------------------------------------

_OBJ = re.compile(rb"(\d+) (\d+) obj\b(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def rebuild_xref(data: bytes) -> bytes:
    """Recompute the cross-reference table and startxref for the objects as they now lie."""
    offsets = {int(m.group(1)): m.start() for m in _OBJ.finditer(data)}
    head = data[: data.rfind(b"xref")] if b"xref" in data else data
    trailer = re.search(rb"trailer\s*(<<.*?>>)\s*startxref", data, re.S)
    if not offsets or not trailer:
        return data
    size = max(offsets) + 1
    rows = [b"0000000000 65535 f \n"] + [
        (b"%010d 00000 n \n" % offsets[n]) if n in offsets else b"0000000000 65535 f \n" for n in range(1, size)
    ]
    table = b"xref\n0 %d\n" % size + b"".join(rows)
    return head + table + b"trailer\n" + trailer.group(1) + b"\nstartxref\n%d\n%%%%EOF\n" % len(head)


def pdf_xref(rng: random.Random, data: bytes) -> bytes:
    choice = rng.randrange(5)
    if choice == 0:  # the case: cut after startxref, which points to 0
        at = data.rfind(b"startxref")
        return (data[:at] if at > 0 else data) + b"startxref\n0\n%%EOF"
    if choice == 1:
        offsets = list(re.finditer(rb"\d{10} \d{5} n", data))
        out = bytearray(data)
        for m in rng.sample(offsets, min(len(offsets), rng.choice((1, 5, 50)))):
            out[m.start() : m.start() + 10] = b"%010d" % rng.randrange(0, len(data) * 2)
        return bytes(out)
    if choice == 2:
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(-5, len(data) * 2), data)
    if choice == 3:
        start, end = data.rfind(b"xref"), data.rfind(b"trailer")
        return data[:start] + data[end:] if 0 < start < end else data
    return re.sub(
        rb"/(Size|Root|Info) (\d+)",
        lambda m: b"/%s %d" % (m.group(1), rng.choice((0, -1, 99999, int(m.group(2)) + 1))),
        data,
        count=1,
    )


def _rebuilt(rng: random.Random, data: bytes) -> bytes:
    return rebuild_xref(data) if rng.random() < 0.7 else data


def pdf_objects(rng: random.Random, data: bytes) -> bytes:
    choice = rng.randrange(7)
    if choice == 0:  # the case: a page that claims to be a page tree
        pages = [m.start() for m in re.finditer(rb"/Type\s*/Page\b(?!s)", data)]
        if pages:
            at = rng.choice(pages)
            end = data.index(b"Page", at) + 4
            data = data[:end] + b"s" + data[end:]
    elif choice == 1:
        data = re.sub(rb"/Count (\d+)", lambda m: b"/Count %d" % rng.choice((0, -3, 1, 10**9)), data, count=1)
    elif choice == 2:
        data = re.sub(
            rb"/Kids\s*\[([^\]]*)\]",
            lambda m: b"/Kids[" + rng.choice((b"", b"999 0 R", m.group(1) + b" " + m.group(1), b"1 0 R")) + b"]",
            data,
            count=1,
        )
    elif choice == 3:
        boxes = (b"[0 0 0 0]", b"[0 0 1e30 1e30]", b"[-100 -100 -1 -1]", b"[0 0 595]", b"[a b c d]")
        data = re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox" + rng.choice(boxes), data, count=1)
    elif choice == 4:
        objects = list(_OBJ.finditer(data))
        if objects:
            m = rng.choice(objects)
            data = data[: m.start(3)] + rng.choice((b" null ", b" << ", b" <</Type/Page>> ", b"")) + data[m.end(3) :]
    elif choice == 5:
        dicts = [m.start() for m in re.finditer(rb"<<", data)]
        if dicts:
            at = rng.choice(dicts) + 2
            data = data[:at] + rng.choice((b"/", b"<<", b">>", b"(", b"[", b"/Key", b" 1 0 R ")) + data[at:]
    else:
        refs = list(re.finditer(rb"(\d+) 0 R", data))
        if refs:
            m = rng.choice(refs)
            data = data[: m.start(1)] + str(rng.choice((0, 9999, int(m.group(1)) + 1))).encode() + data[m.end(1) :]
    return _rebuilt(rng, data)


def pdf_fonts(rng: random.Random, data: bytes) -> bytes:
    fonts = list(re.finditer(rb"<</Type/Font\b.*?>>", data, re.S))
    if not fonts:
        return pdf_objects(rng, data)
    m = rng.choice(fonts)
    body = m.group(0)
    choice = rng.randrange(6)
    if choice == 0:
        body = re.sub(rb"/Subtype/\w+", b"/Subtype/" + rng.choice((b"Type3", b"Type0", b"Nonsense", b"")), body)
    elif choice == 1:
        body = re.sub(rb"/(First|Last)Char \d+", lambda g: b"/%sChar %d" % (g.group(1), rng.choice((-1, 10**9))), body)
    elif choice == 2:
        body = re.sub(rb"/Widths\[[^\]]*\]", b"/Widths[" + rng.choice((b"", b"a b c", b"1e999 -5")) + b"]", body)
    elif choice == 3:
        body = re.sub(rb"/ToUnicode \d+ 0 R", rng.choice((b"", b"/ToUnicode 1 0 R", b"/ToUnicode 9999 0 R")), body)
    elif choice == 4:
        body = body.replace(b">>", b"/Encoding/" + rng.choice((b"Bogus", b"Identity-H", b"WinAnsiEncoding")) + b">>", 1)
    else:
        body = re.sub(rb"/FontDescriptor \d+ 0 R", b"/FontDescriptor 2 0 R", body)
    return _rebuilt(rng, data[: m.start()] + body + data[m.end() :])


_ODD_NUMBERS = (b"1e308", b"-0", b"99999999999", b"NaN")
_CONTENT_EDITS = (
    lambda rng, s: s.replace(b" Tj", b" TJ", rng.choice((1, 50))),
    lambda rng, s: s.replace(b"BT", b"BT BT", rng.choice((1, 50))),
    lambda rng, s: s.replace(b"ET", b"", rng.choice((1, 50))),
    lambda rng, s: b"q " * rng.choice((100, 100000)) + s,
    lambda rng, s: re.sub(rb"-?\d+\.?\d*", lambda m: rng.choice(_ODD_NUMBERS), s, count=20),
    lambda rng, s: re.sub(rb"/F\d+", b"/F999", s, count=rng.choice((1, 0))),
    lambda rng, s: s.replace(b"Tf", b"", rng.choice((1, 20))),
    lambda rng, s: s[: rng.randrange(len(s) + 1)],
)


def pdf_streams(rng: random.Random, data: bytes) -> bytes:
    streams = list(_STREAM.finditer(data))
    if not streams:
        return flip_bits(rng, data)
    m = rng.choice(streams)
    raw = m.group(1)
    choice = rng.randrange(3)
    if choice == 0:  # the compressed bytes themselves
        body = flip_bits(rng, raw)
    else:
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            content = raw
        if choice == 1:
            content = rng.choice(_CONTENT_EDITS)(rng, content)
        else:
            content = BYTES[rng.choice(list(BYTES))](rng, content)
        body = zlib.compress(content)
    out = data[: m.start(1)] + body + data[m.end(1) :]
    # the dictionary before the stream: its /Length set to the new size, or left wrong
    start = out.rfind(b"<<", 0, m.start(1))
    if rng.random() < 0.8 and start >= 0:
        head = re.sub(rb"/Length( \d+ 0 R| \d+)", b"/Length %d" % len(body), out[start : m.start(1)], count=1)
        out = out[:start] + head + out[m.start(1) :]
    return _rebuilt(rng, out)


PDF: dict[str, Mutator] = {
    "pdf_xref": pdf_xref,
    "pdf_objects": pdf_objects,
    "pdf_fonts": pdf_fonts,
    "pdf_streams": pdf_streams,
}

BY_SUFFIX: dict[str, dict[str, Mutator]] = {
    ".txt": TEXT,
    ".md": TEXT,
    ".docx": DOCX,
    ".pdf": PDF,
}


# A mutant is cut to this size: repeating a 25 KB line 3,000 times makes 76 MB, which
# takes a minute to read for its size alone (linear time: see benchmarks/), not a hang.
MAX_BYTES = 4_000_000


def mutate(rng: random.Random, suffix: str, data: bytes) -> tuple[bytes, list[str]]:
    """One to three mutations fit for the format (now and then one on raw bytes); their names."""
    own = BY_SUFFIX[suffix]
    applied: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names made on purpose
        for _ in range(rng.choice((1, 1, 2, 3))):
            pool = BYTES if rng.random() < 0.15 else own
            name = rng.choice(sorted(pool))
            data = pool[name](rng, data)[:MAX_BYTES]
            applied.append(name)
    return data, applied
