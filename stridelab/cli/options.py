"""How commands show their arguments and options in ``--help``: one convention for all.

Every argument and option that takes a value gets a metavar a runner can read: what to
type, in capitals (``FILE``, ``FOLDER``, ``N``, ``YYYY-MM-DD``), with ``...`` when several
may be given (:func:`many`), ``KG[,KG...]`` for comma lists (:func:`comma`) and ``off|in``
for a choice of words (:func:`choice`). A value with a unit may be named by its unit
(``SPM``, ``SECONDS``). Boolean options are plain flags (``--pdf``, ``--video/--no-video``)
and show no value placeholder at all.

Use it in two ways:

- give ``metavar=`` from the constants here to ``typer.Argument`` / ``typer.Option``, e.g.
  ``typer.Option("--out", metavar=FOLDER)`` or ``typer.Argument(metavar=many(RESULTS))``;
- register every command with ``cls=Command`` (sub-apps: ``typer.Typer(cls=Group)``). These
  classes show arguments by their metavar alone (``FILE``, not ``{path}``, ``<path>`` or
  ``<list[Path]>``) and boolean flags, ``--help`` included, without ``<bool>``.
"""

from __future__ import annotations

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

FILE = "FILE"
"""One file to read or write."""
DB = "DB"
"""A database: a SQLite file or a ``postgresql://`` URL."""
FOLDER = "FOLDER"
"""One folder (created when it is written into)."""
PATH = "PATH"
"""A file or a folder."""
RESULTS = "RESULTS"
"""A results folder written by ``stridelab analyze`` (or a file inside it)."""
ID = "ID"
"""An id shown by a ``list`` command."""
N = "N"
"""A whole number."""
NUMBER = "NUMBER"
"""A number, decimals allowed."""
KG = "KG"
"""A load in kilograms."""
RPE = "RPE"
"""Effort on the CR-10 scale (0-10)."""
DATE = "YYYY-MM-DD"
"""A day."""
TIME = "HH:MM"
"""A time of day."""
TEXT = "TEXT"
"""Free text."""
FLAG = ""
"""Boolean options: no value placeholder (the classes below set it by themselves)."""


def many(metavar: str) -> str:
    """Metavar of an argument that takes one or more values, e.g. ``FILE...``."""
    return f"{metavar}..."


def comma(metavar: str) -> str:
    """Metavar of one value or several separated by commas, e.g. ``KG[,KG...]``."""
    return f"{metavar}[,{metavar}...]"


def choice(*values: str) -> str:
    """Metavar that lists the accepted words, e.g. ``choice("off", "in")`` is ``off|in``."""
    return "|".join(values)


class PlainArgument(TyperArgument):
    """An argument shown by its metavar (else its name in capitals), without a type label."""

    @property
    def display_name_raw(self) -> str:
        """The placeholder: the metavar, or the parameter name in capitals."""
        return self.metavar or self.name.upper()

    def display_type_rich(self, ctx) -> str | None:
        """No ``<path>`` or ``<list[Path]>`` beside the placeholder: it says it already."""
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


def _plain(params: list) -> list:
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = PlainArgument  # same object, plain display only
        elif isinstance(param, TyperOption) and param.is_bool_flag and param.metavar is None:
            param.metavar = FLAG
    return params


class Command(TyperCommand):
    """A command whose help follows the convention above (``cls=Command``)."""

    def get_params(self, ctx) -> list:
        """The parameters, ``--help`` included, with plain placeholders."""
        return _plain(super().get_params(ctx))


class Group(TyperGroup):
    """A command group whose help follows the convention above (``typer.Typer(cls=Group)``)."""

    def get_params(self, ctx) -> list:
        """The parameters, ``--help`` included, with plain placeholders."""
        return _plain(super().get_params(ctx))


def db_option():
    """The ``--db`` option every command that reads or writes the training log takes."""
    from typing import Annotated

    import typer

    return Annotated[str | None, typer.Option(
        "--db", envvar="STRIDELAB_DB", metavar=DB,
        help="Database: a SQLite file or a postgresql:// URL. Default: $STRIDELAB_DB, else "
             "a SQLite file in the user's data directory.")]
