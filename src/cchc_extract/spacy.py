"""cchc-extract inside spaCy: the extractor as pipeline components, records as spans.

The one module that imports spaCy (``pip install 'cchc-extract[spacy]'``). spaCy
finds the components through the ``spacy_factories`` entry points of the package,
so ``nlp.add_pipe("cchc_references")`` works without importing anything by hand:

- ``cchc_references``, ``cchc_figures``, ``cchc_sections``: one kind of record each;
  ``cchc_extract``: the kinds listed in its ``records`` setting (all three by default).
- Each runs the extractor on ``doc.text`` (once per Doc, however many of them run) and
  sets the span group ``doc.spans["cchc_<kind>"]``: one span per record, in the order of
  the JSON, labelled with the document type (references), the unit family (figures) or
  the heading form (sections). ``doc.spans["cchc_section_extents"]`` holds each
  section from its heading to its end. Span groups, not ``doc.ents``: records overlap
  (a figure inside a section); ``set_reference_ents`` puts the references alone there.
- ``span._.cchc`` is the record itself (a pydantic ``Reference``, ``Figure`` or
  ``Section``), ``doc._.cchc_report`` the whole ``Report`` (metadata, tables, checks).

The report is kept in ``doc.user_data`` as JSON data, and a span names its record by
its id (``span.id_ == "references/22"``), so ``DocBin(store_user_data=True)`` keeps
both across a round trip; a plain ``DocBin`` keeps the span groups and their labels.

Records' spans point into the normalized text. When ``doc.text`` is not normalized
(markup, NFD accents, doubled spaces), ``doc._.cchc_report.text`` holds the normalized
text and the spans on the Doc are moved back onto ``doc.text`` (``align.OffsetMap``).
"""

# No ``from __future__ import annotations`` here: spaCy reads the factories' annotations
# at run time to validate their settings.

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span
except ImportError as exc:  # the integration was asked for without the extra
    raise ImportError("cchc_extract.spacy needs spaCy: pip install 'cchc-extract[spacy]'") from exc

from . import patternbook
from .align import OffsetMap, find_heading, find_words
from .evaluate import GoldError, load_gold
from .models import Figure, Record, Reference, Report, Section
from .normalize import normalize
from .pipeline import extract_raw
from .readers import read
from .readers.text import text_report
from .vietnamese import fold_tones

RECORDS = ("references", "figures", "sections")
SPANS_KEYS = {kind: f"cchc_{kind}" for kind in RECORDS}
EXTENTS_KEY = "cchc_section_extents"
# doc.user_data key of the report, as JSON data: DocBin stores user data with msgpack.
REPORT_KEY = "cchc_report"
_MODELS: dict[str, type[Record]] = {"references": Reference, "figures": Figure, "sections": Section}


# --- labels ---------------------------------------------------------------------


def reference_label(doc_type: str | None) -> str:
    """A reference's label: its document type ("Quyết định"), "Văn bản" when unknown."""
    return doc_type or "Văn bản"


def figure_label(figure: Figure) -> str:
    """A figure's label: its unit family ("TTHC" -> "thủ tục")."""
    family = getattr(figure, "unit_family", None)  # the contract's field, where the model has it
    return str(family) if family else unit_label(figure.unit)


def unit_label(unit: str | None) -> str:
    """The family of a unit in patterns/units.yaml; "%" for a lone percentage, the unit as
    written when it has no family, "số lượng" without a unit."""
    if unit is None:
        return "số lượng"
    entry = patternbook.units().entry(unit)
    return entry.family if entry else unit


def _label(kind: str, record: Any) -> str:
    if kind == "references":
        return reference_label(record.doc_type)
    if kind == "figures":
        return figure_label(record)
    return str(record.form)


# --- extensions -----------------------------------------------------------------


def report_of(doc: Doc) -> Report | None:
    """The report the components stored on ``doc`` (built anew on each call: keep it)."""
    data = doc.user_data.get(REPORT_KEY)
    return Report.model_validate(data) if data is not None else None


def record_of(span: Span) -> Record | None:
    """The record a span of a cchc span group (or a reference entity) stands for."""
    kind, _, index = span.id_.partition("/")
    data = span.doc.user_data.get(REPORT_KEY)
    if data is None or kind not in _MODELS or not index.isdigit() or int(index) >= len(data[kind]):
        return None
    return _MODELS[kind].model_validate(data[kind][int(index)])


Doc.set_extension("cchc_report", getter=report_of, force=True)
Span.set_extension("cchc", getter=record_of, force=True)


# --- the components -------------------------------------------------------------


