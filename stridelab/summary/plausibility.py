"""Plausibility gates from physiology: measures no runner produces lower their confidence.

Each gate is a row of ``thresholds.csv`` (``plausibility.*``) with its source. A measure that
fails a gate is kept, with a warning saying why and a confidence of
``plausibility.doubtful_confidence``, so that it is never turned into a finding at full
confidence:

- peak knee flexion in stance outside the range of runners (about 39-46 deg in running);
- step times spread more than healthy runners' (a coefficient of variation of a few percent):
  events missed, split or added;
- a cadence from the steps found that disagrees with the feet's rhythm over the whole clip
  (:func:`rhythm_gate`, for inputs whose detector measures that rhythm);
- left and right step times far apart: runners' steps differ by a few percent at most, so a
  larger difference is a detection error (one foot's events early or late, steps missed),
  never a trait of the runner.
"""

from __future__ import annotations

from stridelab.summary.glossary import lower_name
from stridelab.summary.model import Summary
from stridelab.thresholds import threshold

TIMING = ("cadence_spm", "contact_time_ms", "flight_time_ms", "duty_factor", "step_time_ms",
          "swing_time_ms", "stride_time_ms")


def doubt(summary: Summary, keys, reason: str) -> None:
    """Lower the confidence of the metrics in ``keys`` to the doubtful level, with a warning."""
    low = threshold("plausibility.doubtful_confidence")
    touched = False
    for key in keys:
        m = summary.metrics.get(key)
        if m is not None:
            m.confidence = low if m.confidence is None else min(m.confidence, low)
            touched = True
    if touched:
        summary.warnings.append(reason)


def knee_gate(summary: Summary) -> None:
    """Peak knee flexion in stance outside ``plausibility.knee_peak_stance_*``."""
    m = summary.metrics.get("knee_flexion_peak_stance_deg")
    lo = threshold("plausibility.knee_peak_stance_min_deg")
    hi = threshold("plausibility.knee_peak_stance_max_deg")
    if m is None or summary.activity != "running":
        return
    for where, value in (("", m.mean), (" (left)", m.L), (" (right)", m.R)):
        if value is not None and not lo <= value <= hi:
            doubt(summary, ("knee_flexion_peak_stance_deg", "knee_flexion_ic_deg"),
                   f"{lower_name('knee_flexion_peak_stance_deg')}{where} {value:.0f} deg is "
                   f"outside runners' {lo:g}-{hi:g} deg: the knee keypoints are doubtful, "
                   f"{lower_name('knee_flexion_ic_deg')} and "
                   f"{lower_name('knee_flexion_peak_stance_deg')} are shown with a low "
                   "confidence")
            return


def step_time_gate(summary: Summary) -> None:
    """Step times spread more than ``plausibility.step_time_cv_max_pct``."""
    m = summary.metrics.get("step_time_ms")
    limit = threshold("plausibility.step_time_cv_max_pct")
    if m is None or m.cv_pct is None or summary.activity != "running" or m.cv_pct <= limit:
        return
    doubt(summary, TIMING, f"step times vary by {m.cv_pct:.0f} % (healthy runners: a few "
           f"percent, gate {limit:g} %): steps were probably missed or split, the timing "
           "measures are shown with a low confidence")


def side_step_gate(summary: Summary) -> None:
    """Left and right step times apart by more than ``plausibility.side_step_diff_max_pct``."""
    m = summary.metrics.get("step_time_ms")
    limit = threshold("plausibility.side_step_diff_max_pct")
    if m is None or m.L is None or m.R is None or not (m.L + m.R):
        return
    diff = 200.0 * abs(m.L - m.R) / (m.L + m.R)
    if diff <= limit or summary.activity != "running":
        return
    doubt(summary, TIMING, f"left and right steps differ by {diff:.0f} % ({m.L:.0f} and "
           f"{m.R:.0f} ms): runners' steps differ by a few percent at most, so the events of "
           "one foot are found early or late (or steps were missed), not the runner; the "
           "timing measures and their left/right comparison are shown with a low confidence")


def rhythm_gate(summary: Summary, rhythm_spm: float | None) -> None:
    """Cadence from the events against the cadence of the feet's whole-signal rhythm.

    The rhythm (the autocorrelation period of the foot's motion, over the whole clip) does not
    depend on any single event: when the events' cadence differs from it by more than
    ``plausibility.rhythm_diff_max_pct``, steps were missed or split.
    """
    m = summary.metrics.get("cadence_spm")
    limit = threshold("plausibility.rhythm_diff_max_pct")
    if m is None or m.mean is None or not rhythm_spm:
        return
    diff = 100.0 * abs(m.mean - rhythm_spm) / rhythm_spm
    if diff <= limit:
        return
    doubt(summary, TIMING, f"the cadence from the steps found ({m.mean:.0f} steps/min) differs "
           f"by {diff:.0f} % from the feet's rhythm over the whole clip ({rhythm_spm:.0f}): "
           "steps were missed or split; the timing measures are shown with a low confidence")


GATES = (knee_gate, step_time_gate, side_step_gate)
"""The gates, in order."""


def apply_gates(summary: Summary) -> Summary:
    """Run every gate on ``summary`` (in place); returns it."""
    for gate in GATES:
        gate(summary)
    return summary
