"""Read inertial-sensor (IMU) CSV files into an :class:`~stridelab.io.imu.ImuRecording`.

The column layouts (gaitmap, phyphox, Shimmer, generic) are data, in
``stridelab/data/imu_layouts.toml``; a layout is named or detected from the header. Reading
goes through these steps, each refusing bad input with an
:class:`~stridelab.errors.InputFileError` that names the file and the problem in one line:

1. **Columns.** Header cells become channels ``acc_x ... gyr_z`` of named sensors; a cell
   that is not a number is refused by its column name.
2. **Time.** A time column in seconds or milliseconds (its name, brackets or layout say
   which, else the step between samples: a median step above ``imu.read.ms_step_min`` is
   milliseconds). The samples are put on a regular grid at the median rate by linear
   interpolation (jitter of wireless sensors is common). Gaps of up to
   ``imu.read.max_gap_s`` are filled so, with a warning; a longer gap is an **error**, not
   a split: the sensors lost contact there, and contact times across it would be made up.
   Cut the file at the gap. A file without a time column needs a rate (the layout's ``fs``
   or ``fs=``), and several files need time columns to be put on one clock.
3. **Several files** (e.g. phyphox's accelerometer and gyroscope, or one file per foot) are
   put on one time base: the span they share, at the highest of their rates (the slower
   streams linearly interpolated).
4. **Rate.** Below ``imu.read.min_fs`` (100 Hz) the file is refused; below
   ``imu.read.recommended_fs`` (200 Hz) a warning: Mitschke, Zaumseil & Milani 2017 (Comput
   Methods Biomech Biomed Engin 20:1502) found 200 Hz needed for stride duration and
   kinematic measures of running from foot and tibia sensors, 500 Hz for peak
   accelerations; rounding to the sample adds a third of the period to each contact time
   (T/3: 3.3 ms at 100 Hz).
5. **Units.** Accelerations in g or m/s^2: the median norm of the reading (still or moving,
   it stays near 1 g) is near 1 or near 9.81 (the boundary is their geometric mean).
   Angular velocity in deg/s or rad/s: a robust peak above ``imu.read.rad_s_max`` (no body
   segment turns at 50 rad/s = 2,900 deg/s) is deg/s; below it, the rate at which gravity's
   direction turns in the accelerometer (rad/s) is compared with the gyroscope's rate about
   the horizontal (the two agree only in the right unit). A declared unit (layout or
   brackets) that the data contradict is an error naming both.
6. **Saturation.** Accelerometer samples pinned at one extreme value for
   ``imu.read.saturation_run`` samples or more (a ±8 or ±16 g range reached) flatten the
   impact peaks contact detection times: a warning when a few stance peaks are clipped, an
   error above ``imu.read.clipped_share_max`` of them (foot impacts reach 30-70 g, Bailey
   & Harle 2014, icSPORTS; a ±16 g foot sensor clips most).
7. **Alignment** to the body frame (:func:`stridelab.io.imu_align.align_to_body`) unless
   ``align=False``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import tomllib
from scipy.signal import find_peaks

from stridelab.errors import InputFileError
from stridelab.io.imu import POSITIONS, G, ImuRecording, ImuSensor
from stridelab.io.imu_align import align_to_body, moving_mean
from stridelab.signal import true_runs
from stridelab.thresholds import threshold

__all__ = ["known_layouts", "load_layout", "read_imu"]

CHANNELS = ("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z")
_ACC_UNITS = {"m/s^2": 1.0, "m/s2": 1.0, "m/s²": 1.0, "ms^-2": 1.0, "g": G}
_GYR_UNITS = {"deg/s": 1.0, "°/s": 1.0, "dps": 1.0, "degrees/s": 1.0,
              "rad/s": float(np.degrees(1.0))}


# --------------------------------------------------------------------------- layouts
def _packaged_layouts() -> dict[str, dict]:
    text = resources.files("stridelab.data").joinpath("imu_layouts.toml").read_text("utf-8")
    return tomllib.loads(text)


def known_layouts() -> list[str]:
    """Names of the packaged layouts, in detection order."""
    return list(_packaged_layouts())


def load_layout(layout: str | Path, source: Path) -> tuple[str, dict]:
    """A layout by name, or every layout of a TOML file of the packaged file's shape.

    Parameters
    ----------
    layout
        A name from ``stridelab/data/imu_layouts.toml`` or a path to such a TOML file (its
        first table is used).
    source
        The data file, named by the error when the layout is unknown.

    Returns
    -------
    name, table
    """
    table = _packaged_layouts()
    if str(layout) in table:
        return str(layout), table[str(layout)]
    path = Path(layout)
    if path.suffix.lower() == ".toml":
        try:
            own = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputFileError(path, f"cannot read the IMU layout: {exc}") from None
        if not own or not isinstance(next(iter(own.values())), dict):
            raise InputFileError(path, "an IMU layout file needs a [name] table with "
                                       "[name.channels]")
        name = next(iter(own))
        return name, own[name]
    raise InputFileError(source, f"unknown IMU layout {str(layout)!r}; known layouts: "
                                 f"{', '.join(table)} (or a .toml file of that shape)")


def _norm_name(cell: str) -> tuple[str, str | None]:
    """``"Acceleration x (m/s^2)"`` -> ``("acceleration_x", "m/s^2")``."""
    cell = str(cell).strip().strip('"').strip()
    unit = None
    m = re.search(r"[\(\[]([^\)\]]*)[\)\]]\s*$", cell)
    if m:
        unit = m.group(1).strip().lower().replace(" ", "")
        cell = cell[: m.start()]
    name = re.sub(r"[\s.\-/]+", "_", cell.strip().lower()).strip("_")
    return name, unit


# --------------------------------------------------------------------------- raw tables
@dataclass
class _Stream:
    """Channels of one file that share its time column."""

    path: Path
    time: np.ndarray | None
    time_unit: str | None  # "s", "ms" or None (detect)
    channels: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    units: dict[tuple[str, str], str | None] = field(default_factory=dict)


def _read_text(path: Path) -> str:
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except UnicodeDecodeError:
        raise InputFileError(path, "not a text (CSV) file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if not text.strip():
        raise InputFileError(path, "empty file: no header and no samples")
    return text


def _dialect(first_line: str, body: str) -> tuple[str, str]:
    """Separator and decimal mark (phyphox exports comma, tab or semicolon + decimal comma)."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=counts.get)
    if counts[sep] == 0:
        sep = ","
    decimal = "," if sep != "," and re.search(r"\d,\d", body[:2000]) else "."
    return sep, decimal


