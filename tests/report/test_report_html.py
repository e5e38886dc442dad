"""The report page: content, escaping, self-containment, inputs and the CLI."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InputFileError, StridelabError
from stridelab.report import load_results, write_report
from stridelab.report.curves import available_channels, stride_curve
from stridelab.report.plots import PHASES, phase_means
from stridelab.report.values import fmt, metric_si

from .conftest import run_cli, sample_findings, synthetic_angles

EXTERNAL = re.compile(r"""(?:\b(?:src|href|xlink:href|action|poster)\s*=\s*["']?\s*"""
                      r"""(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import)""", re.I)


def assert_self_contained(page: str) -> None:
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "default-src 'none'" in page  # the CSP forbids any fetch even by mistake


def test_cli_report_on_real_analysis(example_results):
    res = run_cli("report", example_results)
    assert res.returncode == 0, res.stderr
    page = (example_results / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    summary = json.loads((example_results / "summary.json").read_text())
    # header and metrics come from this analysis
    assert summary["source"] in page and "example.trc" in page
    contact = summary["metrics"]["contact_time_ms"]
    assert f"<td>{contact['mean']:.0f}</td>" in page
    assert "Robinson 1987" in page
    # phases, the left/right chart and one figure per joint angle that analyze wrote
    angles_path = example_results / "angles.csv"
    angles = pd.read_csv(angles_path) if angles_path.exists() else None
    n_angles = len(available_channels(angles))
    assert page.count("<svg") == 2 + n_angles
    assert 'aria-label="Phases of the stride, left and right"' in page
    assert ("no angles.csv" in page) == (angles is None)
    # analyze assessed the summary: the findings it wrote are in the page
    findings = json.loads((example_results / "findings.json").read_text())["findings"]
    assert findings and all(f["title"] in page for f in findings)
    # and drafted a default program (program.json), which the report shows
    assert (example_results / "program.json").exists()
    assert '<div class="sl-program">' in page and "No program yet" not in page
    assert "not diagnoses" in page


def test_synthetic_report_with_angles_and_findings(synthetic_results, tmp_path):
    inputs = load_results(synthetic_results)
    assert inputs.angles is not None and len(inputs.findings) == 3
    path = write_report(tmp_path, inputs.summary, inputs.strides, inputs.angles,
                        inputs.findings)
    page = path.read_text(encoding="utf-8")
    assert_self_contained(page)
    # hostile text is shown, escaped, never markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    assert "&lt;b&gt;worth&lt;/b&gt;" in page
    # most important first; every finding with band, grade, source and injuries
    assert page.index('data-key="asymmetry_contact_time"') < page.index(
        'data-key="pelvic_drop"') < page.index('data-key="trunk_lean"')
    assert "evidence: expert opinion" in page and "Teng &amp; Powers 2015" in page
    assert "medial tibial stress syndrome, Achilles tendinopathy" in page
    assert "gluteus medius" in page  # targets in words
    assert "not measurable from this input" in page
    # the disagreement is shown side by side
    views = page[page.index('data-key="trunk_lean"'):]
    assert '<div class="sl-views">' in views and "The article calls 6-10 deg optimal" in views
    # knee and hip curves: two more figures than without angles
    assert page.count("<svg") == 4
    assert "Knee flexion over the stride" in page and "Hip flexion over the stride" in page


def test_cli_shows_assessment_notes(synthetic_results):
    res = run_cli("report", synthetic_results)
    assert res.returncode == 0, res.stderr
    page = (synthetic_results / "report.html").read_text(encoding="utf-8")
    section = page[page.index('id="findings"'):page.index('id="program"')]
    assert section.count("<article") == 3
    assert "One runner, one speed &lt;b&gt;only&lt;/b&gt;." in section
    assert "not assessed (no evidence-graded threshold): Swing time" in section
    assert "Pelvic drop (needs a rear view)" in section


def test_program_fragment_is_included(example_results, tmp_path):
    inputs = load_results(example_results)
    fragment = '<div class="sl-program"><h3>Week 1</h3><p>Single-leg squat 3 x 8</p></div>'
    page = write_report(tmp_path, inputs.summary, inputs.strides,
                        program_html=fragment).read_text(encoding="utf-8")
    assert fragment in page and "No program yet" not in page


def test_warnings_are_prominent_and_escaped(example_results, tmp_path):
    inputs = load_results(example_results)
    summary = {**inputs.summary, "warnings": ["only 3 contacts <left>", "axes guessed"]}
    page = write_report(tmp_path, summary, inputs.strides).read_text(encoding="utf-8")
    box = page[page.index('class="sl-warnings"'):page.index('id="metrics"')]
    assert "2 warnings" in box and "only 3 contacts &lt;left&gt;" in box


def test_stride_curve_normalises_each_stride():
    # a signal equal to the % of the current left stride must average to the identity, SD 0
    ic = np.array([0.0, 0.7, 1.42, 2.1])
    strides = pd.DataFrame({"side": "L", "ic_s": ic[:-1], "to_s": ic[:-1] + [0.23, 0.25, 0.22],
                            "next_ic_s": ic[1:]})
    t = np.arange(0, 2.1, 0.001)
    k = np.searchsorted(ic, t, side="right") - 1
    pct = 100 * (t - ic[k]) / (ic[k + 1] - ic[k])
    curve = stride_curve(pd.DataFrame({"time_s": t, "L_x": pct}), strides, "L_x", "L")
    assert curve.n_strides == 2  # the last stride runs past the signal's end
    np.testing.assert_allclose(curve.mean[:-1], curve.pct[:-1], atol=0.2)
    assert curve.sd[:-1].max() < 0.2
    expected = np.mean([0.23 / 0.7, 0.25 / 0.72])
    assert curve.stance_pct == pytest.approx(100 * expected)
    assert stride_curve(pd.DataFrame({"time_s": t, "L_x": pct}), strides, "L_x", "R") is None


def test_synthetic_angles_curve_shape(synthetic_results):
    strides = pd.read_csv(synthetic_results / "strides.csv")
    angles = synthetic_angles(strides)
    left = stride_curve(angles, strides, "L_knee_flexion_deg", "L")
    right = stride_curve(angles, strides, "R_knee_flexion_deg", "R")
    assert left.mean.max() == pytest.approx(95, abs=3)  # swing peak as generated
    assert left.mean.max() - right.mean.max() == pytest.approx(6, abs=2)
    assert left.mean[:int(left.stance_pct)].max() < 50  # stance peak is the small one


def test_phase_means_fall_back_to_strides(example_results):
    inputs = load_results(example_results)
    from_summary = phase_means(inputs.summary, inputs.strides)
    from_strides = phase_means({}, inputs.strides)
    for side in ("L", "R"):
        assert sum(from_strides[side][p] for p in PHASES) == pytest.approx(100, abs=0.5)
        for p in PHASES:
            assert from_summary[side][p] == pytest.approx(from_strides[side][p], abs=0.01)


def test_symmetry_index():
    def si(left, right):
        return metric_si({"metrics": {"stride_time_ms": {"L": left, "R": right}}},
                         "stride_time_ms")

    assert si(100, 110) == pytest.approx(10 / 105 * 100)
    assert si(110, 100) == pytest.approx(-10 / 105 * 100)
    assert si(-2, 3) is None and si(None, 3) is None  # both sides positive, or no index
    summary = {"symmetry_index_pct": {"contact_time_ms": 1.5},
               "metrics": {"contact_time_ms": {"L": 200, "R": 250},
                           "swing_time_ms": {"L": 400, "R": 440},
                           "pelvic_drop_deg": {"L": 0.1, "R": 0.3}}}
    assert metric_si(summary, "contact_time_ms") == 1.5  # the summary's value wins
    assert metric_si(summary, "swing_time_ms") == pytest.approx(40 / 420 * 100)
    assert metric_si(summary, "pelvic_drop_deg") is None  # near zero: R - L only


def test_report_numbers():
    assert fmt(-1.25, "deg") == "\u22121.2" and fmt(244.4, "ms") == "244"
    assert fmt(0.8123) == "0.812" and fmt(3.14159, "km") == "3.14"
    assert fmt(None, "ms") == fmt(float("nan")) == "\u2013"


def test_findings_json_forms(tmp_path):
    from stridelab.assess.model import read_findings_document

    def read_findings(path):
        return read_findings_document(path)[0]

    items = [f.to_dict() for f in sample_findings()]
    (tmp_path / "a.json").write_text(json.dumps(items))
    (tmp_path / "b.json").write_text(json.dumps({"findings": items, "notes": ["n"]}))
    assert read_findings(tmp_path / "a.json") == read_findings(tmp_path / "b.json")
    assert read_findings(tmp_path / "a.json") == sample_findings()
    assert read_findings_document(tmp_path / "b.json")[1] == {"notes": ["n"]}
    (tmp_path / "c.json").write_text(json.dumps([{"key": "x"}]))
    with pytest.raises(InputFileError, match=r"finding 1 \(x\): missing key\(s\) metric"):
        read_findings(tmp_path / "c.json")


def test_missing_results_give_one_line_errors(tmp_path):
    with pytest.raises(StridelabError, match="no such results folder"):
        load_results(tmp_path / "nowhere")
    res = run_cli("report", tmp_path)
    assert res.returncode == 2
    assert "summary.json: missing" in res.stderr and "Traceback" not in res.stderr


def test_pdf_without_chromium_names_the_package(example_results, tmp_path, monkeypatch):
    from stridelab.report import write_pdf

    monkeypatch.setenv("STRIDELAB_CHROMIUM", str(tmp_path / "no-such-browser"))
    inputs = load_results(example_results)
    html = write_report(tmp_path, inputs.summary, inputs.strides)
    with pytest.raises(StridelabError, match="apt-get install chromium"):
        write_pdf(html, tmp_path / "report.pdf")


def test_real_recording_report(shared_file, tmp_path):
    res = run_cli("analyze", shared_file("mocap/RBDS001runT35.c3d"), "--out", tmp_path, "-q")
    assert res.returncode == 0, res.stderr
    res = run_cli("report", tmp_path)
    assert res.returncode == 0, res.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "force plate" in page and "42 left / 43 right" in page


def test_symmetry_chart_keeps_small_asymmetries_visible():
    from stridelab.report.plots import symmetry_svg

    summary = {"metrics": {"contact_time_ms": {"L": 240, "R": 245},
                           "knee_flexion_ic_deg": {"L": 10, "R": 20}}}
    svg = symmetry_svg(summary)
    assert "+66.7% \u25b8" in svg  # past the axis: drawn to the edge, labelled in the bar
    assert "+2.1%" in svg and "\u221230" in svg  # axis capped at three 10 % bands


def test_program_json_is_rendered_by_the_program_stage(synthetic_results):
    pytest.importorskip("stridelab.program.render", reason="program stage not installed")
    res = run_cli("plan", synthetic_results)
    assert res.returncode == 0, res.stderr
    assert (synthetic_results / "program.json").is_file()
    res = run_cli("report", synthetic_results)
    assert res.returncode == 0, res.stderr
    page = (synthetic_results / "report.html").read_text(encoding="utf-8")
    program = page[page.index('id="program"'):]
    assert '<div class="sl-program">' in program and "No program yet" not in page
    assert_self_contained(page)
