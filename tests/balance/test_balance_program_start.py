"""Balance findings start the program's balance ladders at the level the tests show
(issue 14, part 4): one test per level, for both ladders, from the findings
``stridelab balance`` writes."""

from __future__ import annotations

import pytest
from balance_signals import write_two_plates

from stridelab.balance.findings import ybalance_findings
from stridelab.balance.session import analyze_balance
from stridelab.balance.ybalance import DIRECTIONS, YBalance
from stridelab.program.balance_start import balance_starts
from stridelab.program.generator import generate_program
from stridelab.program.library import load_library

LIB = load_library()
FS = 100.0


def _hold_findings(tmp_path, seconds: float, sway_m: float = 0.003, freq: float = 0.5):
    import numpy as np

    n = int((seconds + 10) * FS)
    t = np.arange(n) / FS
    stance, lifted = np.full(n, 350.0), np.full(n, 350.0)
    up = (t >= 1.0) & (t < 1.0 + seconds)
    stance[up], lifted[up] = 700.0, 0.0
    ap = 0.2 + sway_m * np.sin(2 * np.pi * freq * t)
    path = write_two_plates(tmp_path / f"hold_{seconds}.txt", stance, lifted, ap, ap, FS)
    return analyze_balance([path], stance="single").findings


def _ybalance(anterior_l: float, anterior_r: float, composite_reach: float = 100.0):
    yb = YBalance().score(
        {s: dict(zip(DIRECTIONS, ([a], [composite_reach], [composite_reach]), strict=True))
         for s, a in (("L", anterior_l), ("R", anterior_r))}, {"L": 90.0, "R": 90.0})
    return ybalance_findings(yb)


def _first_balance(program) -> dict[str, str]:
    items = [it for it in program.weeks[0].sessions[0].items if it.category == "balance"]
    return {LIB.ladder_of(LIB[it.exercise_id]): it.exercise_id for it in items}


@pytest.mark.parametrize("seconds, level, static_first", [
    (5.0, "short", "bal_tandem_firm_eo"),
    (18.0, "partial", "bal_single_firm_eo"),
    (30.0, "full", "bal_single_firm_ec"),   # held 30 s eyes open: eyes closed next
])
def test_the_force_plate_hold_sets_the_static_start(tmp_path, seconds, level, static_first):
    findings = _hold_findings(tmp_path, seconds)
    starts = balance_starts(LIB, findings, self_test_s=None)
    assert starts["static"].level == level and starts["static"].origin == "findings"
    program = generate_program(findings, experience="advanced")
    assert _first_balance(program)["static"] == static_first
    note = next(n for n in program.notes if n.startswith("Balance starts at"))
    assert "from your balance tests" in note and f"held {seconds:.1f} s" in note


def test_the_recording_wins_over_the_self_test(tmp_path):
    findings = _hold_findings(tmp_path, 30.0)
    program = generate_program(findings, experience="advanced", single_leg_stance_s=5)
    assert _first_balance(program)["static"] == "bal_single_firm_ec"


def test_high_single_leg_sway_keeps_a_full_hold_one_level_lower(tmp_path):
    findings = _hold_findings(tmp_path, 30.0, sway_m=0.012, freq=1.5)
    assert any(f.key == "single_leg_sway_ap" and f.band == "high" for f in findings)
    starts = balance_starts(LIB, findings, None)
    assert starts["static"].level == "partial" and "one level lower" in starts["static"].because
    assert _first_balance(generate_program(findings, experience="advanced"))["static"] == \
        "bal_single_firm_eo"


@pytest.mark.parametrize("anterior_r, level, dynamic_first", [
    (60.0, "full", "bal_single_reach_firm"),   # symmetric, composite 96 %: single-leg reach
    (54.0, "partial", "bal_tandem_walk"),      # 6 cm anterior asymmetry: one level lower
])
def test_the_y_balance_sets_the_dynamic_start(anterior_r, level, dynamic_first):
    findings = _ybalance(60.0, anterior_r, composite_reach=100.0)
    starts = balance_starts(LIB, findings, self_test_s=None)
    assert starts["dynamic"].level == level
    assert starts["static"].origin == "default"
    program = generate_program(findings, experience="advanced")
    assert _first_balance(program)["dynamic"] == dynamic_first


def test_a_low_composite_starts_the_dynamic_ladder_lower():
    findings = _ybalance(55.0, 55.0, composite_reach=85.0)  # (55 + 170) / 270 = 83 %
    assert balance_starts(LIB, findings, None)["dynamic"].level == "partial"


def test_without_balance_findings_the_self_test_still_decides():
    starts = balance_starts(LIB, [], self_test_s=30)
    assert {s.origin for s in starts.values()} == {"self-test"}
    assert {s.level for s in starts.values()} == {"full"}
    assert {s.level for s in balance_starts(LIB, [], None).values()} == {"partial"}


def test_a_retest_moves_the_start_on(tmp_path):
    before = _first_balance(generate_program(_hold_findings(tmp_path, 12.0),
                                             experience="advanced"))
    after = _first_balance(generate_program(_hold_findings(tmp_path, 31.0),
                                            experience="advanced"))
    assert before["static"] == "bal_single_firm_eo" and after["static"] == "bal_single_firm_ec"
    assert after["static"] in LIB[before["static"]].harder
