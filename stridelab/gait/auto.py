"""The default event detector: the force plate when the recording has one, else kinematics.

:class:`AutoEventDetection` picks among three swappable detectors by what the recording
holds: a force platform (``source="auto"`` or ``"forceplate"``), 2D keypoints from a video
(the keypoint marker set), or markers (foot clearance). Pass a tuned instance of any of them,
or give the pipeline a detector directly to bypass the choice.
"""

from __future__ import annotations

import pandas as pd

from stridelab.errors import InputFileError
from stridelab.gait import EVENT_SOURCES
from stridelab.io.recording import Recording
from stridelab.thresholds import threshold


class AutoEventDetection:
    """Contacts from the force plate (when present and allowed) or from the kinematics.

    Parameters
    ----------
    source
        ``"auto"`` (force plate when present), ``"forceplate"`` or ``"kinematic"``.
    forceplate, markers, keypoints
        The detectors used for each case; ``None``: the default instance of
        :class:`~stridelab.gait.forceplate.ForcePlateEventDetection`,
        :class:`~stridelab.gait.foot_clearance.FootClearanceEventDetection` and
        :class:`~stridelab.gait.keypoint_events.KeypointEventDetection`.

    Attributes
    ----------
    contacts_
        One row per contact: ``side``, ``ic_s``, ``to_s``.
    warnings_
        Doubtful events, in words.
    source_
        Where the events came from, in words (the summary's ``source``).
    """

    def __init__(self, source: str = "auto", forceplate=None, markers=None,
                 keypoints=None) -> None:
        if source not in EVENT_SOURCES:
            raise ValueError(f"events must be one of {', '.join(EVENT_SOURCES)}, got {source!r}")
        self.source = source
        self.forceplate = forceplate
        self.markers = markers
        self.keypoints = keypoints

    def detect(self, rec: Recording) -> AutoEventDetection:
        """Detect the contacts of ``rec`` (engine frame); returns ``self``."""
        from stridelab.gait.foot_clearance import FootClearanceEventDetection
        from stridelab.gait.forceplate import ForcePlateEventDetection
        from stridelab.gait.keypoint_events import KeypointEventDetection

        if self.source == "forceplate" and not rec.plates:
            raise InputFileError(rec.path, "has no force platform (use --events kinematic)")
        if self.source in ("auto", "forceplate") and rec.plates:
            det = (self.forceplate or ForcePlateEventDetection()).detect(rec)
            if len(det.contacts_) >= 2 or self.source == "forceplate":
                level = threshold("gait.forceplate.contact_threshold")
                self._keep(det, f"{det.SOURCE} (vertical force > {level:g} N)", [])
                return self
        if rec.markerset.name == "keypoints":
            det = (self.keypoints or KeypointEventDetection()).detect(rec)
            self._keep(det, det.SOURCE, det.warnings_)
            return self
        det = (self.markers or FootClearanceEventDetection()).detect(rec)
        self._keep(det, det.SOURCE, det.warnings_)
        return self

    def _keep(self, det, source: str, warnings: list[str]) -> None:
        self.contacts_: pd.DataFrame = det.contacts_
        self.warnings_: list[str] = list(warnings)
        self.source_ = source
