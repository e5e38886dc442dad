"""``stridelab report``: a results folder in, one self-contained report.html (and PDF) out."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import typer
from rich.console import Console

from stridelab.cli import options as opt


def report(
    results: Path = typer.Argument(..., metavar=opt.RESULTS,
                                   help="Results folder written by `stridelab analyze` "
                                   "(summary.json, strides.csv; angles.csv, findings.json and "
                                   "program.json are used when present) or by `stridelab runs "
                                   "summary` (a watch file: no strides)."),
    pdf: bool = typer.Option(False, "--pdf", help="Also print report.pdf (headless Chromium)."),
    open_: bool = typer.Option(False, "--open", help="Open the report in the web browser."),
    out: Path = typer.Option(None, "--out", "-o", metavar=opt.FOLDER,
                             help="Folder to write into (default: the results folder)."),
) -> None:
    """Write report.html: metrics, phases, joint angles, left/right, findings and program."""
    from stridelab.report.build import report_folder

    paths = report_folder(results, out, pdf=pdf)
    console = Console(highlight=False)
    for path in paths.values():
        console.print(f"wrote {path}")
    if open_:
        webbrowser.open(paths["html"].resolve().as_uri())
