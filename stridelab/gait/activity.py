"""Running or walking, from the gait itself.

Running has a flight phase and a duty factor below 0.5; walking has double support and a duty
factor above 0.5 (science.md §2). The class is decided by the median duty factor and the share
of steps with flight; a cadence below any runner's is flagged as implausible timing (e.g. a
slow-motion clip or a person standing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stridelab.thresholds import threshold


def classify_activity(strides: pd.DataFrame) -> tuple[str, list[str]]:
    """Return ``("running" | "walking" | "unknown", warnings)`` for a per-stride table."""
    warnings: list[str] = []
    df = strides.duty_factor.dropna()
    if len(df) < 2:
        return "unknown", ["fewer than two complete strides: cannot tell running from walking"]
    flight_share = float(np.mean(strides.flight_time_ms.dropna() > 0))
    running = df.median() < threshold("gait.activity.duty_factor_running_max")
    if running and flight_share < 0.5:
        warnings.append(f"duty factor says running but only {100 * flight_share:.0f} % of steps "
                        "have a flight phase")
    cadence = 60000.0 / strides.step_time_ms.dropna()
    if len(cadence) and cadence.median() < threshold("gait.activity.cadence_min_spm"):
        warnings.append(f"cadence {cadence.median():.0f} steps/min is below any runner's: "
                        "check the frame rate (slow motion?) or whether the person is running")
    if not running:
        warnings.append(f"this is walking, not running (median duty factor {df.median():.2f}, "
                        f"{100 * flight_share:.0f} % of steps with a flight phase): the gait "
                        "measures are a walker's, and the running bands and findings do not "
                        "apply")
    return ("running" if running else "walking"), warnings
