"""FIT activity files.

Two decoders give the same :class:`~stridelab.io.activity.model.Activity`:

- ``fitfast`` (Rust-backed, records straight into NumPy arrays; about 50x faster), the fast
  path when it is installed;
- Garmin's official ``garmin-fit-sdk``, the reference, used when ``fitfast`` is missing or
  rejects a file. A file both reject is refused with the SDK's reason.

Set ``STRIDELAB_FIT_DECODER`` to ``sdk`` or ``fitfast`` to force one (tests cross-check them).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from stridelab.errors import DecoderError, InputFileError
from stridelab.io.activity.model import Activity, steps_per_minute, utc_start
from stridelab.io.isolate import decode_isolated

FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z, the FIT time origin, in Unix seconds
SEMICIRCLE_DEG = 180.0 / 2**31

#: FIT record field (after scale/offset) -> (channel, factor); enhanced fields win.
_RECORD_FIELDS: dict[str, tuple[str, float]] = {
    "distance": ("distance_m", 1.0),
    "speed": ("speed_m_s", 1.0),
    "enhanced_speed": ("speed_m_s", 1.0),
    "heart_rate": ("heart_rate_bpm", 1.0),
    "stance_time": ("stance_time_ms", 1.0),
    "stance_time_balance": ("stance_time_balance_left_pct", 1.0),
    "vertical_oscillation": ("vertical_oscillation_mm", 1.0),
    "vertical_ratio": ("vertical_ratio_pct", 1.0),
    "step_length": ("step_length_mm", 1.0),
    "position_lat": ("lat_deg", 1.0),
    "position_long": ("lon_deg", 1.0),
    "altitude": ("altitude_m", 1.0),
    "enhanced_altitude": ("altitude_m", 1.0),
}

#: FIT session field -> name in ``Activity.totals``.
_SESSION_FIELDS: dict[str, str] = {
    "total_distance": "total_distance_m",
    "total_elapsed_time": "total_elapsed_time_s",
    "total_timer_time": "total_timer_time_s",
    "total_ascent": "total_ascent_m",
    "total_descent": "total_descent_m",
    "total_calories": "total_calories_kcal",
    "avg_speed": "avg_speed_m_s",
    "enhanced_avg_speed": "avg_speed_m_s",
    "avg_heart_rate": "avg_heart_rate_bpm",
    "max_heart_rate": "max_heart_rate_bpm",
    "avg_stance_time": "avg_stance_time_ms",
    "avg_stance_time_balance": "avg_stance_time_balance_left_pct",
    "avg_vertical_oscillation": "avg_vertical_oscillation_mm",
    "avg_vertical_ratio": "avg_vertical_ratio_pct",
    "avg_step_length": "avg_step_length_mm",
}


def _decoder_choice(decoder: str | None) -> str:
    choice = (decoder or os.environ.get("STRIDELAB_FIT_DECODER") or "auto").lower()
    if choice not in ("auto", "fitfast", "sdk"):
        raise ValueError(f"unknown FIT decoder {choice!r}: use auto, fitfast or sdk")
    return choice


def read_fit(data: bytes, source: str, decoder: str | None = None) -> Activity:
    """Decode a FIT activity file.

    The decoders run in a child process (:mod:`stridelab.io.isolate`): a crash, a hang or a
    runaway allocation there rejects the file instead of ending the caller.

    Parameters
    ----------
    data
        The file's bytes.
    source
        Name used in messages and stored with the activity.
    decoder
        ``"auto"`` (default: fitfast, then the SDK), ``"fitfast"`` or ``"sdk"``.

    Raises
    ------
    InputFileError
        Empty, not FIT, corrupt, not an activity, or without records;
        :class:`~stridelab.errors.DecoderError` when the decoders crashed on it.
    """
    if not data:
        raise InputFileError(source, "empty file (0 bytes)")
    if len(data) < 12 or data[8:12] != b".FIT":
        raise InputFileError(source, "not a FIT file (no '.FIT' signature in the header)")
    choice = _decoder_choice(decoder)
    columns, meta, used, fast_failure = decode_isolated(
        "stridelab.io.activity.fit:decode_fit", (data, source, choice), source, len(data))
    activity = _build(source, columns, meta, decoder=used)
    if fast_failure:
        activity.warnings.append(f"decoded by Garmin's SDK (fitfast {fast_failure})")
    return activity


def decode_fit(data: bytes, source: str, choice: str) -> tuple[dict, dict, str, str]:
    """Decode with fitfast, then the SDK (in the decoder child).

    Parameters
    ----------
    data
        The file's bytes.
    source
        Name used in messages.
    choice
        ``"auto"``, ``"fitfast"`` or ``"sdk"``.

    Returns
    -------
    tuple
        Record columns, messages by kind, the decoder used, and how fitfast failed when the
        SDK decoded the file (``""`` otherwise).
    """
    fast = ("", "")  # how fitfast failed ("refused" or "crashed") and its reason
    if choice in ("auto", "fitfast"):
        try:
            return (*_fitfast_decode(data), "fitfast", "")
        except ImportError:
            if choice == "fitfast":
                raise
        except ValueError as exc:  # fitfast.FitDecodeError subclasses ValueError
            fast = ("refused", str(exc))
            if choice == "fitfast":
                raise InputFileError(source, f"corrupt FIT file: {exc}") from exc
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # pyo3's PanicException: a Rust panic
            fast = ("crashed", _panic_text(exc))
            if choice == "fitfast":
                raise DecoderError(source, f"cannot be read (decoder crashed: {fast[1]})") from None
    columns, meta = _sdk_decode(data, source, fast)
    note = {"refused": "refused it", "crashed": "crashed on it"}.get(fast[0])
    return columns, meta, "garmin-fit-sdk", f"{note}: {fast[1]}" if note else ""


def _panic_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"Rust panic, {text}" if text else f"Rust panic ({type(exc).__name__})"


def _fitfast_decode(data: bytes) -> tuple[dict, dict]:
    import fitfast

    return fitfast.records(data), fitfast.parse(data)


def _sdk_decode(data: bytes, source: str, fast: tuple[str, str]) -> tuple[dict, dict]:
    from garmin_fit_sdk import Decoder, Stream

    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(convert_datetimes_to_dates=False, merge_heart_rates=False)
    if errors:
        reason = "; ".join(str(e) for e in errors)
        if fast[0] == "crashed":
            raise DecoderError(source, f"cannot be read (decoder crashed: fitfast: {fast[1]}; "
                                       f"Garmin FIT SDK: {reason})")
        also = f"; fitfast: {fast[1]}" if fast[0] else ""
        raise InputFileError(
            source, f"corrupt FIT file, not imported (Garmin FIT SDK: {reason}{also})")
    columns = _sdk_columns(messages.get("record_mesgs", []))
    meta = {
        "session": messages.get("session_mesgs", []),
        "activity": messages.get("activity_mesgs", []),
        "file_id": messages.get("file_id_mesgs", []),
        "sport": messages.get("sport_mesgs", []),
    }
    for key in ("session", "activity", "file_id"):
        meta[key] = [_sdk_times(m) for m in meta[key]]
    return columns, meta


def _sdk_times(mesg: dict[str, Any]) -> dict[str, Any]:
    out = dict(mesg)
    for key in ("timestamp", "start_time", "local_timestamp", "time_created"):
        if isinstance(out.get(key), (int, float)):
            out[key] = out[key] + FIT_EPOCH_S
    return out


def _sdk_columns(records: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Columns like ``fitfast.records``: Unix seconds, degrees, NaN where absent."""
    names = {k for r in records for k, v in r.items() if isinstance(k, str)}
    columns: dict[str, np.ndarray] = {}
    for name in names:
        values = [r.get(name) for r in records]
        if not all(v is None or isinstance(v, (int, float)) for v in values):
            continue
        columns[name] = np.array([np.nan if v is None else v for v in values], dtype=float)
    if "timestamp" in columns:
        columns["timestamp"] = columns["timestamp"] + FIT_EPOCH_S
    for key in ("position_lat", "position_long"):
        if key in columns:
            columns[key] = columns[key] * SEMICIRCLE_DEG
    return columns