class CchcExtract:
    """A pipeline component: the extractor's records of some kinds as span groups."""

    def __init__(self, records: Iterable[str], spans_keys: dict[str, str], extents_key: str | None = EXTENTS_KEY):
        self.records = tuple(records)
        unknown = [kind for kind in self.records if kind not in RECORDS]
        if unknown or not self.records:
            raise ValueError(f"cchc_extract: unknown record kinds {unknown}; choose from {', '.join(RECORDS)}")
        self.spans_keys = {kind: spans_keys.get(kind, SPANS_KEYS[kind]) for kind in self.records}
        self.extents_key = extents_key

    def __call__(self, doc: Doc) -> Doc:
        report, back = _report_on(doc)
        for kind in self.records:
            doc.spans[self.spans_keys[kind]] = [
                _char_span(doc, back(record.span), _label(kind, record), f"{kind}/{i}", getattr(record, "key", None))
                for i, record in enumerate(getattr(report, kind))
            ]
        if "sections" in self.records and self.extents_key:
            doc.spans[self.extents_key] = [
                _char_span(doc, back(section.extent), section.form, f"sections/{i}")
                for i, section in enumerate(report.sections)
            ]
        return doc


def _report_on(doc: Doc) -> tuple[Report, Callable[[tuple[int, int]], tuple[int, int]]]:
    """The report of ``doc.text`` (extracted once, then kept in user data), and how to move
    its spans onto ``doc.text``."""
    data = doc.user_data.get(REPORT_KEY)
    text = doc.text  # spaCy joins the tokens anew on each doc.text
    if data is None:
        report = extract_raw(text_report(text, "<spaCy Doc>"), with_text=True)
        if report.text == text:
            report = report.model_copy(update={"text": None})  # doc.text is the text spans point into
        doc.user_data[REPORT_KEY] = report.model_dump(mode="json")
    else:
        report = Report.model_validate(data)
    if report.text is None:
        return report, lambda span: span
    return report, OffsetMap(text, report.text).span


def _char_span(doc: Doc, span: tuple[int, int], label: str, span_id: str = "", kb_id: str | None = None) -> Span:
    """The tokens that cover ``span``: a record that starts or ends inside a token takes all of it."""
    found = doc.char_span(span[0], span[1], label=label, kb_id=kb_id or "", span_id=span_id, alignment_mode="expand")
    if found is None:
        raise ValueError(f"characters {span[0]}-{span[1]} are outside the Doc")
    return found


_ASSIGNS = ["doc.spans", "doc._.cchc_report", "span._.cchc"]


@Language.factory(
    "cchc_extract",
    default_config={"records": list(RECORDS), "extents_key": EXTENTS_KEY},
    assigns=_ASSIGNS,
)
def make_extract(nlp: Language, name: str, records: list[str], extents_key: str) -> CchcExtract:
    """References, figures and sections (or those listed in ``records``) in one component."""
    return CchcExtract(records, SPANS_KEYS, extents_key or None)


@Language.factory("cchc_references", default_config={"spans_key": SPANS_KEYS["references"]}, assigns=_ASSIGNS)
def make_references(nlp: Language, name: str, spans_key: str) -> CchcExtract:
    return CchcExtract(["references"], {"references": spans_key})


@Language.factory("cchc_figures", default_config={"spans_key": SPANS_KEYS["figures"]}, assigns=_ASSIGNS)
def make_figures(nlp: Language, name: str, spans_key: str) -> CchcExtract:
    return CchcExtract(["figures"], {"figures": spans_key})


@Language.factory(
    "cchc_sections",
    default_config={"spans_key": SPANS_KEYS["sections"], "extents_key": EXTENTS_KEY},
    assigns=_ASSIGNS,
)
def make_sections(nlp: Language, name: str, spans_key: str, extents_key: str) -> CchcExtract:
    return CchcExtract(["sections"], {"sections": spans_key}, extents_key or None)


# --- helpers --------------------------------------------------------------------


def blank(lang: str = "xx") -> Language:
    """A blank pipeline that needs no model and no tokenizer package: "xx" (any language),
    or "vi" without pyvi (one token per syllable)."""
    config = {"nlp": {"tokenizer": {"use_pyvi": False}}} if lang == "vi" else {}
    return spacy.blank(lang, config=config)


def set_reference_ents(doc: Doc, spans_key: str = SPANS_KEYS["references"]) -> list[Span]:
    """Put the references of a span group in ``doc.ents`` (label the type, ``kb_id_`` the key).

    Entities cannot overlap: an entity already there that overlaps a reference gives way,
    and a reference that overlaps the one before it is left out. Returns those left out.
    """
    kept: list[Span] = []
    left_out: list[Span] = []
    for span in sorted(doc.spans[spans_key], key=lambda s: (s.start, -s.end)):
        (left_out if kept and span.start < kept[-1].end else kept).append(span)
    others = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in kept)]
    doc.ents = sorted(others + kept, key=lambda s: s.start)
    return left_out


