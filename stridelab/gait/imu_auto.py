"""The contact detector for wearable sensors, chosen from the positions worn.

Feet give the most exact contacts (Falbriard et al. 2018), then the shanks, then the lower
back (Lee et al. 2010), which sees both feet from one sensor. The detector used, and why,
is named in ``source_``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from stridelab.errors import InputFileError
from stridelab.gait.base import CONTACT_COLUMNS
from stridelab.io.imu import ImuRecording

if TYPE_CHECKING:
    from typing import Self


def _detector(kind: str) -> Any:
    if kind == "foot":
        from stridelab.gait.imu_foot import FootImuEventDetection

        return FootImuEventDetection()
    if kind == "shank":
        from stridelab.gait.imu_shank import ShankImuEventDetection

        return ShankImuEventDetection()
    from stridelab.gait.imu_back import BackImuEventDetection

    return BackImuEventDetection()


def choose_positions(rec: ImuRecording) -> str | None:
    """The sensor kind to time contacts from: ``foot``, ``shank``, ``back`` or ``None``.

    Both feet first, then both shanks (each with a gyroscope: their events need one), then
    the lower back (both sides from one sensor), then a single foot or shank (one side only).
    """
    have = {p for p in rec.positions
            if p == "lower_back" or rec.sensors[p].gyr is not None}
    for kind in ("foot", "shank"):
        if {f"left_{kind}", f"right_{kind}"} <= have:
            return kind
    if "lower_back" in have:
        return "back"
    for kind in ("foot", "shank"):
        if have & {f"left_{kind}", f"right_{kind}"}:
            return kind
    return None


class ImuAutoEventDetection:
    """Contacts from the best sensor positions present (see :func:`choose_positions`).

    Parameters
    ----------
    kind
        ``"auto"`` (default), or force ``"foot"``, ``"shank"`` or ``"back"``.

    Attributes
    ----------
    contacts_, warnings_
        As every detector's (:class:`~stridelab.gait.base.EventDetector`). A single foot or
        shank sensor (one side only) is refused: strides and steps need both feet.
    source_
        The sensors and the method, in words (the summary's ``source``).
    activity_
        ``"running"``, ``"walking"`` or ``None``, as the chosen detector tells it.
    detector_
        The detector that ran.
    kind_
        The sensor kind it timed contacts from: ``foot``, ``shank``, ``back`` or ``None``.
    """

    def __init__(self, kind: str = "auto") -> None:
        self.kind = kind

    def detect(self, rec: ImuRecording) -> Self:
        """Find the contacts in ``rec`` (an ImuRecording in the body frame)."""
        if not isinstance(rec, ImuRecording):
            raise TypeError(f"detect() needs an ImuRecording, got {type(rec).__name__}")
        kind = choose_positions(rec) if self.kind == "auto" else self.kind
        self.kind_ = kind
        if kind is None:
            self.detector_ = None
            self.contacts_ = pd.DataFrame(columns=list(CONTACT_COLUMNS))
            self.warnings_ = [f"no sensor at a foot, shank or the lower back (have "
                              f"{', '.join(rec.positions) or 'none'}): no contacts"]
            self.source_, self.activity_ = "wearable sensors", None
            return self
        one_side = [p for p in (f"left_{kind}", f"right_{kind}") if p in rec.sensors]
        if kind in ("foot", "shank") and len(one_side) == 1:
            raise InputFileError(rec.path, f"only one {kind} sensor ({one_side[0]}): strides "
                                 f"and steps need both feet; add the other {kind}'s sensor, "
                                 "or a lower-back sensor")
        det = _detector(kind).detect(rec)
        self.detector_ = det
        self.contacts_ = det.contacts_
        self.warnings_ = list(det.warnings_)
        self.activity_ = getattr(det, "activity_", None)
        method = getattr(det, "source_", type(det).__name__)
        self.source_ = f"wearable sensors ({', '.join(rec.positions)}): {method}"
        return self
