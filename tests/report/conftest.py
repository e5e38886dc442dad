"""Report fixtures: a real analysis of the simulated runner, synthetic angles and findings."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from stridelab.assess.model import Finding


def run_cli(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "stridelab", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def example_results(tmp_path_factory):
    """Folder with summary.json and strides.csv from `stridelab analyze` of the example runner."""
    root = tmp_path_factory.mktemp("example")
    trc, out = root / "example.trc", root / "results"
    for args in (("example", trc), ("analyze", trc, "--out", out, "-q")):
        res = run_cli(*args)
        assert res.returncode == 0, res.stderr
    return out


def stride_fraction(strides: pd.DataFrame, side: str, t: np.ndarray):
    """Per sample: fraction of the stride (0-1) of ``side`` and that stride's stance fraction."""
    u, s = np.full(t.shape, np.nan), np.full(t.shape, np.nan)
    rows = strides[strides.side == side].dropna(subset=["next_ic_s"])
    for ic, to, nxt in zip(rows.ic_s, rows.to_s, rows.next_ic_s, strict=True):
        inside = (t >= ic) & (t < nxt)
        u[inside] = (t[inside] - ic) / (nxt - ic)
        s[inside] = (to - ic) / (nxt - ic)
    return u, s


def synthetic_angles(strides: pd.DataFrame, fs: float = 150.0, seed: int = 1) -> pd.DataFrame:
    """Knee and hip flexion curves (deg) shaped like running, per side, on the strides' clock.

    Knee: ~20 deg at contact, ~42 deg peak in stance, ~95 deg peak in swing (right side's
    swing peak 6 deg lower); hip: +30 deg at contact to -10 deg near toe-off.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(strides.ic_s.min(), strides.next_ic_s.max(), 1 / fs)
    out = {"time_s": t}
    for side, swing_peak in (("L", 95.0), ("R", 89.0)):
        u, s = stride_fraction(strides, side, t)
        in_stance = u < s  # stance bump, then swing bump
        v_st = np.clip(u / s, 0, 1)
        v_sw = np.clip((u - s) / (1 - s), 0, 1)
        knee = np.where(in_stance, 20 + 22 * np.sin(np.pi * v_st) - 8 * v_st,
                        12 + (swing_peak - 16) * np.sin(np.pi * v_sw) ** 1.5 + 8 * v_sw)
        hip = 10 + 20 * np.cos(2 * np.pi * (u - 0.05))
        noise = rng.normal(0, 1.5, len(t))
        out[f"{side}_knee_flexion_deg"] = knee + noise
        out[f"{side}_hip_flexion_deg"] = hip + noise
    return pd.DataFrame(out).dropna()


def sample_findings() -> list[Finding]:
    """Findings as the assessment stage writes them, one of them hostile."""
    return [
        Finding(key="trunk_lean", metric="trunk_lean_deg", title="Forward trunk lean",
                value=4.2, unit="deg", side=None, confidence=1.0, band="typical",
                severity="ok", source="Teng & Powers 2015 (MSSE 47:625)", evidence="moderate",
                explanation="Your trunk leans forward about as much as most runners.",
                other_view="The article calls 6-10 deg optimal; Teng & Powers 2015 found that "
                "more lean shifts load from the knee to the hip, not an optimum.",
                threshold_keys=("assess.trunk_lean.low",)),
        Finding(key="asymmetry_contact_time", metric="contact_time_ms",
                title="Contact time <script>alert('x')</script> asymmetry", value=12.5,
                unit="%", side="R", confidence=0.9, band="high", severity="concern",
                source="Robinson 1987 <img src=x onerror=alert(1)>", evidence="expert opinion",
                explanation="The right foot stays on the ground longer & that is <b>worth</b> "
                "a look.", targets=("glute_med", "single_leg_stability"),
                injuries=("medial tibial stress syndrome", "Achilles tendinopathy")),
        Finding(key="pelvic_drop", metric="pelvic_drop_deg", title="Pelvic drop", value=None,
                unit="deg", side=None, confidence=0.0, band="unmeasured", severity="watch",
                source="Bramah 2018 (AJSM 46:3406)", evidence="moderate",
                explanation="Needs a rear view.", injuries=("patellofemoral pain",)),
    ]


@pytest.fixture
def synthetic_results(example_results, tmp_path):
    """The example's results plus angles.csv and findings.json, as the later stages write them."""
    out = tmp_path / "results"
    out.mkdir()
    for name in ("summary.json", "strides.csv"):
        (out / name).write_bytes((example_results / name).read_bytes())
    strides = pd.read_csv(out / "strides.csv")
    synthetic_angles(strides).to_csv(out / "angles.csv", index=False)
    doc = {"schema": "stridelab.findings/1", "findings": [f.to_dict() for f in sample_findings()],
           "not_measurable": {"pelvic_drop_deg": "needs a rear view"},
           "not_assessed": ["swing_time_ms"], "notes": ["One runner, one speed <b>only</b>."]}
    (out / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    return out
