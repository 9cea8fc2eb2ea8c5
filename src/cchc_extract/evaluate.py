"""Score extractions against hand-made gold: precision, recall and F1 per record type.

Matching is a one-to-one assignment of each gold record to at most one
prediction, mentions counted as often as they occur. Two modes:

- ``key``: records match on their canonical identity (number + symbol for
  references, id for sections, value + unit for figures, code + label for table
  rows, rule + place for checks); field accuracy is then reported on the pairs.
- ``strict``: records match only when every field the gold gives is equal.

The gold format is documented in gold/README.md; a gold file that does not fit
it is an error naming the file and the field.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from .errors import CchcError
from .extract.references import canonical_symbol
from .models import Figure, Record, Reference, Report, Section, TableRow
from .readers import supported_suffixes
from .vietnamese import fold_tones

Mode = Literal["key", "strict"]
RECORD_TYPES = ("references", "sections", "figures", "table_rows", "checks", "metadata")


class GoldError(CchcError):
    kind = "gold"


# --- the gold format ----------------------------------------------------------


class _GoldModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Provenance that gold does not carry: it is written by reading, not by offsets.
_NOT_IN_GOLD = {"span", "extent", "page"}


def _gold_version(record: type[Record], required: tuple[str, ...] = (), **extra: Any) -> type[BaseModel]:
    """The gold form of a contract record: the same fields, optional unless required, no spans."""
    model = record.pydantic_model()
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in _NOT_IN_GOLD:
            annotation = info.annotation or Any
            fields[name] = (annotation, ...) if name in required else (annotation | None, None)
    fields.update({name: (annotation, None) for name, annotation in extra.items()})
    return create_model(f"Gold{model.__name__}", __base__=_GoldModel, **fields)


GoldReference = _gold_version(Reference)
GoldSection = _gold_version(Section, required=("id",))
GoldFigure = _gold_version(Figure, required=("value",))
GoldRow = _gold_version(TableRow, table=str | None)


class GoldCheck(_GoldModel):
    rule: str
    where: list[str] = []


class GoldNamedReference(_GoldModel):
    """A document cited by name and date only ("Luật Tổ chức chính quyền địa phương ngày ...")."""

    text: str
    date: str | None = None


class Gold(_GoldModel):
    document: str | None = None
    notes: str | None = None
    draft: bool = False
    # the annotation guide's shape (../shared/design/annotation-guide.md): an id, the
    # document's path under the corpus folder, and what the guide adds
    id: str | None = None
    source: str | None = None
    self_mentions: int | None = None
    named_references: list[GoldNamedReference] | None = None
    figures_skipped: bool = False
    metadata: dict[str, Any] | None = None
    sections: list[GoldSection] | None = None  # type: ignore[valid-type]
    references: list[GoldReference] | None = None  # type: ignore[valid-type]
    figures: list[GoldFigure] | None = None  # type: ignore[valid-type]
    table_rows: list[GoldRow] | None = None  # type: ignore[valid-type]
    checks: list[GoldCheck] | None = None

    @property
    def follows_guide(self) -> bool:
        """Written to the annotation guide, whose conventions then apply: sections are the
        Roman headings only, and mentions of the document's own number are not references."""
        return self.id is not None and self.document is None


def load_gold(path: str | Path) -> Gold:
    """Read and validate one gold file; a bad one is a ``GoldError`` naming the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GoldError(path, "error.gold.missing") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(path, "error.gold.json", reason=str(exc)) from exc
    try:
        return Gold.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        more = f" (+{exc.error_count() - 1})" if exc.error_count() > 1 else ""
        raise GoldError(path, "error.gold.field", field=where, reason=f"{err['msg']}{more}") from exc


# --- bookkeeping --------------------------------------------------------------


@dataclass
class Score:
    """Exact precision/recall/F1 bookkeeping from counts."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "accuracy": round(self.correct / self.total, 4) if self.total else 1.0,
            "correct": self.correct,
            "total": self.total,
        }


@dataclass
class DocumentResult:
    document: str
    scores: dict[str, Score] = field(default_factory=dict)
    fields: dict[str, Accuracy] = field(default_factory=dict)
    missed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


# --- comparing values ---------------------------------------------------------


