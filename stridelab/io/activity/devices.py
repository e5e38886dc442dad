"""One run recorded at once by two devices: a CSV whose columns are prefixed per device.

The layout is the one of Davis et al. 2024 (Sensors 24:2892, data set
johnjdavisiv/inlab-vs-realworld): one row per second, ``hrm_stance_time``,
``hrm_vertical_oscillation``, ``hrm_cadence`` ... for a Garmin HRM-Pro strap and
``stryd_stance_time``, ``stryd_vertical_oscillation`` ... for a Stryd foot pod, zero where a
device has no value. Any two column prefixes work the same way (``watch_cadence_spm``,
``pod_cadence_spm``): the prefix is the text before the first underscore, the rest names the
channel, optionally ending in its unit (``_ms``, ``_cm`` ...).

Units. Devices write the same quantity in different units (the strap's vertical oscillation
in mm, the pod's in cm; FIT running cadence in strides per minute). A unit in the column name
is taken as written; otherwise it is inferred from the median of the values against bounds
that do not overlap for running (``agreement.units.*`` in ``stridelab/data/thresholds.csv``)
and the choice is reported in :attr:`TwoDeviceRecording.unit_notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.errors import InputFileError
from stridelab.thresholds import threshold

CHANNEL_UNITS: dict[str, str] = {
    "contact_time_ms": "ms",
    "vertical_oscillation_cm": "cm",
    "cadence_spm": "steps/min",
    "step_length_m": "m",
    "vertical_ratio_pct": "%",
    "heart_rate_bpm": "bpm",
    "power_w": "W",
}
"""The channels two devices can be compared on, with the unit every value is converted to."""

ALIASES: dict[str, tuple[str, ...]] = {
    "contact_time_ms": ("stance_time", "ground_contact_time", "contact_time", "ground_time",
                        "gct"),
    "vertical_oscillation_cm": ("vertical_oscillation", "vert_oscillation", "vo"),
    "cadence_spm": ("cadence", "step_rate", "steps_per_min"),
    "step_length_m": ("step_length", "stride_length_single"),
    "vertical_ratio_pct": ("vertical_ratio",),
    "heart_rate_bpm": ("heart_rate", "hr"),
    "power_w": ("power",),
}
"""Column names (after the device prefix, without a unit suffix) of each channel."""

UNIT_FACTORS: dict[str, dict[str, float]] = {
    "contact_time_ms": {"ms": 1.0, "s": 1000.0},
    "vertical_oscillation_cm": {"cm": 1.0, "mm": 0.1, "m": 100.0},
    "cadence_spm": {"spm": 1.0, "steps_min": 1.0, "strides_min": 2.0, "rpm": 2.0},
    "step_length_m": {"m": 1.0, "cm": 0.01, "mm": 0.001},
    "vertical_ratio_pct": {"pct": 1.0, "percent": 1.0},
    "heart_rate_bpm": {"bpm": 1.0},
    "power_w": {"w": 1.0, "watts": 1.0},
}
"""Unit suffixes a column name may carry, with the factor to the channel's unit."""

TIME_COLUMNS = ("elapsed_seconds", "elapsed_s", "time_s", "seconds", "time")
"""Columns taken as the time in seconds, in this order of preference."""

GROUP_COLUMNS = ("subject", "runner", "participant")
"""A column naming the runner of each row: several runners in one file are kept apart."""

_SUFFIX = re.compile(r"^(?P<name>.+?)_(?P<unit>ms|s|mm|cm|m|spm|steps_min|strides_min|rpm|pct|"
                     r"percent|bpm|w|watts)$")


@dataclass
class TwoDeviceRecording:
    """The shared channels of two devices over one run, in common units.

    Attributes
    ----------
    path
        The file read.
    devices
        The two device prefixes, in the order of their first column in the file.
    time_s
        Time of each row (s).
    values
        ``values[channel][device]``: the channel's values in :data:`CHANNEL_UNITS`, NaN where
        the device has no value (zero, empty or negative in the file).
    columns
        ``columns[channel][device]``: the column(s) read.
    unit_notes
        For every channel and device, the unit read and how it was decided.
    groups
        The runner of each row when the file names one (``subject`` column), else ``None``.
    only
        Channels only one device records: ``{device: [channel, ...]}``.
    cadence_spm
        Each device's cadence (steps/min), also when only one device records it: it tells
        running from walking and standing.
    """

    path: Path
    devices: tuple[str, str]
    time_s: np.ndarray
    values: dict[str, dict[str, np.ndarray]]
    columns: dict[str, dict[str, str]]
    unit_notes: list[str] = field(default_factory=list)
    groups: np.ndarray | None = None
    only: dict[str, list[str]] = field(default_factory=dict)
    cadence_spm: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def channels(self) -> list[str]:
        """The channels both devices record, in the order of :data:`CHANNEL_UNITS`."""
        return [c for c in CHANNEL_UNITS if c in self.values]


