"""Centre-of-pressure recordings of quiet standing: text files and C3D force plates.

Three inputs become one :class:`CopTrial` (metres, newtons, seconds):

- a text file (CSV, tab or semicolon separated) of one plate: time, vertical force and the
  centre of pressure, columns named as in ``stridelab/data/cop_columns.toml`` or mapped by
  the caller;
- a text file of one plate per foot, columns ``<foot> <quantity>`` (e.g. the dos Santos et
  al. 2017 and Bartloff et al. 2024 files: ``dominant Fvert (N)``, ``dominant CPap (m)``);
- a C3D file: the centre of pressure of each platform computed by ezc3d from its forces and
  moments through the platform parameters, in a child process (:mod:`stridelab.io.isolate`).

Every problem is an :class:`~stridelab.errors.InputFileError` naming the file in one line:
unknown columns, a unit that cannot be right (centre of pressure in millimetres read as
metres), a person stepping off the plate (:func:`check_on_plate`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import tomllib

from stridelab.errors import InputFileError
from stridelab.io.isolate import decode_isolated
from stridelab.signal import true_runs
from stridelab.thresholds import threshold

QUANTITIES = ("time", "fz", "cop_ap", "cop_ml")
"""What a column can hold."""
SIDES = {"left": "L", "l": "L", "right": "R", "r": "R"}
TIME_UNITS = {"s": 1.0, "ms": 1e-3}
MIN_RATE_HZ = 10.0
"""Slowest sampling that resolves sway (the frequency measures go up to 5 Hz, Nyquist)."""
MM_AS_M_SPAN_M = 3.0
"""A centre of pressure moving farther than a lab's width: millimetres taken for metres (a
10-30 mm sway becomes 10-30 "m")."""


@dataclass
class PlateSignal:
    """What one plate (or one foot's plate) measured.

    Attributes
    ----------
    name
        ``"plate"`` for a single plate; the foot (``"L"``, ``"R"``, ``"dominant"``...) where
        each foot has its own plate.
    fz_n
        Vertical force, newtons (positive: the person pushes down).
    cop_ap_m, cop_ml_m
        Centre of pressure, anterior-posterior and medio-lateral, metres (``None`` when the
        file does not give that direction).
    """

    name: str
    fz_n: np.ndarray
    cop_ap_m: np.ndarray
    cop_ml_m: np.ndarray | None = None


@dataclass
class CopTrial:
    """One standing trial on one or two force plates.

    Attributes
    ----------
    path
        The file.
    fs
        Sampling rate, Hz.
    plates
        One :class:`PlateSignal`, or one per foot.
    source
        ``"text"`` or ``"c3d"``.
    warnings
        Doubts noticed while reading (an axis guessed, a unit assumed).
    """

    path: Path
    fs: float
    plates: list[PlateSignal]
    source: str = "text"
    warnings: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of samples."""
        return len(self.plates[0].fz_n)

    @property
    def duration_s(self) -> float:
        """Length of the trial, s."""
        return self.n / self.fs

    @property
    def time_s(self) -> np.ndarray:
        """Sample times from 0, s."""
        return np.arange(self.n) / self.fs

    @property
    def fz_total_n(self) -> np.ndarray:
        """Vertical force summed over the plates, N."""
        return np.sum([p.fz_n for p in self.plates], axis=0)

    @property
    def has_ml(self) -> bool:
        """True when the medio-lateral centre of pressure is known."""
        return all(p.cop_ml_m is not None for p in self.plates)

    def net_cop(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Net centre of pressure (AP, ML), metres.

        With one plate per foot, the force-weighted mean of the feet's centres of pressure
        (Winter et al. 1993, Neurosci Res Commun 12:141), which assumes the plates share one
        frame (side by side, axes aligned, as in dos Santos et al. 2017).
        """
        if len(self.plates) == 1:
            p = self.plates[0]
            return p.cop_ap_m, p.cop_ml_m
        fz = np.array([p.fz_n for p in self.plates])
        w = fz / np.where(fz.sum(axis=0) == 0, np.nan, fz.sum(axis=0))
        ap = np.sum(w * np.array([p.cop_ap_m for p in self.plates]), axis=0)
        ml = (np.sum(w * np.array([p.cop_ml_m for p in self.plates]), axis=0)
              if self.has_ml else None)
        return ap, ml


@dataclass(frozen=True)
class ColumnMap:
    """How header names map to quantities (see ``stridelab/data/cop_columns.toml``).

    Attributes
    ----------
    aliases
        Normalised header name -> quantity.
    ignored
        Normalised names of columns that are read past.
    length_units, force_units
        Unit name -> factor to metres / newtons.
    """

    aliases: dict[str, str]
    ignored: frozenset[str]
    length_units: dict[str, float]
    force_units: dict[str, float]

    def with_overrides(self, overrides: dict[str, str]) -> ColumnMap:
        """The map with ``{quantity: header name}`` pairs given by the user on top."""
        aliases = dict(self.aliases)
        for quantity, name in overrides.items():
            aliases = {k: v for k, v in aliases.items() if v != quantity}
            aliases[normalise(name)[0]] = quantity
        return ColumnMap(aliases, self.ignored, self.length_units, self.force_units)


def normalise(header: str) -> tuple[str, str | None]:
    """A header cell as (name, unit): ``"CoPy (mm)"`` -> ``("copy", "mm")``.

    Parameters
    ----------
    header
        The cell as written.
    """
    text = header.strip().lower()
    unit = None
    for opening, closing in (("(", ")"), ("[", "]")):
        if text.endswith(closing) and opening in text:
            text, unit = text[:text.rindex(opening)], text[text.rindex(opening) + 1:-1]
            unit = unit.strip()
            break
    text = text.replace("_", " ")
    return " ".join(text.split()), unit


@lru_cache(maxsize=1)
def default_column_map() -> ColumnMap:
    """The packaged ``stridelab/data/cop_columns.toml``."""
    text = resources.files("stridelab.data").joinpath("cop_columns.toml").read_text("utf-8")
    return _column_map(tomllib.loads(text))


def _column_map(data: dict) -> ColumnMap:
    aliases = {normalise(name)[0]: quantity
               for quantity, names in data.get("quantities", {}).items() for name in names}
    ignored = frozenset(normalise(n)[0] for n in data.get("ignored", {}).get("names", []))
    units = data.get("units", {})
    return ColumnMap(aliases, ignored, dict(units.get("length", {"m": 1.0})),
                     dict(units.get("force", {"n": 1.0})))


def column_overrides(spec: str | Path | None) -> dict[str, str]:
    """User column names: ``"cop_ap=CoPx,cop_ml=CoPy"`` or a TOML file's ``[columns]``.

    Parameters
    ----------
    spec
        The option as given, ``None`` for none.

    Raises
    ------
    InputFileError
        When the file is not TOML, or a quantity is not one of :data:`QUANTITIES`.
    """
    if spec is None:
        return {}
    path = Path(spec)
    if path.suffix.lower() == ".toml":
        try:
            pairs = tomllib.loads(path.read_text("utf-8")).get("columns", {})
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputFileError(path, f"not a column map ({exc})") from None
        origin: str | Path = path
    else:
        pairs = dict(item.split("=", 1) for item in str(spec).split(",") if "=" in item)
        origin = "--columns"
        if not pairs:
            raise InputFileError(origin, f"expected QUANTITY=COLUMN pairs, got {spec!r}")
    unknown = sorted(set(pairs) - set(QUANTITIES))
    if unknown:
        raise InputFileError(origin, f"unknown quantity {', '.join(unknown)}; known: "
                             f"{', '.join(QUANTITIES)}")
    return {k.strip(): str(v).strip() for k, v in pairs.items()}


# ---------------------------------------------------------------------- text files
def read_cop(path: str | Path, columns: str | Path | None = None,
             cop_units: str | None = None, rate_hz: float | None = None,
             ap_axis: str | None = None) -> CopTrial:
    """Read a centre-of-pressure trial (text or C3D), checked.

    Parameters
    ----------
    path
        The file: ``.c3d``, or text (``.csv``, ``.txt``, ``.tsv``).
    columns
        Column names for quantities (``"cop_ap=CoPx,cop_ml=CoPy"``) or a TOML file with a
        ``[columns]`` table; default names: ``stridelab/data/cop_columns.toml``.
    cop_units
        Unit of centre-of-pressure columns whose header gives none (``m``, ``cm``, ``mm``;
        default ``m``).
    rate_hz
        Sampling rate when the file has no time column.
    ap_axis
        C3D only: the lab axis (``x``, ``y`` or ``z``) that points anterior-posterior.

    Returns
    -------
    CopTrial
        Checked by :func:`check_units` (not yet for stepping off the plate: that depends on
        the test, see :func:`check_on_plate`).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file")
    if not path.is_file():
        raise InputFileError(path, "is not a file")
    if path.suffix.lower() == ".c3d":
        trial = read_cop_c3d(path, ap_axis)
    else:
        cmap = default_column_map().with_overrides(column_overrides(columns))
        trial = read_cop_text(path, cmap, cop_units, rate_hz)
    check_units(trial)
    return trial


def _table(path: Path) -> tuple[list[str], np.ndarray]:
    """Header cells and the numbers below them."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(path, "not a text file (give a CSV or tab-separated file, or a "
                             ".c3d)") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 3:
        raise InputFileError(path, "holds no data rows below a header")
    delimiter = next((d for d in ("\t", ";", ",") if d in lines[0]), None)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
                if delimiter else (ln.split() for ln in lines))
    header = [h.strip() for h in rows[0]]
    bad = next((i for i, r in enumerate(rows[1:], start=2) if not _numbers(r, len(header))),
               None)
    if bad is not None:
        raise InputFileError(path, f"line {bad} is not a row of {len(header)} numbers")
    return header, np.array([[float(c) for c in r] for r in rows[1:]], dtype=float)


def _numbers(row: list[str], n: int) -> bool:
    try:
        [float(c) for c in row]
    except ValueError:
        return False
    return len(row) == n


def _classify(header: list[str], cmap: ColumnMap, path: Path) -> dict[tuple[str, str], int]:
    """``{(foot, quantity): column}``; foot ``"plate"`` for single-plate columns."""
    found: dict[tuple[str, str], int] = {}
    unknown = []
    for i, cell in enumerate(header):
        name, _ = normalise(cell)
        if name in cmap.aliases:
            found[("plate", cmap.aliases[name])] = i
            continue
        head, _, tail = name.rpartition(" ")
        if head and tail in cmap.aliases and cmap.aliases[tail] != "time":
            found[(SIDES.get(head, head), cmap.aliases[tail])] = i
        elif name not in cmap.ignored and not (head and tail in cmap.ignored):
            unknown.append(cell)
    if unknown:
        raise InputFileError(path, f"unknown column(s) {', '.join(map(repr, unknown))}: map "
                             "them with --columns QUANTITY=COLUMN (quantities: "
                             f"{', '.join(QUANTITIES)})")
    return found


def read_cop_text(path: Path, cmap: ColumnMap, cop_units: str | None = None,
                  rate_hz: float | None = None) -> CopTrial:
    """Read a text file of one plate, or of one plate per foot (see the module doc).

    Parameters
    ----------
    path
        The file.
    cmap
        Column names.
    cop_units
        Unit of centre-of-pressure columns without one in the header.
    rate_hz
        Sampling rate when there is no time column.
    """
    header, data = _table(path)
    found = _classify(header, cmap, path)
    fs = _rate(found, header, data, rate_hz, path)
    feet = list(dict.fromkeys(foot for foot, q in found if foot != "plate"))  # file order
    names = feet or ["plate"]
    if feet and any(q in ("fz", "cop_ap", "cop_ml") for f, q in found if f == "plate"):
        raise InputFileError(path, "mixes single-plate columns with per-foot columns")
    plates = [_plate(name, found, header, data, cmap, cop_units, path) for name in names]
    warnings = []
    if cop_units is None and not any(normalise(header[i])[1] for (f, q), i in found.items()
                                     if q.startswith("cop")):
        warnings.append(f"{path.name}: no unit in the centre-of-pressure headers: read as "
                        "metres (--cop-units to say otherwise)")
    return CopTrial(path, fs, plates, "text", warnings)


def _rate(found: dict, header: list[str], data: np.ndarray, rate_hz: float | None,
          path: Path) -> float:
    if ("plate", "time") not in found:
        if rate_hz is None:
            raise InputFileError(path, "no time column: give the sampling rate with --rate")
        return float(rate_hz)
    column = found[("plate", "time")]
    unit = normalise(header[column])[1] or "s"
    if unit not in TIME_UNITS:
        raise InputFileError(path, f"column {header[column]!r}: time unit {unit!r} is not one "
                             f"of {', '.join(TIME_UNITS)}")
    t = data[:, column] * TIME_UNITS[unit]
    dt = np.diff(t)
    if not np.all(np.isfinite(t)) or np.any(dt <= 0):
        raise InputFileError(path, "the time column does not increase from row to row")
    step = float(np.median(dt))
    if np.max(np.abs(dt - step)) > 0.5 * step:
        raise InputFileError(path, f"samples are not evenly spaced in time (steps from "
                             f"{dt.min():g} to {dt.max():g} s)")
    fs = rate_hz or round(1.0 / step, 6)
    if fs < MIN_RATE_HZ:
        raise InputFileError(path, f"samples {step:g} s apart ({fs:g} Hz) are too slow for "
                             "sway: a time column in milliseconds? (header 'time (ms)')")
    return fs


def _plate(name: str, found: dict, header: list[str], data: np.ndarray, cmap: ColumnMap,
           cop_units: str | None, path: Path) -> PlateSignal:
    need = [q for q in ("fz", "cop_ap") if (name, q) not in found]
    if need:
        where = "" if name == "plate" else f" for the {name} foot"
        raise InputFileError(path, f"no {' or '.join(need)} column{where} (columns: "
                             f"{', '.join(header)}); map them with --columns")
    fz = data[:, found[(name, "fz")]] * _factor(header[found[(name, "fz")]], cmap.force_units,
                                                 "n", path)
    ap = _length(name, "cop_ap", found, header, data, cmap, cop_units, path)
    ml = (_length(name, "cop_ml", found, header, data, cmap, cop_units, path)
          if (name, "cop_ml") in found else None)
    return PlateSignal(name, fz, ap, ml)


def _length(name: str, quantity: str, found: dict, header: list[str], data: np.ndarray,
            cmap: ColumnMap, cop_units: str | None, path: Path) -> np.ndarray:
    column = found[(name, quantity)]
    return data[:, column] * _factor(header[column], cmap.length_units, cop_units or "m", path)


def _factor(cell: str, units: dict[str, float], default: str, path: Path) -> float:
    unit = (normalise(cell)[1] or default).lower()
    if unit not in units:
        raise InputFileError(path, f"column {cell!r}: unit {unit!r} is not one of "
                             f"{', '.join(units)}")
    return float(units[unit])


# ---------------------------------------------------------------------- C3D
def read_cop_c3d(path: Path, ap_axis: str | None = None) -> CopTrial:
    """Centre of pressure of each C3D force platform, through ezc3d (in a child process).

    ezc3d's ``extract_forceplat_data`` computes the force and the centre of pressure of each
    platform from its analog channels through the ``FORCE_PLATFORM`` parameters (type,
    calibration matrix, origin, corners), in the lab frame.

    Parameters
    ----------
    path
        The ``.c3d`` file.
    ap_axis
        The lab axis pointing anterior-posterior (``x``, ``y``, ``z``); default: of the two
        horizontal axes, the one the centre of pressure sways more along (in side-by-side
        stance anterior-posterior sway exceeds medio-lateral sway), with a warning.
    """
    with path.open("rb") as fh:
        head = fh.read(2)
    if len(head) < 2 or head[1] != 0x50:  # C3D header key (C3D.org user guide, ch. 3)
        raise InputFileError(path, "not a C3D file (header key 0x50 missing)")
    raw = decode_isolated("stridelab.io.c3d_native:decode", (str(path),), path,
                          path.stat().st_size)
    fs = float(raw.get("analog_rate") or 0.0)
    loaded = [p for p in raw["platforms"] if np.asarray(p["force"]).shape[-1] >= 2]
    if not loaded or not fs > 0:
        raise InputFileError(path, "has no force platform with samples")
    warnings: list[str] = []
    plates = []
    for i, p in enumerate(loaded):
        force, cop = np.asarray(p["force"], float), np.asarray(p["cop"], float)
        scale = {"mm": 1e-3, "cm": 1e-2, "m": 1.0}.get(str(p["unit_position"]).lower(), 1e-3)
        vertical = int(np.argmax(np.abs(np.nanmean(force, axis=1))))
        sign = np.sign(np.nanmean(force[vertical])) or 1.0
        ap, ml = _horizontal_axes(vertical, cop, ap_axis, path, warnings)
        name = "plate" if len(loaded) == 1 else f"plate{i + 1}"
        plates.append(PlateSignal(name, sign * force[vertical], cop[ap] * scale,
                                  cop[ml] * scale))
    return CopTrial(path, fs, plates, "c3d", warnings)


def _horizontal_axes(vertical: int, cop: np.ndarray, ap_axis: str | None, path: Path,
                     warnings: list[str]) -> tuple[int, int]:
    axes = [a for a in range(3) if a != vertical]
    if ap_axis is not None:
        ap = "xyz".index(ap_axis.lower())
        if ap == vertical:
            raise InputFileError(path, f"--ap-axis {ap_axis} is the vertical axis here")
        return ap, next(a for a in axes if a != ap)
    spread = [np.nanstd(cop[a]) for a in axes]
    ap = axes[int(np.argmax(spread))]
    warnings.append(f"{path.name}: anterior-posterior taken as the lab's {'xyz'[ap]} axis (the "
                    "horizontal axis with the larger sway); give --ap-axis to set it")
    return ap, next(a for a in axes if a != ap)


# ---------------------------------------------------------------------- checks
def check_units(trial: CopTrial) -> None:
    """Refuse units that cannot be right: a centre of pressure or a force out of human range.

    A standing person's centre of pressure stays under the feet: it ranges over millimetres
    to centimetres, never beyond ``balance.cop.max_range_m`` (beyond
    :data:`MM_AS_M_SPAN_M`: millimetres read as metres; between the two: the person moves
    about) nor under ``balance.cop.min_range_m`` (metres read as millimetres). The summed
    vertical force is the body weight, between ``balance.plate.min_body_weight_n`` and
    ``balance.plate.max_body_weight_n``.

    Raises
    ------
    InputFileError
        Naming the file and the likely mistake.
    """
    path = trial.path
    bad = [p.name for p in trial.plates for x in (p.fz_n, p.cop_ap_m, p.cop_ml_m)
           if x is not None and not np.isfinite(x).any()]
    if bad:
        raise InputFileError(path, f"no finite values for the {bad[0]} plate")
    weight = float(np.nanmedian(trial.fz_total_n))
    lo, hi = threshold("balance.plate.min_body_weight_n"), threshold(
        "balance.plate.max_body_weight_n")
    if not lo <= weight <= hi:
        hint = (" (kilograms read as newtons?)" if 15 <= weight < lo else
                " (no one on the plate?)" if weight < lo else "")
        raise InputFileError(path, f"vertical force {weight:.0f} N is not a person's weight "
                             f"({lo:.0f}-{hi:.0f} N){hint}")
    on = trial.fz_total_n > 0.5 * weight
    for p in trial.plates:
        for direction, x in (("anterior-posterior", p.cop_ap_m), ("medio-lateral", p.cop_ml_m)):
            if x is not None:
                _check_range(x[on & (p.fz_n > threshold("balance.plate.foot_contact_n"))],
                             direction, path, trial.source == "text")


def _check_range(x: np.ndarray, direction: str, path: Path, text: bool) -> None:
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return
    span = float(np.ptp(x))
    hint_mm = " (give --cop-units mm)" if text else ""
    hint_m = " (give --cop-units m)" if text else ""
    if span > MM_AS_M_SPAN_M:
        raise InputFileError(path, f"the {direction} centre of pressure spans {span:.3g} m, "
                             f"more than a foot or a plate: millimetres read as metres?{hint_mm}")
    if span > threshold("balance.cop.max_range_m"):
        raise InputFileError(path, f"the {direction} centre of pressure moves {span:.2f} m, "
                             "more than under a standing person's feet: not quiet standing "
                             "(walking, running or stepping about on the plate?)")
    if span < threshold("balance.cop.min_range_m"):
        raise InputFileError(path, f"the {direction} centre of pressure spans only "
                             f"{span * 1000:.3g} mm, less than a standing person sways: "
                             f"metres read as millimetres?{hint_m}")


def check_on_plate(trial: CopTrial, feet: str = "both") -> None:
    """Refuse a quiet-standing trial in which the person steps off (or lifts a foot).

    Parameters
    ----------
    trial
        The trial.
    feet
        ``"both"``: every plate must stay loaded (one plate per foot) and the summed force
        must stay above ``balance.plate.off_fraction`` of body weight; ``"any"``: only the
        summed force is checked.

    Raises
    ------
    InputFileError
        Naming the file, the time and the plate.
    """
    weight = float(np.nanmedian(trial.fz_total_n))
    min_n = max(1, int(round(threshold("balance.plate.min_off_s") * trial.fs)))
    off = trial.fz_total_n < threshold("balance.plate.off_fraction") * weight
    runs = [r for r in true_runs(off) if r[1] - r[0] >= min_n]
    if runs:
        s, e = runs[0]
        low = float(np.min(trial.fz_total_n[s:e]))
        raise InputFileError(trial.path, f"the person steps off the plate at {s / trial.fs:.2f} s"
                             f" (vertical force falls to {low:.0f} N, {100 * low / weight:.0f} % "
                             "of body weight): trim the trial or record it again")
    if feet != "both" or len(trial.plates) < 2:
        return
    contact = threshold("balance.plate.foot_contact_n")
    for p in trial.plates:
        runs = [r for r in true_runs(p.fz_n < contact) if r[1] - r[0] >= min_n]
        if runs:
            raise InputFileError(trial.path, f"the {p.name} foot leaves its plate at "
                                 f"{runs[0][0] / trial.fs:.2f} s: a two-feet standing trial "
                                 "needs both feet on their plates throughout")
