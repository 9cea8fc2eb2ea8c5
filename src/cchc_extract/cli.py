"""The command line: a thin layer over the library.

``cchc-extract REPORT`` is short for ``cchc-extract extract REPORT``. Library
errors become one line on stderr and exit status 2; nothing is overwritten
without ``--force``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import CchcError, OutputError
from .export import schema_json, summary, to_json
from .pipeline import extract as run_extract

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn Vietnamese administrative-reform (CCHC) reports into structured, checkable data.",
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
    report: Annotated[Path, typer.Argument(help="The report file (.txt, .md).")],
    json_: Annotated[bool, typer.Option("--json", help="Print the contract JSON.")] = False,
    with_text: Annotated[bool, typer.Option("--with-text", help="Add the normalized text to the JSON.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
    """Extract one report: a summary for a person, or the contract JSON with --json."""
    try:
        result = run_extract(report, with_text=with_text)
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
    """Make ``cchc-extract REPORT ...`` mean ``cchc-extract extract REPORT ...``."""
    commands = {c.name for c in app.registered_commands}
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is None or first in commands:
        return argv
    return ["extract", *argv]


def main(argv: list[str] | None = None) -> None:
    args = _route(list(sys.argv[1:] if argv is None else argv))
    app(args=args, prog_name="cchc-extract")
