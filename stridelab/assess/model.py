"""What the assessment stage hands to the program and the report: :class:`Finding`.

A finding is one measured fact put in context: the value, the band it falls in according to a
threshold row in ``stridelab/data/thresholds.csv`` (with that row's source and evidence grade),
a plain-language explanation, the muscles and balance qualities involved and the injuries it is
*associated with* (never "causes"; Willwacher 2022, Sports Med 52:1863).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

from stridelab.errors import InputFileError

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
        for k in _SEQUENCES:
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> Finding:
        """Inverse of :meth:`to_dict`, checked.

        Parameters
        ----------
        d
            A finding dict, e.g. one item of ``findings.json``.

        Raises
        ------
        TypeError
            When ``d`` is not a dict.
        ValueError
            When a required key is missing, a key is unknown, the severity is not one of
            :data:`SEVERITIES` or a target is not a key of :data:`TARGETS`; the message names
            the key.
        """
        if not isinstance(d, Mapping):
            raise TypeError(f"not an object ({type(d).__name__})")
        missing = [k for k in _REQUIRED if k not in d]
        if missing:
            raise ValueError(f"missing key(s) {', '.join(missing)}")
        unknown = sorted(set(d) - set(_FIELDS))
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(map(str, unknown))}")
        if d["severity"] not in SEVERITIES:
            raise ValueError(f"severity {d['severity']!r} is not one of {', '.join(SEVERITIES)}")
        data = {**d, **{k: tuple(d.get(k) or ()) for k in _SEQUENCES}}
        unknown = sorted(set(data["targets"]) - set(TARGETS))
        if unknown:
            raise ValueError(f"unknown target(s) {', '.join(map(str, unknown))}")
        return cls(**data)


_FIELDS = {f.name: f for f in fields(Finding)}
_REQUIRED = [name for name, f in _FIELDS.items()
             if f.default is MISSING and f.default_factory is MISSING]
_SEQUENCES = ("targets", "injuries", "threshold_keys")


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

    ``findings`` holds :meth:`Finding.to_dict` items; :func:`read_findings_document` reads it
    back.

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


NOTE_KEYS = ("notes", "not_assessed", "not_measurable")
"""Keys of a ``findings.json`` document that say what the assessment left out."""


def read_findings_document(path: str | Path) -> tuple[list[Finding], dict]:
    """Read a ``findings.json``: its findings, checked, and what the assessment left out.

    The file holds a :func:`findings_document` (``{"findings": [...], ...}``) or a bare list of
    :meth:`Finding.to_dict` items.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    tuple
        The findings, and a dict with the document's non-empty ``notes``, ``not_assessed`` and
        ``not_measurable`` (empty when the file is a bare list).

    Raises
    ------
    InputFileError
        When the file cannot be read, is not JSON, or a finding is not in the expected shape;
        the message names the finding and the key.
    """
    path = Path(path)
    doc = _read_json(path)
    items = doc.get("findings") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputFileError(path, "not a findings file: expected a list of findings or an "
                             "object with a 'findings' list")
    findings = [_finding_of(item, i, path) for i, item in enumerate(items)]
    notes = {k: doc[k] for k in NOTE_KEYS if isinstance(doc, dict) and doc.get(k)}
    return findings, notes


def _read_json(path: Path):
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not JSON ({exc.msg} at line {exc.lineno})") from None


def _finding_of(item, index: int, path: Path) -> Finding:
    try:
        return Finding.from_dict(item)
    except (TypeError, ValueError) as exc:
        key = item.get("key") if isinstance(item, Mapping) else None
        name = f"finding {index + 1}" + (f" ({key})" if key else "")
        raise InputFileError(path, f"{name}: {exc}") from None
