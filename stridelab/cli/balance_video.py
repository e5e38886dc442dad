"""``stridelab balance CLIP... --test single-leg``: the single-leg stance test from video.

Each clip (or OpenPose folder) is one trial on one leg (:class:`~stridelab.balance.
single_leg_video.SingleLegStanceTest`); two trials, one on each leg, are compared. Writes
``single_leg.json`` and ``findings.json`` into the folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stridelab.assess.model import findings_document
from stridelab.balance.findings import single_leg_findings
from stridelab.balance.single_leg_video import (
    SingleLegStanceTest,
    compare_legs,
    single_leg_keypoints,
)

ROWS = (("stance_leg", "stance leg"), ("view", "view"), ("lift_off_s", "lift-off (s)"),
        ("touch_down_s", "touch-down (s)"), ("hold_time_s", "hold (s)"),
        ("ended_by", "ended by"))


def run_single_leg(files: list[Path], eyes: list[str], leg: str | None, out: Path,
                   capture_fps: float | None = None) -> list[Path]:
    """Analyse each clip as a single-leg trial, print the results, write them into ``out``.

    Raises
    ------
    StridelabError
        A clip without a single-leg stance, too short, unreadable (one line naming it).
    """
    tests = []
    for i, path in enumerate(files):
        kp = single_leg_keypoints(path, capture_fps=capture_fps)
        tests.append(SingleLegStanceTest(leg=leg, eyes=eyes[min(i, len(eyes) - 1)]).detect(kp))
    doc = {"schema": "stridelab.single_leg_video/1", "trials": [t.to_dict() for t in tests]}
    legs = {t.leg_: t for t in tests}
    if set(legs) == {"L", "R"}:
        doc["left_right"] = {k: round(v, 4) if v is not None else None
                             for k, v in compare_legs(legs["L"], legs["R"]).items()}
    out.mkdir(parents=True, exist_ok=True)
    summary = out / "single_leg.json"
    summary.write_text(json.dumps(doc, indent=2), "utf-8")
    findings = single_leg_findings([t.to_trial_result() for t in tests])
    found = out / "findings.json"
    found.write_text(json.dumps(findings_document(findings, summary=str(summary)), indent=2),
                     "utf-8")
    _print(Console(highlight=False), doc)
    return [summary, found]


def _print(console: Console, doc: dict) -> None:
    table = Table(title="Single-leg stance from video", title_justify="left")
    table.add_column("")
    for trial in doc["trials"]:
        table.add_column(escape(trial["file"]), justify="right")
    for key, name in ROWS:
        table.add_row(name, *[escape(str(t.get(key) if t.get(key) is not None else "-"))
                              for t in doc["trials"]])
    console.print(table)
    for trial in doc["trials"]:
        for w in trial["warnings"]:
            shown = w if w.startswith(trial["file"]) else f"{trial['file']}: {w}"
            console.print(f"[yellow]warning:[/] {escape(shown)}")
    if "left_right" in doc:
        si = doc["left_right"].get("hold_time_si_pct")
        console.print(f"left/right: hold time right - left "
                      f"{doc['left_right']['hold_time_diff_s']:+.1f} s"
                      + (f" (symmetry index {si:+.1f} %)" if si is not None else ""))
