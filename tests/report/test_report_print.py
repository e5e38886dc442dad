"""The printed report (``stridelab report --pdf``): the whole program, no half-empty page,
file names on one line.

The PDF is printed by headless Chromium and read back with pypdfium2 (text and rendered
pages). Input: the recorded results of the shared treadmill clip (``tests/data/snapshots``,
in the repository), with synthetic joint angles and the program ``stridelab plan`` makes of
its findings. Skipped, with the reason, where no Chromium is installed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stridelab.report import find_chromium
from stridelab.report.build import report_folder

from .conftest import run_cli, synthetic_angles

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium installed (Debian: apt-get install chromium; or set STRIDELAB_CHROMIUM)")

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "treadmill_clip"
CLIP = "/data/video/treadmill_side_60fps.mp4"
# a page whose ink ends above this share of its height is "half empty" (A4, 14 mm margins:
# a full page's ink ends near 0.95)
MIN_FILLED = 0.7


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The PDF of the shared clip's recorded results, its text per page and its page images."""
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 (dev extra) reads the PDF")
    folder = tmp_path_factory.mktemp("printed")
    for name in ("summary.json", "strides.csv", "findings.json"):
        shutil.copy(SNAPSHOT / name, folder / name)
    res = run_cli("plan", folder, "--start", "2027-01-04")
    assert res.returncode == 0, res.stderr
    summary = json.loads((folder / "summary.json").read_text())
    summary["file"] = CLIP
    (folder / "summary.json").write_text(json.dumps(summary))
    synthetic_angles(pd.read_csv(folder / "strides.csv")).to_csv(folder / "angles.csv",
                                                                  index=False)
    pdf = pdfium.PdfDocument(report_folder(folder, pdf=True)["pdf"])
    texts = [page.get_textpage().get_text_range() for page in pdf]
    images = [np.asarray(page.render(scale=0.5).to_pil().convert("L")) for page in pdf]
    program = json.loads((folder / "program.json").read_text())
    return texts, images, program


def test_every_week_and_the_rules_are_printed(printed):
    texts, _, program = printed
    text = "\n".join(texts)
    weeks = program["weeks"]
    assert len(weeks) == 8
    for week in weeks:
        assert f"Week {week['number']} \u00b7 {week['phase']}" in text
    # the weeks' contents, not only their titles: every session of every week is printed
    for label in ("A", "B"):
        assert text.count(f"Session {label} \u00b7") == len(weeks), label
    assert "Rules and their evidence" in text
    for rule in program["rules"][:3] + program["rules"][-1:]:
        first_words = " ".join(rule["rule"].split()[:3])
        assert first_words in " ".join(text.split()), first_words


def test_no_page_is_half_empty(printed):
    _, images, _ = printed
    assert len(images) >= 3
    for number, image in enumerate(images[:-1], start=1):
        ink = image < 200
        rows = np.flatnonzero(ink.any(axis=1))
        assert ink.mean() > 0.02, f"page {number} is nearly blank"
        filled = rows.max() / image.shape[0]
        assert filled > MIN_FILLED, f"page {number}: ink ends at {filled:.0%} of the page"


def test_file_name_is_on_one_line(printed):
    texts, _, _ = printed
    lines = [line.strip() for line in texts[0].splitlines()]
    file_fact = next(line for line in lines if line.startswith("File "))
    assert file_fact.startswith("File treadmill_side_60fps.mp4"), lines[:12]
    assert CLIP in lines, lines[:12]  # the path under the title
