"""Terminal tables (Rich) for the command line."""

from __future__ import annotations

from rich.table import Table

from stridelab.report.values import label, metric_si, unit_of
from stridelab.units import format_fixed

_ROWS = (
    ("cadence_spm", 1), ("contact_time_ms", 0), ("flight_time_ms", 0), ("swing_time_ms", 0),
    ("step_time_ms", 0), ("duty_factor", 3), ("trunk_lean_deg", 1),
    ("trunk_lean_midstance_deg", 1), ("foot_inclination_ic_deg", 1), ("shank_angle_ic_deg", 1),
    ("overstride_cm", 1), ("knee_flexion_ic_deg", 1), ("knee_flexion_peak_stance_deg", 1),
    ("vertical_oscillation_cm", 1), ("pelvic_drop_deg", 1), ("step_width_cm", 1),
    ("crossover_pct", 0), ("knee_frontal_angle_deg", 1),
)
"""The metrics of the table, in order, with the decimals shown."""


_SHORT_UNITS = {"% of contacts": "%", "ratio of leg length": "leg lengths", "ratio": ""}
"""Units written shorter in the table, so that every row fits 80 columns."""


def _row_name(key: str, metric: dict) -> str:
    """The glossary name with its unit, short (none for a plain ratio)."""
    unit = unit_of(key, metric)
    unit = _SHORT_UNITS.get(unit, unit)
    return f"{label(key)} ({unit})" if unit else label(key)


def summary_table(summary: dict) -> Table:
    """The short table printed after an analysis: mean, SD, left, right, symmetry index.

    Names come from the glossary and the symmetry index from
    :func:`stridelab.report.values.metric_si`, as in the report. The foot-strike pattern, with
    the method that gave it, and a session's clips are lines under the table, so that every
    row fits 80 columns.
    """
    n = summary.get("n_contacts", {})
    title = (f"{summary.get('activity', '?')} - events from {summary.get('source', '?')} - "
             f"{n.get('L', 0)} left / {n.get('R', 0)} right contacts")
    table = Table(title=title, title_justify="left")
    for col in ("metric", "mean", "SD", "left", "right", "SI %"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for key, digits in _ROWS:
        m = summary["metrics"].get(key)
        if not m:
            continue
        cells = [format_fixed(m.get(k), digits, missing="-") for k in ("mean", "sd", "L", "R")]
        table.add_row(_row_name(key, m), *cells,
                      format_fixed(metric_si(summary, key), 1, missing="-", plain_zero=True))
    notes = [_strike_note(summary.get("foot_strike") or {}), _session_note(summary)]
    if any(notes):
        table.caption = "\n".join(n for n in notes if n)
        table.caption_justify = "left"
    return table


def _strike_note(strike: dict) -> str:
    """``Foot-strike pattern: midfoot (left midfoot, right midfoot; strike index ...)``."""
    if not strike.get("overall"):
        return ""
    sides = ", ".join(f"{w} {strike[s]}" for s, w in (("L", "left"), ("R", "right"))
                      if strike.get(s))
    how = "; ".join(p for p in (sides, strike.get("method")) if p)
    return f"{label('foot_strike')}: {strike['overall']}" + (f" ({how})" if how else "")


def _session_note(summary: dict) -> str:
    """Which clip of a session each leg's values came from."""
    clips = (summary.get("session") or {}).get("clips") or []
    if not clips:
        return ""
    return ("Session: " + "; ".join(f"{c['role']} {c['name']}" for c in clips)
            + " (each leg from the clip where it was near the camera; summary.json's "
            "session.sources names the clip of every value)")
