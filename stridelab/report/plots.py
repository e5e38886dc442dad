"""The report's figures as inline SVG (Matplotlib's object API; no display, no global state).

Text stays text (``svg.fonttype: none``) so the page is searchable and small; ids are salted
per figure so several SVGs can live in one HTML page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from stridelab.report.curves import SIDED_ANGLES, stride_curve
from stridelab.report.values import fmt, label, metric_si, unit_of
from stridelab.svg import RC, figure_svg
from stridelab.thresholds import threshold
from stridelab.units import MINUS, finite, format_fixed

P = ParamSpec("P")
R = TypeVar("R")

PHASES = ("initial_contact", "midstance", "takeoff", "initial_swing", "midswing",
          "terminal_swing")
PHASE_COLOURS = ("#a50f15", "#de2d26", "#fc9272", "#c6dbef", "#6baed6", "#2171b5")
SIDE_COLOURS = {"L": "#1f5fa8", "R": "#d95f02"}
SIDE_NAMES = {"L": "Left", "R": "Right"}
def _figure(width: float, height: float, margins: dict[str, float] | None = None) -> Figure:
    """A figure laid out by Matplotlib's constrained layout, or with fixed ``margins``.

    Fixed ``margins`` (``subplots_adjust`` keywords) suit figures whose texts always take the
    same room, and halve the drawing time.
    """
    if margins is None:
        return Figure(figsize=(width, height), layout="constrained")
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(**margins)
    return fig


ANGLE_MARGINS = {"left": 0.17, "right": 0.97, "top": 0.84, "bottom": 0.24}
"""Fixed layout of the joint-angle figures (4.8 x 3.6 in: title and stance/swing labels above,
tick labels up to four characters left, legend below)."""


def _styled(func: Callable[P, R]) -> Callable[P, R]:
    """Run a figure builder under the report's Matplotlib style (axes take it at creation)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with mpl.rc_context(RC):
            return func(*args, **kwargs)

    return wrapper


@_styled
def warm_up() -> None:
    """Draw and save a small throw-away figure: loads the fonts and text layout caches.

    The first figure of a process costs about 0.3 s more than the next; ``stridelab analyze``
    calls this in a thread while the pose processes run, so the report does not wait for it.
    Not thread-safe with other drawing: finish it before the report starts.
    """
    fig = _figure(2.0, 1.5)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="left")
    ax.fill_between([0, 1], [0, 0], [1, 1], alpha=0.2)
    ax.set_title("warm-up")
    ax.set_xlabel("% of stride")
    fig.legend(loc="outside lower center", fontsize=9, frameon=False)
    figure_svg(fig, "warm-up", "warm-up")


def phase_means(summary: dict, strides: pd.DataFrame,
                complete: bool = True) -> dict[str, dict[str, float]]:
    """Per side, each phase's and flight's mean share of the stride (%).

    From ``summary["phases"]`` (its ``L``/``R`` means) when present, else from ``strides.csv``.
    ``complete``: only sides with all six phases (else every side with any).
    """
    out: dict[str, dict[str, float]] = {"L": {}, "R": {}}
    phases = summary.get("phases") or {}
    for name in (*PHASES, "flight"):
        col = f"{name}_pct"
        for side in out:
            value = (phases.get(col) or {}).get(side)
            if not finite(value) and col in strides.columns:
                value = strides.loc[strides["side"] == side, col].mean()
            if finite(value):
                out[side][name] = float(value)
    if not complete:
        return {side: v for side, v in out.items() if v}
    return {side: v for side, v in out.items() if all(p in v for p in PHASES)}


@_styled
def phase_bars_svg(summary: dict, strides: pd.DataFrame) -> str | None:
    """Stacked horizontal bars of the six phases per side, with flight drawn beneath."""
    means = phase_means(summary, strides)
    if not means:
        return None
    sides = [s for s in ("L", "R") if s in means]
    fig = _figure(6.8, 1.3 + 1.0 * len(sides))
    ax = fig.add_subplot()
    for row, side in enumerate(reversed(sides)):
        y, left = row * 1.0, 0.0
        for name, colour in zip(PHASES, PHASE_COLOURS, strict=True):
            width = means[side][name]
            ax.barh(y, width, left=left, height=0.5, color=colour, edgecolor="white")
            if width >= 4.5:
                dark = colour in PHASE_COLOURS[:2] or colour == PHASE_COLOURS[5]
                ax.text(left + width / 2, y, f"{width:.0f}%", ha="center", va="center",
                        fontsize=9.5, color="white" if dark else "#222222")
            left += width
        flight = means[side].get("flight")
        if finite(flight) and flight > 0:
            stance = sum(means[side][p] for p in PHASES[:3])
            ax.barh(y - 0.37, flight, left=stance, height=0.16, color="#eeeeee",
                    edgecolor="#555555", hatch="////", linewidth=0.6)
            ax.text(stance + flight + 1, y - 0.37, f"flight {flight:.0f}%", va="center",
                    fontsize=9, color="#333333")
    ax.set_yticks(np.arange(len(sides)), [SIDE_NAMES[s] for s in reversed(sides)])
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(sides) - 0.5)
    ax.set_xlabel("% of stride (from initial contact to the next of the same foot)")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    handles = [Patch(color=c, label=label(f"{p}_pct")) for p, c in zip(PHASES, PHASE_COLOURS,
                                                                        strict=True)]
    handles.append(Patch(facecolor="#eeeeee", edgecolor="#555555", hatch="////",
                         label="Flight (no foot down)"))
    # legends fill column by column: stance phases, swing phases, flight
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    return figure_svg(fig, "phases", "Phases of the stride, left and right")


