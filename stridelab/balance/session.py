"""A balance session: several force-plate trials, their findings and the files written.

:func:`analyze_balance` reads and measures each trial (:class:`~stridelab.balance.trial.
BalanceTrial`), averages the sway measures per condition, computes the Romberg quotient
(eyes closed / eyes open) where both were recorded in the same stance, and turns the results
into findings (:mod:`stridelab.balance.findings`). :meth:`BalanceSession.save` writes
``balance.json`` (schema ``stridelab.balance/1``), ``findings.json`` (the findings contract
``stridelab plan`` reads), ``cop_traces.csv`` (the processed centre of pressure, at most
100 Hz, for the figures) and one SVG figure per condition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stridelab.assess.model import Finding, findings_document
from stridelab.balance.findings import NOT_ASSESSED, load_findings, single_leg_findings
from stridelab.balance.sway import Posturography
from stridelab.balance.trial import BalanceTrial, TrialResult
from stridelab.errors import StridelabError
from stridelab.io.cop import read_cop

SCHEMA = "stridelab.balance/1"
"""Schema tag of ``balance.json``."""
ROMBERG_MEASURES = ("mean_velocity_mm_s", "mean_velocity_ap_mm_s", "ellipse_area_mm2",
                    "rms_ap_mm", "rms_ml_mm")
"""Measures whose eyes-closed / eyes-open ratio is reported."""
TRACE_MAX_HZ = 100.0


@dataclass
class BalanceSession:
    """The results of one balance session.

    Attributes
    ----------
    trials
        Every trial, in the order given.
    conditions
        Condition (``"double, eyes open"``...) -> ``trials`` (count), ``measures`` (mean
        over the trials that have them), ``trial_values`` (measure -> per-trial values) and,
        single leg, ``hold_time_s`` (best).
    romberg
        Stance -> measure -> eyes closed / eyes open ratio.
    findings
        Balance findings.
    notes
        What was measured but not assessed, and why.
    """

    trials: list[TrialResult]
    conditions: dict[str, dict] = field(default_factory=dict)
    romberg: dict[str, dict[str, float]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The ``balance.json`` document."""
        from stridelab import __version__

        return {
            "schema": SCHEMA, "stridelab_version": __version__, "kind": "posturography",
            "conditions": self.conditions, "romberg_quotient": self.romberg,
            "trials": [t.to_dict() for t in self.trials],
            "methods": {
                "processing": "zero-lag 4th-order Butterworth low-pass "
                              "(balance.filter.cutoff_hz), mean removed",
                "ellipse": "95 % prediction ellipse, pi * chi2(0.95; 2) * sqrt(det(cov)) "
                           "(Schubert & Kirchner 2014), not the confidence ellipse",
                "velocity": "path length / duration (Prieto 1996)",
                "frequency": "Welch (Hann, 50 % overlap), median and 95 % power frequency "
                             "up to balance.spectrum.max_hz",
                "romberg_quotient": "eyes closed / eyes open, per measure",
                "load_symmetry_index_pct": "Robinson 1987, (R - L) / mean of the feet's "
                                           "mean vertical force",
            },
            "warnings": [w for t in self.trials for w in t.warnings],
        }

    def save(self, out: str | Path) -> list[Path]:
        """Write the session's files into ``out`` (created); returns their paths."""
        from stridelab.balance.plots import trial_svg

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "balance.json", out / "findings.json", out / "cop_traces.csv"]
        paths[0].write_text(json.dumps(self.to_dict(), indent=2), "utf-8")
        doc = findings_document(self.findings, summary=str(paths[0]),
                                not_assessed=list(NOT_ASSESSED), notes=self.notes)
        paths[1].write_text(json.dumps(doc, indent=2), "utf-8")
        paths[2].write_text(traces_csv(self.trials), "utf-8")
        seen: set[str] = set()
        for t in self.trials:
            if t.ap_mm is None or t.condition in seen:
                continue
            seen.add(t.condition)
            name = "balance_" + t.condition.replace(", ", "_").replace(" ", "_") + ".svg"
            (out / name).write_text(trial_svg(t), "utf-8")
            paths.append(out / name)
        return paths


def traces_csv(trials: Sequence[TrialResult]) -> str:
    """The processed centre of pressure of every trial, at most :data:`TRACE_MAX_HZ`."""
    lines = ["trial,file,condition,time_s,ap_mm,ml_mm"]
    for i, t in enumerate(trials):
        if t.ap_mm is None or t.time_s is None:
            continue
        step = max(1, int(round(t.fs_hz / TRACE_MAX_HZ)))
        ml = t.ml_mm if t.ml_mm is not None else np.full_like(t.ap_mm, np.nan)
        for ts, a, m in zip(t.time_s[::step], t.ap_mm[::step], ml[::step], strict=True):
            lines.append(f'{i},{t.file},"{t.condition}",{ts:.3f},{a:.4f},'
                         f'{"" if np.isnan(m) else f"{m:.4f}"}')
    return "\n".join(lines) + "\n"


