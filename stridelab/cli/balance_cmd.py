"""``stridelab balance``: force-plate balance tests, the Y-balance test and their history.

``stridelab balance FILE...`` measures force-plate trials (the ``measure`` command, implied
when the first argument is not a command name); ``stridelab balance ybalance`` scores a
Y-balance test; ``stridelab balance history`` shows the trend and judges the last retest
against its measurement error. Sessions go to the training-log database (``--db``,
``$STRIDELAB_DB``) unless ``--no-store``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stridelab.assess.model import findings_document
from stridelab.balance.findings import ybalance_findings
from stridelab.balance.history import (
    RETEST_DAYS,
    TREND_MEASURES,
    latest_retests,
    store_session,
    store_ybalance,
    ybalance_measures,
)
from stridelab.balance.session import BalanceSession, analyze_balance
from stridelab.balance.ybalance import SIDES, YBalance, check_reaches, read_ybalance_csv
from stridelab.cli import options as opt
from stridelab.errors import StridelabError
from stridelab.pipeline.pipeline import is_pose_input
from stridelab.store.balance import BalanceLog

SHOWN = (("hold_time_s", "hold (s)"), ("mean_velocity_mm_s", "velocity (mm/s)"),
         ("mean_velocity_ap_mm_s", "AP velocity (mm/s)"), ("rms_ap_mm", "AP RMS (mm)"),
         ("rms_ml_mm", "ML RMS (mm)"), ("ellipse_area_mm2", "95 % ellipse (mm²)"),
         ("median_freq_ap_hz", "AP median f (Hz)"),
         ("load_symmetry_index_pct", "load SI (%)"))


class BalanceGroup(opt.Group):
    """A group whose first argument, when not a command name, is a file to ``measure``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Insert ``measure`` before arguments that do not start with a command name."""
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["measure", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    short_help="Balance tests: force-plate posturography, Y-balance, history.",
    help="Balance tests: force-plate posturography (stridelab balance FILE...), the Y-balance "
    "test (stridelab balance ybalance) and the trend of retests (stridelab balance history).",
    no_args_is_help=True,
    cls=BalanceGroup,
)

DbOption = opt.db_option()
StoreOption = Annotated[bool, typer.Option(
    "--store/--no-store", help="Keep the session in the training log (default on).")]
DateOption = Annotated[datetime | None, typer.Option(
    "--date", formats=["%Y-%m-%d"], metavar=opt.DATE, help="Day of the test (default today).")]


@app.command("measure", cls=opt.Command)
def measure_command(
    files: Annotated[list[Path], typer.Argument(
        metavar=opt.many(opt.FILE),
        help="Force-plate trials: CSV or tab-separated centre of pressure (one plate, or one "
        "plate per foot) or C3D; or, with --test single-leg, clips or OpenPose folders of a "
        "single-leg stance (one leg each).")],
    test: Annotated[str, typer.Option(
        "--test", metavar=opt.choice("plate", "single-leg"),
        help="plate: force-plate posturography; single-leg: the single-leg stance test from "
        "video (default: single-leg for clips and keypoint folders).")] = "",
    eyes: Annotated[str, typer.Option(
        "--eyes", metavar=opt.comma(opt.choice("open", "closed")),
        help="Eyes open or closed: one value for all files or one per file.")] = "open",
    stance: Annotated[str, typer.Option(
        "--stance", metavar=opt.comma(opt.choice("double", "single")),
        help="Both feet or one leg: one value for all files or one per file.")] = "double",
    leg: Annotated[str | None, typer.Option(
        "--leg", metavar="L|R", help="Single leg: the stance leg's plate (default: the plate "
        "carrying the weight).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar=opt.FOLDER,
        help="Folder for balance.json, findings.json, cop_traces.csv and the figures "
        "(default: <first file>_balance here).")] = None,
    columns: Annotated[str | None, typer.Option(
        "--columns", metavar="QUANTITY=COLUMN[,...]|FILE",
        help="Column names: time, fz, cop_ap, cop_ml (or a TOML file with [columns]).")] = None,
    cop_units: Annotated[str | None, typer.Option(
        "--cop-units", metavar=opt.choice("m", "cm", "mm"),
        help="Unit of centre-of-pressure columns whose header gives none (default m).")] = None,
    rate: Annotated[float | None, typer.Option(
        "--rate", min=1, metavar="HZ",
        help="Sampling rate of files without a time column (keypoint folders: the frame rate).",
    )] = None,
    ap_axis: Annotated[str | None, typer.Option(
        "--ap-axis", metavar=opt.choice("x", "y", "z"),
        help="C3D: the lab axis pointing anterior-posterior.")] = None,
    test_date: DateOption = None,
    db: DbOption = None,
    store: StoreOption = True,
) -> None:
    """Measure force-plate balance trials: sway, hold time, load share, Romberg quotient.

    Sway after Prieto 1996 and Duarte & Freitas 2010 (10 Hz low-pass, mean removed), the
    95 % prediction ellipse (Schubert & Kirchner 2014); findings with their evidence.
    """
    if test == "single-leg" or (not test and all(is_pose_input(f) for f in files)):
        from stridelab.cli.balance_video import run_single_leg

        folder = out or Path.cwd() / f"{files[0].stem}_balance"
        written = run_single_leg(files, _split(eyes), leg, folder, capture_fps=rate)
        Console(highlight=False).print(
            f"wrote {escape(', '.join(p.name for p in written))} in {escape(str(folder))}")
        return
    if test not in ("", "plate"):
        raise typer.BadParameter(f"{test!r}: use plate or single-leg", param_hint="--test")
    session = analyze_balance(files, eyes=_split(eyes), stance=_split(stance), leg=leg,
                              columns=columns, cop_units=cop_units, rate_hz=rate,
                              ap_axis=ap_axis)
    folder = out or Path.cwd() / f"{files[0].stem}_balance"
    written = session.save(folder)
    from stridelab.report.balance_page import write_balance_report

    written.append(write_balance_report(folder))
    console = Console(highlight=False)
    _print_session(console, session)
    console.print(f"wrote {escape(', '.join(p.name for p in written))} in {escape(str(folder))}")
    if store:
        day = test_date.date() if test_date else date.today()
        with BalanceLog(db) as log:
            records = store_session(log, session, day)
            console.print(f"stored as balance session(s) {', '.join(str(r.id) for r in records)}"
                          f" in {escape(str(log.path))} (stridelab balance history)")


def _split(value: str) -> list[str]:
    return [v.strip().lower() for v in value.split(",") if v.strip()]


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def _print_session(console: Console, session: BalanceSession) -> None:
    table = Table(title="Balance", title_justify="left")
    table.add_column("condition")
    table.add_column("trials", justify="right")
    shown = [(k, name) for k, name in SHOWN
             if any(k in c["measures"] for c in session.conditions.values())]
    for _, name in shown:
        table.add_column(name, justify="right")
    for condition, c in session.conditions.items():
        table.add_row(condition, str(c["trials"]), *(_fmt(c["measures"].get(k))
                                                     for k, _ in shown))
    console.print(table)
    for stance, ratios in session.romberg.items():
        words = ", ".join(f"{k} {v:.2f}" for k, v in ratios.items())
        console.print(f"Romberg quotient ({stance}, eyes closed / open): {words}")
    _print_findings(console, [f.to_dict() for f in session.findings])
    notes: dict[str, list[str]] = {}
    for t in session.trials:
        for w in t.warnings:
            name, _, text = w.partition(": ")
            notes.setdefault(text or w, []).append(name)
    for text, names in notes.items():
        where = names[0] if len(names) == 1 else f"{len(names)} files"
        console.print(f"[yellow]note:[/] {escape(where)}: {escape(text)}")


def _print_findings(console: Console, findings: list[dict]) -> None:
    for f in findings:
        side = f" ({f['side']})" if f["side"] else ""
        console.print(f"[bold]{escape(f['title'])}{side}[/]: {_fmt(f['value'])} {escape(f['unit'])}"
                      f", {f['band']} ({f['severity']}; evidence: {f['evidence']})\n  "
                      f"{escape(f['explanation'])}")


@app.command("ybalance", cls=opt.Command)
def ybalance_command(
    csv_file: Annotated[Path | None, typer.Option(
        "--csv", metavar=opt.FILE,
        help="Reaches: one row per trial and side (side, anterior, posteromedial, "
        "posterolateral[, limb_length]; cm unless the header says mm).")] = None,
    left: Annotated[str | None, typer.Option(
        "--left", metavar="A,PM,PL",
        help="Standing on the left leg: anterior, posteromedial, posterolateral reach, cm.",
    )] = None,
    right: Annotated[str | None, typer.Option(
        "--right", metavar="A,PM,PL", help="Standing on the right leg, cm.")] = None,
    limb_length_cm: Annotated[str | None, typer.Option(
        "--limb-length-cm", metavar="CM[,CM]",
        help="Limb length (anterior superior iliac spine to medial malleolus): one value, or "
        "left,right.")] = None,
    trials: Annotated[str, typer.Option(
        "--trials", metavar=opt.choice("best", "mean"),
        help="Several trials per direction: the best (default) or their mean.")] = "best",
    out: Annotated[Path | None, typer.Option(
        "--out", metavar=opt.FOLDER, help="Folder for ybalance.json and findings.json.",
    )] = None,
    test_date: DateOption = None,
    db: DbOption = None,
    store: StoreOption = True,
) -> None:
    """Score a Y-balance test: composite = (A + PM + PL) / (3 x limb length) x 100.

    Anterior asymmetry above 4 cm and a composite below 94 % are flagged (Plisky 2006).
    """
    origin, reaches, limb = _reaches(csv_file, left, right)
    limb.update(_limb_lengths(limb_length_cm, reaches))
    check_reaches(reaches, limb, origin)
    if trials not in ("best", "mean"):
        raise StridelabError(f"--trials must be best or mean, got {trials!r}")
    yb = YBalance(trials).score(reaches, limb)
    findings = ybalance_findings(yb)
    console = Console(highlight=False)
    for side, s in yb.sides_.items():
        reach = ", ".join(f"{d} {v:g} cm ({s.normalised_pct[d]:.0f} %)"
                          for d, v in s.reach_cm.items())
        console.print(f"{side}: {reach}; composite {s.composite_pct:.1f} % of "
                      f"{s.limb_length_cm:g} cm")
    _print_findings(console, [f.to_dict() for f in findings])
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "ybalance.json").write_text(json.dumps(
            {"schema": "stridelab.balance/1", "kind": "ybalance", **yb.to_dict(),
             "measures": ybalance_measures(yb)}, indent=2), "utf-8")
        doc = findings_document(findings, summary=str(out / "ybalance.json"))
        (out / "findings.json").write_text(json.dumps(doc, indent=2), "utf-8")
        console.print(f"wrote ybalance.json, findings.json in {escape(str(out))}")
    if store:
        day = test_date.date() if test_date else date.today()
        with BalanceLog(db) as log:
            record = store_ybalance(log, yb, [f.to_dict() for f in findings], day, str(origin))
            console.print(f"stored as balance session {record.id} in {escape(str(log.path))}")


def _reaches(csv_file: Path | None, left: str | None, right: str | None):
    if csv_file is not None:
        if left or right:
            raise StridelabError("give the reaches with --csv or with --left/--right, not both")
        reaches, limb = read_ybalance_csv(csv_file)
        return csv_file, reaches, limb
    reaches = {}
    for side, text in (("L", left), ("R", right)):
        if text is None:
            continue
        values = _numbers(text, f"--{'left' if side == 'L' else 'right'}")
        if len(values) != 3:
            raise StridelabError(f"--{'left' if side == 'L' else 'right'} needs three reaches "
                                 f"A,PM,PL in cm, got {text!r}")
        reaches[side] = {d: [v] for d, v in zip(("anterior", "posteromedial",
                                                 "posterolateral"), values, strict=True)}
    if not reaches:
        raise StridelabError("give the reaches: --left A,PM,PL and/or --right A,PM,PL (cm), "
                             "or --csv FILE")
    return "--left/--right", reaches, {}


def _numbers(text: str, what: str) -> list[float]:
    try:
        return [float(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise StridelabError(f"{what} must be numbers separated by commas, got {text!r}") from None


def _limb_lengths(text: str | None, reaches: dict) -> dict[str, float]:
    if text is None:
        return {}
    values = _numbers(text, "--limb-length-cm")
    if len(values) == 1:
        return {s: values[0] for s in SIDES if s in reaches}
    if len(values) == 2:
        return dict(zip(SIDES, values, strict=True))
    raise StridelabError(f"--limb-length-cm takes one value or left,right, got {text!r}")


@app.command("history", cls=opt.Command)
def history_command(
    db: DbOption = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", metavar=opt.choice("posturography", "ybalance"),
        help="Only this kind of test.")] = None,
) -> None:
    """The balance sessions over time; the last retest against its measurement error."""
    with BalanceLog(db) as log:
        records = log.sessions(kind=kind)
        path = log.path
    console = Console(highlight=False)
    if not records:
        console.print(f"No balance sessions in {escape(str(path))} yet: `stridelab balance "
                      "FILE...` or `stridelab balance ybalance ...` stores one.")
        return
    by_condition: dict[tuple[str, str], list] = {}
    for r in records:
        by_condition.setdefault((r.kind, r.condition), []).append(r)
    for (kind_, condition), group in by_condition.items():
        measures = [m for m in TREND_MEASURES[kind_] if any(m in r.measures for r in group)]
        table = Table(title=f"{condition} ({kind_})", title_justify="left")
        for name in ("id", "day", *measures):
            table.add_column(name, justify="right" if name != "day" else "left")
        for r in group:
            table.add_row(str(r.id), f"{r.day:%Y-%m-%d}",
                          *(_fmt(r.measures.get(m)) for m in measures))
        console.print(table)
    for condition, (days, retests) in latest_retests(records).items():
        soon = f" (sooner than the {RETEST_DAYS // 7} weeks a retest needs)" \
            if days < RETEST_DAYS else ""
        console.print(f"[bold]Retest, {escape(condition)}[/]: {days} days apart{soon}")
        for r in retests:
            mdc = "unknown" if r.mdc is None else f"{r.mdc:.3g}"
            console.print(f"  {r.measure}: {_fmt(r.previous)} -> {_fmt(r.latest)} "
                          f"(change {r.change:+.3g}, MDC95 {mdc}): {r.verdict}")
        sources = dict.fromkeys(r.source for r in retests)
        for s in sources:
            console.print(f"  [dim]{escape(s)}[/]")
