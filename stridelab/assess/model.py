"""What the assessment stage hands to the program and the report: :class:`Finding`.

A finding is one measured fact put in context: the value, the band it falls in according to a
threshold row in ``stridelab/data/thresholds.csv`` (with that row's source and evidence grade),
a plain-language explanation, the muscles and balance qualities involved and the injuries it is
*associated with* (never "causes"; Willwacher 2022, Sports Med 52:1863).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

TARGETS: dict[str, str] = {
    "glute_max": "gluteus maximus",
    "glute_med": "gluteus medius",
    "quadriceps": "quadriceps",
    "hamstrings": "hamstrings",
    "calf_achilles": "calves and Achilles tendon",
    "tibialis_anterior": "tibialis anterior",
    "core": "core (trunk and hip stabilisers)",
    "single_leg_stability": "proprioception and single-leg stability",
    "arms_trunk": "arms and trunk",
}
"""Controlled vocabulary for what a finding asks the program to train (key -> words)."""

SEVERITIES = ("ok", "watch", "concern")
"""Ordered from nothing to do to worth working on; never a diagnosis."""


@dataclass(frozen=True)
class Finding:
    """One assessed measure.

    Attributes
    ----------
    key
        Stable identifier, e.g. ``"overstriding"`` or ``"asymmetry_contact_time"``.
    metric
        The ``summary.json`` metric it comes from, e.g. ``"overstride_ratio"``.
    title
        Short heading for people.
    value
        Measured value (``None`` when the input cannot give it).
    unit
        Unit of ``value``.
    side
        ``"L"``, ``"R"`` or ``None`` for both / not sided.
    confidence
        0-1, from the measurement (1 for motion capture).
    band
        Name of the band the value falls in (e.g. ``"typical"``, ``"high"``).
    severity
        One of :data:`SEVERITIES`.
    source
        Citation of the threshold behind the band.
    evidence
        Evidence grade of that source (``strong``, ``moderate``, ``limited``, ``expert opinion``).
    explanation
        What it means, in words a runner understands.
    targets
        Keys of :data:`TARGETS` the program should train for it.
    injuries
        Injuries the finding is associated with, e.g. ``("patellofemoral pain",)``.
    other_view
        Where the domain article and the evidence disagree, the article's claim and why the
        evidence differs (shown beside the finding); else ``None``.
    threshold_keys
        Rows of ``thresholds.csv`` used.
    """

    key: str
    metric: str
    title: str
    value: float | None
    unit: str
    side: str | None
    confidence: float
    band: str
    severity: str
    source: str
    evidence: str
    explanation: str
    targets: tuple[str, ...] = ()
    injuries: tuple[str, ...] = ()
    other_view: str | None = None
    threshold_keys: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Plain JSON-ready dictionary (tuples become lists)."""
        d = asdict(self)
        for k in ("targets", "injuries", "threshold_keys"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Finding:
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        for k in ("targets", "injuries", "threshold_keys"):
            d[k] = tuple(d.get(k, ()))
        return cls(**d)


FINDINGS_SCHEMA = "stridelab.findings/1"
"""Schema tag of ``findings.json``."""


def findings_document(
    findings: list[Finding],
    summary: str | None = None,
    not_measurable: dict[str, str] | None = None,
    not_assessed: list[str] | None = None,
    notes: list[str] | None = None,
) -> dict:
    """The ``findings.json`` document: a schema tag, the findings and what was left out.

    ``findings`` holds :meth:`Finding.to_dict` items, so readers that accept
    ``{"findings": [...]}`` (e.g. :mod:`stridelab.report.results_folder`) read it unchanged.

    Parameters
    ----------
    findings
        The findings.
    summary
        The summary (or activity file) they come from.
    not_measurable
        ``{metric: reason}`` this input cannot give.
    not_assessed
        Metrics present but not assessed (no evidence-graded threshold).
    notes
        Remarks on the assessment as a whole.
    """
    from stridelab import __version__

    return {
        "schema": FINDINGS_SCHEMA,
        "stridelab_version": __version__,
        "summary": summary,
        "findings": [f.to_dict() for f in findings],
        "not_measurable": dict(not_measurable or {}),
        "not_assessed": list(not_assessed or []),
        "notes": list(notes or []),
    }
