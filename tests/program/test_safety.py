"""The program never breaks its own limits: equipment and areas to spare (issue 13, point 2).

The forbidden exercises are named here in words, independently of the data file that the
generator filters through, so a gap in ``avoid_areas.toml`` fails these tests.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from stridelab.program.areas import AREAS_FILE, areas_from_toml, load_areas
from stridelab.program.constraints import Constraints
from stridelab.program.generator import generate_program
from stridelab.program.library import AVOID, library_from_toml, load_library
from stridelab.program.overload import HARDER, next_prescription
from stridelab.program.program_file import program_limits
from stridelab.thresholds import EVIDENCE_GRADES

LIB = load_library()
EXPERIENCE = ("novice", "intermediate", "advanced")

#: What each area's runner must never be told to do, as words in the name or the pattern.
FORBIDDEN = {
    "achilles": r"calf raise|hop|skip|jump|rope|bound",
    "knee": r"wall sit|squat|lunge|step-up|step-down|jump|hop|bound|skip|nordic|"
            r"single-leg reach",
    "ankle": r"hop|jump|bound|skip|rope",
    "hip": r"rear-foot-elevated|copenhagen|bound",
    "lower_back": r"(dumbbell|barbell).*deadlift|back squat|kettlebell swing|carry",
    "shoulder": r"push-up|plank",
}


def _everything(program):
    """Every exercise the program prescribes, and the text of every progression note."""
    items = [it for s in program.sessions for it in s.items]
    return [LIB[it.exercise_id] for it in items], [it.load for it in items]


def _named(text: str):
    """The library exercises a text names."""
    return [ex for ex in LIB if ex.name in text]


def _all_findings(finding):
    return [finding("calf", ("calf_achilles",)), finding("quad", ("quadriceps", "glute_max")),
            finding("hip", ("glute_med", "core", "single_leg_stability")),
            finding("upper", ("arms_trunk", "core"), severity="watch"),
            finding("hams", ("hamstrings", "glute_max"), severity="watch")]


@pytest.mark.parametrize("experience", EXPERIENCE)
def test_home_progression_notes_name_no_gym_equipment(finding, experience):
    p = generate_program(_all_findings(finding), equipment="home", experience=experience,
                         weeks=12)
    exercises, notes = _everything(p)
    named = [ex for text in notes for ex in _named(text)]
    assert named, "the notes name the next variants"
    for ex in exercises + named:
        assert not ex.needs & {"barbell", "machine"}, ex.name
    assert not any("Barbell" in t or "(machine)" in t for t in notes)


@pytest.mark.parametrize("area", AVOID)
@pytest.mark.parametrize("experience", EXPERIENCE)
def test_an_avoided_area_is_never_loaded(finding, area, experience):
    p = generate_program(_all_findings(finding), equipment="gym", experience=experience,
                         avoid=area, weeks=12)
    exercises, notes = _everything(p)
    named = [ex for text in notes for ex in _named(text)]
    for ex in exercises + named:
        words = f"{ex.name} {ex.pattern}".lower()
        assert not re.search(FORBIDDEN[area], words), (area, ex.id)
        assert area not in ex.avoid, (area, ex.id)


def test_avoid_achilles_and_knee_examples_from_the_issue():
    achilles = generate_program([], avoid="achilles", equipment="gym", experience="advanced")
    ids = {ex.id for ex in _everything(achilles)[0]}
    assert not ids & {"str_soleus_raise", "str_double_calf_raise", "plyo_jump_rope"}
    knee = generate_program([], avoid="knee", equipment="home", experience="novice")
    assert "str_wall_sit" not in {ex.id for ex in _everything(knee)[0]}


def test_log_substitutions_keep_the_program_limits():
    p = generate_program([], equipment="home", avoid="achilles", start=date(2027, 1, 4))
    limits = program_limits(p)
    rx = next_prescription("str_single_leg_bridge", [13] * 3, [None] * 3, 10, limits=limits)
    assert rx.exercise_id != "str_bb_hip_thrust" and limits.allows(LIB[rx.exercise_id])
    rx = next_prescription("str_soleus_raise", [15] * 3, [None] * 3, 12, limits=limits)
    assert rx.action != HARDER and rx.exercise_id == "str_soleus_raise"
    missed = next_prescription("str_push_up", [2, 2], [None] * 2, 10,
                               limits=Constraints(frozenset({"none"})))
    assert missed.exercise_id in ("str_push_up",)  # the incline push-up needs a bench
    # without limits the library's first harder variant is still offered
    assert next_prescription("str_single_leg_bridge", [13] * 3, [None] * 3,
                             10).exercise_id == "str_bb_hip_thrust"


def test_avoid_areas_are_data_with_reasons_and_sources():
    areas = load_areas()
    assert tuple(areas) == AVOID == ("knee", "achilles", "ankle", "hip", "lower_back",
                                     "shoulder")
    for area in areas.values():
        assert area.name and area.rules
        for rule in area.rules:
            assert rule.what and rule.reason.endswith(".") and rule.source
            assert rule.evidence in EVIDENCE_GRADES
            assert rule.patterns or rule.categories or rule.exercises
            assert set(rule.exercises) <= set(LIB.exercises), rule.exercises
    # every exercise's areas are exactly those whose rules name it
    for ex in LIB:
        assert set(ex.avoid) == {k for k, a in areas.items() if a.rule_for(ex)}, ex.id


def test_the_library_filters_through_the_areas_file():
    from importlib import resources

    text = resources.files("stridelab.data").joinpath("exercises.toml").read_text("utf-8")
    areas = areas_from_toml('[knee]\nname = "the knee"\n[[knee.rule]]\nwhat = "bridges"\n'
                            'patterns = ["bridge"]\nreason = "Test."\nsource = "test"\n'
                            'evidence = "expert opinion"\n', AREAS_FILE)
    lib = library_from_toml(text, "test.toml", areas)
    assert lib["str_glute_bridge"].avoid == ("knee",)
    assert lib["str_wall_sit"].avoid == ()


@pytest.mark.parametrize("text, problem", [
    ('[knee]\nname = "x"\n', "at least one rule"),
    ('[knee]\nname = "x"\n[[knee.rule]]\nwhat = "w"\nreason = "r"\nsource = "s"\n'
     'evidence = "sure"\npatterns = ["squat"]\n', "evidence"),
    ('[knee]\nname = "x"\n[[knee.rule]]\nwhat = "w"\nreason = "r"\nsource = "s"\n'
     'evidence = "derived"\n', "matches no exercise"),
])
def test_a_broken_areas_file_is_refused(text, problem):
    from stridelab.errors import InputFileError

    with pytest.raises(InputFileError, match=problem):
        areas_from_toml(text)


def test_nothing_fits_is_said_instead_of_breaking_the_rule():
    p = generate_program([], equipment="home", avoid="achilles")
    assert ("Nothing in the library trains calves and Achilles tendon with home equipment "
            "while sparing the Achilles tendon") in " ".join(p.notes)
    assert not [it for s in p.sessions for it in s.items
                if "calf_achilles" in LIB[it.exercise_id].targets
                and it.category in ("strength", "plyometric")]
    knee = generate_program([], equipment="band,box", avoid="knee,achilles",
                            single_leg_stance_s=40)
    text = " ".join(knee.notes)
    assert "Plyometrics left out. Nothing in the library trains jumps, hops or bounds with " \
        "only band and box while sparing the Achilles tendon and the knee" in text
    assert "Warm-up: Lunge with rotation (world's greatest stretch) left out (loads the knee)" \
        in text
