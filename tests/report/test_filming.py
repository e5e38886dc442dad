"""Filming guidance: the picture, the README's copy of it and the report's "How to film"."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stridelab.report import filming, load_results, write_report

from .test_report_html import assert_self_contained

SVG_NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]


def svg_texts(svg: str) -> str:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))


def test_svg_is_xml_with_three_phone_positions():
    svg = filming.filming_svg()
    texts = svg_texts(svg)
    for name in ("Left side", "Right side", "Behind (rear view)"):
        assert name in texts
    assert "3\u20135 m" in texts and "hip height" in texts and "60+ fps" in texts
    assert 'role="img"' in svg and 'class="sl-plot"' in svg  # the report's SVG helper
    # the file for the README: an SVG document with its size
    doc = filming.standalone_svg()
    assert doc.startswith("<?xml") and svg_texts(doc[doc.index("<svg"):]) == texts
    root = ET.fromstring(doc[doc.index("<svg"):])
    assert root.get("width", "").endswith("pt") and root.get("height", "").endswith("pt")


def test_module_writes_the_svg_file(tmp_path):
    out = tmp_path / "docs" / "filming.svg"
    assert filming.main([str(out)]) == 0
    assert ET.parse(out).getroot().tag == f"{SVG_NS}svg"
    assert filming.main([]) == 2


def test_docs_svg_is_the_modules_picture():
    # the same labels (coordinates may differ between Matplotlib versions)
    doc = (ROOT / "docs" / "filming.svg").read_text(encoding="utf-8")
    assert svg_texts(doc[doc.index("<svg"):]) == svg_texts(filming.filming_svg()), (
        "regenerate it: python -m stridelab.report.filming docs/filming.svg")


def test_guidance_html_names_clips_placement_and_frame_rates():
    fragment = filming.guidance_html()
    assert fragment.count("<svg") == 1
    for text in ("left side", "right side", "behind", "hip height", "--capture-fps",
                 "60 fps or more", "30 fps", "10 seconds"):
        assert text in fragment, text
    assert fragment.count("<tr>") == 1 + len(filming.FRAME_RATES)


def video_summary(summary: dict, **changes) -> dict:
    scene = {"view": "side", "setting": "treadmill", "facing": 1, "px_per_m": 300.0,
             "detected": ["view"], "height_m": 1.78, "near_leg": "L",
             "leg_visibility": {"L": 0.9, "R": 0.6}}
    out = {**summary, "kind": "video", "view": "side", "scene": scene,
           "pose": {"source": "mediapipe", "frames": 600, "fps": 60.0}}
    for key, value in changes.items():
        if key == "view":
            out["view"] = value
        if key in scene:
            out["scene"] = {**out["scene"], key: value}
        elif key == "fps":
            out["pose"] = {**out["pose"], "fps": value}
        else:
            out[key] = value
    return out


def section(page: str) -> str:
    start = page.index('<section id="filming">')
    return page[start:page.index("</section>", start)]


@pytest.mark.parametrize(("near", "missing", "seen"), [("L", "right", "left"),
                                                       ("R", "left", "right")])
def test_side_view_report_names_the_missing_clip(example_results, tmp_path, near, missing,
                                                 seen):
    inputs = load_results(example_results)
    summary = video_summary(inputs.summary, near_leg=near)
    page = write_report(tmp_path, summary, inputs.strides).read_text(encoding="utf-8")
    assert_self_contained(page)
    box = section(page)
    assert "<h2>How to film</h2>" in box and "<details open>" in box
    assert f"filmed from the runner&#x27;s {seen} side" in box
    assert f"Film the runner&#x27;s {missing} side too" in box and "from behind" in box
    assert "pelvic drop" in box
    assert 'aria-label="How to film' in box
    # near the video results: after the key metrics, before the phases
    assert page.index('id="metrics"') < page.index('id="filming"') < page.index('id="phases"')


def test_rear_view_names_the_side_clips_and_low_frame_rate(example_results, tmp_path):
    inputs = load_results(example_results)
    summary = video_summary(inputs.summary, view="rear", near_leg=None, fps=30.0,
                            kind="keypoints")
    box = section(write_report(tmp_path, summary, inputs.strides).read_text(encoding="utf-8"))
    assert "filmed from behind: film the runner&#x27;s left side and right side" in box
    assert "This clip has 30 frames per second" in box and "60 fps or more" in box


def test_guidance_collapsed_when_no_clip_or_rate_is_named(example_results, tmp_path):
    inputs = load_results(example_results)
    summary = video_summary(inputs.summary, view="rear", near_leg=None, fps=120.0)
    assert filming.missing_clips(summary)  # a rear view alone still lacks the side clips
    summary = {**summary, "kind": "video", "view": None, "scene": {}}
    box = section(write_report(tmp_path, summary, inputs.strides).read_text(encoding="utf-8"))
    assert "<details>" in box and "<details open>" not in box


def test_motion_capture_report_has_no_filming_section(example_results, tmp_path):
    inputs = load_results(example_results)
    assert inputs.summary["kind"] == "motion capture"
    page = write_report(tmp_path, inputs.summary, inputs.strides).read_text(encoding="utf-8")
    assert 'id="filming"' not in page and "How to film" not in page
    assert filming.missing_clips(inputs.summary) == []
    assert filming.frame_rate_note({**inputs.summary, "sampling_rate_hz": 30.0}) is None
