import itertools
import json
from datetime import date

import pytest

from stridelab.errors import StridelabError
from stridelab.program.generator import GENERAL_TARGETS, ProgramGenerator, generate_program
from stridelab.program.library import is_single_balance_step, load_library
from stridelab.program.model import GENERAL, Program
from stridelab.thresholds import threshold

LIB = load_library()
EXPERIENCE = ("novice", "intermediate", "advanced")


def _items(program):
    return [(w, s, it) for w in program.weeks for s in w.sessions for it in s.items]


def _capped(it) -> bool:
    """Items the strength-experience cap applies to: all but static and dynamic balance,
    which start from the single-leg stance self-test instead."""
    return it.category != "balance" or LIB[it.exercise_id].balance == "reactive"


@pytest.mark.parametrize("season, per_week", [("off", 2), ("in", 1)])
def test_sessions_per_week_follow_the_season(findings, season, per_week):
    assert threshold(f"program.sessions_per_week.{season}_season") == per_week
    p = generate_program(findings, season=season, weeks=6, start=date(2026, 12, 1))
    assert len(p.weeks) == 6
    assert all(len(w.sessions) == per_week for w in p.weeks)
    days = [date.fromisoformat(s.date) for s in p.sessions]
    assert days[0] == date(2026, 12, 1)
    gaps = {(b - a).days for a, b in itertools.pairwise(days)}
    assert min(gaps) >= threshold("program.schedule.min_days_between")
    assert all(date.fromisoformat(w.sessions[0].date).weekday() == 1 for w in p.weeks)


@pytest.mark.parametrize("experience", EXPERIENCE)
@pytest.mark.parametrize("use_findings", [True, False])
def test_home_equipment_never_prescribes_barbell_or_machine(findings, experience, use_findings):
    p = generate_program(findings if use_findings else [], equipment="home",
                         experience=experience, weeks=12)
    used = {e for _, _, it in _items(p) for e in it.equipment}
    assert not used & {"barbell", "machine"}
    assert used <= set(LIB.profiles["home"])
    gym = generate_program(findings if use_findings else [], equipment="gym",
                           experience=experience, weeks=12)
    assert {e for _, _, it in _items(gym) for e in it.equipment} <= set(LIB.profiles["gym"])


def test_a_listed_equipment_set_is_respected(findings):
    p = generate_program(findings, equipment="band,box")
    assert {e for _, _, it in _items(p) for e in it.equipment} <= {"none", "band", "box"}


@pytest.mark.parametrize("experience", EXPERIENCE)
def test_difficulty_caps_per_experience(findings, experience):
    p = generate_program(findings, experience=experience, equipment="gym", weeks=16)
    cap = threshold(f"program.difficulty.cap_{experience}")
    start = threshold(f"program.difficulty.start_{experience}")
    assert max(it.difficulty for _, _, it in _items(p) if _capped(it)) <= cap
    week1 = [it for s in p.weeks[0].sessions for it in s.items if _capped(it)]
    assert max(it.difficulty for it in week1) <= start


def test_novice_program_stays_easy_and_hard_programs_get_harder(findings):
    novice = generate_program(findings, experience="novice", equipment="gym", weeks=16)
    advanced = generate_program(findings, experience="advanced", equipment="gym", weeks=16)
    assert max(it.difficulty for _, _, it in _items(novice) if _capped(it)) <= 3
    assert max(it.difficulty for _, _, it in _items(advanced) if _capped(it)) >= 4


@pytest.mark.parametrize("avoid", ["knee", "achilles", "knee,achilles", "lower_back", "shoulder"])
def test_avoid_excludes_contraindicated_exercises(findings, avoid):
    p = generate_program(findings, avoid=avoid, equipment="gym", experience="advanced")
    areas = set(avoid.split(","))
    for _, _, it in _items(p):
        assert not set(LIB[it.exercise_id].avoid) & areas, it.exercise_id
    if areas & {"knee", "achilles"}:
        assert not [it for _, _, it in _items(p) if it.category == "plyometric"]
        assert any("Plyometrics left out" in n for n in p.notes)


def test_plyometrics_not_for_novices_in_week_one(findings):
    p = generate_program(findings, experience="novice")
    first = int(threshold("program.plyo.novice_start_week"))
    plyo_weeks = sorted({w.number for w, _, it in _items(p) if it.category == "plyometric"})
    assert plyo_weeks and plyo_weeks[0] == first > 1
    trained = generate_program(findings, experience="intermediate")
    assert any(it.category == "plyometric" for s in trained.weeks[0].sessions for it in s.items)


