"""The ``stridelab`` command: wires the stages together, nothing more.

Every command turns a :class:`stridelab.errors.StridelabError` into one line on stderr and
exit code 2; an unexpected error is reported in one line too (exit code 1), with the
traceback only when ``STRIDELAB_DEBUG=1`` is set.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from stridelab import __version__
from stridelab.cli.agree_cmd import agree
from stridelab.cli.analyze import analyze
from stridelab.cli.assess_cmd import assess
from stridelab.cli.balance_cmd import app as balance_app
from stridelab.cli.example import example
from stridelab.cli.load_cmd import app as runs_app
from stridelab.cli.options import Command, Group
from stridelab.cli.plan_cmd import plan
from stridelab.cli.report_cmd import report
from stridelab.cli.serve_cmd import db_app, serve, users_app
from stridelab.cli.workout_cmd import app as strength_app
from stridelab.errors import StridelabError

app = typer.Typer(
    name="stridelab",
    help="Running gait analysis: strides and phases from video and motion capture, running "
    "dynamics from watch files; evidence-graded findings; strength and balance programs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)
app.command(name="analyze", cls=Command)(analyze)
app.command(name="example", cls=Command)(example)
app.command(name="assess", cls=Command)(assess)
app.command(name="plan", cls=Command)(plan)
app.command(name="report", cls=Command)(report)
app.command(name="agree", cls=Command)(agree)
app.add_typer(runs_app, name="runs")
app.add_typer(strength_app, name="strength")
app.add_typer(balance_app, name="balance")
app.command(name="serve", cls=Command)(serve)
app.add_typer(users_app, name="user")
app.add_typer(db_app, name="db")
# the earlier names, one letter apart and easy to mix up: they still run, unlisted
app.add_typer(runs_app, name="load", hidden=True)
app.add_typer(strength_app, name="log", hidden=True)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"stridelab {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Running gait analysis for runners, coaches and physical therapists."""


def run() -> None:
    """Entry point: run the app and turn user errors into one-line messages."""
    err = Console(stderr=True, highlight=False)
    try:
        app()  # standalone: usage errors print their own message and exit 2
    except StridelabError as exc:
        err.print(f"[bold red]error:[/] {exc}", soft_wrap=True, markup=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # last line of defence: never a bare traceback
        if os.environ.get("STRIDELAB_DEBUG") == "1":
            raise
        err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
            "(set STRIDELAB_DEBUG=1 for details and please report it)",
            soft_wrap=True,
        )
        sys.exit(1)
