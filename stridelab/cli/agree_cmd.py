"""``stridelab agree FILE``: how far apart two devices worn on the same run are.

Reads a CSV of one run recorded at once by two devices (columns prefixed per device, e.g.
``hrm_stance_time`` and ``stryd_stance_time``), prints a table of the Bland-Altman figures per
shared channel and writes ``agreement.json`` and ``agreement.html`` (Bland & Altman 1986,
1999; :mod:`stridelab.summary.agreement`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stridelab.cli import options as opt
from stridelab.io.activity.devices import read_two_devices
from stridelab.report.agreement_page import (
    channel_words,
    device_name,
    plain_sentence,
    write_agreement_page,
)
from stridelab.summary.agreement import DeviceAgreement, agreement_document


def _fmt(value, digits: int, signed: bool = True) -> str:
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def agreement_table(doc: dict) -> Table:
    """Rich table of the agreement document: one row per compared channel."""
    a, b = doc["devices"]
    pct = f"{100 * float(doc.get('coverage', 0.95)):.0f} %"
    table = Table(title=f"{escape(a)} minus {escape(b)}, running seconds", title_justify="left")
    table.add_column("channel")
    table.add_column("n (eff.)", justify="right")
    table.add_column("bias", justify="right")
    table.add_column(f"{pct} CI", justify="right")
    table.add_column(f"{pct} limits", justify="right")
    table.add_column("within", justify="right")
    table.add_column(f"middle {pct}", justify="right")
    for channel, f in doc["channels"].items():
        name, digits, _, _ = channel_words(channel)
        d = digits + 1
        table.add_row(
            f"{name} ({escape(f['unit'])})", f"{f['n']} ({f['n_eff']:.0f})",
            _fmt(f["bias"], d), f"{_fmt(f['bias_ci'][0], d)} to {_fmt(f['bias_ci'][1], d)}",
            f"{_fmt(f['lower'], d)} to {_fmt(f['upper'], d)}", f"{f['within_pct']:.1f} %",
            f"{_fmt(f['central'][0], digits)} to {_fmt(f['central'][1], digits)}")
    return table


def agree(
    file: Annotated[Path, typer.Argument(
        metavar=opt.FILE, help="CSV of one run recorded by two devices at once, columns "
        "prefixed per device (hrm_stance_time, stryd_stance_time ...).")],
    out: Annotated[Path | None, typer.Option(
        "--out", metavar=opt.FOLDER,
        help="Folder for agreement.json and agreement.html (default: <file>_agreement here)."
    )] = None,
    devices: Annotated[str | None, typer.Option(
        "--devices", metavar="A,B",
        help="The two column prefixes to compare (default: the file's two devices).")] = None,
) -> None:
    """Compare two devices worn on the same run: bias and 95 % limits of agreement.

    Bland & Altman 1986 (Lancet) per shared channel (contact time,
    vertical oscillation, cadence ...), on the seconds both devices give
    a value while running; the confidence intervals allow for neighbouring
    seconds repeating each other (Bland & Altman 1999).
    """
    pair = None
    if devices is not None:
        names = [d.strip() for d in devices.split(",") if d.strip()]
        if len(names) != 2:
            raise typer.BadParameter(f"{devices!r}: give two prefixes, e.g. hrm,stryd",
                                     param_hint="--devices")
        pair = (names[0], names[1])
    rec = read_two_devices(file, pair)
    agreement = DeviceAgreement().compare(rec)
    doc = agreement_document(agreement, rec)
    folder = out or Path.cwd() / f"{file.stem}_agreement"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agreement.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    page = write_agreement_page(folder)
    console = Console(highlight=False)
    console.print(f"{escape(device_name(rec.devices[0]))} against "
                  f"{escape(device_name(rec.devices[1]))}: {doc['running_settled_s']} of "
                  f"{doc['rows']} seconds running and settled")
    for warning in doc["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if doc["channels"]:
        console.print(agreement_table(doc))
        for channel, f in doc["channels"].items():
            console.print(escape(plain_sentence(channel, f, rec.devices, doc["coverage"])))
    console.print(f"wrote agreement.json, {page.name} in {escape(str(folder))}")
