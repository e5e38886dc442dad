"""The training-load plot: weekly distance, single-run spikes and the (contested) ACWR.

Weekly distance is drawn with the article's 10 % rule, spikes with the Frandsen 2025 bands.
Drawn with Matplotlib's object API on an Agg canvas: no display and no global backend
change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from stridelab.load.metrics import Spike, acwr
from stridelab.thresholds import threshold


def plot_status(
    weekly: pd.DataFrame,
    spike_list: Sequence[Spike],
    runs: pd.DataFrame,
    path: str | Path,
    today: date,
) -> Path:
    """Write the load-status figure.

    Parameters
    ----------
    weekly
        From :func:`stridelab.load.metrics.weekly_totals`.
    spike_list
        Spikes of the runs to show (:func:`stridelab.load.metrics.spikes`).
    runs
        From :func:`stridelab.load.metrics.runs_frame` (for the daily ACWR line).
    path
        Output image (PNG, SVG or PDF by extension).
    today
        Last day shown.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    fig = Figure(figsize=(10, 9), layout="constrained")
    FigureCanvasAgg(fig)
    ax_week, ax_spike, ax_acwr = fig.subplots(3, 1)
    first_day = weekly.index[0]
    last_day = max(today, weekly.index[-1] + timedelta(days=6)) + timedelta(days=1)

    draw_weekly(ax_week, weekly)

    lows = [threshold(f"load.spike.band{k}_lower") for k in (1, 2, 3)]
    ratios = [threshold(f"load.spike.band{k}_hazard_ratio") for k in (1, 2, 3)]
    shown = [s for s in spike_list if s.spike_pct is not None]
    top = max([lows[2] * 1.5] + [s.spike_pct * 1.1 for s in shown])
    edges = [lows[0], lows[1], lows[2], top]
    for k, colour in enumerate(("#fff3b0", "#ffd59e", "#ffb3b3")):
        ax_spike.axhspan(edges[k], edges[k + 1], color=colour, zorder=0)
        ax_spike.text(pd.Timestamp(first_day), edges[k], f"  HR {ratios[k]:g}", va="bottom",
                      fontsize=8)
    ax_spike.axhline(0, color="grey", lw=0.8)
    if shown:
        ax_spike.scatter([pd.Timestamp(s.start_utc.date()) for s in shown],
                         [s.spike_pct for s in shown], color="k", zorder=3)
    ax_spike.set_ylim(min([-100.0] + [s.spike_pct for s in shown]), top)
    ax_spike.set_ylabel("spike (%)")
    ax_spike.set_title("Each run vs the longest run in the previous 30 days "
                       "(Frandsen 2025: hazard ratios of the bands)", fontsize=9)

    days = pd.date_range(first_day, last_day, freq="D").date
    values = [acwr(runs, d) for d in days]
    ax_acwr.plot([pd.Timestamp(d) for d in days],
                 [v.ratio if v is not None and v.ratio is not None else float("nan")
                  for v in values], color="tab:purple")
    ax_acwr.axhspan(threshold("load.acwr.sweet_spot_low"), threshold("load.acwr.sweet_spot_high"),
                    color="#d9f2d9", zorder=0, label="Gabbett 'sweet spot'")
    ax_acwr.axhline(threshold("load.acwr.danger"), color="tab:red", ls="--",
                    label="Gabbett 'danger' >= 1.5")
    ax_acwr.set_ylabel("ACWR (distance)")
    ax_acwr.set_title("Acute:chronic workload ratio: CONTESTED (coupling, Lolli 2019; "
                      "Impellizzeri 2021; no dose-response in Frandsen 2025)", fontsize=9)
    ax_acwr.legend(fontsize=8, loc="upper left")
    for ax in (ax_spike, ax_acwr):
        ax.set_xlim(pd.Timestamp(first_day), pd.Timestamp(last_day))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    return out


def draw_weekly(ax, weekly: pd.DataFrame) -> None:
    """Weekly distance bars on ``ax``, with the article's 10 % line.

    The axis starts at 0 km (at least 1 km tall); a week without runs draws no bar and no
    10 % line, and says "no runs". Weeks are labelled ``YYYY-MM-DD`` (their Monday), the
    dates of the other panels.
    """
    labels = [f"{w:%Y-%m-%d}" for w in weekly.index]
    x = np.arange(len(labels))
    distance = weekly["distance_km"].astype(float).fillna(0.0).to_numpy()
    colours = ["tab:red" if broken else "tab:blue" for broken in weekly["ten_pct_broken"]]
    ax.bar(x, distance, color=colours)  # an empty week: a bar of height 0, not drawn
    limit = threshold("load.weekly.ten_percent_rule")
    previous = np.concatenate([[np.nan], distance[:-1]])
    ceiling = np.where(previous > 0, previous * (1 + limit / 100.0), np.nan)
    if np.isfinite(ceiling).any():
        ax.plot(x, ceiling, "k_", markersize=28, mew=2,
                label=f"previous week + {limit:g} % (article's rule)")
        ax.legend(fontsize=8, loc="upper left")
    top = max(1.0, float(np.nanmax([*distance, *ceiling, 0.0])) * 1.15)
    ax.set_ylim(0, top)
    ax.set_xticks(x, labels)
    for position in x[distance <= 0]:
        ax.text(position, top * 0.02, "no runs", ha="center", va="bottom", fontsize=8,
                color="grey")
    ax.set_ylabel("distance (km)")
    ax.set_title(f"Weekly running distance (week starting); red: > {limit:g} % over the "
                 "week before. Buist 2008: a 10 %-rule program did not lower injuries",
                 fontsize=9)
