"""stridelab.balance: balance tests measured, graded and turned into the program's start.

- force-plate posturography of quiet standing and single-leg stance
  (:func:`~stridelab.balance.session.analyze_balance`, sway measures in
  :mod:`stridelab.balance.sway` after Prieto 1996 and Duarte & Freitas 2010);
- Y-balance test scoring (:class:`~stridelab.balance.ybalance.YBalance`, Plisky 2006);
- findings in the contract of the gait findings (:mod:`stridelab.balance.findings`);
- retests compared with their measurement error (:mod:`stridelab.balance.history`);
- the stabilogram and statokinesigram (:mod:`stridelab.balance.plots`).

>>> import numpy as np
>>> from stridelab.balance.sway import Posturography
>>> t = np.arange(4001) / 100.0                  # 40 s at 100 Hz
>>> ap, ml = 0.005 * np.sin(0.5 * np.pi * t), 0.005 * np.cos(0.5 * np.pi * t)
>>> m = Posturography().measure(ap, ml, 100.0).measures_
>>> round(m["mean_velocity_mm_s"], 2)            # a 5 mm circle at 0.25 turns/s: 2 pi R f
7.85
"""

from importlib import import_module

_EXPORTS = {
    "BalanceSession": "session", "analyze_balance": "session", "Posturography": "sway",
    "BalanceTrial": "trial", "TrialResult": "trial", "YBalance": "ybalance",
    "composite_score": "ybalance",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import the public names on first use: the program imports only the finding keys."""
    if name in _EXPORTS:
        return getattr(import_module(f"stridelab.balance.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'stridelab.balance' has no attribute {name!r}")
