"""The two-device agreement page: self-contained, one Bland-Altman plot and sentence per channel."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from stridelab.io.activity.devices import read_two_devices
from stridelab.report.agreement_page import (
    plain_sentence,
    render_agreement_html,
    write_agreement_page,
)
from stridelab.report.page import CSP
from stridelab.summary.agreement import DeviceAgreement, agreement_document


@pytest.fixture()
def doc(tmp_path):
    rng = np.random.default_rng(4)
    t = np.arange(400.0)
    ct = 250 + 8 * np.sin(t / 50)
    pd.DataFrame({
        "elapsed_seconds": t,
        "hrm_stance_time": ct + 12 + rng.normal(0, 8, t.size),
        "stryd_stance_time": ct + rng.normal(0, 8, t.size),
        "hrm_vertical_oscillation": 95 + rng.normal(0, 3, t.size),   # mm
        "stryd_vertical_oscillation": 8.0 + rng.normal(0, 0.3, t.size),  # cm
        "hrm_cadence": 82, "stryd_cadence": 82,
    }).to_csv(tmp_path / "run <b>.csv", index=False)
    rec = read_two_devices(tmp_path / "run <b>.csv")
    return agreement_document(DeviceAgreement().compare(rec), rec)


def test_page_is_self_contained_and_has_a_plot_and_sentence_per_channel(doc):
    html = render_agreement_html(doc)
    assert CSP in html and "<script" not in html and "http://" not in html.replace(
        "http://www.w3.org", "")
    assert "run &lt;b&gt;.csv" in html and "run <b>.csv" not in html  # file name escaped
    assert html.count("<svg") == len(doc["channels"]) == 3
    assert "contact time" in html and "vertical oscillation" in html
    # the sentence carries the measured bias: 12 ms longer, in words
    bias = round(doc["channels"]["contact_time_ms"]["bias"])
    assert re.search(rf"reads contact time {bias} ms longer than the foot pod", html)
    assert "limits of agreement" in html


def test_sentence_words_follow_the_sign_and_the_confidence_interval():
    base = {"unit": "ms", "n": 500, "lower": -20.0, "upper": 44.0, "central": [-18.0, 40.0]}
    longer = plain_sentence("contact_time_ms", {**base, "bias": 12.0, "bias_ci": [8.0, 16.0]},
                            ["hrm", "stryd"])
    assert longer.startswith("The chest strap (hrm) reads contact time 12 ms longer than the "
                             "foot pod (stryd) on average (95 % CI +8 to +16 ms)")
    assert "\u221220 to +44 ms" in longer and "middle 95 % of the 500 seconds" in longer
    shorter = plain_sentence("contact_time_ms", {**base, "bias": -12.0, "bias_ci": [-16, -8]},
                             ["watch", "pod"])
    assert "reads contact time 12 ms shorter than the pod" in shorter
    unclear = plain_sentence("cadence_spm", {**base, "unit": "steps/min", "bias": 0.3,
                                             "bias_ci": [-0.2, 0.8]}, ["a", "b"])
    assert "cannot tell from none" in unclear and "higher" in unclear


def test_write_page_from_the_json_document(doc, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "agreement.json").write_text(json.dumps(doc), encoding="utf-8")
    page = write_agreement_page(folder)
    assert page.name == "agreement.html" and page.stat().st_size > 10_000
    assert "Bland-Altman plot of cadence" in page.read_text("utf-8")