def _detect_layout(path: Path, text: str) -> tuple[str, dict]:
    layouts = _packaged_layouts()
    lines = text.splitlines()[:2]
    sep, _ = _dialect(lines[0], text)
    rows = [next(csv.reader([line], delimiter=sep)) for line in lines]
    names = [_norm_name(c)[0] for c in rows[0]]
    for name, table in layouts.items():
        detect = table.get("detect", {})
        first = detect.get("first_cells")
        if first and len(rows) >= len(first) and all(
                r and _norm_name(r[0])[0] == f for r, f in zip(rows, first, strict=False)):
            return name, table
        if any(any(key in n for n in names) for key in detect.get("any", [])):
            return name, table
    raise InputFileError(path, "cannot tell the IMU layout from the header "
                               f"({', '.join(rows[0][:6])}...); give one of "
                               f"{', '.join(layouts)}")


def imu_layout_of(text: str) -> str | None:
    """The layout a CSV's first lines (text) match, or ``None`` when none does.

    For callers that must tell a sensor file by its content, e.g. an upload.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) < 2:
        return None
    try:
        return _detect_layout(Path("upload"), "\n".join(lines[:2]))[0]
    except (InputFileError, StopIteration, csv.Error):
        return None


def _strip(name: str, layout: dict) -> str:
    """A normalised header name without the layout's ``strip_suffixes`` (Shimmer's _CAL)."""
    for suffix in layout.get("strip_suffixes", []):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _time_kind(name: str, layout: dict) -> str | None:
    """``"s"`` or ``"ms"`` when ``name`` is one of the layout's time columns, else ``None``.

    Like the channels, a time column may carry a device name before it and a stripped
    suffix after it (``Shimmer_ABCD_Timestamp_Unix_CAL``).
    """
    name = _strip(name, layout)
    for kind, key in (("ms", "time_ms"), ("s", "time")):
        for cand in (n.lower() for n in layout.get(key, [])):
            if name == cand or name.endswith("_" + cand):
                return kind
    return None


def _match_channel(name: str, layout: dict) -> tuple[str, str] | None:
    """``(sensor, channel)`` for a normalised header name, or ``None``."""
    name = _strip(name, layout)
    for channel, names in layout.get("channels", {}).items():
        for cand in names:
            if name == cand:
                return "", channel
            if name.endswith("_" + cand):
                return name[: -len(cand) - 1], channel
    return None


def _numeric(path: Path, column: str, values: pd.Series, decimal: str = ".") -> np.ndarray:
    """Column as floats; empty cells become NaN, text is an error naming the column."""
    if pd.api.types.is_numeric_dtype(values):  # parsed as numbers already (the usual case)
        return values.to_numpy(dtype=float)
    values = values.astype("string")
    text = values.str.replace(",", ".", regex=False) if decimal == "," else values
    out = pd.to_numeric(text, errors="coerce")
    bad = out.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFileError(path, f"column {column!r} is not numeric (row {row + 1}: "
                                   f"{str(values.iloc[row])[:30]!r})")
    return out.to_numpy(dtype=float)


def _read_stream(path: Path, layout: dict) -> _Stream:
    text = _read_text(path)
    lines = text.splitlines()
    sep, decimal = _dialect(lines[0], text)
    n_header = int(layout.get("header_rows", 1))
    if len(lines) <= n_header:
        raise InputFileError(path, "empty file: a header and no samples")
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, decimal=decimal,
                         header=list(range(n_header)) if n_header > 1 else 0,
                         skipinitialspace=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(path, f"not a readable CSV table: {str(exc).splitlines()[0]}"
                             ) from None
    if df.empty:
        raise InputFileError(path, "empty file: a header and no samples")
    if layout.get("index_column"):
        df = df.iloc[:, 1:]
    stream = _Stream(path=path, time=None, time_unit=None)
    refuse = {k.lower(): v for k, v in layout.get("refuse", {}).items()}
    for col in df.columns:
        if n_header > 1:
            sensor, (name, unit) = _norm_name(col[0])[0], _norm_name(col[-1])
            match = _match_channel(name, layout)
            key = (match[0] or sensor, match[1]) if match else None
        else:
            name, unit = _norm_name(col)
            if name in refuse:
                raise InputFileError(path, f"column {str(col)!r}: {refuse[name]}")
            kind = _time_kind(name, layout)
            if stream.time is None and kind is not None:
                stream.time = _numeric(path, str(col), df[col], decimal)
                stream.time_unit = ("ms" if kind == "ms" or unit == "ms" else
                                    "s" if unit == "s" else
                                    None if layout.get("time_unit", "auto") == "auto" else
                                    layout["time_unit"])
                continue
            key = _match_channel(name, layout)
        if key is None:
            continue
        label = "/".join(col) if isinstance(col, tuple) else str(col)
        if key in stream.channels:
            raise InputFileError(path, f"two columns give {key[1]} of "
                                       f"{key[0] or 'the sensor'} (the second: {label!r})")
        stream.channels[key] = _numeric(path, label, df[col], decimal)
        stream.units[key] = unit
    if not stream.channels:
        raise InputFileError(path, "no accelerometer or gyroscope columns found (expected "
                                   f"names like {', '.join(layout['channels']['acc_x'][:2])}"
                                   ")")
    return stream


# --------------------------------------------------------------------------- time
def _regular_time(stream: _Stream) -> tuple[np.ndarray, float, list[str]]:
    """Sample times (s, on the file's own clock), the median rate, warnings."""
    path, t = stream.path, stream.time
    ok = np.isfinite(t)
    if not ok.all():
        raise InputFileError(path, f"{int((~ok).sum())} samples without a time value")
    if len(t) < 2:
        raise InputFileError(path, "fewer than two samples")
    dt = np.diff(t)
    if (dt < 0).any():
        row = int(np.flatnonzero(dt < 0)[0]) + 2
        raise InputFileError(path, f"the time goes backwards at sample {row}")
    positive = dt[dt > 0]
    if not len(positive):
        raise InputFileError(path, "the time column never advances")
    step = float(np.median(positive))
    unit = stream.time_unit or ("ms" if step > threshold("imu.read.ms_step_min") else "s")
    scale = 1e-3 if unit == "ms" else 1.0
    warnings: list[str] = []
    if (dt == 0).any():
        warnings.append(f"{path.name}: {int((dt == 0).sum())} repeated time stamps dropped.")
    return t * scale, 1.0 / (step * scale), warnings


def _gaps(path: Path, t: np.ndarray, fs: float) -> list[str]:
    """Warn of gaps to fill, refuse a gap longer than ``imu.read.max_gap_s``."""
    dt = np.diff(t)
    gaps = dt[dt > 1.5 / fs]
    if not len(gaps):
        return []
    longest = float(gaps.max())
    if longest > threshold("imu.read.max_gap_s"):
        at = float(t[int(np.flatnonzero(dt == longest)[0])])
        raise InputFileError(path, f"a gap of {longest:.2f} s in the samples at {at:.2f} s "
                                   f"(more than {threshold('imu.read.max_gap_s'):g} s is not "
                                   "filled): cut the file there")
    return [f"{path.name}: {len(gaps)} gaps (longest {1000 * longest:.0f} ms, "
            f"{float(gaps.sum() - len(gaps) / fs):.2f} s in all) filled by linear "
            "interpolation."]


# --------------------------------------------------------------------------- units
def _acc_unit(path: Path, who: str, acc: np.ndarray, declared: str | None,
              gyr: np.ndarray | None = None) -> float:
    """Factor to m/s^2; see the module (step 5).

    The median norm is taken over the calmer half of the samples (the lower half of the
    angular speed, whatever its unit) when there is a gyroscope: a foot's swing reads
    several g, its stance about 1 g.
    """
    norm = np.linalg.norm(acc, axis=1)
    if gyr is not None:
        speed = np.linalg.norm(gyr, axis=1)
        if np.isfinite(speed).sum() > 10:
            norm = np.where(speed <= np.nanmedian(speed), norm, np.nan)
    norm = norm[np.isfinite(norm)]
    if not len(norm):
        raise InputFileError(path, f"{who}: no accelerometer samples")
    med = float(np.median(norm))
    if not 0.3 <= med <= 30:
        raise InputFileError(path, f"{who}: the acceleration's median norm is {med:.3g}, "
                                   "neither about 1 (g) nor about 9.81 (m/s^2)")
    found = "g" if med < np.sqrt(G) else "m/s^2"
    if declared is not None:
        key = declared.replace("²", "^2")
        if key not in _ACC_UNITS:
            raise InputFileError(path, f"{who}: unknown acceleration unit {declared!r} "
                                       "(m/s^2 or g)")
        if (_ACC_UNITS[key] == G) != (found == "g"):
            raise InputFileError(path, f"{who}: the acceleration is declared in {declared} "
                                       f"but reads like {found} (median norm {med:.3g})")
        return _ACC_UNITS[key]
    return _ACC_UNITS[found]


def _gyr_rad_ratio(acc: np.ndarray, gyr: np.ndarray, fs: float) -> float | None:
    """Gravity's turning rate (rad/s) over the gyroscope's rate across it (its own numbers).

    Taken at nearly unaccelerated samples; about 1 for rad/s, 1/57.3 for deg/s, ``None``
    without enough rotation to tell.
    """
    n = max(int(0.05 * fs), 1)
    a = moving_mean(np.nan_to_num(acc), n)
    w = moving_mean(np.nan_to_num(gyr), n)
    norm = np.linalg.norm(a, axis=1)
    u = a / np.maximum(norm, 1e-9)[:, None]
    turn = np.linalg.norm(np.gradient(u, axis=0) * fs, axis=1)
    across = np.linalg.norm(np.cross(w, u), axis=1)
    calm = (np.abs(norm - G) < 0.2 * G) & np.isfinite(turn) & np.isfinite(across)
    if calm.sum() < fs or np.median(turn[calm]) < threshold("imu.read.unit_min_turn"):
        return None
    return float(np.median(turn[calm]) / max(np.median(across[calm]), 1e-12))


def _gyr_unit(path: Path, who: str, acc_ms2: np.ndarray, gyr: np.ndarray, fs: float,
              declared: str | None) -> tuple[float, str | None]:
    """Factor to deg/s and a warning or ``None``; see the module (step 5)."""
    speed = np.linalg.norm(gyr, axis=1)
    speed = speed[np.isfinite(speed)]
    peak = float(np.percentile(speed, 99)) if len(speed) else 0.0
    found: str | None
    if peak > threshold("imu.read.rad_s_max"):
        found = "deg/s"
    else:
        ratio = _gyr_rad_ratio(acc_ms2, gyr, fs)
        found = None if ratio is None else ("rad/s" if ratio > 1 / np.sqrt(np.degrees(1))
                                            else "deg/s")
    if declared is not None:
        key = declared.replace("º", "°")
        if key not in _GYR_UNITS:
            raise InputFileError(path, f"{who}: unknown angular velocity unit {declared!r} "
                                       "(deg/s or rad/s)")
        if found is not None and (_GYR_UNITS[key] == 1.0) != (found == "deg/s"):
            raise InputFileError(path, f"{who}: the angular velocity is declared in "
                                       f"{declared} but reads like {found} (99th percentile "
                                       f"{peak:.3g})")
        return _GYR_UNITS[key], None
    if found is None:
        return 1.0, (f"{who}: too little rotation to tell the gyroscope's unit; taken as "
                     "deg/s.")
    return _GYR_UNITS[found], None


# --------------------------------------------------------------------------- saturation
def _saturation(path: Path, who: str, acc: np.ndarray, fs: float) -> str | None:
    """A warning when a few stance peaks are clipped; an error when many are."""
    run = int(threshold("imu.read.saturation_run"))
    floor = threshold("imu.read.saturation_min_g") * G
    pinned = np.zeros(len(acc), dtype=bool)
    level = 0.0
    for col in acc.T:
        finite = col[np.isfinite(col)]
        if not len(finite):
            continue
        for extreme in (finite.max(), finite.min()):
            if abs(extreme) < floor:
                continue
            at = np.abs(col - extreme) <= 1e-9 * max(abs(extreme), 1.0)
            runs = [(a, b) for a, b in true_runs(at) if b - a >= run]
            for a, b in runs:
                pinned[a:b] = True
                level = max(level, abs(extreme))
    if not pinned.any():
        return None
    norm = np.nan_to_num(np.linalg.norm(acc, axis=1))
    peaks, _ = find_peaks(norm, height=floor, distance=max(int(0.2 * fs), 1))
    near = int(0.05 * fs) + 1
    clipped = [p for p in peaks if pinned[max(p - near, 0): p + near + 1].any()]
    share = len(clipped) / max(len(peaks), 1)
    text = (f"{who}: {len(clipped)} of {len(peaks)} acceleration peaks clipped at "
            f"{level / G:.1f} g (the sensor's range)")
    if share > threshold("imu.read.clipped_share_max"):
        raise InputFileError(path, text + "; contact times would be unreliable: record "
                                          "with a wider accelerometer range")
    return text + "; their timing may be off by a sample or two."


# --------------------------------------------------------------------------- assembly
def _position(sensor: str, stream: _Stream, layout: dict, positions: dict[str, str]
              ) -> str:
    wanted = {str(k).lower(): v for k, v in positions.items()}
    for key in (sensor, stream.path.stem, stream.path.name):
        if key and key.lower() in wanted:
            return wanted[key.lower()]
    default = {k.lower(): v for k, v in layout.get("positions", {}).items()}
    if sensor in default:
        return default[sensor]
    if sensor in POSITIONS:
        return sensor
    stem = _norm_name(stream.path.stem)[0]
    if not sensor and stem in POSITIONS:
        return stem
    if layout.get("position") and (not sensor or len(_sensor_names(stream)) == 1):
        return layout["position"]
    name = sensor or stream.path.stem
    raise InputFileError(stream.path, f"cannot tell where sensor {name!r} was worn: give "
                                      f"--sensor {name}=POSITION (from Python: "
                                      f"positions={{{name!r}: POSITION}}), POSITION one of "
                                      f"{', '.join(POSITIONS)}")


def check_duration(rec: ImuRecording) -> None:
    """Refuse a recording shorter than ``imu.read.min_duration_s`` (too few strides).

    Raises
    ------
    InputFileError
        Naming the file, its length and what is needed.
    """
    need = threshold("imu.read.min_duration_s")
    if rec.duration < need:
        raise InputFileError(rec.path, f"only {rec.duration:.2f} s of samples: at least "
                                       f"{need:g} s (a few strides of each foot) are needed")


def _sensor_names(stream: _Stream) -> set[str]:
    return {s for s, _ in stream.channels}


def read_imu(source: str | Path | list[str | Path], layout: str | Path | None = None,
             positions: dict[str, str] | None = None, align: bool = True,
             fs: float | None = None) -> ImuRecording:
    """Read one or several IMU CSV files into one synchronised recording.

    Parameters
    ----------
    source
        A CSV path, or a list of them (several sensors, or phyphox's accelerometer and
        gyroscope files) on one clock.
    layout
        A layout name from ``stridelab/data/imu_layouts.toml`` (``gaitmap``, ``phyphox``,
        ``shimmer``, ``generic``) or a TOML file of that shape; ``None``: detected from the
        first file's header.
    positions
        The file's sensor names (or file stems) -> body positions, e.g.
        ``{"left_sensor": "left_foot"}``; the layout's defaults fill the rest.
    align
        Turn each sensor into the body frame (x forward, y up, z right) with
        :func:`~stridelab.io.imu_align.align_to_body`; ``False`` keeps the sensor frame.
    fs
        Rate in Hz of files without a time column (default: the layout's, e.g. gaitmap's
        204.8 Hz).

    Returns
    -------
    ImuRecording
        Accelerations in m/s^2 and angular velocities in deg/s, the problems met in
        ``warnings``. See the module for the checks and the errors.
    """
    paths = [Path(p) for p in (source if isinstance(source, list | tuple) else [source])]
    if not paths:
        raise ValueError("read_imu needs at least one file")
    if layout is None:
        name, table = _detect_layout(paths[0], _read_text(paths[0]))
    else:
        name, table = load_layout(layout, paths[0])
    positions = {k.lower(): v for k, v in (positions or {}).items()}
    for pos in positions.values():
        if pos not in POSITIONS:
            raise ValueError(f"unknown body position {pos!r}; one of {', '.join(POSITIONS)}")
    streams = [_read_stream(p, table) for p in paths]
    warnings: list[str] = []

    # time base per stream, then a common one
    times: list[np.ndarray] = []
    rates: list[float] = []
    for st in streams:
        n = len(next(iter(st.channels.values())))
        if st.time is None:
            if len(streams) > 1:
                raise InputFileError(st.path, "no time column: several files can only be put "
                                              "on one clock by their time columns")
            rate = fs or table.get("fs")
            if not rate:
                names = table.get("time", []) + table.get("time_ms", [])
                raise InputFileError(st.path, "no time column (expected one of "
                                              f"{', '.join(names)}) "
                                              "and no rate: give the sampling rate (fs=, or "
                                              "--rate on the command line)")
            warnings.append(f"{st.path.name}: no time column; the rate {float(rate):g} Hz is "
                            f"{'given' if fs else 'the ' + name + ' layout' + chr(39) + 's'} "
                            "(give fs=, or --rate, if it differs).")
            times.append(np.arange(n) / float(rate))
            rates.append(float(rate))
        else:
            t, rate, w = _regular_time(st)
            warnings += w + _gaps(st.path, np.unique(t), rate)
            times.append(t)
            rates.append(rate)
    origin_s = min(t[0] for t in times)
    times = [t - origin_s for t in times]
    rate = max(rates)
    start = max(t[0] for t in times)
    end = min(t[-1] for t in times)
    if end - start < 1.0 / rate:
        raise InputFileError(paths[-1], "the files share no time span: not recorded together")
    grid = start + np.arange(int(np.floor((end - start) * rate + 1e-6)) + 1) / rate
    if len(streams) > 1 and (max(t[-1] for t in times) - min(t[0] for t in times)
                             - (end - start)) > 1.0:
        warnings.append(f"Only the {end - start:.1f} s the files share are kept.")
    min_fs, rec_fs = threshold("imu.read.min_fs"), threshold("imu.read.recommended_fs")
    slowest = int(np.argmin(rates))
    if rates[slowest] < min_fs:
        raise InputFileError(paths[slowest], f"sampled at {rates[slowest]:.0f} Hz, below the "
                                             f"{min_fs:.0f} Hz that running contact times "
                                             "need (Mitschke et al. 2017: 200 Hz for "
                                             "stride timing)")
    if rates[slowest] < rec_fs:
        warnings.append(f"Sampled at {rates[slowest]:.0f} Hz, below the {rec_fs:.0f} Hz "
                        "recommended for running (Mitschke et al. 2017); contact times lose "
                        "precision.")

    # channels onto the grid, grouped by body position
    grouped: dict[str, dict[str, np.ndarray]] = {}
    origin: dict[str, tuple[Path, dict[str, str | None]]] = {}
    paths_of: dict[str, dict[str, Path]] = {}
    rate_of = {id(st): r for st, r in zip(streams, rates, strict=True)}
    for st, t in zip(streams, times, strict=True):
        keep = np.r_[True, np.diff(t) > 0]
        for (sensor, channel), values in st.channels.items():
            pos = _position(sensor, st, table, positions)
            if channel in grouped.setdefault(pos, {}):
                raise InputFileError(st.path, f"{channel} of the {pos.replace('_', ' ')} is "
                                              "given twice")
            v = values[keep]
            ok = np.isfinite(v)
            if ok.sum() < 2:
                raise InputFileError(st.path, f"column {channel} of {sensor or pos} is empty")
            if not ok.all():  # missing values are gaps too: filled only when short
                warnings += [w.replace("gaps", f"gaps in {channel}", 1)
                             for w in _gaps(st.path, t[keep][ok], rate_of[id(st)])]
            grouped[pos][channel] = np.interp(grid, t[keep][ok], v[ok])
            origin.setdefault(pos, (st.path, {}))[1][channel] = st.units.get((sensor, channel))
            paths_of.setdefault(pos, {})[channel] = st.path

    sensors: dict[str, ImuSensor] = {}
    for pos, chans in grouped.items():
        path, units = origin[pos]
        who = f"the {pos.replace('_', ' ')} sensor"
        missing = [c for c in CHANNELS[:3] if c not in chans]
        if missing:
            raise InputFileError(path, f"{who}: no {', '.join(missing)} column")
        acc = np.column_stack([chans[c] for c in CHANNELS[:3]])
        gyr = None
        if any(c in chans for c in CHANNELS[3:]):
            missing = [c for c in CHANNELS[3:] if c not in chans]
            if missing:
                raise InputFileError(path, f"{who}: no {', '.join(missing)} column")
            gyr = np.column_stack([chans[c] for c in CHANNELS[3:]])
        acc_decl = next((u for c, u in units.items() if c.startswith("acc") and u), None)
        if acc_decl is None and table.get("acc_unit", "auto") != "auto":
            acc_decl = table["acc_unit"]
        acc = acc * _acc_unit(path, who, acc, acc_decl, gyr)
        if gyr is not None:
            gyr_decl = next((u for c, u in units.items() if c.startswith("gyr") and u), None)
            if gyr_decl is None and table.get("gyr_unit", "auto") != "auto":
                gyr_decl = table["gyr_unit"]
            gyr_path = paths_of[pos].get("gyr_x", path)
            factor, w = _gyr_unit(gyr_path, who, acc, gyr, rate, gyr_decl)
            gyr = gyr * factor
            if w:
                warnings.append(w)
        w = _saturation(path, who, acc, rate)
        if w:
            warnings.append(w)
        sensors[pos] = ImuSensor(pos, acc, gyr, frame="sensor")
    rec = ImuRecording({p: sensors[p] for p in POSITIONS if p in sensors}, rate, paths[0],
                       layout=name, warnings=warnings, source_fs=rates[slowest])
    check_duration(rec)
    if align:
        up = table.get("up")
        rec = align_to_body(rec, up={"*": up} if up else ({} if up == "" else None))
    return rec
