"""The runner's stretch: another person in view, a runner who leaves, stray points."""

from __future__ import annotations

import numpy as np

from stridelab.pose.swap import leg_length_px
from stridelab.pose.track import RunnerTrack
from stridelab.sim import RunnerSpec
from stridelab.sim.keypoints import simulate_keypoints


def _runner(seconds: float = 6.0, **spec):
    kp, _ = simulate_keypoints(runner=RunnerSpec(duration_s=seconds), noise_px=1.0, **spec)
    return kp


def test_a_clean_runner_keeps_every_frame():
    kp = _runner()
    track = RunnerTrack().apply(kp)
    assert track.kept_.all() and track.warnings_ == [] and track.keypoints_ is kp


def test_jump_to_another_person_keeps_the_longer_stretch():
    kp = _runner()
    leg = leg_length_px(kp)
    xy = kp.xy.copy()
    switch = int(4.0 * kp.fps)
    xy[switch:, :, 0] += 2.5 * leg  # from 4 s on, someone else 2.5 leg lengths further right
    track = RunnerTrack().apply(kp.with_data(xy))
    assert track.switches_s_ == [4.0]
    assert track.kept_[:switch].all() and not track.kept_[switch:].any()
    assert np.isnan(track.keypoints_.xy[switch:]).all()
    assert abs(track.keypoints_.frames_with_person - 4.0 / 6.0) < 0.01
    assert any("another person" in w for w in track.warnings_)


def test_runner_leaving_a_still_phantom_is_dropped():
    kp = _runner()
    xy = kp.xy.copy()
    leave = int(3.5 * kp.fps)
    rng = np.random.default_rng(0)
    # the model goes on reporting a person where the runner was: still, with jitter
    xy[leave:] = xy[leave] + rng.normal(0, 1.0, xy[leave:].shape)
    track = RunnerTrack().apply(kp.with_data(xy))
    kept = np.flatnonzero(track.kept_)
    assert kept[0] == 0
    # ends where the runner left: at most half the motion window early, never late
    end = kept[-1] + 1 - leave
    assert -0.25 * kp.fps <= end <= 0.05 * kp.fps, end
    assert track.still_s_ and -0.25 <= track.still_s_[0][0] - 3.5 <= 0.05
    assert any("no running movement" in w for w in track.warnings_)


def test_stray_points_are_not_a_change_of_person():
    kp = _runner()
    leg = leg_length_px(kp)
    xy = kp.xy.copy()
    for t in (1.0, 2.5, 4.2):  # one or two frames on something else
        i = int(t * kp.fps)
        xy[i:i + 2, :, 1] -= 1.5 * leg
    track = RunnerTrack().apply(kp.with_data(xy))
    assert track.switches_s_ == [] and track.kept_.all()


def test_sprinting_past_the_camera_is_not_a_jump():
    # overground at 9 m/s filmed at 30 fps: 0.3 m (about a third of a leg) between frames
    kp, _ = simulate_keypoints(runner=RunnerSpec(duration_s=2.0, setting="overground",
                                                 speed_ms=9.0, cadence_spm=200),
                               fps=30.0, px_per_m=250.0, size=(6000, 1080))
    track = RunnerTrack().apply(kp)
    assert track.switches_s_ == [] and track.kept_.all()
