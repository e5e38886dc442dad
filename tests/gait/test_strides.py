"""The per-stride table: a stride never spans a missed contact of its own foot."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.gait.strides import build_strides


def test_a_stride_spanning_two_steps_of_the_other_foot_is_left_out():
    # R at 0 s, its next contact at 1.05 s: the R contact near 0.7 s was missed
    contacts = pd.DataFrame({"side": ["R", "L", "L", "R", "L"],
                             "ic_s": [0.0, 0.35, 0.70, 1.05, 1.40],
                             "to_s": [0.25, 0.60, 0.95, 1.30, 1.65]})
    table = build_strides(contacts)
    first = table.iloc[0]
    assert np.isnan(first.stride_time_ms) and np.isnan(first.duty_factor)
    assert table.iloc[2].stride_time_ms == 700.0  # L 0.70 -> 1.40 with R 1.05 between


def test_regular_strides_are_kept():
    ic = np.arange(10) * 0.35
    contacts = pd.DataFrame({"side": ["R", "L"] * 5, "ic_s": ic, "to_s": ic + 0.24})
    table = build_strides(contacts)
    assert np.allclose(table.stride_time_ms.dropna(), 700.0)
    assert table.stride_time_ms.notna().sum() == 8
