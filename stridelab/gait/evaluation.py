"""Compare detected contact events with reference events (e.g. force plate).

Each reference contact is matched to the detected contact of the same side whose initial
contact is nearest, within ``tolerance_s``; unmatched references are *missed*, unmatched
detections *extra*. Errors are detected minus reference, in milliseconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def match_events(detected: pd.DataFrame, reference: pd.DataFrame,
                 tolerance_s: float = 0.1) -> pd.DataFrame:
    """Pair detected and reference contacts.

    Returns
    -------
    pandas.DataFrame
        One row per reference contact: ``side``, ``ref_ic_s``, ``ref_to_s``, ``ic_s``, ``to_s``
        (NaN when missed).
    """
    rows = []
    used: set[int] = set()
    for ref in reference.itertuples():
        cand = detected[(detected.side == ref.side) & ~detected.index.isin(used)]
        best = None
        if len(cand):
            k = (cand.ic_s - ref.ic_s).abs().idxmin()
            if abs(cand.ic_s[k] - ref.ic_s) <= tolerance_s:
                best = k
                used.add(k)
        rows.append({"side": ref.side, "ref_ic_s": ref.ic_s, "ref_to_s": ref.to_s,
                     "ic_s": detected.ic_s[best] if best is not None else np.nan,
                     "to_s": detected.to_s[best] if best is not None else np.nan})
    pairs = pd.DataFrame(rows)
    pairs.attrs["extra"] = {s: int(((detected.side == s) & ~detected.index.isin(used)).sum())
                            for s in "LR"}
    return pairs


def event_errors(detected: pd.DataFrame, reference: pd.DataFrame,
                 tolerance_s: float = 0.1) -> pd.DataFrame:
    """Per-side error figures of detected against reference events.

    Returns
    -------
    pandas.DataFrame
        Indexed by side: IC and TO mean error and MAE, contact-time bias and SD (ms), and the
        number of contacts matched, missed and extra.
    """
    pairs = match_events(detected, reference, tolerance_s)
    out = []
    for side in "LR":
        p = pairs[pairs.side == side]
        m = p.dropna()
        ic = 1000 * (m.ic_s - m.ref_ic_s)
        to = 1000 * (m.to_s - m.ref_to_s)
        ct = to - ic
        out.append({
            "side": side, "matched": len(m), "missed": len(p) - len(m),
            "extra": pairs.attrs["extra"][side],
            "ic_mean_ms": ic.mean(), "ic_mae_ms": ic.abs().mean(),
            "to_mean_ms": to.mean(), "to_mae_ms": to.abs().mean(),
            "contact_bias_ms": ct.mean(), "contact_sd_ms": ct.std(ddof=1),
        })
    return pd.DataFrame(out).set_index("side")