def _norm(value: Any) -> Any:
    """Compare text as a reader would: NFC, folded tones, folded white space."""
    if isinstance(value, str):
        return fold_tones(" ".join(unicodedata.normalize("NFC", value).split()))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _ref_identity(rec: dict[str, Any]) -> tuple[Any, ...]:
    symbol = rec.get("symbol")
    return (_norm(str(rec.get("number") or "").lstrip("0").lower()), canonical_symbol(symbol) if symbol else None)


def _section_identity(rec: dict[str, Any]) -> tuple[Any, ...]:
    return (rec.get("id"),)


def _figure_identity(rec: dict[str, Any]) -> tuple[Any, ...]:
    return (_norm(float(rec["value"])), _norm((rec.get("unit") or "").lower()))


def _row_identity(rec: dict[str, Any]) -> tuple[Any, ...]:
    return (rec.get("code"), _norm((rec.get("label") or "").lower()))


_IDENTITY: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "references": _ref_identity,
    "sections": _section_identity,
    "figures": _figure_identity,
    "table_rows": _row_identity,
}


def _agreement(gold: dict[str, Any], pred: dict[str, Any]) -> list[tuple[str, bool]]:
    """For each field the gold gives (text too), whether the prediction has it right."""
    return [(name, _norm(pred.get(name)) == _norm(value)) for name, value in gold.items() if name != "table"]


def _checks_match(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    if gold["rule"] != pred["rule"]:
        return False
    return not gold.get("where") or bool(set(gold["where"]) & set(pred.get("where", [])))


def match_records(
    kind: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]], mode: Mode
) -> tuple[Score, dict[str, Accuracy], list[dict[str, Any]], list[dict[str, Any]]]:
    """Assign each gold record to at most one prediction; return counts, field accuracy,
    the gold records missed and the predictions left over."""
    used = [False] * len(pred)
    score, fields = Score(), dict[str, Accuracy]()
    missed: list[dict[str, Any]] = []
    for g in gold:
        best, best_agree = None, -1
        for j, p in enumerate(pred):
            if used[j]:
                continue
            if kind == "checks":
                ok = _checks_match(g, p)
                agree = 0
            else:
                ok = _IDENTITY[kind](g) == _IDENTITY[kind](p)
                pairs = _agreement(g, p)
                agree = sum(1 for _, same in pairs if same)
                if ok and mode == "strict":
                    ok = all(same for _, same in pairs)
            if ok and agree > best_agree:
                best, best_agree = j, agree
        if best is None:
            score.fn += 1
            missed.append(g)
            continue
        used[best] = True
        score.tp += 1
        if kind != "checks":
            for name, same in _agreement(g, pred[best]):
                acc = fields.setdefault(f"{kind}.{name}", Accuracy())
                acc.total += 1
                acc.correct += same
    extra = [p for j, p in enumerate(pred) if not used[j]]
    score.fp += len(extra)
    return score, fields, missed, extra


def _metadata_score(
    gold: dict[str, Any], pred: dict[str, Any]
) -> tuple[Score, dict[str, Accuracy], list[dict[str, Any]], list[dict[str, Any]]]:
    """Each metadata field is one record; each recipient line is one record."""
    score, fields = Score(), dict[str, Accuracy]()
    missed: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    for name, value in gold.items():
        got = pred.get(name)
        if name == "recipients":
            g_items = [_norm(x) for x in value or []]
            p_items = [_norm(x) for x in got or []]
            remaining = list(p_items)
            for item in g_items:
                if item in remaining:
                    remaining.remove(item)
                    score.tp += 1
                else:
                    score.fn += 1
                    missed.append({"recipients": item})
            score.fp += len(remaining)
            extra.extend({"recipients": x} for x in remaining)
            continue
        same = _norm(got) == _norm(value)
        acc = fields.setdefault(f"metadata.{name}", Accuracy())
        acc.total += 1
        acc.correct += same
        if same:
            score.tp += value is not None
            continue
        if value is not None:
            score.fn += 1
            missed.append({name: value})
        if got is not None:
            score.fp += 1
            extra.append({name: got})
    return score, fields, missed, extra


def _prediction_records(report: Report) -> dict[str, Any]:
    data = report.model_dump(mode="json")
    rows = [{"table": t["id"], **row} for t in data["tables"] for row in t["rows"]]
    return {
        "references": data["references"],
        "sections": data["sections"],
        "figures": data["figures"],
        "table_rows": rows,
        "checks": data["checks"],
        "metadata": data["metadata"],
    }