# --- training data from gold ----------------------------------------------------


def gold_doc(nlp: Language, document: str | Path, gold_path: str | Path) -> Doc:
    """A document with its gold as training data: the normalized text tokenized by ``nlp``,
    the gold records in the span groups the components fill, with the same labels
    (references also in ``doc.ents``).

    A span group must hold every record of its kind (a model learns from what is left out
    too), so a kind the gold does not annotate in full is left out: one absent from the
    file, figures under ``figures_skipped``, and the sections of gold written to the
    annotation guide (Roman headings only).

    Gold has no spans: references and figures are found by their ``text``, sections by
    their number and title, each after the one before where it is there, else at the
    first place no other record took (a text cited twice is found twice). A record not
    in the document is a ``GoldError``.
    """
    document, gold_path = Path(document), Path(gold_path)
    text = normalize(read(document)).text
    gold = load_gold(gold_path)
    doc = nlp.make_doc(text)
    where = _GoldPlacer(doc, text, gold_path, document.name)
    if gold.references is not None:
        doc.spans[SPANS_KEYS["references"]] = where.by_words(
            "references", gold.references, lambda r: (reference_label(r.doc_type), r.key)
        )
        set_reference_ents(doc)
    if gold.figures is not None and not gold.figures_skipped:
        doc.spans[SPANS_KEYS["figures"]] = where.by_words("figures", gold.figures, lambda r: (unit_label(r.unit), None))
    if gold.sections is not None and not gold.follows_guide:
        doc.spans[SPANS_KEYS["sections"]] = where.headings(gold.sections)
    return doc


class _GoldPlacer:
    """Finds gold records in a document's normalized text: each after the one before where
    it is there (gold mostly lists records in reading order), else the first place not
    taken by another record (a short form an annotator listed last)."""

    def __init__(self, doc: Doc, text: str, gold_path: Path, name: str):
        self.doc, self.text, self.gold_path, self.name = doc, text, gold_path, name

    def by_words(self, kind: str, records: list[Any], label: Callable[[Any], tuple[str, str | None]]) -> list[Span]:
        folded = fold_tones(self.text)
        spans: list[Span] = []
        taken: set[tuple[int, int]] = set()
        cursor = 0
        for i, record in enumerate(records):
            if not record.text:
                raise GoldError(self.gold_path, "error.gold.no_text", record=f"{kind}[{i}]")
            found = find_words(folded, record.text, cursor)
            start = 0
            while found is None or found in taken:
                found = find_words(folded, record.text, start)
                if found is None:
                    raise GoldError(
                        self.gold_path,
                        "error.gold.not_found",
                        record=f"{kind}[{i}] “{record.text}”",
                        document=self.name,
                    )
                start = found[0] + 1
            taken.add(found)
            cursor = found[1]
            name, kb_id = label(record)
            spans.append(_char_span(self.doc, found, name, kb_id=kb_id))
        return spans

    def headings(self, sections: list[Any]) -> list[Span]:
        lines = self.text.split("\n")
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        spans: list[Span] = []
        taken: set[int] = set()
        cursor = 0
        for i, section in enumerate(sections):
            if not section.number or not section.title:
                raise GoldError(self.gold_path, "error.gold.section_fields", record=f"sections[{i}]")
            found = find_heading(lines, section.number, section.title, cursor)
            first = 0
            while found is None or found[0] in taken:
                found = find_heading(lines, section.number, section.title, first)
                if found is None:
                    what = f"{section.number}. {section.title!r}"
                    raise GoldError(
                        self.gold_path, "error.gold.not_found", record=f"sections[{i}] {what}", document=self.name
                    )
                first = found[0] + 1
            index, form = found
            taken.add(index)
            line = lines[index]
            start = starts[index] + len(line) - len(line.lstrip())
            spans.append(_char_span(self.doc, (start, starts[index] + len(line.rstrip())), form))
            cursor = index + 1
        return spans


# The format a document with gold is read in when the corpus has it in several.
_PREFERRED = (".txt", ".md", ".docx", ".doc", ".pdf")


def gold_docs(pairs: Iterable[tuple[Path, Path]], lang: str = "xx") -> list[Doc]:
    """Training data from gold, for ``DocBin(docs=...)``: one Doc per gold file, read from the
    document's text rendering when the corpus has it in several formats."""
    chosen: dict[Path, Path] = {}
    for document, gold_path in pairs:
        if gold_path not in chosen or _rank(document) < _rank(chosen[gold_path]):
            chosen[gold_path] = document
    nlp = blank(lang)
    return [gold_doc(nlp, document, gold_path) for gold_path, document in sorted(chosen.items())]


def _rank(document: Path) -> int:
    suffix = document.suffix.lower()
    return _PREFERRED.index(suffix) if suffix in _PREFERRED else len(_PREFERRED)
