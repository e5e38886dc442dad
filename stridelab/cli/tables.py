"""Terminal tables (Rich) for the command line."""

from __future__ import annotations

from rich.table import Table

from stridelab.units import format_fixed

_ROWS = [
    ("cadence_spm", "Cadence", "steps/min", 1),
    ("contact_time_ms", "Contact time", "ms", 0),
    ("flight_time_ms", "Flight time", "ms", 0),
    ("swing_time_ms", "Swing time", "ms", 0),
    ("step_time_ms", "Step time", "ms", 0),
    ("duty_factor", "Duty factor", "", 3),
    ("trunk_lean_deg", "Trunk lean", "deg", 1),
    ("trunk_lean_midstance_deg", "Trunk lean, mid-stance", "deg", 1),
    ("foot_inclination_ic_deg", "Foot angle at contact", "deg", 1),
    ("shank_angle_ic_deg", "Shank angle at contact", "deg", 1),
    ("overstride_cm", "Heel ahead of hip at contact", "cm", 1),
    ("knee_flexion_ic_deg", "Knee flexion at contact", "deg", 1),
    ("knee_flexion_peak_stance_deg", "Knee flexion, peak stance", "deg", 1),
    ("vertical_oscillation_cm", "Vertical oscillation", "cm", 1),
    ("pelvic_drop_deg", "Pelvic drop, peak stance", "deg", 1),
    ("step_width_cm", "Step width", "cm", 1),
    ("crossover_pct", "Cross-over contacts", "%", 0),
    ("knee_frontal_angle_deg", "Knee frontal angle, peak", "deg", 1),
]


def summary_table(summary: dict) -> Table:
    """The short table printed after an analysis: mean, SD, left, right, symmetry index."""
    n = summary.get("n_contacts", {})
    title = (f"{summary.get('activity', '?')} - events from {summary.get('source', '?')} - "
             f"{n.get('L', 0)} left / {n.get('R', 0)} right contacts")
    table = Table(title=title, title_justify="left")
    for col in ("metric", "mean", "SD", "left", "right", "SI %"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    si = summary.get("symmetry_index_pct", {})
    for key, label, unit, digits in _ROWS:
        m = summary["metrics"].get(key)
        if not m:
            continue
        name = f"{label} ({unit})" if unit else label
        cells = [format_fixed(m[k], digits, missing="-") for k in ("mean", "sd", "L", "R")]
        table.add_row(name, *cells, format_fixed(si.get(key), 1, missing="-"))
    strike = summary.get("foot_strike") or {}
    if strike.get("overall"):
        table.add_row("Foot strike", strike["overall"], "", str(strike.get("L") or "-"),
                      str(strike.get("R") or "-"), "")
    clips = (summary.get("session") or {}).get("clips") or []
    if clips:
        table.caption = "Session: " + "; ".join(f"{c['role']} {c['name']}" for c in clips) + (
            " (each leg from the clip where it was near the camera; summary.json's "
            "session.sources names the clip of every value)")
        table.caption_justify = "left"
    return table
