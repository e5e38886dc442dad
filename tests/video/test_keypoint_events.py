"""Keypoint event detection on the synthetic runner seen by a camera (known events)."""

import numpy as np
import pytest

from stridelab.gait.keypoint_events import KeypointEventDetection
from stridelab.pose.clean import KeypointCleaner
from stridelab.pose.scene import describe_scene
from stridelab.pose.to_recording import keypoints_to_recording
from stridelab.signal import stride_period
from stridelab.sim.keypoints import KeypointSpec, simulate_keypoints
from stridelab.sim.runner import RunnerSpec


def detect(view, fps, cadence, noise):
    kp, truth = simulate_keypoints(KeypointSpec(view=view, fps=fps, noise_px=noise),
                                   RunnerSpec(cadence_spm=cadence))
    cleaner = KeypointCleaner().clean(kp)
    clean = cleaner.keypoints_
    rec = keypoints_to_recording(clean, describe_scene(clean, 1.75, view=view),
                                 unfiltered=cleaner.unfiltered_)
    return KeypointEventDetection().detect(rec).contacts_, truth


def errors_ms(found, truth, column):
    out = []
    for side in "LR":
        got = found[found.side == side][column].to_numpy()
        for t in truth[truth.side == side][column]:
            if got.min() - 0.2 < t < got.max() + 0.2:  # contacts cut by the clip's ends aside
                out.append(1000 * (got[np.argmin(np.abs(got - t))] - t))
    return np.array(out)


@pytest.mark.parametrize("view", ["side", "rear"])
@pytest.mark.parametrize("fps,cadence,noise", [(60, 160, 0), (60, 180, 3), (120, 170, 3)])
def test_events_recovered_from_synthetic_keypoints(view, fps, cadence, noise):
    found, truth = detect(view, fps, cadence, noise)
    # strides are cut between swing peaks, so each foot's first and last stance may be lost at
    # the clip's ends; none in between, and the feet alternate
    assert len(found) >= len(truth) - 4
    assert all(a != b for a, b in zip(found.side[:-1], found.side[1:], strict=True))
    ic, to = errors_ms(found, truth, "ic_s"), errors_ms(found, truth, "to_s")
    assert np.abs(ic).max() < 50  # a missed contact would show as a whole step's error
    frame_ms = 1000 / fps
    # the synthetic foot is rigid: nothing compresses after touchdown, so the landing level
    # (video.events.landing_mm, the compression of a real shoe) is reached before it, by
    # landing_mm / descent speed (~1 m/s): early by up to about 20 ms, never late
    assert -25 <= ic.mean() <= 0
    # toe-off: the toe rises clear of its floor within a frame; with noise, clear of the noise
    # too (its leaving level rises with the noise), within two frames
    assert abs(to.mean()) <= (frame_ms if noise == 0 else 2 * frame_ms + 5)
    assert np.abs(to).mean() <= 2 * frame_ms + 5


def test_stride_period_of_a_noisy_rhythm():
    fs, period = 60.0, 0.7
    t = np.arange(0, 5, 1 / fs)
    rng = np.random.default_rng(1)
    signal = np.sin(2 * np.pi * t / period) + 0.3 * rng.normal(size=t.size)
    assert stride_period(signal, fs) == pytest.approx(period, abs=1.5 / fs)
    assert stride_period(rng.normal(size=t.size), fs) is None
