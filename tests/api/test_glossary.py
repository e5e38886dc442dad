"""One name per measure, one CV rule, one symmetry-index rule (issue 13, point 6).

The glossary (``stridelab/data/glossary.toml``) names every summary key once; the finding
titles, the report, the terminal table and the warnings read it. The coefficient of variation
is given only for ratio-scale quantities; the terminal shows the symmetry index the report
shows.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from stridelab.assess.rules import ASYMMETRY, RULES
from stridelab.cli.tables import _ROWS, summary_table
from stridelab.gait.phases import PHASES
from stridelab.report.values import label, metric_si
from stridelab.summary import METRIC_UNITS, Summary, metric_stats
from stridelab.summary.build import form_metrics
from stridelab.summary.glossary import asymmetry_title, load_glossary, name, symmetry_warnings
from stridelab.summary.plausibility import knee_gate

KEYS = [*METRIC_UNITS, *(f"{p}_pct" for p in PHASES), "flight_pct", "foot_strike",
        "contact_time_balance_left_pct"]


def test_every_summary_key_has_one_name_and_no_two_keys_share_one():
    glossary = load_glossary()
    missing = [k for k in KEYS if k not in glossary]
    assert not missing
    names = [t.name.lower() for t in glossary.values()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for term in glossary.values():
        assert term.name and term.explanation.endswith(".")


def test_every_rule_title_is_the_glossary_name():
    for rule in RULES:
        expected = asymmetry_title(rule.metric) if rule.kind == ASYMMETRY else name(rule.metric)
        assert rule.title == expected


@pytest.mark.parametrize("key", KEYS)
def test_the_report_names_a_key_by_the_glossary(key):
    assert label(key) == name(key)


def test_a_key_outside_the_glossary_is_an_error_naming_it():
    with pytest.raises(KeyError, match="cadense_spm"):
        name("cadense_spm")


def _table_text(summary: dict) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(summary_table(summary))
    return console.file.getvalue()


def _summary(**metrics) -> dict:
    return {"activity": "running", "source": "synthetic", "n_contacts": {"L": 5, "R": 5},
            "metrics": metrics, "symmetry_index_pct": {}}


def test_the_terminal_names_rows_by_the_glossary():
    text = _table_text(_summary(**{key: {"mean": 1.0, "sd": 0.1, "L": 1.0, "R": 1.0}
                                   for key, _ in _ROWS}))
    for key, _ in _ROWS:
        assert label(key) in text


def test_the_terminal_table_fits_80_columns():
    widest = {0: 999.0, 1: -99.9, 3: 0.333}  # the widest a runner's values get, by digits
    summary = _summary(**{key: dict.fromkeys(("mean", "sd", "L", "R"), widest[digits])
                          for key, digits in _ROWS})
    summary["foot_strike"] = {"overall": "rearfoot", "L": "rearfoot", "R": "midfoot"}
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(summary_table(summary))
    rows = [ln for ln in console.file.getvalue().splitlines() if ln.startswith("\u2502")]
    assert len(rows) == len(_ROWS)  # no name wrapped onto a second line
    assert max(len(ln) for ln in console.file.getvalue().splitlines()) <= 80
    assert "Foot-strike pattern: rearfoot (left rearfoot, right midfoot)" in \
        console.file.getvalue()


def test_the_terminal_shows_the_symmetry_index_the_report_shows():
    summary = _summary(knee_flexion_peak_stance_deg={"mean": 40.0, "sd": 2.0, "L": 30.0,
                                                     "R": 50.0},
                       trunk_lean_deg={"mean": 1.0, "sd": 1.0, "L": -1.0, "R": 3.0})
    assert metric_si(summary, "knee_flexion_peak_stance_deg") == pytest.approx(50.0)
    assert metric_si(summary, "trunk_lean_deg") is None  # an angle near 0: R - L only
    lines = _table_text(summary).splitlines()
    knee = next(ln for ln in lines if label("knee_flexion_peak_stance_deg") in ln)
    lean = next(ln for ln in lines if f"{label('trunk_lean_deg')} (" in ln)
    assert knee.rstrip(" |\u2502").endswith("50.0")
    assert lean.rstrip(" |\u2502").endswith("-")


def test_cv_only_for_ratio_scale_quantities():
    angles = np.array([-1.0, 0.1, 1.2, -0.4])
    assert metric_stats(angles, "deg").cv_pct is None
    assert metric_stats([240.0, 250.0, 260.0], "ms").cv_pct == pytest.approx(4.0)
    assert metric_stats([20.0, -5.0, 10.0], "ms").cv_pct is None  # not all positive
    measures = pd.DataFrame({"trunk_lean_deg": [-1.0, 0.2, 1.0, -0.5],
                             "vertical_oscillation_cm": [8.0, 9.0, 8.5, 8.7],
                             "step_width_cm": [0.5, -0.2, 0.4, 0.1]})
    metrics = form_metrics(measures, pd.Series(list("LRLR")))
    assert metrics["trunk_lean_deg"].cv_pct is None
    assert metrics["step_width_cm"].cv_pct is None
    assert metrics["vertical_oscillation_cm"].cv_pct is not None


def test_warnings_name_measures_not_keys():
    texts = symmetry_warnings({"contact_time_ms": 17.1, "step_time_ms": 3.0}, 10.0, True)
    assert texts == ["left/right difference in ground contact time: symmetry index +17.1 % "
                     "(one side view, the far leg partly hidden: not to be read as the "
                     "runner's asymmetry)"]
    summary = Summary.from_dict({"metrics": {"knee_flexion_peak_stance_deg": {
        "mean": 15.0, "count": 4, "unit": "deg"}}})
    knee_gate(summary)
    assert summary.warnings and "_" not in summary.warnings[0]