def _per_file(value: str | Sequence[str], n: int, name: str, allowed: Sequence[str]) -> list:
    values = [value] * n if isinstance(value, str) else list(value)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        raise StridelabError(f"--{name}: give one value for all {n} files or one per file, "
                             f"got {len(values)}")
    bad = sorted(set(values) - set(allowed))
    if bad:
        raise StridelabError(f"--{name} must be {' or '.join(allowed)}, got {', '.join(bad)}")
    return values


def analyze_balance(paths: Sequence[str | Path], eyes: str | Sequence[str] = "open",
                    stance: str | Sequence[str] = "double", leg: str | None = None,
                    columns: str | Path | None = None, cop_units: str | None = None,
                    rate_hz: float | None = None, ap_axis: str | None = None,
                    posturography: Posturography | None = None) -> BalanceSession:
    """Measure force-plate balance trials and assess them.

    Parameters
    ----------
    paths
        Trial files (text or C3D; see :func:`stridelab.io.cop.read_cop`).
    eyes, stance
        One value for every file, or one per file (``open``/``closed``,
        ``double``/``single``).
    leg
        Single-leg trials: the stance leg's plate (default: the plate carrying the weight).
    columns, cop_units, rate_hz, ap_axis
        As :func:`stridelab.io.cop.read_cop`.
    posturography
        Sway-measure settings.

    Returns
    -------
    BalanceSession
    """
    if not paths:
        raise StridelabError("give at least one balance recording")
    eyes_list = _per_file(eyes, len(paths), "eyes", ("open", "closed"))
    stances = _per_file(stance, len(paths), "stance", ("double", "single"))
    trials = []
    for path, e, s in zip(paths, eyes_list, stances, strict=True):
        trial = read_cop(path, columns, cop_units, rate_hz, ap_axis)
        trials.append(BalanceTrial(e, s, leg, posturography).analyze(trial).result_)
    session = BalanceSession(trials)
    session.conditions = _conditions(trials)
    session.romberg = romberg_quotients(trials)
    session.findings = single_leg_findings(trials) + load_findings(trials)
    session.notes = [f"{name}: not assessed ({why})." for name, why in NOT_ASSESSED.items()]
    return session


def _conditions(trials: Sequence[TrialResult]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for t in trials:
        c = out.setdefault(t.condition, {"eyes": t.eyes, "stance": t.stance, "leg": t.leg,
                                         "trials": 0, "trial_values": {}})
        c["trials"] += 1
        values = dict(t.measures)
        if t.hold_time_s is not None:
            values["hold_time_s"] = t.hold_time_s
        if t.load_symmetry_index_pct is not None:
            values["load_symmetry_index_pct"] = t.load_symmetry_index_pct
        for k, v in values.items():
            if v is not None:
                c["trial_values"].setdefault(k, []).append(float(v))
    for c in out.values():
        c["measures"] = {k: float(np.mean(v)) for k, v in c["trial_values"].items()}
        if "hold_time_s" in c["trial_values"]:
            c["measures"]["hold_time_s"] = max(c["trial_values"]["hold_time_s"])
    return out


def romberg_quotients(trials: Sequence[TrialResult]) -> dict[str, dict[str, float]]:
    """Eyes closed / eyes open for :data:`ROMBERG_MEASURES`, per stance (mean of trials).

    Parameters
    ----------
    trials
        Trials with sway measures; a stance needs both eyes conditions.
    """
    out: dict[str, dict[str, float]] = {}
    stances = {(t.stance, t.leg) for t in trials}
    for stance, leg in sorted(stances, key=str):
        label = stance if leg is None else f"{stance} {leg}"
        means = {}
        for eyes in ("open", "closed"):
            group = [t.measures for t in trials if (t.stance, t.leg, t.eyes) == (stance, leg,
                                                                                eyes)]
            means[eyes] = {m: float(np.mean([g[m] for g in group]))
                           for m in ROMBERG_MEASURES
                           if group and all(g.get(m) is not None for g in group)}
        ratios = {m: means["closed"][m] / means["open"][m] for m in ROMBERG_MEASURES
                  if m in means["open"] and m in means["closed"] and means["open"][m] > 0}
        if ratios:
            out[label] = ratios
    return out
