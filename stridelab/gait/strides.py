"""The per-stride table: one row per stance, in time order, built from contact events.

Definitions (times from the events of both feet):

- contact (stance) time = TO - IC of the same foot;
- step time = next IC of the other foot - IC;
- flight time = next IC of the other foot - TO (running: positive; a negative value means
  double support, as in walking, and is reported as 0 flight);
- stride time = next IC of the same foot - IC; swing time = next IC of the same foot - TO;
- duty factor = contact time / stride time (science.md §2).

A value that needs an event that was not found (a missed contact, the end of the trial) is
NaN, never guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STRIDE_COLUMNS = [
    "side", "ic_s", "to_s", "next_ic_s", "contralateral_ic_s", "contact_time_ms",
    "flight_time_ms", "swing_time_ms", "step_time_ms", "stride_time_ms", "duty_factor",
    "double_support_ms",
]


def build_strides(contacts: pd.DataFrame, max_stride_s: float = 2.5) -> pd.DataFrame:
    """Turn contacts (``side``, ``ic_s``, ``to_s``) into the per-stride table.

    Parameters
    ----------
    contacts
        One row per contact, any order.
    max_stride_s
        A next contact further away than this is treated as missing (a gap in the data).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STRIDE_COLUMNS`, one row per stance in time order.
    """
    c = contacts.sort_values("ic_s", ignore_index=True)
    rows = []
    for i, row in c.iterrows():
        later = c.iloc[i + 1:]
        same = later[later.side == row.side]
        other = later[later.side != row.side]
        next_ic = same.ic_s.iloc[0] if len(same) else np.nan
        if next_ic - row.ic_s > max_stride_s:
            next_ic = np.nan
        if np.isfinite(next_ic) and ((other.ic_s > row.ic_s) & (other.ic_s < next_ic)).sum() > 1:
            next_ic = np.nan  # two steps of the other foot inside: this foot's contact missed
        contra = other.ic_s.iloc[0] if len(other) else np.nan
        # the other foot's contact must fall inside this stride, else it was missed
        if not (contra < (next_ic if np.isfinite(next_ic) else row.ic_s + max_stride_s / 2)):
            contra = np.nan
        contact = row.to_s - row.ic_s
        stride = next_ic - row.ic_s
        gap = contra - row.to_s
        rows.append({
            "side": row.side,
            "ic_s": row.ic_s,
            "to_s": row.to_s,
            "next_ic_s": next_ic,
            "contralateral_ic_s": contra,
            "contact_time_ms": 1000 * contact,
            "flight_time_ms": 1000 * max(gap, 0.0) if np.isfinite(gap) else np.nan,
            "swing_time_ms": 1000 * (next_ic - row.to_s),
            "step_time_ms": 1000 * (contra - row.ic_s),
            "stride_time_ms": 1000 * stride,
            "duty_factor": contact / stride if np.isfinite(stride) else np.nan,
            "double_support_ms": 1000 * max(-gap, 0.0) if np.isfinite(gap) else np.nan,
        })
    return pd.DataFrame(rows, columns=STRIDE_COLUMNS)


def alternation_errors(contacts: pd.DataFrame) -> int:
    """Number of consecutive contacts by the same foot (each one a missed or extra event)."""
    sides = contacts.sort_values("ic_s").side.to_numpy()
    return int((sides[1:] == sides[:-1]).sum())
