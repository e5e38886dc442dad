"""Phase names drawn on the annotated video, all frames at once, against the one-time rule."""

import numpy as np
import pandas as pd

from stridelab.gait.phases import PHASES
from stridelab.report.video import phase_at, phase_labels


def test_phase_labels_agree_with_phase_at():
    rng = np.random.default_rng(3)
    rows = []
    for side, first in (("L", 0.1), ("R", 0.45)):
        t = first
        for _ in range(6):
            stride = rng.uniform(0.65, 0.75)
            starts = t + np.cumsum([0.0, *rng.uniform(0.05, 0.15, len(PHASES) - 1)])
            row = {"side": side, "ic_s": t, "next_ic_s": t + stride}
            row.update({f"{p}_start_s": s for p, s in zip(PHASES, starts, strict=True)})
            rows.append(row)
            t += stride + (0.3 if side == "R" and len(rows) == 9 else 0.0)  # one gap
    strides = pd.DataFrame(rows)
    strides.loc[2, "midswing_start_s"] = np.nan  # a phase that could not be timed
    times = np.arange(0, 5.5, 1 / 60)
    labels = phase_labels(strides, times)
    expected = [[phase_at(strides, s, float(t)) for s in "LR"] for t in times]
    assert labels.tolist() == expected
    assert "" in labels[:, 1] and "midswing" in labels[:, 0]
