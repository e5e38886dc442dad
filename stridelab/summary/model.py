"""The results contract: :class:`Summary` and :class:`MetricStats`, what ``summary.json`` holds.

Every input (motion capture, video, keypoints, watch file) ends in one :class:`Summary`; the
later stages (assessment, program, report, training log) read only it. ``to_dict`` is the one
serialisation (``summary.json``), ``from_dict`` the one validating reader: an unknown metric
key is an error that names it, so a misspelt key is never silently ignored.
``docs/summary.schema.json`` is generated from these classes (:func:`json_schema`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from stridelab import __version__

SCHEMA = "stridelab.summary/1"
"""The schema every ``summary.json`` carries; one version for every input."""

TIMING_UNITS = {
    "cadence_spm": "steps/min",
    "contact_time_ms": "ms",
    "flight_time_ms": "ms",
    "duty_factor": "ratio",
    "step_time_ms": "ms",
    "swing_time_ms": "ms",
    "stride_time_ms": "ms",
}
"""Timing metrics of the per-stride table (every input that gives events)."""

KINEMATIC_UNITS = {
    "trunk_lean_deg": "deg", "trunk_lean_midstance_deg": "deg",
    "foot_inclination_ic_deg": "deg", "shank_angle_ic_deg": "deg",
    "overstride_ratio": "ratio of leg length", "overstride_cm": "cm",
    "knee_flexion_ic_deg": "deg", "knee_flexion_peak_stance_deg": "deg",
    "vertical_oscillation_cm": "cm", "pelvic_drop_deg": "deg", "step_width_cm": "cm",
    "knee_frontal_angle_deg": "deg", "crossover_pct": "% of contacts",
    "eversion_excursion_deg": "deg", "peak_eversion_velocity_dps": "deg/s",
}  # fmt: skip
"""Form measures at the gait events (motion capture, side or rear video; the eversion
measures from foot-worn gyroscopes)."""

WATCH_UNITS = {
    "vertical_ratio_pct": "%",
    "step_length_m": "m",
    "heart_rate_bpm": "bpm",
    "pace_s_per_km": "s/km",
}
"""Measures only watch files and pods give."""

METRIC_UNITS = {**TIMING_UNITS, **KINEMATIC_UNITS, **WATCH_UNITS}
"""Every metric key a summary may hold, with its unit."""

SIDE_ONLY = ("trunk_lean_deg", "trunk_lean_midstance_deg", "foot_inclination_ic_deg",
             "shank_angle_ic_deg", "overstride_ratio", "overstride_cm", "knee_flexion_ic_deg",
             "knee_flexion_peak_stance_deg", "vertical_oscillation_cm")
"""Kinematic metrics a side view (or 3D motion capture) gives."""
REAR_ONLY = ("pelvic_drop_deg", "step_width_cm", "crossover_pct", "knee_frontal_angle_deg")
"""Kinematic metrics a rear view (or 3D motion capture) gives."""

SYMMETRY_FORMULA = "SI = (R - L) / (0.5 * (R + L)) * 100 (Robinson 1987)"


def json_safe(value: Any) -> Any:
    """``value`` with NaN/inf as ``None`` and NumPy scalars as Python numbers, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return json_safe(value.item())
    return value


