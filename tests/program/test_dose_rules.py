"""The plan's dose words and what ``stridelab strength log`` enforces come from one rule.

Each item's words say when it progresses ("When every set reaches N ...") and how; logging N
on every set with the plan's target must do exactly that, and logging less must not
(issue 13, point 2: the novice goblet squat 2 x 12 "add load at 13-14 reps" was logged
against the library's 10).
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from dose_contract import check_words_match_the_log

from stridelab.cli.workout_cmd import default_target
from stridelab.program.constraints import Constraints
from stridelab.program.dose import KINDS, dose_rule, kind_of, rule_words
from stridelab.program.generator import generate_program
from stridelab.program.library import load_library
from stridelab.program.overload import (
    HARDER,
    HOLD,
    MORE,
    STRONGER_BAND,
    OverloadRule,
    Performance,
)
from stridelab.program.program_file import program_limits
from stridelab.thresholds import threshold

LIB = load_library()


def test_the_issue_example_novice_goblet_squat():
    p = generate_program([], experience="novice", equipment="home", start=date(2027, 1, 4))
    item = next(it for it in p.weeks[0].sessions[0].items if it.exercise_id ==
                "str_goblet_squat")
    assert (item.sets, item.reps) == (2, 12)
    assert "When every set reaches 13 reps, add 2-10 % load" in item.load
    target, _ = default_target(LIB["str_goblet_squat"], date(2027, 1, 4), p, None)
    assert target == 12
    rx = OverloadRule(limits=program_limits(p)).progress(
        Performance("str_goblet_squat", (12, 12), (16.0, 16.0), target)).next_
    assert rx.action == HOLD and rx.load_kg == 16


@pytest.mark.parametrize("experience, equipment, avoid", [
    (e, q, a) for e, q, a in itertools.product(
        ("novice", "intermediate", "advanced"), ("home", "gym", "none", "band,box"),
        ("", "knee", "achilles,shoulder"))])
def test_every_item_of_the_plan_is_enforced_by_the_log(finding, experience, equipment, avoid):
    fs = [finding("a", ("quadriceps", "glute_max")), finding("b", ("calf_achilles",)),
          finding("c", ("glute_med", "core")), finding("d", ("arms_trunk",), "watch")]
    p = generate_program(fs, experience=experience, equipment=equipment, avoid=avoid or None,
                         weeks=10, start=date(2027, 1, 4))
    limits = program_limits(p)
    for s in p.sessions:
        day = date.fromisoformat(s.date)
        for it in s.items:
            target, origin = default_target(LIB[it.exercise_id], day, p, None)
            assert target == it.reps, (it.exercise_id, origin)
            check_words_match_the_log(it.exercise_id, it.reps, it.load, it.sets, limits)


@pytest.mark.parametrize("limits", [Constraints(),
                                    Constraints(frozenset({"none"}), ("knee", "achilles"), 3)],
                         ids=["no limits", "bodyweight, knee and achilles, novice"])
def test_every_exercise_of_the_library_says_its_rule_and_the_log_enforces_it(limits):
    kinds = set()
    for ex in LIB:
        for target in {ex.reps, 5, 12}:
            rule = dose_rule(LIB, ex, target, limits)
            rir = 3 if rule.kind in ("loaded", "band", "bodyweight") and ex.unit == "reps" \
                else None
            kinds.add(check_words_match_the_log(ex.id, target, rule_words(rule, LIB, rir),
                                                ex.sets, limits))
    assert kinds == set(KINDS)


def test_words_fit_the_kind_of_exercise():
    p = generate_program([], experience="intermediate", equipment="home", weeks=8)
    for it in (it for s in p.sessions for it in s.items):
        kind = kind_of(LIB[it.exercise_id])
        if kind in ("bodyweight", "hold", "balance", "plyometric"):
            assert not re.search(r"\bload\b|add up to", it.load), it.load
        if kind == "hold":
            assert it.rir is None and "reps short of failure" not in it.load
            assert f"Hold {it.reps} s" in it.load
        if kind == "loaded":
            assert "2-10 % load" in it.load and "ACSM 2009" in it.load
    push = dose_rule(LIB, LIB["str_push_up"], 10, Constraints(frozenset({"none", "bench"})))
    assert push.next_id == "str_decline_push_up"
    words = rule_words(dose_rule(LIB, LIB["str_push_up"], 10, Constraints(frozenset({"none"}))),
                       LIB, 3)
    assert "aim for 11 reps" in words and "slow the lowering" in words


def test_no_harder_variant_is_worded_as_a_progression_not_a_gap():
    limits = Constraints(frozenset({"none"}))
    done = Performance("str_push_up", (12, 12, 12), (None,) * 3, 10)
    rx = OverloadRule(limits=limits).progress(done).next_
    assert rx.action == MORE and rx.target_reps == 11
    assert "no harder variant fits" in rx.reason and "slow the lowering" in rx.reason
    rx = OverloadRule().progress(done).next_
    assert rx.action == HARDER and rx.exercise_id == "str_decline_push_up"


def test_band_exercises_progress_by_band_and_warm_ups_not_at_all():
    rx = OverloadRule().progress(Performance("str_band_row", (13,) * 3, (None,) * 3, 12)).next_
    assert rx.action == STRONGER_BAND and rx.exercise_id == "str_band_row"
    rx = OverloadRule().progress(Performance("wu_leg_swings", (30,), (None,), 10)).next_
    assert rx.action == HOLD and "not progressed" in rx.reason
    assert threshold("program.overload.exceed_reps") == 1
