"""Drawing on 4:2:0 planes looks like drawing in RGB and converting."""

import cv2
import numpy as np
import pytest

from stridelab.report.planar import PlanarCanvas, outlined_text, yuv_of

RED, BLUE, WHITE = (255, 70, 60), (60, 120, 255), (255, 255, 255)


def _background(h=240, w=320):
    rng = np.random.default_rng(5)
    img = np.full((h, w, 3), 110, np.uint8)
    img[:, : w // 2] = (30, 160, 90)
    return cv2.GaussianBlur(img + rng.integers(0, 20, img.shape, dtype=np.uint8), (5, 5), 0)


def _as_rgb(planes):
    return cv2.cvtColor(planes, cv2.COLOR_YUV2RGB_I420).astype(int)


def test_colours_convert_as_pictures_do():
    for rgb in (RED, BLUE, WHITE, (0, 0, 0)):
        planes = cv2.cvtColor(np.full((4, 4, 3), rgb, np.uint8), cv2.COLOR_RGB2YUV_I420)
        assert yuv_of(rgb) == (planes[0, 0], planes[4, 0], planes[5, 0])


def test_shapes_drawn_on_planes_match_shapes_drawn_in_rgb():
    rgb = _background()
    reference = rgb.copy()
    cv2.line(reference, (40, 30), (200, 180), RED, 3, cv2.LINE_AA)
    cv2.circle(reference, (250, 60), 18, BLUE, 3, cv2.LINE_AA)
    cv2.circle(reference, (100, 200), 4, RED, -1, cv2.LINE_AA)
    cv2.putText(reference, "1.25 s", (10, 225), cv2.FONT_HERSHEY_SIMPLEX, 0.6, WHITE, 2,
                cv2.LINE_AA)
    planes = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    canvas = PlanarCanvas(planes)
    canvas.line((40, 30), (200, 180), RED, 3)
    canvas.circle((250, 60), 18, BLUE, 3)
    canvas.circle((100, 200), 4, RED, -1)
    canvas.text("1.25 s", (10, 225), 0.6, WHITE, 2)
    expected = _as_rgb(cv2.cvtColor(reference, cv2.COLOR_RGB2YUV_I420))
    got = _as_rgb(planes)
    drawn = np.abs(expected - _as_rgb(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420))).max(axis=2) > 30
    assert drawn.sum() > 500  # the shapes are there ...
    assert np.abs(got - expected)[drawn].mean() < 25  # ... in the same place and colour
    assert np.abs(got - expected)[~drawn].mean() < 3  # and nothing else changed


@pytest.mark.parametrize("origin", [(10, 30), (300, 235), (-20, 5)])
def test_labels_are_blended_in_and_clipped_at_the_edges(origin):
    rgb = _background()
    planes = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    before = planes.copy()
    PlanarCanvas(planes).paste(outlined_text("left: midstance", BLUE, 0.6), origin)
    changed = (planes != before).any()
    assert changed == (origin[0] >= 4 and origin[1] >= 20)
    if origin == (10, 30):
        # the letters are blue, their outline dark
        got = _as_rgb(planes)[12:32, 10:150]
        assert (got[..., 2] - got[..., 0] > 100).sum() > 100
        assert (got.sum(axis=2) < 120).sum() > 100
