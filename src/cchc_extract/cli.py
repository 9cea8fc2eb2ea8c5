"""The command line: a thin layer over the library.

``cchc-extract REPORT`` is short for ``cchc-extract extract REPORT``. Library
errors become one line on stderr and exit status 2; nothing is overwritten
without ``--force``.

The layer is the standard library's argparse: starting typer (with click and rich) cost
more than the whole extraction of a small report (README, "Dependencies, and why").
Each command is a function whose keyword arguments are its options, and a ``COMMANDS``
entry that declares them; the library is imported inside the function that uses it, so
that ``--help`` and ``--version`` load nothing of it. Shell completion is ``completion.py``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import glob
import json
import os
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from . import __version__
from .errors import CchcError, OutputError, first_line

if TYPE_CHECKING:
    from .evaluate import Evaluation
    from .models import Report

PROG = "cchc-extract"
DESCRIPTION = (
    "Turn Vietnamese administrative-reform (CCHC) reports into structured, checkable data.\n\n"
    "cchc-extract REPORT... is short for cchc-extract extract REPORT...: a summary in Vietnamese "
    "(--lang en for English), the contract JSON with --json, a review page with --html."
)
EPILOG = (
    "Examples:\n\n"
    "  cchc-extract report.docx\n\n"
    "  cchc-extract report.pdf --json --out report.json\n\n"
    "  cchc-extract batch archive/ --db results.sqlite --html pages/"
)

_ENCODING_HELP = (
    "Encoding of a text file: auto (UTF-8, else the legacy encoding it reads best in, with a warning), "
    "utf-8, utf-16, cp1258, tcvn3, vni, viscii or vps. DOCX and PDF files say their own."
)
OCR_HELP = "When to read pages by OCR (Tesseract): auto (pages without a usable text layer, and images), always, never."
_DIALECT_HELP = "excel: commas, the contract's fields; excel-vn: semicolons, decimal commas, the table's own headers."
FORMATS = ("txt", "md", "docx", "doc", "pdf", "png", "jpeg", "tiff")
CSV_DIALECTS = ("excel", "excel-vn")
ENGINES = ("pool", "dask")


def t(message_id: str, /, **args: Any) -> str:
    """A message of the catalogue (``i18n.t``), loaded when one is first written: --help needs none."""
    from .i18n import t as text

    return text(message_id, **args)


class Exit(Exception):  # an exit, not an error: it carries the status
    """Leave the command with this exit status (what ``typer.Exit`` was)."""

    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code


def echo(text: str, *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def _say(error: CchcError) -> None:
    """One line on stderr: "cchc-extract: lỗi: FILE: problem (remedy)"."""
    echo(f"cchc-extract: {t('cli.error')}: {error.line()}", err=True)


def _fail(error: CchcError) -> Exit:
    _say(error)
    return Exit(error.exit_status)


def write_output(text: str, out: Path | None, force: bool) -> None:
    """Print ``text``, or write it to ``out`` (refusing to overwrite unless forced); ``-`` is stdout."""
    if out is None or str(out) == "-":
        echo(text)
        return
    _refuse_existing(out, force)
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError.unwritable(out, exc) from exc


def _refuse_existing(path: Path | None, force: bool) -> None:
    if path is not None and str(path) != "-" and path.exists() and not force:
        raise OutputError(path, "error.output.exists", "remedy.output.force")


def _reports(arguments: list[str]) -> list[str]:
    """The reports named: files as given, globs expanded (a glob that matches nothing is kept,
    so that it is reported as missing), ``-`` for standard input once."""
    found: list[str] = []
    for argument in arguments:
        matches = sorted(glob.glob(argument, recursive=True)) if glob.has_magic(argument) else []
        found.extend(matches or [argument])
    return list(dict.fromkeys(found))


def _extract_one(name: str, format: str | None, reading: dict[str, Any]) -> Report:
    """One report from a file, or from standard input for ``-``."""
    if name == "-":
        from .pipeline import extract_text

        return extract_text(sys.stdin.buffer.read(), format, name="<stdin>", **reading)
    from .pipeline import extract as run_extract

    return run_extract(Path(name), format=format, **reading)


def extract_command(
    reports: list[str],
    json_: bool = False,
    with_text: bool = False,
    out: Path | None = None,
    force: bool = False,
    csv_dir: Path | None = None,
    csv_dialect: str = "excel",
    html: Path | None = None,
    full: bool = False,
    format_: str | None = None,
    password: str | None = None,
    encoding: str = "auto",
    ocr: str = "auto",
) -> None:
    """Extract reports: a summary for a person, the contract JSON with --json, a review page with --html.

    cchc-extract REPORT... is short for cchc-extract extract REPORT....
    """
    from .export.json import to_json

    arguments = [str(r) for r in reports]
    names = _reports(arguments)
    several = len(arguments) > 1 or any(glob.has_magic(a) for a in arguments)
    if names.count("-") and len(names) > 1:
        raise _fail(CchcError(None, "error.cli.stdin_alone"))
    # the review page needs the text; the JSON has it only when asked
    reading: dict[str, Any] = {"with_text": with_text or html is not None, "password": password, "encoding": encoding}
    _ocr_settings(ocr)  # an unknown mode is refused before anything is read
    try:
        _refuse_existing(out, force)
        if html is not None and not several:
            _refuse_existing(html, force)
    except CchcError as error:
        raise _fail(error) from None
    outputs: list[str] = []
    pages: list[Any] = []
    failures: list[int] = []
    for name in names:
        try:
            with _page_progress(sys.stderr.isatty()) as update:
                reading["ocr"] = _ocr_settings(ocr, update)
                report = _extract_one(name, format_, reading)
            if html is not None:
                pages.append(_write_page(report, html, several, force))
            if not with_text and report.text is not None:
                report = report.model_copy(update={"text": None})
            if csv_dir is not None:
                from .export.csv import write_csv

                folder = csv_dir / Path(report.source.path).stem if several else csv_dir
                written = write_csv(report, folder, force=force, dialect=csv_dialect)
                echo(t("cli.csv_written", count=len(written), folder=str(folder)), err=True)
        except CchcError as error:
            _say(error)
            failures.append(error.exit_status)
            continue
        if json_ or with_text:
            outputs.append(to_json(report, indent=None if several else 2))
        else:
            from .export.summary import summary

            outputs.append(summary(report, full=full))
    try:
        if html is not None and pages and several:
            _write_index(html, pages)
        if outputs:
            write_output(("\n" if json_ or with_text else "\n\n").join(outputs), out, force)
    except CchcError as error:
        raise _fail(error) from None
    if failures:
        # 2 when some input was bad; 3 when the only trouble was reports with nothing to read
        raise Exit(min(failures))


def _write_page(report: Report, target: Path, several: bool, force: bool) -> Any:
    """The report's review page: ``target`` itself, or a page in the folder ``target``."""
    from .export.html import index_entry, page_name, render_page, write_page

    if several:
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError.unwritable(target, exc) from exc
        path = target / page_name(report)
    else:
        path = target
    write_page(path, render_page(report), force=force)
    return index_entry(report, path.name)


