import itertools

import pytest

from stridelab.errors import StridelabError
from stridelab.program.library import is_single_balance_step, load_library
from stridelab.program.overload import (
    EASIER,
    HARDER,
    HOLD,
    INCREASE,
    MORE,
    REDUCE,
    Performance,
    next_prescription,
)
from stridelab.thresholds import threshold

LIB = load_library()
LO = threshold("program.overload.increase_pct_min")
HI = threshold("program.overload.increase_pct_max")


def test_acsm_numbers_come_from_the_threshold_table():
    assert (LO, HI) == (2, 10)
    assert threshold("program.overload.exceed_reps") == 1


@pytest.mark.parametrize("reps, expected", [
    ([9, 9, 9], 62.5),      # +1 rep: Epley +2.6 %, nearest 2.5 kg step inside 2-10 % is +4.2 %
    ([10, 10, 11], 62.5),   # +2 reps: Epley +5.3 %
    ([11, 11, 11], 65.0),   # +3 reps: Epley +7.9 %
    ([14, 14, 14], 65.0),   # far beyond: capped at +10 % (65 kg is +8.3 %, 67.5 would be 12.5 %)
])
def test_beating_the_target_adds_2_to_10_percent(reps, expected):
    rx = next_prescription("str_back_squat", reps, [60] * 3, 8)
    assert rx.action == INCREASE
    assert rx.load_kg == expected
    assert LO <= rx.change_pct <= HI
    assert rx.target_reps == 8 and rx.sets == 3
    assert "ACSM 2009" in rx.reason


def test_the_step_grows_with_the_reps_beyond_the_target():
    pcts = [next_prescription("str_back_squat", [8 + k] * 3, [100] * 3, 8).change_pct
            for k in (1, 2, 3, 4)]
    assert pcts == sorted(pcts) and pcts[0] < pcts[-1] <= HI


@pytest.mark.parametrize("load, target",
                         list(itertools.product([20, 37.5, 60, 82.5, 140], [5, 8, 12])))
def test_every_increase_stays_inside_acsm_range_on_whole_plates(load, target):
    for extra in (1, 2, 5):
        rx = next_prescription("str_back_squat", [target + extra] * 3, [load] * 3, target)
        if 2.5 / load * 100 > HI:  # 20 kg bar: even one 2.5 kg step is 12.5 %
            assert (rx.action, rx.load_kg) in ((MORE, load), (INCREASE, load + 2.5))
            continue
        assert rx.action == INCREASE
        assert LO <= rx.change_pct <= HI + 1e-9
        assert ((rx.load_kg - load) / 2.5) == pytest.approx(round((rx.load_kg - load) / 2.5))


def test_only_every_set_counts():
    rx = next_prescription("str_back_squat", [10, 10, 8], [60] * 3, 8)
    assert rx.action == HOLD and rx.load_kg == 60


@pytest.mark.parametrize("reps, action", [
    ([8, 8, 8], HOLD),          # target met, not beaten
    ([8, 7, 7], HOLD),          # missed by 1: repeat
    ([8, 7, 6], HOLD),          # missed by 2: repeat
    ([8, 6, 4], REDUCE),        # missed by 4: reduce
])
def test_a_miss_holds_or_reduces(reps, action):
    rx = next_prescription("str_back_squat", reps, [60] * 3, 8)
    assert rx.action == action
    if action == REDUCE:
        assert rx.load_kg < 60
        assert -threshold("program.overload.reduce_pct_max") <= rx.change_pct <= -LO
    else:
        assert rx.load_kg == 60


def test_a_second_miss_in_a_row_reduces_the_load():
    first = Performance("str_back_squat", (8, 7, 7), (60, 60, 60), 8)
    rx = next_prescription("str_back_squat", [8, 7, 7], [60] * 3, 8, previous=first)
    assert rx.action == REDUCE and rx.load_kg == 57.5


def test_beaten_at_maximal_effort_repeats_the_load():
    rx = next_prescription("str_goblet_squat", [11, 11, 11], [24] * 3, 10, rpe=10)
    assert rx.action == HOLD and "RPE" in rx.reason
    rx = next_prescription("str_goblet_squat", [11, 11, 11], [24] * 3, 10, rpe=8)
    assert rx.action == INCREASE and rx.load_kg == 26  # 2 kg dumbbell steps: +8.3 %


def test_coarse_equipment_builds_reps_before_a_big_step():
    rx = next_prescription("str_goblet_squat", [12, 12, 12], [16] * 3, 10)
    assert rx.action == MORE and rx.load_kg == 16 and rx.target_reps == 10
    assert "15 reps" in rx.reason  # Epley: 15 reps at 16 kg ~ 10 reps at 18 kg
    rx = next_prescription("str_goblet_squat", [15, 15, 16], [16] * 3, 10)
    assert rx.action == INCREASE and rx.load_kg == 18


def test_own_increment_overrides_the_equipment():
    rx = next_prescription("str_goblet_squat", [12, 12, 12], [16] * 3, 10, increment_kg=1)
    assert rx.action == INCREASE and rx.load_kg == 17


def test_bodyweight_moves_to_the_harder_variant():
    rx = next_prescription("str_split_squat", [11, 12, 12], [None] * 3, 10)
    assert rx.action == HARDER and rx.exercise_id in LIB["str_split_squat"].harder
    rx = next_prescription("str_split_squat", [10, 10, 10], [None] * 3, 10)
    assert rx.action == HOLD and rx.exercise_id == "str_split_squat"


def test_balance_moves_one_step_and_steps_back_after_two_misses():
    rx = next_prescription("bal_single_firm_eo", [30, 30, 30], [None] * 3, 30)
    assert rx.action == HARDER
    assert is_single_balance_step(LIB["bal_single_firm_eo"], LIB[rx.exercise_id])
    miss = Performance("bal_single_firm_eo", (30, 18, 25), (None,) * 3, 30)
    assert next_prescription("bal_single_firm_eo", [30, 18, 25], [None] * 3, 30).action == HOLD
    rx = next_prescription("bal_single_firm_eo", [30, 20, 25], [None] * 3, 30, previous=miss)
    assert rx.action == EASIER and rx.exercise_id in LIB["bal_single_firm_eo"].easier


def test_no_harder_variant_adds_at_most_ten_percent():
    rx = next_prescription("str_wall_sit", [45, 45, 45], [None] * 3, 30)
    assert rx.action == MORE and rx.target_reps == 33


@pytest.mark.parametrize("args", [
    ("no_such_exercise", [8], [40], 8),
    ("str_back_squat", [], [], 8),
    ("str_back_squat", [8, 8], [40], 8),
    ("str_back_squat", [8], [40], 0),
])
def test_bad_input_is_a_user_error(args):
    with pytest.raises(StridelabError):
        next_prescription(*args)
