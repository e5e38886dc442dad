"""``stridelab assess``: a summary (or a watch file) in, evidence-graded findings out."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stridelab.cli import options as opt

SEVERITY_STYLE = {"ok": "green", "watch": "yellow", "concern": "bold red"}


def _value_text(finding) -> str:
    from stridelab.units import format_value

    if finding.value is None:
        return "-"
    signed = finding.key.startswith("asymmetry_")
    return format_value(finding.value, finding.unit, signed=signed)


def band_text(finding) -> str:
    """The band with its severity in words, coloured: ``"watch: high"``, ``"ok: typical"``.

    The word says it where colour does not show (no colour terminal, colour blindness, a
    printout); Rich markup in the band itself is escaped.
    """
    words = f"{finding.severity}: {escape(finding.band)}"
    style = SEVERITY_STYLE.get(finding.severity)
    return f"[{style}]{words}[/]" if style else words


def findings_table(findings, title: str, narrow: bool = False) -> Table:
    """Rich table of findings: measure, value, band, evidence, meaning, associations.

    ``narrow`` (terminals under 110 columns) leaves out the meaning column and numbers the
    rows instead; :func:`print_findings` prints the meanings below the table.
    """
    table = Table(title=title, title_justify="left", show_lines=not narrow)
    if narrow:
        table.add_column("#", justify="right")
    table.add_column("measure", min_width=10, max_width=18)
    table.add_column("value", justify="right", min_width=7)
    table.add_column("band", min_width=10, max_width=16)
    table.add_column("evidence", min_width=8, max_width=12)
    if not narrow:
        table.add_column("what it means", min_width=24)
    table.add_column("associated with", min_width=10, max_width=30)
    for number, f in enumerate(findings, start=1):
        side = {"L": " (left)", "R": " (right)"}.get(f.side or "", "")
        evidence = f.evidence if f.confidence >= 0.995 else (
            f"{f.evidence}\nconfidence {f.confidence:.2f}")
        cells = [f"{f.title}{side}", _value_text(f), band_text(f), evidence]
        if narrow:
            cells.insert(0, str(number))
        else:
            cells.append(f.explanation)
        cells.append(", ".join(f.injuries) or "-")
        table.add_row(*cells)
    return table


def print_findings(console: Console, findings, title: str) -> None:
    """Print the findings table, with the meanings below it on narrow terminals."""
    narrow = console.width < 110
    console.print(findings_table(findings, title, narrow=narrow))
    if narrow:
        console.print("[bold]What it means[/]")
        for number, f in enumerate(findings, start=1):
            side = {"L": " (left)", "R": " (right)"}.get(f.side or "", "")
            console.print(f"{number:>2}. [bold]{f.title}{side}[/]: {f.explanation}")


def assess(
    path: Path = typer.Argument(..., metavar=opt.PATH,
                                help="Results folder (with summary.json), a summary.json, "
                                "or a watch file (.fit, .gpx, .tcx)."),
    json_out: Path = typer.Option(
        None, "--json", metavar=opt.FILE,
        help="Where to write the findings (default: findings.json beside the summary; for a "
        "watch file, NAME.findings.json in the current folder)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Write the file, print no table."),
) -> None:
    """Turn a summary into evidence-graded findings: band, source, meaning, associations."""
    from stridelab.assess.engine import Assessment
    from stridelab.assess.model import findings_document
    from stridelab.assess.sources import load_input

    loaded = load_input(path)
    result = Assessment().assess(loaded.summary)
    target = json_out or loaded.default_out
    doc = findings_document(result.findings_, str(loaded.source), result.not_measurable_,
                            result.not_assessed_, result.notes_)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    console = Console(quiet=quiet, highlight=False)
    summary = loaded.summary
    title = (f"Findings for {loaded.source.name} ({summary.get('kind', 'recording')}, "
             f"{summary.get('activity', '?')})")
    if result.findings_:
        print_findings(console, result.findings_, title)
    else:
        console.print(f"{title}: no measure here has an evidence-graded threshold.")
    views = {}
    for f in result.findings_:
        if f.other_view:
            views.setdefault(f.title, f.other_view)
    for heading, text in views.items():
        console.print(f"[bold]{heading}: the article's rule and the evidence[/]\n  {text}")
    if result.not_measurable_:
        console.print("[bold]Not measurable from this input:[/]")
        by_reason: dict[str, list[str]] = {}
        for metric, reason in result.not_measurable_.items():
            by_reason.setdefault(reason, []).append(metric)
        for reason, names in by_reason.items():
            console.print(f"  {', '.join(names)}: {reason}")
    if result.not_assessed_:
        console.print("Measured but not assessed (no evidence-graded threshold): "
                      + ", ".join(result.not_assessed_))
    for note in result.notes_ + list(summary.get("warnings") or []):
        console.print(f"[yellow]note:[/] {note}")
    console.print("[dim]Findings describe associations, not causes or diagnoses; the "
                  "evidence column grades the source behind each band.[/]")
    console.print(f"wrote {target}")
