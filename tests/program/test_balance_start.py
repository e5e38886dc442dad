"""The balance block starts at the runner's level (issue 13, point 2).

It started at feet-together stance and reached single-leg stance only in week 6, trivial for
most runners. It now starts from a 30-second single-leg stance self-test, and without the
answer at single-leg stance on firm ground, saying what the test is.
"""

from __future__ import annotations

import pytest

from stridelab.errors import StridelabError
from stridelab.program.config import make_config, read_questionnaire
from stridelab.program.generator import generate_program
from stridelab.program.library import balance_level, load_library

LIB = load_library()


def _balance(program, week: int = 1) -> list[str]:
    return [it.exercise_id for it in program.weeks[week - 1].sessions[0].items
            if it.category == "balance"]


@pytest.mark.parametrize("experience", ["novice", "intermediate", "advanced"])
def test_without_the_test_balance_starts_at_single_leg_stance(experience):
    p = generate_program([], experience=experience)
    first = [LIB[i] for i in _balance(p)]
    assert "bal_single_firm_eo" in {ex.id for ex in first}
    assert all(ex.stance != "double" for ex in first)
    note = next(n for n in p.notes if n.startswith("Balance starts at"))
    assert "no single-leg stance self-test given" in note
    assert "up to 30 s" in note and "--single-leg-stance-s" in note and "Springer 2007" in note


@pytest.mark.parametrize("seconds, static_start", [
    (4, "bal_tandem_firm_eo"),     # cannot hold 10 s: one step below single-leg stance
    (10, "bal_single_firm_eo"),
    (29.5, "bal_single_firm_eo"),
    (30, "bal_single_firm_ec"),    # holds the whole test: eyes closed next
    (60, "bal_single_firm_ec"),
])
def test_the_self_test_sets_the_first_rung(seconds, static_start):
    p = generate_program([], experience="novice", single_leg_stance_s=seconds)
    assert static_start in _balance(p)
    assert f"self-test: {seconds:g} s" in " ".join(p.notes)


def test_the_ladder_still_climbs_one_step_at_a_time_from_the_start():
    p = generate_program([], equipment="home", experience="novice", single_leg_stance_s=30,
                         weeks=10)
    static = [next(i for i in _balance(p, w.number) if LIB[i].balance == "static")
              for w in p.weeks]
    assert static[0] == "bal_single_firm_ec"
    changes = [(a, b) for a, b in zip(static, static[1:], strict=False) if a != b]
    assert changes and all(b in LIB[a].harder for a, b in changes)


def test_a_start_that_does_not_fit_falls_back_to_an_easier_rung_of_its_ladder():
    p = generate_program([], avoid="knee", single_leg_stance_s=45, equipment="home")
    ids = _balance(p)
    assert "bal_single_reach_firm" not in ids  # a single-leg squat reach loads the knee
    assert "bal_tandem_walk" in ids  # the dynamic ladder's easier rung


def test_levels_and_starts_are_data():
    test = LIB.balance_test
    assert test["max_s"] == 30 and "Springer 2007" in test["source"]
    assert [balance_level(LIB, s) for s in (None, 0, 9.9, 10, 29.9, 30)] == [
        "partial", "short", "short", "partial", "partial", "full"]
    for ladder in LIB.ladders.values():
        assert set(ladder["start"]) == {lv["name"] for lv in test["levels"]}


def test_the_answer_comes_from_the_questionnaire_and_is_checked(tmp_path):
    q = tmp_path / "q.toml"
    q.write_text("single_leg_stance_s = 22\n")
    assert make_config(**read_questionnaire(q)).single_leg_stance_s == 22
    for bad in (-1, 1000, "long"):
        with pytest.raises(StridelabError, match="single_leg_stance_s"):
            make_config(single_leg_stance_s=bad)
