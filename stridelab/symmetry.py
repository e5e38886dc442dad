"""Left/right symmetry indices in the two forms runners meet.

- Robinson et al. 1987 (J Manipulative Physiol Ther 10:172), used throughout stridelab:
  ``SI = (R - L) / (0.5 (R + L)) x 100``.
- The form many watch and sensor vendors show: ``(R - L) / max(R, L) x 100``.

Both are 0 for perfect symmetry and positive when the right value is larger. The
"> 10 % matters" convention applied to either has no prospective validation (science.md §2).
"""

from __future__ import annotations

import math


def robinson_si(left: float | None, right: float | None) -> float | None:
    """Robinson 1987 symmetry index in percent; ``None`` when a side is missing or both are 0.

    Parameters
    ----------
    left, right
        Mean values of the left and right side (same unit).
    """
    if left is None or right is None or not math.isfinite(left + right) or (left + right) == 0:
        return None
    return 100.0 * (right - left) / (0.5 * (right + left))


def vendor_si(left: float | None, right: float | None) -> float | None:
    """Vendor symmetry index ``(R - L) / max(R, L) x 100``; ``None`` when not computable.

    Parameters
    ----------
    left, right
        Mean values of the left and right side (same unit, positive).
    """
    if left is None or right is None or max(left, right) <= 0:
        return None
    return 100.0 * (right - left) / max(left, right)


def vendor_from_robinson(si_pct: float) -> float:
    """Convert a Robinson symmetry index into the vendor form without the side values.

    With ``L + R = 2`` (the index does not depend on scale), ``R - L = s`` for
    ``s = SI / 100``, so ``max(R, L) = 1 + |s| / 2`` and the vendor index is
    ``s / (1 + |s| / 2) x 100``.

    Parameters
    ----------
    si_pct
        Robinson symmetry index in percent (between -200 and 200).
    """
    s = si_pct / 100.0
    if not math.isfinite(s) or abs(s) > 2:
        raise ValueError(f"a Robinson symmetry index lies within +/-200 %, got {si_pct}")
    return 100.0 * s / (1.0 + abs(s) / 2.0)
