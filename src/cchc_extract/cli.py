"""The command line: a thin layer over the library.

``cchc-extract REPORT`` is short for ``cchc-extract extract REPORT``. Library
errors become one line on stderr and exit status 2; nothing is overwritten
without ``--force``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .errors import CchcError, OutputError, first_line
from .export import schema_json, summary, to_json, write_csv
from .i18n import LANGUAGES, parse_language, set_language, t
from .legacy import TEXT_ENCODINGS
from .pipeline import extract as run_extract

if TYPE_CHECKING:
    from .evaluate import Evaluation
    from .models import Report

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    subcommand_metavar="REPORT... | COMMAND [ARGS]...",
    help=(
        "Turn Vietnamese administrative-reform (CCHC) reports into structured, checkable data.\n\n"
        "cchc-extract REPORT... is short for cchc-extract extract REPORT...: a summary in Vietnamese "
        "(--lang en for English), the contract JSON with --json, a review page with --html."
    ),
    epilog=(
        "Examples:\n\n"
        "  cchc-extract report.docx\n\n"
        "  cchc-extract report.pdf --json --out report.json\n\n"
        "  cchc-extract batch archive/ --db results.sqlite --html pages/"
    ),
)


_ENCODING_HELP = (
    "Encoding of a text file: auto (UTF-8, else the legacy encoding it reads best in, with a warning), "
    "utf-8, utf-16, cp1258, tcvn3, vni, viscii or vps. DOCX and PDF files say their own."
)


# choices as typer takes them (shown in the help and completed by the shell)
class Format(StrEnum):
    txt = "txt"
    md = "md"
    docx = "docx"
    doc = "doc"
    pdf = "pdf"
    png = "png"
    jpeg = "jpeg"
    tiff = "tiff"


class CsvDialect(StrEnum):
    excel = "excel"
    excel_vn = "excel-vn"


def _language(value: Any) -> str | None:
    """--lang (or CCHC_LANG): messages in this language from now on, here and in workers."""
    if value is None:
        return None
    value = getattr(value, "value", value)
    code = parse_language(value)
    if code is None:
        raise typer.BadParameter(t("error.lang.unknown", value=value, choices=", ".join(LANGUAGES)))
    set_language(code)
    return code


# a plain string checked by _language, so that a wrong value is refused in the user's language
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        envvar="CCHC_LANG",
        show_envvar=True,
        callback=_language,
        is_eager=True,
        metavar="vi|en",
        help="Language of messages, labels and errors: vi (the default) or en.",
    ),
]


def _say(error: CchcError) -> None:
    """One line on stderr: "cchc-extract: lỗi: FILE: problem (remedy)"."""
    typer.echo(f"cchc-extract: {t('cli.error')}: {error.line()}", err=True)


def _fail(error: CchcError) -> typer.Exit:
    _say(error)
    return typer.Exit(error.exit_status)


def write_output(text: str, out: Path | None, force: bool) -> None:
    """Print ``text``, or write it to ``out`` (refusing to overwrite unless forced); ``-`` is stdout."""
    if out is None or str(out) == "-":
        typer.echo(text)
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
    return run_extract(Path(name), format=format, **reading)


_EXTRACT_EPILOG = (
    "Examples:\n\n"
    "  cchc-extract report.docx                     a summary in Vietnamese\n\n"
    "  cchc-extract report.pdf --lang en --full     in English, every list whole\n\n"
    "  cchc-extract reports/*.md --json > all.jsonl one JSON object per line\n\n"
    "  cat report.md | cchc-extract - --format md --json\n\n"
    "  cchc-extract report.txt --html review.html --csv tables/ --csv-dialect excel-vn"
)


@app.command("extract", epilog=_EXTRACT_EPILOG)
def extract_command(
    reports: Annotated[
        list[Path],
        typer.Argument(
            help="Report files (.txt, .md, .docx, .doc, .pdf, .png, .jpg, .tif) or globs; - for standard input.",
            metavar="REPORT",
            show_default=False,
        ),
    ],
    json_: Annotated[bool, typer.Option("--json", help="Print the contract JSON (JSON Lines for several).")] = False,
    with_text: Annotated[bool, typer.Option("--with-text", help="Add the normalized text to the JSON.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout (- for stdout).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out, --html or CSV files if they exist.")] = False,
    csv_dir: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write one CSV per table into this folder (a sub-folder per report for several)."
        ),
    ] = None,
    csv_dialect: Annotated[
        CsvDialect,
        typer.Option(
            "--csv-dialect",
            help="excel: commas, the contract's fields; excel-vn: semicolons, decimal commas, the table's own headers.",
        ),
    ] = CsvDialect.excel,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Also write a review page: a self-contained HTML file (a folder with an index for several)."
        ),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Show every item of long lists in the summary.")] = False,
    format_: Annotated[
        Format | None,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="Read the report as this format whatever its name says (standard input: recognised, else txt).",
        ),
    ] = None,
    password: Annotated[str | None, typer.Option("--password", help="Password of an encrypted PDF.")] = None,
    encoding: Annotated[str, typer.Option("--encoding", help=_ENCODING_HELP)] = "auto",
    ocr: Annotated[str, typer.Option("--ocr", help=OCR_HELP)] = "auto",
    lang: Lang = None,
) -> None:
    """Extract reports: a summary for a person, the contract JSON with --json, a review page with --html.

    cchc-extract REPORT... is short for cchc-extract extract REPORT....
    """
    arguments = [str(r) for r in reports]
    names = _reports(arguments)
    several = len(arguments) > 1 or any(glob.has_magic(a) for a in arguments)
    if names.count("-") and len(names) > 1:
        raise _fail(CchcError(None, "error.cli.stdin_alone"))
    # the review page needs the text; the JSON has it only when asked
    reading = {"with_text": with_text or html is not None, "password": password, "encoding": encoding}
    ocr_mode = _ocr_settings(ocr)  # an unknown mode is refused before anything is read
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
                reading["ocr"] = dataclasses.replace(ocr_mode, progress=update)
                report = _extract_one(name, format_.value if format_ else None, reading)
            if html is not None:
                pages.append(_write_page(report, html, several, force))
            if not with_text and report.text is not None:
                report = report.model_copy(update={"text": None})
            if csv_dir is not None:
                folder = csv_dir / Path(report.source.path).stem if several else csv_dir
                written = write_csv(report, folder, force=force, dialect=csv_dialect.value)
                typer.echo(t("cli.csv_written", count=len(written), folder=str(folder)), err=True)
        except CchcError as error:
            _say(error)
            failures.append(error.exit_status)
            continue
        if json_ or with_text:
            outputs.append(to_json(report, indent=None if several else 2))
        else:
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
        raise typer.Exit(min(failures))


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
    typer.echo(t("cli.html_written", count=len(entries), listed=listed, folder=str(folder)), err=True)


OCR_HELP = "When to read pages by OCR (Tesseract): auto (pages without a usable text layer, and images), always, never."


def _ocr_settings(mode: str) -> Any:
    """The ``ocr.OcrSettings`` for --ocr; an unknown mode is refused in one line."""
    from .readers.ocr import settings

    try:
        return settings(mode)
    except CchcError as error:
        raise _fail(error) from None


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


@app.command("schema", epilog="Example:\n\n  cchc-extract schema --out cchc-report.schema.json")
def schema_command(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    lang: Lang = None,
) -> None:
    """Print the JSON Schema of the output, generated from the models."""
    try:
        write_output(schema_json(), out, force)
    except CchcError as error:
        raise _fail(error) from None


@app.command(
    "eval",
    epilog=(
        "Examples:\n\n"
        "  cchc-extract eval corpus --gold gold --min-f1 0.95\n\n"
        "  cchc-extract eval corpus --gold gold --diff 004_an_phu_planted_errors_2025.txt"
    ),
)
def eval_command(
    corpus: Annotated[Path, typer.Argument(help="Folder of documents; those with a gold file are scored.")],
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files, matched by file stem.")],
    json_: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    mode: Annotated[str, typer.Option("--mode", help="key (canonical identity) or strict (every field).")] = "key",
    min_f1: Annotated[
        float | None, typer.Option("--min-f1", help="Exit 1 when any record type's F1 falls below this.")
    ] = None,
    diff: Annotated[
        str | None, typer.Option("--diff", help="Show what was missed and extra for this document (file name).")
    ] = None,
    floor: Annotated[
        list[str] | None,
        typer.Option(
            "--floor",
            help="TYPE=X or TYPE.FIELD=X: exit 1 when that record type's F1 (or that field's accuracy) is below X.",
        ),
    ] = None,
    allow_draft: Annotated[
        bool, typer.Option("--allow-draft", help='Score against gold marked "draft": true (refused otherwise).')
    ] = False,
    lang: Lang = None,
) -> None:
    """Score the extraction against hand-made gold: precision, recall, F1 per record type."""
    from .evaluate import evaluate, pair_corpus

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
        typer.echo(_diff_text(result))
    elif json_:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(_eval_text(data))
    low = {k: v["f1"] for k, v in data["by_type"].items() if min_f1 is not None and v["f1"] < min_f1}
    if low:
        scores = ", ".join(f"{k} {v:.3f}" for k, v in low.items())
        typer.echo(f"cchc-extract: {t('cli.eval.below_f1', least=min_f1, scores=scores)}", err=True)
        raise typer.Exit(1)
    measured = {k: v["f1"] for k, v in data["by_type"].items()} | {k: v["accuracy"] for k, v in data["fields"].items()}
    missing = [name for name in floors if name not in measured]
    under = {name: measured[name] for name, least in floors.items() if name in measured and measured[name] < least}
    if missing or under:
        said = [f"{k} {v:.3f} < {floors[k]}" for k, v in under.items()]
        said += [t("cli.eval.not_measured", name=k) for k in missing]
        typer.echo(f"cchc-extract: {t('cli.eval.below_floor', scores=', '.join(said))}", err=True)
        raise typer.Exit(1)


@app.command(
    "batch",
    epilog=(
        "Examples:\n\n"
        "  cchc-extract batch archive/ --db results.sqlite --jobs 2\n\n"
        "  cchc-extract batch 'reports/**/*.docx' --jsonl records.jsonl --html pages/"
    ),
)
def batch_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (searched recursively) or globs.")],
    db: Annotated[str, typer.Option("--db", help="SQLite file, or a postgresql:// URL.")] = "results.sqlite",
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes, 1 to 64 (default: the CPU count).")
    ] = None,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help="Also append one contract JSON object per line to this file.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds one document may take (above 0; default 120).")
    ] = 120.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    encoding: Annotated[str, typer.Option("--encoding", help=_ENCODING_HELP)] = "auto",
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a review page per report into this folder, and an index.html."),
    ] = None,
    ocr: Annotated[str, typer.Option("--ocr", help=OCR_HELP)] = "auto",
    lang: Lang = None,
) -> None:
    """Extract many reports in parallel into a database; re-running skips what is stored."""
    _ocr_settings(ocr)  # an unknown mode is refused before anything starts
    from .batch import check_options, run_batch, summary_text
    from .export.database import hide_password, open_store

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
            )
        if html is not None:
            _write_index(html, summary.pages)
    except KeyboardInterrupt as stop:
        typer.echo(f"cchc-extract: {t('cli.batch.interrupted')}", err=True)
        raise typer.Exit(143 if isinstance(stop, _Terminated) else 130) from None
    except store.errors as exc:  # the database itself failed (disk full, server gone)
        raise _fail(OutputError(hide_password(db), "error.db.failed", reason=first_line(exc))) from None
    except CchcError as error:
        raise _fail(error) from None
    finally:
        store.close()
        if handle:
            handle.close()
    if not quiet:
        typer.echo(summary_text(summary, time.perf_counter() - started), err=True)
    if summary.failed:
        raise typer.Exit(1)


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


@app.command(
    "gold-draft", epilog="Example:\n\n  cchc-extract gold-draft corpus/new_report.txt --out gold/new_report.json"
)
def gold_draft_command(
    report: Annotated[Path, typer.Argument(help="The report to draft gold for.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    lang: Lang = None,
) -> None:
    """Write the extraction in gold format as a starting point for an annotator (marked as a draft)."""
    from .evaluate import gold_draft

    try:
        draft = gold_draft(run_extract(report), report.name)
        write_output(json.dumps(draft, ensure_ascii=False, indent=1), out, force)
    except CchcError as error:
        raise _fail(error) from None


@app.command(
    "gold-docbin",
    epilog=(
        "Example:\n\n  cchc-extract gold-docbin corpus --gold gold --out train.spacy --lang vi\n\n"
        "(--lang here is the spaCy tokenizer; messages follow CCHC_LANG.)"
    ),
)
def gold_docbin_command(
    corpus: Annotated[Path, typer.Argument(help="Folder of documents; those with a gold file become training data.")],
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files, matched by file stem.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The .spacy file to write.")],
    lang: Annotated[str, typer.Option("--lang", help="Tokenizer: xx (any language) or vi (no pyvi).")] = "xx",
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
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
    typer.echo(t("cli.docbin_written", count=len(docs), out=str(out), **counts), err=True)


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cchc-extract {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    pass  # the help is the app's; this callback only carries the root options


# the options of cchc-extract itself, before any command
_ROOT_OPTIONS = {"-h", "--help", "--version", "--install-completion", "--show-completion"}


def _route(argv: list[str]) -> list[str]:
    """Make ``cchc-extract REPORT ...`` mean ``cchc-extract extract REPORT ...``: anything but
    a command name or a root option first (a file, ``-``, ``--``, an option of extract) starts
    extract. After ``--`` everything is a file name, so ``cchc-extract -- -rf.doc`` extracts
    the file ``-rf.doc``."""
    commands = {c.name for c in app.registered_commands}
    if argv[:1] in (["--install-completion"], ["--show-completion"]):
        return argv  # they take a shell's name
    first = next((a for a in argv if a not in _ROOT_OPTIONS), None)
    if first is None or first in commands:
        return argv
    return ["extract", *argv]


def _route_completion() -> None:
    """Shell completion of ``cchc-extract REPORT --fo<TAB>``: the words the shell sends are
    routed as ``_route`` routes a command line, once a first word is complete."""
    words = os.environ.get("COMP_WORDS")
    if not os.environ.get("_CCHC_EXTRACT_COMPLETE") or words is None:
        return
    parts, current = words.split(), int(os.environ.get("COMP_CWORD", "0"))
    if current >= 2 and _route(parts[1:current]) != parts[1:current]:
        os.environ["COMP_WORDS"] = " ".join([parts[0], "extract", *parts[1:]])
        os.environ["COMP_CWORD"] = str(current + 1)


# click's exceptions, wherever this typer keeps click (its own copy, or the click package)
_UsageError: Any = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
_ClickException: Any = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def main(argv: list[str] | None = None) -> None:
    """The console script: bad usage is one line on stderr and exit status 2, in the user's language."""
    args = _route(list(sys.argv[1:] if argv is None else argv))
    _route_completion()
    command = typer.main.get_command(app)
    try:
        status = command.main(args=args, prog_name="cchc-extract", standalone_mode=False)
    except _UsageError as error:
        if not error.format_message():  # no arguments at all: the help was shown
            sys.exit(error.exit_code)
        hint = f"{error.ctx.command_path} -h" if error.ctx is not None else "cchc-extract -h"
        detail = t("error.cli.usage", detail=error.format_message(), hint=hint)
        typer.echo(f"cchc-extract: {t('cli.error')}: {detail}", err=True)
        sys.exit(2)
    except _ClickException as error:
        typer.echo(f"cchc-extract: {t('cli.error')}: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
