"""Shell completion of the command line: commands, options and their choices.

The shell calls ``cchc-extract`` itself with the words typed so far in the environment
(``_CCHC_EXTRACT_COMPLETE=complete_bash``, ``COMP_WORDS``, ``COMP_CWORD``: the protocol
typer used before, so that a script installed then still works); ``answer`` prints the
words that fit, one a line. The shortcut counts: ``cchc-extract report.txt --form<TAB>``
completes the options of ``extract``. Where nothing fits (a file name), the shell's own
completion takes over (``complete -o default``). bash, and zsh through its bash layer.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .errors import CchcError

SHELLS = ("bash", "zsh")

_BASH = """\
_cchc_extract_completion() {
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
                   _CCHC_EXTRACT_COMPLETE=complete_bash $1 ) )
    return 0
}

complete -o default -F _cchc_extract_completion cchc-extract
"""


def answer() -> None:
    """Print the completions of the words the shell sent in the environment."""
    words = os.environ.get("COMP_WORDS", "").split()
    current = int(os.environ.get("COMP_CWORD", "0") or 0)
    typed = words[current] if 0 <= current < len(words) else ""
    for word in candidates(words[1:current], typed):
        print(word)


def candidates(before: list[str], typed: str) -> list[str]:
    """The words that may stand where ``typed`` is, after the words ``before`` it."""
    from .cli import COMMANDS, ROOT_OPTIONS, build_parser, route

    routed = route(before)
    if not routed or routed[0] not in COMMANDS:
        if typed.startswith("-"):
            return sorted(o for o in ROOT_OPTIONS if o.startswith(typed))
        return [name for name in COMMANDS if name.startswith(typed)]
    command = _subparser(build_parser(), routed[0])
    options = {flag: action for action in command._actions for flag in action.option_strings}
    previous = options.get(routed[-1]) if len(routed) > 1 else None
    if previous is not None and previous.nargs != 0:
        return [str(c) for c in previous.choices or () if str(c).startswith(typed)]  # a value: its choices
    if typed.startswith("-"):
        return sorted(flag for flag in options if flag.startswith(typed) and flag.startswith("--"))
    return []


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(name)


def script(shell: str) -> str:
    """The completion script for ``shell`` (the current one when empty)."""
    shell = _shell(shell)
    return _BASH if shell == "bash" else "autoload -U +X bashcompinit && bashcompinit\n" + _BASH


def install_script(shell: str) -> str:
    """Install the completion script where the shell reads it; what was done, in one line."""
    shell = _shell(shell)
    home = Path.home()
    target = home / (".bash_completions" if shell == "bash" else ".zfunc") / "cchc-extract.sh"
    rc = home / (".bashrc" if shell == "bash" else ".zshrc")
    line = f"source {target}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(script(shell), encoding="utf-8")
        existing = rc.read_text(encoding="utf-8") if rc.exists() else ""
        if line not in existing:
            with rc.open("a", encoding="utf-8") as handle:  # added to, never rewritten
                handle.write(f"\n{line}\n")
    except OSError as exc:
        raise CchcError(target, "error.output.unwritable", reason=exc.strerror or str(exc)) from exc
    from .i18n import t

    return t("cli.completion.installed", shell=shell, path=str(target), rc=str(rc))


def _shell(shell: str) -> str:
    name = shell or Path(os.environ.get("SHELL", "")).name
    if name not in SHELLS:
        raise CchcError(None, "error.completion.shell", "remedy.choose", value=name, choices=", ".join(SHELLS))
    return name
