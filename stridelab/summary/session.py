"""One summary from a session of several clips of one run: each leg from where it is seen whole.

A side view sees the leg near the camera whole and the far leg partly hidden; a rear view sees
both legs, but not the side-view angles. A session of clips (the runner's left side, right
side, from behind) therefore takes:

- each leg's side-view measures (knee, shank and foot angles, overstride, trunk lean, vertical
  oscillation, foot strike) from the side clip where that leg was near the camera;
- each foot's own timing (contact, swing and stride time, duty factor, the cadence as two
  steps per stride of each foot, and the six phases) from the
  same near-leg side clip, or, without the pair of side clips, from the rear clip, which sees
  both feet;
- what needs both feet's events (step and flight times, the flight share) from the rear clip, or,
  without it, from the side clips (each step starting with the near foot; the far foot's
  landing ends it, so its visibility counts in the confidence);
- the rear-view measures (pelvic drop, step width, cross-over, knee frontal angle) from the
  rear clip;
- left/right comparisons (symmetry indices) from those per-leg values, that is from the pair
  of side clips or from the rear clip; never from one side view.

The summary's ``session`` block names the clips (with each clip's own warnings) and, for every
metric, the clip each leg's value came from (``sources``). Each value's confidence is the
visibility of the legs it needs in its clip; the plausibility gates
(:mod:`stridelab.summary.plausibility`) then run on the session's values, and clips filmed at
different cadences (not the same run and speed) are flagged, their left/right comparison shown
with a low confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stridelab.errors import StridelabError
from stridelab.summary.build import (
    foot_strike_summary,
    form_metrics,
    phase_metrics,
    symmetry_indices,
    timing_metrics,
)
from stridelab.summary.model import REAR_ONLY, SIDE_ONLY, MetricStats, Summary
from stridelab.summary.plausibility import TIMING, apply_gates, doubt
from stridelab.summary.stats import metric_stats
from stridelab.summary.timing_error import set_timing_errors
from stridelab.thresholds import threshold

LEG_WORDS = {"L": "left", "R": "right"}
TIMING_GROUP, STEP_GROUP, SIDE_GROUP, REAR_GROUP = "timing", "steps", "side", "rear"
TWO_FOOT = ("step_time_ms", "flight_time_ms")
"""Timing metrics that need both feet's events (a step runs from one foot's landing to the
other's)."""


class SessionError(StridelabError, ValueError):
    """The clips do not make a session (two clips of the same view, a clip without a view)."""


@dataclass
class SessionClip:
    """One analysed clip of a session.

    Attributes
    ----------
    name
        The clip's name as the session shows it (its file name).
    summary
        Its summary (a video or keypoint summary with ``view`` and ``scene``).
    strides, measures
        Its per-stance table and per-stance form measures (same index).
    """

    name: str
    summary: Summary
    strides: pd.DataFrame
    measures: pd.DataFrame

    @property
    def role(self) -> str:
        """``"L"`` or ``"R"`` (a side view: the leg near the camera) or ``"rear"``."""
        view = self.summary.view
        if view == "rear":
            return "rear"
        near = (self.summary.scene or {}).get("near_leg")
        if view == "side" and near in LEG_WORDS:
            return near
        if view == "side":
            raise SessionError(f"{self.name}: a side view, but which leg was near the camera "
                               "could not be told")
        raise SessionError(f"{self.name}: a session combines video clips filmed from the side "
                           f"or from behind; this is {self.summary.kind}")

    def visibility(self, leg: str) -> float:
        """How well ``leg`` was seen (the scene's ``leg_visibility``; 1 for a rear view)."""
        if self.role == "rear":
            return 1.0
        value = ((self.summary.scene or {}).get("leg_visibility") or {}).get(leg)
        return 1.0 if value is None else max(0.0, min(1.0, float(value)))

    def visibility_of_both(self) -> float:
        """How well the less visible leg was seen."""
        return min(self.visibility(leg) for leg in LEG_WORDS)


ROLE_WORDS = {"L": "left side", "R": "right side", "rear": "rear"}


def clip_roles(clips: Sequence[SessionClip]) -> dict[str, SessionClip]:
    """The clips by role (``"L"``, ``"R"``, ``"rear"``).

    Raises
    ------
    SessionError
        Two clips in the same role (named), or a clip without a usable view.
    """
    roles: dict[str, SessionClip] = {}
    for clip in clips:
        role = clip.role
        if role in roles:
            raise SessionError(f"{roles[role].name} and {clip.name} were both filmed from the "
                               f"runner's {ROLE_WORDS[role]}: give one clip per view (left "
                               "side, right side, behind)")
        roles[role] = clip
    return roles


