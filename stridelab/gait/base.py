"""What every contact-event detector offers, and the input checks they share.

The detectors follow gaitmap's algorithm style: parameters are given to ``__init__`` (which
only stores them, thresholds resolved from the threshold table), one action method
``detect(rec)`` does the work and returns the detector itself, and results are attributes
whose names end in ``_``::

    det = FootClearanceEventDetection(clearance_mm=4).detect(rec)
    det.contacts_      # side, ic_s, to_s (one row per contact, in time order)
    det.warnings_      # problems found, for the summary

:class:`EventDetector` states that contract as a :class:`typing.Protocol`, so any class with
the same method and attributes (no inheritance needed) can stand in for a built-in one.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.io.recording import Recording

if TYPE_CHECKING:
    from typing import Self  # Python 3.11; annotations only

CONTACT_COLUMNS = ("side", "ic_s", "to_s")
"""Columns every detector's ``contacts_`` has (force-plate detection adds ``plate``)."""


@runtime_checkable
class EventDetector(Protocol):
    """A contact-event detector: ``detect(rec)`` fills ``contacts_`` and ``warnings_``.

    Attributes
    ----------
    contacts_
        One row per foot contact in time order, with at least the columns ``side`` (``"L"``,
        ``"R"``, or ``"?"`` when unknown), ``ic_s`` (initial contact, s) and ``to_s``
        (toe-off, s); set by :meth:`detect`.
    warnings_
        Problems found in the recording, as sentences for the summary; set by :meth:`detect`.
    """

    contacts_: pd.DataFrame
    warnings_: list[str]

    def detect(self, rec: Recording) -> Self:
        """Find the contacts in ``rec`` (a recording in the engine frame).

        Parameters
        ----------
        rec
            The recording, after :func:`stridelab.io.frame.to_engine_frame` (or made by
            :meth:`stridelab.io.recording.Recording.from_dataframe`).

        Returns
        -------
        Self
            The detector, with ``contacts_`` and ``warnings_`` set.
        """
        ...


def check_recording(rec: Recording, landmarks: tuple[str, ...] = (),
                    any_of: tuple[str, ...] = (), points: tuple[str, ...] = ()) -> None:
    """Check that ``rec`` is a recording in the engine frame with what a detector needs.

    Parameters
    ----------
    rec
        The recording given to ``detect``.
    landmarks
        Landmarks that must all be present (see :meth:`Recording.has`).
    any_of
        Landmarks of which at least one must be present (e.g. either foot).
    points
        Source point names that must all be present in ``rec.points``.

    Raises
    ------
    TypeError
        When ``rec`` is not a :class:`~stridelab.io.recording.Recording`.
    InputFileError
        When ``rec`` is not in the engine frame, lacks a landmark or point it needs, or its
        vertical axis looks wrong (the pelvis is not above the feet along y).
    """
    if not isinstance(rec, Recording):
        raise TypeError(f"detect() needs a stridelab Recording, got {type(rec).__name__} "
                        "(a DataFrame of markers: use Recording.from_dataframe)")
    if rec.frame != "engine":
        raise InputFileError(rec.path, f"the recording is in the {rec.frame!r} frame, not the "
                             "engine frame (x forward, y up): call "
                             "stridelab.io.frame.to_engine_frame(rec) first, or build it with "
                             "Recording.from_dataframe")
    missing = [name for name in landmarks if not rec.has(name)]
    if any_of and not any(rec.has(name) for name in any_of):
        missing.append(" or ".join(any_of))
    missing += [name for name in points if name not in rec.points]
    if missing:
        raise InputFileError(rec.path, f"missing {', '.join(missing)} (marker set "
                             f"{rec.markerset.name!r}): cannot find events")
    check_vertical(rec)


def check_vertical(rec: Recording) -> None:
    """Check that y is up in ``rec``: the pelvis lies above the feet, mostly along y.

    Nothing is checked when the pelvis or both feet are missing, or missing throughout.

    Raises
    ------
    InputFileError
        When the pelvis-to-feet offset does not point mainly along +y.
    """
    feet = [rec.landmark(f"{s}_foot") for s in "LR" if rec.has(f"{s}_foot")]
    if not feet or not rec.has("pelvis"):
        return
    with warnings.catch_warnings():  # frames without any foot give NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        offset = np.nanmedian(rec.landmark("pelvis") - np.nanmean(feet, axis=0), axis=0)
    if not np.isfinite(offset).all():
        return
    i = int(np.argmax(np.abs(offset)))
    if i == 1 and offset[1] > 0:
        return
    if rec.markerset.name == "keypoints":
        raise InputFileError(rec.path, "the runner is not upright in the picture (hips not "
                             "above the feet): the clip is turned sideways or upside down; "
                             "turn it upright (or record its rotation tag) and try again")
    raise InputFileError(rec.path, "the vertical axis looks wrong: the pelvis is not above the "
                         f"feet along y (pelvis - feet = {np.round(offset, 3).tolist()} m in "
                         f"x, y, z) (pass vertical={_up_hint(rec, offset)!r} to "
                         "to_engine_frame or Recording.from_dataframe)")


def _up_hint(rec: Recording, offset: np.ndarray) -> str:
    """The lab axis that is up according to the data, in ``to_engine_frame``'s notation."""
    i = int(np.argmax(np.abs(offset)))
    sign = 1 if offset[i] > 0 else -1
    engine = ("forward", "vertical", "right")[i]
    lab = rec.axes.get(engine, "")
    if len(lab) == 2 and lab[0] in "+-" and lab[1] in "xyz":
        sign *= 1 if lab[0] == "+" else -1
        return ("+" if sign > 0 else "-") + lab[1]
    return ("+" if sign > 0 else "-") + "xyz"[i]