def _as_the_guide_counts(pred: dict[str, Any]) -> dict[str, Any]:
    """Predictions as the annotation guide counts records: Roman headings only, named by
    their numeral at any depth; references identified by number and symbol (a short form
    such as "Nghị định số 61" has no symbol), and no mention of the document's own number."""
    sections = [{**s, "id": s["number"]} for s in pred["sections"] if s["form"] == "roman"]
    references = [r for r in pred["references"] if not r.get("self") and r.get("symbol")]
    return {**pred, "sections": sections, "references": references}


def score_document(report: Report, gold: Gold, mode: Mode = "key", name: str | None = None) -> DocumentResult:
    """Score one report against its gold; record types the gold omits are not scored."""
    result = DocumentResult(name or report.source.path)
    pred = _prediction_records(report)
    gold_data = gold.model_dump(mode="json", exclude_unset=True)
    if gold.follows_guide:
        pred = _as_the_guide_counts(pred)
    for kind in RECORD_TYPES:
        if gold_data.get(kind) is None or (kind == "figures" and gold.figures_skipped):
            continue
        if kind == "metadata":
            score, fields, missed, extra = _metadata_score(gold_data["metadata"], pred["metadata"])
        else:
            score, fields, missed, extra = match_records(kind, gold_data[kind], pred[kind], mode)
        result.scores[kind] = score
        result.fields.update(fields)
        result.missed[kind] = missed
        result.extra[kind] = extra
    return result


@dataclass
class Evaluation:
    mode: Mode
    documents: list[DocumentResult]

    def by_type(self) -> dict[str, Score]:
        total: dict[str, Score] = {}
        for doc in self.documents:
            for kind, score in doc.scores.items():
                total.setdefault(kind, Score()).add(score)
        return {k: total[k] for k in RECORD_TYPES if k in total}

    def macro(self) -> dict[str, float]:
        per: dict[str, list[float]] = {}
        for doc in self.documents:
            for kind, score in doc.scores.items():
                per.setdefault(kind, []).append(score.f1)
        return {k: round(sum(v) / len(v), 4) for k, v in per.items()}

    def fields(self) -> dict[str, Accuracy]:
        total: dict[str, Accuracy] = {}
        for doc in self.documents:
            for name, acc in doc.fields.items():
                t = total.setdefault(name, Accuracy())
                t.correct += acc.correct
                t.total += acc.total
        return dict(sorted(total.items()))

    def as_dict(self) -> dict[str, Any]:
        micro = Score()
        for score in self.by_type().values():
            micro.add(score)
        return {
            "documents": len(self.documents),
            "mode": self.mode,
            "by_type": {k: v.as_dict() for k, v in self.by_type().items()},
            "micro": micro.as_dict(),
            "macro_f1": self.macro(),
            "fields": {k: v.as_dict() for k, v in self.fields().items()},
            "per_document": [
                {"document": d.document, "by_type": {k: v.as_dict() for k, v in d.scores.items()}}
                for d in self.documents
            ],
        }


def pair_corpus(corpus: Path, gold_dir: Path) -> list[tuple[Path, Path]]:
    """Every document under ``corpus`` that has a gold file: the gold's ``source`` (a path
    under the corpus folder) where it names one, else any document of the same stem, in any
    format and any sub-folder."""
    if not corpus.is_dir():
        raise GoldError(corpus, "error.gold.corpus_not_folder")
    if not gold_dir.is_dir():
        raise GoldError(gold_dir, "error.gold.gold_not_folder")
    suffixes = set(supported_suffixes())
    documents = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    pairs = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        source = _declared_source(gold_path)
        if source is not None:
            doc = corpus / source
            if not doc.is_file():
                raise GoldError(gold_path, "error.gold.source", source=source, corpus=str(corpus))
            pairs.append((doc, gold_path))
        else:
            pairs.extend((doc, gold_path) for doc in documents if doc.stem == gold_path.stem)
    return sorted(pairs, key=lambda pair: pair[0])


def _declared_source(gold_path: Path) -> str | None:
    """The ``source`` a gold file names, read before the whole file is validated."""
    try:
        data = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(gold_path, "error.gold.json", reason=str(exc)) from exc
    source = data.get("source") if isinstance(data, dict) else None
    return source if isinstance(source, str) else None


