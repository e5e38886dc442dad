"""Y-balance scoring against Plisky et al. 2006's formula (issue 14, part 3)."""

from __future__ import annotations

import pytest

from stridelab.balance.findings import ybalance_findings
from stridelab.balance.ybalance import (
    DIRECTIONS,
    YBalance,
    check_reaches,
    composite_score,
    read_ybalance_csv,
)
from stridelab.errors import InputFileError


def _trials(a, pm, pl):
    return dict(zip(DIRECTIONS, ([a] if isinstance(a, float | int) else a,
                                 [pm] if isinstance(pm, float | int) else pm,
                                 [pl] if isinstance(pl, float | int) else pl), strict=True))


@pytest.mark.parametrize("a, pm, pl, ll", [(60.0, 100.0, 95.0, 90.0), (55.5, 88.0, 91.0, 84.0),
                                           (70.0, 110.0, 105.0, 100.0)])
def test_composite_is_the_papers_formula(a, pm, pl, ll):
    assert composite_score(a, pm, pl, ll) == pytest.approx((a + pm + pl) / (3 * ll) * 100,
                                                           rel=1e-12)


def test_scoring_takes_the_best_trial_and_normalises_by_limb_length():
    yb = YBalance().score({"L": _trials([58.0, 61.0, 60.0], [98.0, 101.0, 99.0], [95.0]),
                           "R": _trials([55.0, 56.0, 54.0], [100.0], [96.0, 97.0])},
                          {"L": 90.0, "R": 90.0})
    left = yb.sides_["L"]
    assert left.reach_cm == {"anterior": 61.0, "posteromedial": 101.0, "posterolateral": 95.0}
    assert left.composite_pct == pytest.approx((61 + 101 + 95) / 270 * 100)
    assert left.normalised_pct["anterior"] == pytest.approx(61 / 90 * 100)
    assert yb.anterior_asymmetry_cm_ == pytest.approx(5.0)
    assert yb.shorter_anterior_ == "R"
    assert "anterior_asymmetry" in yb.flags_
    mean = YBalance(reduce="mean").score({"L": _trials([58.0, 62.0], 100.0, 95.0)},
                                         {"L": 90.0})
    assert mean.sides_["L"].reach_cm["anterior"] == pytest.approx(60.0)
    assert mean.anterior_asymmetry_cm_ is None


@pytest.mark.parametrize("a_left, a_right, flagged", [(60.0, 56.0, False), (60.0, 55.9, True),
                                                      (50.0, 60.0, True)])
def test_anterior_asymmetry_above_4_cm_is_flagged(a_left, a_right, flagged):
    yb = YBalance().score({"L": _trials(a_left, 100.0, 100.0),
                           "R": _trials(a_right, 100.0, 100.0)}, {"L": 90.0, "R": 90.0})
    assert ("anterior_asymmetry" in yb.flags_) is flagged
    f = next(f for f in ybalance_findings(yb) if f.key == "ybalance_anterior_asymmetry")
    assert f.band == ("asymmetric" if flagged else "typical")
    assert f.unit == "cm" and "Plisky" in f.source
    if flagged:
        assert "associated with" in f.explanation and f.injuries


def test_composite_below_94_percent_is_low():
    # (60 + 90 + 90) / 270 = 88.9 %; (70 + 100 + 100) / 270 = 100 %
    yb = YBalance().score({"L": _trials(60.0, 90.0, 90.0), "R": _trials(70.0, 100.0, 100.0)},
                          {"L": 90.0, "R": 90.0})
    bands = {f.side: f.band for f in ybalance_findings(yb) if f.key == "ybalance_composite"}
    assert bands == {"L": "low", "R": "typical"}


def test_the_csv_gives_trials_units_and_limb_length(tmp_path):
    path = tmp_path / "yb.csv"
    path.write_text("side,anterior_cm,posteromedial_cm,posterolateral (mm),limb_length_cm\n"
                    "L,60,100,950,90\nL,62,101,960,\nR,57,99,940,91\n")
    trials, limb = read_ybalance_csv(path)
    assert trials["L"]["anterior"] == [60.0, 62.0]
    assert trials["L"]["posterolateral"] == [95.0, 96.0]
    assert limb == {"L": 90.0, "R": 91.0}
    check_reaches(trials, limb, path)


@pytest.mark.parametrize("text, words", [
    ("side,anterior,posteromedial,posterolateral\nX,1,2,3\n", "not L or R"),
    ("side,anterior,posteromedial,posterolateral,speed\nL,1,2,3,4\n", "unknown column"),
    ("side,anterior,posteromedial\nL,1,2\n", "no posterolateral reach"),
    ("side,anterior,posteromedial,posterolateral\nL,600,1000,950\n", "millimetres given"),
    ("side,anterior,posteromedial,posterolateral,limb_length\nL,60,100,95,900\n",
     "not a leg's"),
])
def test_bad_reaches_are_one_line(tmp_path, text, words):
    path = tmp_path / "yb.csv"
    path.write_text(text)
    with pytest.raises(InputFileError) as exc:
        trials, limb = read_ybalance_csv(path)
        check_reaches(trials, limb or {"L": 90.0}, path)
    assert words in str(exc.value) and "\n" not in str(exc.value)
    assert str(path) in str(exc.value)
