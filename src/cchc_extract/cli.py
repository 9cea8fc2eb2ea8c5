"""The command line: a thin layer over the library.

``cchc-extract REPORT`` is short for ``cchc-extract extract REPORT``. Library
errors become one line on stderr and exit status 2; nothing is overwritten
without ``--force``.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .errors import CchcError, OutputError, first_line
from .export import schema_json, summary, to_json, write_csv
from .legacy import TEXT_ENCODINGS
from .pipeline import extract as run_extract

if TYPE_CHECKING:
    from .evaluate import Evaluation

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn Vietnamese administrative-reform (CCHC) reports into structured, checkable data.",
)


_ENCODING_HELP = (
    "Encoding of a text file: auto (UTF-8, else the legacy encoding it reads best in, with a warning), "
    "utf-8, utf-16, cp1258, tcvn3, vni, viscii or vps. DOCX and PDF files say their own."
)


def _fail(error: CchcError) -> typer.Exit:
    typer.echo(f"cchc-extract: error: {error.line()}", err=True)
    return typer.Exit(2)


def write_output(text: str, out: Path | None, force: bool) -> None:
    """Print ``text``, or write it to ``out`` (refusing to overwrite unless forced)."""
    if out is None:
        typer.echo(text)
        return
    if out.exists() and not force:
        raise OutputError(out, "already exists", "use --force to overwrite it")
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputError(out, f"cannot be written: {exc.strerror or exc}") from exc


@app.command("extract")
def extract_command(
    report: Annotated[Path, typer.Argument(help="The report file (.txt, .md, .docx, .doc, .pdf).")],
    json_: Annotated[bool, typer.Option("--json", help="Print the contract JSON.")] = False,
    with_text: Annotated[bool, typer.Option("--with-text", help="Add the normalized text to the JSON.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out or CSV files if they exist.")] = False,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv", help="Also write one CSV per table (UTF-8 with BOM) into this folder.")
    ] = None,
    password: Annotated[str | None, typer.Option("--password", help="Password of an encrypted PDF.")] = None,
    encoding: Annotated[str, typer.Option("--encoding", help=_ENCODING_HELP)] = "auto",
) -> None:
    """Extract one report: a summary for a person, or the contract JSON with --json."""
    try:
        result = run_extract(report, with_text=with_text, password=password, encoding=encoding)
        if csv_dir is not None:
            written = write_csv(result, csv_dir, force=force)
            typer.echo(f"wrote {len(written)} CSV file(s) to {csv_dir}", err=True)
        write_output(to_json(result) if json_ or with_text else summary(result), out, force)
    except CchcError as error:
        raise _fail(error) from None


@app.command("schema")
def schema_command(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
    """Print the JSON Schema of the output, generated from the models."""
    try:
        write_output(schema_json(), out, force)
    except CchcError as error:
        raise _fail(error) from None


@app.command("eval")
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
) -> None:
    """Score the extraction against hand-made gold: precision, recall, F1 per record type."""
    from .evaluate import evaluate, pair_corpus

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
        typer.echo(_diff_text(result))
    elif json_:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(_eval_text(data))
    low = {k: v["f1"] for k, v in data["by_type"].items() if min_f1 is not None and v["f1"] < min_f1}
    if low:
        typer.echo(f"cchc-extract: F1 below {min_f1}: " + ", ".join(f"{k} {v:.3f}" for k, v in low.items()), err=True)
        raise typer.Exit(1)
    measured = {k: v["f1"] for k, v in data["by_type"].items()} | {k: v["accuracy"] for k, v in data["fields"].items()}
    missing = [name for name in floors if name not in measured]
    under = {name: measured[name] for name, least in floors.items() if name in measured and measured[name] < least}
    if missing or under:
        said = [f"{k} {v:.3f} < {floors[k]}" for k, v in under.items()] + [f"{k} not measured" for k in missing]
        typer.echo("cchc-extract: below the floor: " + ", ".join(said), err=True)
        raise typer.Exit(1)


@app.command("batch")
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
) -> None:
    """Extract many reports in parallel into a database; re-running skips what is stored."""
    from .batch import check_options, run_batch, summary_text
    from .export.database import hide_password, open_store

    if encoding not in TEXT_ENCODINGS:
        raise _fail(CchcError(None, f"unknown --encoding {encoding!r}", "use one of " + ", ".join(TEXT_ENCODINGS)))
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
        raise _fail(OutputError(jsonl, f"cannot be written: {exc.strerror or exc}")) from None
    try:
        with _progress(show) as update, _terminated_as_interrupt():
            summary = run_batch(
                inputs, store, jobs=jobs, timeout=timeout, jsonl=handle, progress=update, encoding=encoding
            )
    except KeyboardInterrupt as stop:
        typer.echo(
            "cchc-extract: batch interrupted; every document stored is whole: run the same command again to finish",
            err=True,
        )
        raise typer.Exit(143 if isinstance(stop, _Terminated) else 130) from None
    except store.errors as exc:  # the database itself failed (disk full, server gone)
        problem = f"database failed: {first_line(exc)}; every document stored is whole"
        raise _fail(OutputError(hide_password(db), problem)) from None
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


@app.command("gold-draft")
def gold_draft_command(
    report: Annotated[Path, typer.Argument(help="The report to draft gold for.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
    """Write the extraction in gold format as a starting point for an annotator (marked as a draft)."""
    from .evaluate import gold_draft

    try:
        draft = gold_draft(run_extract(report), report.name)
        write_output(json.dumps(draft, ensure_ascii=False, indent=1), out, force)
    except CchcError as error:
        raise _fail(error) from None


@app.command("gold-docbin")
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
    typer.echo(f"wrote {len(docs)} document(s) to {out}: {counts}", err=True)


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
    """Turn Vietnamese administrative-reform (CCHC) reports into structured, checkable data."""


def _route(argv: list[str]) -> list[str]:
    """Make ``cchc-extract REPORT ...`` mean ``cchc-extract extract REPORT ...``.

    After ``--`` everything is a file name, so ``cchc-extract -- -rf.doc`` extracts the
    file ``-rf.doc``.
    """
    commands = {c.name for c in app.registered_commands}
    for arg in argv:
        if arg == "--":
            return ["extract", *argv]
        if not arg.startswith("-"):
            return argv if arg in commands else ["extract", *argv]
    return argv


def main(argv: list[str] | None = None) -> None:
    args = _route(list(sys.argv[1:] if argv is None else argv))
    app(args=args, prog_name="cchc-extract")
