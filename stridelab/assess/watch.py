"""A summary from a watch file (FIT, also GPX/TCX), for the assessment.

The file is read by the activity readers (:func:`stridelab.io.activity.read_path`) and
summarised by :func:`stridelab.summary.build.watch_summary` with ``gait_only``: only records at
running step rates (at least ``gait.activity.cadence_min_spm``) for a run, so walking breaks
and stops do not dilute the means; step time, flight time and duty factor derived per record
from cadence and ground contact time; ``unavailable`` naming what a watch cannot measure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stridelab.errors import InputFileError
from stridelab.io.activity import Activity, read_path
from stridelab.io.activity.model import FOOT_SPORTS
from stridelab.summary.build import watch_summary


def summary_from_activity(activity: Activity, file: str | None = None) -> dict[str, Any]:
    """Build the ``stridelab.summary/1`` dict the assessment reads from an activity.

    Parameters
    ----------
    activity
        An activity read by :mod:`stridelab.io.activity`.
    file
        Path to report in the summary; defaults to ``activity.source``.

    Raises
    ------
    InputFileError
        For a sport without foot strikes (cycling, swimming ...).
    """
    if activity.sport not in FOOT_SPORTS | {"unknown"}:
        raise InputFileError(file or activity.source,
                             f"sport '{activity.sport}': the gait assessment needs a run")
    return watch_summary(activity, file, gait_only=True).to_dict()


def summary_from_file(path: str | Path) -> dict[str, Any]:
    """Read a watch file and build its summary dict (see :func:`summary_from_activity`).

    Parameters
    ----------
    path
        ``.fit``, ``.gpx`` or ``.tcx`` file (optionally ``.gz``).
    """
    return summary_from_activity(read_path(Path(path)), str(path))
