"""Lower-back IMU running contacts: real sacral data against force, walking, sides, input checks.

The full validation (31 trials by speed and slope, cross-validation, variants, virtual pelvis)
is ``benchmarks/validate_imu_sacrum.py``; here a small slice of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InputFileError
from stridelab.gait.base import CONTACT_COLUMNS, EventDetector
from stridelab.gait.evaluation import match_events
from stridelab.gait.imu_back import BackImuEventDetection
from stridelab.io.imu import G, ImuRecording, ImuSensor
from stridelab.signal import threshold_crossings
from stridelab.thresholds import threshold

FS_SACRUM = 500.0
TARGET_CT_BIAS_MS = 15.0


def _rec(acc_g: np.ndarray, fs: float, frame: str = "body", name: str = "synthetic.csv",
         gyr: np.ndarray | None = None) -> ImuRecording:
    sensor = ImuSensor("lower_back", np.asarray(acc_g) * G, gyr, frame=frame)
    return ImuRecording({"lower_back": sensor}, fs, name)


def _running(fs: float, seconds: float = 10.0, step_s: float = 0.34, contact_s: float = 0.22,
             first: str = "R", seed: int = 0) -> tuple[np.ndarray, pd.DataFrame]:
    """A synthetic sacral record (g, body frame) of running, and its true contacts.

    Vertical: a half-sine loading of 2.5 g in each contact, free fall (0 g) in flight; AP:
    braking then push-off; mediolateral: towards the stance side (Lee et al. 2010).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * fs)) / fs
    acc = np.zeros((len(t), 3))
    rows = []
    side = first
    for ic in np.arange(0.2, seconds - 0.4, step_s):
        on = (t >= ic) & (t < ic + contact_s)
        phase = (t[on] - ic) / contact_s
        acc[on, 1] = 2.5 * np.sin(np.pi * phase)
        acc[on, 0] = -0.4 * np.sin(2 * np.pi * phase)
        acc[on, 2] = (0.3 if side == "R" else -0.3) * np.sin(np.pi * phase)
        rows.append({"side": side, "ic_s": ic, "to_s": ic + contact_s})
        side = "L" if side == "R" else "R"
    acc += rng.normal(0, 0.02, acc.shape)
    return acc, pd.DataFrame(rows)


@pytest.fixture(scope="module")
def sacrum(shared_file):
    """The level-ground trials of the real sacral data set, one per speed (the first found)."""
    folder = shared_file("imu/running_sacrum/Accelerometer_one_sub.csv").parent
    info = pd.read_csv(folder / "Sub_Info_one_sub.csv")
    level = info[info.Slope == 0]
    rows = sorted(level.groupby("Speed").head(1).index)
    acc = np.loadtxt(folder / "Accelerometer_one_sub.csv", delimiter=",")[rows]
    grf = np.loadtxt(folder / "GRF_one_sub.csv", delimiter=",")[rows]
    n = grf.shape[1]
    trials = []
    for k, row in enumerate(rows):
        body = np.column_stack([acc[k, n:], acc[k, :n], np.full(n, np.nan)])
        rec = _rec(body, FS_SACRUM, name=f"Accelerometer_one_sub.csv#trial{row}")
        ic, to = threshold_crossings(grf[k], FS_SACRUM, 0.05, 0.08, 0.03)
        trials.append((rec, pd.DataFrame({"side": "?", "ic_s": ic, "to_s": to}),
                       float(info.Speed[row])))
    return trials


def _errors(det: pd.DataFrame, ref: pd.DataFrame) -> pd.DataFrame:
    pairs = match_events(det.assign(side="?"), ref.assign(side="?"))
    m = pairs.dropna()
    return pd.DataFrame({"ic_ms": 1000 * (m.ic_s - m.ref_ic_s),
                         "ct_ms": 1000 * ((m.to_s - m.ic_s) - (m.ref_to_s - m.ref_ic_s)),
                         }).assign(missed=len(pairs) - len(m), extra=len(det) - len(m))


def test_real_sacrum_contact_time_within_target(sacrum):
    """Level running at 2.5, 3.33 and 4.17 m/s: every contact found, contact-time bias within
    the target (one runner; the benchmark covers all 31 trials)."""
    assert len(sacrum) == 3
    errs = []
    for rec, ref, speed in sacrum:
        det = BackImuEventDetection().detect(rec)
        assert det.activity_ == "running"
        assert det.source_ == "lower-back IMU"
        e = _errors(det.contacts_, ref)
        assert e.missed.iloc[0] <= 1 and e.extra.iloc[0] == 0, speed
        assert len(e) >= len(ref) - 1
        errs.append(e)
        # cadence and contact time agree with the force's own
        ref_cadence = 60 / np.median(np.diff(ref.ic_s))
        assert det.cadence_spm_ == pytest.approx(ref_cadence, rel=0.03)
        assert det.contact_time_ms_ == pytest.approx(1000 * np.median(ref.to_s - ref.ic_s),
                                                     abs=30)
        assert 0.2 < det.duty_factor_ < 0.5
        # two axes only: sides unknown, and said so
        assert set(det.contacts_.side) == {"?"} and not det.sides_known_
        assert any("mediolateral" in w for w in det.warnings_)
    pooled = pd.concat(errs)
    assert abs(pooled.ct_ms.mean()) <= TARGET_CT_BIAS_MS
    assert pooled.ic_ms.abs().mean() <= 20  # Kiernan 2023's sacral IC bias alone is 30 ms