def _channel_of(rest: str) -> tuple[str, str | None] | None:
    """The channel and the unit suffix (or ``None``) a column name (without prefix) gives."""
    candidates = [(rest, None)]
    m = _SUFFIX.match(rest)
    if m:
        candidates.insert(0, (m["name"], m["unit"]))
    for name, unit in candidates:
        for channel, names in ALIASES.items():
            if name in names and (unit is None or unit in UNIT_FACTORS[channel]):
                return channel, unit
    return None


def _inferred_unit(channel: str, values: np.ndarray) -> str:
    """The unit a channel's values are most likely in, from their median (running values)."""
    ok = values[np.isfinite(values) & (values > 0)]
    if not ok.size:
        return next(iter(UNIT_FACTORS[channel]))
    median = float(np.median(ok))
    if channel == "contact_time_ms":
        return "s" if median < threshold("agreement.units.contact_time_s_below") else "ms"
    if channel == "vertical_oscillation_cm":
        if median < threshold("agreement.units.vertical_oscillation_m_below"):
            return "m"
        above = threshold("agreement.units.vertical_oscillation_mm_above")
        return "mm" if median > above else "cm"
    if channel == "cadence_spm":
        below = threshold("agreement.units.cadence_strides_below")
        return "strides_min" if median < below else "spm"
    if channel == "step_length_m":
        if median > threshold("agreement.units.step_length_mm_above"):
            return "mm"
        return "cm" if median > threshold("agreement.units.step_length_m_below") else "m"
    return next(iter(UNIT_FACTORS[channel]))


_UNIT_WORDS = {"strides_min": "strides/min", "spm": "steps/min", "steps_min": "steps/min",
               "rpm": "strides/min", "pct": "%", "percent": "%", "w": "W", "watts": "W"}


def _as_numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats; a cell that holds text (not a number, not empty) is refused.

    Raises
    ------
    InputFileError
        Naming the column and the first row (1-based, after the header) with text.
    """
    cells = frame[column]
    values = pd.to_numeric(cells, errors="coerce")
    text = values.isna() & cells.notna() & (cells.astype(str).str.strip() != "")
    if text.any():
        row = int(np.flatnonzero(text.to_numpy())[0])
        raise InputFileError(frame.attrs.get("path", ""), f"column {column!r}, row {row + 1}: "
                             f"{str(cells.iloc[row])!r} is not a number")
    return values.to_numpy(dtype=float, copy=True)


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = _as_numbers(frame, column)
    values[~np.isfinite(values) | (values <= 0)] = np.nan  # zero: the device had no value
    return values


def _channel_values(frame: pd.DataFrame, hit: tuple[str, str | None], device: str,
                    channel: str) -> tuple[np.ndarray, str, str]:
    """One device's values of a channel in the channel's unit, the column(s) and a unit note."""
    column, unit = hit
    raw = _numeric(frame, column)
    used = column
    if channel == "cadence_spm":
        fraction = f"{device}_fractional_cadence"
        if fraction in frame.columns and column == f"{device}_cadence":
            extra = np.nan_to_num(_as_numbers(frame, fraction))
            raw = raw + extra
            used = f"{column} + {fraction}"
    how = "named in the column"
    if unit is None:
        unit, how = _inferred_unit(channel, raw), "inferred from the values"
    note = (f"{device} {channel.rsplit('_', 1)[0].replace('_', ' ')}: {used} in "
            f"{_UNIT_WORDS.get(unit, unit)} ({how})")
    return raw * UNIT_FACTORS[channel][unit], used, note


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputFileError(path, "file not found")
    try:
        frame = pd.read_csv(path, low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(path, f"not a readable CSV table ({problem})") from None
    if frame.empty:
        raise InputFileError(path, "the table has no rows")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame.attrs["path"] = path
    return frame


def _device_columns(frame: pd.DataFrame) -> dict[str, dict[str, tuple[str, str | None]]]:
    """``{prefix: {channel: (column, unit suffix)}}`` for every prefix naming a channel."""
    found: dict[str, dict[str, tuple[str, str | None]]] = {}
    for column in frame.columns:
        prefix, sep, rest = column.partition("_")
        if not sep or not rest:
            continue
        hit = _channel_of(rest)
        if hit is None:
            continue
        channel, unit = hit
        found.setdefault(prefix, {}).setdefault(channel, (column, unit))
    return found


def _devices_of(found: dict[str, dict]) -> tuple[str, ...]:
    """The prefixes naming at least two channels (a stray ``avg_hr`` is not a device)."""
    return tuple(d for d, channels in found.items() if len(channels) >= 2)


def groups_column(frame: pd.DataFrame) -> str | None:
    """The column naming the runner of each row (several runs in one file), if any."""
    return next((c for c in GROUP_COLUMNS if c in frame.columns), None)


def _check_increasing(path: Path, column: str, time_s: np.ndarray, frame: pd.DataFrame
                      ) -> None:
    """Refuse a time column that stalls or goes back within one runner's rows."""
    group = groups_column(frame)
    labels = frame[group].astype(str).to_numpy() if group else np.zeros(len(time_s))
    same = labels[1:] == labels[:-1]
    bad = np.flatnonzero(same & (np.diff(time_s) <= 0))
    if bad.size:
        row = int(bad[0]) + 1
        raise InputFileError(path, f"column {column!r} does not increase at row {row + 1} "
                             f"({time_s[row - 1]:g} then {time_s[row]:g}): not one recording "
                             "(split the file there)")


