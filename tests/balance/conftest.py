"""Fixtures of the balance tests (helpers in ``balance_signals.py``)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def quiet_stance():
    """A 30-s two-feet stance: slow sway (0.2 and 0.3 Hz), 700 N, 100 Hz."""
    fs = 100.0
    t = np.arange(3000) / fs
    ap = 0.004 * np.sin(2 * np.pi * 0.2 * t) + 0.05
    ml = 0.002 * np.cos(2 * np.pi * 0.3 * t)
    return ap, ml, np.full_like(t, 700.0), fs
