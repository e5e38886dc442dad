"""The shared balance recordings (../shared/data/balance): what they must show (issue 14).

- acuna/: one person, 3 trials eyes open and 3 eyes closed, 1000 Hz: more sway with the eyes
  closed;
- dos Santos et al. 2017 controls and Bartloff et al. 2024 post-stroke recordings, one plate
  per foot: the stroke recordings load the paretic foot less.
"""

from __future__ import annotations

import numpy as np
import pytest

from stridelab.balance.session import analyze_balance

ACUNA = [f"balance/acuna/eyes{c}_{i}.csv" for c in ("Open", "Closed") for i in (1, 2, 3)]
CONTROLS = ["balance/Control_0_trial_0.txt", "balance/Control_0_trial_1.txt",
            "balance/Control_1_trial_0.txt", "balance/Control_2_trial_0.txt"]
STROKES = ["balance/Stroke_0.txt", "balance/Stroke_1.txt"]


@pytest.fixture(scope="module")
def acuna(request):
    shared = request.getfixturevalue("shared_file")
    return analyze_balance([shared(f) for f in ACUNA], eyes=["open"] * 3 + ["closed"] * 3)


def test_eyes_closed_sway_more_than_eyes_open(acuna):
    open_, closed = (acuna.conditions[f"double, eyes {e}"]["measures"] for e in ("open",
                                                                                   "closed"))
    for m in ("mean_velocity_mm_s", "mean_velocity_ap_mm_s", "path_length_mm", "rms_ap_mm",
              "ellipse_area_mm2"):
        assert closed[m] > open_[m], m
    fastest_open = max(acuna.conditions["double, eyes open"]["trial_values"][
        "mean_velocity_mm_s"])
    slowest_closed = min(acuna.conditions["double, eyes closed"]["trial_values"][
        "mean_velocity_mm_s"])
    assert slowest_closed > fastest_open  # every closed trial beats every open one
    assert acuna.romberg["double"]["mean_velocity_mm_s"] > 1.3


def test_acuna_figures_are_in_the_range_of_quiet_standing(acuna):
    m = acuna.conditions["double, eyes open"]["measures"]
    assert 3 < m["mean_velocity_mm_s"] < 20  # mm/s
    assert 1 < m["rms_ap_mm"] < 10 and m["rms_ml_mm"] < m["rms_ap_mm"]
    assert 0.05 < m["median_freq_ap_hz"] < 1.0 < m["f95_ap_hz"] < 5.0
    assert acuna.findings == []  # two-feet sway on one plate is reported, not banded


@pytest.fixture(scope="module")
def two_plates(request):
    shared = request.getfixturevalue("shared_file")
    return {f: analyze_balance([shared(f)]).trials[0] for f in CONTROLS + STROKES}


def test_the_stroke_recordings_load_the_paretic_foot_less(two_plates):
    for f in STROKES:
        share = two_plates[f].load_share_pct
        assert share["paretic"] < 50 < share["non-paretic"]
    worst_control = max(abs(two_plates[f].load_symmetry_index_pct) for f in CONTROLS)
    assert abs(two_plates["balance/Stroke_0.txt"].load_symmetry_index_pct) > 2 * worst_control


def test_stroke_sway_is_faster_than_the_controls(two_plates):
    fastest_control = max(two_plates[f].measures["mean_velocity_ap_mm_s"] for f in CONTROLS)
    for f in STROKES:
        assert two_plates[f].measures["mean_velocity_ap_mm_s"] > 2 * fastest_control


def test_fifteen_second_stroke_recordings_are_long_enough(two_plates):
    for f in STROKES:
        assert two_plates[f].duration_s == pytest.approx(15.0, abs=0.05)
        assert two_plates[f].measures  # sway measured


def test_the_load_finding_follows_its_threshold(two_plates, request):
    shared = request.getfixturevalue("shared_file")
    session = analyze_balance([shared("balance/Stroke_0.txt")])
    (f,) = session.findings
    assert f.key == "load_asymmetry" and f.band == "high" and f.severity == "watch"
    assert f.evidence == "expert opinion" and "convention" in f.explanation
    assert f.value == pytest.approx(abs(two_plates["balance/Stroke_0.txt"]
                                        .load_symmetry_index_pct), abs=1e-3)
    assert np.isfinite(f.value)