def read_two_devices(path: str | Path,
                     devices: tuple[str, str] | None = None) -> TwoDeviceRecording:
    """Read a CSV holding one run recorded at once by two devices.

    Parameters
    ----------
    path
        The CSV file: one row per sample (1 Hz in the Davis et al. 2024 layout), columns
        prefixed per device.
    devices
        The two prefixes to compare (``("hrm", "stryd")``); ``None``: the file's two devices,
        detected from the column names.

    Returns
    -------
    TwoDeviceRecording
        The channels both devices record, converted to :data:`CHANNEL_UNITS`. FIT running
        cadence (strides per minute) becomes steps per minute; a device's
        ``fractional_cadence`` column, when present, is added to its ``cadence``.

    Raises
    ------
    InputFileError
        When the file is missing or not a table, when it does not hold exactly two devices
        (or the ``devices`` asked for), or when the two share no channel.
    """
    path = Path(path)
    frame = _read_table(path)
    found = _device_columns(frame)
    notes: list[str] = []
    if devices is not None:
        devices = (devices[0].strip().lower(), devices[1].strip().lower())
        missing = [d for d in devices if d not in found]
        if missing or devices[0] == devices[1]:
            have = ", ".join(found) or "none"
            raise InputFileError(path, f"no columns of device(s) {', '.join(missing) or devices[0]}"
                                 f" to compare (devices found: {have})")
    elif len(found) != 2 and len(_devices_of(found)) == 2:
        devices = _devices_of(found)
        ignored = sorted(set(found) - set(devices))
        found = {d: found[d] for d in devices}
        notes.append(f"column prefix(es) {', '.join(ignored)} name one channel only: not "
                     "taken as devices")
    elif len(found) != 2:
        if len(found) < 2:
            have = f"only '{next(iter(found))}'" if found else "none"
            raise InputFileError(path, f"needs columns of two devices prefixed like "
                                 f"hrm_stance_time and stryd_stance_time (devices found: {have})")
        raise InputFileError(path, f"{len(found)} devices found ({', '.join(found)}): choose "
                             "two (--devices A,B)")
    else:
        devices = (list(found)[0], list(found)[1])
    a, b = devices
    shared = [c for c in CHANNEL_UNITS if c in found[a] and c in found[b]]
    if not shared:
        raise InputFileError(path, f"devices '{a}' ({', '.join(found[a])}) and '{b}' "
                             f"({', '.join(found[b])}) record no channel in common")
    time_column = next((c for c in TIME_COLUMNS if c in frame.columns), None)
    if time_column is not None:
        time_s = pd.to_numeric(frame[time_column], errors="coerce").to_numpy(dtype=float)
    if time_column is None or not np.isfinite(time_s).all():
        time_s = np.arange(len(frame), dtype=float)
        notes.append("no usable time column: rows taken as one second apart")
    else:
        _check_increasing(path, time_column, time_s, frame)
    values: dict[str, dict[str, np.ndarray]] = {}
    columns: dict[str, dict[str, str]] = {}
    for channel in shared:
        values[channel], columns[channel] = {}, {}
        for device in devices:
            values[channel][device], columns[channel][device], note = _channel_values(
                frame, found[device][channel], device, channel)
            notes.append(note)
    cadence = {d: (values["cadence_spm"][d] if "cadence_spm" in values
                   else _channel_values(frame, found[d]["cadence_spm"], d, "cadence_spm")[0])
               for d in devices if "cadence_spm" in found[d]}
    group_column = groups_column(frame)
    groups = (frame[group_column].astype(str).to_numpy() if group_column is not None
              else None)
    only = {d: [c for c in found[d] if c not in shared] for d in devices}
    return TwoDeviceRecording(path=path, devices=(a, b), time_s=time_s, values=values,
                              columns=columns, unit_notes=notes, groups=groups,
                              only={d: v for d, v in only.items() if v}, cadence_spm=cadence)
