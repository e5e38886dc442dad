"""GPX tracks (gpxpy), with the Garmin ``TrackPointExtension`` heart rate and cadence.

GPX stores UTC times and positions only; distance and speed are computed from the positions
(haversine), and the local time offset is unknown.
"""

from __future__ import annotations

from datetime import timezone

import numpy as np

from stridelab.errors import InputFileError
from stridelab.io.activity.model import (
    Activity,
    cumulative_gps_distance,
    normalise_sport,
    steps_per_minute,
    utc_start,
)

#: Extension element local names -> channel (Garmin TrackPointExtension v1/v2, Strava).
_EXTENSIONS = {"hr": "heart_rate_bpm", "cad": "cadence_spm", "heartrate": "heart_rate_bpm",
               "cadence": "cadence_spm"}


def _extension_values(point) -> dict[str, float]:
    out: dict[str, float] = {}
    stack = list(point.extensions or [])
    while stack:
        element = stack.pop()
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in _EXTENSIONS and element.text:
            try:
                out[_EXTENSIONS[name]] = float(element.text)
            except ValueError:
                pass
        stack.extend(list(element))
    return out


def read_gpx(data: bytes, source: str) -> Activity:
    """Decode a GPX file with one or more tracks.

    Parameters
    ----------
    data
        File bytes.
    source
        Name for messages.

    Raises
    ------
    InputFileError
        Empty, not GPX, without track points, or without times.
    """
    import gpxpy
    import gpxpy.gpx

    if not data.strip():
        raise InputFileError(source, "empty file (0 bytes)")
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except gpxpy.gpx.GPXException as exc:
        raise InputFileError(source, f"not a readable GPX file: {exc}") from exc
    points = [p for track in gpx.tracks for seg in track.segments for p in seg.points]
    if not points:
        raise InputFileError(source, "GPX file has no track points")
    if any(p.time is None for p in points):
        raise InputFileError(
            source, "GPX track points have no times: cannot place the activity in the "
            "training log or measure its duration",
        )
    times = np.array([p.time.replace(tzinfo=p.time.tzinfo or timezone.utc).timestamp()
                      for p in points])
    order = np.argsort(times, kind="stable")
    points = [points[i] for i in order]
    records: dict[str, np.ndarray] = {"time_s": times[order]}
    records["lat_deg"] = np.array([p.latitude for p in points], dtype=float)
    records["lon_deg"] = np.array([p.longitude for p in points], dtype=float)
    records["altitude_m"] = np.array(
        [np.nan if p.elevation is None else p.elevation for p in points], dtype=float)
    records["distance_m"] = cumulative_gps_distance(records["lat_deg"], records["lon_deg"])
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.diff(records["distance_m"]) / np.diff(records["time_s"])
    records["speed_m_s"] = np.concatenate([[0.0], np.where(np.isfinite(speed), speed, 0.0)])
    sport_word = next((t.type for t in gpx.tracks if t.type), None)
    sport = normalise_sport(sport_word)
    warnings: list[str] = []
    if sport == "unknown":
        warnings.append(f"sport unknown (GPX track type {sport_word!r}): not counted as running")
    ext = [_extension_values(p) for p in points]
    for channel in ("heart_rate_bpm", "cadence_spm"):
        values = np.array([e.get(channel, np.nan) for e in ext], dtype=float)
        if np.isfinite(values).any():
            records[channel] = values
    if "cadence_spm" in records:
        records["cadence_spm"] = steps_per_minute(records["cadence_spm"], sport, warnings)
    return Activity(
        source=source,
        format="gpx",
        sport=sport,
        start_utc=utc_start(float(records["time_s"][0]), records["time_s"], source),
        utc_offset_s=None,
        records=records,
        totals={},
        device=gpx.creator or None,
        decoder="gpxpy",
        warnings=warnings,
    )