@_styled
def angle_curve_svgs(angles: pd.DataFrame | None, strides: pd.DataFrame) -> list[str]:
    """One SVG per joint angle: mean +/- SD over the normalised stride per side.

    Stance (IC to toe-off, mean of both sides) is shaded; each side's toe-off is a dashed line.
    """
    out: list[str] = []
    if angles is None:
        return out
    for name, title in SIDED_ANGLES.items():
        curves = {side: stride_curve(angles, strides, f"{side}_{name}", side)
                  for side in ("L", "R")}
        curves = {side: c for side, c in curves.items() if c is not None}
        if not curves:
            continue
        fig = _figure(4.8, 3.6, ANGLE_MARGINS)
        ax = fig.add_subplot()
        stances = [c.stance_pct for c in curves.values() if finite(c.stance_pct)]
        if stances:
            stance = float(np.mean(stances))
            ax.axvspan(0, stance, color="#f2e6d9", zorder=0)
            for x, text, colour in ((stance / 2, "stance", "#6b4f2a"),
                                    ((stance + 100) / 2, "swing", "#2a4a6b")):
                ax.text(x, 1.01, text, transform=ax.get_xaxis_transform(), ha="center",
                        va="bottom", fontsize=9, color=colour)
        for side, c in curves.items():
            colour = SIDE_COLOURS[side]
            ax.fill_between(c.pct, c.mean - c.sd, c.mean + c.sd, color=colour, alpha=0.18,
                            linewidth=0)
            ax.plot(c.pct, c.mean, color=colour, linewidth=2,
                    label=f"{SIDE_NAMES[side]} (n = {c.n_strides})")
            if finite(c.stance_pct):
                ax.axvline(c.stance_pct, color=colour, linestyle="--", linewidth=1)
        ax.set_xlim(0, 100)
        ax.margins(y=0.08)
        ax.set_title(title, pad=16)
        ax.set_xlabel("% of stride")
        ax.set_ylabel("degrees")
        fig.legend(loc="lower center", ncol=2, fontsize=9, frameon=False)
        out.append(figure_svg(fig, f"angle-{name}",
                              f"{title} over the stride, mean and SD per side"))
    return out


@_styled
def symmetry_svg(summary: dict) -> str | None:
    """Left/right comparison: the symmetry index of every metric with both sides positive."""
    rows = []
    for key, metric in (summary.get("metrics") or {}).items():
        si = metric_si(summary, key)
        if si is not None and isinstance(metric, dict):
            unit = unit_of(key, metric)
            shown = "" if unit == "ratio" else unit
            rows.append((label(key), si, f"L {fmt(metric.get('L'), unit)} / "
                         f"R {fmt(metric.get('R'), unit)} {shown}".strip()))
    if not rows:
        return None
    band = threshold("report.symmetry.reference_band_pct")
    # the axis spans at most 3 bands so that small asymmetries stay visible; larger ones are
    # drawn to the edge and labelled inside the bar
    reach = min(max(1.6 * band, 1.25 * max(abs(r[1]) for r in rows)), 3 * band)
    fig = _figure(6.8, 1.2 + 0.45 * len(rows))
    ax = fig.add_subplot()
    ax.axvspan(-band, band, color="#eeeeee", zorder=0)
    ax.axvline(0, color="#555555", linewidth=0.8)
    y = np.arange(len(rows))[::-1]
    for yi, (_name, si, _text) in zip(y, rows, strict=True):
        sign, clipped = (1 if si >= 0 else -1), abs(si) > reach
        ax.barh(yi, sign * min(abs(si), reach), height=0.55,
                color=SIDE_COLOURS["R" if si >= 0 else "L"])
        value = format_fixed(si, 1, signed=True, minus=MINUS) + "%"
        if clipped:
            ax.text(sign * reach * 0.98, yi, value + (" \u25b8" if sign > 0 else ""),
                    ha="right" if sign > 0 else "left", va="center", fontsize=9,
                    color="white", fontweight="bold")
        else:
            ax.text(si + sign * 0.02 * reach, yi, value, ha="left" if sign > 0 else "right",
                    va="center", fontsize=9, color="#333333")
    ax.set_yticks(y, [f"{name}\n{text}" for name, _si, text in rows], fontsize=9.5)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(f"symmetry index, %   (\u2190 left larger | right larger \u2192; grey: "
                  f"\u00b1{band:g} %)")
    return figure_svg(fig, "symmetry", "Left/right symmetry index per metric")
