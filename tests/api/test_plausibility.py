"""Plausibility gates: measures no runner produces get a low confidence and a warning."""

import pytest

from stridelab.summary import MetricStats, Summary
from stridelab.summary.plausibility import apply_gates, rhythm_gate
from stridelab.thresholds import threshold

LOW = threshold("plausibility.doubtful_confidence")


def _summary(**metrics):
    return Summary(kind="video", view="side", metrics={
        k: MetricStats(**v) for k, v in metrics.items()})


def test_plausible_running_is_left_alone():
    s = _summary(knee_flexion_peak_stance_deg={"mean": 42, "L": 41, "R": 43, "unit": "deg"},
                 step_time_ms={"mean": 350, "cv_pct": 3, "L": 348, "R": 352, "unit": "ms"},
                 cadence_spm={"mean": 171, "unit": "steps/min"})
    apply_gates(s)
    rhythm_gate(s, 170.0)
    assert s.warnings == []
    assert all(m.confidence is None for m in s.metrics.values())


def test_a_stiff_knee_no_runner_has_is_doubted_not_found():
    s = _summary(knee_flexion_peak_stance_deg={"mean": 38, "L": 24, "R": 52, "unit": "deg"},
                 knee_flexion_ic_deg={"mean": 20, "unit": "deg"})
    apply_gates(s)
    assert s.metrics["knee_flexion_peak_stance_deg"].confidence == LOW
    assert s.metrics["knee_flexion_ic_deg"].confidence == LOW
    assert "(left) 24 deg" in s.warnings[0]


@pytest.mark.parametrize("step", [
    {"mean": 350, "cv_pct": 15, "unit": "ms"},  # steps spread like no runner's
    {"mean": 350, "cv_pct": 3, "L": 330, "R": 380, "unit": "ms"},  # one foot's events shifted
])
def test_doubtful_events_lower_every_timing_measure(step):
    s = _summary(step_time_ms=step, contact_time_ms={"mean": 250, "unit": "ms"})
    apply_gates(s)
    assert s.metrics["contact_time_ms"].confidence == LOW
    assert s.metrics["step_time_ms"].confidence == LOW
    assert len(s.warnings) == 1


def test_cadence_that_disagrees_with_the_feet_rhythm():
    s = _summary(cadence_spm={"mean": 150, "unit": "steps/min"})
    rhythm_gate(s, 170.0)
    assert s.metrics["cadence_spm"].confidence == LOW and "rhythm" in s.warnings[0]


def test_walking_is_not_judged_by_running_ranges():
    s = _summary(knee_flexion_peak_stance_deg={"mean": 15, "unit": "deg"})
    s.activity = "walking"
    apply_gates(s)
    assert s.warnings == []