def _first(meta: dict[str, list[dict[str, Any]]], kind: str) -> dict[str, Any]:
    items = meta.get(kind) or []
    return dict(items[0]) if items else {}


def _device_name(file_id: dict[str, Any]) -> str | None:
    maker = file_id.get("manufacturer")
    product = file_id.get("product")
    if maker is None:
        return None
    if maker == "garmin" and isinstance(product, int):
        from garmin_fit_sdk import Profile

        product = Profile["types"]["garmin_product"].get(product, product)
    return f"{maker} {product}" if product is not None else str(maker)


def _build(
    source: str,
    columns: dict[str, np.ndarray],
    meta: dict[str, list[dict[str, Any]]],
    decoder: str,
) -> Activity:
    file_id = _first(meta, "file_id")
    file_type = file_id.get("type")
    if file_type not in (None, "activity", 4):
        raise InputFileError(source, f"FIT file of type '{file_type}', not an activity")
    times = columns.get("timestamp")
    if times is None or not np.isfinite(times).any():
        raise InputFileError(source, "FIT file has no timed records (no track to import)")
    order = np.argsort(times, kind="stable")
    session = _first(meta, "session")
    sport_msg = _first(meta, "sport")
    sport = session.get("sport", sport_msg.get("sport"))
    sport = sport if isinstance(sport, str) and sport != "generic" else "unknown"
    sub_sport = session.get("sub_sport", sport_msg.get("sub_sport"))
    warnings: list[str] = []
    if len(meta.get("session") or []) > 1:
        warnings.append("multi-session file: only the first session's sport is used")

    records: dict[str, np.ndarray] = {"time_s": times[order]}
    for field_name, (channel, factor) in _RECORD_FIELDS.items():
        if field_name in columns:
            values = columns[field_name][order] * factor
            if channel in records and field_name.startswith("enhanced_"):
                # the base field wins where present: fitfast 0.1.0 expands speed into
                # enhanced_speed with a 0.001 m/s rounding error in ~1 % of records
                values = np.where(np.isfinite(records[channel]), records[channel], values)
            records[channel] = values
    if "cadence" in columns:
        cadence = columns["cadence"][order] + np.nan_to_num(
            columns.get("fractional_cadence", np.zeros_like(times))[order]
        )
        records["cadence_spm"] = steps_per_minute(cadence, sport, warnings)

    totals = {_SESSION_FIELDS[k]: float(v) for k, v in session.items()
              if k in _SESSION_FIELDS and isinstance(v, (int, float))}
    if isinstance(session.get("avg_cadence"), (int, float)):
        per_foot = session["avg_cadence"] + session.get("avg_fractional_cadence", 0.0)
        totals["avg_cadence_spm"] = float(
            steps_per_minute(np.array([per_foot]), sport, [])[0]
        )
    start = session.get("start_time")
    start_s = float(start) if isinstance(start, (int, float)) else float(records["time_s"][0])
    return Activity(
        source=source,
        format="fit",
        sport=sport,
        sub_sport=sub_sport if isinstance(sub_sport, str) else None,
        start_utc=utc_start(start_s, records["time_s"], source),
        utc_offset_s=_utc_offset(_first(meta, "activity")),
        records=records,
        totals=totals,
        device=_device_name(file_id),
        decoder=decoder,
        warnings=warnings,
    )


def _utc_offset(activity: dict[str, Any]) -> int | None:
    """Offset of local time from UTC from the FIT activity message.

    FIT records ``local_timestamp`` next to the UTC ``timestamp`` (FIT SDK, activity
    message); the difference, rounded to 15 minutes, is the device's time zone offset.
    """
    local, utc = activity.get("local_timestamp"), activity.get("timestamp")
    if not isinstance(local, (int, float)) or not isinstance(utc, (int, float)):
        return None
    offset = round((local - utc) / 900.0) * 900
    return int(offset) if abs(offset) <= 14 * 3600 else None
