"""The in-memory activity: per-record arrays plus the totals the device recorded itself.

Readers (``fit``, ``gpx``, ``tcx``) all return an :class:`Activity` in the project units:
time in seconds (UTC epoch), distances in metres, speed in m/s, cadence in steps/min and the
running-dynamics channels in the units their names carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np

from stridelab.errors import InputFileError

#: Per-record channels an :class:`Activity` may hold, with their units in the name.
CHANNELS: tuple[str, ...] = (
    "time_s",  # UTC epoch seconds
    "distance_m",  # cumulative distance recorded by the device
    "speed_m_s",
    "heart_rate_bpm",
    "cadence_spm",  # steps per minute (both feet)
    "stance_time_ms",  # ground contact time
    "stance_time_balance_left_pct",  # left foot's share of ground contact time
    "vertical_oscillation_mm",
    "vertical_ratio_pct",
    "step_length_mm",
    "lat_deg",
    "lon_deg",
    "altitude_m",
)

#: Channels that only running dynamics sensors (HRM-Run/Pro, RD pod, recent watches) record.
RUNNING_DYNAMICS: tuple[str, ...] = (
    "stance_time_ms",
    "stance_time_balance_left_pct",
    "vertical_oscillation_mm",
    "vertical_ratio_pct",
    "step_length_mm",
)

#: Sports whose load counts as running.
RUNNING_SPORTS = frozenset({"running"})

#: Sports in which the foot strikes the ground, so that FIT cadence means strides per minute.
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "trail_running", "mountaineering"})

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean Earth radius

#: Record times an activity may have (Unix seconds): 1970-01-01 up to 2200-01-01. A damaged
#: time outside them is refused: Python dates end at year 9999, and a training log cannot use it.
TIME_RANGE_S = (0.0, 7_258_118_400.0)


@dataclass
class Activity:
    """One recorded activity.

    Attributes
    ----------
    source
        Where it came from: a path, or ``archive.zip!member`` for a file inside an archive.
    format
        ``"fit"``, ``"gpx"`` or ``"tcx"``.
    sport
        Lower-case sport name (``"running"``, ``"walking"``, ``"cycling"`` ...) or
        ``"unknown"`` when the file does not say.
    start_utc
        Start time, timezone-aware UTC.
    utc_offset_s
        Local time offset the file records (FIT ``activity.local_timestamp``), or ``None``
        when the file does not record one (GPX and TCX never do).
    records
        Per-record NumPy arrays keyed by the names in :data:`CHANNELS`; ``time_s`` always
        present, NaN where a record lacks a value, absent channels left out.
    totals
        The activity's own recorded totals (FIT session message, TCX laps), e.g.
        ``total_distance_m``, ``total_elapsed_time_s``, ``total_timer_time_s``,
        ``total_ascent_m``, ``avg_heart_rate_bpm``.
    sub_sport, device
        Optional details from the file.
    decoder
        Which library decoded it (e.g. ``"fitfast"``, ``"garmin-fit-sdk"``, ``"gpxpy"``).
    warnings
        Problems that do not stop the import, in words for the user.
    """

    source: str
    format: str
    sport: str
    start_utc: datetime
    utc_offset_s: int | None
    records: dict[str, np.ndarray]
    totals: dict[str, float] = field(default_factory=dict)
    sub_sport: str | None = None
    device: str | None = None
    decoder: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def is_running(self) -> bool:
        """Whether the activity counts toward running load."""
        return self.sport in RUNNING_SPORTS

    @property
    def time_utc(self) -> np.ndarray:
        """Record times as ``numpy.datetime64[ms]`` (UTC)."""
        return (self.records["time_s"] * 1000.0).astype("datetime64[ms]")

    @property
    def n_records(self) -> int:
        """Number of records (samples)."""
        return int(self.records["time_s"].size)

    def channel(self, name: str) -> np.ndarray | None:
        """Return a channel with at least one finite value, else ``None``."""
        values = self.records.get(name)
        if values is None or not np.isfinite(values).any():
            return None
        return values

    @property
    def has_gps(self) -> bool:
        """Whether any record carries a position."""
        return self.channel("lat_deg") is not None and self.channel("lon_deg") is not None

    @property
    def has_running_dynamics(self) -> bool:
        """Whether any running-dynamics channel has data."""
        return any(self.channel(name) is not None for name in RUNNING_DYNAMICS)

    def local_start(self, fallback_tz: timezone | None = None) -> datetime:
        """Start time in local time.

        Uses the offset recorded in the file; otherwise ``fallback_tz``, otherwise the time
        zone of this computer at that instant.
        """
        if self.utc_offset_s is not None:
            return self.start_utc.astimezone(timezone(timedelta(seconds=self.utc_offset_s)))
        if fallback_tz is not None:
            return self.start_utc.astimezone(fallback_tz)
        return self.start_utc.astimezone()


def utc_start(seconds: float, times: np.ndarray, source: str) -> datetime:
    """The start as an aware UTC datetime, once the start and all record times are plausible.

    Parameters
    ----------
    seconds
        The start, Unix seconds.
    times
        The records' times, Unix seconds (NaN where unknown).
    source
        Name for messages.

    Raises
    ------
    InputFileError
        When a time lies outside :data:`TIME_RANGE_S`.
    """
    finite = times[np.isfinite(times)]
    for label, value in (("start", seconds),
                         ("first record", finite.min() if finite.size else seconds),
                         ("last record", finite.max() if finite.size else seconds)):
        if not TIME_RANGE_S[0] <= value < TIME_RANGE_S[1]:  # False for NaN too
            raise InputFileError(source, f"{label} time {_year(value)} lies outside 1970-2200: "
                                         "damaged times, not a recorded activity")
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _year(seconds: float) -> str:
    if not np.isfinite(seconds):
        return "unknown"
    return f"in year {1970 + seconds / 31_556_952:.0f}"


def haversine_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distance between consecutive points.

    Parameters
    ----------
    lat, lon
        Positions in degrees; NaN where a record has no position.

    Returns
    -------
    numpy.ndarray
        Distance in metres from each valid point to the next valid one (length = number of
        valid points - 1). Haversine formula on a sphere of the IUGG mean radius (Sinnott
        1984, Sky & Telescope 68:159).
    """
    ok = np.isfinite(lat) & np.isfinite(lon)
    phi = np.radians(lat[ok])
    lam = np.radians(lon[ok])
    if phi.size < 2:
        return np.zeros(0)
    dphi = np.diff(phi)
    dlam = np.diff(lam)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:-1]) * np.cos(phi[1:]) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def cumulative_gps_distance(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Cumulative GPS distance per record (metres), NaN before the first fix.

    Parameters
    ----------
    lat, lon
        Positions in degrees, NaN where missing.
    """
    out = np.full(lat.shape, np.nan)
    ok = np.isfinite(lat) & np.isfinite(lon)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return out
    steps = haversine_m(lat, lon)
    out[idx] = np.concatenate([[0.0], np.cumsum(steps)])
    # carry the last known distance over records without a fix
    first = idx[0]
    filled = out[first:]
    mask = np.isnan(filled)
    if mask.any():
        keep = np.where(~mask, np.arange(filled.size), 0)
        np.maximum.accumulate(keep, out=keep)
        out[first:] = filled[keep]
    return out


def interval_speeds(activity: Activity) -> tuple[np.ndarray, np.ndarray] | None:
    """Duration (s) and mean speed (m/s) of each interval between consecutive records.

    ``None`` without distance (records or GPS) or with fewer than two records.
    """
    time = activity.records["time_s"]
    distance = activity.channel("distance_m")
    if distance is None and activity.has_gps:
        distance = cumulative_gps_distance(activity.records["lat_deg"], activity.records["lon_deg"])
    if distance is None or time.size < 2:
        return None
    ok = np.isfinite(distance)
    t, d = time[ok], distance[ok]
    dt = np.diff(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(dt > 0, np.diff(d) / dt, 0.0)
    return dt, speed


def steps_per_minute(cadence: np.ndarray, sport: str, note: list[str]) -> np.ndarray:
    """Turn a per-foot cadence into steps per minute.

    Garmin devices record running cadence as strides (cycles) per minute of one foot
    (Garmin Connect IQ ``RunningDynamicsData.cadence``: "0-255 strides/min"), so steps per
    minute are twice the value. A file whose foot-sport cadence already looks like steps per
    minute (median of non-zero values above 120) is left as it is, with a note.

    Parameters
    ----------
    cadence
        Cadence as recorded (per foot, possibly with the fractional part added).
    sport
        The activity's sport; only foot sports are doubled.
    note
        Warnings list to append to.
    """
    if sport not in FOOT_SPORTS and sport != "unknown":
        return cadence
    moving = cadence[np.isfinite(cadence) & (cadence > 0)]
    if moving.size and float(np.median(moving)) > 120:
        note.append("cadence already looks like steps/min (median above 120): not doubled")
        return cadence
    return cadence * 2.0


_SPORT_WORDS: dict[str, str] = {
    "run": "running",
    "running": "running",
    "trail_running": "running",
    "trailrun": "running",
    "treadmill": "running",
    "virtualrun": "running",
    "walk": "walking",
    "walking": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "ride": "cycling",
    "cycling": "cycling",
    "biking": "cycling",
    "virtualride": "cycling",
    "ebikeride": "cycling",
    "mountain_biking": "cycling",
    "swim": "swimming",
    "swimming": "swimming",
    "kayaking": "paddling",
    "canoeing": "paddling",
    "rowing": "rowing",
    "paddling": "paddling",
    "standuppaddling": "paddling",
    "stand_up_paddleboarding": "paddling",
    "other": "other",
}


def normalise_sport(text: str | None) -> str:
    """Map a sport word from a GPX ``<type>`` or TCX ``Sport`` attribute to a FIT-style name.

    Parameters
    ----------
    text
        E.g. ``"Running"``, ``"Run"``, ``"Biking"``, ``"TrailRun"``; ``None`` or an unknown
        word gives ``"unknown"``.
    """
    if not text:
        return "unknown"
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    return _SPORT_WORDS.get(key, _SPORT_WORDS.get(key.replace("_", ""), "unknown"))
