from importlib import resources

import pytest

from stridelab.assess.model import TARGETS
from stridelab.errors import InputFileError
from stridelab.program.library import (
    BALANCE_LEVELS,
    CATEGORIES,
    is_single_balance_step,
    library_from_toml,
    load_library,
    validate,
)


def _toml() -> str:
    return resources.files("stridelab.data").joinpath("exercises.toml").read_text("utf-8")


def test_library_has_enough_exercises_in_every_category():
    lib = load_library()
    assert len(lib) >= 40
    assert {ex.category for ex in lib} == set(CATEGORIES)
    assert len({ex.id for ex in lib}) == len(lib)


def test_every_link_resolves_and_is_mirrored_and_harder_is_more_difficult():
    lib = load_library()
    assert validate(lib) == []
    links = 0
    for ex in lib:
        for h in ex.harder:
            links += 1
            assert lib[h].difficulty > ex.difficulty, (ex.id, h)
            assert ex.id in lib[h].easier
        for e in ex.easier:
            assert lib[e].difficulty < ex.difficulty, (ex.id, e)
            assert ex.id in lib[e].harder
    assert links >= 40


def test_difficulty_rises_along_every_chain():
    lib = load_library()

    def chains(ex_id, path):
        nxt = lib[ex_id].harder
        if not nxt:
            yield path
        for h in nxt:
            yield from chains(h, path + [h])

    starts = [ex.id for ex in lib if not ex.easier and ex.harder]
    seen = 0
    for s in starts:
        for path in chains(s, [s]):
            levels = [lib[i].difficulty for i in path]
            assert levels == sorted(set(levels)), path
            seen += 1
    assert seen > 10


def test_balance_links_change_one_dimension_one_step():
    lib = load_library()
    balance = [ex for ex in lib if ex.category == "balance"]
    assert len(balance) >= 10
    for ex in balance:
        for h in ex.harder:
            if lib[h].category == "balance":
                assert is_single_balance_step(ex, lib[h]), (ex.id, h)
    # the ladders cover every progression the article names
    qualities = {d: {getattr(ex, d) for ex in balance} for d in BALANCE_LEVELS}
    assert {"double", "tandem", "single"} <= qualities["stance"]
    assert qualities["surface"] == {"stable", "unstable"}
    assert qualities["vision"] == {"open", "closed"}
    assert {"static", "dynamic", "reactive"} <= qualities["balance"]


def test_every_target_and_field_is_usable():
    lib = load_library()
    trained = {t for ex in lib if ex.category in ("strength", "core", "balance")
               for t in ex.targets}
    assert trained == set(TARGETS)
    for ex in lib:
        assert ex.cues and ex.name and 1 <= ex.difficulty <= 5
        assert ex.sets >= 1 and ex.reps >= 1 and ex.rest_s >= 0
    assert {"barbell", "machine"} & set(lib.profiles["gym"])
    assert not {"barbell", "machine"} & set(lib.profiles["home"])


@pytest.mark.parametrize("old, new, problem", [
    ('harder = ["str_goblet_squat"]', 'harder = ["str_goblet_squatX"]', "does not resolve"),
    ('id = "str_back_squat"\nname = "Back squat"\ncategory = "strength"\npattern = "squat"\n'
     'targets = ["quadriceps", "glute_max", "core"]\nmuscles = ["quadriceps", '
     '"gluteus maximus", "trunk"]\nbalance = "none"\nstance = "double"\nsurface = "stable"\n'
     'vision = "open"\nequipment = ["barbell"]\ndifficulty = 3',
     'id = "str_back_squat"\nname = "Back squat"\ncategory = "strength"\npattern = "squat"\n'
     'targets = ["quadriceps", "glute_max", "core"]\nmuscles = ["quadriceps", '
     '"gluteus maximus", "trunk"]\nbalance = "none"\nstance = "double"\nsurface = "stable"\n'
     'vision = "open"\nequipment = ["barbell"]\ndifficulty = 2', "not more difficult"),
    ('id = "bal_single_firm_ec"\nname = "Single-leg stance, eyes closed"\ncategory = "balance"'
     '\npattern = "stance"\ntargets = ["single_leg_stability", "glute_med"]\nmuscles = '
     '["gluteus medius", "foot and ankle stabilisers"]\nbalance = "static"\nstance = "single"\n'
     'surface = "stable"',
     'id = "bal_single_firm_ec"\nname = "Single-leg stance, eyes closed"\ncategory = "balance"'
     '\npattern = "stance"\ntargets = ["single_leg_stability", "glute_med"]\nmuscles = '
     '["gluteus medius", "foot and ankle stabilisers"]\nbalance = "static"\nstance = "single"\n'
     'surface = "unstable"', "one step on one dimension"),
    ('targets = ["tibialis_anterior"]', 'targets = ["shins"]', "not keys of TARGETS"),
])
def test_a_broken_library_is_refused(old, new, problem):
    text = _toml()
    assert old in text
    with pytest.raises(InputFileError, match=problem):
        library_from_toml(text.replace(old, new, 1), "broken.toml")