@pytest.mark.parametrize("experience", EXPERIENCE)
@pytest.mark.parametrize("equipment", ["home", "gym", "none"])
@pytest.mark.parametrize("deload", [True, False])
def test_balance_progressions_never_skip_a_step(findings, experience, equipment, deload):
    p = generate_program(findings, experience=experience, equipment=equipment, deload=deload,
                         weeks=16)
    by_slot: dict = {}
    for w, s, it in _items(p):
        if it.category == "balance":
            by_slot.setdefault((s.label, it.slot), []).append((w.number, it.exercise_id))
    assert by_slot
    steps = 0
    for seq in by_slot.values():
        weeks = [n for n, _ in seq]
        assert weeks == list(range(weeks[0], weeks[0] + len(weeks)))  # once started, every week
        first = LIB[seq[0][1]]
        if weeks[0] > 1:  # a slot that starts later starts from a variant already done
            done = {it.exercise_id for w, _, it in _items(p) if w.number < weeks[0]}
            assert set(first.easier) & done
        for (_, a), (_, b) in itertools.pairwise(seq):
            if a != b:
                assert b in LIB[a].harder
                assert is_single_balance_step(LIB[a], LIB[b])
                steps += 1
    if experience != "advanced" or equipment != "none":
        assert steps >= 1


def test_no_progression_in_deload_weeks(findings):
    p = generate_program(findings, experience="intermediate", weeks=12)
    every = int(threshold("program.deload.every_weeks"))
    for w in p.weeks:
        assert w.deload == (w.number % every == 0)
        if w.deload:
            before = p.weeks[w.number - 2]
            ids = [it.exercise_id for s in before.sessions for it in s.items]
            assert [it.exercise_id for s in w.sessions for it in s.items
                    if it.category != "warm-up"] == [i for i in ids if not i.startswith("wu_")]
            sets = sum(it.sets for s in w.sessions for it in s.items if it.category != "warm-up")
            sets_before = sum(it.sets for s in before.sessions for it in s.items
                              if it.category != "warm-up")
            assert sets < sets_before
    assert not any(w.deload for w in generate_program(findings, deload=False).weeks)


def test_every_exercise_answers_a_finding_or_the_general_program(findings):
    p = generate_program(findings, experience="intermediate", equipment="gym")
    active = {f.key: f for f in findings if f.severity != "ok"}
    for _, _, it in _items(p):
        assert it.answers
        ex = LIB[it.exercise_id]
        # its main target is one the finding names, or the finding's main one is among its
        matched = {k for k, f in active.items()
                   if ex.targets[0] in f.targets or f.targets[0] in ex.targets}
        if it.answers == [GENERAL]:
            assert ex.category == "warm-up" or not matched
        else:
            assert set(it.answers) == matched, it.exercise_id
    assert {f["key"] for f in p.findings} == set(active)  # 'ok' findings ask for nothing
    for row in p.findings:
        assert row["answered_by"]


def test_no_findings_gives_a_general_full_body_program():
    p = generate_program([], experience="intermediate")
    items = [it for s in p.weeks[0].sessions for it in s.items]
    assert {a for it in items for a in it.answers} == {GENERAL}
    strength = [it for it in items if it.category in ("strength", "core")]
    covered = {t for it in strength for t in LIB[it.exercise_id].targets}
    assert set(GENERAL_TARGETS) <= covered
    compound = [it for it in strength if LIB[it.exercise_id].movement == "compound"]
    assert len(compound) > len(strength) / 2


def test_said_the_findings_targets_are_trained(finding):
    shin = finding("shin_load", ("tibialis_anterior",), title="Shin load")
    p = generate_program([shin])
    assert any("tibialis_anterior" in LIB[it.exercise_id].targets and it.answers == ["shin_load"]
               for s in p.weeks[0].sessions for it in s.items)
    hips = finding("crossover", ("glute_med", "single_leg_stability"))
    gen = ProgramGenerator(equipment="gym", experience="intermediate").generate([hips])
    assert gen.weights_["glute_med"] > gen.weights_["quadriceps"]

    def glute_med_work(program):
        return sum("glute_med" in LIB[it.exercise_id].targets
                   for s in program.weeks[0].sessions for it in s.items
                   if it.category in ("strength", "core"))

    general = generate_program([], equipment="gym", experience="intermediate")
    assert glute_med_work(gen.program_) > glute_med_work(general)


