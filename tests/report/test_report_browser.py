"""The report in a real browser: headless Chromium renders it, screenshots it, prints it.

Skipped, with the reason, where no Chromium is installed (Debian: `apt-get install chromium`;
.ci/run installs it).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from stridelab.report import find_chromium, load_results, write_pdf, write_report
from stridelab.report.browser import dump_dom, screenshot

from .conftest import run_cli, sample_findings, synthetic_angles

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium installed (Debian: apt-get install chromium; or set STRIDELAB_CHROMIUM)")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, example_results):
    """A report with angles and findings, written where the screenshots go (never the repo)."""
    out = tmp_path_factory.mktemp("rendered")
    inputs = load_results(example_results)
    angles = synthetic_angles(pd.read_csv(example_results / "strides.csv"))
    findings = json.loads(json.dumps([f.to_dict() for f in sample_findings()]))
    return write_report(out, inputs.summary, inputs.strides, angles, findings)


@pytest.mark.parametrize("width,height", [(1280, 2000), (390, 5000)])  # desktop, phone
def test_screenshot_is_not_blank(rendered, width, height):
    png = screenshot(rendered, rendered.parent / f"report-{width}.png", width=width,
                     height=height)
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape[:2] == (height, width)
    colours = np.unique(image.reshape(-1, 3), axis=0)
    assert len(colours) > 200  # text antialiasing and the plots' colours, not a flat page
    background = np.all(image >= 240, axis=2).mean()
    assert 0.05 < 1 - background < 0.9  # content covers part of the page
    # the phase bars' dark red (initial contact, #a50f15) is drawn somewhere on the page
    red = (np.abs(image.astype(int) - [0xa5, 0x0f, 0x15]).sum(axis=2) < 30).sum()
    assert red > 100


def test_dom_after_rendering_holds_findings_and_plots(rendered):
    dom = dump_dom(rendered)
    assert dom.count("<svg") == 4  # phases, knee and hip curves, left/right
    assert dom.count('<path d="M') > 50  # the plots were parsed into drawn SVG paths
    for key in ("asymmetry_contact_time", "pelvic_drop", "trunk_lean"):
        assert f'data-key="{key}"' in dom
    # the hostile finding stayed text: no script or image element reached the DOM
    assert not re.search(r"<script\b", dom, re.I) and not re.search(r"<img\b", dom, re.I)
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in dom
    assert "not diagnoses" in dom


def test_pdf_is_printed(rendered):
    pdf = write_pdf(rendered, rendered.with_suffix(".pdf"))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 2, pages
    assert len(data) > 50_000


def test_cli_report_pdf(example_results, tmp_path):
    res = run_cli("report", example_results, "--pdf", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "report.pdf" in res.stdout