def _write_index(folder: Path, entries: list[Any]) -> None:
    from .export.html import update_index

    listed = update_index(folder, entries)
    echo(t("cli.html_written", count=len(entries), listed=listed, folder=str(folder)), err=True)


def _ocr_settings(mode: str, progress: Callable[[int, int], None] | None = None) -> Any:
    """The OCR mode, checked; with a progress bar, as ``OcrSettings``. A plain mode is what the
    readers make their settings of, and imports nothing of OCR for a text file."""
    from .readers import OCR_MODES

    if mode not in OCR_MODES:
        raise _fail(
            CchcError(None, "error.ocr.unknown_mode", "remedy.choose", value=mode, choices=", ".join(OCR_MODES))
        )
    if progress is None:
        return mode
    from .readers.ocr import OcrSettings

    return OcrSettings(mode=mode, progress=progress)


@contextlib.contextmanager
def _page_progress(show: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar over the pages OCR reads, on a terminal; it appears only once OCR starts."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with contextlib.ExitStack() as stack:
        bar: Progress | None = None
        task = None

        def update(done: int, total: int) -> None:
            nonlocal bar, task
            if bar is None:
                columns = (TextColumn(t("cli.ocr_progress")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
                # on stderr: stdout carries the report, often into a file or a pipe
                bar = stack.enter_context(Progress(*columns, transient=True, console=Console(stderr=True)))
                task = bar.add_task("ocr", total=total)
            bar.update(task, completed=done, total=total)  # type: ignore[arg-type]

        yield update


def schema_command(out: Path | None = None, force: bool = False) -> None:
    """Print the JSON Schema of the output, generated from the models."""
    from .export import schema_json

    try:
        write_output(schema_json(), out, force)
    except CchcError as error:
        raise _fail(error) from None


def eval_command(
    corpus: Path,
    gold: Path,
    json_: bool = False,
    mode: str = "key",
    min_f1: float | None = None,
    diff: str | None = None,
    floor: list[str] | None = None,
    allow_draft: bool = False,
) -> None:
    """Score the extraction against hand-made gold: precision, recall, F1 per record type."""
    from .evaluate import evaluate, pair_corpus
    from .pipeline import extract as run_extract

    floors: dict[str, float] = {}
    for item in floor or []:
        name, _, value = item.partition("=")
        try:
            floors[name.strip()] = float(value)
        except ValueError:
            raise _fail(CchcError(None, "error.cli.floor", "remedy.cli.floor", value=item)) from None

    if mode not in ("key", "strict"):
        raise _fail(CchcError(None, "error.cli.mode", "remedy.cli.mode", value=mode))
    try:
        pairs = pair_corpus(corpus, gold)
        if diff:
            pairs = [p for p in pairs if diff in (p[0].name, p[0].stem)]
            if not pairs:
                raise CchcError(diff, "error.gold.no_such_document", corpus=str(corpus))
        result = evaluate(pairs, run_extract, "strict" if mode == "strict" else "key", allow_draft=allow_draft)
    except CchcError as error:
        raise _fail(error) from None
    if not pairs:
        raise _fail(CchcError(corpus, "error.gold.none", gold=str(gold)))
    data = result.as_dict()
    if diff:
        echo(_diff_text(result))
    elif json_:
        echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        echo(_eval_text(data))
    low = {k: v["f1"] for k, v in data["by_type"].items() if min_f1 is not None and v["f1"] < min_f1}
    if low:
        scores = ", ".join(f"{k} {v:.3f}" for k, v in low.items())
        echo(f"cchc-extract: {t('cli.eval.below_f1', least=min_f1, scores=scores)}", err=True)
        raise Exit(1)
    measured = {k: v["f1"] for k, v in data["by_type"].items()} | {k: v["accuracy"] for k, v in data["fields"].items()}
    missing = [name for name in floors if name not in measured]
    under = {name: measured[name] for name, least in floors.items() if name in measured and measured[name] < least}
    if missing or under:
        said = [f"{k} {v:.3f} < {floors[k]}" for k, v in under.items()]
        said += [t("cli.eval.not_measured", name=k) for k in missing]
        echo(f"cchc-extract: {t('cli.eval.below_floor', scores=', '.join(said))}", err=True)
        raise Exit(1)


def batch_command(
    inputs: list[str],
    db: str = "results.sqlite",
    jobs: int | None = None,
    jsonl: Path | None = None,
    timeout: float = 120.0,
    quiet: bool = False,
    encoding: str = "auto",
    html: Path | None = None,
    ocr: str = "auto",
    engine: str = "pool",
    scheduler: str | None = None,
    parquet: Path | None = None,
) -> None:
    """Extract many reports in parallel into a database; re-running skips what is stored."""
    _ocr_settings(ocr)  # an unknown mode is refused before anything starts
    if scheduler is not None and engine != "dask":
        raise _fail(CchcError(None, "error.batch.scheduler_without_dask"))
    from .batch import check_options, run_batch, summary_text
    from .export.database import hide_password, open_store
    from .legacy import TEXT_ENCODINGS

    if encoding not in TEXT_ENCODINGS:
        raise _fail(
            CchcError(
                None,
                "error.encoding.unknown",
                "remedy.choose",
                value=encoding,
                choices=", ".join(TEXT_ENCODINGS),
            )
        )
    if html is not None:
        try:
            html.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fail(OutputError.unwritable(html, exc)) from None
    started = time.perf_counter()
    try:
        check_options(jobs, timeout)  # before anything is created
        if engine == "dask":
            from .dask_engine import get_ready

            # a local cluster's fork server is a fork of this process: made before the database,
            # the JSON Lines file and the progress bar's thread, none of which it needs
            get_ready(local=scheduler is None)
        store = open_store(db)
    except CchcError as error:
        raise _fail(error) from None
    show = not quiet and sys.stderr.isatty()
    try:
        handle = jsonl.open("a", encoding="utf-8") if jsonl else None
    except OSError as exc:
        store.close()
        raise _fail(OutputError.unwritable(str(jsonl), exc)) from None
    try:
        with _progress(show) as update, _terminated_as_interrupt():
            summary = run_batch(
                inputs,
                store,
                jobs=jobs,
                timeout=timeout,
                jsonl=handle,
                progress=update,
                encoding=encoding,
                html=html,
                ocr=ocr,
                engine=engine,
                scheduler=scheduler,
                parquet=parquet,
            )
        if html is not None:
            _write_index(html, summary.pages)
    except KeyboardInterrupt as stop:
        echo(f"cchc-extract: {t('cli.batch.interrupted')}", err=True)
        raise Exit(143 if isinstance(stop, _Terminated) else 130) from None
    except store.errors as exc:  # the database itself failed (disk full, server gone)
        raise _fail(OutputError(hide_password(db), "error.db.failed", reason=first_line(exc))) from None
    except CchcError as error:
        raise _fail(error) from None
    finally:
        store.close()
        if handle:
            handle.close()
    if not quiet:
        echo(summary_text(summary, time.perf_counter() - started), err=True)
    if summary.failed:
        raise Exit(1)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the workers stopped at once, one line, exit 143."""


@contextlib.contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _progress(show: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar with files/s and an ETA on a terminal; nothing otherwise."""
    if not show:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]} files/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("batch", total=None, rate="-")
        started = time.monotonic()

        def update(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            bar.update(task, completed=done, total=total, rate=f"{done / elapsed:.1f}" if elapsed > 0 else "-")

        yield update


def _open_existing_store(db: str) -> Any:
    """The database a query reads: an SQLite file that exists (a query never makes one), or a URL."""
    from .errors import InputError
    from .export.database import open_store

    if "://" not in db and not Path(db).exists():
        raise _fail(InputError(db, "error.input.missing"))
    try:
        return open_store(db)
    except CchcError as error:
        raise _fail(error) from None


def _echo_json_lines(records: Sequence[Any]) -> None:
    """Each record (a dataclass) as one JSON object per line: --json of the query commands."""
    import dataclasses

    for record in records:
        echo(json.dumps(dataclasses.asdict(record), ensure_ascii=False, default=str))


def cites_command(key: str, db: str = "results.sqlite", json_: bool = False) -> None:
    """List the reports that cite a document (each report once, whatever its renderings), oldest first."""
    from .export.citations import cites

    store = _open_existing_store(db)
    try:
        looked_up, reports = cites(store, key)
    finally:
        store.close()
    if json_:
        _echo_json_lines(reports)
        return
    if not reports:
        echo(t("cli.cites.none", key=looked_up))
        return
    echo(t("cli.cites.title", key=looked_up, count=len(reports)))
    for report in reports:
        number = "/".join(p for p in (report.number or "—", report.symbol) if p)
        echo(
            t(
                "cli.cites.row",
                date=report.date,
                issuer=report.issuer,
                document=f"{report.doc_type or '—'} {number}",
                mentions=report.mentions,
                files=len(report.paths),
            )
        )
        for path in report.paths:
            echo(f"      {path}")


def cited_command(db: str = "results.sqlite", limit: int = 20, json_: bool = False) -> None:
    """Rank the documents cited by the most reports (each report once, whatever its renderings)."""
    from .export.citations import cited

    store = _open_existing_store(db)
    try:
        ranked = cited(store, limit)
    finally:
        store.close()
    if json_:
        _echo_json_lines(ranked)
        return
    if not ranked:
        echo(t("cli.cited.none"))
        return
    echo(t("cli.cited.title", count=len(ranked)))
    width = max(len(entry.key) for entry in ranked)
    for entry in ranked:
        echo(
            t(
                "cli.cited.row",
                reports=entry.reports,
                mentions=entry.mentions,
                key=entry.key.ljust(width),
                type=entry.doc_type,
                date=entry.date,
                issuer=entry.issuer,
            )
        )


def gold_draft_command(report: Path, out: Path | None = None, force: bool = False) -> None:
    """Write the extraction in gold format as a starting point for an annotator (marked as a draft)."""
    from .evaluate import gold_draft
    from .pipeline import extract as run_extract

    try:
        draft = gold_draft(run_extract(report), report.name)
        write_output(json.dumps(draft, ensure_ascii=False, indent=1), out, force)
    except CchcError as error:
        raise _fail(error) from None


def gold_docbin_command(corpus: Path, gold: Path, out: Path, lang: str = "xx", force: bool = False) -> None:
    """Write spaCy training data from gold: a DocBin whose span groups hold the gold records (needs the spacy extra)."""
    try:
        from .spacy import gold_docs  # spaCy is imported here, and only here
    except ImportError:
        raise _fail(CchcError(None, "error.spacy.missing", "remedy.spacy.install")) from None
    from spacy.tokens import DocBin

    from .evaluate import pair_corpus

    if out.exists() and not force:
        raise _fail(OutputError(out, "error.output.exists", "remedy.output.force"))
    try:
        pairs = pair_corpus(corpus, gold)
        if not pairs:
            raise CchcError(corpus, "error.gold.none", gold=str(gold))
        docs = gold_docs(pairs, lang)
    except CchcError as error:
        raise _fail(error) from None
    except ImportError as exc:  # spaCy has no such language, or it needs a package
        raise _fail(CchcError(None, "error.spacy.lang", value=lang, reason=first_line(exc))) from None
    try:
        DocBin(docs=docs).to_disk(out)
    except OSError as exc:
        raise _fail(OutputError.unwritable(out, exc)) from None
    counts = {k: sum(len(d.spans.get(f"cchc_{k}", [])) for d in docs) for k in ("references", "figures", "sections")}
    echo(t("cli.docbin_written", count=len(docs), out=str(out), **counts), err=True)


def _eval_text(data: dict[str, Any]) -> str:
    lines = [
        f"{data['documents']} documents, mode {data['mode']}",
        "",
        f"{'type':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}  macro-F1",
    ]
    for kind, s in data["by_type"].items():
        lines.append(
            f"{kind:<12} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
            f"{s['tp']:>5} {s['fp']:>5} {s['fn']:>5}  {data['macro_f1'][kind]:.3f}"
        )
    m = data["micro"]
    lines.append(
        f"{'all (micro)':<12} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
        f"{m['tp']:>5} {m['fp']:>5} {m['fn']:>5}"
    )
    lines += ["", "field accuracy on matched pairs:"]
    lines += [f"  {k:<28} {v['accuracy']:.3f} ({v['correct']}/{v['total']})" for k, v in data["fields"].items()]
    lines += ["", "per document:"]
    for doc in data["per_document"]:
        cells = ", ".join(f"{k} {v['f1']:.3f}" for k, v in doc["by_type"].items())
        lines.append(f"  {doc['document']}: {cells}")
    return "\n".join(lines)


def _diff_text(result: Evaluation) -> str:
    lines = []
    for doc in result.documents:
        lines.append(f"== {doc.document}")
        for kind in doc.scores:
            for rec in doc.missed.get(kind, []):
                lines.append(f"  - missed {kind}: {json.dumps(rec, ensure_ascii=False)}")
            for rec in doc.extra.get(kind, []):
                shown = {k: v for k, v in rec.items() if k not in ("span", "extent", "page")}
                lines.append(f"  + extra  {kind}: {json.dumps(shown, ensure_ascii=False)}")
    return "\n".join(lines)


# --- the options of each command ---------------------------------------------


class Option(NamedTuple):
    """One argument or option: its flags (none for a positional one) and ``argparse`` settings."""

    dest: str
    flags: tuple[str, ...] = ()
    help: str = ""
    settings: dict[str, Any] | None = None


def _arg(dest: str, help: str, **settings: Any) -> Option:
    return Option(dest, (), help, settings)


def _opt(dest: str, *flags: str, help: str, **settings: Any) -> Option:
    return Option(dest, flags, help, settings)


def _flag(dest: str, *flags: str, help: str) -> Option:
    return Option(dest, flags, help, {"action": "store_true"})


def _lower(value: str) -> str:
    return value.lower()  # choices are taken in any case (--format PDF)


def _positive(value: str) -> int:
    """A whole number of 1 or more (--limit)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value}")
    return number


def _language(value: str) -> str:
    """--lang: messages in this language from now on, here and in workers."""
    from .i18n import LANGUAGES, parse_language, set_language

    code = parse_language(value)
    if code is None:
        raise argparse.ArgumentTypeError(t("error.lang.unknown", value=value, choices=", ".join(LANGUAGES)))
    set_language(code)
    return code


_OUT = _opt("out", "--out", "-o", help="Write to this file instead of stdout.", type=Path, metavar="FILE")
_FORCE = _flag("force", "--force", help="Overwrite --out if it exists.")
_GOLD = _opt("gold", "--gold", help="Folder of gold JSON files, matched by file stem.", type=Path, required=True)
_ENCODING = _opt("encoding", "--encoding", help=_ENCODING_HELP, default="auto", metavar="E")
_OCR = _opt("ocr", "--ocr", help=OCR_HELP, default="auto", metavar="WHEN")
_DB = _opt("db", "--db", help="SQLite file, or a postgresql:// URL.", default="results.sqlite")
# messages in the user's language: every command but gold-docbin, whose --lang is spaCy's tokenizer
LANG_OPTION = _opt(
    "lang",
    "--lang",
    help="Language of messages, labels and errors: vi (the default) or en. [env var: CCHC_LANG]",
    type=_language,
    metavar="vi|en",
)


class Command(NamedTuple):
    run: Callable[..., None]
    options: tuple[Option, ...]
    epilog: str = ""


COMMANDS: dict[str, Command] = {
    "extract": Command(
        extract_command,
        (
            _arg(
                "reports",
                "Report files (.txt, .md, .docx, .doc, .pdf, .png, .jpg, .tif) or globs; - for standard input.",
                nargs="+",
                metavar="REPORT",
            ),
            _flag("json_", "--json", help="Print the contract JSON (JSON Lines for several)."),
            _flag("with_text", "--with-text", help="Add the normalized text to the JSON."),
            _opt(
                "out",
                "--out",
                "-o",
                help="Write to this file instead of stdout (- for stdout).",
                type=Path,
                metavar="FILE",
            ),
            _flag("force", "--force", help="Overwrite --out, --html or CSV files if they exist."),
            _opt(
                "csv_dir",
                "--csv",
                help="Also write one CSV per table into this folder (a sub-folder per report for several).",
                type=Path,
                metavar="DIR",
            ),
            _opt(
                "csv_dialect",
                "--csv-dialect",
                help=_DIALECT_HELP,
                choices=CSV_DIALECTS,
                default="excel",
            ),
            _opt(
                "html",
                "--html",
                help="Also write a review page: a self-contained HTML file (a folder with an index for several).",
                type=Path,
                metavar="PATH",
            ),
            _flag("full", "--full", help="Show every item of long lists in the summary."),
            _opt(
                "format_",
                "--format",
                help="Read the report as this format whatever its name says (standard input: recognised, else txt).",
                type=_lower,
                choices=FORMATS,
            ),
            _opt("password", "--password", help="Password of an encrypted PDF."),
            _ENCODING,
            _OCR,
            LANG_OPTION,
        ),
        "Examples:\n\n"
        "  cchc-extract report.docx                     a summary in Vietnamese\n\n"
        "  cchc-extract report.pdf --lang en --full     in English, every list whole\n\n"
        "  cchc-extract reports/*.md --json > all.jsonl one JSON object per line\n\n"
        "  cat report.md | cchc-extract - --format md --json\n\n"
        "  cchc-extract report.txt --html review.html --csv tables/ --csv-dialect excel-vn",
    ),
    "schema": Command(
        schema_command,
        (_OUT, _FORCE, LANG_OPTION),
        "Example:\n\n  cchc-extract schema --out cchc-report.schema.json",
    ),
    "eval": Command(
        eval_command,
        (
            _arg("corpus", "Folder of documents; those with a gold file are scored.", type=Path, metavar="CORPUS"),
            _GOLD,
            _flag("json_", "--json", help="Print the scores as JSON."),
            _opt("mode", "--mode", help="key (canonical identity) or strict (every field).", default="key"),
            _opt(
                "min_f1",
                "--min-f1",
                help="Exit 1 when any record type's F1 falls below this.",
                type=float,
                metavar="X",
            ),
            _opt("diff", "--diff", help="Show what was missed and extra for this document (file name)."),
            _opt(
                "floor",
                "--floor",
                help="TYPE=X or TYPE.FIELD=X: exit 1 when that record type's F1 (or that field's accuracy) is below X.",
                action="append",
            ),
            _flag("allow_draft", "--allow-draft", help='Score against gold marked "draft": true (refused otherwise).'),
            LANG_OPTION,
        ),
        "Examples:\n\n"
        "  cchc-extract eval corpus --gold gold --min-f1 0.95\n\n"
        "  cchc-extract eval corpus --gold gold --diff 004_an_phu_planted_errors_2025.txt",
    ),
    "batch": Command(
        batch_command,
        (
            _arg("inputs", "Files, folders (searched recursively) or globs.", nargs="+", metavar="INPUT"),
            _DB,
            _opt(
                "jobs",
                "--jobs",
                "-j",
                help="Worker processes, 1 to 64 (default: the CPU count).",
                type=int,
                metavar="N",
            ),
            _opt(
                "jsonl",
                "--jsonl",
                help="Also append one contract JSON object per line to this file.",
                type=Path,
                metavar="FILE",
            ),
            _opt(
                "timeout",
                "--timeout",
                help="Seconds one document may take (above 0).",
                type=float,
                default=120.0,
                metavar="S",
            ),
            _flag("quiet", "--quiet", "-q", help="No progress bar and no summary."),
            _ENCODING,
            _opt(
                "html",
                "--html",
                help="Also write a review page per report into this folder, and an index.html.",
                type=Path,
                metavar="DIR",
            ),
            _OCR,
            _opt(
                "engine",
                "--engine",
                help="pool: worker processes on this machine; dask: the workers of a Dask cluster.",
                type=_lower,
                choices=ENGINES,
                default="pool",
            ),
            _opt(
                "scheduler",
                "--scheduler",
                help="The Dask scheduler's address (--engine dask; without it, a cluster of --jobs workers here).",
                metavar="tcp://HOST:8786",
            ),
            _opt(
                "parquet",
                "--parquet",
                help="Also write every stored document into this folder as Parquet datasets, one per kind.",
                type=Path,
                metavar="DIR",
            ),
            LANG_OPTION,
        ),
        "Examples:\n\n"
        "  cchc-extract batch archive/ --db results.sqlite --jobs 2\n\n"
        "  cchc-extract batch 'reports/**/*.docx' --jsonl records.jsonl --html pages/\n\n"
        "  cchc-extract batch archive/ --engine dask --scheduler tcp://10.0.0.5:8786 --db postgresql://... "
        "--parquet lake/",
    ),
    "cites": Command(
        cites_command,
        (
            _arg("key", "The cited document's key, as in references[].key: 61/2018/NĐ-CP.", metavar="KEY"),
            _DB,
            _flag("json_", "--json", help="One JSON object per citing report, per line."),
            LANG_OPTION,
        ),
        "Examples:\n\n  cchc-extract cites 61/2018/NĐ-CP --db results.sqlite\n\n"
        "  cchc-extract cites 01/QĐ-UBND/2024 --db postgresql://cchc@db/archive --json",
    ),
    "cited": Command(
        cited_command,
        (
            _DB,
            _opt(
                "limit",
                "--limit",
                "-n",
                help="How many keys to list (1 or more).",
                type=_positive,
                default=20,
                metavar="N",
            ),
            _flag("json_", "--json", help="One JSON object per cited key, per line."),
            LANG_OPTION,
        ),
        "Examples:\n\n  cchc-extract cited --db results.sqlite\n\n"
        "  cchc-extract cited --db results.sqlite --limit 100 --json",
    ),
    "gold-draft": Command(
        gold_draft_command,
        (_arg("report", "The report to draft gold for.", type=Path, metavar="REPORT"), _OUT, _FORCE, LANG_OPTION),
        "Example:\n\n  cchc-extract gold-draft corpus/new_report.txt --out gold/new_report.json",
    ),
    "gold-docbin": Command(
        gold_docbin_command,
        (
            _arg(
                "corpus",
                "Folder of documents; those with a gold file become training data.",
                type=Path,
                metavar="CORPUS",
            ),
            _GOLD,
            _opt("out", "--out", "-o", help="The .spacy file to write.", type=Path, required=True, metavar="FILE"),
            _opt("lang", "--lang", help="Tokenizer: xx (any language) or vi (no pyvi).", default="xx"),
            _FORCE,
        ),
        "Example:\n\n  cchc-extract gold-docbin corpus --gold gold --out train.spacy --lang vi\n\n"
        "(--lang here is the spaCy tokenizer; messages follow CCHC_LANG.)",
    ),
}

_HELP = "Show this message and exit."
# the options of cchc-extract itself, before any command
ROOT_OPTIONS = {"-h", "--help", "--version", "--install-completion", "--show-completion"}


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it: $COLUMNS, the terminal, 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with "Usage:", paragraphs kept apart, examples (indented lines) as
    written, and the default of every option that has one."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        # argparse makes a formatter for every option it is given, and its own finds the width
        # with shutil, which costs more to import than the rest of a --help
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = text.split("\n\n")
        return "\n\n".join(
            p if p.startswith("  ") else textwrap.fill(" ".join(p.split()), width, initial_indent=indent)
            for p in paragraphs
        )

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Usage: " if prefix is None else prefix)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and action.option_strings
        return f"{text} [default: {action.default}]" if shown else text


class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit status 2, in the user's language."""

    def error(self, message: str) -> NoReturn:
        detail = t("error.cli.usage", detail=message, hint=f"{self.prog} -h")
        self.exit(2, f"cchc-extract: {t('cli.error')}: {detail}\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each command's options come from ``COMMANDS``."""
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [OPTIONS] REPORT... | COMMAND [ARGS]...",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_Formatter,
        allow_abbrev=False,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help=_HELP)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}", help="Print the version.")
    parser.add_argument(
        "--install-completion",
        metavar="SHELL",
        nargs="?",
        const="",
        help="Install completion for the shell (bash or zsh; the current one when not named).",
    )
    parser.add_argument("--show-completion", metavar="SHELL", nargs="?", const="", help="Show the completion script.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", parser_class=_Parser)
    for name, command in COMMANDS.items():
        doc = (command.run.__doc__ or "").strip()
        sub = commands.add_parser(
            name,
            prog=f"{PROG} {name}",
            help=doc.splitlines()[0],
            description=doc,
            epilog=command.epilog or None,
            formatter_class=_Formatter,
            allow_abbrev=False,
            add_help=False,
        )
        sub.add_argument("-h", "--help", action="help", help=_HELP)
        for option in command.options:
            sub.add_argument(*(option.flags or (option.dest,)), **_settings(option))
    return parser


def _settings(option: Option) -> dict[str, Any]:
    settings = {"help": option.help, **(option.settings or {})}
    if option.flags:
        settings["dest"] = option.dest
    return settings


def route(argv: list[str]) -> list[str]:
    """Make ``cchc-extract REPORT ...`` mean ``cchc-extract extract REPORT ...``: anything but
    a command name or a root option first (a file, ``-``, ``--``, an option of extract) starts
    extract. After ``--`` everything is a file name, so ``cchc-extract -- -rf.doc`` extracts
    the file ``-rf.doc``."""
    if argv[:1] in (["--install-completion"], ["--show-completion"]):
        return argv  # they take a shell's name
    first = next((a for a in argv if a not in ROOT_OPTIONS), None)
    if first is None or first in COMMANDS:
        return argv
    return ["extract", *argv]


def _early_language(args: list[str]) -> None:
    """--lang before anything else is read, so that every message (usage errors too) is in
    that language; a wrong value is left for the parser to refuse. gold-docbin's --lang is
    spaCy's tokenizer, not a language of messages."""
    if args[:1] == ["gold-docbin"] or not any(a == "--lang" or a.startswith("--lang=") for a in args):
        return
    from .i18n import parse_language, set_language

    for k, arg in enumerate(args):
        value = args[k + 1] if arg == "--lang" and k + 1 < len(args) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and parse_language(value):
            set_language(value)


def run() -> None:
    """The console script and ``python -m cchc_extract``: ``main``, in a process that then ends."""
    code: Any = 0
    try:
        main()
    except SystemExit as leave:
        code = leave.code
    except BrokenPipeError:  # the reader of the output went away (| head): no traceback
        _stdout_to_devnull()
        code = 1
    finally:
        # The process ends here: its objects need not be walked once more by the cycle
        # collector at shutdown (some 15 ms after an extraction, a tenth of the whole run).
        gc.freeze()
    _end(code)


def _stdout_to_devnull() -> None:
    """What is left to write goes nowhere: the reader of the output went away."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _end(code: Any) -> NoReturn:
    """Leave with ``code`` as ``SystemExit(code)`` does, without the interpreter's teardown.

    Every file the command wrote is closed by now, and the atexit functions still run (the
    pattern cache is saved there); what is skipped is freeing the heap object by object, which
    after a Dask batch (distributed's objects, its event loop) took a tenth of a second, 5 % of
    a batch of a hundred PDFs. Where a thread that is no daemon still runs, the interpreter
    ends as usual: it waits for that thread."""
    others = [th for th in threading.enumerate() if th is not threading.main_thread() and not th.daemon]
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if others or run_exit_functions is None:
        raise SystemExit(code)
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_devnull()
        code = code or 1
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    run_exit_functions()
    os._exit(code or 0)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; leaves by ``SystemExit`` with the command's exit status."""
    if os.environ.get("_CCHC_EXTRACT_COMPLETE"):
        from .completion import answer

        answer()
        raise SystemExit(0)
    args = route(list(sys.argv[1:] if argv is None else argv))
    _early_language(args)
    parser = build_parser()
    if not args:
        parser.print_help()
        raise SystemExit(2)
    namespace = vars(parser.parse_args(args))
    install, show = namespace.pop("install_completion"), namespace.pop("show_completion")
    if install is not None or show is not None:
        from .completion import install_script, script

        try:
            if show is not None:
                echo(script(show))
            else:
                echo(install_script(install), err=True)
        except CchcError as error:
            raise _fail(error) from None
        raise SystemExit(0)
    name = namespace.pop("command")
    if name is None:
        parser.error("the following arguments are required: COMMAND")
    if name != "gold-docbin":
        namespace.pop("lang", None)  # already set: messages follow it
    try:
        COMMANDS[name].run(**namespace)
    except Exit as stop:
        raise SystemExit(stop.code) from None
    raise SystemExit(0)
