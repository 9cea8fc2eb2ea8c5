"""The command line: a thin layer over the library.

``cchc-extract REPORT`` is short for ``cchc-extract extract REPORT``. Library
errors become one line on stderr and exit status 2; nothing is overwritten
without ``--force``.

The layer is the standard library's argparse: starting typer (with click and rich) cost
more than the whole extraction of a small report (README, "Dependencies, and why").
Each command is a function whose keyword arguments are its options, and a ``COMMANDS``
entry that declares them; the library is imported inside the function that uses it, so
that ``--help`` and ``--version`` load nothing of it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from . import __version__
from .errors import CchcError, OutputError, first_line

if TYPE_CHECKING:
    from .evaluate import Evaluation

PROG = "cchc-extract"
DESCRIPTION = "Turn Vietnamese administrative-reform (CCHC) reports into structured, checkable data."

_ENCODING_HELP = (
    "Encoding of a text file: auto (UTF-8, else the legacy encoding it reads best in, with a warning), "
    "utf-8, utf-16, cp1258, tcvn3, vni, viscii or vps. DOCX and PDF files say their own."
)


class Exit(Exception):  # an exit, not an error: it carries the status
    """Leave the command with this exit status (what ``typer.Exit`` was)."""

    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code


def echo(text: str, *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def _fail(error: CchcError) -> Exit:
    echo(f"cchc-extract: error: {error.line()}", err=True)
    return Exit(error.exit_status)


def write_output(text: str, out: Path | None, force: bool) -> None:
    """Print ``text``, or write it to ``out`` (refusing to overwrite unless forced)."""
    if out is None:
        echo(text)
        return
    if out.exists() and not force:
        raise OutputError(out, "already exists", "use --force to overwrite it")
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(out, f"cannot be written: {exc.strerror or exc}") from exc


def extract_command(
    report: Path,
    json_: bool = False,
    with_text: bool = False,
    out: Path | None = None,
    force: bool = False,
    csv_dir: Path | None = None,
    password: str | None = None,
    encoding: str = "auto",
    ocr: str = "auto",
) -> None:
    """Extract one report: a summary for a person, or the contract JSON with --json."""
    from .export import summary, to_json, write_csv
    from .pipeline import extract as run_extract

    try:
        with _page_progress(sys.stderr.isatty()) as update:
            settings = _ocr_settings(ocr, update)
            result = run_extract(report, with_text=with_text, password=password, encoding=encoding, ocr=settings)
        if csv_dir is not None:
            written = write_csv(result, csv_dir, force=force)
            echo(f"wrote {len(written)} CSV file(s) to {csv_dir}", err=True)
        write_output(to_json(result) if json_ or with_text else summary(result), out, force)
    except CchcError as error:
        raise _fail(error) from None


OCR_HELP = "When to read pages by OCR (Tesseract): auto (pages without a usable text layer, and images), always, never."


def _ocr_settings(mode: str, progress: Callable[[int, int], None] | None = None, jobs: int | None = None) -> Any:
    """The OCR mode, checked; with a progress bar or a number of jobs, as ``OcrSettings``. A plain
    mode is what the readers make their settings of, and imports nothing of OCR for a text file."""
    from .readers import OCR_MODES

    if mode not in OCR_MODES:
        raise _fail(CchcError(None, f"unknown --ocr {mode!r}", "use " + ", ".join(OCR_MODES)))
    if progress is None and jobs is None:
        return mode
    from .readers.ocr import OcrSettings

    return OcrSettings(mode=mode, progress=progress, jobs=jobs)


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
                columns = (TextColumn("OCR pages"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
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
            raise _fail(
                CchcError(None, f"--floor {item!r} is not TYPE=NUMBER", "e.g. --floor references=0.98")
            ) from None

    if mode not in ("key", "strict"):
        raise _fail(CchcError(None, f"unknown --mode {mode!r}", "use key or strict"))
    try:
        pairs = pair_corpus(corpus, gold)
        if diff:
            pairs = [p for p in pairs if diff in (p[0].name, p[0].stem)]
            if not pairs:
                raise CchcError(diff, "no such document with gold in " + str(corpus))
        result = evaluate(pairs, run_extract, "strict" if mode == "strict" else "key")
    except CchcError as error:
        raise _fail(error) from None
    if not pairs:
        raise _fail(CchcError(corpus, f"no document here has a gold file in {gold}"))
    data = result.as_dict()
    if diff:
        echo(_diff_text(result))
    elif json_:
        echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        echo(_eval_text(data))
    low = {k: v["f1"] for k, v in data["by_type"].items() if min_f1 is not None and v["f1"] < min_f1}
    if low:
        echo(f"cchc-extract: F1 below {min_f1}: " + ", ".join(f"{k} {v:.3f}" for k, v in low.items()), err=True)
        raise Exit(1)
    measured = {k: v["f1"] for k, v in data["by_type"].items()} | {k: v["accuracy"] for k, v in data["fields"].items()}
    missing = [name for name in floors if name not in measured]
    under = {name: measured[name] for name, least in floors.items() if name in measured and measured[name] < least}
    if missing or under:
        said = [f"{k} {v:.3f} < {floors[k]}" for k, v in under.items()] + [f"{k} not measured" for k in missing]
        echo("cchc-extract: below the floor: " + ", ".join(said), err=True)
        raise Exit(1)


def batch_command(
    inputs: list[str],
    db: str = "results.sqlite",
    jobs: int | None = None,
    jsonl: Path | None = None,
    timeout: float = 120.0,
    quiet: bool = False,
    encoding: str = "auto",
    ocr: str = "auto",
) -> None:
    """Extract many reports in parallel into a database; re-running skips what is stored."""
    _ocr_settings(ocr)  # an unknown mode is refused before anything starts
    from .batch import run_batch, summary_text
    from .export.database import hide_password, open_store
    from .legacy import TEXT_ENCODINGS

    if encoding not in TEXT_ENCODINGS:
        raise _fail(CchcError(None, f"unknown --encoding {encoding!r}", "use one of " + ", ".join(TEXT_ENCODINGS)))
    started = time.perf_counter()
    try:
        store = open_store(db)
    except CchcError as error:
        raise _fail(error) from None
    show = not quiet and sys.stderr.isatty()
    try:
        handle = jsonl.open("a", encoding="utf-8") if jsonl else None
    except OSError as exc:
        store.close()
        raise _fail(OutputError(jsonl, f"cannot be written: {exc.strerror or exc}")) from None
    try:
        with _progress(show) as update:
            summary = run_batch(
                inputs, store, jobs=jobs, timeout=timeout, jsonl=handle, progress=update, encoding=encoding, ocr=ocr
            )
    except KeyboardInterrupt:
        echo(
            "cchc-extract: batch interrupted; every document stored is whole: run the same command again to finish",
            err=True,
        )
        raise Exit(130) from None
    except store.errors as exc:  # the database itself failed (disk full, server gone)
        problem = f"database failed: {first_line(exc)}; every document stored is whole"
        raise _fail(OutputError(hide_password(db), problem)) from None
    finally:
        store.close()
        if handle:
            handle.close()
    if not quiet:
        echo(summary_text(summary, time.perf_counter() - started), err=True)
    if summary.failed:
        raise Exit(1)


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
    except ImportError as exc:
        raise _fail(CchcError(None, str(exc))) from None
    from spacy.tokens import DocBin

    from .evaluate import pair_corpus

    if out.exists() and not force:
        raise _fail(OutputError(out, "already exists", "use --force to overwrite it"))
    try:
        pairs = pair_corpus(corpus, gold)
        if not pairs:
            raise CchcError(corpus, f"no document here has a gold file in {gold}")
        docs = gold_docs(pairs, lang)
    except CchcError as error:
        raise _fail(error) from None
    except ImportError as exc:  # spaCy has no such language, or it needs a package
        raise _fail(CchcError(None, f"--lang {lang}: {first_line(exc)}")) from None
    try:
        DocBin(docs=docs).to_disk(out)
    except OSError as exc:
        raise _fail(OutputError(out, f"cannot be written: {exc.strerror or exc}")) from None
    counts = ", ".join(
        f"{sum(len(d.spans.get(f'cchc_{k}', [])) for d in docs)} {k}" for k in ("references", "figures", "sections")
    )
    echo(f"wrote {len(docs)} document(s) to {out}: {counts}", err=True)


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


_OUT = _opt("out", "--out", "-o", help="Write to this file instead of stdout.", type=Path, metavar="FILE")
_GOLD = _opt("gold", "--gold", help="Folder of gold JSON files, matched by file stem.", type=Path, required=True)


class Command(NamedTuple):
    run: Callable[..., None]
    options: tuple[Option, ...]


COMMANDS: dict[str, Command] = {
    "extract": Command(
        extract_command,
        (
            _arg("report", "The report file (.txt, .md, .docx, .doc, .pdf).", type=Path, metavar="REPORT"),
            _flag("json_", "--json", help="Print the contract JSON."),
            _flag("with_text", "--with-text", help="Add the normalized text to the JSON."),
            _OUT,
            _flag("force", "--force", help="Overwrite --out or CSV files if they exist."),
            _opt(
                "csv_dir",
                "--csv",
                help="Also write one CSV per table (UTF-8 with BOM) into this folder.",
                type=Path,
                metavar="DIR",
            ),
            _opt("password", "--password", help="Password of an encrypted PDF."),
            _opt("encoding", "--encoding", help=_ENCODING_HELP, default="auto", metavar="E"),
            _opt("ocr", "--ocr", help=OCR_HELP, default="auto", metavar="WHEN"),
        ),
    ),
    "schema": Command(
        schema_command,
        (_OUT, _flag("force", "--force", help="Overwrite --out if it exists.")),
    ),
    "eval": Command(
        eval_command,
        (
            _arg("corpus", "Folder of documents; those with a gold file are scored.", type=Path, metavar="CORPUS"),
            _GOLD,
            _flag("json_", "--json", help="Print the scores as JSON."),
            _opt("mode", "--mode", help="key (canonical identity) or strict (every field).", default="key"),
            _opt(
                "min_f1", "--min-f1", help="Exit 1 when any record type's F1 falls below this.", type=float, metavar="X"
            ),
            _opt("diff", "--diff", help="Show what was missed and extra for this document (file name)."),
            _opt(
                "floor",
                "--floor",
                help="TYPE=X or TYPE.FIELD=X: exit 1 when that record type's F1 (or that field's accuracy) is below X.",
                action="append",
            ),
        ),
    ),
    "batch": Command(
        batch_command,
        (
            _arg("inputs", "Files, folders (searched recursively) or globs.", nargs="+", metavar="INPUT"),
            _opt("db", "--db", help="SQLite file, or a postgresql:// URL.", default="results.sqlite"),
            _opt("jobs", "--jobs", "-j", help="Worker processes (default: CPU count).", type=int, metavar="N"),
            _opt(
                "jsonl",
                "--jsonl",
                help="Also append one contract JSON object per line to this file.",
                type=Path,
                metavar="FILE",
            ),
            _opt("timeout", "--timeout", help="Seconds one document may take.", type=float, default=120.0, metavar="S"),
            _flag("quiet", "--quiet", "-q", help="No progress bar and no summary."),
            _opt("encoding", "--encoding", help=_ENCODING_HELP, default="auto", metavar="E"),
            _opt("ocr", "--ocr", help=OCR_HELP, default="auto", metavar="WHEN"),
        ),
    ),
    "gold-draft": Command(
        gold_draft_command,
        (
            _arg("report", "The report to draft gold for.", type=Path, metavar="REPORT"),
            _OUT,
            _flag("force", "--force", help="Overwrite --out if it exists."),
        ),
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
            _flag("force", "--force", help="Overwrite --out if it exists."),
        ),
    ),
}


_HELP = "Show this message and exit."


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with "Usage:" and the default of every option that has one shown."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Usage: " if prefix is None else prefix)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and action.option_strings
        return f"{text} [default: {action.default}]" if shown else text


class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit status 2, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each command's options come from ``COMMANDS``."""
    parser = _Parser(prog=PROG, description=DESCRIPTION, formatter_class=_Formatter, allow_abbrev=False, add_help=False)
    parser.add_argument("-h", "--help", action="help", help=_HELP)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}", help="Print the version.")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", parser_class=_Parser, required=True
    )
    for name, command in COMMANDS.items():
        doc = (command.run.__doc__ or "").strip()
        sub = commands.add_parser(
            name, help=doc, description=doc, formatter_class=_Formatter, allow_abbrev=False, add_help=False
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


def _route(argv: list[str]) -> list[str]:
    """Make ``cchc-extract REPORT ...`` mean ``cchc-extract extract REPORT ...``."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is None or first in COMMANDS:
        return argv
    return ["extract", *argv]


def run() -> None:
    """The console script and ``python -m cchc_extract``: ``main``, in a process that then ends."""
    try:
        main()
    finally:
        # The process ends here: its objects need not be walked once more by the cycle
        # collector at shutdown (some 15 ms after an extraction, a tenth of the whole run).
        gc.freeze()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; leaves by ``SystemExit`` with the command's exit status."""
    args = _route(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    if not args:
        parser.print_help()
        raise SystemExit(2)
    namespace = vars(parser.parse_args(args))
    command = COMMANDS[namespace.pop("command")]
    try:
        command.run(**namespace)
    except Exit as stop:
        raise SystemExit(stop.code) from None
    raise SystemExit(0)
