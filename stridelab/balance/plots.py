"""The balance figures as inline SVG: stabilogram and statokinesigram with the ellipse.

The stabilogram is the centre of pressure against time (AP and ML); the statokinesigram is
its path in the plane (ML across, AP up) with the 95 % prediction ellipse (Schubert &
Kirchner 2014). Built like ``stridelab/report/plots.py``: Matplotlib's object API, text kept
as text, ids salted per figure so several SVGs can share one HTML page.

:func:`figures_from_folder` gives the report one figure per condition from a folder written
by ``stridelab balance --out`` (``balance.json`` and ``cop_traces.csv``).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from stridelab.balance.sway import Ellipse
from stridelab.balance.trial import TrialResult
from stridelab.svg import RC, figure_svg

AP_COLOUR, ML_COLOUR, ELLIPSE_COLOUR = "#1f5fa8", "#d95f02", "#a50f15"
def balance_svg(time_s: np.ndarray, ap_mm: np.ndarray, ml_mm: np.ndarray | None,
                ellipse: Ellipse | None, title: str) -> str:
    """Stabilogram (left) and statokinesigram with the prediction ellipse (right).

    Parameters
    ----------
    time_s
        Sample times, s.
    ap_mm, ml_mm
        Processed centre of pressure (mean removed), mm; ``ml_mm`` may be ``None`` (then no
        statokinesigram).
    ellipse
        The prediction ellipse (mm), or ``None``.
    title
        Figure title (the condition).
    """
    with mpl.rc_context(RC):
        fig = Figure(figsize=(9.0, 3.6), layout="constrained")
        axes = fig.subplots(1, 2 if ml_mm is not None else 1, squeeze=False,
                            gridspec_kw={"width_ratios": [1.6, 1]} if ml_mm is not None
                            else None)[0]
        ax = axes[0]
        ax.plot(time_s, ap_mm, color=AP_COLOUR, lw=0.8, label="anterior-posterior")
        if ml_mm is not None:
            ax.plot(time_s, ml_mm, color=ML_COLOUR, lw=0.8, label="medio-lateral")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("centre of pressure (mm)")
        ax.set_title("Stabilogram")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False,
                  fontsize=9)
        if ml_mm is not None:
            ax = axes[1]
            ax.plot(ml_mm, ap_mm, color="#555555", lw=0.5)
            if ellipse is not None:
                x, y = ellipse.outline()
                ax.plot(x, y, color=ELLIPSE_COLOUR, lw=1.5,
                        label=f"{100 * ellipse.probability:g} % prediction ellipse, "
                              f"{ellipse.area:.0f} mm²")
                ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False,
                          fontsize=9)
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xlabel("medio-lateral (mm)")
            ax.set_ylabel("anterior-posterior (mm)")
            ax.set_title("Statokinesigram")
        fig.suptitle(title, fontsize=12, fontweight="bold")
        return figure_svg(fig, "balance-" + re.sub(r"\W+", "-", title), f"Balance: {title}")


def trial_svg(trial: TrialResult) -> str:
    """The figure of one measured trial (:class:`TrialResult` with its signals)."""
    if trial.ap_mm is None or trial.time_s is None:
        raise ValueError(f"{trial.file}: no sway signals to plot")
    return balance_svg(trial.time_s, trial.ap_mm, trial.ml_mm, trial.ellipse,
                       f"{trial.condition} ({trial.file})")


def figures_from_folder(folder: str | Path) -> list[tuple[str, str]]:
    """One ``(condition, svg)`` per condition of a ``stridelab balance --out`` folder.

    Reads ``balance.json`` (conditions, ellipses) and ``cop_traces.csv`` (signals); the
    first trial of each condition is drawn. Empty when the folder holds no balance session.

    Parameters
    ----------
    folder
        The results folder.
    """
    folder = Path(folder)
    doc_path, traces_path = folder / "balance.json", folder / "cop_traces.csv"
    if not doc_path.is_file() or not traces_path.is_file():
        return []
    doc = json.loads(doc_path.read_text("utf-8"))
    series: dict[int, dict[str, list]] = {}
    with traces_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            s = series.setdefault(int(row["trial"]), {"t": [], "ap": [], "ml": []})
            s["t"].append(float(row["time_s"]))
            s["ap"].append(float(row["ap_mm"]))
            s["ml"].append(float(row["ml_mm"]) if row["ml_mm"] else np.nan)
    out, seen = [], set()
    for i, trial in enumerate(doc.get("trials", [])):
        condition = _condition(trial)
        if i not in series or condition in seen:
            continue
        seen.add(condition)
        s = series[i]
        ml = np.array(s["ml"])
        e = trial.get("ellipse")
        ellipse = None if not e else Ellipse(e["area_mm2"], tuple(e["semi_axes_mm"]),
                                             e["angle_deg"], tuple(e["centre_mm"]),
                                             e.get("probability", 0.95))
        out.append((condition, balance_svg(np.array(s["t"]), np.array(s["ap"]),
                                           None if np.isnan(ml).all() else ml, ellipse,
                                           f"{condition} ({trial['file']})")))
    return out


def _condition(trial: dict) -> str:
    stance = trial["stance"] if trial.get("leg") is None else f"{trial['stance']} {trial['leg']}"
    return f"{stance}, eyes {trial['eyes']}"
