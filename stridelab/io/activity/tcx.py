"""Garmin Training Center XML (TCX) activities, parsed with :mod:`xml.etree.ElementTree`.

TCX v2 stores UTC times, positions, altitude, the device's cumulative distance, heart rate
and, in the ``ActivityExtension/v2`` ``TPX`` element, speed and ``RunCadence`` (strides per
minute of one foot). Lap elements hold the device's own totals.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import numpy as np

from stridelab.errors import InputFileError
from stridelab.io.activity.model import (
    Activity,
    normalise_sport,
    steps_per_minute,
    utc_start,
)


def _time(text: str | None) -> float | None:
    if not text:
        return None
    text = text.strip().replace("Z", "+00:00")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp.replace(tzinfo=stamp.tzinfo or timezone.utc).timestamp()


def _number(element: ET.Element | None, path: str) -> float:
    if element is None:
        return np.nan
    found = element.find(path)
    if found is None or found.text is None:
        return np.nan
    try:
        return float(found.text)
    except ValueError:
        return np.nan


_POINT_PATHS = {
    "distance_m": "{*}DistanceMeters",
    "altitude_m": "{*}AltitudeMeters",
    "lat_deg": "{*}Position/{*}LatitudeDegrees",
    "lon_deg": "{*}Position/{*}LongitudeDegrees",
    "heart_rate_bpm": "{*}HeartRateBpm/{*}Value",
    "speed_m_s": "{*}Extensions/{*}TPX/{*}Speed",
    "cadence_spm": "{*}Extensions/{*}TPX/{*}RunCadence",
}


def read_tcx(data: bytes, source: str) -> Activity:
    """Decode the first activity of a TCX file.

    Parameters
    ----------
    data
        File bytes.
    source
        Name for messages.

    Raises
    ------
    InputFileError
        Empty, not XML, not TCX, or without timed track points.
    """
    if not data.strip():
        raise InputFileError(source, "empty file (0 bytes)")
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: unknown encoding
        raise InputFileError(source, f"not a readable TCX (XML) file: {exc}") from exc
    activity = root.find("{*}Activities/{*}Activity")
    if activity is None:
        raise InputFileError(source, "TCX file holds no <Activity>")
    points = [p for p in activity.iter() if p.tag.rsplit("}", 1)[-1] == "Trackpoint"]
    stamps = [_time(p.findtext("{*}Time")) for p in points]
    kept = [(t, p) for t, p in zip(stamps, points, strict=True) if t is not None]
    if not kept:
        raise InputFileError(source, "TCX track points have no times (no track to import)")
    kept.sort(key=lambda item: item[0])
    records: dict[str, np.ndarray] = {"time_s": np.array([t for t, _ in kept])}
    for channel, path in _POINT_PATHS.items():
        values = np.array([_number(p, path) for _, p in kept])
        if np.isfinite(values).any():
            records[channel] = values
    sport_word = activity.get("Sport")
    sport = normalise_sport(sport_word)
    warnings: list[str] = []
    if sport in ("unknown", "other"):
        warnings.append(f"sport {sport_word!r} in the TCX file: not counted as running")
    if "cadence_spm" in records:
        records["cadence_spm"] = steps_per_minute(records["cadence_spm"], sport, warnings)
    laps = activity.findall("{*}Lap")
    totals: dict[str, float] = {}
    for key, path in (("total_timer_time_s", "{*}TotalTimeSeconds"),
                      ("total_distance_m", "{*}DistanceMeters"),
                      ("total_calories_kcal", "{*}Calories")):
        values = [_number(lap, path) for lap in laps]
        if values and all(np.isfinite(values)):
            totals[key] = float(np.sum(values))
    start = _time(laps[0].get("StartTime")) if laps else None
    start = start if start is not None else float(records["time_s"][0])
    creator = activity.find("{*}Creator/{*}Name")
    return Activity(
        source=source,
        format="tcx",
        sport=sport,
        start_utc=utc_start(start, records["time_s"], source),
        utc_offset_s=None,
        records=records,
        totals=totals,
        device=creator.text.strip() if creator is not None and creator.text else None,
        decoder="xml.etree",
        warnings=warnings,
    )
