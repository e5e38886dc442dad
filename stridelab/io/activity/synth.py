"""Activity files for tests and benchmarks: real files moved in time, and small FIT runs.

:func:`shift_fit` moves every date-time field of a real FIT file by a whole number of days
in place (and fixes the file CRC), so a folder of copies looks like a training history
without re-encoding a byte of sensor data. :func:`encode_run` writes a small FIT run with
Garmin's own encoder (``garmin-fit-sdk``).
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)

#: (global message number, field number) of date_time fields; 253 is ``timestamp`` in all.
_TIME_FIELDS = {(0, 4), (18, 2), (19, 2), (34, 5), (49, 1)}


def _crc_table() -> list[int]:
    nibble = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]
    table = []
    for byte in range(256):
        crc = 0
        for part in (byte & 0xF, byte >> 4):
            tmp = nibble[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ nibble[part]
        table.append(crc)
    return table


_TABLE = _crc_table()


def fit_crc(data: bytes | bytearray | memoryview) -> int:
    """FIT CRC-16 (the FIT SDK's nibble-table algorithm, byte-table form)."""
    crc = 0
    table = _TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def fit_time_offsets(data: bytes) -> tuple[list[tuple[int, str]], bool]:
    """Byte offsets of the date-time fields of a FIT file.

    Returns
    -------
    offsets, compressed
        ``(offset, struct format)`` of every date-time value, and whether the file uses
        compressed-timestamp record headers.
    """
    offsets: list[tuple[int, str]] = []
    compressed = False
    pos = 0
    while pos + 12 <= len(data) and data[pos + 8:pos + 12] == b".FIT":
        header = data[pos]
        size = struct.unpack_from("<I", data, pos + 4)[0]
        cur, end = pos + header, pos + header + size
        definitions: dict[int, tuple[str, int, list[tuple[int, int]], int]] = {}
        while cur < end:
            head = data[cur]
            cur += 1
            if head & 0x80:
                compressed = True
                local = (head >> 5) & 0x3
            elif head & 0x40:
                local = head & 0x0F
                endian = ">" if data[cur + 1] else "<"
                number = struct.unpack_from(endian + "H", data, cur + 2)[0]
                count = data[cur + 4]
                fields = [(data[cur + 5 + 3 * k], data[cur + 6 + 3 * k]) for k in range(count)]
                cur += 5 + 3 * count
                dev_size = 0
                if head & 0x20:
                    n_dev = data[cur]
                    dev_size = sum(data[cur + 2 + 3 * k] for k in range(n_dev))
                    cur += 1 + 3 * n_dev
                definitions[local] = (endian, number, fields, dev_size)
                continue
            else:
                local = head & 0x0F
            endian, number, fields, dev_size = definitions[local]
            for field_num, field_size in fields:
                if field_size == 4 and (field_num == 253 or (number, field_num) in _TIME_FIELDS):
                    offsets.append((cur, endian + "I"))
                cur += field_size
            cur += dev_size
        pos = end + 2
    return offsets, compressed


def shift_fit(data: bytes, days: int) -> bytes:
    """Return a copy of a FIT file with every date-time moved by ``days`` whole days.

    Whole days keep compressed timestamps (5-bit offsets) valid: 86,400 s is a multiple
    of 32. Invalid (0xFFFFFFFF) values stay invalid; the file CRC is recomputed.

    Parameters
    ----------
    data
        A valid FIT file.
    days
        Days to add (negative: earlier).
    """
    delta = days * 86_400
    out = bytearray(data)
    for offset, fmt in fit_time_offsets(data)[0]:
        value = struct.unpack_from(fmt, out, offset)[0]
        if value != 0xFFFFFFFF and value >= 0x10000000:  # below: relative times (s since on)
            struct.pack_into(fmt, out, offset, value + delta)
    pos = 0
    while pos + 12 <= len(out) and out[pos + 8:pos + 12] == b".FIT":
        size = struct.unpack_from("<I", out, pos + 4)[0]
        end = pos + out[pos] + size
        struct.pack_into("<H", out, end, fit_crc(memoryview(out)[pos:end]))
        pos = end + 2
    return bytes(out)


def shift_xml_times(data: bytes, days: int) -> bytes:
    """Move every ``Time``/``time``/``Id`` and ``StartTime`` in a TCX or GPX file by days."""
    root = ET.fromstring(data)
    delta = timedelta(days=days)

    def moved(text: str) -> str:
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00")) + delta
        return stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("Time", "time", "Id") and element.text and "T" in element.text:
            element.text = moved(element.text)
        if "StartTime" in element.attrib:
            element.set("StartTime", moved(element.attrib["StartTime"]))
    for prefix, uri in (("", "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"),):
        ET.register_namespace(prefix, uri)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def encode_run(
    start: datetime,
    distance_m: float,
    duration_s: float,
    sport: str = "running",
    utc_offset_s: int = 0,
    with_gps: bool = False,
    step_s: float = 10.0,
) -> bytes:
    """Write a steady FIT activity with Garmin's encoder (``garmin_fit_sdk.Encoder``).

    Parameters
    ----------
    start
        Start, timezone-aware.
    distance_m, duration_s
        Totals; records every ``step_s`` at constant speed.
    sport
        FIT sport name (``"running"``, ``"walking"``, ``"cycling"``, ``"generic"`` ...).
    utc_offset_s
        Local-time offset written into the activity message.
    with_gps
        Add positions heading north from 55 N, 12 E.
    step_s
        Record interval.
    """
    from garmin_fit_sdk import Encoder, Profile

    mesg = Profile["mesg_num"]
    encoder = Encoder()
    encoder.write_mesg({"mesg_num": mesg["FILE_ID"], "type": "activity",
                        "manufacturer": "development", "product": 0, "time_created": start,
                        "serial_number": 1})
    n = int(duration_s // step_s) + 1
    speed = distance_m / duration_s
    for i in range(n):
        record = {"mesg_num": mesg["RECORD"], "timestamp": start + timedelta(seconds=i * step_s),
                  "distance": speed * i * step_s, "speed": speed, "heart_rate": 150,
                  "cadence": 85}
        if with_gps:
            record["position_lat"] = int((55.0 + speed * i * step_s / 111_195.0) / 180 * 2**31)
            record["position_long"] = int(12.0 / 180 * 2**31)
        encoder.write_mesg(record)
    end = start + timedelta(seconds=(n - 1) * step_s)
    encoder.write_mesg({"mesg_num": mesg["SESSION"], "timestamp": end, "start_time": start,
                        "sport": sport, "total_distance": float(distance_m),
                        "total_elapsed_time": float(duration_s),
                        "total_timer_time": float(duration_s)})
    local = int((end - FIT_EPOCH).total_seconds()) + utc_offset_s
    encoder.write_mesg({"mesg_num": mesg["ACTIVITY"], "timestamp": end,
                        "local_timestamp": local, "num_sessions": 1, "type": "manual"})
    return encoder.close()
