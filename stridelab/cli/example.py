"""``stridelab example``: write a simulated runner to try the tool on."""

from __future__ import annotations

from pathlib import Path

import typer

from stridelab.cli import options as opt


def example(
    path: Path = typer.Argument(Path("example.trc"), metavar=opt.FILE,
                                help="The .trc file to write."),
    cadence: float = typer.Option(170.0, metavar="SPM", help="Steps per minute."),
    contact_ms: float = typer.Option(240.0, metavar="MS", help="Mean contact time, ms."),
    asymmetry: float = typer.Option(0.0, metavar="FRACTION",
                                    help="Right-minus-left contact time, as a fraction."),
    duration: float = typer.Option(20.0, metavar="SECONDS", help="Length of the recording, s."),
    noise_mm: float = typer.Option(0.5, metavar="MM", help="Marker noise SD, mm."),
    seed: int = typer.Option(0, metavar=opt.N, help="Random seed."),
) -> None:
    """Write a simulated treadmill runner (Fukuchi marker names) with known events.

    The true events go to ``<name>_events.csv`` beside the ``.trc`` file.
    """
    from stridelab.sim import simulate_runner, write_trc

    run = simulate_runner(cadence_spm=cadence, contact_time_s=contact_ms / 1000,
                          asymmetry=asymmetry, duration_s=duration, noise_mm=noise_mm,
                          force_plate=False, seed=seed)
    write_trc(run.recording, path)
    truth = path.with_name(f"{path.stem}_events.csv")
    run.events.to_csv(truth, index=False, float_format="%.6f")
    typer.echo(f"wrote {path} ({duration:g} s, {cadence:g} steps/min) and its true events "
               f"{truth}")
