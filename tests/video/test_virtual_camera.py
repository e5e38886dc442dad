"""Virtual cameras on real running motion (RBDS001 with its force plate): the event targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import stridelab
from stridelab.pose.read import read_keypoints
from stridelab.sim import virtual_camera as vc


@pytest.fixture(scope="module")
def motion(shared_file):
    return vc.motion_with_truth(shared_file("mocap/RBDS001runT35.c3d"),
                                shared_file("mocap/RBDS001static.c3d"))


def _errors(motion, fps, noise, view, side="right"):
    kp, t0 = vc.film(motion.points, motion.fs, vc.camera(view, side, fps),
                     vc.CameraErrors(noise_px=noise))
    res = stridelab.analyze(kp, view=view, height_m=1.81, report=False)
    found = res.contacts.assign(ic_s=res.contacts.ic_s + t0, to_s=res.contacts.to_s + t0)
    return vc.error_summary(vc.match_contacts(motion.truth, found))


def test_truth_is_the_force_plate(motion):
    assert len(motion.truth) == 85
    ct = 1000 * (motion.truth.to_s - motion.truth.ic_s)
    assert ct.between(200, 280).all()
    # the truth itself moves with its threshold: contacts are ~10 ms shorter at 50 N
    shorter = ct.mean() - 1000 * (motion.truth_50n.to_s - motion.truth_50n.ic_s).mean()
    assert 5 < shorter < 20


def test_joint_centres_are_anatomical(motion):
    for s in "LR":
        thigh = np.linalg.norm(motion.points[f"{s}_hip"] - motion.points[f"{s}_knee"], axis=1)
        shank = np.linalg.norm(motion.points[f"{s}_knee"] - motion.points[f"{s}_ankle"], axis=1)
        # 1.81 m tall: thigh ~0.245 H, shank ~0.246 H (Winter 2009)
        assert 0.40 < np.nanmedian(thigh) < 0.50 and 0.40 < np.nanmedian(shank) < 0.48
        assert np.nanstd(shank) < 0.005  # a rigid segment


@pytest.mark.parametrize("fps,view,limit", [(60, "side", 17.0), (240, "rear", 10.0)])
def test_events_meet_their_target(motion, fps, view, limit):
    m = _errors(motion, fps, 2.0, view)
    assert m["matched_min_side_pct"] >= 95 and m["extras"] <= 1
    assert m["ic_mae_ms"] <= limit and m["to_mae_ms"] <= limit
    assert abs(m["contact_bias_ms"]) <= limit


def test_body25_folder_reads_back(tmp_path, motion):
    kp, _ = vc.film({k: v[:60] for k, v in motion.points.items()}, motion.fs,
                    vc.camera("side", "left", 60), vc.CameraErrors(noise_px=1.0, seed=3))
    back = read_keypoints(vc.write_openpose(kp, tmp_path / "op"), fps=60)
    assert back.n_frames == kp.n_frames
    both = np.isfinite(kp.xy) & np.isfinite(back.xy)
    assert both.mean() > 0.9
    np.testing.assert_allclose(back.xy[both], kp.xy[both], atol=0.01)


def test_match_contacts_pairs_by_side_and_counts_extras():
    truth = pd.DataFrame({"side": ["R", "L", "R"], "ic_s": [0.0, 0.35, 0.7],
                          "to_s": [0.25, 0.6, 0.95]})
    found = pd.DataFrame({"side": ["R", "L", "L", "R"], "ic_s": [0.01, 0.34, 0.5, 0.72],
                          "to_s": [0.26, 0.6, 0.55, 0.96]})
    m = vc.match_contacts(truth, found)
    np.testing.assert_allclose(m.ic_err_ms, [10, -10, 20])
    assert m.attrs["extras"] == 1
    assert vc.error_summary(m)["matched_pct"] == 100
