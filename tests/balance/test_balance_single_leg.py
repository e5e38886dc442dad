"""Single-leg stance on force plates: the hold from lift-off to touch-down, sway on the held
part, and the findings the program starts from (issue 14, parts 1, 4, 6)."""

from __future__ import annotations

import numpy as np
import pytest
from balance_signals import write_plate_csv, write_two_plates

from stridelab.assess.model import TARGETS, Finding
from stridelab.balance.findings import SINGLE_LEG_KEY, single_leg_findings
from stridelab.balance.session import analyze_balance
from stridelab.errors import InputFileError

FS = 100.0


def _two_plate_single_leg(tmp_path, lift_s: float, touch_s: float | None, seconds=40.0,
                          sway_m=0.004, freq=0.5):
    n = int(seconds * FS)
    t = np.arange(n) / FS
    stance, lifted = np.full(n, 350.0), np.full(n, 350.0)
    up = (t >= lift_s) & (t < (touch_s if touch_s is not None else np.inf))
    stance[up], lifted[up] = 700.0, 0.0
    ap = 0.2 + sway_m * np.sin(2 * np.pi * freq * t)
    return write_two_plates(tmp_path / "single.txt", stance, lifted, ap, ap, FS)


def test_the_hold_runs_from_lift_off_to_touch_down(tmp_path):
    path = _two_plate_single_leg(tmp_path, lift_s=2.0, touch_s=23.5)
    (trial,) = analyze_balance([path], stance="single").trials
    assert trial.leg == "L" and trial.hold_time_s == pytest.approx(21.5)
    assert trial.held_to_end is False
    assert trial.measures["duration_s"] == pytest.approx(21.5, abs=0.02)


def test_a_hold_to_the_end_of_the_recording(tmp_path):
    path = _two_plate_single_leg(tmp_path, lift_s=1.0, touch_s=None, seconds=35.0)
    (trial,) = analyze_balance([path], stance="single").trials
    assert trial.held_to_end and trial.hold_time_s == pytest.approx(34.0)


def test_a_short_hold_gives_the_time_without_sway(tmp_path):
    path = _two_plate_single_leg(tmp_path, lift_s=1.0, touch_s=5.0)
    session = analyze_balance([path], stance="single")
    (trial,) = session.trials
    assert trial.hold_time_s == pytest.approx(4.0) and trial.measures == {}
    assert any("hold time only" in w for w in trial.warnings)
    (f,) = session.findings
    assert (f.key, f.band, f.severity, f.side) == (SINGLE_LEG_KEY, "short", "concern", "L")


def test_no_one_on_one_leg_is_one_line(tmp_path):
    n = 3000
    path = write_two_plates(tmp_path / "both.txt", np.full(n, 350.0), np.full(n, 350.0),
                            0.2 + 0.003 * np.sin(np.arange(n) / 20),
                            0.2 + 0.003 * np.sin(np.arange(n) / 20), FS)
    with pytest.raises(InputFileError) as exc:
        analyze_balance([path], stance="single")
    assert "no single-leg stance" in str(exc.value) and str(path) in str(exc.value)


def test_one_plate_under_the_stance_foot(tmp_path):
    n = int(40 * FS)
    t = np.arange(n) / FS
    fz = np.full(n, 700.0)
    fz[int(31.2 * FS):] = 420.0  # the lifted foot touches the floor beside the plate
    ap = 0.003 * np.sin(2 * np.pi * 0.5 * t)
    path = write_plate_csv(tmp_path / "one.csv", ap, 0.5 * ap, fz, FS)
    (trial,) = analyze_balance([path], stance="single", leg="R").trials
    assert trial.hold_time_s == pytest.approx(31.2) and trial.leg == "R"


@pytest.mark.parametrize("seconds, band, severity", [(4.0, "short", "concern"),
                                                     (12.0, "partial", "watch"),
                                                     (29.0, "partial", "watch"),
                                                     (30.0, "full", "ok")])
def test_the_hold_bands(tmp_path, seconds, band, severity):
    path = _two_plate_single_leg(tmp_path, lift_s=1.0, touch_s=1.0 + seconds, seconds=45)
    findings = analyze_balance([path], stance="single").findings
    hold = next(f for f in findings if f.key == SINGLE_LEG_KEY)
    assert (hold.band, hold.severity) == (band, severity)
    assert hold.value == pytest.approx(seconds) and hold.metric == "single_leg_stance_s"
    assert hold.evidence == "limited" and "Springer" in hold.source


def test_fast_single_leg_sway_is_flagged_with_its_source(tmp_path):
    # 12 mm at 1.5 Hz: 4 x 12 x 1.5 = 72 mm/s anterior-posterior, above 29 mm/s
    path = _two_plate_single_leg(tmp_path, 1.0, 35.0, sway_m=0.012, freq=1.5)
    findings = analyze_balance([path], stance="single").findings
    sway = next(f for f in findings if f.key == "single_leg_sway_ap")
    assert sway.band == "high" and sway.severity == "watch" and "Oliveira" in sway.source
    assert sway.value == pytest.approx(72.0, rel=0.01)


def test_eyes_closed_single_leg_is_measured_but_not_graded(tmp_path):
    path = _two_plate_single_leg(tmp_path, 1.0, 20.0)
    session = analyze_balance([path], stance="single", eyes="closed")
    assert session.trials[0].hold_time_s == pytest.approx(19.0)
    assert session.findings == []


def test_balance_findings_keep_the_contract(tmp_path):
    path = _two_plate_single_leg(tmp_path, 1.0, 20.0, sway_m=0.012, freq=1.5)
    for f in single_leg_findings(analyze_balance([path], stance="single").trials):
        assert Finding.from_dict(f.to_dict()) == f
        assert set(f.targets) <= set(TARGETS) and f.source and f.evidence
        assert "cause" not in f.explanation.lower()
        if f.severity == "ok":
            assert not f.injuries