def test_loaded_exercises_follow_the_rep_targets_and_effort(findings):
    p = generate_program(findings, experience="advanced", equipment="gym", weeks=8)
    for w, _, it in _items(p):
        ex = LIB[it.exercise_id]
        if ex.external_load and ex.movement == "compound" and ex.unit == "reps":
            phase = 1 if w.number <= 4 else 2
            assert it.reps == threshold(f"program.reps.advanced_phase{phase}")
            assert it.rpe == 10 - it.rir
            assert "ACSM 2009" in it.load and "2-10 %" in it.load
            if it.reps <= 6:
                assert it.rest_s >= threshold("program.rest.heavy_s")


def test_program_json_round_trip(findings):
    p = generate_program(findings, avoid="knee", days=["tue", "sat"], time="07:30",
                         start=date(2027, 1, 5), name="Alex")
    text = json.dumps(p.to_dict())
    back = Program.from_dict(json.loads(text))
    assert back.to_dict() == p.to_dict()
    assert back.config["avoid"] == ["knee"] and back.config["time"] == "07:30"
    assert [s.date for s in back.sessions[:2]] == ["2027-01-05", "2027-01-09"]


@pytest.mark.parametrize("settings, message", [
    ({"season": "summer"}, "season"),
    ({"avoid": "elbow"}, "cannot avoid"),
    ({"equipment": "castle"}, "equipment"),
    ({"experience": "expert"}, "experience"),
    ({"days": ["mon", "tue"]}, "at least 2 days"),
    ({"days": ["mon"]}, "give 2 day"),
    ({"weeks": 0}, "weeks"),
    ({"time": "25:00"}, "HH:MM"),
])
def test_bad_settings_are_one_line_errors(settings, message):
    with pytest.raises(StridelabError, match=message):
        generate_program([], **settings)


@pytest.mark.parametrize("seed", range(25))
def test_random_findings_and_settings_keep_every_constraint(finding, seed):
    import random

    from stridelab.assess.model import TARGETS
    from stridelab.program.library import AVOID

    rng = random.Random(seed)
    fs = [finding(f"f{i}", tuple(rng.sample(sorted(TARGETS), rng.randint(1, 3))),
                  severity=rng.choice(["ok", "watch", "concern"]))
          for i in range(rng.randint(0, 5))]
    settings = {"experience": rng.choice(EXPERIENCE), "equipment": rng.choice(["home", "gym"]),
                "season": rng.choice(["off", "in"]), "weeks": rng.randint(1, 14),
                "avoid": rng.sample(AVOID, rng.randint(0, 2)), "deload": rng.random() < 0.7}
    p = generate_program(fs, **settings)
    cap = threshold(f"program.difficulty.cap_{settings['experience']}")
    allowed = set(LIB.profiles[settings["equipment"]])
    for w, _, it in _items(p):
        ex = LIB[it.exercise_id]
        assert (ex.difficulty <= cap or not _capped(it)) and ex.needs <= allowed
        assert not set(ex.avoid) & set(settings["avoid"])
        assert it.answers and it.sets >= 1 and it.reps >= 1
        if it.category == "plyometric" and settings["experience"] == "novice":
            assert w.number >= threshold("program.plyo.novice_start_week")
    assert len(p.weeks) == settings["weeks"]
    assert {len(w.sessions) for w in p.weeks} == {2 if settings["season"] == "off" else 1}
    strength = [it for it in p.weeks[0].sessions[0].items if it.category == "strength"]
    assert 2 <= len(strength) <= threshold("program.strength.lower_body_exercises") + 1


def test_ranking_weights_are_data_with_sources():
    import csv
    from importlib import resources

    from stridelab.program.weights import WEIGHTS_FILE, load_weights
    from stridelab.thresholds import EVIDENCE_GRADES

    text = resources.files("stridelab.data").joinpath(WEIGHTS_FILE).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["key"] for r in rows} == {f"score.{k}" for k in vars(load_weights())}
    for row in rows:
        assert row["source"].strip() and row["evidence"] in EVIDENCE_GRADES, row
        assert float(row["value"]) >= 0 and row["description"].strip(), row
    assert load_weights() is load_weights()  # read once
