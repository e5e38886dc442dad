"""The report of a session names each clip and the clip behind every value."""

from __future__ import annotations

import pandas as pd

from stridelab.report.filming import missing_clips
from stridelab.report.page import render_html

SUMMARY = {
    "schema": "stridelab.summary/1", "kind": "video", "activity": "running",
    "file": "left.mp4 + right.mp4", "view": "left side + right side",
    "sampling_rate_hz": 60.0, "n_contacts": {"L": 8, "R": 8},
    "metrics": {"contact_time_ms": {"mean": 250.0, "sd": 9.0, "cv_pct": 3.6, "count": 16,
                                    "L": 245.0, "R": 255.0, "unit": "ms", "error": 10.6}},
    "symmetry_index_pct": {"contact_time_ms": 4.0}, "warnings": [],
    "session": {
        "clips": [{"name": "left.mp4", "role": "left side", "near_leg": "L", "view": "side",
                   "sampling_rate_hz": 60.0, "n_contacts": {"L": 8, "R": 8},
                   "cadence_spm": 170.0, "warnings": ["view detected as side"]},
                  {"name": "right.mp4", "role": "right side", "near_leg": "R", "view": "side",
                   "sampling_rate_hz": 60.0, "n_contacts": {"L": 8, "R": 8},
                   "cadence_spm": 171.0, "warnings": []}],
        "sources": {"contact_time_ms": {"L": "left.mp4", "R": "right.mp4"}}},
}


def test_the_clips_their_warnings_and_each_values_clip_are_shown():
    page = render_html(SUMMARY, pd.DataFrame())
    assert "Clips of this session" in page
    assert "left: left.mp4, right: right.mp4" in page  # the From column
    assert "view detected as side" in page  # a clip's own warning, with the clip
    assert "\u00b111 ms measured error" in page  # ms shown whole


def test_a_session_without_a_rear_clip_asks_for_one():
    notes = missing_clips(SUMMARY)
    assert len(notes) == 1 and "No clip from behind" in notes[0]
    one_side = {**SUMMARY, "session": {"clips": SUMMARY["session"]["clips"][:1]}}
    assert any("right side" in n for n in missing_clips(one_side))


def test_a_rear_view_shows_the_phases_it_has_and_names_the_others():
    from stridelab.report.page import phases_section

    phases = {"initial_contact_pct": {"mean": 7.0, "L": 7.0, "R": 7.1},
              "initial_swing_pct": {"mean": 25.0, "L": 25.0, "R": 25.1},
              "flight_pct": {"mean": 15.0, "L": 15.0, "R": 15.1}}
    for key in ("midstance_pct", "takeoff_pct", "midswing_pct", "terminal_swing_pct"):
        phases[key] = {"mean": None, "L": None, "R": None}
    html = phases_section({"phases": phases}, pd.DataFrame({"side": []}))
    assert "need a side view" in html and "25.0" in html