def test_real_sacrum_same_contacts_at_100_hz(sacrum):
    """A tenth of the rate (100 Hz) moves the mean contact time by under 3 ms."""
    from scipy.signal import resample_poly

    rec, _, _ = sacrum[1]
    acc = rec.sensors["lower_back"].acc / G
    low = resample_poly(acc[:, :2], 1, 5, axis=0)
    low = np.column_stack([low, np.full(len(low), np.nan)])
    full = BackImuEventDetection().detect(rec)
    tenth = BackImuEventDetection().detect(_rec(low, 100.0))
    assert len(tenth.contacts_) == len(full.contacts_)
    assert tenth.contact_time_ms_ == pytest.approx(full.contact_time_ms_, abs=3)


def test_real_sacrum_backwards_x_is_reported(sacrum):
    """Braking then push-off tells which way x points: negated, it is reported; events kept."""
    rec, _, _ = sacrum[1]
    acc = rec.sensors["lower_back"].acc / G
    flipped = acc * np.array([-1.0, 1.0, 1.0])
    ok = BackImuEventDetection().detect(rec)
    bad = BackImuEventDetection().detect(_rec(flipped, rec.fs))
    assert not any("backwards" in w for w in ok.warnings_)
    assert any("backwards" in w for w in bad.warnings_)
    pd.testing.assert_frame_equal(bad.contacts_, ok.contacts_)


@pytest.mark.parametrize("fs", [100.0, 256.0])
@pytest.mark.parametrize("first", ["R", "L"])
def test_sides_from_the_mediolateral_acceleration(fs, first):
    acc, truth = _running(fs, first=first)
    det = BackImuEventDetection().detect(_rec(acc, fs))
    assert det.sides_known_
    pairs = match_events(det.contacts_.assign(side="?"), truth.assign(side="?")).dropna()
    assert len(pairs) >= len(truth) - 1
    got = [det.contacts_.side[np.argmin(np.abs(det.contacts_.ic_s - t))] for t in pairs.ic_s]
    assert (np.array(got) == truth.set_index("ic_s").side.reindex(
        pairs.ref_ic_s).to_numpy()).all()
    # timing: both events inside the half-sine's rise and fall (a 2.5-g loading)
    assert abs(1000 * (pairs.ic_s - pairs.ref_ic_s).mean()) < 25
    assert abs(1000 * (pairs.to_s - pairs.ref_to_s).mean()) < 25


def test_sides_from_the_roll_rate_without_mediolateral_acceleration():
    """A gyroscope alone tells the sides: the pelvis rolls right-side-down over a right
    contact (mean roll rate positive)."""
    fs = 200.0
    acc, truth = _running(fs, first="L")
    t = np.arange(len(acc)) / fs
    roll = np.zeros(len(acc))
    for r in truth.itertuples():
        on = (t >= r.ic_s) & (t < r.to_s)
        roll[on] = (40.0 if r.side == "R" else -40.0) * np.sin(np.pi * (t[on] - r.ic_s)
                                                             / (r.to_s - r.ic_s))
    gyr = np.column_stack([roll, np.zeros_like(roll), np.zeros_like(roll)])
    acc[:, 2] = np.nan
    det = BackImuEventDetection().detect(_rec(acc, fs, gyr=gyr))
    assert det.sides_known_ and det.side_source_ == "roll angular velocity"
    got = det.contacts_.side.to_numpy()[: len(truth)]
    near = [truth.side[np.argmin(np.abs(truth.ic_s - t))] for t in det.contacts_.ic_s]
    assert list(got) == near[: len(got)]
    # the two signals disagreeing: no guess
    acc2, _ = _running(fs, first="L")
    acc2[:, 2] *= -1
    det = BackImuEventDetection().detect(_rec(acc2, fs, gyr=gyr))
    assert set(det.contacts_.side) == {"?"}
    assert any("disagree" in w for w in det.warnings_)