def leg_sources(roles: dict[str, SessionClip]) -> dict[str, dict[str, SessionClip]]:
    """For each group of measures, the clip each leg comes from (``{group: {leg: clip}}``)."""
    side = {leg: roles[leg] for leg in LEG_WORDS if leg in roles}
    rear = {leg: roles["rear"] for leg in LEG_WORDS} if "rear" in roles else {}
    timing = side if len(side) == 2 or not rear else rear
    return {TIMING_GROUP: timing, STEP_GROUP: rear or side, SIDE_GROUP: side,
            REAR_GROUP: rear}


def _rows(sources: dict[str, SessionClip]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stances of each leg from its clip: the per-stance table and measures."""
    strides, measures = [], []
    for leg, clip in sources.items():
        keep = clip.strides.side == leg
        strides.append(clip.strides[keep])
        measures.append(clip.measures.loc[clip.strides.index[keep]])
    return (pd.concat(strides, ignore_index=True), pd.concat(measures, ignore_index=True))


def _confidence(group: str, sources: dict[str, SessionClip]) -> float | None:
    """The visibility, in their clips, of the legs a group's values need (``None``: 1)."""
    values = [clip.visibility_of_both() if group == STEP_GROUP else clip.visibility(leg)
              for leg, clip in sources.items()]
    low = min(values, default=1.0)
    return None if low >= 1.0 else round(low, 3)


def _group_metrics(group: str, sources: dict[str, SessionClip]
                   ) -> tuple[dict[str, MetricStats], dict[str, MetricStats], dict | None]:
    """The metrics, phases and foot-strike block a group of measures gives."""
    if not sources:
        return {}, {}, None
    strides, measures = _rows(sources)
    if group == TIMING_GROUP:
        metrics = {k: m for k, m in timing_metrics(strides).items() if k not in TWO_FOOT}
        # each foot's own rhythm (two steps a stride): no event of the other foot in it
        metrics["cadence_spm"] = metric_stats(120000.0 / strides.stride_time_ms, "steps/min",
                                              strides.side)
        phases = {k: m for k, m in phase_metrics(strides).items() if k != "flight_pct"}
        return metrics, phases, None
    if group == STEP_GROUP:
        return ({k: m for k, m in timing_metrics(strides).items() if k in TWO_FOOT},
                {k: m for k, m in phase_metrics(strides).items() if k == "flight_pct"}, None)
    keys = SIDE_ONLY if group == SIDE_GROUP else REAR_ONLY
    metrics = {k: m for k, m in form_metrics(measures, strides.side).items() if k in keys}
    strike = (foot_strike_summary(measures["foot_strike"], strides.side,
                                  measures.get("foot_strike_method"),
                                  measures.get("strike_index"))
              if group == SIDE_GROUP and "foot_strike" in measures else None)
    return metrics, {}, strike


def _provenance(sources: dict[str, SessionClip]) -> dict[str, str | None]:
    return {leg: sources[leg].name if leg in sources else None for leg in LEG_WORDS}


def _cadence_gate(summary: Summary, roles: dict[str, SessionClip]) -> None:
    """Clips whose cadences differ more than ``session.cadence_diff_max_pct``: flagged."""
    cadences = {c.name: c.summary.metrics["cadence_spm"].mean for c in roles.values()
                if c.summary.metrics.get("cadence_spm") is not None
                and c.summary.metrics["cadence_spm"].mean}
    if len(cadences) < 2:
        return
    lo, hi = min(cadences.values()), max(cadences.values())
    limit = threshold("session.cadence_diff_max_pct")
    diff = 200.0 * (hi - lo) / (hi + lo)
    if diff <= limit:
        return
    listed = ", ".join(f"{name} {value:.0f}" for name, value in cadences.items())
    doubt(summary, TIMING, f"the clips were run at different cadences ({listed} steps/min, "
          f"{diff:.0f} % apart, gate {limit:g} %): not the same run and speed, so their "
          "left/right comparison is shown with a low confidence")


def _unavailable(metrics: dict, roles: dict[str, SessionClip]) -> dict[str, str]:
    out = {}
    for key in SIDE_ONLY + REAR_ONLY:
        if key in metrics:
            continue
        if key in SIDE_ONLY and not ({"L", "R"} & set(roles)):
            out[key] = "needs a clip filmed from the runner's side"
        elif key in REAR_ONLY and "rear" not in roles:
            out[key] = "needs a clip filmed from behind"
        else:
            out[key] = "the keypoints it needs are missing"
    return out


def _clip_entry(role: str, clip: SessionClip) -> dict:
    s = clip.summary
    cadence = s.metrics.get("cadence_spm")
    return {"file": s.file, "name": clip.name, "view": s.view, "role": ROLE_WORDS[role],
            "near_leg": role if role in LEG_WORDS else None,
            "sampling_rate_hz": s.sampling_rate_hz, "n_contacts": s.n_contacts,
            "cadence_spm": cadence.mean if cadence is not None else None,
            "warnings": list(s.warnings)}


def session_summary(clips: Sequence[SessionClip]) -> Summary:
    """The summary of a session of clips (see the module's docstring for what comes from where).

    Raises
    ------
    SessionError
        Fewer than two clips, two clips of one view, a clip that is not a side or rear video.
    """
    if len(clips) < 2:
        raise SessionError("a session needs at least two clips (left side, right side, behind)")
    roles = clip_roles(clips)
    groups = leg_sources(roles)
    metrics: dict[str, MetricStats] = {}
    phases: dict[str, MetricStats] = {}
    strike, sources = None, {}
    for group, by_leg in groups.items():
        group_metrics, group_phases, group_strike = _group_metrics(group, by_leg)
        for key, m in {**group_metrics, **group_phases}.items():
            m.confidence = _confidence(group, by_leg)
            sources[key] = _provenance(by_leg)
        metrics.update(group_metrics)
        phases.update(group_phases)
        strike = strike or group_strike
    ordered = [roles[r] for r in ("L", "R", "rear") if r in roles]
    first = ordered[0].summary
    timing = groups[TIMING_GROUP]
    summary = Summary(
        kind=first.kind,
        activity=next((c.summary.activity for c in ordered
                       if c.summary.activity != "running"), "running"),
        source="; ".join(dict.fromkeys(c.summary.source for c in ordered)),
        file=" + ".join(str(c.summary.file) for c in ordered),
        sampling_rate_hz=min(c.summary.sampling_rate_hz or 0.0 for c in ordered) or None,
        duration_s=round(sum(c.summary.duration_s or 0.0 for c in ordered), 3),
        n_contacts={leg: int((clip.strides.side == leg).sum()) for leg, clip in timing.items()},
        metrics=metrics, phases=phases, symmetry_index_pct=symmetry_indices(metrics),
        warnings=[f"{c.name}: {len(c.summary.warnings)} warning(s) about this clip alone "
                  "(listed with the clip)" for c in ordered if c.summary.warnings],
        view=" + ".join(ROLE_WORDS[r] for r in ("L", "R", "rear") if r in roles),
        foot_strike=strike, unavailable=_unavailable(metrics, roles),
        session={"clips": [_clip_entry(r, roles[r]) for r in ("L", "R", "rear") if r in roles],
                 "sources": sources})
    _set_errors(summary, groups)
    apply_gates(summary)
    _cadence_gate(summary, roles)
    return summary


def _set_errors(summary: Summary, groups: dict[str, dict[str, SessionClip]]) -> None:
    """Each timing metric's measured error, for the views and rate of the clips it came from."""
    for group, metrics in ((TIMING_GROUP, ("contact_time_ms",)), (STEP_GROUP, TWO_FOOT)):
        clips = groups[group].values()
        if not clips:
            continue
        rear = all(c.role == "rear" for c in clips)
        # a step from a side clip ends with the far foot's landing
        views = ("rear",) if rear else ("side",) if group == TIMING_GROUP else (
            "side", "side_far")
        fps = min(c.summary.sampling_rate_hz or 0.0 for c in clips) or None
        set_timing_errors(summary, fps, views, metrics)


def clip_name(source: object, taken: set[str]) -> str:
    """A short, unique name for a clip (its file name; ``-2``, ``-3`` ... when taken)."""
    path = getattr(source, "path", source)
    base = Path(str(path)).name or "clip"
    name, i = base, 2
    while name in taken:
        name, i = f"{Path(base).stem}-{i}{Path(base).suffix}", i + 1
    taken.add(name)
    return name