@dataclass
class MetricStats:
    """One metric over a recording: mean, spread, count and the two sides.

    Attributes
    ----------
    mean, sd
        Mean and sample standard deviation (``None``: no value; ``sd`` of one value is 0).
    cv_pct
        Coefficient of variation, ``100 sd / mean`` (``None`` when the mean is 0).
    count
        Number of values (strides, contacts or watch records).
    L, R
        Per-side means (``None`` where a side was not seen).
    unit
        The unit the name says (``ms``, ``deg``, ``steps/min`` ...).
    derived
        How the value was derived when it is not measured directly (watch files).
    confidence
        0-1, when the input limits the measure; ``None``: as good as the input allows.
    error
        The measured error of the mean, in its unit, where a validation gives one (video
        timing: :mod:`stridelab.summary.timing_error`); ``None``: not stated.
    """

    mean: float | None = None
    sd: float | None = None
    cv_pct: float | None = None
    count: int = 0
    L: float | None = None  # noqa: N815 - the side, as in summary.json
    R: float | None = None  # noqa: N815
    unit: str = ""
    derived: str | None = None
    confidence: float | None = None
    error: float | None = None

    _OPTIONAL = ("derived", "confidence", "error")

    def to_dict(self) -> dict[str, Any]:
        """The metric as ``summary.json`` holds it (optional fields only when set)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in self._OPTIONAL:
            if out[name] is None:
                del out[name]
        return json_safe(out)

    @classmethod
    def from_dict(cls, doc: Any, name: str = "metric") -> MetricStats:
        """Read a metric dict, rejecting unknown fields (``ValueError`` naming them)."""
        if not isinstance(doc, dict):
            raise ValueError(f"{name}: expected an object, got {type(doc).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise ValueError(f"{name}: unknown field(s) {', '.join(unknown)}")
        return cls(**doc)


_ORDER = ("schema", "stridelab_version", "activity", "source", "file", "kind", "start_time",
          "markerset", "markerset_allows", "sampling_rate_hz", "duration_s", "axes",
          "n_contacts", "metrics", "phases", "symmetry_index_pct", "symmetry_index_formula",
          "contact_time_balance_left_pct", "warnings", "view", "foot_strike", "unavailable",
          "scene", "pose", "session")


@dataclass
class Summary:
    """What one analysis found: the ``stridelab.summary/1`` document as an object.

    Attributes
    ----------
    kind
        ``"motion capture"``, ``"video"``, ``"keypoints"``, ``"watch"`` or
        ``"wearable sensors"``.
    activity
        ``"running"`` or ``"walking"`` (watch files: the sport the file names).
    source
        Where the events came from, in words.
    file
        The input.
    metrics
        :class:`MetricStats` by metric key (:data:`METRIC_UNITS`).
    phases
        Per-phase duration in % of the stride, by ``<phase>_pct`` column.
    symmetry_index_pct
        Robinson's symmetry index by metric (``None`` where a side is missing).
    warnings
        Doubtful data, in words.
    unavailable
        ``{metric: reason}`` for measures this input cannot give.
    markerset, markerset_allows, sampling_rate_hz, duration_s, axes, n_contacts
        Recordings: the marker or keypoint set and what it allows, the rate, the length, how
        the lab axes were mapped, the contacts per side.
    view, foot_strike, scene, pose
        Video and motion capture: the camera view, the foot-strike pattern, the scene and
        pose blocks (``docs/summary-schema.md``).
    start_time, contact_time_balance_left_pct
        Watch files: local start time, left share of ground contact time.
    session
        A session of several clips (:mod:`stridelab.summary.session`): ``clips`` (each
        clip's file, view, near leg, rate, contacts, cadence and warnings) and ``sources``
        (``{metric: {"L": clip, "R": clip}}``, the clip each leg's value came from).
    """

    kind: str = "motion capture"
    activity: str = "running"
    source: str = ""
    file: str = ""
    metrics: dict[str, MetricStats] = field(default_factory=dict)
    phases: dict[str, MetricStats] = field(default_factory=dict)
    symmetry_index_pct: dict[str, float | None] = field(default_factory=dict)
    symmetry_index_formula: str | None = SYMMETRY_FORMULA
    warnings: list[str] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    markerset: str | None = None
    markerset_allows: list[str] | None = None
    sampling_rate_hz: float | None = None
    duration_s: float | None = None
    axes: dict[str, str] | None = None
    n_contacts: dict[str, int] | None = None
    view: str | None = None
    foot_strike: dict[str, Any] | None = None
    scene: dict[str, Any] | None = None
    pose: dict[str, Any] | None = None
    start_time: str | None = None
    contact_time_balance_left_pct: float | None = None
    session: dict[str, Any] | None = None
    schema: str = SCHEMA
    stridelab_version: str = __version__

    def __post_init__(self) -> None:
        """Check the metric keys."""
        unknown = sorted(set(self.metrics) - set(METRIC_UNITS))
        if unknown:
            raise ValueError(f"unknown metric key(s) {', '.join(unknown)} (known: see "
                             "docs/summary-schema.md)")
        bad = sorted(k for k in self.phases if not k.endswith("_pct"))
        if bad:
            raise ValueError(f"phase key(s) {', '.join(bad)} do not end in _pct")

    def metric(self, key: str) -> MetricStats | None:
        """The metric ``key``, or ``None`` when this summary lacks it."""
        return self.metrics.get(key)

    def to_dict(self) -> dict[str, Any]:
        """The ``summary.json`` document (JSON-safe: NaN as ``None``)."""
        out: dict[str, Any] = {}
        for name in _ORDER:
            value = getattr(self, name)
            if name in ("metrics", "phases"):
                value = {k: m.to_dict() for k, m in value.items()}
            if value is None or (name == "phases" and not value):
                continue
            out[name] = value
        return json_safe(out)

    @classmethod
    def from_dict(cls, doc: Any) -> Summary:
        """Read a ``summary.json`` document, checking it.

        Raises
        ------
        ValueError
            Not an object, another schema, no ``metrics``, an unknown top-level key or an
            unknown metric key (each named).
        """
        if not isinstance(doc, dict):
            raise ValueError("a summary must be a JSON object")
        schema = doc.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise ValueError(f"schema {schema!r} is not {SCHEMA!r}")
        if not isinstance(doc.get("metrics"), dict):
            raise ValueError(f"no 'metrics' block: not a stridelab summary ({SCHEMA})")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise ValueError(f"unknown summary key(s) {', '.join(unknown)}")
        values = dict(doc)
        values["metrics"] = {k: MetricStats.from_dict(v, k) for k, v in doc["metrics"].items()}
        values["phases"] = {k: MetricStats.from_dict(v, k)
                            for k, v in (doc.get("phases") or {}).items()}
        for key in ("symmetry_index_pct", "unavailable"):
            values[key] = dict(doc.get(key) or {})
        values["warnings"] = list(doc.get("warnings") or [])
        values.setdefault("symmetry_index_formula", None)
        return cls(**values)


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``summary.json``, generated from the dataclasses."""
    number = {"type": ["number", "null"]}

    def props(cls) -> dict[str, Any]:
        out = {}
        for f in fields(cls):
            kind = str(f.type)
            if f.name in ("metrics", "phases"):
                out[f.name] = {"type": "object",
                               "additionalProperties": {"$ref": "#/$defs/MetricStats"}}
                if f.name == "metrics":
                    out[f.name]["propertyNames"] = {"enum": sorted(METRIC_UNITS)}
            elif kind.startswith("float"):
                out[f.name] = number
            elif kind.startswith("int"):
                out[f.name] = {"type": "integer"}
            elif kind.startswith("str |"):
                out[f.name] = {"type": ["string", "null"]}
            elif kind.startswith("str"):
                out[f.name] = {"type": "string"}
            elif kind.startswith("list"):
                out[f.name] = {"type": ["array", "null"], "items": {"type": "string"}}
            else:
                out[f.name] = {"type": ["object", "null"]}
        return out

    summary_props = props(Summary)
    summary_props["schema"] = {"const": SCHEMA}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://stridelab.org/schemas/summary-1.json",
        "title": "stridelab summary.json",
        "description": (Summary.__doc__ or "").strip().splitlines()[0],
        "type": "object",
        "required": ["schema", "metrics"],
        "additionalProperties": False,
        "properties": summary_props,
        "$defs": {"MetricStats": {"type": "object", "additionalProperties": False,
                                  "required": ["mean", "count", "unit"],
                                  "properties": props(MetricStats)}},
    }
