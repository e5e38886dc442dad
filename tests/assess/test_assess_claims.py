"""Finding texts never contradict their own numbers.

Two kinds of tests: the contradictions found on real outputs (issue 13, point 1), each on the
value that showed it; and a property test (Hypothesis) over every metric rule: for values
drawn from each band, as motion capture and as 2D video, every bound the text states ("within
the 0.30-0.40", "below 5.0 deg", "13.0 deg or more", "beyond the 10.0 deg line") holds for
the value shown, every text states the edges of its own band (a text that says "typical"
without them cannot be checked, and was where the contradictions hid), a signed value is never
worded against its sign, and a side said to lie in another band does.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stridelab.assess.engine import Assessment
from stridelab.assess.rules import METRIC, RULES
from stridelab.summary.build import foot_strike_summary, strike_pattern
from stridelab.thresholds import load_thresholds
from stridelab.units import format_number, format_value

TABLE = load_thresholds()
METRIC_RULES = [r for r in RULES if r.kind == METRIC]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

NUM = r"(-?\d+(?:\.\d+)?)"
UNIT = r"(?: (?:deg|ms|cm|%|steps/min))?"
CLAIMS = (
    (re.compile(rf"within the (?:range of [a-z ]+\()?{NUM}{UNIT}-{NUM}"), "range"),
    (re.compile(rf"between {NUM}{UNIT} and {NUM}"), "range"),
    (re.compile(rf"\({NUM}{UNIT} to {NUM}{UNIT} forward"), "range"),
    (re.compile(rf"below (?:the )?{NUM}"), "below"),
    (re.compile(rf"further back than the {NUM}"), "below"),
    (re.compile(rf"which starts at {NUM}"), "below"),
    (re.compile(rf"above {NUM}"), "at_least"),
    (re.compile(rf"\(?{NUM}{UNIT} or more"), "at_least"),
    (re.compile(rf"which ends at {NUM}"), "at_least"),
    (re.compile(rf"longer than the {NUM}-{NUM}"), "at_least_second"),
    (re.compile(rf"beyond the {NUM}{UNIT} line"), "beyond"),
)


def _claims(text: str) -> list[tuple[str, tuple[float, ...]]]:
    """Every bound the text states about its own value, as (kind, numbers)."""
    found = []
    for pattern, kind in CLAIMS:
        for match in pattern.finditer(text):
            found.append((kind, tuple(float(g) for g in match.groups())))
    return found


def _holds(kind: str, numbers: tuple[float, ...], shown: float) -> bool:
    """Whether the value as shown satisfies the claim (bounds inclusive: display rounding)."""
    if kind == "range":
        return numbers[0] <= shown <= numbers[1]
    if kind == "below":
        return shown <= numbers[0]
    if kind == "at_least":
        return shown >= numbers[0]
    if kind == "at_least_second":
        return shown >= numbers[1]
    edge = numbers[0]  # "beyond the X line": further from 0 than X, on X's side
    return shown <= edge if edge < 0 else shown >= edge


def _main_text(explanation: str) -> str:
    """The text about the value itself: the side note and the 2D notes left out."""
    for cut in (" That is the mean of both sides;", " Measured on 2D video",
                " Measured from video"):
        explanation = explanation.split(cut)[0]
    return explanation


def _finding(rule, value: float, kind: str = "motion capture", sides=(None, None)):
    unit = TABLE[rule.edges[0]].unit
    metric = {"mean": value, "L": sides[0], "R": sides[1], "unit": unit}
    summary = {"schema": "stridelab.summary/1", "activity": "running", "kind": kind,
               "source": "synthetic", "metrics": {rule.metric: metric},
               "symmetry_index_pct": {}, "warnings": []}
    found = [f for f in Assessment(per_side=False).assess(summary).findings_
             if f.key == rule.key]
    assert len(found) == 1
    return found[0]


@st.composite
def band_values(draw):
    """A metric rule, a band of it and a value inside that band."""
    rule = draw(st.sampled_from(METRIC_RULES))
    edges = [TABLE[k].value for k in rule.edges]
    span = max(edges[-1] - edges[0], abs(edges[0]), 1.0)
    i = draw(st.integers(0, len(edges)))
    lo = edges[i - 1] if i > 0 else edges[0] - span
    hi = edges[i] if i < len(edges) else edges[-1] + span
    value = draw(st.floats(lo, hi, exclude_max=True, allow_nan=False))
    return rule, i, value


@SETTINGS
@given(case=band_values(), kind=st.sampled_from(["motion capture", "video"]))
def test_every_stated_bound_holds_for_the_value_shown(case, kind):
    rule, i, value = case
    f = _finding(rule, value, kind)
    unit = TABLE[rule.edges[0]].unit
    shown = float(format_number(value, unit))
    text = _main_text(f.explanation)
    claims = _claims(text)
    for claim, numbers in claims:
        assert _holds(claim, numbers, shown), (rule.key, value, claim, numbers, text)
    if kind == "motion capture":  # the text states its band's own edges
        assert f.band == rule.bands[i].name
        edges = [TABLE[k].value for k in rule.edges]
        stated = {n for _, numbers in claims for n in numbers}
        for edge in edges[max(i - 1, 0):i + 1]:
            assert any(abs(n - edge) < 1e-9 for n in stated), (rule.key, i, edge, text)
    if rule.directions and float(format_number(abs(value), unit)) != 0:
        wrong = rule.directions[0 if value >= 0 else 1]
        assert wrong.format(abs=format_value(abs(value), unit)) not in text, (value, text)


@SETTINGS
@given(case=band_values(), left=st.floats(-60, 400), right=st.floats(-60, 400))
def test_a_side_in_another_band_is_said(case, left, right):
    rule, _, value = case
    if rule.per_side:
        return
    f = _finding(rule, value, sides=(left, right))
    edges = [TABLE[k].value for k in rule.edges]
    band_of = {s: sum(v >= e for e in edges) for s, v in (("left", left), ("right", right))}
    mean_band = sum(value >= e for e in edges)
    for side, j in band_of.items():
        said = f"the {side} side alone" in f.explanation
        assert said == (j != mean_band), (rule.key, value, left, right, f.explanation)


# -- the contradictions found on real outputs -------------------------------------------------

def _rule(key):
    return next(r for r in RULES if r.key == key)


def test_a_deeply_bent_knee_at_landing_is_not_called_typical():
    f = _finding(_rule("knee_flexion_ic"), 45.8)
    assert f.band == "bent knee"
    assert "more than the about 21 deg typical" in f.explanation


def test_a_shin_tilted_back_is_not_close_to_vertical():
    f = _finding(_rule("shank_angle_ic"), -10.2)
    assert f.band == "knee ahead of ankle"
    assert "close to vertical" not in f.explanation
    assert "10.2 deg with the knee ahead of the ankle" in f.explanation
    typical = _finding(_rule("shank_angle_ic"), -4.0)
    assert "4.0 deg with the knee ahead of the ankle: close to vertical" in typical.explanation


def test_duty_factor_names_the_side_outside_the_band():
    f = _finding(_rule("duty_factor"), 0.379, sides=(0.31, 0.44))
    assert f.band == "typical"
    assert "the right side alone (0.44) is at or above 0.40: high" in f.explanation
    assert "left side alone" not in f.explanation


def test_a_lean_indistinguishable_from_zero_on_video_is_no_watch_finding():
    f = _finding(_rule("trunk_lean"), -1.5, kind="video")
    assert f.severity == "ok" and not f.targets
    assert "cannot be told apart from 0" in f.explanation
    behind = _finding(_rule("trunk_lean"), -3.5, kind="video")  # below the edge, within 4.1
    assert behind.severity == "ok" and behind.band == "typical" and not behind.targets
    assert "3.5 deg backward" in behind.explanation and "forward on average" not in \
        behind.explanation
    # measured in 3D, a lean well behind upright stays a finding
    assert _finding(_rule("trunk_lean"), -3.5).band == "backward"


def test_trunk_lean_is_one_finding_with_mid_stance_beside_it(make_summary):
    summary = make_summary({"trunk_lean_deg": -1.5, "trunk_lean_midstance_deg": -0.7})
    found = Assessment().assess(summary).findings_
    assert [f.key for f in found] == ["trunk_lean"]
    assert "0.7 deg backward at mid-stance" in found[0].explanation
    assert "trunk_lean_midstance_deg" not in Assessment().assess(summary).not_assessed_


def test_a_tie_is_mixed_in_the_summary_and_in_the_finding(make_summary):
    kinds = pd.Series(["forefoot"] * 3 + ["midfoot"] * 3 + ["rearfoot"] * 2)
    sides = pd.Series(list("LRLRLRLR"))
    block = foot_strike_summary(kinds, sides)
    assert block["overall"] == "mixed"
    assert strike_pattern({"forefoot": 0.5, "midfoot": 0.5}, 0.5) == "mixed"
    summary = make_summary({"cadence_spm": 170.0}, foot_strike=block)
    f = next(f for f in Assessment().assess(summary).findings_ if f.key == "foot_strike")
    assert f.band == "mixed"


@pytest.mark.parametrize("shares,expected", [
    ({"rearfoot": 0.8, "midfoot": 0.2}, "rearfoot"),
    ({"rearfoot": 0.6, "midfoot": 0.4}, "mixed"),
])
def test_the_summary_label_is_the_findings_band(make_summary, shares, expected):
    kinds = pd.Series([k for k, s in shares.items() for _ in range(round(10 * s))])
    block = foot_strike_summary(kinds, pd.Series(["L", "R"] * 5))
    assert block["overall"] == expected
    summary = make_summary({"cadence_spm": 170.0}, foot_strike=block)
    f = next(f for f in Assessment().assess(summary).findings_ if f.key == "foot_strike")
    assert f.band == expected
