"""Hypothesis: the program generator keeps its own rules for any runner (issue 13).

Over every combination of equipment (profiles and item lists), areas to spare, experience,
season, weeks, deloads, single-leg stance answers and findings: no exercise, progression note
or substitution in any week breaks the equipment, the areas to spare or the level, and every
item's dose rule is the one ``stridelab strength log`` enforces with the program. The runs are
derandomised, so CI sees the same examples every time.
"""

from __future__ import annotations

import re
from datetime import date

from dose_contract import check_words_match_the_log
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stridelab.assess.model import SEVERITIES, TARGETS, Finding
from stridelab.cli.workout_cmd import default_target
from stridelab.program.areas import load_areas
from stridelab.program.generator import generate_program
from stridelab.program.library import AVOID, EQUIPMENT, load_library
from stridelab.program.program_file import program_limits

LIB = load_library()
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
START = date(2027, 1, 4)


@st.composite
def findings(draw) -> list[Finding]:
    """Up to five findings, each naming one to three targets (main first)."""
    out = []
    for i in range(draw(st.integers(0, 5))):
        targets = draw(st.lists(st.sampled_from(sorted(TARGETS)), min_size=1, max_size=3,
                                unique=True))
        out.append(Finding(key=f"f{i}", metric="m", title=f"Finding {i}", value=1.0, unit="",
                           side=None, confidence=1.0, band="b",
                           severity=draw(st.sampled_from(SEVERITIES)), source="test",
                           evidence="moderate", explanation="", targets=tuple(targets)))
    return out


RUNNER = st.fixed_dictionaries({
    "equipment": st.one_of(st.sampled_from(["home", "gym"]),
                           st.lists(st.sampled_from(EQUIPMENT), min_size=1, unique=True)),
    "avoid": st.lists(st.sampled_from(AVOID), unique=True, max_size=len(AVOID)),
    "experience": st.sampled_from(["novice", "intermediate", "advanced"]),
    "season": st.sampled_from(["off", "in"]),
    "weeks": st.integers(1, 16),
    "deload": st.booleans(),
    "single_leg_stance_s": st.one_of(st.none(), st.floats(0, 120)),
})


def _named(text: str):
    return [ex for ex in LIB if re.search(rf"\b{re.escape(ex.name)}\b", text)]


@SETTINGS
@given(fs=findings(), runner=RUNNER)
def test_no_exercise_note_or_substitute_breaks_the_limits(fs, runner):
    p = generate_program(fs, start=START, **runner)
    limits = program_limits(p)
    areas = load_areas()
    assert len(p.weeks) == runner["weeks"]
    for s in p.sessions:
        for it in s.items:
            ex = LIB[it.exercise_id]
            assert limits.allows(ex), (ex.id, limits.why_not(ex))
            for named in _named(it.load):  # the progression note's next variant
                assert limits.allows(named), (ex.id, named.id)
            for area in runner["avoid"]:
                assert areas[area].rule_for(ex) is None, (area, ex.id)
    for note in p.notes:  # what is left out is named, never prescribed
        assert "Nothing in the library trains" not in note or "left out" in note


@SETTINGS
@given(fs=findings(), runner=RUNNER)
def test_every_dose_rule_is_what_the_log_enforces(fs, runner):
    p = generate_program(fs, start=START, **runner)
    limits = program_limits(p)
    checked = set()
    for s in p.sessions:
        day = date.fromisoformat(s.date)
        for it in s.items:
            key = (it.exercise_id, it.reps, it.load, it.sets)
            if key in checked:
                continue
            checked.add(key)
            target, _ = default_target(LIB[it.exercise_id], day, p, None)
            assert target == it.reps, it.exercise_id
            check_words_match_the_log(it.exercise_id, it.reps, it.load, it.sets, limits)