def evaluate(
    pairs: Iterable[tuple[Path, Path]],
    extract: Callable[[Path], Report],
    mode: Mode = "key",
    *,
    allow_draft: bool = False,
) -> Evaluation:
    """Extract each document and score it against its gold.

    Gold marked ``"draft": true`` (written by ``gold-draft`` and not yet corrected by
    reading) is refused with a ``GoldError``: it is the extractor's own output, and would
    score it perfect. ``allow_draft`` scores it anyway.
    """
    pairs = list(pairs)
    golds = [load_gold(gold_path) for _, gold_path in pairs]
    drafts = [str(path) for (_, path), gold in zip(pairs, golds, strict=True) if gold.draft]
    if drafts and not allow_draft:
        raise GoldError(drafts[0], "error.gold.draft", "remedy.gold.draft", count=len(drafts))
    results = []
    for (doc, _), gold in zip(pairs, golds, strict=True):
        results.append(score_document(extract(doc), gold, mode, name=doc.name))
    return Evaluation(mode, results)


# --- checks that need no gold ---------------------------------------------------

_NUMBER_LINE = regex.compile(r"^[\s|*\-–—_]*Số\s*:?\s*\**\s*(?P<rest>.*)$", regex.M)


def own_number(report: Report) -> str | None:
    """The document's own number as a header writes it: "105/2025/QĐ-UBND", "0204/KH-UBND"."""
    m = report.metadata
    if not m.symbol:
        return None
    return f"{m.number}/{m.year}/{m.symbol}" if m.year else f"{m.number}/{m.symbol}"


def has_number_line(text: str, number: str) -> bool:
    """Whether a document writes ``number`` on a "Số" line, as a header does (an excerpt or a
    web page without a header of its own does not)."""
    head = number.split("/")[0]
    return any(m["rest"].replace("*", "").strip().startswith(head) for m in _NUMBER_LINE.finditer(text))


def cites_itself(report: Report) -> bool:
    """Whether a mention of the document's own number is listed as a citation (not ``self``)."""
    m = report.metadata
    return any(
        not r.self
        and r.number
        and r.number.lstrip("0") == (m.number or "").lstrip("0")
        and r.symbol
        and r.symbol.replace(" ", "") == m.symbol
        and r.year == m.year
        and (r.date is None or m.date is None or r.date.year == m.date.year)
        for r in report.references
    )


def records_outside(report: Report) -> int:
    """How many records stand outside the document's own extent (in a website's text)."""
    if report.extent is None:
        return 0
    start, end = report.extent
    spans = [r.span for r in report.references] + [f.span for f in report.figures] + [s.span for s in report.sections]
    return sum(1 for a, b in spans if a < start or b > end)


# --- drafts for annotators ------------------------------------------------------

_DRAFT_FIELDS = {
    "sections": ("id", "number", "level", "title", "parent"),
    "references": ("text", "doc_type", "number", "year", "symbol", "key", "date", "issuer", "section"),
    "figures": ("text", "value", "unit", "share_percent", "of_total", "label", "section"),
    "table_rows": ("table", "code", "label", "unit", "unit_resolved", "value", "number", "parent", "value_label"),
    "checks": ("rule", "where"),
}
_METADATA_FIELDS = (
    "doc_type",
    "number",
    "symbol",
    "issuer",
    "parent_body",
    "place",
    "date",
    "subject",
    "signer",
    "signer_title",
    "recipients",
)


def gold_draft(report: Report, document: str) -> dict[str, Any]:
    """The extraction in gold format, marked as a draft that a person must correct by reading."""
    pred = _prediction_records(report)
    draft: dict[str, Any] = {
        "document": document,
        "draft": True,
        "notes": (
            "DRAFT written by cchc-extract, not gold: read the document, correct every record, add what is "
            "missing, delete what is wrong, then remove the draft flag."
        ),
        "metadata": {k: pred["metadata"][k] for k in _METADATA_FIELDS},
    }
    for kind, fields in _DRAFT_FIELDS.items():
        draft[kind] = [{k: rec.get(k) for k in fields} for rec in pred[kind]]
    Gold.model_validate(draft)  # a draft must load as gold once corrected
    return draft