def test_sides_unknown_without_mediolateral_signal():
    acc, truth = _running(200.0)
    for ml in (np.nan, 0.0):
        acc2 = acc.copy()
        acc2[:, 2] = ml
        det = BackImuEventDetection().detect(_rec(acc2, 200.0))
        assert len(det.contacts_) >= len(truth) - 1
        assert set(det.contacts_.side) == {"?"}
        assert any("mediolateral" in w for w in det.warnings_)


def test_sides_unknown_when_the_signal_disagrees():
    """A mediolateral signal unrelated to the steps (noise) gives '?', not a guess."""
    acc, _ = _running(200.0, seed=3)
    acc[:, 2] = np.random.default_rng(5).normal(0, 0.3, len(acc))
    det = BackImuEventDetection().detect(_rec(acc, 200.0))
    assert set(det.contacts_.side) == {"?"}
    assert any("consistently" in w for w in det.warnings_)


def test_walking_gives_no_contacts_and_says_so():
    """Walking (Auvinet 2002): the trunk oscillates around 1 g and never unloads to free fall."""
    fs = 100.0
    t = np.arange(int(20 * fs)) / fs
    step_hz = 1.8
    vert = 1 + 0.3 * np.sin(2 * np.pi * step_hz * t) + 0.1 * np.sin(4 * np.pi * step_hz * t)
    ap = 0.2 * np.sin(2 * np.pi * step_hz * t + 1.0)
    ml = 0.1 * np.sin(np.pi * step_hz * t)
    acc = np.column_stack([ap, vert, ml]) + np.random.default_rng(0).normal(0, 0.02,
                                                                            (len(t), 3))
    det = BackImuEventDetection().detect(_rec(acc, fs))
    assert det.activity_ == "walking"
    assert det.contacts_.empty and list(det.contacts_.columns[:3]) == list(CONTACT_COLUMNS)
    assert any("walking" in w for w in det.warnings_)
    assert np.isnan(det.cadence_spm_)


def test_standing_still_is_unknown():
    acc = np.tile([0.0, 1.0, 0.0], (1000, 1)) + np.random.default_rng(1).normal(0, 0.005,
                                                                               (1000, 3))
    det = BackImuEventDetection().detect(_rec(acc, 100.0))
    assert det.activity_ == "unknown" and det.contacts_.empty
    assert any("no running" in w for w in det.warnings_)


def test_contract_and_table_defaults():
    det = BackImuEventDetection()
    assert isinstance(det.detect(_rec(_running(200.0)[0], 200.0)), EventDetector)
    assert det.contact_fraction == threshold("imu.back.contact_fraction")
    assert det.lowpass_hz == threshold("imu.back.lowpass_hz")
    assert BackImuEventDetection(contact_fraction=0.4).contact_fraction == 0.4


def test_bad_input_names_the_file_and_the_problem():
    acc, _ = _running(200.0)
    with pytest.raises(TypeError):
        BackImuEventDetection().detect(pd.DataFrame(acc))
    foot = ImuRecording({"left_foot": ImuSensor("left_foot", acc * G, frame="body")}, 200.0,
                        "feet.csv")
    with pytest.raises(InputFileError, match=r"feet\.csv.*no lower-back sensor"):
        BackImuEventDetection().detect(foot)
    with pytest.raises(InputFileError, match="align it first"):
        BackImuEventDetection().detect(_rec(acc, 200.0, frame="sensor"))
    with pytest.raises(InputFileError, match="not up"):
        BackImuEventDetection().detect(_rec(acc * np.array([1, -1, 1]), 200.0))


def test_virtual_pelvis_sides_match_the_force_plate(shared_file):
    """A second runner (RBDS001, 3.5 m/s): virtual pelvis IMU, tilted and re-aligned; every
    side from the mediolateral signal matches the force plate's, mirrored runner too."""
    vimu = pytest.importorskip("stridelab.sim.virtual_imu")
    align = pytest.importorskip("stridelab.io.imu_align")
    from stridelab.io.c3d import read_c3d
    from stridelab.io.frame import to_engine_frame

    rec = to_engine_frame(read_c3d(shared_file("mocap/RBDS001runT35.c3d")))
    for mirror in (False, True):
        sim = vimu.VirtualImu(positions=("lower_back",), frame="sensor", mirror=mirror,
                              seed=1).simulate(rec)
        det = BackImuEventDetection().detect(align.align_to_body(sim.imu_))
        assert det.sides_known_
        assert det.side_source_ == "mediolateral acceleration and roll angular velocity"
        pairs = match_events(det.contacts_, sim.contacts_)  # matched only on the same side
        assert pairs.ic_s.notna().sum() >= len(sim.contacts_) - 1
        ct = 1000 * ((pairs.to_s - pairs.ic_s) - (pairs.ref_to_s - pairs.ref_ic_s))
        assert abs(ct.mean()) <= TARGET_CT_BIAS_MS
